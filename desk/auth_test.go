package desk_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/alleybot/alleybot/desk"
)

// TestLoginLinkRules: a /web link works once, for ten minutes, for the
// person it was sent to; a GET (a messenger's link preview) spends
// nothing; the cookie is HttpOnly and SameSite=Lax.
func TestLoginLinkRules(t *testing.T) {
	w := newWorld(t, desk.Options{})
	if said := w.chat("S01", "/web"); !strings.Contains(said, "/desk/login/") || !strings.Contains(said, "10 分钟") {
		t.Fatalf("a steward's /web said %q", said)
	}
	// Every role of the example roster: the staff and stewards get a
	// link; a trainer and a treasurer do not (the permission table).
	for code, gets := range map[string]bool{"C01": true, "D01": true, "V01": true, "A01": true, "S01": true, "T01": false, "F01": false} {
		said := w.chat(code, "/web")
		if got := strings.Contains(said, "/desk/login/"); got != gets {
			t.Errorf("%s's /web: a link %v, want %v (%q)", code, got, gets, said)
		}
	}

	link := strings.TrimPrefix(w.link("C01"), w.srv.URL)
	c := w.client()
	for range 2 {
		if st, _ := c.get(link); st != http.StatusOK {
			t.Fatalf("GET %s: %d", link, st)
		}
	}
	if n := w.count(`SELECT count(*) FROM desk_logins WHERE used_at IS NOT NULL`); n != 0 {
		t.Errorf("a GET spent the link (%d used)", n)
	}
	resp, err := c.c.PostForm(w.srv.URL+link, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/desk/queue" {
		t.Fatalf("login: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	var cookie *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == "desk_session" {
			cookie = ck
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Secure || cookie.Path != "/desk/" {
		t.Fatalf("session cookie %+v", cookie)
	}
	if n := w.count(`SELECT count(*) FROM desk_sessions s JOIN people p ON p.id = s.person_id WHERE p.code = 'C01' AND s.ended_at IS NULL`); n != 1 {
		t.Errorf("%d live sessions for C01, want 1", n)
	}
	if n := w.count(`SELECT count(*) FROM desk_sessions WHERE id_hash = $1`, cookie.Value); n != 0 {
		t.Errorf("the cookie's id is stored as it is, not hashed")
	}

	// Once: the same link again, from another browser.
	if st, body := w.client().post(link, nil); st != http.StatusGone || !strings.Contains(body, "已经用过") {
		t.Errorf("link reused: %d %s", st, body)
	}
	// Ten minutes.
	late := strings.TrimPrefix(w.link("C01"), w.srv.URL)
	w.advance(10*time.Minute + time.Second)
	if st, body := w.client().post(late, nil); st != http.StatusGone || !strings.Contains(body, "已过期") {
		t.Errorf("link after 10 min: %d %s", st, body)
	}
	// Made up.
	if st, body := w.client().post("/desk/login/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", nil); st != http.StatusNotFound || !strings.Contains(body, "无效") {
		t.Errorf("made-up link: %d %s", st, body)
	}
	// Bound to the person: the link C01 asked for signs in C01, whoever
	// opens it, and no one else's session is made.
	if n := w.count(`SELECT count(*) FROM desk_sessions s JOIN people p ON p.id = s.person_id WHERE p.code <> 'C01'`); n != 0 {
		t.Errorf("%d sessions of someone else", n)
	}
	// In a group, no link.
	if said := w.chat("C01", "/web"); !strings.Contains(said, "/desk/login/") {
		t.Errorf("private /web said %q", said)
	}
}

// TestSession: no cookie, a forged cookie, 退出, the idle timeout and a
// person deactivated in the roster all leave the desk closed.
func TestSession(t *testing.T) {
	w := newWorld(t, desk.Options{IdleTimeout: 30 * time.Minute, Lifetime: 2 * time.Hour})
	if st, body := w.client().get("/desk/queue"); st != http.StatusUnauthorized || !strings.Contains(body, "请重新登录") {
		t.Errorf("no session: %d %s", st, body)
	}
	forged := w.client()
	u, _ := url.Parse(w.srv.URL + "/desk/")
	forged.c.Jar.SetCookies(u, []*http.Cookie{{Name: "desk_session", Value: "forged", Path: "/desk/"}})
	if st, _ := forged.get("/desk/queue"); st != http.StatusUnauthorized {
		t.Errorf("forged cookie: %d", st)
	}

	c := w.login("C01")
	if st, _ := c.get("/desk/"); st != http.StatusSeeOther {
		t.Fatalf("signed in, /desk/: %d", st)
	}
	// Idle for longer than the timeout.
	w.advance(31 * time.Minute)
	if st, _ := c.get("/desk/"); st != http.StatusUnauthorized {
		t.Errorf("after 31 idle minutes: %d", st)
	}
	// Used every 20 minutes, it still ends at its lifetime.
	c = w.login("C01")
	for range 5 {
		w.advance(20 * time.Minute)
		if st, _ := c.get("/desk/"); st != http.StatusSeeOther {
			t.Fatalf("in use: %d", st)
		}
	}
	w.advance(20 * time.Minute) // 2 h since signing in
	if st, _ := c.get("/desk/"); st != http.StatusUnauthorized {
		t.Errorf("after the lifetime: %d", st)
	}

	// 退出 needs the CSRF token; then the session is over.
	c = w.login("C01")
	c.get("/desk/login") // a page without the token: the client keeps none
	c.csrf = ""
	if st, body := c.post("/desk/logout", nil); st != http.StatusForbidden || !strings.Contains(body, "表单已失效") {
		t.Errorf("logout without CSRF: %d %s", st, body)
	}
	if st, _ := c.post("/desk/logout", url.Values{"csrf": {"forged"}}); st != http.StatusForbidden {
		t.Errorf("logout with a forged CSRF token: %d", st)
	}
	var csrf string
	if err := w.st.DB().Get(&csrf, `SELECT csrf FROM desk_sessions WHERE ended_at IS NULL ORDER BY created_at DESC LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	if st, body := c.post("/desk/logout", url.Values{"csrf": {csrf}}); st != http.StatusOK || !strings.Contains(body, "已退出") {
		t.Errorf("logout: %d %s", st, body)
	}
	if st, _ := c.get("/desk/"); st != http.StatusUnauthorized {
		t.Errorf("after logout: %d", st)
	}

	// Deactivated in the roster: every session ends at once.
	c, c2 := w.login("D01"), w.login("D01")
	if _, err := w.st.DB().Exec(`UPDATE people SET active = false WHERE code = 'D01'`); err != nil {
		t.Fatal(err)
	}
	for _, cl := range []*client{c, c2} {
		if st, _ := cl.get("/desk/"); st != http.StatusUnauthorized {
			t.Errorf("deactivated person's session: %d", st)
		}
	}
	// A role taken away: the session ends and stays ended.
	c = w.login("V01")
	if _, err := w.st.DB().Exec(`DELETE FROM person_roles WHERE person_id = (SELECT id FROM people WHERE code = 'V01')`); err != nil {
		t.Fatal(err)
	}
	if st, _ := c.get("/desk/"); st != http.StatusUnauthorized {
		t.Errorf("person without a role: %d", st)
	}
	if n := w.count(`SELECT count(*) FROM desk_sessions s JOIN people p ON p.id = s.person_id WHERE p.code = 'V01' AND s.ended_at IS NULL`); n != 0 {
		t.Errorf("%d live sessions after the roles were taken away", n)
	}
}
