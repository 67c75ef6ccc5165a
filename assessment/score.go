// Package assessment turns a steward's counts for a period into a scorecard
// (seed 四(一)): attendance, reports, efficiency and residents'
// satisfaction, each a score out of 100 with the counts behind it, a
// weighted total and a grade band. Pure computation: the counting queries
// are the store's (store/assessment.go); this package reads no database.
//
// Every share whose denominator is zero (nothing scheduled, nothing due,
// nobody rated) counts as fully met: nothing was asked, nothing was missed.
// The one exception is the number of reports, measured against
// Settings.ReportsExpected per month.
package assessment

import (
	"encoding/json"
	"fmt"
	"math"
	"time"
)

// Counts are a steward's rows for one period: every figure of the card is
// computed from these alone, and they are stored with it.
type Counts struct {
	PatrolsDone      int `json:"patrols_done"`      // scheduled patrols checked in, on time or late, in the radius or not
	PatrolsScheduled int `json:"patrols_scheduled"` // scheduled patrols in the period
	// PatrolsDone split four ways (each check-in in exactly one): on time
	// in the alley's radius, late in it, on time outside it, late and
	// outside; counted by Settings.LateCounts and OutsideCounts.
	PatrolsOnTime      int `json:"patrols_on_time"`
	PatrolsLate        int `json:"patrols_late"`
	PatrolsOutside     int `json:"patrols_outside"`
	PatrolsLateOutside int `json:"patrols_late_outside"`
	TrainingsAttended  int `json:"trainings_attended"` // invitations marked attended
	TrainingsInvited   int `json:"trainings_invited"`  // invitations to trainings held in the period (not cancelled)
	Cases              int `json:"cases"`              // cases reported in the period, fixed-on-the-spot included
	FixedOnSpot        int `json:"fixed_on_spot"`      // of those, fixed on the spot
	Accepted           int `json:"accepted"`           // of those, neither returned nor merged as a duplicate
	Rechecks           int `json:"rechecks"`           // re-checks the steward did in the period (passed or sent back)
	RechecksInTime     int `json:"rechecks_in_time"`   // of those, within Settings.RecheckWithin of the fix
	CasesDue           int `json:"cases_due"`          // accepted cases closed, or past their fix deadline, by the period's end
	ClosedInTime       int `json:"closed_in_time"`     // of those, closed with the fix within its deadline
	Ratings            int `json:"ratings"`            // residents' scores of the steward's cases given in the period
	RatingSum          int `json:"rating_sum"`         // their sum (1–5 each)
	ComplaintsUpheld   int `json:"complaints_upheld"`  // complaints about the steward upheld by a supervisor
}

// Weights are the components' shares of the total (they need not add to 100).
type Weights struct {
	Attendance   float64 `json:"attendance" yaml:"attendance"`
	Reports      float64 `json:"reports" yaml:"reports"`
	Efficiency   float64 `json:"efficiency" yaml:"efficiency"`
	Satisfaction float64 `json:"satisfaction" yaml:"satisfaction"`
}

// Bands are the lowest totals of each grade; below Pass is 不合格.
type Bands struct {
	Excellent float64 `json:"excellent" yaml:"excellent"` // 优秀
	Good      float64 `json:"good" yaml:"good"`           // 良好
	Pass      float64 `json:"pass" yaml:"pass"`           // 合格
}

// Settings are the rules a card is computed with; they are stored with it,
// so a later change of the config leaves a stored card as it was.
type Settings struct {
	Weights         Weights       `json:"weights"`
	Bands           Bands         `json:"bands"`
	RecheckWithin   time.Duration `json:"recheck_within"`   // a re-check this long after the fix is in time
	ReportsExpected int           `json:"reports_expected"` // reports a month for full marks on volume
	ComplaintCost   float64       `json:"complaint_cost"`   // satisfaction points lost per upheld complaint
	// A late patrol counts LateCounts of one, one checked in outside the
	// alley's radius OutsideCounts (0–1 each); one both late and outside
	// counts the smaller.
	LateCounts    float64 `json:"late_counts"`
	OutsideCounts float64 `json:"outside_counts"`
}

// Grade is a grade band.
type Grade string

// The grade bands of 四(一).
const (
	Excellent Grade = "excellent" // 优秀
	Good      Grade = "good"      // 良好
	Pass      Grade = "pass"      // 合格
	Fail      Grade = "fail"      // 不合格
)

// Components are the four scores, each 0–100 with one decimal.
type Components struct {
	Attendance   float64 `json:"attendance"`
	Reports      float64 `json:"reports"`
	Efficiency   float64 `json:"efficiency"`
	Satisfaction float64 `json:"satisfaction"`
}

// Card is a computed scorecard.
type Card struct {
	Counts     Counts
	Components Components
	Total      float64
	Grade      Grade
}

// share is n/d, 1 when d is 0.
func share(n, d int) float64 {
	if d <= 0 {
		return 1
	}
	return float64(n) / float64(d)
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }

// PatrolsCounted is the patrols done as the settings count them: on time
// in the radius 1 each, late LateCounts, outside OutsideCounts, late and
// outside the smaller of the two.
func PatrolsCounted(c Counts, s Settings) float64 {
	return float64(c.PatrolsOnTime) + s.LateCounts*float64(c.PatrolsLate) + s.OutsideCounts*float64(c.PatrolsOutside) +
		math.Min(s.LateCounts, s.OutsideCounts)*float64(c.PatrolsLateOutside)
}

// Compute scores a period's counts (months: the period's length, for the
// expected number of reports):
//   - attendance = 100 × mean(PatrolsCounted/scheduled, trainings attended/invited)
//   - reports = 100 × mean(min(1, cases/(expected × months)), accepted/cases)
//   - efficiency = 100 × mean(re-checks in time/re-checks, closed in time/due)
//   - satisfaction = 100 × (average rating − 1)/4 (no ratings: 100), less
//     ComplaintCost per upheld complaint, not below 0
//   - total = the weighted mean; the grade is the highest band it reaches.
func Compute(c Counts, months int, s Settings) Card {
	var comp Components
	patrols := 1.0
	if c.PatrolsScheduled > 0 {
		patrols = PatrolsCounted(c, s) / float64(c.PatrolsScheduled)
	}
	comp.Attendance = round1(100 * (patrols + share(c.TrainingsAttended, c.TrainingsInvited)) / 2)
	volume := 1.0
	if want := s.ReportsExpected * max(months, 1); want > 0 {
		volume = math.Min(1, float64(c.Cases)/float64(want))
	}
	comp.Reports = round1(100 * (volume + share(c.Accepted, c.Cases)) / 2)
	comp.Efficiency = round1(100 * (share(c.RechecksInTime, c.Rechecks) + share(c.ClosedInTime, c.CasesDue)) / 2)
	sat := 100.0
	if c.Ratings > 0 {
		sat = 100 * (float64(c.RatingSum)/float64(c.Ratings) - 1) / 4
	}
	comp.Satisfaction = round1(math.Max(0, sat-s.ComplaintCost*float64(c.ComplaintsUpheld)))
	w := s.Weights
	sum := w.Attendance + w.Reports + w.Efficiency + w.Satisfaction
	total := 0.0
	if sum > 0 {
		total = (w.Attendance*comp.Attendance + w.Reports*comp.Reports + w.Efficiency*comp.Efficiency + w.Satisfaction*comp.Satisfaction) / sum
	}
	total = round1(total)
	return Card{Counts: c, Components: comp, Total: total, Grade: s.Bands.GradeOf(total)}
}

// GradeOf is the band a total falls in.
func (b Bands) GradeOf(total float64) Grade {
	switch {
	case total >= b.Excellent:
		return Excellent
	case total >= b.Good:
		return Good
	case total >= b.Pass:
		return Pass
	}
	return Fail
}

// Adjusted is a stored card's total after the period's adjustments (an
// appeal corrected): the sum, within 0–100 with one decimal, and its
// grade band under the bands stored with the card (settings, its JSON),
// never the config's of today. No adjustment: the stored grade.
func Adjusted(total, adjustment float64, grade string, settings []byte) (float64, Grade, error) {
	if adjustment == 0 {
		return total, Grade(grade), nil
	}
	adjusted := round1(math.Min(100, math.Max(0, total+adjustment)))
	var s Settings
	if err := json.Unmarshal(settings, &s); err != nil {
		return adjusted, "", fmt.Errorf("the card's settings: %w", err)
	}
	return adjusted, s.Bands.GradeOf(adjusted), nil
}

// Default are the settings where the config says nothing.
func Default() Settings {
	return Settings{
		Weights:         Weights{Attendance: 30, Reports: 30, Efficiency: 20, Satisfaction: 20},
		Bands:           Bands{Excellent: 90, Good: 75, Pass: 60},
		RecheckWithin:   24 * time.Hour,
		ReportsExpected: 4,
		ComplaintCost:   10,
		LateCounts:      1,
		OutsideCounts:   0.5,
	}
}
