package evaluation_test

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alleybot/alleybot/assessment"
	"github.com/alleybot/alleybot/config"
	"github.com/alleybot/alleybot/evaluation"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/internal/testdb"
	"github.com/alleybot/alleybot/roster"
	"github.com/alleybot/alleybot/store"
)

var dbURL string

func TestMain(m *testing.M) {
	os.Exit(testdb.Main(m, "evaluation", func(u string) { dbURL = u }))
}

// want is the month's figures tallied in Go as the rows are generated.
type want struct {
	cases, returned, due, overdue, rechecks, sentBack int
	byCategory, byAlley                               map[string]int
	deptCases                                         map[string]int
	verifyH, fixH                                     map[string][]float64
	ratings, ratingSum, still                         int
	invited, attended                                 int
	complaints, upheld                                int
	complaintsBy                                      map[string]int
	patrolsScheduled, patrolsDone                     int
}

type gen struct {
	t        *testing.T
	st       *store.Store
	loc      *time.Location
	from, to time.Time
	asOf     time.Time
	n        int
}

func (g *gen) exec(q string, args ...any) int64 {
	g.t.Helper()
	var id int64
	if err := g.st.DB().QueryRowx(q, args...).Scan(&id); err != nil {
		g.t.Fatalf("%s: %v", q, err)
	}
	return id
}

func (g *gen) event(caseID int64, kind string, at time.Time) {
	g.exec(`INSERT INTO case_events (case_id, at, kind) VALUES ($1, $2, $3) RETURNING id`, caseID, at, kind)
}

func (g *gen) in(at time.Time) bool { return !at.Before(g.from) && at.Before(g.to) }

// cases writes n cases at random (seeded) over October to December, each
// with the events of its outcome, and tallies November's.
func (g *gen) cases(r *rand.Rand, w *want, n int) {
	var cats []struct {
		ID   int64  `db:"id"`
		Code string `db:"code"`
		Dep  int64  `db:"department_id"`
		Dept string `db:"dept"`
	}
	if err := g.st.DB().Select(&cats, `SELECT c.id, c.code, c.department_id, d.code AS dept FROM categories c JOIN departments d ON d.id = c.department_id ORDER BY c.code`); err != nil {
		g.t.Fatal(err)
	}
	var alleys []struct {
		ID   int64  `db:"id"`
		Code string `db:"code"`
	}
	if err := g.st.DB().Select(&alleys, `SELECT id, code FROM alleys ORDER BY code`); err != nil {
		g.t.Fatal(err)
	}
	hours := func(a, b float64) time.Duration { return time.Duration((a + r.Float64()*(b-a)) * float64(time.Hour)) }
	for range n {
		g.n++
		created := g.from.Add(-5*24*time.Hour + hours(0, 24*40))
		counted := g.in(created)
		cat := cats[r.IntN(len(cats))]
		var alley any
		alleyKey := ""
		if r.IntN(10) > 0 {
			a := alleys[r.IntN(len(alleys))]
			alley, alleyKey = a.ID, a.Code
		}
		outcome := r.IntN(20)
		status := "submitted"
		var dep any
		var verifyBy, fixBy, verifiedAt, fixedAt, closedAt *time.Time
		onSpot := false
		switch {
		case outcome == 0:
			status = "merged"
		case outcome == 1:
			status = "returned"
		case outcome == 2:
			status, onSpot, closedAt = "closed", true, &created
		case outcome == 3:
			// waiting to be dispatched
		default:
			status, dep = "dispatched", cat.Dep
		}
		id := g.exec(`INSERT INTO cases (number, alley_id, description, impact, status, source, fixed_on_spot, created_at)
			VALUES ($1, $2, '问题', 'alley', $3, 'telegram', $4, $5) RETURNING id`, fmt.Sprintf("E%d", g.n), alley, status, onSpot, created)
		g.exec(`INSERT INTO case_categories (case_id, category_id, lead) VALUES ($1, $2, true) RETURNING case_id`, id, cat.ID)
		g.event(id, "submitted", created)
		var events []string
		if status == "returned" {
			g.event(id, "returned", created.Add(time.Hour))
			events = append(events, "returned")
		}
		verifyH, fixH := math.NaN(), math.NaN()
		if status == "dispatched" {
			d := created.Add(hours(0.2, 3))
			if r.IntN(5) == 0 { // sent to the wrong department first
				g.event(id, "dispatched", d)
				g.event(id, "not_ours", d.Add(time.Hour))
				d = d.Add(2 * time.Hour)
			}
			g.event(id, "dispatched", d)
			vb := d.Add(4 * time.Hour)
			verifyBy = &vb
			if r.IntN(8) > 0 {
				v := d.Add(hours(0.1, 12))
				verifiedAt, verifyH = &v, v.Sub(d).Hours()
				g.event(id, "verified", v)
				g.event(id, "progress", v.Add(time.Hour))
				fb := v.Add(24 * time.Hour)
				fixBy, status = &fb, "verified"
				if r.IntN(6) > 0 {
					f := v.Add(hours(1, 40))
					g.event(id, "fixed", f)
					if r.IntN(3) == 0 { // failed at the re-check, fixed again
						g.event(id, "sent_back", f.Add(2*time.Hour))
						events = append(events, "recheck", "sent_back")
						f = f.Add(hours(3, 20))
						g.event(id, "fixed", f)
					}
					fixedAt, fixH, status = &f, f.Sub(v).Hours(), "fixed"
					if r.IntN(4) > 0 {
						c := f.Add(hours(1, 10))
						g.event(id, "rechecked", c)
						events = append(events, "recheck")
						closedAt, status = &c, "closed"
					}
				}
			}
		}
		if _, err := g.st.DB().Exec(`UPDATE cases SET status = $2, department_id = $3, verify_by = $4, fix_by = $5, verified_at = $6,
			fixed_at = $7, closed_at = $8 WHERE id = $1`, id, status, dep, verifyBy, fixBy, verifiedAt, fixedAt, closedAt); err != nil {
			g.t.Fatal(err)
		}
		if closedAt != nil && r.IntN(2) == 0 {
			g.rate(r, w, id, *closedAt)
		}
		if !counted || status == "merged" {
			continue
		}
		w.cases++
		w.byCategory[cat.Code]++
		w.byAlley[alleyKey]++
		dk := ""
		if dep != nil {
			dk = cat.Dept
		}
		w.deptCases[dk]++
		if !math.IsNaN(verifyH) {
			w.verifyH[dk] = append(w.verifyH[dk], verifyH)
		}
		if !math.IsNaN(fixH) {
			w.fixH[dk] = append(w.fixH[dk], fixH)
		}
		for _, e := range events {
			switch e {
			case "returned":
				w.returned++
			case "recheck":
				w.rechecks++
			case "sent_back":
				w.sentBack++
			}
		}
		if verifyBy != nil {
			w.due++
			late := (verifiedAt != nil && verifiedAt.After(*verifyBy)) || (verifiedAt == nil && verifyBy.Before(g.asOf)) ||
				(fixBy != nil && ((fixedAt != nil && fixedAt.After(*fixBy)) || (fixedAt == nil && fixBy.Before(g.asOf))))
			if late {
				w.overdue++
			}
		}
	}
}

// rate: a resident's rating some hours after the close (some "still a
// problem" without a score).
func (g *gen) rate(r *rand.Rand, w *want, caseID int64, closed time.Time) {
	at := closed.Add(time.Duration(1+r.IntN(30)) * time.Hour)
	var score any
	still := r.IntN(6) == 0
	s := 1 + r.IntN(5)
	if !still {
		score = s
	}
	g.exec(`INSERT INTO case_ratings (case_id, closing, platform, user_id, score, still_problem, at) VALUES ($1, $2, 'telegram', 'r1', $3, $4, $5) RETURNING case_id`,
		caseID, closed, score, still, at)
	if !g.in(at) {
		return
	}
	if still {
		w.still++
	} else {
		w.ratings++
		w.ratingSum += s
	}
}

// others: trainings (one cancelled, one in December), complaints and one
// steward's patrols, the schedules of the roster replaced by one window.
func (g *gen) others(r *rand.Rand, w *want) {
	var stewards []int64
	if err := g.st.DB().Select(&stewards, `SELECT person_id FROM person_roles WHERE role = 'steward' ORDER BY person_id`); err != nil {
		g.t.Fatal(err)
	}
	for i, tr := range []struct {
		at     time.Time
		status string
	}{{g.from.Add(3 * 24 * time.Hour), "published"}, {g.from.Add(20 * 24 * time.Hour), "published"},
		{g.from.Add(10 * 24 * time.Hour), "cancelled"}, {g.to.Add(2 * 24 * time.Hour), "published"}} {
		tid := g.exec(`INSERT INTO trainings (title, kind, starts_at, minutes, status) VALUES ('培训', 'lecture', $1, 60, $2) RETURNING id`, tr.at, tr.status)
		for _, p := range stewards {
			came := r.IntN(3) > 0
			g.exec(`INSERT INTO training_invites (training_id, person_id, token, attended) VALUES ($1, $2, $3, $4) RETURNING training_id`,
				tid, p, fmt.Sprintf("t%d-%d", i, p), came)
			if tr.status == "published" && g.in(tr.at) {
				w.invited++
				if came {
					w.attended++
				}
			}
		}
	}
	statuses := []string{"open", "case", "answered", "rejected", "settled"}
	for i := range 14 {
		at := g.from.Add(time.Duration(r.IntN(50*24)-10*24) * time.Hour)
		st := statuses[r.IntN(len(statuses))]
		var verdict any
		if st == "settled" {
			verdict = []string{"upheld", "not_upheld"}[r.IntN(2)]
		}
		g.exec(`INSERT INTO complaints (number, platform, user_id, chat_id, description, status, verdict, created_at)
			VALUES ($1, 'telegram', 'r1', 'r1', '投诉', $2, $3, $4) RETURNING id`, fmt.Sprintf("T%d", i), st, verdict, at)
		if g.in(at) {
			w.complaints++
			w.complaintsBy[st]++
			if verdict == "upheld" {
				w.upheld++
			}
		}
	}
	if _, err := g.st.DB().Exec(`DELETE FROM patrol_schedules`); err != nil {
		g.t.Fatal(err)
	}
	s01 := stewards[0]
	alley := g.exec(`SELECT id FROM alleys ORDER BY code LIMIT 1`)
	g.exec(`INSERT INTO patrol_schedules (person_id, alley_id, weekdays, starts_at, ends_at, valid_from) VALUES ($1, $2, '{1,3,5}', '09:00', '10:00', $3) RETURNING id`,
		s01, alley, g.from.AddDate(0, -1, 0))
	for d := g.from; d.Before(g.to); d = d.AddDate(0, 0, 1) {
		if wd := d.Weekday(); wd != time.Monday && wd != time.Wednesday && wd != time.Friday {
			continue
		}
		w.patrolsScheduled++
		if r.IntN(4) > 0 {
			w.patrolsDone++
			at := d.Add(9*time.Hour + 10*time.Minute)
			g.exec(`INSERT INTO patrol_checkins (person_id, alley_id, at, ended_at, ended_by) VALUES ($1, $2, $3, $3, 'steward') RETURNING id`, s01, alley, at)
		}
	}
}

// percentile is PostgreSQL's percentile_cont: linear between the two
// nearest of the sorted values.
func percentile(xs []float64, p float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	pos := p * float64(len(s)-1)
	lo := math.Floor(pos)
	if int(lo)+1 >= len(s) {
		return s[len(s)-1]
	}
	return s[int(lo)] + (pos-lo)*(s[int(lo)+1]-s[int(lo)])
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

// TestMonthlyFigures: November's figures, recomputed here from the rows as
// they were written (October's and December's rows left out), match the
// report's; then its charts are PNGs of a readable size.
func TestMonthlyFigures(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t, testdb.Fresh(t, true))
	if _, err := roster.Import(ctx, st, "../examples/roster.yaml"); err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation("Asia/Shanghai")
	nov, _ := assessment.Parse("2026-11")
	g := &gen{t: t, st: st, loc: loc, asOf: time.Date(2026, 12, 5, 10, 0, 0, 0, loc)}
	g.from, g.to = nov.Bounds(loc)
	w := &want{byCategory: map[string]int{}, byAlley: map[string]int{}, deptCases: map[string]int{},
		verifyH: map[string][]float64{}, fixH: map[string][]float64{}, complaintsBy: map[string]int{}}
	r := rand.New(rand.NewPCG(23, 3))
	g.cases(r, w, 400)
	g.others(r, w)

	if _, err := evaluation.Compute(ctx, &st.Queries, nov, loc, g.to.Add(-time.Hour)); err == nil || !strings.Contains(err.Error(), "not ended") {
		t.Errorf("a month not ended: %v, want refused", err)
	}
	rep, err := evaluation.Compute(ctx, &st.Queries, nov, loc, g.asOf)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Cases != w.cases || w.cases < 200 {
		t.Errorf("cases %d, want %d", rep.Cases, w.cases)
	}
	counts := func(cs []store.EvalCount) map[string]int {
		m := map[string]int{}
		for _, c := range cs {
			m[c.Key] = c.N
		}
		return m
	}
	if got := counts(rep.ByCategory); !maps(got, w.byCategory) {
		t.Errorf("by category %v, want %v", got, w.byCategory)
	}
	if got := counts(rep.ByAlley); !maps(got, w.byAlley) || w.byAlley[""] == 0 {
		t.Errorf("by alley %v, want %v", got, w.byAlley)
	}
	for _, d := range rep.Departments {
		if d.Cases != w.deptCases[d.Code] {
			t.Errorf("%q: %d cases, want %d", d.Code, d.Cases, w.deptCases[d.Code])
		}
		for _, x := range []struct {
			name     string
			xs       []float64
			n        int
			med, p90 float64
			ok       bool
		}{{"verify", w.verifyH[d.Code], d.Verified, d.VerifyMedian.Float64, d.VerifyP90.Float64, d.VerifyMedian.Valid},
			{"fix", w.fixH[d.Code], d.Fixed, d.FixMedian.Float64, d.FixP90.Float64, d.FixMedian.Valid}} {
			if x.n != len(x.xs) || x.ok != (len(x.xs) > 0) {
				t.Errorf("%q %s: %d timed, want %d", d.Code, x.name, x.n, len(x.xs))
				continue
			}
			if len(x.xs) > 0 && (!near(x.med, percentile(x.xs, 0.5)) || !near(x.p90, percentile(x.xs, 0.9))) {
				t.Errorf("%q %s: median %.4f p90 %.4f, want %.4f %.4f", d.Code, x.name, x.med, x.p90, percentile(x.xs, 0.5), percentile(x.xs, 0.9))
			}
		}
	}
	if len(rep.Departments) != len(w.deptCases) {
		t.Errorf("%d departments, want %d", len(rep.Departments), len(w.deptCases))
	}
	a := rep.All
	if a.Cases != w.cases || a.Due != w.due || a.Overdue != w.overdue || a.Rechecks != w.rechecks || a.SentBack != w.sentBack || a.Returned != w.returned {
		t.Errorf("totals %+v, want cases %d due %d overdue %d rechecks %d sent back %d returned %d", a, w.cases, w.due, w.overdue, w.rechecks, w.sentBack, w.returned)
	}
	if w.overdue == 0 || w.sentBack == 0 || w.returned == 0 {
		t.Errorf("the generated month lacks overdue, sent back or returned cases: %+v", w)
	}
	if p := rep.PatrolAttendance(); p.N != w.patrolsDone || p.Of != w.patrolsScheduled {
		t.Errorf("patrols %+v, want %d of %d", p, w.patrolsDone, w.patrolsScheduled)
	}
	if tr := rep.TrainingAttendance(); tr.N != w.attended || tr.Of != w.invited || w.invited == 0 {
		t.Errorf("trainings %+v, want %d of %d", tr, w.attended, w.invited)
	}
	o := rep.Others
	if o.Ratings != w.ratings || o.StillProblem != w.still || !near(o.RatingAvg, float64(w.ratingSum)/float64(w.ratings)) {
		t.Errorf("ratings %d avg %.3f still %d, want %d %.3f %d", o.Ratings, o.RatingAvg, o.StillProblem, w.ratings, float64(w.ratingSum)/float64(w.ratings), w.still)
	}
	if o.Complaints != w.complaints || o.Upheld != w.upheld || !maps(counts(rep.Complaints), w.complaintsBy) {
		t.Errorf("complaints %d upheld %d %v, want %d %d %v", o.Complaints, o.Upheld, rep.Complaints, w.complaints, w.upheld, w.complaintsBy)
	}
	csv := string(rep.CSV())
	for _, line := range []string{fmt.Sprintf("2026-11,cases,,,cases,%d", w.cases), fmt.Sprintf("2026-11,complaints,,,upheld,%d", w.upheld),
		fmt.Sprintf("2026-11,rate,overdue,,n,%d", w.overdue)} {
		if !strings.Contains(csv, line+"\n") {
			t.Errorf("the CSV lacks %q", line)
		}
	}
	checkCharts(t, rep)
}

func maps(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// checkCharts draws the four charts and decodes each PNG: at least
// 600×200 pixels, and not blank. ALLEYBOT_CHARTS_DIR keeps them to look at.
func checkCharts(t *testing.T, rep evaluation.Report) {
	if _, err := os.Stat(config.DefaultReportFont); err != nil {
		t.Skipf("no CJK font (scripts/fonts.sh installs it): %v", err)
	}
	f, err := evaluation.LoadFont(config.DefaultReportFont)
	if err != nil {
		t.Fatal(err)
	}
	charts, err := evaluation.Charts(rep, f, i18n.ZH)
	if err != nil {
		t.Fatal(err)
	}
	if len(charts) != 4 {
		t.Fatalf("%d charts, want 4", len(charts))
	}
	for _, c := range charts {
		img, err := png.Decode(bytes.NewReader(c.PNG))
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		b := img.Bounds()
		if b.Dx() < 600 || b.Dy() < 200 {
			t.Errorf("%s: %v, want at least 600×200", c.Name, b)
		}
		colored := 0
		for y := b.Min.Y; y < b.Max.Y; y += 3 {
			for x := b.Min.X; x < b.Max.X; x += 3 {
				if r, g, bl, _ := img.At(x, y).RGBA(); r != g || g != bl {
					colored++
				}
			}
		}
		if colored < 100 {
			t.Errorf("%s: %d coloured pixels sampled: no bars drawn", c.Name, colored)
		}
		if dir := os.Getenv("ALLEYBOT_CHARTS_DIR"); dir != "" {
			if err := os.WriteFile(filepath.Join(dir, c.Name+".png"), c.PNG, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestFontMissing: a font file that is not there is refused by its key,
// its path and the config file.
func TestFontMissing(t *testing.T) {
	cfg := config.Default()
	cfg.File = "/etc/alleybot.yaml"
	cfg.Reports.Font = "/nonexistent/wqy-zenhei.ttc"
	_, err := cfg.ReportFont()
	if err == nil {
		t.Fatal("a missing font accepted")
	}
	for _, s := range []string{"/etc/alleybot.yaml", "reports.font", "/nonexistent/wqy-zenhei.ttc", "fonts-wqy-zenhei"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("%q does not name %q", err, s)
		}
	}
	cfg.Reports.Font = ""
	if _, err := cfg.ReportFont(); err == nil || !strings.Contains(err.Error(), "reports.font") {
		t.Errorf("an empty font: %v", err)
	}
	if _, err := evaluation.LoadFont("/etc/hostname"); err == nil {
		t.Error("a file that is no font was loaded")
	}
}

// TestChartsOfAnEmptyMonth: a month with nothing in it still draws its four
// charts, in either language.
func TestChartsOfAnEmptyMonth(t *testing.T) {
	if _, err := os.Stat(config.DefaultReportFont); err != nil {
		t.Skipf("no CJK font (scripts/fonts.sh installs it): %v", err)
	}
	f, err := evaluation.LoadFont(config.DefaultReportFont)
	if err != nil {
		t.Fatal(err)
	}
	nov, _ := assessment.Parse("2026-11")
	for _, lang := range []i18n.Lang{i18n.ZH, i18n.EN} {
		charts, err := evaluation.Charts(evaluation.Report{Period: nov}, f, lang)
		if err != nil || len(charts) != 4 {
			t.Fatalf("%s: %d charts, %v", lang, len(charts), err)
		}
		for _, c := range charts {
			if _, err := png.Decode(bytes.NewReader(c.PNG)); err != nil {
				t.Errorf("%s %s: %v", lang, c.Name, err)
			}
		}
	}
}
