package desk_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/desk"
	"github.com/alleybot/alleybot/flows"
	"github.com/alleybot/alleybot/flows/weblogin"
	"github.com/alleybot/alleybot/handlers"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/internal/testdb"
	"github.com/alleybot/alleybot/outbox"
	"github.com/alleybot/alleybot/roster"
	"github.com/alleybot/alleybot/store"
)

// world is the example district with the desk served over HTTP, the
// chat's router behind it (messages to messengers go to the outbox
// table, as in serve), and a clock the test moves.
type world struct {
	t      testing.TB
	st     *store.Store
	router *handlers.Router
	srv    *httptest.Server
	loc    *time.Location
	mu     sync.Mutex
	now    time.Time
	// updates numbers the chat's updates (their dedupe keys)
	updates atomic.Int64
}

// queueTo is the real outbox's enqueue: what the desk makes the bot say
// to the groups lands in the outbox table, where the test reads it.
type queueTo struct{}

func (queueTo) EnqueueSends(ctx context.Context, tx *store.Tx, msgs []bot.Message) error {
	return outbox.Enqueue(ctx, tx, msgs)
}

// telegramGroups binds the example roster's groups on Telegram, as
// /bindgroup would.
var telegramGroups = map[string]string{"exchange": "-1001", "dept-huanwei": "-1002", "center": "-1003",
	"res-nlgx": "-1004", "dept-fangguan": "-1005"}

func newWorld(t *testing.T, o desk.Options) *world { return newWorldTB(t, o) }

// newWorldTB is newWorld for a benchmark too.
func newWorldTB(t testing.TB, o desk.Options) *world {
	t.Helper()
	ctx := context.Background()
	st := testdb.Open(t, testdb.Fresh(t, true))
	if _, err := roster.Import(ctx, st, "../examples/roster.yaml"); err != nil {
		t.Fatal(err)
	}
	for code, ext := range telegramGroups {
		c, err := st.ChatByCode(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.BindChat(ctx, c.ID, string(bot.Telegram), ext); err != nil {
			t.Fatal(err)
		}
	}
	loc, _ := time.LoadLocation("Asia/Shanghai")
	w := &world{t: t, st: st, loc: loc, now: time.Date(2026, 12, 2, 10, 0, 0, 0, loc)}
	var h http.Handler
	w.srv = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { h.ServeHTTP(rw, r) }))
	t.Cleanup(w.srv.Close)
	engine := conversations.New(conversations.Deps{DefaultLang: i18n.ZH, Location: loc, Now: w.clock},
		flows.All(flows.Settings{Web: weblogin.Settings{BaseURL: w.srv.URL}})...)
	w.router = handlers.New(st, engine, slog.New(slog.NewTextHandler(io.Discard, nil)), i18n.ZH).WithOutbox(queueTo{})
	o.Router, o.Location, o.DefaultLang, o.Now = w.router, loc, i18n.ZH, w.clock
	h = desk.Handler(st, o)
	return w
}

func (w *world) clock() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.now
}

// advance moves the clock on.
func (w *world) advance(d time.Duration) {
	w.mu.Lock()
	w.now = w.now.Add(d)
	w.mu.Unlock()
}

// chat is what the bot answers a person (by roster code) who sends text
// in their private Telegram chat (bound on first use).
func (w *world) chat(code, text string) string {
	w.t.Helper()
	ctx := context.Background()
	p, err := w.st.FindPerson(ctx, code)
	if err != nil {
		w.t.Fatal(err)
	}
	tg := "tg-" + code
	if err := w.st.BindIdentity(ctx, string(bot.Telegram), tg, p.ID); err != nil {
		w.t.Fatal(err)
	}
	msgs, err := w.router.Handle(ctx, bot.Update{Platform: bot.Telegram, Key: fmt.Sprintf("k%d", w.updates.Add(1)),
		ChatID: tg, ChatKind: bot.Private, UserID: tg, Text: text, Time: w.clock()})
	if err != nil {
		w.t.Fatal(err)
	}
	var said []string
	for _, m := range msgs {
		said = append(said, m.Text)
	}
	// With an outbox, what goes to Telegram is queued: read it back.
	var queued []string
	if err := w.st.DB().Select(&queued, `SELECT message->>'Text' FROM outbox WHERE chat_id = $1 ORDER BY id`, tg); err != nil {
		w.t.Fatal(err)
	}
	return strings.Join(append(said, queued...), "\n")
}

var linkRE = regexp.MustCompile(`https?://\S+/desk/login/[A-Za-z0-9_-]+`)

// link asks for a login link with /web as the person and returns it.
func (w *world) link(code string) string {
	w.t.Helper()
	said := w.chat(code, "/web")
	links := linkRE.FindAllString(said, -1)
	if len(links) == 0 {
		w.t.Fatalf("/web as %s said %q: no link", code, said)
	}
	return links[len(links)-1]
}

// client is a browser: a cookie jar; a redirect is an answer of its own
// (the test follows it when it means to).
type client struct {
	w    *world
	c    *http.Client
	csrf string
}

func (w *world) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{w: w, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// login opens a fresh /web link as code and presses 登录.
func (w *world) login(code string) *client {
	w.t.Helper()
	c := w.client()
	link := w.link(code)
	if st, body := c.get(strings.TrimPrefix(link, w.srv.URL)); st != http.StatusOK || !strings.Contains(body, "登录") {
		w.t.Fatalf("GET login link: %d %s", st, body)
	}
	st, body := c.post(strings.TrimPrefix(link, w.srv.URL), nil)
	if st != http.StatusSeeOther {
		w.t.Fatalf("POST login link as %s: %d %s", code, st, body)
	}
	return c
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
var nonceRE = regexp.MustCompile(`name="nonce" value="([^"]+)"`)

// get fetches path; it remembers the page's CSRF token.
func (c *client) get(path string) (int, string) {
	c.w.t.Helper()
	resp, err := c.c.Get(c.w.srv.URL + path)
	if err != nil {
		c.w.t.Fatal(err)
	}
	return c.read(resp)
}

// post sends a form to path with the CSRF token of the last page (unless
// the form sets its own csrf) and a fresh nonce (unless it sets one).
func (c *client) post(path string, form url.Values) (int, string) {
	c.w.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf"]; !ok && c.csrf != "" {
		form.Set("csrf", c.csrf)
	}
	if _, ok := form["nonce"]; !ok {
		form.Set("nonce", "n"+strings.ReplaceAll(time.Now().Format("150405.000000000"), ".", ""))
	}
	resp, err := c.c.PostForm(c.w.srv.URL+path, form)
	if err != nil {
		c.w.t.Fatal(err)
	}
	return c.read(resp)
}

func (c *client) read(resp *http.Response) (int, string) {
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.w.t.Fatal(err)
	}
	if m := csrfRE.FindSubmatch(b); m != nil {
		c.csrf = string(m[1])
	}
	return resp.StatusCode, string(b)
}

// count is a number the database answers.
func (w *world) count(query string, args ...any) int {
	w.t.Helper()
	var n int
	if err := w.st.DB().Get(&n, query, args...); err != nil {
		w.t.Fatal(err)
	}
	return n
}
