package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/alleybot/alleybot/assessment"
	"github.com/alleybot/alleybot/config"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/scheduler"
	"github.com/alleybot/alleybot/store"
)

// assessSettings are the config's assessment: settings for package assessment.
func assessSettings(cfg config.Config) assessment.Settings {
	a := cfg.Assessment
	return assessment.Settings{
		Weights: assessment.Weights{Attendance: a.Weights.Attendance, Reports: a.Weights.Reports,
			Efficiency: a.Weights.Efficiency, Satisfaction: a.Weights.Satisfaction},
		Bands:           assessment.Bands{Excellent: a.Bands.Excellent, Good: a.Bands.Good, Pass: a.Bands.Pass},
		RecheckWithin:   a.RecheckWithin,
		ReportsExpected: a.ReportsExpected,
		ComplaintCost:   a.ComplaintCost,
		LateCounts:      a.LateCounts,
		OutsideCounts:   a.OutsideCounts,
	}
}

// assessKinds are the periods serve computes once they end.
func assessKinds(cfg config.Config) []assessment.Kind {
	ks := []assessment.Kind{}
	for _, p := range cfg.Assessment.Periods {
		ks = append(ks, assessment.Kind(p))
	}
	if len(ks) == 0 {
		return []assessment.Kind{assessment.Month}
	}
	return ks
}

func assessFlags(fs *flag.FlagSet) {
	fs.String("period", "", "the period: a month 2026-11, a quarter 2026-Q4 or a year 2026 (it must have ended)")
	fs.String("by", "", "who recomputes: a roster NAME or CODE (an admin); recorded with the result")
	fs.String("reason", "", "why it is recomputed; recorded with the result")
	fs.String("steward", "", "only this steward (NAME or CODE); default: every active steward")
	fs.String("since", "", "backfill: the first month to store, 2026-01 (every ended period beginning then or later)")
	fs.String("kinds", "", "backfill: which periods, month,quarter,year (default: the config's assessment.periods)")
}

// cmdAssess recomputes a period's scorecards with today's roster and
// config: each steward's result is a new revision, with who and why; the
// earlier ones stay as they were.
func cmdAssess(e *env, fs *flag.FlagSet, common *commonFlags) error {
	if fs.NArg() == 1 && fs.Arg(0) == "backfill" {
		return cmdAssessBackfill(e, fs, common)
	}
	if fs.NArg() != 1 || fs.Arg(0) != "recompute" {
		return usageError{"assess takes one argument: recompute or backfill"}
	}
	get := func(name string) string { return fs.Lookup(name).Value.String() }
	if get("period") == "" || get("by") == "" || get("reason") == "" {
		return usageError{"assess recompute needs --period, --by and --reason (who recomputes and why are recorded)"}
	}
	p, err := assessment.Parse(get("period"))
	if err != nil {
		return usageError{err.Error()}
	}
	cfg, st, err := setup(e, common, true)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := p.CheckEnded(time.Now(), cfg.Location()); err != nil {
		return fmt.Errorf("refused: %w", err)
	}
	by, err := rosterPerson(e.ctx, st, get("by"))
	if err != nil {
		return err
	}
	if !hasRole(e.ctx, st, by.ID, model.RoleAdmin) {
		return fmt.Errorf("refused: %s (%s) is not an admin; only an admin recomputes scorecards", by.Name, by.Code)
	}
	var only int64
	if s := get("steward"); s != "" {
		sp, err := rosterPerson(e.ctx, st, s)
		if err != nil {
			return err
		}
		if !hasRole(e.ctx, st, sp.ID, model.RoleSteward) {
			return fmt.Errorf("refused: %s (%s) is not a steward", sp.Name, sp.Code)
		}
		only = sp.ID
	}
	var n int
	err = st.InTx(e.ctx, func(tx *store.Tx) error {
		n, err = scheduler.AssessPeriod(e.ctx, &tx.Queries, p, assessSettings(cfg), cfg.Location(), time.Now(),
			scheduler.By{Name: by.Name, PersonID: by.ID, Reason: get("reason")}, only)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s: %d scorecards recomputed by %s (%s); the earlier results are kept as history\n", p, n, by.Name, get("reason"))
	return nil
}

func rosterPerson(ctx context.Context, st *store.Store, nameOrCode string) (store.Person, error) {
	p, err := st.FindPerson(ctx, nameOrCode)
	if errors.Is(err, store.ErrNotFound) {
		return p, fmt.Errorf("refused: %q is not in the roster", nameOrCode)
	}
	return p, err
}

func hasRole(ctx context.Context, st *store.Store, personID int64, role model.Role) bool {
	roles, err := st.RolesOf(ctx, personID)
	if err != nil {
		return false
	}
	for _, r := range roles {
		if r.Role == role {
			return true
		}
	}
	return false
}

// decodeCard reads a stored scorecard's counts and components.
func decodeCard(a store.Assessment) (assessment.Counts, assessment.Components, error) {
	var c assessment.Counts
	var comp assessment.Components
	if err := json.Unmarshal(a.Counts, &c); err != nil {
		return c, comp, err
	}
	return c, comp, json.Unmarshal(a.Components, &comp)
}
