package desk_test

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/alleybot/alleybot/desk"
)

// seedCase writes a case as the lifecycle would have left it: number,
// alley, category (its department leads: the one a report proposes), status, the
// reporting steward's code, created hours before the world's now; a
// dispatched case's verification is due verifyIn from now (negative:
// overdue).
func (w *world) seedCase(number, alley, category, status, reporter, desc string, createdAgo, verifyIn time.Duration) int64 {
	w.t.Helper()
	now := w.clock()
	var dept any
	if status != "submitted" {
		dept = "dispatched"
	}
	var id int64
	err := w.st.DB().QueryRowx(`INSERT INTO cases (number, alley_id, community_id, description, impact, status, reporter_id, source,
			department_id, created_at, dispatched_at, verify_by)
		SELECT $1, a.id, a.community_id, $4, 'alley', $5, p.id, 'telegram', g.department_id,
			$6::timestamptz, CASE WHEN $8::text IS NULL THEN NULL ELSE $6::timestamptz END, $7::timestamptz
		FROM alleys a, categories g, people p WHERE a.code = $2 AND g.code = $3 AND p.code = $9 RETURNING id`,
		number, alley, category, desc, status, now.Add(-createdAgo), now.Add(verifyIn), dept, reporter).Scan(&id)
	if err != nil {
		w.t.Fatalf("seed case %s: %v", number, err)
	}
	if _, err := w.st.DB().Exec(`INSERT INTO case_categories (case_id, category_id, lead) SELECT $1, id, true FROM categories WHERE code = $2`, id, category); err != nil {
		w.t.Fatal(err)
	}
	return id
}

// queueWorld: four open cases and a closed one in the example district.
//
//	2026-000001 maoer   sanitation (环卫所)  submitted   S01
//	2026-000002 yuer    sanitation (环卫所)  dispatched  S01, verification overdue by an hour
//	2026-000003 juer    facilities (房管所)  dispatched  S02, due in 3 hours; copied to 环卫所
//	2026-000004 fuxiang order (城管)          dispatched  S01, due in 5 hours; HTML in its text
//	2026-000005 maoer   sanitation            closed      S01
func queueWorld(t *testing.T) *world {
	w := newWorld(t, desk.Options{})
	w.seedCase("2026-000001", "maoer", "sanitation", "submitted", "S01", "帽儿胡同口垃圾堆放", 5*time.Hour, 0)
	w.seedCase("2026-000002", "yuer", "sanitation", "dispatched", "S01", "雨儿胡同污水外溢", 4*time.Hour, -time.Hour)
	c3 := w.seedCase("2026-000003", "juer", "facilities", "dispatched", "S02", "菊儿胡同路灯不亮", 3*time.Hour, 3*time.Hour)
	w.seedCase("2026-000004", "fuxiang", "order", "dispatched", "S01", `<script>alert(1)</script>占道`, 2*time.Hour, 5*time.Hour)
	c5 := w.seedCase("2026-000005", "maoer", "sanitation", "dispatched", "S01", "已办结的问题", 30*time.Hour, 0)
	if _, err := w.st.DB().Exec(`UPDATE cases SET status = 'closed', closed_at = $2 WHERE id = $1`, c5, w.clock().Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := w.st.DB().Exec(`INSERT INTO case_departments (case_id, department_id) SELECT $1, id FROM departments WHERE code = 'huanwei'`, c3); err != nil {
		t.Fatal(err)
	}
	return w
}

var numberRE = regexp.MustCompile(`/desk/case/(\d{4}-\d{6})`)

// numbers are the case numbers a queue page lists, in order.
func numbers(body string) []string {
	var out []string
	for _, m := range numberRE.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestQueueScopes(t *testing.T) {
	w := queueWorld(t)
	for _, tc := range []struct {
		who  string
		want string
	}{
		{"C01", "2026-000002 2026-000003 2026-000004 2026-000001"}, // by deadline: overdue first, none last
		{"V01", "2026-000002 2026-000003 2026-000004 2026-000001"},
		{"D01", "2026-000002 2026-000003"}, // 环卫所: its own, and the case copied to it
		{"D02", "2026-000003"},
		{"S01", "2026-000002 2026-000004 2026-000001"}, // a steward: their own
	} {
		c := w.login(tc.who)
		st, body := c.get("/desk/queue")
		if st != http.StatusOK {
			t.Fatalf("%s: %d %s", tc.who, st, body)
		}
		if got := strings.Join(numbers(body), " "); got != tc.want {
			t.Errorf("%s's queue: %s, want %s", tc.who, got, tc.want)
		}
	}
	c := w.login("C01")
	_, body := c.get("/desk/queue")
	for _, want := range []string{"核实已超时", `class="overdue"`, "&lt;script&gt;alert(1)&lt;/script&gt;占道", "雨儿胡同", "交道口街道环卫所"} {
		if !strings.Contains(body, want) {
			t.Errorf("queue page lacks %q", want)
		}
	}
	if strings.Contains(body, "<script>alert") {
		t.Errorf("a description's HTML reached the page unescaped")
	}
	// Counts per status, over the open cases.
	for _, want := range []string{"<b>1</b> 已提交,待派单", "<b>3</b> 已派单,待核实"} {
		if !strings.Contains(body, want) {
			t.Errorf("counts lack %q", want)
		}
	}
}

func TestQueueFilters(t *testing.T) {
	w := queueWorld(t)
	c := w.login("C01")
	var community, alley int64
	if err := w.st.DB().QueryRowx(`SELECT community_id, id FROM alleys WHERE code = 'juer'`).Scan(&community, &alley); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ query, want string }{
		{"status=submitted", "2026-000001"},
		{"status=closed", "2026-000005"},
		{"overdue=1", "2026-000002"},
		{"alley=" + id(alley), "2026-000003"},
		{"sort=created", "2026-000001 2026-000002 2026-000003 2026-000004"},
		{"sort=created&desc=1", "2026-000004 2026-000003 2026-000002 2026-000001"},
		{"sort=number&view=all", "2026-000001 2026-000002 2026-000003 2026-000004 2026-000005"},
		{"from=2026-12-01&to=2026-12-01&view=all", "2026-000005"}, // created the day before
	} {
		_, body := c.get("/desk/queue?" + tc.query)
		if got := strings.Join(numbers(body), " "); got != tc.want {
			t.Errorf("?%s: %s, want %s", tc.query, got, tc.want)
		}
	}
	// Pages of two, every case exactly once.
	var seen []string
	next := "/desk/queue?sort=number&n=2"
	for range 5 {
		_, body := c.get(next)
		seen = append(seen, numbers(body)...)
		m := regexp.MustCompile(`href="([^"]+)" id="next"`).FindStringSubmatch(body)
		if m == nil {
			break
		}
		next = strings.ReplaceAll(m[1], "&amp;", "&")
	}
	if got := strings.Join(seen, " "); got != "2026-000001 2026-000002 2026-000003 2026-000004" {
		t.Errorf("pages of two: %s", got)
	}
	// Filters that do not parse are named, not obeyed; an edited cursor
	// starts again.
	if st, body := c.get("/desk/queue?community=abc&from=yesterday"); st != http.StatusOK || !strings.Contains(body, "community, from") {
		t.Errorf("bad filters: %d, problem not named", st)
	}
	if st, body := c.get("/desk/queue?after=not-a-cursor"); st != http.StatusOK || !strings.Contains(body, "翻页参数无效") || len(numbers(body)) != 4 {
		t.Errorf("edited cursor: %d %v", st, numbers(body))
	}
	_ = community
}

func TestQueueExports(t *testing.T) {
	w := queueWorld(t)
	c := w.login("D01")
	resp, err := c.c.Get(w.srv.URL + "/desk/export.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("csv: %d %q", resp.StatusCode, resp.Header.Get("Content-Disposition"))
	}
	rows, err := csv.NewReader(resp.Body).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || !strings.Contains(rows[0][0], "工单编号") {
		t.Fatalf("csv rows %v", rows)
	}
	got := []string{rows[1][0], rows[2][0]}
	if strings.Join(got, " ") != "2026-000002 2026-000003" {
		t.Errorf("D01's export: %v", got)
	}

	c = w.login("C01")
	resp, err = c.c.Get(w.srv.URL + "/desk/export.xlsx?status=dispatched&sort=number")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	if _, err := b.ReadFrom(resp.Body); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatalf("xlsx: %v", err)
	}
	sheet := f.GetSheetName(0)
	xr, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(xr) != 4 || xr[1][0] != "2026-000002" || xr[3][0] != "2026-000004" {
		t.Errorf("xlsx rows %v", xr)
	}
}

func id(n int64) string { return strconv.FormatInt(n, 10) }
