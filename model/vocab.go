package model

import (
	"database/sql"
	"time"
)

// Status is where a case stands in its lifecycle (seed 三(三)–(五)).
type Status string

// Case statuses; Lifecycle says which action moves a case between them.
const (
	StatusSubmitted  Status = "submitted"  // waiting for the acceptance center
	StatusReturned   Status = "returned"   // back with the steward, to supplement
	StatusDispatched Status = "dispatched" // with a department; the verify clock runs
	StatusVerified   Status = "verified"   // verified on site; the fix clock runs
	StatusFixed      Status = "fixed"      // the department says fixed; the steward re-checks
	StatusClosed     Status = "closed"     // re-checked (or fixed on the spot); residents asked
	StatusMerged     Status = "merged"     // a duplicate, closed into another case
)

// Statuses lists every status.
var Statuses = []Status{StatusSubmitted, StatusReturned, StatusDispatched, StatusVerified, StatusFixed, StatusClosed, StatusMerged}

// EventKind names an entry of a case's timeline (case_events.kind).
type EventKind string

// Timeline events; each has a catalog entry "event.<kind>".
const (
	EventSubmitted          EventKind = "submitted"
	EventFixedOnSpot        EventKind = "fixed_on_spot"
	EventDispatched         EventKind = "dispatched"
	EventReturned           EventKind = "returned"
	EventResubmitted        EventKind = "resubmitted"
	EventMerged             EventKind = "merged"
	EventDuplicateMerged    EventKind = "duplicate_merged"
	EventVerified           EventKind = "verified"
	EventNotOurs            EventKind = "not_ours"
	EventProgress           EventKind = "progress"
	EventExtensionRequested EventKind = "extension_requested"
	EventExtensionApproved  EventKind = "extension_approved"
	EventExtensionRefused   EventKind = "extension_refused"
	EventFixed              EventKind = "fixed"
	EventRechecked          EventKind = "rechecked"
	EventClosed             EventKind = "closed"
	EventSentBack           EventKind = "sent_back"
	EventEscalated          EventKind = "escalated"
	EventRated              EventKind = "rated"
	EventReopened           EventKind = "reopened"
	EventConfirmed          EventKind = "confirmed" // a steward's report of the same problem, following it
	EventUrged              EventKind = "urged"     // 催办: the reporting steward pressed the department
)

// EventKinds lists every timeline event.
var EventKinds = []EventKind{EventSubmitted, EventFixedOnSpot, EventDispatched, EventReturned, EventResubmitted,
	EventMerged, EventDuplicateMerged, EventVerified, EventNotOurs, EventProgress, EventExtensionRequested,
	EventExtensionApproved, EventExtensionRefused, EventFixed, EventRechecked, EventClosed, EventSentBack,
	EventEscalated, EventRated, EventReopened, EventConfirmed,
	EventUrged}

// Role is what a person does (roles.code); a department member's role is
// scoped to their department, a coordinator's or steward's to a community.
type Role string

// Roles of the roster.
const (
	RoleSteward     Role = "steward"     // 小巷管家
	RoleCoordinator Role = "coordinator" // the acceptance center
	RoleDepartment  Role = "department"  // a member of a responsible department
	RoleTrainer     Role = "trainer"
	RoleSupervisor  Role = "supervisor"
	RoleAdmin       Role = "admin" // may do everything
	// RoleAssessor is the assessment group (四(一)1: the residents'
	// committee with the street office): it reads the scorecards.
	RoleAssessor Role = "assessor"
	// RoleTreasurer keeps the fund ledger (六): income and spending
	// entries, /ledger and `alleybot ledger`.
	RoleTreasurer Role = "treasurer"
)

// ChatKind is what a roster group chat is for (chats.kind).
type ChatKind string

// Group chats the bot posts to.
const (
	ChatExchange     ChatKind = "exchange"     // 工作交流群: stewards, departments, the center
	ChatCoordinators ChatKind = "coordinators" // the acceptance center's group
	ChatDepartment   ChatKind = "department"   // one department's group
	ChatCommittee    ChatKind = "committee"    // a community committee's group
	ChatResident     ChatKind = "resident"     // residents of a community
)

// ChatKinds lists every chat kind, for the roster's checks.
var ChatKinds = []ChatKind{ChatExchange, ChatResident, ChatDepartment, ChatCoordinators, ChatCommittee}

// PhotoKind says what a photo shows (photos.kind).
type PhotoKind string

// Photo kinds.
const (
	PhotoBefore   PhotoKind = "before"   // sent with the report
	PhotoProgress PhotoKind = "progress" // with a department's progress report
	PhotoAfter    PhotoKind = "after"    // with "fixed"
	PhotoCheck    PhotoKind = "check"    // the steward's re-check that failed
)

// Plan is how a department means to fix a verified case.
type Plan string

// Plans of 已核实.
const (
	PlanNow    Plan = "now"     // 立即整改: within cases.immediate_fix (or the category's fix time, if shorter)
	PlanByDate Plan = "by_date" // 限期整改: by a date the department names
)

// ExtensionStatus is where a request for more time stands.
type ExtensionStatus string

// Extension statuses.
const (
	ExtensionPending   ExtensionStatus = "pending"
	ExtensionApproved  ExtensionStatus = "approved"
	ExtensionRefused   ExtensionStatus = "refused"
	ExtensionCancelled ExtensionStatus = "cancelled" // the case moved on before a decision
)

// Clock names one of a case's two deadlines.
type Clock string

// The two clocks of a dispatched case.
const (
	ClockVerify Clock = "verify" // verify on site by verify_by
	ClockFix    Clock = "fix"    // fix by fix_by
)

// RunningClock is the clock that runs on a case in status st now and its
// deadline; ok is false when none runs (before dispatch, while waiting for
// the re-check, after closing).
func RunningClock(st Status, verifyBy, fixBy sql.NullTime) (clock Clock, due time.Time, ok bool) {
	switch st {
	case StatusDispatched:
		return ClockVerify, verifyBy.Time, verifyBy.Valid
	case StatusVerified:
		return ClockFix, fixBy.Time, fixBy.Valid
	}
	return "", time.Time{}, false
}
