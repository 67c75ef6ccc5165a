package main

import (
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/alleybot/alleybot/assessment"
	"github.com/alleybot/alleybot/config"
	"github.com/alleybot/alleybot/evaluation"
	"github.com/alleybot/alleybot/scheduler"
	"github.com/alleybot/alleybot/store"
)

// cmdReportMonthly writes a month's evaluation report (seed 七(一)) to a
// directory: the four PNG charts and a CSV of every figure, saying what it
// does as it goes. A month not yet ended is refused with the reason.
func cmdReportMonthly(e *env, fs *flag.FlagSet, common *commonFlags) error {
	out := fs.Lookup("out").Value.String()
	if fs.Lookup("period").Value.String() == "" || out == "" {
		return usageError{"report monthly needs --period (a month, 2026-11) and --out DIR"}
	}
	p, err := assessment.Parse(fs.Lookup("period").Value.String())
	if err != nil {
		return usageError{err.Error()}
	}
	if p.Kind != assessment.Month {
		return usageError{fmt.Sprintf("report monthly takes a month (2026-11), not %s", p)}
	}
	cfg, st, err := setup(e, common, true)
	if err != nil {
		return err
	}
	defer st.Close()
	fontFile, err := cfg.ReportFont()
	if err != nil {
		return err
	}
	loc := cfg.Location()
	if err := p.CheckEnded(time.Now(), loc); err != nil {
		return fmt.Errorf("refused: %w", err)
	}
	font, err := evaluation.LoadFont(fontFile)
	if err != nil {
		return fmt.Errorf("reports.font: %w", err)
	}
	start := time.Now()
	fmt.Fprintf(e.stderr, "%s: computing the figures…\n", p)
	var r evaluation.Report
	err = st.InTx(e.ctx, func(tx *store.Tx) error {
		r, err = evaluation.Compute(e.ctx, &tx.Queries, p, loc, time.Now())
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "%s: %d cases, %d departments, %d complaints (%v)\n", p, r.Cases, len(r.Departments), r.Others.Complaints,
		time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(e.stderr, "%s: drawing the charts…\n", p)
	charts, err := evaluation.Charts(r, font, defaultLang(cfg))
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	files := map[string][]byte{fmt.Sprintf("monthly-%s.csv", p): r.CSV()}
	names := []string{fmt.Sprintf("monthly-%s.csv", p)}
	for _, c := range charts {
		files[c.Name+".png"] = c.PNG
		names = append(names, c.Name+".png")
	}
	for _, n := range names {
		path := filepath.Join(out, n)
		if err := os.WriteFile(path, files[n], 0o644); err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "  wrote %s (%d bytes)\n", path, len(files[n]))
	}
	fmt.Fprintf(e.stderr, "%s: done in %v\n", p, time.Since(start).Round(time.Millisecond))
	return nil
}

// reportOptions are serve's monthly report: its font loaded once; a font
// that is missing turns the report off with a warning naming the key and
// the file, and serve goes on.
func reportOptions(cfg config.Config, log *slog.Logger) scheduler.ReportOptions {
	if !cfg.Reports.Monthly {
		return scheduler.ReportOptions{}
	}
	file, err := cfg.ReportFont()
	if err == nil {
		var f *evaluation.Font
		if f, err = evaluation.LoadFont(file); err == nil {
			return scheduler.ReportOptions{Monthly: true, Font: f}
		}
	}
	log.Warn("the monthly evaluation report is off", "err", err)
	return scheduler.ReportOptions{}
}
