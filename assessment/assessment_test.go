package assessment

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestComputeByHand(t *testing.T) {
	s := Default()
	c := Counts{PatrolsDone: 15, PatrolsOnTime: 15, PatrolsScheduled: 20, TrainingsAttended: 1, TrainingsInvited: 2,
		Cases: 2, Accepted: 1, Rechecks: 4, RechecksInTime: 3, CasesDue: 2, ClosedInTime: 1,
		Ratings: 2, RatingSum: 8, ComplaintsUpheld: 1}
	card := Compute(c, 1, s)
	// attendance: (0.75 + 0.5)/2 = 62.5; reports: (2/4 + 1/2)/2 = 50;
	// efficiency: (0.75 + 0.5)/2 = 62.5; satisfaction: (4−1)/4 = 75, −10 = 65.
	want := Components{Attendance: 62.5, Reports: 50, Efficiency: 62.5, Satisfaction: 65}
	if card.Components != want {
		t.Fatalf("components %+v, want %+v", card.Components, want)
	}
	// (30×62.5 + 30×50 + 20×62.5 + 20×65)/100 = 59.25 → 59.3 (rounded), below 合格 (60)
	if card.Total != 59.3 || card.Grade != Fail {
		t.Fatalf("total %v grade %s, want 59.3 fail", card.Total, card.Grade)
	}
	if g := s.Bands.GradeOf(90); g != Excellent {
		t.Fatalf("90 is %s", g)
	}
	if g := s.Bands.GradeOf(89.9); g != Good {
		t.Fatalf("89.9 is %s", g)
	}
	// Nothing asked, nothing missed, but no reports: the volume is 0.
	empty := Compute(Counts{}, 3, s)
	if empty.Components.Reports != 50 || empty.Components.Attendance != 100 {
		t.Fatalf("empty card %+v", empty.Components)
	}
}

// TestLateAndOutsideCount: 20 scheduled, 16 done: 10 on time, 3 late, 2
// outside the radius, 1 both. With late 0.5 and outside 0.25: 10 + 1.5 +
// 0.5 + 0.25 (the smaller) = 12.25 of 20; no trainings: (0.6125 + 1)/2.
func TestLateAndOutsideCount(t *testing.T) {
	s := Default()
	s.LateCounts, s.OutsideCounts = 0.5, 0.25
	c := Counts{PatrolsDone: 16, PatrolsScheduled: 20, PatrolsOnTime: 10, PatrolsLate: 3, PatrolsOutside: 2, PatrolsLateOutside: 1}
	if got := PatrolsCounted(c, s); got != 12.25 {
		t.Fatalf("counted %v, want 12.25", got)
	}
	if card := Compute(c, 1, s); card.Components.Attendance != 80.6 { // 80.625 → 80.6
		t.Fatalf("attendance %v, want 80.6", card.Components.Attendance)
	}
	// The defaults: late counts fully, outside half: 10 + 3 + 1 + 0.5 = 14.5.
	if got := PatrolsCounted(c, Default()); got != 14.5 {
		t.Fatalf("counted with the defaults %v, want 14.5", got)
	}
}

func TestPeriods(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	for in, want := range map[string]string{"2026-11": "2026-11", "2026-q4": "2026-Q4", "2026Q1": "2026-Q1", "2026": "2026", "2026-3": "2026-03"} {
		p, err := Parse(in)
		if err != nil || p.String() != want {
			t.Errorf("Parse(%q) = %v, %v; want %s", in, p, err, want)
		}
	}
	for _, in := range []string{"", "2026-13", "2026-Q5", "26-11", "november", "2026-11-01"} {
		if _, err := Parse(in); err == nil {
			t.Errorf("Parse(%q) accepted", in)
		}
	}
	p, _ := Parse("2026-Q4")
	from, to := p.Bounds(loc)
	if from != time.Date(2026, 10, 1, 0, 0, 0, 0, loc) || to != time.Date(2027, 1, 1, 0, 0, 0, 0, loc) {
		t.Fatalf("Q4 bounds %v %v", from, to)
	}
	now := time.Date(2026, 12, 5, 13, 0, 0, 0, loc)
	if err := p.CheckEnded(now, loc); err == nil {
		t.Fatal("Q4 2026 has not ended on 5 December")
	}
	future, _ := Parse("2027-01")
	if err := future.CheckEnded(now, loc); err == nil {
		t.Fatal("a future month accepted")
	}
	nov, _ := Parse("2026-11")
	if err := nov.CheckEnded(now, loc); err != nil {
		t.Fatal(err)
	}
	if got := LastEnded(Month, now, loc).String(); got != "2026-11" {
		t.Fatalf("last month %s", got)
	}
	if got := LastEnded(Quarter, now, loc).String(); got != "2026-Q3" {
		t.Fatalf("last quarter %s", got)
	}
	if got := LastEnded(Month, time.Date(2027, 1, 3, 0, 0, 0, 0, loc), loc).String(); got != "2026-12" {
		t.Fatalf("last month in January %s", got)
	}
}

// TestEndedSince: from February 2026 to 2026-12-05, the months Feb–Nov,
// the quarters beginning at or after it (Q2, Q3) and no year.
func TestEndedSince(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	since := time.Date(2026, 2, 1, 0, 0, 0, 0, loc)
	now := time.Date(2026, 12, 5, 10, 0, 0, 0, loc)
	names := func(ps []Period) string {
		var s []string
		for _, p := range ps {
			s = append(s, p.String())
		}
		return strings.Join(s, " ")
	}
	for kind, want := range map[Kind]string{
		Month:   "2026-02 2026-03 2026-04 2026-05 2026-06 2026-07 2026-08 2026-09 2026-10 2026-11",
		Quarter: "2026-Q2 2026-Q3",
		Year:    "",
	} {
		if got := names(EndedSince(kind, since, now, loc)); got != want {
			t.Errorf("%s: %q, want %q", kind, got, want)
		}
	}
	if got := names(EndedSince(Year, time.Date(2024, 1, 1, 0, 0, 0, 0, loc), now, loc)); got != "2024 2025" {
		t.Errorf("years since 2024: %q", got)
	}
	if got := names(EndedSince(Quarter, time.Date(2025, 10, 1, 0, 0, 0, 0, loc), now, loc)); got != "2025-Q4 2026-Q1 2026-Q2 2026-Q3" {
		t.Errorf("quarters since 2025-10: %q", got)
	}
	if p := (Period{Kind: Month, Year: 2026, Index: 12}).Next(); p.String() != "2027-01" {
		t.Errorf("after 2026-12: %s", p)
	}
}

// TestAdjusted: a correction moves the total within 0–100 and the band is
// the one of the bands stored with the card, not today's defaults.
func TestAdjusted(t *testing.T) {
	s := Default()
	s.Bands = Bands{Excellent: 95, Good: 80, Pass: 50}
	raw, _ := json.Marshal(s)
	for _, c := range []struct {
		total, adj float64
		grade      string
		want       float64
		wantGrade  Grade
	}{
		{70, 0, "pass", 70, Pass},
		{70, 5, "pass", 75, Pass}, // 75 is 良好 by default, 合格 under the card's bands
		{78, 2.5, "pass", 80.5, Good},
		{98, 5, "excellent", 100, Excellent},
		{3, -5, "fail", 0, Fail},
	} {
		got, g, err := Adjusted(c.total, c.adj, c.grade, raw)
		if err != nil || got != c.want || g != c.wantGrade {
			t.Errorf("Adjusted(%v, %v) = %v %v %v, want %v %v", c.total, c.adj, got, g, err, c.want, c.wantGrade)
		}
	}
	if _, _, err := Adjusted(70, 5, "pass", []byte("{")); err == nil {
		t.Error("broken settings accepted")
	}
}
