// Package public is the page residents read without logging in (seed 六,
// 七): the district's figures this month and last, each alley's recently
// closed cases, a case's own page, and the fund ledger. Server-rendered
// HTML, no script, one column for a phone; zh-CN, English by ?lang=en.
// Nothing personal is on it: the store's Public* queries read no
// resident, and a steward's name and the photos only when the options
// allow.
package public

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/store"
)

//go:embed templates/*.html templates/style.css
var files embed.FS

// Options are the config's public section and what the page is read in.
type Options struct {
	ShowPhotos       bool // public.show_photos: before/after photos of closed cases
	ShowStewardNames bool // public.show_steward_names
	RecentPerAlley   int  // public.recent_per_alley
	Location         *time.Location
	DefaultLang      i18n.Lang
	Now              func() time.Time // nil: time.Now
	Log              *slog.Logger
}

// recentDays bounds the closed cases listed.
const recentDays = 90

type handler struct {
	st    *store.Store
	o     Options
	pages map[string]*template.Template
	css   template.CSS
}

// Handler serves the page under /public/: mount it with
// mux.Handle("/public/", public.Handler(st, opts)).
func Handler(st *store.Store, o Options) http.Handler {
	if o.Location == nil {
		o.Location = time.Local
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.RecentPerAlley < 1 {
		o.RecentPerAlley = 5
	}
	css, err := files.ReadFile("templates/style.css")
	if err != nil {
		panic(err) // embedded: cannot happen
	}
	h := &handler{st: st, o: o, pages: map[string]*template.Template{}, css: template.CSS(css)}
	for name, extra := range map[string][]string{"index": {"templates/ledger.html"}, "case": nil, "notfound": nil} {
		patterns := append([]string{"templates/layout.html", "templates/" + name + ".html"}, extra...)
		h.pages[name] = template.Must(template.New("layout.html").Funcs(funcs).ParseFS(files, patterns...))
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /public/{$}", h.index)
	mux.HandleFunc("GET /public/case/{number}", h.casePage)
	if o.ShowPhotos {
		mux.HandleFunc("GET /public/photo/{id}", h.photo)
	}
	mux.HandleFunc("/public/", func(w http.ResponseWriter, r *http.Request) { h.notFound(w, r) })
	return mux
}

var funcs = template.FuncMap{
	"date": func(t time.Time) string { return t.Format("2006-01-02") },
}

// page is what every template gets: the language, its texts and links.
type page struct {
	Lang     i18n.Lang
	HTMLLang string
	CSS      template.CSS
	Query    string // "?lang=en" to keep English on the links, else ""
	Switch   string // the other language's URL of this page
	Now      time.Time
	Photos   bool
	Data     any
}

// T is the catalog's text in the page's language.
func (p page) T(key string, args ...any) string { return i18n.T(p.Lang, key, args...) }

func (h *handler) page(r *http.Request, data any) page {
	lang := h.o.DefaultLang
	if l := r.URL.Query().Get("lang"); l != "" {
		lang = i18n.Parse(l, lang)
	}
	p := page{Lang: lang, HTMLLang: "zh-CN", CSS: h.css, Now: h.o.Now().In(h.o.Location), Photos: h.o.ShowPhotos, Data: data}
	other := "en"
	if lang == i18n.EN {
		p.HTMLLang, p.Query, other = "en", "?lang=en", "zh"
	}
	p.Switch = r.URL.Path + "?lang=" + other
	return p
}

func (h *handler) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	var buf bytes.Buffer
	if err := h.pages[name].Execute(&buf, h.page(r, data)); err != nil {
		h.fail(w, r, err)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	hdr.Set("Cache-Control", "public, max-age=60")
	hdr.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'")
	hdr.Set("Referrer-Policy", "no-referrer")
	hdr.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func (h *handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	h.o.Log.Error("public page", "path", r.URL.Path, "err", err)
	http.Error(w, i18n.T(h.page(r, nil).Lang, "public.error"), http.StatusInternalServerError)
}

func (h *handler) notFound(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusNotFound, "notfound", nil)
}

// photo sends a before or after photo of a closed case (registered only
// when public.show_photos is on); 404 for any other.
func (h *handler) photo(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.notFound(w, r)
		return
	}
	data, mime, err := h.st.PublicPhoto(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		h.notFound(w, r)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", mime)
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(data)
}

// casePage is one case: its kind, alley, department, the dates of its
// steps and, closed, its photos.
func (h *handler) casePage(w http.ResponseWriter, r *http.Request) {
	c, err := h.st.PublicCaseByNumber(r.Context(), r.PathValue("number"), h.o.ShowStewardNames)
	if errors.Is(err, store.ErrNotFound) {
		h.notFound(w, r)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "case", h.caseView(c))
}

// index is the page: figures, closed cases by alley, the ledger.
func (h *handler) index(w http.ResponseWriter, r *http.Request) {
	// The ledger: last month's complete statement, or this month's so far.
	v, err := h.indexView(r.Context(), r.URL.Query().Get("ledger") == "current", h.page(r, nil).Query)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "index", v)
}

type indexView struct {
	Months []monthView // this month, then last
	Alleys []alleyView
	Ledger ledgerView
}

func (h *handler) indexView(ctx context.Context, ledgerNow bool, query string) (indexView, error) {
	var v indexView
	now := h.o.Now().In(h.o.Location)
	this := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, h.o.Location)
	last := this.AddDate(0, -1, 0)
	for _, m := range []struct {
		from, to time.Time
		current  bool
	}{{this, this.AddDate(0, 1, 0), true}, {last, this, false}} {
		f, err := h.st.PublicFiguresOf(ctx, m.from, m.to)
		if err != nil {
			return v, err
		}
		v.Months = append(v.Months, monthView{Month: m.from.Month(), Current: m.current, PublicFigures: f})
	}
	cases, err := h.st.PublicRecentClosed(ctx, now.AddDate(0, 0, -recentDays), h.o.RecentPerAlley, h.o.ShowStewardNames)
	if err != nil {
		return v, err
	}
	for _, c := range cases {
		if n := len(v.Alleys); n == 0 || v.Alleys[n-1].Code != c.AlleyCode {
			v.Alleys = append(v.Alleys, alleyView{Code: c.AlleyCode, Name: c.AlleyName})
		}
		a := &v.Alleys[len(v.Alleys)-1]
		a.Cases = append(a.Cases, h.caseView(c))
	}
	from, other := last, "?ledger=current"
	if query != "" {
		other += "&" + query[1:]
	}
	if ledgerNow {
		from, other = this, query
	}
	v.Ledger, err = ledgerSection(ctx, h.st, from, from.AddDate(0, 1, 0))
	v.Ledger.Current, v.Ledger.Other = ledgerNow, other
	return v, err
}
