package desk_test

import (
	"context"
	"database/sql"
	"os"
	"regexp"
	"strings"

	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// reported is a case a steward reported, as the report flow stores it: its
// number, its id, a photo with its bytes and one still being fetched.
type reported struct {
	id              int64
	number          string
	photo, fetching int64
	png             []byte
}

// report stores a case of category (sanitation: 环卫所) in alley, reported
// by the steward code with description, at the world's clock.
func (w *world) report(code, alley, category, description string) reported {
	w.t.Helper()
	ctx := context.Background()
	p, err := w.st.FindPerson(ctx, code)
	if err != nil {
		w.t.Fatal(err)
	}
	cat, err := w.st.CategoryByCode(ctx, category)
	if err != nil {
		w.t.Fatal(err)
	}
	png, err := os.ReadFile("../examples/pile.png")
	if err != nil {
		w.t.Fatal(err)
	}
	var r reported
	r.png = png
	r.photo = w.photo(model.PhotoBefore, png)
	r.fetching = w.photo(model.PhotoBefore, nil)
	alleyID := int64(w.count(`SELECT id FROM alleys WHERE code = $1`, alley))
	c, err := w.st.CreateCase(ctx, store.NewCase{AlleyID: alleyID, Description: description, Impact: "alley", ReporterID: p.ID,
		Source: "telegram", CategoryIDs: []int64{cat.ID}, DepartmentID: cat.DepartmentID, PhotoIDs: []int64{r.photo, r.fetching},
		At: w.clock()})
	if err != nil {
		w.t.Fatal(err)
	}
	r.id, r.number = c.ID, c.Number
	return r
}

// photo stores a photo sent on Telegram; nil data: not downloaded yet.
func (w *world) photo(kind model.PhotoKind, data []byte) int64 {
	w.t.Helper()
	ctx := context.Background()
	id, err := w.st.InsertPhoto(ctx, store.NewPhoto{Kind: kind, Platform: "telegram", FileRef: "file-" + string(kind)})
	if err != nil {
		w.t.Fatal(err)
	}
	if data != nil {
		if err := w.st.SetPhotoBytes(ctx, id, data, "image/png"); err != nil {
			w.t.Fatal(err)
		}
	}
	return id
}

// status is a case's status in the database.
func (w *world) status(id int64) model.Status {
	w.t.Helper()
	var s model.Status
	if err := w.st.DB().Get(&s, `SELECT status FROM cases WHERE id = $1`, id); err != nil {
		w.t.Fatal(err)
	}
	return s
}

// departmentOf is a case's lead department's code ("" none).
func (w *world) departmentOf(id int64) string {
	w.t.Helper()
	var code sql.NullString
	if err := w.st.DB().Get(&code, `SELECT d.code FROM cases c LEFT JOIN departments d ON d.id = c.department_id WHERE c.id = $1`, id); err != nil {
		w.t.Fatal(err)
	}
	return code.String
}

// events counts a case's timeline entries of kind.
func (w *world) events(id int64, kind model.EventKind) int {
	return w.count(`SELECT count(*) FROM case_events WHERE case_id = $1 AND kind = $2`, id, kind)
}

// queued counts the outbox's messages to a Telegram chat that mention text.
func (w *world) queued(chatID, text string) int {
	return w.count(`SELECT count(*) FROM outbox WHERE chat_id = $1 AND strpos(message->>'Text', $2) > 0`, chatID, text)
}

var pressRE = regexp.MustCompile(`<form method="post" action="(/desk/case/[^"]+/press)"[^>]*><input type="hidden" name="csrf" value="[^"]*"><input type="hidden" name="nonce" value="[^"]*"><input type="hidden" name="data" value="([^"]+)"><button type="submit"[^>]*>([^<]+)</button>`)

// buttons are a page's press forms: label → data (the action's path aside).
func buttons(body string) map[string]string {
	out := map[string]string{}
	for _, m := range pressRE.FindAllStringSubmatch(body, -1) {
		out[strings.TrimSpace(m[3])] = m[2]
	}
	return out
}
