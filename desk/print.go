package desk

import (
	"bytes"
	"net/http"

	"github.com/alleybot/alleybot/i18n"
)

// The printable work order (issue 25, 三(三)2): one A4 page of a case —
// its card, the photos (small), the timeline and the places for the
// signatures of 受理人, 承办部门负责人 and the steward's 复核 — for the
// paper file the committee and the department keep. No nav, no buttons;
// who may see the case's page may print it, anyone else gets 404.

func init() { page("GET /desk/case/{number}/print", (*handler).printPage) }

func (h *handler) printPage(w http.ResponseWriter, r *http.Request, v *viewer) {
	c, ok := h.viewedCase(w, r, v)
	if !ok {
		return
	}
	lang := h.langOf(r, v)
	data, err := h.caseData(r.Context(), lang, v, c)
	if err != nil {
		h.serverError(w, r, v, err)
		return
	}
	data.Buttons, data.ActionsNote = nil, ""
	p := view{V: v, Lang: lang, Title: i18n.T(lang, "deskprint.title", "number", c.Number), Data: data,
		Path: r.URL.Path, Location: h.o.Location, Now: h.o.Now()}
	var b bytes.Buffer
	if err := h.pages["print"].ExecuteTemplate(&b, "print", p); err != nil {
		h.serverError(w, r, v, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(b.Bytes())
}
