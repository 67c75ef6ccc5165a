// Package evaluation is the monthly evaluation report (seed 七(一)): a
// month's figures (cases by category and alley, each department's time to
// verify and to fix, overdue and send-back rates, patrol and training
// attendance, residents' satisfaction, complaints), their charts as PNG
// and a CSV of them.
package evaluation

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strconv"
	"time"

	"github.com/alleybot/alleybot/assessment"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/store"
)

// Report is one period's figures, as of AsOf.
type Report struct {
	Period      assessment.Period
	From, To    time.Time // [From, To) in the configured zone
	AsOf        time.Time
	Cases       int
	ByCategory  []store.EvalCount
	ByAlley     []store.EvalCount
	Departments []store.EvalDepartment // the total is All
	All         store.EvalDepartment
	Patrols     store.PatrolCounts // every steward's windows of the period, as of AsOf
	Others      store.EvalOthers
	Complaints  []store.EvalCount      // by status
	Suggestions store.SuggestionCounts // residents' suggestions received, made cases, answered (二(三)1)
}

// Compute gathers a period's figures; the period must have ended (the
// reason otherwise). q is best a transaction's: JIT is turned off in it
// (store.WithoutJIT), which more than halves the time.
func Compute(ctx context.Context, q *store.Queries, p assessment.Period, loc *time.Location, asOf time.Time) (Report, error) {
	if err := p.CheckEnded(asOf, loc); err != nil {
		return Report{}, err
	}
	if err := q.WithoutJIT(ctx); err != nil {
		return Report{}, err
	}
	r := Report{Period: p, AsOf: asOf}
	r.From, r.To = p.Bounds(loc)
	var err error
	if r.ByCategory, r.ByAlley, err = q.EvalCaseCounts(ctx, r.From, r.To); err != nil {
		return r, err
	}
	for _, c := range r.ByCategory {
		r.Cases += c.N
	}
	deps, err := q.EvalDepartments(ctx, r.From, r.To, asOf)
	if err != nil {
		return r, err
	}
	for _, d := range deps {
		if d.Total {
			r.All = d
		} else {
			r.Departments = append(r.Departments, d)
		}
	}
	days, err := q.PatrolAttendance(ctx, 0, r.From, r.To)
	if err != nil {
		return r, err
	}
	for _, d := range days {
		r.Patrols = r.Patrols.Add(d.Counts(asOf))
	}
	if r.Others, r.Complaints, err = q.EvalOthersOf(ctx, r.From, r.To); err != nil {
		return r, err
	}
	r.Suggestions, err = q.SuggestionsBetween(ctx, r.From, r.To)
	return r, err
}

// Rate is a share n/of (of 0: no rate).
type Rate struct{ N, Of int }

// Value is the share, 0 when there is nothing to share.
func (r Rate) Value() float64 {
	if r.Of == 0 {
		return 0
	}
	return float64(r.N) / float64(r.Of)
}

// Percent is "12.5%" ("–" without a base).
func (r Rate) Percent() string {
	if r.Of == 0 {
		return "–"
	}
	return strconv.FormatFloat(100*r.Value(), 'f', 1, 64) + "%"
}

// Overdue is the cases overdue among those dispatched.
func (r Report) Overdue() Rate { return Rate{r.All.Overdue, r.All.Due} }

// SendBack is the re-checks that failed (sent back to the department).
func (r Report) SendBack() Rate { return Rate{r.All.SentBack, r.All.Rechecks} }

// Returned is the cases returned to their steward to supplement.
func (r Report) Returned() Rate { return Rate{r.All.Returned, r.All.Cases} }

// PatrolAttendance is the patrol windows attended (on time or late) among
// those that have ended.
func (r Report) PatrolAttendance() Rate {
	return Rate{r.Patrols.OnTime + r.Patrols.Late, r.Patrols.Scheduled - r.Patrols.Upcoming}
}

// TrainingAttendance is the invitees who attended.
func (r Report) TrainingAttendance() Rate {
	return Rate{r.Others.TrainingsAttended, r.Others.TrainingsInvited}
}

// Satisfaction is the residents' average score "4.25" ("–" without ratings).
func (r Report) Satisfaction() string {
	if r.Others.Ratings == 0 {
		return "–"
	}
	return strconv.FormatFloat(r.Others.RatingAvg, 'f', 2, 64)
}

// CSV is the figures, one per row (section, key, name, metric, value), with
// a byte order mark for Excel on a Chinese Windows.
func (r Report) CSV() []byte {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	p := r.Period.String()
	row := func(section, key, name, metric string, v any) {
		_ = w.Write([]string{p, section, key, name, metric, fmt.Sprint(v)})
	}
	_ = w.Write([]string{"period", "section", "key", "name", "metric", "value"})
	row("cases", "", "", "cases", r.Cases)
	for _, c := range r.ByCategory {
		row("category", c.Key, c.Name, "cases", c.N)
	}
	for _, c := range r.ByAlley {
		row("alley", c.Key, c.Name, "cases", c.N)
	}
	for _, d := range append(append([]store.EvalDepartment{}, r.Departments...), r.All) {
		key, name := d.Code, d.Name
		if d.Total {
			key, name = "*", "*"
		}
		row("department", key, name, "cases", d.Cases)
		row("department", key, name, "verified", d.Verified)
		row("department", key, name, "verify_median_h", hours(d.VerifyMedian.Float64, d.VerifyMedian.Valid))
		row("department", key, name, "verify_p90_h", hours(d.VerifyP90.Float64, d.VerifyP90.Valid))
		row("department", key, name, "fixed", d.Fixed)
		row("department", key, name, "fix_median_h", hours(d.FixMedian.Float64, d.FixMedian.Valid))
		row("department", key, name, "fix_p90_h", hours(d.FixP90.Float64, d.FixP90.Valid))
		row("department", key, name, "due", d.Due)
		row("department", key, name, "overdue", d.Overdue)
		row("department", key, name, "rechecks", d.Rechecks)
		row("department", key, name, "sent_back", d.SentBack)
		row("department", key, name, "returned", d.Returned)
	}
	for _, x := range []struct {
		name string
		rate Rate
	}{{"overdue", r.Overdue()}, {"send_back", r.SendBack()}, {"returned", r.Returned()},
		{"patrol_attendance", r.PatrolAttendance()}, {"training_attendance", r.TrainingAttendance()}} {
		row("rate", x.name, "", "n", x.rate.N)
		row("rate", x.name, "", "of", x.rate.Of)
		row("rate", x.name, "", "rate", strconv.FormatFloat(x.rate.Value(), 'f', 4, 64))
	}
	row("satisfaction", "", "", "ratings", r.Others.Ratings)
	row("satisfaction", "", "", "average", strconv.FormatFloat(r.Others.RatingAvg, 'f', 2, 64))
	row("satisfaction", "", "", "still_problem", r.Others.StillProblem)
	row("complaints", "", "", "filed", r.Others.Complaints)
	row("complaints", "", "", "upheld", r.Others.Upheld)
	for _, c := range r.Complaints {
		row("complaints", c.Key, "", "filed", c.N)
	}
	row("suggestions", "", "", "received", r.Suggestions.Received)
	row("suggestions", "", "", "converted", r.Suggestions.Converted)
	row("suggestions", "", "", "answered", r.Suggestions.Answered)
	w.Flush()
	return buf.Bytes()
}

// hours is "12.3", or "" for no value.
func hours(h float64, ok bool) string {
	if !ok {
		return ""
	}
	return strconv.FormatFloat(h, 'f', 1, 64)
}

// SuggestionsText is the month's suggestions in a line: received, made
// cases, answered.
func (r Report) SuggestionsText(lang i18n.Lang) string {
	return i18n.T(lang, "evaluation.suggestions", "received", r.Suggestions.Received,
		"converted", r.Suggestions.Converted, "answered", r.Suggestions.Answered)
}
