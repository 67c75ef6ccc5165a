package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/alleybot/alleybot/assessment"
	"github.com/alleybot/alleybot/evaluation"
	"github.com/alleybot/alleybot/flows/ledger"
	"github.com/alleybot/alleybot/store"
)

// cmdLedgerStatement prints an ended month's public statement of the fund
// (seed 六), as the residents' groups get it, and with --out writes its
// chart. A month not ended (or in the future) is refused with the reason.
func cmdLedgerStatement(e *env, fs *flag.FlagSet, common *commonFlags) error {
	if fs.NArg() != 0 {
		return usageError{"ledger statement takes flags only (--month 2026-11 [--out DIR])"}
	}
	month, out := fs.Lookup("month").Value.String(), fs.Lookup("out").Value.String()
	if month == "" {
		return usageError{"ledger statement needs --month (a month, 2026-11)"}
	}
	p, err := assessment.Parse(month)
	if err != nil || p.Kind != assessment.Month {
		return usageError{fmt.Sprintf("--month %q is not a month like 2026-11", month)}
	}
	cfg, st, err := setup(e, common, true)
	if err != nil {
		return err
	}
	defer st.Close()
	var font *evaluation.Font
	if out != "" {
		file, err := cfg.ReportFont()
		if err != nil {
			return err
		}
		if font, err = evaluation.LoadFont(file); err != nil {
			return fmt.Errorf("reports.font: %w", err)
		}
	}
	var s ledger.Statement
	err = st.InTx(e.ctx, func(tx *store.Tx) error {
		s, err = ledger.ComputeStatement(e.ctx, &tx.Queries, p, time.Now(), cfg.Location())
		return err
	})
	if err != nil {
		return fmt.Errorf("refused: %w", err)
	}
	lang := defaultLang(cfg)
	fmt.Fprintln(e.stdout, s.Text(lang))
	if font == nil {
		return nil
	}
	png, err := s.Chart(font, lang)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	file := filepath.Join(out, s.ChartName()+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "wrote %s (%d bytes)\n", file, len(png))
	return nil
}
