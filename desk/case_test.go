package desk_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/alleybot/alleybot/desk"
	"github.com/alleybot/alleybot/model"
)

// TestDispatchOnTheDesk: a case S01 reported, on the coordinator's desk:
// its page (summary, timeline, photos, map, the buttons C01 may press);
// 派单 pressed on the page dispatches it once, writes the timeline once and
// sends the card to the department's Telegram group once; the same form
// again changes nothing and says so; another coordinator's stale 派单
// form gets the bot's "cannot" and changes nothing.
func TestDispatchOnTheDesk(t *testing.T) {
	w := newWorld(t, desk.Options{})
	r := w.report("S01", "maoer", "sanitation", "帽儿胡同东口垃圾堆放")
	c := w.login("C01")
	page := "/desk/case/" + r.number
	// Another coordinator opens the page too.
	a := w.login("A01")
	if st, _ := a.get(page); st != http.StatusOK {
		t.Fatalf("A01's page: %d", st)
	}

	st, body := c.get(page)
	if st != http.StatusOK {
		t.Fatalf("GET %s: %d %s", page, st, body)
	}
	for _, want := range []string{r.number, "帽儿胡同东口垃圾堆放", "帽儿胡同", "王秀兰", "提交上报", "整条小巷", "交道口街道环卫所",
		fmt.Sprintf(`<img src="/desk/photo/%d"`, r.photo), "照片尚未保存到系统", `<svg class="deskmap"`, "帽儿胡同</text>", "暂无评价"} {
		if !strings.Contains(body, want) {
			t.Errorf("the case page has no %q", want)
		}
	}
	if strings.Contains(body, fmt.Sprintf(`/desk/photo/%d"`, r.fetching)) {
		t.Error("a photo without bytes is linked")
	}
	bs := buttons(body)
	dispatch := bs["派单给交道口街道环卫所"]
	if dispatch != fmt.Sprintf("c:dispatch:%d", r.id) {
		t.Fatalf("no 派单 button on the coordinator's page: %v", bs)
	}
	for _, label := range []string{"改派其他部门", "退回", "合并(重复)"} {
		if _, ok := bs[label]; !ok {
			t.Errorf("no %q button: %v", label, bs)
		}
	}
	if _, ok := bs["已核实"]; ok {
		t.Errorf("a department's button on the center's page: %v", bs)
	}
	if st, img := c.get(fmt.Sprintf("/desk/photo/%d", r.photo)); st != http.StatusOK || !bytes.Equal([]byte(img), r.png) {
		t.Errorf("photo: %d, %d bytes, want the stored %d", st, len(img), len(r.png))
	}
	if st, _ := c.get(fmt.Sprintf("/desk/photo/%d", r.fetching)); st != http.StatusNotFound {
		t.Errorf("a photo without bytes: %d, want 404", st)
	}

	// The page's own form: its nonce is what makes a second send the same.
	nonces := nonceRE.FindAllStringSubmatch(body[:strings.Index(body, `value="`+dispatch+`"`)], -1)
	if len(nonces) == 0 {
		t.Fatal("no nonce in the 派单 form")
	}
	form := url.Values{"data": {dispatch}, "nonce": {nonces[len(nonces)-1][1]}}
	st, body = c.post(page+"/press", form)
	if st != http.StatusOK || !strings.Contains(body, "已派单:"+r.number) {
		t.Fatalf("派单: %d %s", st, body)
	}
	check := func(when string) {
		t.Helper()
		if s := w.status(r.id); s != model.StatusDispatched {
			t.Errorf("%s: status %s, want dispatched", when, s)
		}
		if n := w.events(r.id, model.EventDispatched); n != 1 {
			t.Errorf("%s: %d dispatch events, want 1", when, n)
		}
		if n := w.queued("-1002", r.number); n != 1 {
			t.Errorf("%s: %d cards in the 环卫所 group's outbox, want 1", when, n)
		}
	}
	check("after 派单")
	if !strings.Contains(body, "已派单,待核实") || !strings.Contains(body, `<td>派单</td>`) {
		t.Error("the page after 派单 shows neither the new status nor the timeline's dispatch")
	}
	if _, ok := buttons(body)["派单给交道口街道环卫所"]; ok {
		t.Error("派单 still offered after the dispatch")
	}

	// The same form again (a double click, a reload): nothing twice.
	st, body = c.post(page+"/press", form)
	if st != http.StatusOK || !strings.Contains(body, "这个表单已经提交过") {
		t.Errorf("the same form again: %d, no duplicate note", st)
	}
	check("the same form again")

	// The other coordinator presses 派单 on the page opened before.
	st, body = a.post(page+"/press", url.Values{"data": {dispatch}})
	if st != http.StatusOK || !strings.Contains(body, "不能派单") {
		t.Errorf("a stale 派单: %d, no conflict message in %s", st, body)
	}
	check("a stale 派单")
}

// TestRedirectAsksOnThePage: 改派 asks which department, with the
// departments as buttons on the page; pressing one and then 完成 dispatches
// the case there, as the chat's numbered menu would.
func TestRedirectAsksOnThePage(t *testing.T) {
	w := newWorld(t, desk.Options{})
	r := w.report("S01", "yuer", "sanitation", "雨儿胡同垃圾")
	c := w.login("C01")
	page := "/desk/case/" + r.number
	_, body := c.get(page)
	st, body := c.post(page+"/press", url.Values{"data": {buttons(body)["改派其他部门"]}})
	if st != http.StatusOK || !strings.Contains(body, "派给哪个部门负责") || !strings.Contains(body, `name="text"`) {
		t.Fatalf("改派: %d, no question on the page: %s", st, body)
	}
	lead := buttons(body)["东城区房管中心交道口管理所"]
	if lead == "" {
		t.Fatalf("no department button: %v", buttons(body))
	}
	st, body = c.post(page+"/press", url.Values{"data": {lead}})
	done := buttons(body)["完成"]
	if st != http.StatusOK || done == "" {
		t.Fatalf("after choosing the lead: %d, no 完成: %v", st, buttons(body))
	}
	if st, body = c.post(page+"/press", url.Values{"data": {done}}); st != http.StatusOK || !strings.Contains(body, "已派单:") {
		t.Fatalf("完成: %d %s", st, body)
	}
	if d := w.departmentOf(r.id); d != "fangguan" || w.status(r.id) != model.StatusDispatched {
		t.Errorf("after 改派: department %q, status %s", d, w.status(r.id))
	}
	if n := w.queued("-1005", r.number); n != 1 {
		t.Errorf("%d cards in the 房管所 group's outbox, want 1", n)
	}
	// A button of another case cannot be pressed through this page.
	other := w.report("S01", "yuer", "sanitation", "另一个")
	if st, _ := c.post(page+"/press", url.Values{"data": {fmt.Sprintf("c:dispatch:%d", other.id)}}); st != http.StatusBadRequest {
		t.Errorf("another case's button through this page: %d, want 400", st)
	}
	if s := w.status(other.id); s != model.StatusSubmitted {
		t.Errorf("the other case is %s", s)
	}
}

// TestCaseScope: a department sees its own cases (and those copied to
// it), another department gets 404 for the page and the photo; a steward
// sees their own case read-only (no buttons, a press refused) and 404 for
// another's.
func TestCaseScope(t *testing.T) {
	w := newWorld(t, desk.Options{})
	r := w.report("S01", "maoer", "sanitation", "帽儿胡同垃圾")
	theirs := w.report("S02", "yuer", "sanitation", "雨儿胡同垃圾")
	page := "/desk/case/" + r.number

	fang := w.login("D02")
	if st, _ := fang.get(page); st != http.StatusNotFound {
		t.Errorf("another department's case: %d, want 404", st)
	}
	if st, _ := fang.get(fmt.Sprintf("/desk/photo/%d", r.photo)); st != http.StatusNotFound {
		t.Errorf("another department's photo: %d, want 404", st)
	}
	if st, _ := fang.get("/desk/case/2026-999999"); st != http.StatusNotFound {
		t.Errorf("a made-up case: %d, want 404", st)
	}
	// The department the report proposed sees the case once the center
	// dispatches it, not while it decides.
	huan := w.login("D01")
	if st, _ := huan.get(page); st != http.StatusNotFound {
		t.Errorf("a case not dispatched yet, for its proposed department: %d, want 404", st)
	}
	// Copied to 房管所: now it sees it.
	if _, err := w.st.DB().Exec(`INSERT INTO case_departments (case_id, department_id) SELECT $1, id FROM departments WHERE code = 'fangguan'`, r.id); err != nil {
		t.Fatal(err)
	}
	if st, _ := fang.get(page); st != http.StatusOK {
		t.Errorf("a case copied to the department: %d, want 200", st)
	}

	s := w.login("S01")
	st, body := s.get(page)
	if st != http.StatusOK || !strings.Contains(body, "只能查看自己上报的案件") {
		t.Fatalf("the steward's own case: %d", st)
	}
	if strings.Contains(body, "/press") || strings.Contains(body, "/say") {
		t.Error("the steward's page has forms to act")
	}
	if st, _ := s.post(page+"/press", url.Values{"data": {fmt.Sprintf("c:dispatch:%d", r.id)}}); st != http.StatusForbidden {
		t.Errorf("a steward's press: %d, want 403", st)
	}
	if w.status(r.id) != model.StatusSubmitted || w.events(r.id, model.EventDispatched) != 0 {
		t.Error("a steward's press changed the case")
	}
	if st, _ := s.get("/desk/case/" + theirs.number); st != http.StatusNotFound {
		t.Errorf("another steward's case: %d, want 404", st)
	}
	if st, _ := s.get(fmt.Sprintf("/desk/photo/%d", theirs.photo)); st != http.StatusNotFound {
		t.Errorf("another steward's photo: %d, want 404", st)
	}
}

// TestPressNeedsCSRF: a press without the session's token, or with a
// forged one, is refused (403) and changes nothing.
func TestPressNeedsCSRF(t *testing.T) {
	w := newWorld(t, desk.Options{})
	r := w.report("S01", "maoer", "sanitation", "帽儿胡同垃圾")
	c := w.login("C01")
	page := "/desk/case/" + r.number
	c.get(page)
	data := fmt.Sprintf("c:dispatch:%d", r.id)
	for name, csrf := range map[string]string{"missing": "", "forged": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"} {
		st, body := c.post(page+"/press", url.Values{"data": {data}, "csrf": {csrf}})
		if st != http.StatusForbidden || !strings.Contains(body, "表单已失效") {
			t.Errorf("%s CSRF: %d", name, st)
		}
	}
	if w.status(r.id) != model.StatusSubmitted || w.events(r.id, model.EventDispatched) != 0 || w.queued("-1002", r.number) != 0 {
		t.Error("a press without the CSRF token changed something")
	}
	// The answer form too.
	if st, _ := c.post(page+"/say", url.Values{"text": {"1"}, "csrf": {"x"}}); st != http.StatusForbidden {
		t.Errorf("say with a forged CSRF: %d", st)
	}
}

// TestCaseEscapes: HTML in a description is shown as text, on the case
// page and nowhere run.
func TestCaseEscapes(t *testing.T) {
	w := newWorld(t, desk.Options{})
	r := w.report("S01", "maoer", "sanitation", `<script>alert("x")</script><b>粗</b>`)
	c := w.login("C01")
	st, body := c.get("/desk/case/" + r.number)
	if st != http.StatusOK {
		t.Fatalf("%d", st)
	}
	if strings.Contains(body, `<script>alert`) || strings.Contains(body, "<b>粗</b>") {
		t.Error("the description's HTML is on the page as HTML")
	}
	if !strings.Contains(body, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;b&gt;粗&lt;/b&gt;") {
		t.Error("the description is not on the page, escaped")
	}
}

// TestCaseRatingsAndClock: a closed case's ratings (scores and when, no
// resident's id); a running clock past its time is red.
func TestCaseRatingsAndClock(t *testing.T) {
	w := newWorld(t, desk.Options{IdleTimeout: 30 * 24 * time.Hour, Lifetime: 30 * 24 * time.Hour})
	r := w.report("S01", "maoer", "sanitation", "帽儿胡同垃圾")
	c := w.login("C01")
	page := "/desk/case/" + r.number
	_, body := c.get(page)
	c.post(page+"/press", url.Values{"data": {buttons(body)["派单给交道口街道环卫所"]}})
	_, body = c.get(page)
	if strings.Contains(body, `id="clock" class="overdue"`) || !strings.Contains(body, "核实") {
		t.Errorf("a fresh dispatch's clock: %s", between(body, `id="clock"`, "</dd>"))
	}
	w.advance(5 * 24 * time.Hour)
	_, body = c.get(page)
	if !strings.Contains(body, `id="clock" class="overdue"`) {
		t.Errorf("an overdue clock is not red: %s", between(body, `id="clock"`, "</dd>"))
	}

	closed := w.report("S01", "yuer", "sanitation", "已办结")
	if _, err := w.st.DB().Exec(`UPDATE cases SET status = 'closed', closed_at = $2 WHERE id = $1`, closed.id, w.clock()); err != nil {
		t.Fatal(err)
	}
	if _, err := w.st.DB().Exec(`INSERT INTO case_ratings (case_id, closing, platform, user_id, score, at)
		SELECT id, closed_at, 'wechat', 'resident-openid-7', 4, closed_at + interval '1 hour' FROM cases WHERE id = $1`, closed.id); err != nil {
		t.Fatal(err)
	}
	_, body = c.get("/desk/case/" + closed.number)
	if !strings.Contains(body, "4 星") || strings.Contains(body, "resident-openid-7") {
		t.Errorf("ratings: %s", between(body, "居民评价", "</section>"))
	}
}

// TestDeskMap: the open cases the viewer may see, as links on an SVG map
// of the roster's alleys, red when overdue; not another department's, nor
// a closed one; with a tile URL, the tile map's script and its points,
// served by the desk.
func TestDeskMap(t *testing.T) {
	w := newWorld(t, desk.Options{IdleTimeout: 30 * 24 * time.Hour, Lifetime: 30 * 24 * time.Hour, TileURL: "http://127.0.0.1:1/{z}/{x}/{y}.png", TileAttrib: "test tiles"})
	r := w.report("S01", "maoer", "sanitation", "帽儿胡同垃圾")
	fac := w.report("S01", "yuer", "facilities", "路灯")
	closed := w.report("S01", "fuxiang", "sanitation", "已办结")
	if _, err := w.st.DB().Exec(`UPDATE cases SET status = 'closed', closed_at = now() WHERE id = $1`, closed.id); err != nil {
		t.Fatal(err)
	}
	c := w.login("C01")
	st, body := c.get("/desk/map")
	if st != http.StatusOK {
		t.Fatalf("map: %d", st)
	}
	link := func(n string) string { return `<a href="/desk/case/` + n + `">` }
	for _, want := range []string{link(r.number), link(fac.number), "菊儿胡同</text>", "前圆恩寺胡同</text>", "地图上有 2 件未办结的案件", "超期",
		`/desk/static/leaflet/leaflet.js`, `id="deskmap-data"`, `"number":"` + r.number + `"`, `"name":"菊儿胡同"`, "test tiles"} {
		if !strings.Contains(body, want) {
			t.Errorf("the coordinator's map has no %q", want)
		}
	}
	if strings.Contains(body, link(closed.number)) {
		t.Error("a closed case is on the map")
	}
	if strings.Contains(body, "pt st-submitted late") {
		t.Error("a case with no clock is overdue")
	}

	// Dispatched to 房管所 (a case the center has not dispatched is no
	// department's yet).
	if _, err := w.st.DB().Exec(`UPDATE cases SET status = 'dispatched', dispatched_at = now() WHERE id = $1`, fac.id); err != nil {
		t.Fatal(err)
	}
	fang := w.login("D02")
	_, body = fang.get("/desk/map")
	if strings.Contains(body, link(r.number)) || !strings.Contains(body, link(fac.number)) {
		t.Errorf("房管所's map: the 环卫所 case shown, or its own missing")
	}

	// Dispatched and overdue: red.
	_, page := c.get("/desk/case/" + r.number)
	c.post("/desk/case/"+r.number+"/press", url.Values{"data": {buttons(page)["派单给交道口街道环卫所"]}})
	w.advance(5 * 24 * time.Hour)
	_, body = c.get("/desk/map")
	if !strings.Contains(body, `pt st-dispatched late`) {
		t.Error("an overdue case is not red on the map")
	}

	resp, err := http.Get(w.srv.URL + "/desk/static/leaflet/leaflet.js")
	if err != nil {
		t.Fatal(err)
	}
	js, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Type"), "javascript") || !bytes.Contains(js, []byte("Leaflet")) {
		t.Errorf("leaflet.js: %d %s, %d bytes", resp.StatusCode, resp.Header.Get("Content-Type"), len(js))
	}
}

// TestMapWithoutTiles: no tile URL, no script at all on the map; more
// open cases than the map draws: the most urgent 2,000, and it says so.
func TestMapWithoutTiles(t *testing.T) {
	w := newWorld(t, desk.Options{})
	w.report("S01", "maoer", "sanitation", "帽儿胡同垃圾")
	c := w.login("C01")
	_, body := c.get("/desk/map")
	if strings.Contains(body, "<script") || !strings.Contains(body, `<svg class="deskmap"`) || strings.Contains(body, `id="map-cut"`) {
		t.Error("the map without tiles has a script, or no SVG, or says it is cut")
	}
	if _, err := w.st.DB().Exec(`INSERT INTO cases (number, alley_id, community_id, description, impact, status, source, created_at, verify_by)
		SELECT '2026-9' || lpad(g::text, 5, '0'), a.id, a.community_id, 'x', 'alley', 'dispatched', 'telegram', now(), now() + g * interval '1 minute'
		FROM alleys a, generate_series(1, 2000) g WHERE a.code = 'juer'`); err != nil {
		t.Fatal(err)
	}
	_, body = c.get("/desk/map")
	if n := strings.Count(body, `<a href="/desk/case/`); n != 2000 || !strings.Contains(body, `id="map-cut"`) {
		t.Errorf("2,001 open cases: %d drawn, cut said: %v", n, strings.Contains(body, `id="map-cut"`))
	}
	// The most urgent first: the one due soonest is drawn, the case with
	// no clock (the report) is the one left out.
	if !strings.Contains(body, `/desk/case/2026-900001"`) || strings.Contains(body, `/desk/case/2026-000001"`) {
		t.Error("the map did not keep the most urgent cases")
	}
}

// between is the part of s from after to before (for a failure's message).
func between(s, after, before string) string {
	_, rest, ok := strings.Cut(s, after)
	if !ok {
		return ""
	}
	part, _, _ := strings.Cut(rest, before)
	return part
}

// TestReturnWithReason: 退回 asks for a reason; the answer typed on the
// page goes to the bot as a chat message would, and the timeline keeps
// it. The English page carries the same.
func TestReturnWithReason(t *testing.T) {
	w := newWorld(t, desk.Options{})
	r := w.report("S01", "maoer", "sanitation", "帽儿胡同垃圾")
	c := w.login("C01")
	page := "/desk/case/" + r.number
	_, body := c.get(page)
	st, body := c.post(page+"/press", url.Values{"data": {buttons(body)["退回"]}})
	if st != http.StatusOK || !strings.Contains(body, `action="/desk/case/`+r.number+`/say"`) {
		t.Fatalf("退回: %d, no answer form", st)
	}
	st, body = c.post(page+"/say", url.Values{"text": {"照片看不清，请补拍"}})
	if st != http.StatusOK || w.status(r.id) != model.StatusReturned {
		t.Fatalf("the reason: %d, status %s", st, w.status(r.id))
	}
	if n := w.count(`SELECT count(*) FROM case_events WHERE case_id = $1 AND kind = 'returned' AND note = '照片看不清，请补拍'`, r.id); n != 1 {
		t.Errorf("%d returned events with the reason, want 1", n)
	}
	if !strings.Contains(body, "<td>照片看不清，请补拍</td>") {
		t.Error("the timeline on the page has no reason")
	}
	if st, _ := c.post(page+"/say", url.Values{"text": {""}}); st != http.StatusBadRequest {
		t.Errorf("an empty answer: %d, want 400", st)
	}
	_, body = c.get(page + "?lang=en")
	for _, want := range []string{"Timeline", "returned to the steward", "No ratings yet.", "Case " + r.number} {
		if !strings.Contains(body, want) {
			t.Errorf("the English page has no %q", want)
		}
	}
}

// TestNotOursOnTheDesk: the department's 非本部门职责 with its reason, typed
// on the page, hands the case back to the center; the case leaves the
// department's sight, and the page says so rather than a 404.
func TestNotOursOnTheDesk(t *testing.T) {
	w := newWorld(t, desk.Options{})
	r := w.report("S01", "maoer", "sanitation", "帽儿胡同垃圾")
	page := "/desk/case/" + r.number
	c := w.login("C01")
	_, body := c.get(page)
	c.post(page+"/press", url.Values{"data": {buttons(body)["派单给交道口街道环卫所"]}})

	d := w.login("D01")
	_, body = d.get(page)
	notours := buttons(body)["非本部门职责"]
	if notours == "" || buttons(body)["已核实"] == "" {
		t.Fatalf("the department's buttons: %v", buttons(body))
	}
	if st, body := d.post(page+"/press", url.Values{"data": {notours}}); st != http.StatusOK || !strings.Contains(body, "/say") {
		t.Fatalf("非本部门职责: %d, no answer form", st)
	}
	st, body := d.post(page+"/say", url.Values{"text": {"属于房管所"}})
	if st != http.StatusOK || !strings.Contains(body, "已不在您的范围内") {
		t.Errorf("after handing back: %d %s", st, between(body, "<main>", "</main>"))
	}
	if w.status(r.id) != model.StatusSubmitted || w.departmentOf(r.id) != "" || w.events(r.id, model.EventNotOurs) != 1 {
		t.Errorf("handed back: status %s, department %q", w.status(r.id), w.departmentOf(r.id))
	}
	if st, _ := d.get(page); st != http.StatusNotFound {
		t.Errorf("the handed-back case on the department's desk: %d, want 404", st)
	}
}
