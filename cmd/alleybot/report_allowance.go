package main

import (
	"bytes"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/alleybot/alleybot/assessment"
	"github.com/alleybot/alleybot/flows/allowance"
	"github.com/alleybot/alleybot/model"
)

// allowanceColumns are the allowance export's columns; the amount is yuan
// as text ("123.45"), exact, never a float.
var allowanceColumns = []string{"period", "code", "name", "community", "patrols_done", "reports_accepted", "amount_yuan",
	"status", "confirmed_by", "confirmed_at"}

// allowanceNumbers are the columns written as numbers in a workbook.
var allowanceNumbers = []string{"patrols_done", "reports_accepted"}

// cmdReportAllowance writes a month's allowances (proposed and confirmed,
// or --confirmed only) by community and steward code: CSV with a byte
// order mark, or an xlsx workbook. Until the fund's ledger exists, this
// is how confirmed allowances are paid.
func cmdReportAllowance(e *env, fs *flag.FlagSet, common *commonFlags) error {
	format := fs.Lookup("format").Value.String()
	out := fs.Lookup("out").Value.String()
	confirmedOnly := fs.Lookup("confirmed").Value.String() == "true"
	if format != "csv" && format != "xlsx" {
		return usageError{fmt.Sprintf("--format %q: csv or xlsx", format)}
	}
	if fs.Lookup("period").Value.String() == "" {
		return usageError{"report allowance needs --period (a month, 2026-11)"}
	}
	p, err := assessment.Parse(fs.Lookup("period").Value.String())
	if err != nil {
		return usageError{err.Error()}
	}
	if p.Kind != assessment.Month {
		return usageError{fmt.Sprintf("--period %s: allowances are proposed per month (2026-11)", p)}
	}
	cfg, st, err := setup(e, common, true)
	if err != nil {
		return err
	}
	defer st.Close()
	loc := cfg.Location()
	if err := p.CheckEnded(time.Now(), loc); err != nil {
		return fmt.Errorf("refused: %w", err)
	}
	as, err := st.Allowances(e.ctx, p.String(), confirmedOnly)
	if err != nil {
		return err
	}
	if len(as) == 0 {
		what := "proposed"
		if confirmedOnly {
			what = "confirmed"
		}
		return fmt.Errorf("no allowances are %s for %s (serve proposes them when it stores the month's scorecards, "+
			"if assessment.allowance is set; the coordinators confirm them with 确认补贴)", what, p)
	}
	rows := [][]string{allowanceColumns}
	for _, a := range as {
		d, err := allowance.DetailOf(a)
		if err != nil {
			return fmt.Errorf("allowance %d: %w", a.ID, err)
		}
		at := ""
		if a.ConfirmedAt.Valid {
			at = a.ConfirmedAt.Time.In(loc).Format("2006-01-02 15:04")
		}
		rows = append(rows, []string{a.Period, a.PersonCode, a.PersonName, a.CommunityName, strconv.Itoa(d.Counts.PatrolsDone),
			strconv.Itoa(d.Counts.Accepted), assessment.FormatYuan(a.AmountFen), string(a.Status), a.ConfirmedName, at})
	}
	var buf bytes.Buffer
	if format == "csv" {
		buf.WriteString("\ufeff") // Excel on a Chinese Windows reads the names as GBK without it
		w := csv.NewWriter(&buf)
		_ = w.WriteAll(rows)
		if err := w.Error(); err != nil {
			return err
		}
	} else if err := writeAllowanceXLSX(&buf, p.String(), rows); err != nil {
		return err
	}
	if out == "" {
		_, err = e.stdout.Write(buf.Bytes())
		return err
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		return err
	}
	confirmed := 0
	for _, a := range as {
		if a.Status == model.AllowanceConfirmed {
			confirmed++
		}
	}
	fmt.Fprintf(e.stderr, "%s: %d allowances (%d confirmed) written to %s\n", p, len(as), confirmed, out)
	return nil
}

// writeAllowanceXLSX writes rows to one sheet named after the month: the
// counts as numbers, everything else (the amount too) as text.
func writeAllowanceXLSX(w io.Writer, sheet string, rows [][]string) error {
	x := excelize.NewFile()
	defer x.Close()
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	for r, row := range rows {
		for c, v := range row {
			cell, err := excelize.CoordinatesToCellName(c+1, r+1)
			if err != nil {
				return err
			}
			var val any = v
			if n, err := strconv.Atoi(v); err == nil && r > 0 && slices.Contains(allowanceNumbers, allowanceColumns[c]) {
				val = n
			}
			if err := x.SetCellValue(sheet, cell, val); err != nil {
				return err
			}
		}
	}
	return x.Write(w)
}
