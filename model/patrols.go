package model

// PatrolEnd says who ended a patrol (patrol_checkins.ended_by).
type PatrolEnd string

// Who ends a patrol.
const (
	EndedBySteward   PatrolEnd = "steward"   // the steward pressed 结束巡查
	EndedByScheduler PatrolEnd = "scheduler" // the scheduler closed a patrol left open
)
