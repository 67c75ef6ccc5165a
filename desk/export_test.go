package desk_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/alleybot/alleybot/desk"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/internal/testdb"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

var (
	exportLoc = time.FixedZone("CST", 8*3600)
	exportNow = time.Date(2026, 6, 10, 12, 0, 0, 0, exportLoc)
)

func valid(t time.Time) sql.NullTime { return sql.NullTime{Time: t, Valid: true} }

// exportRows are four cases: one overdue and escalated, one with hours
// left and rated, one with minutes left, one closed.
func exportRows() []store.DeskRow {
	created := time.Date(2026, 6, 8, 1, 30, 0, 0, time.UTC) // 09:30 in Beijing
	base := store.DeskRow{CreatedAt: created, CommunityName: "南锣鼓巷社区", CommunityNameEn: "Nanluoguxiang",
		AlleyName: "菊儿胡同", Address: "菊儿胡同3号", DepartmentName: "环卫所", DepartmentNameEn: "Sanitation",
		Categories: []string{"垃圾", "堆物"}, CategoriesEn: []string{"Rubbish", "Clutter"},
		DispatchedAt: valid(created.Add(time.Hour))}
	a := base
	a.Number, a.Status, a.Escalated, a.SendbackCount = "2026-000001", model.StatusDispatched, true, 2
	a.VerifyBy = valid(exportNow.Add(-26*time.Hour - 10*time.Minute))
	b := base
	b.Number, b.Status = "2026-000002", model.StatusVerified
	b.VerifiedAt, b.FixBy = valid(created.Add(2*time.Hour)), valid(exportNow.Add(5*time.Hour+30*time.Minute))
	b.Satisfaction, b.Ratings = sql.NullFloat64{Float64: 13.0 / 3, Valid: true}, 3
	c := b
	c.Number, c.FixBy, c.Satisfaction, c.Ratings = "2026-000003", valid(exportNow.Add(20*time.Minute)), sql.NullFloat64{}, 0
	d := base
	d.Number, d.Status, d.FixedAt, d.ClosedAt = "2026-000004", model.StatusClosed, valid(created.Add(24*time.Hour)), valid(created.Add(30*time.Hour))
	d.Satisfaction, d.Ratings = sql.NullFloat64{Float64: 5, Valid: true}, 1
	d.VerifyBy = valid(exportNow.Add(-100 * time.Hour)) // a past clock that no longer runs
	return []store.DeskRow{a, b, c, d}
}

var wantHeaderZH = []string{"工单编号", "受理时间", "派单时间", "核实时间", "整改完成时间", "办结时间", "问题类别", "社区", "胡同", "地址",
	"承办部门", "核实时限", "整改时限", "剩余时间/超时", "状态", "督办", "退回次数", "满意度"}

// wantZH are the cells of exportRows in Chinese, by column name.
var wantZH = []map[string]string{
	{"工单编号": "2026-000001", "受理时间": "2026-06-08 09:30", "派单时间": "2026-06-08 10:30", "核实时间": "",
		"问题类别": "垃圾、堆物", "社区": "南锣鼓巷社区", "胡同": "菊儿胡同", "地址": "菊儿胡同3号", "承办部门": "环卫所",
		"核实时限": "2026-06-09 09:50", "剩余时间/超时": "超时 26小时", "状态": "已派单,待核实", "督办": "是", "退回次数": "2", "满意度": ""},
	{"工单编号": "2026-000002", "核实时间": "2026-06-08 11:30", "整改时限": "2026-06-10 17:30", "剩余时间/超时": "剩余 5小时",
		"状态": "已核实,整改中", "督办": "否", "退回次数": "0", "满意度": "4.3"},
	{"工单编号": "2026-000003", "剩余时间/超时": "剩余 20分钟", "满意度": ""},
	{"工单编号": "2026-000004", "整改完成时间": "2026-06-09 09:30", "办结时间": "2026-06-09 15:30", "剩余时间/超时": "",
		"状态": "已办结", "满意度": "5"},
}

// checkCells compares the rows read back with want, column by name.
func checkCells(t *testing.T, header []string, rows [][]string, want []map[string]string) {
	t.Helper()
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d", len(rows), len(want))
	}
	for i, w := range want {
		for col, v := range w {
			j := slices.Index(header, col)
			if j < 0 {
				t.Fatalf("no column %q in %v", col, header)
			}
			got := ""
			if j < len(rows[i]) {
				got = rows[i][j]
			}
			if got != v {
				t.Errorf("row %d %s = %q, want %q", i+1, col, got, v)
			}
		}
	}
}

func TestWriteCSV(t *testing.T) {
	var buf bytes.Buffer
	if err := desk.WriteCSV(&buf, i18n.ZH, exportLoc, exportNow, exportRows()); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("\xEF\xBB\xBF")) {
		t.Fatalf("no UTF-8 byte-order mark: %q", buf.Bytes()[:8])
	}
	recs, err := csv.NewReader(bytes.NewReader(buf.Bytes()[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(recs[0], wantHeaderZH) {
		t.Fatalf("header %v\nwant   %v", recs[0], wantHeaderZH)
	}
	checkCells(t, recs[0], recs[1:], wantZH)

	buf.Reset()
	if err := desk.WriteCSV(&buf, i18n.EN, exportLoc, exportNow, exportRows()[:2]); err != nil {
		t.Fatal(err)
	}
	recs, err = csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	checkCells(t, recs[0], recs[1:], []map[string]string{
		{"Number": "2026-000001", "Category": "Rubbish, Clutter", "Community": "Nanluoguxiang", "Department": "Sanitation",
			"Time left / overdue": "26 h overdue", "Status": "dispatched, awaiting verification", "Escalated": "yes"},
		{"Number": "2026-000002", "Time left / overdue": "5 h left", "Satisfaction": "4.3"},
	})
}

func TestWriteXLSX(t *testing.T) {
	var buf bytes.Buffer
	if err := desk.WriteXLSX(&buf, i18n.ZH, exportLoc, exportNow, exportRows()); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if sheets := f.GetSheetList(); !slices.Equal(sheets, []string{"工单"}) {
		t.Fatalf("sheets %v, want [工单]", sheets)
	}
	rows, err := f.GetRows("工单")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rows[0], wantHeaderZH) {
		t.Fatalf("header %v\nwant   %v", rows[0], wantHeaderZH)
	}
	checkCells(t, rows[0], rows[1:], wantZH)
	// The numbers are numbers.
	if v, err := f.GetCellValue("工单", "Q2", excelize.Options{RawCellValue: true}); err != nil || v != "2" {
		t.Errorf("send-backs %q, %v", v, err)
	}
	if typ, err := f.GetCellType("工单", "R3"); err != nil || typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("satisfaction cell type %v, %v; want a number", typ, err)
	}
	id, err := f.GetCellStyle("工单", "A1")
	if err != nil {
		t.Fatal(err)
	}
	if st, err := f.GetStyle(id); err != nil || st.Font == nil || !st.Font.Bold {
		t.Errorf("header style %+v, %v: want bold", st, err)
	}
	if p, err := f.GetPanes("工单"); err != nil || !p.Freeze || p.YSplit != 1 {
		t.Errorf("panes %+v, %v: want the header frozen", p, err)
	}
	if w, err := f.GetColWidth("工单", "K"); err != nil || w != 22 {
		t.Errorf("department column width %v, %v", w, err)
	}

	buf.Reset()
	if err := desk.WriteXLSX(&buf, i18n.EN, exportLoc, exportNow, nil); err != nil {
		t.Fatal(err)
	}
	f2, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f2.Close()
	rows, err = f2.GetRows("Work orders")
	if err != nil || len(rows) != 1 || rows[0][0] != "Number" || rows[0][13] != "Time left / overdue" {
		t.Errorf("English, no rows: %v, %v", rows, err)
	}
}

// ExportRows walks the pages of the list as filtered, up to the number
// asked, each case once and in the list's order.
func TestExportRows(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t, testdb.Fresh(t, true))
	if _, err := st.DB().Exec(`INSERT INTO cases (number, description, impact, status, source, created_at, closed_at)
		SELECT '2026-' || lpad(n::text, 6, '0'), '堆物', 'alley', CASE WHEN n % 3 = 0 THEN 'closed' ELSE 'submitted' END,
			'test', timestamptz '2026-06-01' + n * interval '1 minute', CASE WHEN n % 3 = 0 THEN timestamptz '2026-06-02' END
		FROM generate_series(1, 700) n`); err != nil {
		t.Fatal(err)
	}
	f := store.DeskQuery{All: true, Open: true, Desc: true, Limit: 7}
	rows, err := desk.ExportRows(ctx, st, f, 450)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 450 {
		t.Fatalf("%d rows, want 450", len(rows))
	}
	// The open ones (n not a multiple of 3), newest first: 700, 698, 697 …
	var want []string
	for n := 700; len(want) < 450; n-- {
		if n%3 != 0 {
			want = append(want, fmt.Sprintf("2026-%06d", n))
		}
	}
	got := make([]string, len(rows))
	for i, r := range rows {
		got[i] = r.Number
	}
	if !slices.Equal(got, want) {
		t.Errorf("rows %v … want %v …", got[:5], want[:5])
	}
	all, err := desk.ExportRows(ctx, st, f, 0)
	if err != nil || len(all) != 467 {
		t.Errorf("all: %d rows, %v; want the 467 open", len(all), err)
	}
}
