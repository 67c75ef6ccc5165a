package main

import (
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/alleybot/alleybot/assessment"
	"github.com/alleybot/alleybot/config"
	"github.com/alleybot/alleybot/scheduler"
	"github.com/alleybot/alleybot/store"
)

// cmdAssessBackfill stores the scheduler's first computation of every
// ended period since --since (the scheduler stores only each kind's last
// ended one): a period with scorecards stored already is skipped, each
// period is its own transaction, and each is reported as it is done.
func cmdAssessBackfill(e *env, fs *flag.FlagSet, common *commonFlags) error {
	get := func(name string) string { return strings.TrimSpace(fs.Lookup(name).Value.String()) }
	if get("since") == "" {
		return usageError{"assess backfill needs --since, a month such as 2026-01"}
	}
	since, err := assessment.Parse(get("since"))
	if err != nil || since.Kind != assessment.Month {
		return usageError{fmt.Sprintf("--since %q: give a month such as 2026-01", get("since"))}
	}
	cfg, st, err := setup(e, common, true)
	if err != nil {
		return err
	}
	defer st.Close()
	kinds, err := backfillKinds(get("kinds"), cfg)
	if err != nil {
		return err
	}
	loc, now := cfg.Location(), time.Now()
	from, _ := since.Bounds(loc)
	if now.Before(from) {
		return fmt.Errorf("refused: %s is in the future", since)
	}
	var periods []assessment.Period
	for _, k := range kinds {
		periods = append(periods, assessment.EndedSince(k, from, now, loc)...)
	}
	if len(periods) == 0 {
		fmt.Fprintf(e.stdout, "no %s has ended since %s: nothing to store\n", strings.Join(kindNames(kinds), ", "), since)
		return nil
	}
	settings := assessSettings(cfg)
	stored, skipped := 0, 0
	for _, p := range periods {
		var n, had int
		err := st.InTx(e.ctx, func(tx *store.Tx) error {
			as, err := tx.Assessments(e.ctx, p.String(), nil)
			if had = len(as); err != nil || had > 0 {
				return err
			}
			if _, err := tx.Notice(e.ctx, "assess:"+p.String()); err != nil { // the scheduler's key: it will not store it again
				return err
			}
			n, err = scheduler.AssessPeriod(e.ctx, &tx.Queries, p, settings, loc, now, scheduler.By{}, 0)
			return err
		})
		if err != nil {
			return fmt.Errorf("%s: %w (the periods before it are stored)", p, err)
		}
		if had > 0 {
			skipped++
			fmt.Fprintf(e.stdout, "%s: already stored (%d scorecards), skipped\n", p, had)
			continue
		}
		stored++
		fmt.Fprintf(e.stdout, "%s: %d scorecards stored\n", p, n)
	}
	fmt.Fprintf(e.stdout, "backfill since %s: %d periods stored, %d already stored\n", since, stored, skipped)
	return nil
}

// backfillKinds reads --kinds (empty: the config's assessment.periods).
func backfillKinds(list string, cfg config.Config) ([]assessment.Kind, error) {
	if list == "" {
		return assessKinds(cfg), nil
	}
	var ks []assessment.Kind
	for _, k := range strings.Split(list, ",") {
		k = strings.TrimSpace(k)
		switch kind := assessment.Kind(k); kind {
		case assessment.Month, assessment.Quarter, assessment.Year:
			ks = append(ks, kind)
		default:
			return nil, usageError{fmt.Sprintf("--kinds: %q is not month, quarter or year", k)}
		}
	}
	return ks, nil
}

func kindNames(ks []assessment.Kind) []string {
	var s []string
	for _, k := range ks {
		s = append(s, string(k))
	}
	return s
}
