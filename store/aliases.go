package store

// Temporary, removed when the callers are renamed: the vocabulary moved to
// package model; these aliases keep the callers that still say store.X
// compiling until scripts/i21-model-rename.sh rewrites them.

import "github.com/alleybot/alleybot/model"

type (
	ComplaintStatus = model.ComplaintStatus
	Action          = model.Action
	Transition      = model.Transition
	PatrolEnd       = model.PatrolEnd
	TrainingStatus  = model.TrainingStatus
	Answer          = model.Answer
	Status          = model.Status
	EventKind       = model.EventKind
	Role            = model.Role
	ChatKind        = model.ChatKind
	PhotoKind       = model.PhotoKind
	Plan            = model.Plan
	ExtensionStatus = model.ExtensionStatus
	Clock           = model.Clock
)

const (
	ComplaintOpen           = model.ComplaintOpen
	ComplaintCase           = model.ComplaintCase
	ComplaintAnswered       = model.ComplaintAnswered
	ComplaintRejected       = model.ComplaintRejected
	ComplaintSettled        = model.ComplaintSettled
	ActDispatch             = model.ActDispatch
	ActRedirect             = model.ActRedirect
	ActReturn               = model.ActReturn
	ActMerge                = model.ActMerge
	ActResubmit             = model.ActResubmit
	ActVerify               = model.ActVerify
	ActNotOurs              = model.ActNotOurs
	ActProgress             = model.ActProgress
	ActExtend               = model.ActExtend
	ActApprove              = model.ActApprove
	ActRefuse               = model.ActRefuse
	ActFixed                = model.ActFixed
	ActPass                 = model.ActPass
	ActFail                 = model.ActFail
	ActRate                 = model.ActRate
	ActStill                = model.ActStill
	ActReopen               = model.ActReopen
	EndedBySteward          = model.EndedBySteward
	EndedByScheduler        = model.EndedByScheduler
	TrainingPublished       = model.TrainingPublished
	TrainingCancelled       = model.TrainingCancelled
	AnswerNone              = model.AnswerNone
	AnswerRead              = model.AnswerRead
	AnswerSigned            = model.AnswerSigned
	AnswerWaitlist          = model.AnswerWaitlist
	AnswerLeave             = model.AnswerLeave
	StatusSubmitted         = model.StatusSubmitted
	StatusReturned          = model.StatusReturned
	StatusDispatched        = model.StatusDispatched
	StatusVerified          = model.StatusVerified
	StatusFixed             = model.StatusFixed
	StatusClosed            = model.StatusClosed
	StatusMerged            = model.StatusMerged
	EventSubmitted          = model.EventSubmitted
	EventFixedOnSpot        = model.EventFixedOnSpot
	EventDispatched         = model.EventDispatched
	EventReturned           = model.EventReturned
	EventResubmitted        = model.EventResubmitted
	EventMerged             = model.EventMerged
	EventDuplicateMerged    = model.EventDuplicateMerged
	EventVerified           = model.EventVerified
	EventNotOurs            = model.EventNotOurs
	EventProgress           = model.EventProgress
	EventExtensionRequested = model.EventExtensionRequested
	EventExtensionApproved  = model.EventExtensionApproved
	EventExtensionRefused   = model.EventExtensionRefused
	EventFixed              = model.EventFixed
	EventRechecked          = model.EventRechecked
	EventClosed             = model.EventClosed
	EventSentBack           = model.EventSentBack
	EventEscalated          = model.EventEscalated
	EventRated              = model.EventRated
	EventReopened           = model.EventReopened
	EventConfirmed          = model.EventConfirmed
	RoleSteward             = model.RoleSteward
	RoleCoordinator         = model.RoleCoordinator
	RoleDepartment          = model.RoleDepartment
	RoleTrainer             = model.RoleTrainer
	RoleSupervisor          = model.RoleSupervisor
	RoleAdmin               = model.RoleAdmin
	ChatExchange            = model.ChatExchange
	ChatCoordinators        = model.ChatCoordinators
	ChatDepartment          = model.ChatDepartment
	ChatCommittee           = model.ChatCommittee
	ChatResident            = model.ChatResident
	PhotoBefore             = model.PhotoBefore
	PhotoProgress           = model.PhotoProgress
	PhotoAfter              = model.PhotoAfter
	PhotoCheck              = model.PhotoCheck
	PlanNow                 = model.PlanNow
	PlanByDate              = model.PlanByDate
	ExtensionPending        = model.ExtensionPending
	ExtensionApproved       = model.ExtensionApproved
	ExtensionRefused        = model.ExtensionRefused
	ExtensionCancelled      = model.ExtensionCancelled
	ClockVerify             = model.ClockVerify
	ClockFix                = model.ClockFix
)

var (
	ComplaintStatuses = model.ComplaintStatuses
	Lifecycle         = model.Lifecycle
	TrainingStatuses  = model.TrainingStatuses
	Answers           = model.Answers
	Statuses          = model.Statuses
	EventKinds        = model.EventKinds
	ChatKinds         = model.ChatKinds
)
