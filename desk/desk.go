// Package desk is the web desk of the acceptance center and the
// departments (issue 24) at /desk/: the queue with filters and exports,
// a case's page with its timeline, photos and map, and the actions of the
// case card's buttons. Server-rendered HTML (html/template, embedded), a
// few lines of script at most; zh-CN, English by the switch.
//
// Nobody has a password: /web in a private chat sends a link valid for ten
// minutes, once, for that person (flows/weblogin); opening it starts a
// session kept in PostgreSQL (auth.go). A press on the desk is an update
// like a press in a chat (platform web, press.go): the router checks the
// same permission table, the flows the same lifecycle, and the same people
// are told; what the bot answers is shown on the page.
package desk

import (
	"bytes"
	"context"
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
	"github.com/alleybot/alleybot/worktime"
)

// The partials (_*.html) are named apart: a directory pattern leaves out
// files whose names begin with "_".
//
//go:embed templates templates/_*.html
var files embed.FS

// Presser handles an update as the chat's router does (*handlers.Router).
type Presser interface {
	Handle(ctx context.Context, u bot.Update) ([]bot.Message, error)
	// CaseButtons are a case's card buttons that roles may press (by the
	// chat's permission table), with a pending extension request's 批准
	// and 拒绝 (extension ≠ 0).
	CaseButtons(lang i18n.Lang, roles []store.PersonRole, cv store.CaseView, extension int64) []bot.Button
	// CaseClock is a case's running clock in words ("" none runs).
	CaseClock(lang i18n.Lang, cv store.CaseView) string
}

// Options are the config's desk section and what the desk works with.
type Options struct {
	Router      Presser
	PublicURL   string        // http.public_url: https makes the cookie Secure
	IdleTimeout time.Duration // desk.idle_timeout
	Lifetime    time.Duration // desk.lifetime
	TileURL     string        // desk.tile_url ("" : the alleys drawn alone)
	TileAttrib  string        // desk.tile_attribution
	Location    *time.Location
	Calendar    *worktime.Calendar // the case clocks' working time
	DefaultLang i18n.Lang
	Now         func() time.Time // nil: time.Now
	Log         *slog.Logger
}

// route is one page: a pattern of http.ServeMux and its handler, for a
// signed-in viewer unless open.
type route struct {
	pattern string
	open    func(h *handler, w http.ResponseWriter, r *http.Request)
	signed  func(h *handler, w http.ResponseWriter, r *http.Request, v *viewer)
}

// routes are every page of the desk; each file adds its own (page).
var routes []route

// page adds a page for signed-in viewers.
func page(pattern string, fn func(h *handler, w http.ResponseWriter, r *http.Request, v *viewer)) {
	routes = append(routes, route{pattern: pattern, signed: fn})
}

type handler struct {
	st    *store.Store
	o     Options
	pages map[string]*template.Template
}

// Handler serves the desk under /desk/: mount it with
// mux.Handle("/desk/", desk.Handler(st, opts)).
func Handler(st *store.Store, o Options) http.Handler {
	if o.Location == nil {
		o.Location = time.Local
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Calendar == nil {
		o.Calendar = worktime.Default(o.Location)
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = 2 * time.Hour
	}
	if o.Lifetime <= 0 {
		o.Lifetime = 12 * time.Hour
	}
	h := &handler{st: st, o: o, pages: parsePages()}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /desk/login/{token}", h.loginPage)
	mux.HandleFunc("POST /desk/login/{token}", h.login)
	mux.HandleFunc("GET /desk/login", h.signedOut)
	mux.HandleFunc("GET /desk/static/", h.static)
	for _, rt := range routes {
		if rt.open != nil {
			mux.HandleFunc(rt.pattern, func(w http.ResponseWriter, r *http.Request) { rt.open(h, w, r) })
			continue
		}
		mux.HandleFunc(rt.pattern, h.signedIn(rt.signed))
	}
	mux.HandleFunc("POST /desk/logout", h.signedIn((*handler).logout))
	mux.HandleFunc("GET /desk/{$}", h.signedIn(func(h *handler, w http.ResponseWriter, r *http.Request, v *viewer) {
		http.Redirect(w, r, "/desk/queue", http.StatusSeeOther)
	}))
	mux.HandleFunc("/desk/", h.signedIn(func(h *handler, w http.ResponseWriter, r *http.Request, v *viewer) {
		h.notFound(w, r, v)
	}))
	return securityHeaders(mux)
}

// parsePages parses each page (templates/*.html but the layout and the
// partials, _*.html) with the layout and every partial.
func parsePages() map[string]*template.Template {
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		panic(err) // embedded: cannot happen
	}
	var partials []string
	for _, n := range names {
		if strings.HasPrefix(path.Base(n), "_") {
			partials = append(partials, n)
		}
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		base := path.Base(n)
		if base == "layout.html" || strings.HasPrefix(base, "_") {
			continue
		}
		patterns := append([]string{"templates/layout.html", n}, partials...)
		pages[strings.TrimSuffix(base, ".html")] = template.Must(template.New("layout.html").Funcs(funcs).ParseFS(files, patterns...))
	}
	return pages
}

// securityHeaders are every answer's: no framing, no sniffing, no
// referrer (a login link must not leak), scripts only from the desk.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// view is what the layout reads; Data is the page's own.
type view struct {
	V        *viewer
	Lang     i18n.Lang
	Title    string
	Nav      string // the nav item to highlight
	LangURL  string // this page in the other language
	Flash    []string
	Problem  string // a refusal shown above the page
	Data     any
	TileURL  string
	Attrib   string
	Path     string
	Now      time.Time
	Location *time.Location
}

// T translates in the page's language.
func (p view) T(key string, args ...any) string { return i18n.T(p.Lang, key, args...) }

// render writes page name with the layout.
func (h *handler) render(w http.ResponseWriter, r *http.Request, v *viewer, status int, name string, p view) {
	t, ok := h.pages[name]
	if !ok {
		panic("desk: no page " + name)
	}
	p.V, p.Path, p.Location, p.Now = v, r.URL.Path, h.o.Location, h.o.Now()
	p.TileURL, p.Attrib = h.o.TileURL, h.o.TileAttrib
	p.Lang = h.langOf(r, v)
	p.LangURL = otherLang(r.URL, p.Lang)
	var b bytes.Buffer
	if err := t.Execute(&b, p); err != nil {
		h.o.Log.Error("desk page", "page", name, "err", err)
		http.Error(w, i18n.T(p.Lang, "desk.error"), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

// message is a page that only says something (a refusal, an expired link).
func (h *handler) message(w http.ResponseWriter, r *http.Request, v *viewer, status int, key string) {
	lang := h.langOf(r, v)
	h.render(w, r, v, status, "message", view{Title: i18n.T(lang, "desk.title"), Data: i18n.T(lang, key)})
}

// notFound is every case or page the viewer may not see: 404, never 403,
// so case ids cannot be probed.
func (h *handler) notFound(w http.ResponseWriter, r *http.Request, v *viewer) {
	h.message(w, r, v, http.StatusNotFound, "desk.not_found")
}

// serverError logs err and says nothing was changed.
func (h *handler) serverError(w http.ResponseWriter, r *http.Request, v *viewer, err error) {
	h.o.Log.Error("desk", "path", r.URL.Path, "err", err)
	h.message(w, r, v, http.StatusInternalServerError, "desk.error")
}

// langOf is the page's language: ?lang= when given, else the lang cookie,
// else the person's own, else the default.
func (h *handler) langOf(r *http.Request, v *viewer) i18n.Lang {
	if l := r.URL.Query().Get("lang"); l == "en" || l == "zh" {
		return i18n.Parse(l, h.o.DefaultLang)
	}
	if c, err := r.Cookie("desk_lang"); err == nil && (c.Value == "en" || c.Value == "zh") {
		return i18n.Parse(c.Value, h.o.DefaultLang)
	}
	if v != nil && v.Session.Lang != "" {
		return i18n.Parse(v.Session.Lang, h.o.DefaultLang)
	}
	return h.o.DefaultLang
}

// otherLang is u with ?lang= switched to the other language.
func otherLang(u *url.URL, lang i18n.Lang) string {
	q := u.Query()
	if lang == i18n.EN {
		q.Set("lang", "zh")
	} else {
		q.Set("lang", "en")
	}
	return u.Path + "?" + q.Encode()
}

// static serves the desk's stylesheet (and any script or map library it
// ships) from the binary, never from a CDN.
func (h *handler) static(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/desk/static/")
	b, err := files.ReadFile("templates/static/" + name)
	if err != nil || strings.Contains(name, "..") {
		http.NotFound(w, r)
		return
	}
	switch path.Ext(name) {
	case ".css":
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
	case ".js":
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	case ".png":
		w.Header().Set("Content-Type", "image/png")
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(b)
}

var funcs = template.FuncMap{
	"nonce":      nonce,
	"statusName": func(lang i18n.Lang, s model.Status) string { return i18n.T(lang, "status."+string(s)) },
	"when": func(loc *time.Location, t time.Time) string {
		if t.IsZero() {
			return "–"
		}
		return t.In(loc).Format("2006-01-02 15:04")
	},
}
