package model

import "slices"

// Action is what a person does to a case, by a button on its card.
type Action string

// Case actions.
const (
	ActDispatch Action = "dispatch" // coordinator: to the suggested department
	ActRedirect Action = "redirect" // coordinator: choose the lead department and copies
	ActReturn   Action = "return"   // coordinator: back to the steward with a reason
	ActMerge    Action = "merge"    // coordinator: a duplicate of an open case
	ActResubmit Action = "resubmit" // steward: a returned case, supplemented
	ActVerify   Action = "verify"   // department: verified on site, with a plan
	ActNotOurs  Action = "notours"  // department: not its duty, back to the center
	ActProgress Action = "progress" // department: progress with text and photos
	ActExtend   Action = "extend"   // department: ask for more time
	ActApprove  Action = "approve"  // coordinator: grant an extension (the id is the request's)
	ActRefuse   Action = "refuse"   // coordinator: refuse an extension
	ActFixed    Action = "fixed"    // department: fixed, with after-photos
	ActPass     Action = "pass"     // steward: re-check passed, the case closes
	ActFail     Action = "fail"     // steward: not fixed, back to the department
	ActRate     Action = "rate"     // resident: satisfaction 1–5
	ActStill    Action = "still"    // resident: still a problem
	ActReopen   Action = "reopen"   // a low score or "still a problem" (no button of its own)
	ActUrge     Action = "urge"     // steward: 催办, press the department (once a day)
)

// Transition is one row of the case state machine.
type Transition struct {
	From  []Status  // the statuses the action may act on
	To    Status    // the status it leaves the case in ("": unchanged)
	Event EventKind // the timeline entry it writes
}

// Lifecycle is the case state machine of seed 三(三)–(五): for every
// action, the statuses it acts on, the status it leaves and the event it
// records. The flows check From before acting; the store's updates write To.
var Lifecycle = map[Action]Transition{
	ActDispatch: {From: []Status{StatusSubmitted}, To: StatusDispatched, Event: EventDispatched},
	ActRedirect: {From: []Status{StatusSubmitted}, To: StatusDispatched, Event: EventDispatched},
	ActReturn:   {From: []Status{StatusSubmitted}, To: StatusReturned, Event: EventReturned},
	ActMerge:    {From: []Status{StatusSubmitted}, To: StatusMerged, Event: EventMerged},
	ActResubmit: {From: []Status{StatusReturned}, To: StatusSubmitted, Event: EventResubmitted},
	ActVerify:   {From: []Status{StatusDispatched}, To: StatusVerified, Event: EventVerified},
	ActNotOurs:  {From: []Status{StatusDispatched}, To: StatusSubmitted, Event: EventNotOurs},
	ActProgress: {From: []Status{StatusVerified}, Event: EventProgress},
	ActExtend:   {From: []Status{StatusVerified}, Event: EventExtensionRequested},
	ActApprove:  {From: []Status{StatusVerified}, Event: EventExtensionApproved},
	ActRefuse:   {From: []Status{StatusVerified}, Event: EventExtensionRefused},
	ActFixed:    {From: []Status{StatusVerified}, To: StatusFixed, Event: EventFixed},
	ActPass:     {From: []Status{StatusFixed}, To: StatusClosed, Event: EventRechecked},
	ActFail:     {From: []Status{StatusFixed}, To: StatusVerified, Event: EventSentBack},
	ActRate:     {From: []Status{StatusClosed}, Event: EventRated},
	ActStill:    {From: []Status{StatusClosed}, Event: EventRated},
	ActReopen:   {From: []Status{StatusClosed}, To: StatusSubmitted, Event: EventReopened},
	ActUrge:     {From: []Status{StatusDispatched, StatusVerified}, Event: EventUrged},
}

// Allows reports whether the action may act on a case in status st.
func (t Transition) Allows(st Status) bool { return slices.Contains(t.From, st) }
