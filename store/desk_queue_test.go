package store_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/alleybot/alleybot/internal/testdb"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// deskCase is one case of the desk's fixture, as the test knows it.
type deskCase struct {
	id               int64
	number           string
	status           model.Status
	dept             int64 // the lead department's id, 0 none
	copies           []int64
	community, alley int64
	reporter         int64
	created          time.Time
	verifyBy, fixBy  time.Time // zero: none
	closed           bool
	cats             []int64
	ratings          []int
	escalated        bool
	sendbacks        int
}

// due is the running clock's deadline, ok false when none runs.
func (c deskCase) due() (time.Time, bool) {
	switch {
	case c.status == model.StatusDispatched && !c.verifyBy.IsZero():
		return c.verifyBy, true
	case c.status == model.StatusVerified && !c.fixBy.IsZero():
		return c.fixBy, true
	}
	return time.Time{}, false
}

type deskFixture struct {
	st       *store.Store
	now      time.Time
	comm     [2]int64
	alley    [2]int64
	dept     [3]int64
	cats     []int64
	stewards [2]int64
	cases    []deskCase
}

// newDeskFixture loads 40 cases of every status over two communities and
// three departments, some with the same created_at (ties the keyset must
// break by id), some copied to another department, some overdue, some rated.
func newDeskFixture(t *testing.T) *deskFixture {
	t.Helper()
	ctx := context.Background()
	st := testdb.Open(t, testdb.Fresh(t, true))
	db := st.DB()
	fx := &deskFixture{st: st, now: time.Date(2026, 6, 10, 12, 0, 0, 0, time.UTC)}
	for i := range 2 {
		if err := db.Get(&fx.comm[i], `INSERT INTO communities (code, name, name_en) VALUES ($1, $2, $3) RETURNING id`,
			fmt.Sprintf("dc%d", i), fmt.Sprintf("社区%d", i), fmt.Sprintf("Community %d", i)); err != nil {
			t.Fatal(err)
		}
		if err := db.Get(&fx.alley[i], `INSERT INTO alleys (code, community_id, name, lat, lon, radius_m)
			VALUES ($1, $2, $3, 39.9, 116.4, 100) RETURNING id`, fmt.Sprintf("da%d", i), fx.comm[i], fmt.Sprintf("胡同%d", i)); err != nil {
			t.Fatal(err)
		}
		fx.stewards[i] = addPerson(t, st, fmt.Sprintf("ds%d", i), fmt.Sprintf("管家%d", i), "")
	}
	for i := range 3 {
		if err := db.Get(&fx.dept[i], `INSERT INTO departments (code, name, name_en) VALUES ($1, $2, $3) RETURNING id`,
			fmt.Sprintf("dd%d", i), fmt.Sprintf("部门%d", i), fmt.Sprintf("Dept %d", i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Select(&fx.cats, `SELECT id FROM categories ORDER BY sort, id`); err != nil || len(fx.cats) < 3 {
		t.Fatalf("categories %v: %v", fx.cats, err)
	}
	for i := range 40 {
		c := fx.caseN(i)
		if err := db.GetContext(ctx, &c.id, `INSERT INTO cases (number, alley_id, community_id, description, impact, status,
				reporter_id, source, department_id, verify_by, fix_by, created_at, closed_at, escalated, sendback_count, address)
			VALUES ($1, $2, $3, '堆物', 'alley', $4, $5, 'test', nullif($6, 0), $7, $8, $9,
				CASE WHEN $10 THEN $9::timestamptz + interval '2 days' END, $11, $12, '3号') RETURNING id`,
			c.number, c.alley, c.community, c.status, c.reporter, c.dept, nullTime(c.verifyBy), nullTime(c.fixBy),
			c.created, c.closed, c.escalated, c.sendbacks); err != nil {
			t.Fatal(err)
		}
		for j, k := range c.cats {
			mustExec(t, st, `INSERT INTO case_categories (case_id, category_id, lead) VALUES ($1, $2, $3)`, c.id, k, j == 0)
		}
		for _, d := range c.copies {
			mustExec(t, st, `INSERT INTO case_departments (case_id, department_id) VALUES ($1, $2)`, c.id, d)
		}
		for j, score := range c.ratings {
			mustExec(t, st, `INSERT INTO case_ratings (case_id, closing, platform, user_id, score)
				VALUES ($1, now(), 'test', $2, $3)`, c.id, fmt.Sprint(j), score)
		}
		fx.cases = append(fx.cases, c)
	}
	return fx
}

// caseN is the fixture's i-th case.
func (fx *deskFixture) caseN(i int) deskCase {
	statuses := model.Statuses
	c := deskCase{
		number:    fmt.Sprintf("2026-%06d", 40-i), // numbers run against arrival
		status:    statuses[i%len(statuses)],
		community: fx.comm[i%2], alley: fx.alley[i%2],
		reporter: fx.stewards[(i/2)%2],
		// Pairs of cases arrive at the same instant.
		created:   fx.now.Add(-time.Duration(100-i/2) * time.Hour),
		cats:      []int64{fx.cats[i%3], fx.cats[(i+1)%3]},
		escalated: i%5 == 0,
		sendbacks: i % 4,
	}
	if i%4 != 3 {
		c.dept = fx.dept[i%3]
	}
	switch i % 6 {
	case 1: // lead department 1
		c.copies = []int64{fx.dept[2]}
	case 3: // lead department 0 or none
		c.copies = []int64{fx.dept[1], fx.dept[2]}
	}
	// Deadlines around now: some past (overdue), some ahead; a few equal.
	c.verifyBy = fx.now.Add(time.Duration(i%7-3) * time.Hour)
	c.fixBy = fx.now.Add(time.Duration(i%5-2) * 24 * time.Hour)
	c.closed = c.status == model.StatusClosed || c.status == model.StatusMerged
	if c.status == model.StatusClosed && i%2 == 0 {
		c.ratings = []int{5, 4, 2}[:1+i%3]
	}
	return c
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

func mustExec(t *testing.T, st *store.Store, q string, args ...any) {
	t.Helper()
	if _, err := st.DB().Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// want is what DeskCases should list for f, computed here from the fixture.
func (fx *deskFixture) want(f store.DeskQuery, withStatuses bool) []deskCase {
	var out []deskCase
	for _, c := range fx.cases {
		if fx.passes(f, c, withStatuses) {
			out = append(out, c)
		}
	}
	less := func(a, b deskCase) int {
		switch f.Sort {
		case store.DeskSortNumber:
			return compare(a.number, b.number)
		case store.DeskSortDue:
			ad, aok := a.due()
			bd, bok := b.due()
			if aok && bok && !ad.Equal(bd) { // none last: sorted below
				return ad.Compare(bd)
			}
			return compare(a.id, b.id)
		}
		if !a.created.Equal(b.created) {
			return a.created.Compare(b.created)
		}
		return compare(a.id, b.id)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if f.Sort == store.DeskSortDue {
			_, aok := a.due()
			_, bok := b.due()
			if aok != bok {
				return aok
			}
		}
		if f.Desc {
			return less(a, b) > 0
		}
		return less(a, b) < 0
	})
	return out
}

func compare[T int64 | string](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (fx *deskFixture) passes(f store.DeskQuery, c deskCase, withStatuses bool) bool {
	// A lead department sees its case once the center has dispatched it
	// (not while it is submitted, returned or merged).
	dispatched := c.status != model.StatusSubmitted && c.status != model.StatusReturned && c.status != model.StatusMerged
	seen := f.All || (f.Reporter != 0 && c.reporter == f.Reporter) || slices.Contains(f.Departments, c.dept) && c.dept != 0 && dispatched
	for _, d := range c.copies {
		seen = seen || slices.Contains(f.Departments, d)
	}
	due, running := c.due()
	switch {
	case !seen,
		withStatuses && len(f.Statuses) > 0 && !slices.Contains(f.Statuses, c.status),
		f.Open && c.closed,
		f.CommunityID != 0 && c.community != f.CommunityID,
		f.AlleyID != 0 && c.alley != f.AlleyID,
		f.DepartmentID != 0 && c.dept != f.DepartmentID,
		f.CategoryID != 0 && !slices.Contains(c.cats, f.CategoryID),
		f.Overdue && (!running || !due.Before(f.Now)),
		!f.From.IsZero() && c.created.Before(f.From),
		!f.To.IsZero() && !c.created.Before(f.To):
		return false
	}
	return true
}

// walk reads every page of f and fails on a page larger than asked.
func walk(t *testing.T, st *store.Store, f store.DeskQuery) []store.DeskRow {
	t.Helper()
	var all []store.DeskRow
	for pages := 0; ; pages++ {
		if pages > 100 {
			t.Fatal("more than 100 pages: the cursor does not move on")
		}
		rows, next, err := st.DeskCases(context.Background(), f)
		if err != nil {
			t.Fatalf("%+v: %v", f, err)
		}
		if len(rows) > f.Limit {
			t.Fatalf("a page of %d rows, asked %d", len(rows), f.Limit)
		}
		all = append(all, rows...)
		if next == "" {
			return all
		}
		if len(rows) != f.Limit {
			t.Fatalf("a page of %d rows (asked %d) with a next cursor", len(rows), f.Limit)
		}
		f.After = next
	}
}

// TestDeskCases: every filter and scope, each order both ways, read three
// rows a page: the rows are exactly those the reference selects, in its
// order, each once.
func TestDeskCases(t *testing.T) {
	fx := newDeskFixture(t)
	now := fx.now
	queries := map[string]store.DeskQuery{
		"all":                 {All: true},
		"open":                {All: true, Open: true},
		"statuses":            {All: true, Statuses: []model.Status{model.StatusDispatched, model.StatusFixed}},
		"community":           {All: true, CommunityID: fx.comm[1]},
		"alley":               {All: true, AlleyID: fx.alley[0]},
		"lead department":     {All: true, DepartmentID: fx.dept[2]},
		"category":            {All: true, CategoryID: fx.cats[2]},
		"overdue":             {All: true, Overdue: true},
		"from-to":             {All: true, From: now.Add(-90 * time.Hour), To: now.Add(-85 * time.Hour)},
		"department member":   {Departments: []int64{fx.dept[0]}},
		"two departments":     {Departments: []int64{fx.dept[0], fx.dept[1]}, Open: true},
		"steward":             {Reporter: fx.stewards[1]},
		"steward, department": {Reporter: fx.stewards[0], Departments: []int64{fx.dept[2]}},
		"no scope":            {Open: true},
		"everything":          {Departments: []int64{fx.dept[1]}, Open: true, CommunityID: fx.comm[1], CategoryID: fx.cats[1]},
	}
	for name, q := range queries {
		for _, sortBy := range []string{"", store.DeskSortCreated, store.DeskSortDue, store.DeskSortNumber} {
			for _, desc := range []bool{false, true} {
				f := q
				f.Now, f.Sort, f.Desc, f.Limit = now, sortBy, desc, 3
				t.Run(fmt.Sprintf("%s/%s/desc=%v", name, sortBy, desc), func(t *testing.T) {
					got := walk(t, fx.st, f)
					want := fx.want(f, true)
					if name != "no scope" && len(want) == 0 {
						t.Fatal("the reference selects nothing: the fixture tests nothing here")
					}
					if g, w := rowNumbers(got), caseNumbers(want); !slices.Equal(g, w) {
						t.Errorf("got  %v\nwant %v", g, w)
					}
				})
			}
		}
	}
}

func rowNumbers(rows []store.DeskRow) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.Number
	}
	return out
}

func caseNumbers(cs []deskCase) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.number
	}
	return out
}

// A department's member never sees another department's case unless it was
// copied to theirs; a steward only their own.
func TestDeskCasesScope(t *testing.T) {
	fx := newDeskFixture(t)
	ctx := context.Background()
	rows, _, err := fx.st.DeskCases(ctx, store.DeskQuery{Departments: []int64{fx.dept[1]}, Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	copied := 0
	for _, r := range rows {
		if r.DepartmentID == fx.dept[1] {
			continue
		}
		c := fx.byNumber(t, r.Number)
		if !slices.Contains(c.copies, fx.dept[1]) {
			t.Errorf("department %d sees %s of department %d, not copied to it", fx.dept[1], r.Number, r.DepartmentID)
		}
		copied++
	}
	if copied == 0 {
		t.Error("no copied case seen: the fixture copies some to this department")
	}
	rows, _, err = fx.st.DeskCases(ctx, store.DeskQuery{Reporter: fx.stewards[0], Limit: 200})
	if err != nil || len(rows) == 0 {
		t.Fatalf("%d rows, %v", len(rows), err)
	}
	for _, r := range rows {
		if r.ReporterID != fx.stewards[0] || r.ReporterName != "管家0" {
			t.Errorf("steward %d sees %s reported by %d (%s)", fx.stewards[0], r.Number, r.ReporterID, r.ReporterName)
		}
	}
}

func (fx *deskFixture) byNumber(t *testing.T, number string) deskCase {
	t.Helper()
	for _, c := range fx.cases {
		if c.number == number {
			return c
		}
	}
	t.Fatalf("no case %s in the fixture", number)
	return deskCase{}
}

// A row carries the names, categories (the lead first), the clocks and the
// residents' average score of its case.
func TestDeskRowFields(t *testing.T) {
	fx := newDeskFixture(t)
	rows := walk(t, fx.st, store.DeskQuery{All: true, Limit: 200})
	if len(rows) != len(fx.cases) {
		t.Fatalf("%d rows, want %d", len(rows), len(fx.cases))
	}
	catName := map[int64]string{}
	var names []struct {
		ID   int64  `db:"id"`
		Name string `db:"name"`
	}
	if err := fx.st.DB().Select(&names, `SELECT id, name FROM categories`); err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		catName[n.ID] = n.Name
	}
	rated := 0
	for _, r := range rows {
		c := fx.byNumber(t, r.Number)
		i := slices.Index(fx.dept[:], c.dept)
		wantDept := ""
		if i >= 0 {
			wantDept = fmt.Sprintf("部门%d", i)
		}
		j := slices.Index(fx.comm[:], c.community)
		if r.DepartmentName != wantDept || r.CommunityName != fmt.Sprintf("社区%d", j) || r.CommunityNameEn != fmt.Sprintf("Community %d", j) ||
			r.AlleyName != fmt.Sprintf("胡同%d", j) || r.Address != "3号" {
			t.Errorf("%s: names %q %q %q %q %q", r.Number, r.DepartmentName, r.CommunityName, r.CommunityNameEn, r.AlleyName, r.Address)
		}
		if len(r.Categories) != 2 || r.Categories[0] != catName[c.cats[0]] || r.Categories[1] != catName[c.cats[1]] || len(r.CategoriesEn) != 2 {
			t.Errorf("%s: categories %v %v, want the lead %s first", r.Number, r.Categories, r.CategoriesEn, catName[c.cats[0]])
		}
		if r.Status != c.status || r.Escalated != c.escalated || r.SendbackCount != c.sendbacks || r.ClosedAt.Valid != c.closed {
			t.Errorf("%s: status %s escalated %v sendbacks %d closed %v", r.Number, r.Status, r.Escalated, r.SendbackCount, r.ClosedAt.Valid)
		}
		if due, ok := c.due(); ok {
			if _, got, gok := r.RunningClock(); !gok || !got.Equal(due) {
				t.Errorf("%s: running clock %v %v, want %v", r.Number, got, gok, due)
			}
		}
		if len(c.ratings) == 0 {
			if r.Satisfaction.Valid || r.Ratings != 0 {
				t.Errorf("%s: satisfaction %v (%d) with no rating", r.Number, r.Satisfaction, r.Ratings)
			}
			continue
		}
		rated++
		sum := 0
		for _, s := range c.ratings {
			sum += s
		}
		if want := float64(sum) / float64(len(c.ratings)); !r.Satisfaction.Valid || r.Satisfaction.Float64-want > 1e-9 ||
			want-r.Satisfaction.Float64 > 1e-9 || r.Ratings != len(c.ratings) {
			t.Errorf("%s: satisfaction %v of %d, want %v of %d", r.Number, r.Satisfaction, r.Ratings, want, len(c.ratings))
		}
	}
	if rated == 0 {
		t.Error("no rated case in the fixture")
	}
}

// A cursor altered, made for another order, or not a cursor at all is
// ErrBadCursor; a well-formed cursor carrying SQL is only a value.
func TestDeskCursorTampered(t *testing.T) {
	fx := newDeskFixture(t)
	ctx := context.Background()
	_, next, err := fx.st.DeskCases(ctx, store.DeskQuery{All: true, Limit: 2})
	if err != nil || next == "" {
		t.Fatalf("first page: next %q, %v", next, err)
	}
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for name, f := range map[string]store.DeskQuery{
		"not base64":       {All: true, After: "%%%' OR 1=1 --"},
		"not json":         {All: true, After: enc("'; DROP TABLE cases; --")},
		"another order":    {All: true, After: next, Sort: store.DeskSortNumber},
		"another way":      {All: true, After: next, Desc: true},
		"no id":            {All: true, After: enc(`{"s":"created","t":1}`)},
		"unknown field":    {All: true, After: enc(`{"s":"created","t":1,"i":3,"x":"1"}`)},
		"a field's type":   {All: true, After: enc(`{"s":"created","t":"now()","i":3}`)},
		"truncated":        {All: true, After: next[:len(next)/2]},
		"too long":         {All: true, After: enc(fmt.Sprintf(`{"s":"created","i":1,"n":"%0600d"}`, 0))},
		"number, no value": {All: true, Sort: store.DeskSortNumber, After: enc(`{"s":"number","i":3}`)},
		"a time too far":   {All: true, After: enc(`{"s":"created","t":9223372036854775807,"i":3}`)},
		"a time too early": {All: true, After: enc(`{"s":"created","t":-9223372036854775807,"i":3}`)},
	} {
		if _, _, err := fx.st.DeskCases(ctx, f); !errors.Is(err, store.ErrBadCursor) {
			t.Errorf("%s: err %v, want ErrBadCursor", name, err)
		}
	}
	evil := store.DeskQuery{All: true, Sort: store.DeskSortNumber, Limit: 200,
		After: enc(`{"s":"number","n":"2026-000030' OR '1'='1","i":1}`)}
	rows, _, err := fx.st.DeskCases(ctx, evil)
	if err != nil {
		t.Fatal(err)
	}
	// Compared as text: the numbers after "2026-000030'…", 2026-000031 to 40.
	if len(rows) != 10 || rows[0].Number != "2026-000031" {
		t.Errorf("after a cursor carrying SQL: %v", rowNumbers(rows))
	}
	// A cursor past the cases with a clock, on the overdue (which all
	// have one): nothing follows.
	rows, next, err = fx.st.DeskCases(ctx, store.DeskQuery{All: true, Overdue: true, Now: fx.now, Sort: store.DeskSortDue,
		After: enc(`{"s":"due","z":true,"i":1}`)})
	if err != nil || len(rows) != 0 || next != "" {
		t.Errorf("overdue after the cases with a clock: %v, %q, %v", rowNumbers(rows), next, err)
	}
	if _, _, err := fx.st.DeskCases(ctx, store.DeskQuery{All: true, Sort: "created; DROP TABLE cases"}); err == nil {
		t.Error("an unknown sort was accepted")
	}
	if n := count(t, fx.st, `SELECT count(*) FROM cases`); n != len(fx.cases) {
		t.Errorf("%d cases left", n)
	}
}

// DeskCounts counts per status within the scope and the filters, its
// statuses ignored.
func TestDeskCounts(t *testing.T) {
	fx := newDeskFixture(t)
	for name, f := range map[string]store.DeskQuery{
		"all":               {All: true, Statuses: []model.Status{model.StatusSubmitted}},
		"open":              {All: true, Open: true},
		"department member": {Departments: []int64{fx.dept[0]}},
		"steward":           {Reporter: fx.stewards[1], CommunityID: fx.comm[0]},
		"overdue":           {All: true, Overdue: true},
		"category, period":  {All: true, CategoryID: fx.cats[0], From: fx.now.Add(-95 * time.Hour)},
		"no scope":          {},
	} {
		f.Now = fx.now
		got, err := fx.st.DeskCounts(context.Background(), f)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want := map[model.Status]int{}
		for _, s := range model.Statuses {
			want[s] = 0
		}
		for _, c := range fx.want(f, false) {
			want[c.status]++
		}
		total := 0
		for s, n := range want {
			total += n
			if got[s] != n {
				t.Errorf("%s: %s %d, want %d", name, s, got[s], n)
			}
		}
		if len(got) != len(model.Statuses) || (total == 0 && name != "no scope") {
			t.Errorf("%s: %v (%d statuses, %d cases)", name, got, len(got), total)
		}
	}
}

// A page is at most DeskPageMax rows, however many are asked for.
func TestDeskPageCapped(t *testing.T) {
	st := testdb.Open(t, testdb.Fresh(t, true))
	mustExec(t, st, `INSERT INTO cases (number, description, impact, status, source, created_at)
		SELECT 'X' || lpad(n::text, 4, '0'), '堆物', 'alley', 'submitted', 'test', now() - n * interval '1 minute'
		FROM generate_series(1, $1::int) n`, store.DeskPageMax+5)
	rows, next, err := st.DeskCases(context.Background(), store.DeskQuery{All: true, Limit: 10000})
	if err != nil || len(rows) != store.DeskPageMax || next == "" {
		t.Fatalf("%d rows, next %q, %v; want %d and a cursor", len(rows), next, err, store.DeskPageMax)
	}
	rows, next, err = st.DeskCases(context.Background(), store.DeskQuery{All: true, After: next})
	if err != nil || len(rows) != 5 || next != "" {
		t.Fatalf("second page %d rows, next %q, %v; want the last 5", len(rows), next, err)
	}
	n, err := st.DeskCounts(context.Background(), store.DeskQuery{All: true})
	if err != nil || n[model.StatusSubmitted] != store.DeskPageMax+5 {
		t.Fatalf("counts %v, %v", n, err)
	}
}
