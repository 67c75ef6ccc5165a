package main

import (
	"bytes"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/alleybot/alleybot/assessment"
	"github.com/alleybot/alleybot/i18n"
)

// scoreColumns are the export's columns: the card (total and grade with
// the period's adjustments: appeals corrected; the adjustment and the
// computed total beside them), then every count behind it.
var scoreColumns = []string{"rank", "period", "revision", "code", "name", "community", "total", "grade", "adjustment", "computed_total",
	"attendance", "reports", "efficiency", "satisfaction",
	"patrols_done", "patrols_scheduled", "patrols_on_time", "patrols_late", "patrols_outside", "patrols_late_outside", "trainings_attended", "trainings_invited",
	"cases", "fixed_on_spot", "accepted", "rechecks", "rechecks_in_time", "cases_due", "closed_in_time",
	"ratings", "rating_sum", "complaints_upheld", "computed_at", "computed_by", "reason"}

// cmdReportScores writes a period's scorecards (each steward's current
// revision, with the adjustments of appeals corrected), best first: CSV with a byte order mark, or an xlsx workbook.
func cmdReportScores(e *env, fs *flag.FlagSet, common *commonFlags) error {
	format := fs.Lookup("format").Value.String()
	out := fs.Lookup("out").Value.String()
	if format != "csv" && format != "xlsx" {
		return usageError{fmt.Sprintf("--format %q: csv or xlsx", format)}
	}
	if fs.Lookup("period").Value.String() == "" {
		return usageError{"report scores needs --period (a month 2026-11, a quarter 2026-Q4 or a year 2026)"}
	}
	p, err := assessment.Parse(fs.Lookup("period").Value.String())
	if err != nil {
		return usageError{err.Error()}
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
	as, err := st.Assessments(e.ctx, p.String(), nil)
	if err != nil {
		return err
	}
	if len(as) == 0 {
		return fmt.Errorf("no scorecards are stored for %s (serve computes a period once it has ended; or alleybot assess recompute)", p)
	}
	lang := defaultLang(cfg)
	rows := [][]string{scoreColumns}
	for i, a := range as {
		c, comp, err := decodeCard(a)
		if err != nil {
			return err
		}
		total, grade, err := assessment.Adjusted(a.Total, a.Adjustment, a.Grade, a.Settings)
		if err != nil {
			return fmt.Errorf("%s's scorecard: %w", a.PersonCode, err)
		}
		f := func(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) }
		n := strconv.Itoa
		rows = append(rows, []string{n(i + 1), a.Period, n(a.Revision), a.PersonCode, a.PersonName, a.CommunityName, f(total),
			i18n.T(lang, "score.grade."+string(grade)), f(a.Adjustment), f(a.Total), f(comp.Attendance), f(comp.Reports), f(comp.Efficiency), f(comp.Satisfaction),
			n(c.PatrolsDone), n(c.PatrolsScheduled), n(c.PatrolsOnTime), n(c.PatrolsLate), n(c.PatrolsOutside), n(c.PatrolsLateOutside), n(c.TrainingsAttended), n(c.TrainingsInvited),
			n(c.Cases), n(c.FixedOnSpot), n(c.Accepted), n(c.Rechecks), n(c.RechecksInTime), n(c.CasesDue), n(c.ClosedInTime),
			n(c.Ratings), n(c.RatingSum), n(c.ComplaintsUpheld), a.ComputedAt.In(loc).Format("2006-01-02 15:04"), a.ComputedBy, a.Reason})
	}
	var buf bytes.Buffer
	if format == "csv" {
		buf.WriteString("\ufeff") // Excel on a Chinese Windows reads the names as GBK without it
		w := csv.NewWriter(&buf)
		_ = w.WriteAll(rows)
		if err := w.Error(); err != nil {
			return err
		}
	} else if err := writeXLSX(&buf, p.String(), rows); err != nil {
		return err
	}
	if out == "" {
		_, err = e.stdout.Write(buf.Bytes())
		return err
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "%s: %d scorecards written to %s\n", p, len(as), out)
	return nil
}

// writeXLSX writes rows to one sheet named after the period; numbers as numbers.
func writeXLSX(w io.Writer, sheet string, rows [][]string) error {
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
			if r > 0 {
				if f, err := strconv.ParseFloat(v, 64); err == nil && scoreColumns[c] != "code" && scoreColumns[c] != "period" {
					val = f
				}
			}
			if err := x.SetCellValue(sheet, cell, val); err != nil {
				return err
			}
		}
	}
	return x.Write(w)
}
