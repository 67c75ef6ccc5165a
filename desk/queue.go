package desk

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

func init() {
	page("GET /desk/queue", (*handler).queue)
	page("GET /desk/export.csv", (*handler).exportCSV)
	page("GET /desk/export.xlsx", (*handler).exportXLSX)
}

// exportMax bounds an export (the filtered list, by pages of the queue).
const exportMax = ExportMax

// queueStatuses are the statuses a filter offers, in the lifecycle's order.
var queueStatuses = []model.Status{model.StatusSubmitted, model.StatusReturned, model.StatusDispatched, model.StatusVerified,
	model.StatusFixed, model.StatusClosed, model.StatusMerged}

// option is one choice of a filter's select.
type option struct {
	Value, Label string
	Selected     bool
}

// queueRow is a case as the list shows it.
type queueRow struct {
	store.DeskRow
	Categories, Place, Department, StatusName, Clock string
	Over, Soon                                       bool
}

type statusCount struct {
	Name, URL string
	N         int
	On        bool
}

type queueData struct {
	Q                                                      url.Values
	Rows                                                   []queueRow
	Counts                                                 []statusCount
	Total                                                  int
	Next, First, CSV, XLSX                                 string
	Statuses, Communities, Alleys, Departments, Categories []option
	Overdue, Desc, All                                     bool
	From, To, Sort                                         string
}

// query reads the filters of a queue URL into the store's query, scoped
// to the viewer; a value that does not parse is named in problem.
func (h *handler) query(q url.Values, v *viewer) (f store.DeskQuery, problem string) {
	f.All, f.Departments, f.Reporter = v.Scope()
	f.Now = h.o.Now()
	var bad []string
	id := func(key string) int64 {
		s := q.Get(key)
		if s == "" {
			return 0
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			bad = append(bad, key)
			return 0
		}
		return n
	}
	f.CommunityID, f.AlleyID, f.DepartmentID, f.CategoryID = id("community"), id("alley"), id("department"), id("category")
	if s := q.Get("status"); s != "" {
		st := model.Status(s)
		if !validStatus(st) {
			bad = append(bad, "status")
		} else {
			f.Statuses = []model.Status{st}
		}
	}
	f.Open = q.Get("view") != "all" && len(f.Statuses) == 0
	f.Overdue = q.Get("overdue") == "1"
	day := func(key string) time.Time {
		s := q.Get(key)
		if s == "" {
			return time.Time{}
		}
		t, err := time.ParseInLocation("2006-01-02", s, h.o.Location)
		if err != nil {
			bad = append(bad, key)
		}
		return t
	}
	f.From, f.To = day("from"), day("to")
	if !f.To.IsZero() {
		f.To = f.To.AddDate(0, 0, 1) // the last day whole
	}
	switch s := q.Get("sort"); s {
	case "", store.DeskSortDue:
		f.Sort = store.DeskSortDue
	case store.DeskSortCreated, store.DeskSortNumber:
		f.Sort = s
	default:
		bad = append(bad, "sort")
	}
	f.Desc = q.Get("desc") == "1"
	f.After = q.Get("after")
	if n, err := strconv.Atoi(q.Get("n")); err == nil {
		f.Limit = n
	}
	if len(bad) > 0 {
		problem = strings.Join(bad, ", ")
	}
	return f, problem
}

func validStatus(s model.Status) bool {
	for _, x := range queueStatuses {
		if x == s {
			return true
		}
	}
	return false
}

// queue is the list of cases the viewer may act on, filtered, sorted and
// paged, with the counts per status on top.
func (h *handler) queue(w http.ResponseWriter, r *http.Request, v *viewer) {
	ctx := r.Context()
	lang := h.langOf(r, v)
	q := r.URL.Query()
	f, problem := h.query(q, v)
	p := view{Title: i18n.T(lang, "desk.nav.queue"), Nav: "queue"}
	if problem != "" {
		p.Problem = i18n.T(lang, "desk.queue.bad_filter", "fields", problem)
	}
	rows, next, err := h.st.DeskCases(ctx, f)
	if err != nil {
		if f.After != "" { // a cursor someone edited: start again
			p.Problem = i18n.T(lang, "desk.queue.bad_cursor")
			f.After = ""
			rows, next, err = h.st.DeskCases(ctx, f)
		}
		if err != nil {
			h.serverError(w, r, v, err)
			return
		}
	}
	counts, err := h.st.DeskCounts(ctx, f)
	if err != nil {
		h.serverError(w, r, v, err)
		return
	}
	d := queueData{Q: q, Overdue: f.Overdue, Desc: f.Desc, All: q.Get("view") == "all", From: q.Get("from"), To: q.Get("to"), Sort: f.Sort}
	for _, row := range rows {
		d.Rows = append(d.Rows, h.row(lang, row))
	}
	for _, s := range queueStatuses {
		n := counts[s]
		d.Total += n
		d.Counts = append(d.Counts, statusCount{Name: i18n.T(lang, "status."+string(s)), N: n, URL: withQuery(q, "status", string(s)),
			On: len(f.Statuses) == 1 && f.Statuses[0] == s})
	}
	if next != "" {
		d.Next = withQuery(q, "after", next)
	}
	if f.After != "" {
		d.First = withQuery(q, "after", "")
	}
	exp := url.Values{}
	for k, vs := range q {
		if k != "after" && k != "lang" {
			exp[k] = vs
		}
	}
	d.CSV, d.XLSX = "/desk/export.csv?"+exp.Encode(), "/desk/export.xlsx?"+exp.Encode()
	if err := h.filterOptions(r, lang, f, &d); err != nil {
		h.serverError(w, r, v, err)
		return
	}
	p.Data = d
	h.render(w, r, v, http.StatusOK, "queue", p)
}

// filterOptions fills the filters' choices from the roster.
func (h *handler) filterOptions(r *http.Request, lang i18n.Lang, f store.DeskQuery, d *queueData) error {
	ctx := r.Context()
	en := lang == i18n.EN
	pick := func(zh, e string) string {
		if en && e != "" {
			return e
		}
		return zh
	}
	for _, s := range queueStatuses {
		d.Statuses = append(d.Statuses, option{Value: string(s), Label: i18n.T(lang, "status."+string(s)),
			Selected: len(f.Statuses) == 1 && f.Statuses[0] == s})
	}
	cs, err := h.st.Communities(ctx)
	if err != nil {
		return err
	}
	for _, c := range cs {
		d.Communities = append(d.Communities, option{Value: id(c.ID), Label: pick(c.Name, c.NameEn), Selected: c.ID == f.CommunityID})
	}
	as, err := h.st.AllAlleys(ctx)
	if err != nil {
		return err
	}
	for _, a := range as {
		d.Alleys = append(d.Alleys, option{Value: id(a.ID), Label: a.Name, Selected: a.ID == f.AlleyID})
	}
	ds, err := h.st.Departments(ctx)
	if err != nil {
		return err
	}
	for _, x := range ds {
		d.Departments = append(d.Departments, option{Value: id(x.ID), Label: pick(x.Name, x.NameEn), Selected: x.ID == f.DepartmentID})
	}
	gs, err := h.st.Categories(ctx)
	if err != nil {
		return err
	}
	for _, g := range gs {
		d.Categories = append(d.Categories, option{Value: id(g.ID), Label: pick(g.Name, g.NameEn), Selected: g.ID == f.CategoryID})
	}
	return nil
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

// row is a case with the names in lang and its running clock.
func (h *handler) row(lang i18n.Lang, r store.DeskRow) queueRow {
	en := lang == i18n.EN
	out := queueRow{DeskRow: r, StatusName: i18n.T(lang, "status."+string(r.Status))}
	cats := r.Categories
	if en && len(r.CategoriesEn) > 0 {
		cats = r.CategoriesEn
	}
	out.Categories = strings.Join(cats, i18n.T(lang, "list.sep"))
	community := r.CommunityName
	out.Department = r.DepartmentName
	if en {
		community, out.Department = r.CommunityNameEn, r.DepartmentNameEn
	}
	out.Place = strings.Trim(community+" "+r.AlleyName, " ")
	if r.Address != "" {
		out.Place += " · " + r.Address
	}
	out.Clock, out.Over, out.Soon = h.clock(lang, r.Status, r)
	return out
}

// clock is the running clock as the chat says it (working time left, or
// how far over), and whether it is over or within two hours.
func (h *handler) clock(lang i18n.Lang, status model.Status, r store.DeskRow) (string, bool, bool) {
	if status == model.StatusFixed {
		return i18n.T(lang, "clock.recheck"), false, false
	}
	clock, due, ok := r.RunningClock()
	if !ok {
		return "", false, false
	}
	now, cal := h.o.Now(), h.o.Calendar
	at := due.In(h.o.Location).Format("01-02 15:04")
	if now.Before(due) {
		left := cal.Between(now, due)
		return i18n.T(lang, "clock."+string(clock), "at", at, "left", i18n.WorkingTime(lang, left, cal.DayLength())), false, left < 2*time.Hour
	}
	return i18n.T(lang, "clock."+string(clock)+".over", "at", at, "over", i18n.WorkingTime(lang, cal.Between(due, now), cal.DayLength())), true, false
}

// withQuery is the queue's URL with key set to value ("" drops it).
func withQuery(q url.Values, key, value string) string {
	c := url.Values{}
	for k, vs := range q {
		c[k] = vs
	}
	if key == "status" {
		c.Del("after")
	}
	if value == "" {
		c.Del(key)
	} else {
		c.Set(key, value)
	}
	return "/desk/queue?" + c.Encode()
}

// exportCSV and exportXLSX are the filtered list as a 12345 work-order
// export (desk/export.go), at most exportMax rows.
func (h *handler) exportCSV(w http.ResponseWriter, r *http.Request, v *viewer) {
	h.export(w, r, v, "csv")
}

func (h *handler) exportXLSX(w http.ResponseWriter, r *http.Request, v *viewer) {
	h.export(w, r, v, "xlsx")
}

func (h *handler) export(w http.ResponseWriter, r *http.Request, v *viewer, format string) {
	lang := h.langOf(r, v)
	f, problem := h.query(r.URL.Query(), v)
	if problem != "" {
		h.render(w, r, v, http.StatusBadRequest, "message", view{Title: i18n.T(lang, "desk.title"),
			Data: i18n.T(lang, "desk.queue.bad_filter", "fields", problem)})
		return
	}
	f.After = ""
	rows, err := ExportRows(r.Context(), h.st, f, exportMax)
	if err != nil {
		h.serverError(w, r, v, err)
		return
	}
	now := h.o.Now()
	name := fmt.Sprintf("%s-%s.%s", i18n.T(lang, "desk.export.file"), now.In(h.o.Location).Format("2006-01-02-1504"), format)
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		err = WriteCSV(w, lang, h.o.Location, now, rows)
	} else {
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		err = WriteXLSX(w, lang, h.o.Location, now, rows)
	}
	if err != nil {
		h.o.Log.Error("desk export", "format", format, "err", err)
	}
}
