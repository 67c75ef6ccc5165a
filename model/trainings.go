package model

// TrainingStatus is where a trainer's notice stands (trainings.status).
type TrainingStatus string

// Training statuses.
const (
	TrainingPublished TrainingStatus = "published" // sent to the invitees; answers taken
	TrainingCancelled TrainingStatus = "cancelled" // called off by the trainer; the invitees told
)

// TrainingStatuses lists every training status.
var TrainingStatuses = []TrainingStatus{TrainingPublished, TrainingCancelled}

// Answer is an invitee's answer to a training (training_invites.answer).
type Answer string

// Training answers.
const (
	AnswerNone     Answer = "none"
	AnswerRead     Answer = "read"
	AnswerSigned   Answer = "signed"
	AnswerWaitlist Answer = "waitlist"
	AnswerLeave    Answer = "leave"
)

// Answers lists every training answer.
var Answers = []Answer{AnswerNone, AnswerRead, AnswerSigned, AnswerWaitlist, AnswerLeave}
