package desk

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/flows/cases"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// A case's page: everything the chat's card says, the whole timeline, the
// photos (served from the store), the place on a small map, the ratings,
// the running clock and the buttons the viewer may press. A press or an
// answer goes through the router as the viewer (press.go), and the page is
// drawn again with what the bot said.

func init() {
	page("GET /desk/case/{number}", (*handler).casePage)
	page("POST /desk/case/{number}/press", (*handler).casePress)
	page("POST /desk/case/{number}/say", (*handler).caseSay)
	page("GET /desk/photo/{id}", (*handler).photo)
}

// caseView is the case page's Data.
type caseView struct {
	Case        store.CaseView
	Categories  string
	Community   string
	Department  string
	Copies      string
	Impact      string
	Reporter    string
	Clock       string
	Overdue     bool
	Events      []eventRow
	Photos      []store.DeskPhoto
	Ratings     []store.DeskRating
	Map         *svgMap
	Buttons     []bot.Button
	ReadOnly    bool
	Said        []saidRow // the bot's answer to a press, with its options
	Asked       bool      // the bot asked a question: the answer form
	ActionsNote string    // why there are no buttons
}

// eventRow is one step of the timeline.
type eventRow struct {
	At    time.Time
	Actor string
	What  string
	Note  string
}

// saidRow is one message the bot said to the viewer, with its buttons.
type saidRow struct {
	Text    string
	Buttons []bot.Button
}

// viewedCase is the case of the URL if the viewer may see it; a missing
// or hidden case has been answered 404 when ok is false.
func (h *handler) viewedCase(w http.ResponseWriter, r *http.Request, v *viewer) (store.CaseView, bool) {
	all, depts, reporter := v.Scope()
	c, err := h.st.DeskCase(r.Context(), r.PathValue("number"), all, depts, reporter)
	if errors.Is(err, store.ErrNotFound) {
		h.notFound(w, r, v)
		return c, false
	}
	if err != nil {
		h.serverError(w, r, v, err)
		return c, false
	}
	return c, true
}

func (h *handler) casePage(w http.ResponseWriter, r *http.Request, v *viewer) {
	c, ok := h.viewedCase(w, r, v)
	if !ok {
		return
	}
	h.showCase(w, r, v, c, http.StatusOK, nil, "")
}

// showCase draws the case page with what the bot said (said) or a problem.
func (h *handler) showCase(w http.ResponseWriter, r *http.Request, v *viewer, c store.CaseView, status int, said []bot.Message, problem string) {
	lang := h.langOf(r, v)
	data, err := h.caseData(r.Context(), lang, v, c)
	if err != nil {
		h.serverError(w, r, v, err)
		return
	}
	var flash []string
	for _, m := range said {
		if m.Text != "" {
			flash = append(flash, m.Text)
		}
		if m.Prompt != nil {
			data.Asked = true
		}
		if len(m.Buttons) > 0 {
			row := saidRow{Text: m.Text}
			for _, line := range m.Buttons {
				row.Buttons = append(row.Buttons, line...)
			}
			data.Said = append(data.Said, row)
		}
	}
	if v.Steward {
		data.Asked, data.Said = false, nil
	}
	h.render(w, r, v, status, "case", view{Title: i18n.T(lang, "deskcase.title", "number", c.Number), Nav: "queue",
		Flash: flash, Problem: problem, Data: data})
}

// caseData reads what the page shows of case c.
func (h *handler) caseData(ctx context.Context, lang i18n.Lang, v *viewer, c store.CaseView) (*caseView, error) {
	d := &caseView{Case: c, Community: c.CommunityName, Department: c.DepartmentName, ReadOnly: v.Steward,
		Impact: i18n.T(lang, "impact."+c.Impact), Reporter: cases.ReporterName(lang, c)}
	cats := c.Categories
	if lang == i18n.EN {
		d.Community, d.Department = c.CommunityNameEn, c.DepartmentNameEn
		if len(c.CategoriesEn) > 0 {
			cats = c.CategoriesEn
		}
	}
	sep := i18n.T(lang, "list.sep")
	d.Categories = strings.Join(cats, sep)
	copies, err := h.st.DeskCopies(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	d.Copies = strings.Join(copies, sep)
	events, err := h.st.CaseEvents(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	for _, e := range events {
		d.Events = append(d.Events, eventRow{At: e.At, Actor: cases.ActorName(lang, e), What: eventName(lang, e.Kind), Note: e.Note})
	}
	if d.Photos, err = h.st.DeskCasePhotos(ctx, c.ID); err != nil {
		return nil, err
	}
	if d.Ratings, err = h.st.DeskRatings(ctx, c.ID); err != nil {
		return nil, err
	}
	if d.Map, err = h.caseMap(ctx, c); err != nil {
		return nil, err
	}
	if _, due, ok := c.RunningClock(); ok {
		d.Overdue = h.o.Now().After(due)
	}
	if h.o.Router == nil {
		d.ActionsNote = i18n.T(lang, "deskcase.no_router")
		return d, nil
	}
	d.Clock = h.o.Router.CaseClock(lang, c)
	if v.Steward {
		return d, nil
	}
	ext, err := h.st.DeskPendingExtension(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	d.Buttons = h.o.Router.CaseButtons(lang, v.Roles, c, ext)
	if len(d.Buttons) == 0 {
		d.ActionsNote = i18n.T(lang, "deskcase.actions.none")
	}
	return d, nil
}

// casePress is a button of the page (a card's button, or an option the
// bot offered) pressed: its data goes through the router as the viewer.
func (h *handler) casePress(w http.ResponseWriter, r *http.Request, v *viewer) {
	c, ok := h.viewedCase(w, r, v)
	if !ok {
		return
	}
	lang := h.langOf(r, v)
	if v.Steward {
		h.showCase(w, r, v, c, http.StatusForbidden, nil, i18n.T(lang, "deskcase.read_only"))
		return
	}
	data := r.PostFormValue("data")
	ok, err := h.pressable(r.Context(), c, data)
	if err != nil {
		h.serverError(w, r, v, err)
		return
	}
	if !ok {
		h.showCase(w, r, v, c, http.StatusBadRequest, nil, i18n.T(lang, "deskcase.bad_form"))
		return
	}
	said, dup, err := h.press(r.Context(), r, v, data)
	h.afterAction(w, r, v, c, said, dup, err)
}

// pressable: a form of this case's page may press this case's buttons (an
// extension request's of this case for 批准 / 拒绝) and the options of a
// question the bot asked ("step|value"), nothing else.
func (h *handler) pressable(ctx context.Context, c store.CaseView, data string) (bool, error) {
	if a, ok := cases.ParseCaseAction(data); ok {
		if a.Action == model.ActApprove || a.Action == model.ActRefuse {
			return h.st.ExtensionOfCase(ctx, a.ID, c.ID)
		}
		return a.ID == c.ID, nil
	}
	return data != "" && !strings.HasPrefix(data, "/") && strings.Contains(data, "|") && len(data) <= 64, nil
}

// caseSay is the answer typed to the bot's question.
func (h *handler) caseSay(w http.ResponseWriter, r *http.Request, v *viewer) {
	c, ok := h.viewedCase(w, r, v)
	if !ok {
		return
	}
	lang := h.langOf(r, v)
	if v.Steward {
		h.showCase(w, r, v, c, http.StatusForbidden, nil, i18n.T(lang, "deskcase.read_only"))
		return
	}
	text := strings.TrimSpace(r.PostFormValue("text"))
	if text == "" || len(text) > 4000 {
		h.showCase(w, r, v, c, http.StatusBadRequest, nil, i18n.T(lang, "deskcase.bad_form"))
		return
	}
	said, dup, err := h.say(r.Context(), r, v, text)
	h.afterAction(w, r, v, c, said, dup, err)
}

// afterAction draws the page again, the case read anew, with what the bot
// said; a form handled before says so and changed nothing.
func (h *handler) afterAction(w http.ResponseWriter, r *http.Request, v *viewer, c store.CaseView, said []bot.Message, dup bool, err error) {
	if err != nil {
		h.serverError(w, r, v, err)
		return
	}
	all, depts, reporter := v.Scope()
	fresh, err := h.st.DeskCase(r.Context(), c.Number, all, depts, reporter)
	if errors.Is(err, store.ErrNotFound) {
		// The press moved the case out of the viewer's sight (非本部门职责).
		h.render(w, r, v, http.StatusOK, "message", view{Title: i18n.T(h.langOf(r, v), "desk.title"), Flash: texts(said),
			Data: i18n.T(h.langOf(r, v), "deskcase.gone", "number", c.Number)})
		return
	}
	if err != nil {
		h.serverError(w, r, v, err)
		return
	}
	if dup {
		h.showCase(w, r, v, fresh, http.StatusOK, nil, dupNote(h.langOf(r, v)))
		return
	}
	h.showCase(w, r, v, fresh, http.StatusOK, said, "")
}

func texts(ms []bot.Message) []string {
	var out []string
	for _, m := range ms {
		if m.Text != "" {
			out = append(out, m.Text)
		}
	}
	return out
}

// photo sends a photo's stored bytes, if the viewer may see its case.
func (h *handler) photo(w http.ResponseWriter, r *http.Request, v *viewer) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.notFound(w, r, v)
		return
	}
	all, depts, reporter := v.Scope()
	b, mime, err := h.st.DeskPhotoBytes(r.Context(), id, all, depts, reporter)
	if errors.Is(err, store.ErrNotFound) {
		h.notFound(w, r, v)
		return
	}
	if err != nil {
		h.serverError(w, r, v, err)
		return
	}
	if !strings.HasPrefix(mime, "image/") {
		mime = "application/octet-stream"
	}
	w.Header().Set("Content-Type", mime)
	w.Header().Set("Cache-Control", "private, max-age=3600")
	_, _ = w.Write(b)
}

func eventName(lang i18n.Lang, k model.EventKind) string {
	if key := "event." + string(k); i18n.Has(key) {
		return i18n.T(lang, key)
	}
	return string(k)
}
