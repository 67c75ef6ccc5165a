package desk

import (
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/store"
)

// The work-order export: the desk's list (filtered as on the page) as CSV
// or XLSX with the columns of a 12345 work-order list, in the reader's
// language, the times in the configured zone.

// exportCols are the columns: their catalog keys (desk.col.*) and widths
// in the XLSX sheet.
var exportCols = []struct {
	key   string
	width float64
}{
	{"desk.col.number", 14}, {"desk.col.created", 17}, {"desk.col.dispatched", 17}, {"desk.col.verified", 17},
	{"desk.col.fixed", 17}, {"desk.col.closed", 17}, {"desk.col.category", 20}, {"desk.col.community", 16},
	{"desk.col.alley", 14}, {"desk.col.address", 20}, {"desk.col.department", 22}, {"desk.col.verify_by", 17},
	{"desk.col.fix_by", 17}, {"desk.col.remaining", 16}, {"desk.col.status", 16}, {"desk.col.escalated", 8},
	{"desk.col.sendbacks", 10}, {"desk.col.satisfaction", 10},
}

// exportTimeLayout is how a time is written in a cell.
const exportTimeLayout = "2006-01-02 15:04"

// ExportMax is the most rows an export carries.
const ExportMax = 10000

// exportHeader is the header row in lang.
func exportHeader(lang i18n.Lang) []string {
	out := make([]string, len(exportCols))
	for i, c := range exportCols {
		out[i] = i18n.T(lang, c.key)
	}
	return out
}

// exportRow is a case's cells: text, but the send-backs (an int) and the
// satisfaction (a float64, or "" when nobody rated).
func exportRow(lang i18n.Lang, loc *time.Location, now time.Time, r store.DeskRow) []any {
	at := func(t time.Time) string { return t.In(loc).Format(exportTimeLayout) }
	null := func(t sql.NullTime) string {
		if !t.Valid {
			return ""
		}
		return at(t.Time)
	}
	cats, community, dept := r.Categories, r.CommunityName, r.DepartmentName
	if lang == i18n.EN {
		cats, community, dept = r.CategoriesEn, r.CommunityNameEn, r.DepartmentNameEn
	}
	escalated := i18n.T(lang, "desk.cell.no")
	if r.Escalated {
		escalated = i18n.T(lang, "desk.cell.yes")
	}
	var satisfaction any = ""
	if r.Satisfaction.Valid {
		satisfaction = float64(int(r.Satisfaction.Float64*10+0.5)) / 10
	}
	return []any{r.Number, at(r.CreatedAt), null(r.DispatchedAt), null(r.VerifiedAt), null(r.FixedAt), null(r.ClosedAt),
		strings.Join(cats, i18n.T(lang, "list.sep")), community, r.AlleyName, r.Address, dept,
		null(r.VerifyBy), null(r.FixBy), remaining(lang, now, r), i18n.T(lang, "status."+string(r.Status)),
		escalated, r.SendbackCount, satisfaction}
}

// remaining is the running clock against now: the time left (剩余 5小时)
// or past it (超时 26小时), in wall-clock hours, in minutes under an hour;
// "" when no clock runs.
func remaining(lang i18n.Lang, now time.Time, r store.DeskRow) string {
	_, due, ok := r.RunningClock()
	if !ok {
		return ""
	}
	key, d := "desk.cell.left", due.Sub(now)
	if d < 0 {
		key, d = "desk.cell.over", -d
	}
	span := i18n.T(lang, "desk.cell.hours", "n", int(d/time.Hour))
	if d < time.Hour {
		span = i18n.T(lang, "desk.cell.minutes", "n", int(d/time.Minute))
	}
	return i18n.T(lang, key, "time", span)
}

// WriteCSV writes rows as a CSV work-order list: UTF-8 with a byte-order
// mark (so that Excel reads the Chinese), the header in lang, the times in
// loc, the running clocks against now.
func WriteCSV(w io.Writer, lang i18n.Lang, loc *time.Location, now time.Time, rows []store.DeskRow) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(exportHeader(lang)); err != nil {
		return err
	}
	rec := make([]string, len(exportCols))
	for _, r := range rows {
		for i, v := range exportRow(lang, loc, now, r) {
			switch v := v.(type) {
			case string:
				rec[i] = v
			case float64:
				rec[i] = strconv.FormatFloat(v, 'f', -1, 64)
			default:
				rec[i] = fmt.Sprint(v)
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteXLSX writes rows as an XLSX work-order list: one sheet (工单 / Work
// orders) with a bold header row that stays in view, set column widths,
// the times in loc, the running clocks against now.
func WriteXLSX(w io.Writer, lang i18n.Lang, loc *time.Location, now time.Time, rows []store.DeskRow) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := i18n.T(lang, "desk.export.sheet")
	if err := f.SetSheetName(f.GetSheetName(0), sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	for i, c := range exportCols {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	header := exportHeader(lang)
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = h
	}
	if err := sw.SetRow("A1", cells, excelize.RowOpts{StyleID: bold}); err != nil {
		return err
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, exportRow(lang, loc, now, r)); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}

// ExportRows collects up to n rows of f's list (ExportMax when n is 0
// or more), walking its pages from the first: the export of the list as
// it is filtered and ordered on the page.
func ExportRows(ctx context.Context, st *store.Store, f store.DeskQuery, n int) ([]store.DeskRow, error) {
	if n <= 0 || n > ExportMax {
		n = ExportMax
	}
	f.After = ""
	var out []store.DeskRow
	for len(out) < n {
		f.Limit = min(store.DeskPageMax, n-len(out))
		rows, next, err := st.DeskCases(ctx, f)
		if err != nil {
			return nil, err
		}
		out = append(out, rows...)
		if next == "" {
			break
		}
		f.After = next
	}
	return out, nil
}
