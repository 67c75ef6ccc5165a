package public_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/internal/testdb"
	"github.com/alleybot/alleybot/public"
	"github.com/alleybot/alleybot/roster"
	"github.com/alleybot/alleybot/store"
)

// Residents' identifiers the seed writes: none may appear on a page.
const (
	residentName   = "赵阿姨"
	residentUserID = "wx-resident-4711"
	residentChat   = "wx-chat-4711"
	residentText   = "楼下邻居天天在门口堆纸箱"
	raterUserID    = "tg-rater-99887766"
)

// world is a district (the example roster) with cases this month and last.
type world struct {
	st  *store.Store
	loc *time.Location
	now time.Time
	// numbers and photo ids by what they are
	closed, closedLast, open, fromComplaint string
	before, after, openPhoto, residentPhoto int64
}

// seed imports the example roster and writes, as of 2026-12-05 12:00 in
// Beijing: a case closed this month in time with a before and an after
// photo (reported by the steward 王秀兰), one closed this month late, one
// closed last month, an open case with a photo, and a resident's complaint
// that became a case (closed, with the resident's photo), with two ratings.
func seed(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	st := testdb.Open(t, testdb.Fresh(t, true))
	if _, err := roster.Import(ctx, st, "../examples/roster.yaml"); err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation("Asia/Shanghai")
	w := &world{st: st, loc: loc, now: time.Date(2026, 12, 5, 12, 0, 0, 0, loc)}
	id := func(q string, args ...any) int64 {
		t.Helper()
		var id int64
		if err := st.DB().QueryRowx(q, args...).Scan(&id); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return id
	}
	steward := id(`SELECT id FROM people WHERE code = 'S01'`)
	at := func(month time.Month, day, hour int) time.Time {
		return time.Date(2026, month, day, hour, 0, 0, 0, loc)
	}
	kase := func(number, alley, category, source, desc, status string, reporter any, created time.Time, fixBy, fixed, closed any) int64 {
		t.Helper()
		c := id(`INSERT INTO cases (number, alley_id, community_id, description, impact, status, reporter_id, source, department_id,
				created_at, dispatched_at, verified_at, fix_by, fixed_at, closed_at)
			SELECT $1, a.id, a.community_id, $4, 'alley', $6, $7, $5, g.department_id, $8, $8::timestamptz + interval '1 hour',
				$8::timestamptz + interval '2 hours', $9, $10, $11
			FROM alleys a, categories g WHERE a.code = $2 AND g.code = $3 RETURNING id`,
			number, alley, category, desc, source, status, reporter, created, fixBy, fixed, closed)
		id(`INSERT INTO case_categories (case_id, category_id, lead) SELECT $1, id, true FROM categories WHERE code = $2 RETURNING case_id`, c, category)
		return c
	}
	pile, err := os.ReadFile("../examples/pile.png")
	if err != nil {
		t.Fatal(err)
	}
	photo := func(caseID int64, kind string, complaint any, data []byte) int64 {
		t.Helper()
		p := id(`INSERT INTO photos (case_id, kind, platform, file_ref, complaint_id) VALUES ($1, $2, 'telegram', 'f', $3) RETURNING id`,
			caseID, kind, complaint)
		if err := st.SetPhotoBytes(ctx, p, data, "image/png"); err != nil {
			t.Fatal(err)
		}
		return p
	}

	w.closed = "2026-000101"
	c := kase(w.closed, "maoer", "sanitation", "telegram", "帽儿胡同东口垃圾堆放", "closed", steward,
		at(12, 1, 9), at(12, 2, 9), at(12, 1, 15), at(12, 1, 18))
	w.before, w.after = photo(c, "before", nil, pile), photo(c, "after", nil, append([]byte{}, pile[:len(pile)-1]...))
	kase("2026-000102", "yuer", "facilities", "telegram", "雨儿胡同路灯不亮", "closed", steward,
		at(12, 1, 10), at(12, 2, 10), at(12, 3, 10), at(12, 3, 12))
	w.closedLast = "2026-000090"
	kase(w.closedLast, "fuxiang", "order", "telegram", "福祥胡同占道经营", "closed", steward,
		at(11, 10, 9), at(11, 11, 9), at(11, 10, 15), at(11, 10, 18))
	w.open = "2026-000103"
	o := kase(w.open, "maoer", "safety", "telegram", "井盖松动", "verified", steward, at(12, 4, 9), at(12, 4, 17), nil, nil)
	w.openPhoto = photo(o, "before", nil, pile[:len(pile)-2])
	w.fromComplaint = "2026-000104"
	k := kase(w.fromComplaint, "juer", "sanitation", "complaint", residentText, "closed", nil,
		at(12, 2, 9), at(12, 3, 9), at(12, 2, 15), at(12, 2, 18))
	complaint := id(`INSERT INTO complaints (number, platform, user_id, chat_id, resident_name, description, alley_id, status, case_id, created_at)
		SELECT 'T2026-000001', 'wechat', $1, $2, $3, $4, id, 'case', $5, $6 FROM alleys WHERE code = 'juer' RETURNING id`,
		residentUserID, residentChat, residentName, residentText, k, at(12, 2, 8))
	w.residentPhoto = photo(k, "before", complaint, pile[:len(pile)-3])
	for _, r := range []struct {
		caseID int64
		user   string
		score  int
	}{{c, raterUserID, 5}, {k, residentUserID, 4}} {
		id(`INSERT INTO case_ratings (case_id, platform, user_id, score, at, closing) SELECT $1, 'wechat', $2, $3, $4, closed_at FROM cases WHERE id = $1 RETURNING case_id`,
			r.caseID, r.user, r.score, at(12, 3, 9))
	}
	return w
}

func (w *world) server(t *testing.T, o public.Options) *httptest.Server {
	t.Helper()
	o.Location, o.DefaultLang, o.Now = w.loc, i18n.ZH, func() time.Time { return w.now }
	mux := http.NewServeMux()
	mux.Handle("/public/", public.Handler(w.st, o))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

var styleRe = regexp.MustCompile(`(?s)<style>.*</style>`)

func get(t *testing.T, srv *httptest.Server, path string) (int, string, http.Header) {
	t.Helper()
	res, err := srv.Client().Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(body), res.Header
}

// TestPages: every page answers, in Chinese by default and in English on
// ?lang=en, with this month's and last month's figures, the closed cases
// by alley, a case's steps, and 404 for what is not there.
func TestPages(t *testing.T) {
	w := seed(t)
	srv := w.server(t, public.Options{})
	for _, tc := range []struct {
		path   string
		status int
		want   []string
		not    []string
	}{
		{"/public/", 200, []string{`<html lang="zh-CN">`, "小巷管家 · 公开信息", `href="/public/?lang=en"`, "12月（截至今天）", "11月",
			// December: reported 4 (101, 102, 103, 104), closed 3, in time 2 (102 was fixed after its deadline).
			"<dt>上报问题</dt><dd>4</dd>", "<dt>办结</dt><dd>3</dd>", "<dt>按时办结</dt><dd>2<small>66.7%</small>",
			"<dd>4.50<small class=\"of\">分</small><span class=\"sub\">2 次评价</span></dd>", "暂无评价",
			"帽儿胡同", "雨儿胡同", "福祥胡同", "菊儿胡同", `href="/public/case/2026-000101"`, "帽儿胡同东口垃圾堆放", "环境卫生",
			"上报 2026-12-01", "办结 2026-12-01", "居民反映的问题（内容不公开）", "这个月还没有账目。"},
			[]string{"2026-000103", "<img", "<script"}},
		{"/public/?lang=en", 200, []string{`<html lang="en">`, "Alley stewards · public information", `href="/public/?lang=zh"`,
			"December (so far)", "November", "4.50<small class=\"of\">of 5</small><span class=\"sub\">2 ratings</span>", "No ratings yet", `href="/public/case/2026-000101?lang=en"`,
			"Sanitation", "Reported by a resident (the text is not published)", "No entry in this month yet.", "How to verify"},
			[]string{"上报问题", "暂无评价"}},
		{"/public/case/2026-000101", 200, []string{"问题 2026-000101", "已办结", "帽儿胡同", "交道口街道环卫所", "帽儿胡同东口垃圾堆放",
			"<span>上报</span><time>2026-12-01 09:00</time>", "<span>管家复核，办结</span><time>2026-12-01 18:00</time>",
			`href="/public/"`}, []string{"<img"}},
		{"/public/case/2026-000101?lang=en", 200, []string{"Case 2026-000101", "Subdistrict Sanitation Station", "Re-checked and closed",
			`href="/public/?lang=en"`}, nil},
		{"/public/case/2026-000103", 200, []string{"井盖松动", "部门现场核实"}, []string{"管家复核"}},
		{"/public/case/2026-000104", 200, []string{"居民反映的问题（内容不公开）"}, []string{residentText}},
		{"/public/case/2099-000001", 404, []string{"没有找到这个页面或问题编号。"}, nil},
		{"/public/nothing", 404, []string{"未找到"}, nil},
		{"/public/photo/1", 404, []string{"未找到"}, nil},
	} {
		status, body, hdr := get(t, srv, tc.path)
		if status != tc.status {
			t.Errorf("GET %s: %d, want %d\n%s", tc.path, status, tc.status, body)
			continue
		}
		if ct := hdr.Get("Content-Type"); ct != "text/html; charset=utf-8" {
			t.Errorf("GET %s: Content-Type %q", tc.path, ct)
		}
		for _, s := range tc.want {
			if !strings.Contains(body, s) {
				t.Errorf("GET %s: no %q in\n%s", tc.path, s, styleRe.ReplaceAllString(body, ""))
			}
		}
		for _, s := range tc.not {
			if strings.Contains(body, s) {
				t.Errorf("GET %s: %q should not be on the page", tc.path, s)
			}
		}
	}
}

// TestNoPersonalData: with public.show_photos and show_steward_names off
// (the defaults), no page (the fund ledger's included) says a name, phone
// or WeCom id of the example roster, nor anything of the resident whose complaint became a case
// (name, user and chat ids, words) or of a rater. Turning the names on
// shows the reporting steward's name: the check can see a name when one
// is there.
func TestNoPersonalData(t *testing.T) {
	w := seed(t)
	f, err := roster.Parse("../examples/roster.yaml")
	if err != nil {
		t.Fatal(err)
	}
	secrets := []string{residentName, residentUserID, residentChat, residentText, raterUserID}
	for _, p := range f.People {
		// Not p.Code: the ledger's canonical form names who entered an
		// entry by roster code (F01), so that anyone can recompute its hash.
		secrets = append(secrets, p.Name, p.Phone)
		if p.WecomUserID != "" {
			secrets = append(secrets, p.WecomUserID)
		}
	}
	seedLedger(t, w)
	var numbers []string
	if err := w.st.DB().Select(&numbers, `SELECT number FROM cases ORDER BY number`); err != nil {
		t.Fatal(err)
	}
	pages := []string{"/public/", "/public/?lang=en", "/public/?ledger=current", "/public/nothing"}
	for _, n := range numbers {
		pages = append(pages, "/public/case/"+n, "/public/case/"+n+"?lang=en")
	}
	srv := w.server(t, public.Options{})
	for _, path := range pages {
		_, body, _ := get(t, srv, path)
		for _, s := range secrets {
			if regexp.MustCompile(`(^|[^0-9A-Za-z])` + regexp.QuoteMeta(s) + `($|[^0-9A-Za-z])`).MatchString(body) {
				t.Errorf("GET %s shows %q", path, s)
			}
		}
	}
	named := w.server(t, public.Options{ShowStewardNames: true})
	_, body, _ := get(t, named, "/public/case/"+w.closed)
	if !strings.Contains(body, "小巷管家：王秀兰") {
		t.Errorf("show_steward_names on: the steward's name is missing from\n%s", body)
	}
	_, body, _ = get(t, named, "/public/case/"+w.fromComplaint)
	if strings.Contains(body, residentName) || strings.Contains(body, residentText) || strings.Contains(body, "小巷管家：") {
		t.Errorf("show_steward_names on: a resident's case shows a name or the resident's words\n%s", body)
	}
}

// TestPhotos: with show_photos off every photo is 404 and no page has an
// image; on, a closed case's before and after photos are served and
// shown, an open case's and a resident's are still 404.
func TestPhotos(t *testing.T) {
	w := seed(t)
	off := w.server(t, public.Options{})
	for _, id := range []int64{w.before, w.after, w.openPhoto, w.residentPhoto} {
		if status, _, _ := get(t, off, fmt.Sprintf("/public/photo/%d", id)); status != 404 {
			t.Errorf("show_photos off: photo %d: %d, want 404", id, status)
		}
	}
	on := w.server(t, public.Options{ShowPhotos: true})
	pile, _ := os.ReadFile("../examples/pile.png")
	for id, want := range map[int64]int{w.before: 200, w.after: 200, w.openPhoto: 404, w.residentPhoto: 404, 999999: 404} {
		status, body, hdr := get(t, on, fmt.Sprintf("/public/photo/%d", id))
		if status != want {
			t.Errorf("show_photos on: photo %d: %d, want %d", id, status, want)
		}
		if id == w.before && (body != string(pile) || hdr.Get("Content-Type") != "image/png") {
			t.Errorf("photo %d: %d bytes of %s, want the stored PNG", id, len(body), hdr.Get("Content-Type"))
		}
	}
	_, body, _ := get(t, on, "/public/")
	for _, s := range []string{fmt.Sprintf(`<img src="/public/photo/%d"`, w.before), fmt.Sprintf(`<img src="/public/photo/%d"`, w.after), "整改前", "整改后"} {
		if !strings.Contains(body, s) {
			t.Errorf("show_photos on: no %q on the page", s)
		}
	}
	if strings.Contains(body, fmt.Sprintf("/public/photo/%d", w.residentPhoto)) {
		t.Error("the resident's photo is on the page")
	}
	_, body, _ = get(t, on, "/public/case/"+w.open)
	if strings.Contains(body, "<img") {
		t.Error("an open case shows photos")
	}
}

// TestTemplateKeysExist: every {{.T "key"}} of the templates is in the
// catalog (i18n's own test reads only Go files).
func TestTemplateKeysExist(t *testing.T) {
	files, err := filepath.Glob("templates/*.html")
	if err != nil || len(files) == 0 {
		t.Fatalf("templates: %v", err)
	}
	keyRe := regexp.MustCompile(`\.T "([^"]+)"`)
	n := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyRe.FindAllStringSubmatch(string(data), -1) {
			n++
			if !i18n.Has(m[1]) {
				t.Errorf("%s: key %q is not in the catalog", f, m[1])
			}
		}
	}
	if n < 20 {
		t.Errorf("only %d keys found in the templates: is the pattern right?", n)
	}
}
