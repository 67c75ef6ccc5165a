package model

import (
	"database/sql"
	"slices"
	"testing"
	"time"
)

// TestLifecycleIsClosed: every action acts on some status, and every status
// and event the state machine names is one of the lists.
func TestLifecycleIsClosed(t *testing.T) {
	for act, tr := range Lifecycle {
		if len(tr.From) == 0 {
			t.Errorf("%s acts on no status", act)
		}
		for _, st := range tr.From {
			if !slices.Contains(Statuses, st) {
				t.Errorf("%s acts on %q, not a status", act, st)
			}
			if !tr.Allows(st) {
				t.Errorf("%s does not allow %s, one of its From", act, st)
			}
		}
		if tr.To != "" && !slices.Contains(Statuses, tr.To) {
			t.Errorf("%s leaves %q, not a status", act, tr.To)
		}
		if !slices.Contains(EventKinds, tr.Event) {
			t.Errorf("%s records %q, not an event", act, tr.Event)
		}
	}
	if Lifecycle[ActDispatch].Allows(StatusClosed) {
		t.Error("a closed case can be dispatched")
	}
}

func TestRunningClock(t *testing.T) {
	v := sql.NullTime{Time: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC), Valid: true}
	f := sql.NullTime{Time: time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC), Valid: true}
	if c, due, ok := RunningClock(StatusDispatched, v, f); c != ClockVerify || !due.Equal(v.Time) || !ok {
		t.Errorf("dispatched: %s %v %v", c, due, ok)
	}
	if c, due, ok := RunningClock(StatusVerified, v, f); c != ClockFix || !due.Equal(f.Time) || !ok {
		t.Errorf("verified: %s %v %v", c, due, ok)
	}
	if _, _, ok := RunningClock(StatusVerified, v, sql.NullTime{}); ok {
		t.Error("verified without fix-by: a clock runs")
	}
	for _, st := range []Status{StatusSubmitted, StatusReturned, StatusFixed, StatusClosed, StatusMerged} {
		if _, _, ok := RunningClock(st, v, f); ok {
			t.Errorf("%s: a clock runs", st)
		}
	}
}
