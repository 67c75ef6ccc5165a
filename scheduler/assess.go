package scheduler

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/alleybot/alleybot/assessment"
	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/flows/allowance"
	"github.com/alleybot/alleybot/flows/discipline"
	"github.com/alleybot/alleybot/store"
)

// AssessOptions are the scorecards (seed 四(一)) computed once each period
// has ended, with the config's settings of the moment, and stored.
type AssessOptions struct {
	Enabled  bool
	Settings assessment.Settings
	Kinds    []assessment.Kind // default: month, quarter, year
	// Allowance proposes each steward's monthly allowance from the month's
	// stored cards (package allowance); off when it is all zero.
	Allowance assessment.AllowanceRule
	// RecognitionTop: once a month's scorecards are stored, at most this
	// many stewards graded excellent are proposed to each community's
	// coordinators for commendation (四(二)); 0: no proposal.
	RecognitionTop int
}

// By says who computes a scorecard and why: empty Name is the scheduler
// (the period's first computation, once); an admin's recompute names
// themselves and a reason, and adds a revision.
type By struct {
	Name     string
	PersonID int64
	Reason   string
}

// AssessPeriod computes and stores every active steward's scorecard for a
// period that has ended (refused otherwise, with the reason) and returns
// how many it stored. only (not 0) limits it to one steward.
func AssessPeriod(ctx context.Context, q *store.Queries, p assessment.Period, s assessment.Settings, loc *time.Location,
	now time.Time, by By, only int64) (int, error) {
	if err := p.CheckEnded(now, loc); err != nil {
		return 0, err
	}
	stewards, err := q.StewardsToAssess(ctx)
	if err != nil {
		return 0, err
	}
	from, to := p.Bounds(loc)
	settings, err := json.Marshal(s)
	if err != nil {
		return 0, err
	}
	stored := 0
	for _, st := range stewards {
		if only != 0 && st.ID != only {
			continue
		}
		counts, err := q.ScoreCountsOf(ctx, st.ID, from, to, s.RecheckWithin)
		if err != nil {
			return stored, err
		}
		card := assessment.Compute(assessment.Counts(counts), p.Months(), s)
		a := store.Assessment{PersonID: st.ID, Period: p.String(), CommunityID: sql.NullInt64{Int64: st.CommunityID, Valid: st.CommunityID != 0},
			From: from, To: to, Settings: settings, Total: card.Total, Grade: string(card.Grade), ComputedAt: now,
			ComputedBy: "scheduler", Reason: by.Reason}
		if by.Name != "" {
			a.ComputedBy, a.ComputedByID = by.Name, sql.NullInt64{Int64: by.PersonID, Valid: by.PersonID != 0}
		}
		if a.Counts, err = json.Marshal(card.Counts); err != nil {
			return stored, err
		}
		if a.Components, err = json.Marshal(card.Components); err != nil {
			return stored, err
		}
		ok, err := q.AddAssessment(ctx, a, by.Name == "")
		if err != nil {
			return stored, fmt.Errorf("%s %s: %w", st.Code, p, err)
		}
		if ok {
			stored++
		}
	}
	return stored, nil
}

// assessEnded stores the scorecards of each kind's last ended period,
// once (the notice key), on the leader's clock scan; after a month's, the
// coordinators get the month's recognition proposal.
func (s *Scheduler) assessEnded(ctx context.Context, tx *store.Tx) ([]bot.Message, error) {
	a := s.opts.Assess
	if !a.Enabled {
		return nil, nil
	}
	var msgs []bot.Message
	kinds := a.Kinds
	if len(kinds) == 0 {
		kinds = assessment.Kinds
	}
	loc := s.opts.Pings.Calendar.Location()
	now := s.opts.Pings.Now()
	for _, k := range kinds {
		p := assessment.LastEnded(k, now, loc)
		first, err := tx.Notice(ctx, "assess:"+p.String())
		if err != nil {
			return nil, err
		}
		if !first {
			continue
		}
		n, err := AssessPeriod(ctx, &tx.Queries, p, a.Settings, loc, now, By{}, 0)
		if err != nil {
			return nil, err
		}
		s.opts.Log.Info("scorecards stored", "period", p.String(), "stewards", n)
		more, err := allowance.Propose(ctx, tx, s.audience(tx), s.opts.Pings.Lang, p, a.Allowance, now)
		if err != nil {
			return nil, err
		}
		msgs = append(msgs, more...)
		if k == assessment.Month && a.RecognitionTop > 0 {
			more, err := discipline.Propose(ctx, tx, s.audience(tx), p.String(), a.RecognitionTop, now)
			if err != nil {
				return nil, err
			}
			msgs = append(msgs, more...)
		}
	}
	return msgs, nil
}
