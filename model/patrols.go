package model

import "time"

// PatrolEnd says who ended a patrol (patrol_checkins.ended_by).
type PatrolEnd string

// Who ends a patrol.
const (
	EndedBySteward   PatrolEnd = "steward"   // the steward pressed 结束巡查
	EndedByScheduler PatrolEnd = "scheduler" // the scheduler closed a patrol left open
)

// A check-in attends a patrol window when it comes at most PatrolEarly
// before the window starts and before it ends; after PatrolLate from the
// start it is late.
const (
	PatrolEarly = 30 * time.Minute
	PatrolLate  = 15 * time.Minute
)
