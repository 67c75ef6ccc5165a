package conversations

import (
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/store"
)

// MaxPhotos is the most photos one report carries (a Telegram album's limit too).
const MaxPhotos = 9

// Impacts, in the order the buttons show them (seed 二(二): extent of impact).
var Impacts = []string{"household", "alley", "multi", "danger"}

// ReportDraft is the report flow's state.
type ReportDraft struct {
	CategoryID  int64    `json:"category_id,omitempty"`
	PhotoIDs    []int64  `json:"photo_ids,omitempty"`
	AlleyID     int64    `json:"alley_id,omitempty"`
	Lat         *float64 `json:"lat,omitempty"`
	Lon         *float64 `json:"lon,omitempty"`
	Description string   `json:"description,omitempty"`
	Impact      string   `json:"impact,omitempty"`
	Editing     bool     `json:"editing,omitempty"`
	// ReplacePhotos: the steward chose to send the photos again; the old
	// ones stay until the first new one arrives.
	ReplacePhotos bool `json:"replace_photos,omitempty"`
}

func draft(s *Session) *ReportDraft { return s.Data.(*ReportDraft) }

// Begin takes the photo a report was started with.
func (d *ReportDraft) Begin(s *Session, in Input) error {
	if in.Kind == Photo {
		_, err := addPhoto(s, d, in.Photo)
		return err
	}
	return nil
}

// after is the next step, or back to the summary when editing one field.
func (d *ReportDraft) after(next string) string {
	if d.Editing {
		d.Editing = false
		return "summary"
	}
	return next
}

func reportFlow() *Flow {
	return &Flow{
		Name:    "report",
		Title:   "flow.report",
		NewData: func() any { return &ReportDraft{} },
		Steps: []Step{
			// Photos are taken before the category too: an album that starts
			// a report arrives as several updates at once.
			{Name: "category", Accepts: Choice | Photo, Prompt: promptCategory, Handle: handleCategory, Hint: "flow.hint.choice"},
			{Name: "photos", Accepts: Photo | Choice, Prompt: promptPhotos, Handle: handlePhotos, Hint: "report.photos.hint"},
			{Name: "location", Accepts: Location | Choice, Prompt: promptLocation, Handle: handleLocation},
			{Name: "description", Accepts: Text, Prompt: promptDescription, Handle: handleDescription},
			{Name: "impact", Accepts: Choice, Prompt: promptImpact, Handle: handleImpact},
			{Name: "summary", Accepts: Choice, Prompt: promptSummary, Handle: handleSummary},
			{Name: "edit", Accepts: Choice, Prompt: promptEdit, Handle: handleEdit},
		},
	}
}

func promptCategory(s *Session) (Prompt, error) {
	cats, err := s.Store().Categories(s, s.Tx)
	if err != nil {
		return Prompt{}, err
	}
	p := Prompt{Text: s.T("report.category")}
	for _, c := range cats {
		p.Options = append(p.Options, Option{Label: categoryName(s.Lang, c.Name, c.NameEn), Value: strconv.FormatInt(c.ID, 10)})
	}
	return p, nil
}

func handleCategory(s *Session, in Input) (string, error) {
	if in.Kind == Photo {
		d := draft(s)
		if len(d.PhotoIDs) >= MaxPhotos {
			s.Reply(s.T("report.photos.full", "max", MaxPhotos))
			return Stay, nil
		}
		if ok, err := addPhoto(s, d, in.Photo); err != nil || !ok {
			return Stay, err
		}
		s.Reply(s.T("report.photos.early", "n", len(d.PhotoIDs)))
		return Stay, nil
	}
	id, _ := strconv.ParseInt(in.Choice, 10, 64)
	if _, err := s.Store().CategoryByID(s, s.Tx, id); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			s.Reply(s.T("flow.hint.choice"))
			return Stay, nil
		}
		return "", err
	}
	d := draft(s)
	d.CategoryID = id
	return d.after("photos"), nil
}

func promptPhotos(s *Session) (Prompt, error) {
	d := draft(s)
	n := len(d.PhotoIDs)
	if n == 0 || d.ReplacePhotos {
		return Prompt{Text: s.T("report.photos", "max", MaxPhotos)}, nil
	}
	return Prompt{Text: s.T("report.photos.more", "n", n, "max", MaxPhotos), Options: []Option{{Label: s.T("button.done"), Value: "done"}}}, nil
}

func handlePhotos(s *Session, in Input) (string, error) {
	d := draft(s)
	if in.Kind == Choice {
		if len(d.PhotoIDs) == 0 {
			s.Reply(s.T("report.photos.need_one"))
			return Stay, nil
		}
		return d.after("location"), nil
	}
	if d.ReplacePhotos {
		if ok, err := photoAcceptable(s, in.Photo); err != nil || !ok {
			return Stay, err
		}
		d.PhotoIDs, d.ReplacePhotos = nil, false
	}
	if len(d.PhotoIDs) >= MaxPhotos {
		s.Reply(s.T("report.photos.full", "max", MaxPhotos))
		return Stay, nil
	}
	if _, err := addPhoto(s, d, in.Photo); err != nil {
		return "", err
	}
	return Stay, nil
}

// photoAcceptable says whether a photo is within the size limit (and tells
// the person when it is not).
func photoAcceptable(s *Session, p *bot.Photo) (bool, error) {
	size := p.Size
	if size == 0 {
		size = len(p.Bytes)
	}
	if p.TooLarge || int64(size) > s.Deps.MaxPhotoBytes {
		s.Reply(s.T("report.photo.too_large", "max", bot.HumanBytes(s.Deps.MaxPhotoBytes)))
		return false, nil
	}
	return true, nil
}

// addPhoto records a photo at once: its platform reference, and its bytes
// when they came along (the console); otherwise a download job is enqueued in
// this same transaction. A photo over the limit is refused with a message.
func addPhoto(s *Session, d *ReportDraft, p *bot.Photo) (bool, error) {
	if ok, err := photoAcceptable(s, p); err != nil || !ok {
		return false, err
	}
	size := p.Size
	if size == 0 {
		size = len(p.Bytes)
	}
	platform := p.Platform
	if platform == "" {
		platform = s.Update.Platform
	}
	id, err := s.Store().InsertPhoto(s, s.Tx, store.Photo{Kind: "before", Platform: platform, FileRef: p.FileRef,
		FileSize: sql.NullInt64{Int64: int64(size), Valid: size > 0}})
	if err != nil {
		return false, err
	}
	switch {
	case len(p.Bytes) > 0:
		mime := p.MIME
		if mime == "" {
			mime = "application/octet-stream"
		}
		if err := s.Store().SetPhotoBytes(s, s.Tx, id, p.Bytes, mime); err != nil {
			return false, err
		}
	case s.Deps.Photos != nil:
		if err := s.Deps.Photos.EnqueuePhotoFetch(s, s.Tx.Tx, id); err != nil {
			return false, fmt.Errorf("enqueue photo download: %w", err)
		}
	}
	d.PhotoIDs = append(d.PhotoIDs, id)
	return true, nil
}

func (s *Session) stewardAlleys() ([]store.Alley, error) {
	as, err := s.Store().AlleysOfSteward(s, s.Tx, s.Person.ID)
	if err != nil || len(as) > 0 {
		return as, err
	}
	return s.Store().AllAlleys(s, s.Tx)
}

func promptLocation(s *Session) (Prompt, error) {
	as, err := s.stewardAlleys()
	if err != nil {
		return Prompt{}, err
	}
	p := Prompt{Text: s.T("report.location")}
	for _, a := range as {
		p.Options = append(p.Options, Option{Label: a.Name, Value: strconv.FormatInt(a.ID, 10)})
	}
	return p, nil
}

func handleLocation(s *Session, in Input) (string, error) {
	d := draft(s)
	if in.Kind == Location {
		a, dist, err := s.Store().NearestAlley(s, s.Tx, in.Location.Lat, in.Location.Lon)
		if errors.Is(err, store.ErrNotFound) {
			s.Reply(s.T("report.location.outside"))
			return Stay, nil
		}
		if err != nil {
			return "", err
		}
		lat, lon := in.Location.Lat, in.Location.Lon
		d.AlleyID, d.Lat, d.Lon = a.ID, &lat, &lon
		s.Reply(s.T("report.location.matched", "alley", a.Name, "m", int(dist)))
		return d.after("description"), nil
	}
	id, _ := strconv.ParseInt(in.Choice, 10, 64)
	if _, err := s.Store().AlleyByID(s, s.Tx, id); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			s.Reply(s.T("flow.hint.choice"))
			return Stay, nil
		}
		return "", err
	}
	d.AlleyID, d.Lat, d.Lon = id, nil, nil
	return d.after("description"), nil
}

func promptDescription(s *Session) (Prompt, error) {
	return Prompt{Text: s.T("report.description")}, nil
}

func handleDescription(s *Session, in Input) (string, error) {
	t := strings.TrimSpace(in.Text)
	if strings.HasPrefix(t, "/") { // an unknown command mid-flow is not a description
		s.Reply(s.T("report.description.command", "cmd", strings.Fields(t)[0]))
		return Stay, nil
	}
	switch n := utf8.RuneCountInString(t); {
	case n < 4:
		s.Reply(s.T("report.description.short"))
		return Stay, nil
	case n > 1000:
		s.Reply(s.T("report.description.long", "n", n))
		return Stay, nil
	}
	d := draft(s)
	d.Description = t
	return d.after("impact"), nil
}

func promptImpact(s *Session) (Prompt, error) {
	p := Prompt{Text: s.T("report.impact")}
	for _, im := range Impacts {
		p.Options = append(p.Options, Option{Label: s.T("impact." + im), Value: im})
	}
	return p, nil
}

func handleImpact(s *Session, in Input) (string, error) {
	for _, im := range Impacts {
		if in.Choice == im {
			d := draft(s)
			d.Impact = im
			return d.after("summary"), nil
		}
	}
	s.Reply(s.T("flow.hint.choice"))
	return Stay, nil
}

func promptSummary(s *Session) (Prompt, error) {
	d := draft(s)
	text, err := draftSummary(s, d)
	if err != nil {
		return Prompt{}, err
	}
	return Prompt{Text: s.T("report.summary", "summary", text), Options: []Option{
		{Label: s.T("button.submit"), Value: "submit"},
		{Label: s.T("button.fixed_on_spot"), Value: "fixed"},
		{Label: s.T("button.edit"), Value: "edit"},
		{Label: s.T("button.cancel"), Value: "cancel"},
	}}, nil
}

func draftSummary(s *Session, d *ReportDraft) (string, error) {
	cat, err := s.Store().CategoryByID(s, s.Tx, d.CategoryID)
	if err != nil {
		return "", err
	}
	alley, err := s.Store().AlleyByID(s, s.Tx, d.AlleyID)
	if err != nil {
		return "", err
	}
	return s.T("report.draft", "category", categoryName(s.Lang, cat.Name, cat.NameEn), "alley", alley.Name,
		"description", d.Description, "impact", s.T("impact."+d.Impact), "photos", len(d.PhotoIDs)), nil
}

func handleSummary(s *Session, in Input) (string, error) {
	switch in.Choice {
	case "submit", "fixed":
		d := draft(s)
		if len(d.PhotoIDs) == 0 || len(d.PhotoIDs) > MaxPhotos {
			s.Reply(s.T("report.photos.need_one"))
			d.Editing = true
			return "photos", nil
		}
		return Done, submitReport(s, d, in.Choice == "fixed")
	case "edit":
		return "edit", nil
	case "cancel":
		s.Reply(s.T("flow.cancelled", "flow", s.FlowTitle()))
		return Done, nil
	}
	s.Reply(s.T("flow.hint.choice"))
	return Stay, nil
}

var editable = []string{"category", "photos", "location", "description", "impact"}

func promptEdit(s *Session) (Prompt, error) {
	p := Prompt{Text: s.T("report.edit")}
	for _, f := range editable {
		p.Options = append(p.Options, Option{Label: s.T("report.field." + f), Value: f})
	}
	p.Options = append(p.Options, Option{Label: s.T("button.back_to_summary"), Value: "summary"})
	return p, nil
}

func handleEdit(s *Session, in Input) (string, error) {
	d := draft(s)
	if in.Choice == "summary" {
		return "summary", nil
	}
	for _, f := range editable {
		if in.Choice == f {
			d.Editing = true
			if f == "photos" {
				d.ReplacePhotos = true // sending photos again replaces them
			}
			return f, nil
		}
	}
	s.Reply(s.T("flow.hint.choice"))
	return Stay, nil
}

// submitReport creates the case in the session's transaction and says so to
// the steward, the exchange group, the acceptance center, the department's
// chat and the community committee (seed 三(三)).
func submitReport(s *Session, d *ReportDraft, fixed bool) error {
	cat, err := s.Store().CategoryByID(s, s.Tx, d.CategoryID)
	if err != nil {
		return err
	}
	nc := store.NewCase{AlleyID: d.AlleyID, Description: d.Description, Impact: d.Impact, ReporterID: s.Person.ID,
		Source: s.Update.Platform, CategoryIDs: []int64{cat.ID}, DepartmentID: cat.DepartmentID, FixedOnSpot: fixed,
		PhotoIDs: d.PhotoIDs, Year: s.Deps.Now().In(s.Deps.Location).Year()}
	if d.Lat != nil && d.Lon != nil {
		nc.Lat = sql.NullFloat64{Float64: *d.Lat, Valid: true}
		nc.Lon = sql.NullFloat64{Float64: *d.Lon, Valid: true}
	}
	c, err := s.Store().CreateCase(s, s.Tx, nc)
	if err != nil {
		return err
	}
	view, err := s.Store().CaseByID(s, s.Tx, c.ID)
	if err != nil {
		return err
	}
	key := "report.submitted"
	if fixed {
		key = "report.submitted_fixed"
	}
	s.Reply(s.T(key, "number", c.Number, "summary", CaseSummary(s.Lang, s.Deps.Location, view)))

	photo, err := s.firstPhoto(c.ID)
	if err != nil {
		return err
	}
	lang := s.Deps.DefaultLang
	summary := CaseSummary(lang, s.Deps.Location, view)
	communityID := view.CommunityID.Int64
	if fixed {
		return s.ToChats("exchange", 0, 0, i18n.T(lang, "notify.fixed_on_spot", "summary", summary), photo)
	}
	if err := s.ToChats("exchange", 0, 0, i18n.T(lang, "notify.exchange", "summary", summary), photo); err != nil {
		return err
	}
	if err := s.centerCard(view, "notify.center"); err != nil {
		return err
	}
	if view.DepartmentID.Valid {
		if err := s.ToChats("department", 0, view.DepartmentID.Int64, i18n.T(lang, "notify.department", "summary", summary), photo); err != nil {
			return err
		}
	}
	return s.ToChats("committee", communityID, 0, i18n.T(lang, "notify.committee", "summary", summary), nil)
}

// firstPhoto is a case's first photo as a message attachment.
func (s *Session) firstPhoto(caseID int64) (*bot.Photo, error) {
	ps, err := s.Store().CasePhotos(s, s.Tx, caseID)
	if err != nil || len(ps) == 0 {
		return nil, err
	}
	return s.botPhoto(ps[0])
}

// botPhoto attaches a stored photo: its platform reference, and its bytes
// when they are stored already (needed to post it on another platform).
func (s *Session) botPhoto(p store.Photo) (*bot.Photo, error) {
	bp := &bot.Photo{Platform: p.Platform, FileRef: p.FileRef, Size: int(p.FileSize.Int64), PhotoID: p.ID}
	if len(p.SHA256) > 0 {
		data, mime, err := s.Store().PhotoBytes(s, s.Tx, p.ID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		bp.Bytes, bp.MIME = data, mime
	}
	return bp, nil
}

// ToChats says text (and a photo) in every group chat of kind, narrowed to a
// community or department. A console session prints every group; on a real
// platform the message goes to where the group is bound.
func (s *Session) ToChats(kind string, communityID, departmentID int64, text string, photo *bot.Photo, opts ...Option) error {
	chats, err := s.Store().ChatsFor(s, s.Tx, kind, communityID, departmentID)
	if err != nil {
		return err
	}
	buttons := s.buttons(opts)
	if s.Update.Platform == bot.Console {
		for _, c := range chats {
			s.Say(bot.Message{Platform: bot.Console, ChatID: "group:" + c.Code, ChatTitle: c.Title, Text: text, Photo: photo, Buttons: buttons})
		}
	}
	s.Out = append(s.Out, bot.ToGroups(chats, bot.Message{Text: text, Photo: photo, Buttons: buttons})...)
	return nil
}

func categoryName(lang i18n.Lang, zh, en string) string {
	if lang == i18n.EN && en != "" {
		return en
	}
	return zh
}
