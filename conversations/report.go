package conversations

import (
	"context"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/alleybot/alleybot/audience"
	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/store"
)

// Impacts are the extents of impact, in the order the buttons show them (seed 二(二): extent of impact).
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
	// PatrolID: reported during this patrol. PatrolAlleyID is its alley;
	// PatrolAlley: the report's alley is still the patrol's, taken without
	// asking (the steward is told, and may change it).
	PatrolID      int64 `json:"patrol_id,omitempty"`
	PatrolAlleyID int64 `json:"patrol_alley_id,omitempty"`
	PatrolAlley   bool  `json:"patrol_alley,omitempty"`
	// Extra are further classes (三(二)); a 危及安全 report adds the safety class.
	Extra []int64 `json:"extra,omitempty"`
	// Address is a typed address (菊儿胡同3号) that found the report's
	// alley, kept with the case. Typed is one that named several alleys
	// (or a photo's caption naming another alley than the patrol's):
	// Matches are those alleys, offered as buttons; it becomes the address
	// only when one of them is chosen. AllAlleys shows every alley (其他小巷).
	Address   string  `json:"address,omitempty"`
	Typed     string  `json:"typed,omitempty"`
	Caption   bool    `json:"caption,omitempty"` // Typed is a photo's caption: not an address to keep
	Matches   []int64 `json:"matches,omitempty"`
	AllAlleys bool    `json:"all_alleys,omitempty"`
	// Near is the alley nearest to a shared point that is inside none,
	// offered first; NearLat, NearLon is that point (kept if it is chosen).
	Near    int64    `json:"near,omitempty"`
	NearLat *float64 `json:"near_lat,omitempty"`
	NearLon *float64 `json:"near_lon,omitempty"`
}

func draft(t *Turn) *ReportDraft { return t.Data.(*ReportDraft) }

// Begin fills in the patrol the steward is on (its alley is the case's),
// and takes the photo a report was started with.
func (d *ReportDraft) Begin(ctx context.Context, t *Turn, in Input) error {
	if t.Person.ID != 0 {
		p, err := t.Tx.OpenPatrol(ctx, t.Person.ID)
		switch {
		case err == nil:
			d.PatrolID, d.PatrolAlleyID = p.ID, p.AlleyID
			if d.AlleyID == 0 {
				d.AlleyID, d.PatrolAlley = p.AlleyID, true
			}
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
	}
	if in.Kind == Photo {
		ok, err := addPhoto(ctx, t, d, in.Photo)
		if err != nil || !ok {
			return err
		}
		return d.caption(ctx, t, in.Text)
	}
	return nil
}

// caption reads a photo's caption for a place: one naming alleys other
// than the one the report already has (the patrol's) is asked about at the
// location step rather than filed at the patrol's alley.
func (d *ReportDraft) caption(ctx context.Context, t *Turn, text string) error {
	text = strings.TrimSpace(text)
	if text == "" || d.Editing || d.Lat != nil || d.Address != "" || (d.AlleyID != 0 && !d.PatrolAlley) {
		return nil
	}
	found, err := alleysNamed(ctx, t, text)
	if err != nil || len(found) == 0 {
		return err
	}
	var ids []int64
	for _, a := range found {
		if a.ID == d.AlleyID {
			return nil // it names the patrol's alley: nothing to ask
		}
		ids = append(ids, a.ID)
	}
	d.Typed, d.Matches, d.Caption = shorten(text, 100), ids, true
	return nil
}

// next is step, or past the description when it came with the report
// (typed before 上报 was offered).
func (d *ReportDraft) next(step string) string {
	if step == "description" && d.Description != "" {
		return "impact"
	}
	return step
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
			{Name: "location", Accepts: Location | Choice | Text, Prompt: promptLocation, Handle: handleLocation},
			{Name: "description", Accepts: Text | Choice, Prompt: promptDescription, Handle: handleDescription, Hint: "flow.hint.text"},
			{Name: "impact", Accepts: Choice, Prompt: promptImpact, Handle: handleImpact},
			{Name: "summary", Accepts: Choice, Prompt: promptSummary, Handle: handleSummary},
			{Name: "edit", Accepts: Choice, Prompt: promptEdit, Handle: handleEdit},
			{Name: "category2", Accepts: Choice, Prompt: promptCategory2, Handle: handleCategory2},
		},
	}
}

func promptCategory(ctx context.Context, t *Turn) (Prompt, error) {
	cats, err := t.Tx.Categories(ctx)
	if err != nil {
		return Prompt{}, err
	}
	p := Prompt{Text: t.T("report.category")}
	for _, c := range cats {
		p.Options = append(p.Options, Option{Label: categoryName(t.Lang, c.Name, c.NameEn), Value: strconv.FormatInt(c.ID, 10)})
	}
	return p, nil
}

func handleCategory(ctx context.Context, t *Turn, in Input) (string, error) {
	if in.Kind == Photo {
		d := draft(t)
		if len(d.PhotoIDs) >= MaxPhotos {
			t.Reply(t.T("report.photos.full", "max", MaxPhotos))
			return Stay, nil
		}
		if ok, err := addPhoto(ctx, t, d, in.Photo); err != nil || !ok {
			return Stay, err
		}
		if err := d.caption(ctx, t, in.Text); err != nil {
			return "", err
		}
		t.Reply(t.T("report.photos.early", "n", len(d.PhotoIDs)))
		return Stay, nil
	}
	id, _, ok, err := Chosen(ctx, t, in.Choice, t.Tx.CategoryByID)
	if !ok {
		return Stay, err
	}
	d := draft(t)
	d.CategoryID = id
	return d.after("photos"), nil
}

func promptPhotos(ctx context.Context, t *Turn) (Prompt, error) {
	d := draft(t)
	n := len(d.PhotoIDs)
	if n == 0 || d.ReplacePhotos {
		return Prompt{Text: t.T("report.photos", "max", MaxPhotos)}, nil
	}
	return Prompt{Text: t.T("report.photos.more", "n", n, "max", MaxPhotos), Options: []Option{{Label: t.T("button.done"), Value: "done"}}}, nil
}

func handlePhotos(ctx context.Context, t *Turn, in Input) (string, error) {
	d := draft(t)
	if in.Kind == Choice {
		if len(d.PhotoIDs) == 0 {
			t.Reply(t.T("report.photos.need_one"))
			return Stay, nil
		}
		if len(d.Matches) > 0 && !d.Editing {
			return "location", nil // a caption named another alley: which is it?
		}
		if d.AlleyID != 0 && !d.Editing {
			if d.PatrolAlley { // said, so that a photo of another alley is not filed here unseen
				a, err := t.Tx.AlleyByID(ctx, d.AlleyID)
				if err != nil {
					return "", err
				}
				t.Reply(t.T("report.location.patrol", "alley", a.Name))
			}
			return d.next("description"), nil // on a patrol, or a shared point: the alley is known
		}
		return d.after("location"), nil
	}
	if d.ReplacePhotos {
		if ok, err := PhotoAcceptable(t, in.Photo); err != nil || !ok {
			return Stay, err
		}
		d.PhotoIDs, d.ReplacePhotos = nil, false
	}
	if len(d.PhotoIDs) >= MaxPhotos {
		t.Reply(t.T("report.photos.full", "max", MaxPhotos))
		return Stay, nil
	}
	if ok, err := addPhoto(ctx, t, d, in.Photo); err != nil || !ok {
		return Stay, err
	}
	return Stay, d.caption(ctx, t, in.Text)
}

// addPhoto adds a photo to the report (SavePhoto).
func addPhoto(ctx context.Context, t *Turn, d *ReportDraft, p *bot.Photo) (bool, error) {
	id, ok, err := t.SavePhoto(ctx, p)
	if ok {
		d.PhotoIDs = append(d.PhotoIDs, id)
	}
	return ok, err
}

func (t *Turn) stewardAlleys(ctx context.Context) ([]store.Alley, error) {
	as, err := t.Tx.AlleysOfSteward(ctx, t.Person.ID)
	if err != nil || len(as) > 0 {
		return as, err
	}
	return t.Tx.AllAlleys(ctx)
}

func promptLocation(ctx context.Context, t *Turn) (Prompt, error) {
	d := draft(t)
	var as []store.Alley
	var err error
	switch {
	case len(d.Matches) > 0:
		for _, id := range d.Matches {
			a, err := t.Tx.AlleyByID(ctx, id)
			if err != nil {
				return Prompt{}, err
			}
			as = append(as, a)
		}
	case d.AllAlleys:
		as, err = t.Tx.AllAlleys(ctx)
	default:
		as, err = t.stewardAlleys(ctx)
	}
	if err != nil {
		return Prompt{}, err
	}
	p := Prompt{Text: t.T(t.OnPlatform("report.location"))}
	if len(d.Matches) > 0 {
		typed := d.Typed
		if typed == "" {
			typed = d.Address // a draft from before Typed
		}
		p.Text = t.T("report.location.which", "address", typed)
	}
	if d.Near != 0 && d.NearLat != nil && d.NearLon != nil { // the alley nearest to a point outside them all, first
		a, err := t.Tx.AlleyByID(ctx, d.Near)
		if err != nil {
			return Prompt{}, err
		}
		m := int(math.Round(a.DistanceM(*d.NearLat, *d.NearLon)))
		p.Options = append(p.Options, Option{Label: t.T("button.near_alley", "alley", a.Name, "m", m), Value: strconv.FormatInt(a.ID, 10)})
	}
	for _, a := range as {
		if a.ID != d.Near {
			p.Options = append(p.Options, Option{Label: a.Name, Value: strconv.FormatInt(a.ID, 10)})
		}
	}
	if d.PatrolAlleyID != 0 && len(d.Matches) > 0 && !slices.Contains(d.Matches, d.PatrolAlleyID) {
		a, err := t.Tx.AlleyByID(ctx, d.PatrolAlleyID)
		if err != nil {
			return Prompt{}, err
		}
		p.Options = append(p.Options, Option{Label: t.T("button.patrol_alley", "alley", a.Name), Value: strconv.FormatInt(a.ID, 10)})
	}
	if !d.AllAlleys {
		p.Options = append(p.Options, Option{Label: t.T("button.other_alleys"), Value: "others"})
	}
	return p, nil
}

// alleysNamed are the alleys whose name (or alias) a text contains
// (菊儿胡同3号 → 菊儿胡同), by name.
func alleysNamed(ctx context.Context, t *Turn, text string) ([]store.Alley, error) {
	all, err := t.Tx.AllAlleys(ctx)
	if err != nil {
		return nil, err
	}
	var found []store.Alley
	for _, a := range all {
		names := append([]string{a.Name}, a.Aliases...)
		if utf8.RuneCountInString(a.Name) > 3 {
			names = append(names, strings.TrimSuffix(a.Name, "胡同"))
		}
		for _, n := range names {
			if n != "" && strings.Contains(text, n) {
				found = append(found, a)
				break
			}
		}
	}
	return found, nil
}

// typedAddress matches alley names in a typed address (菊儿胡同3号 → 菊儿胡同):
// one match is taken, several are offered, none asks again. Only an
// address that found its alley is kept: a word that matches none (完成
// typed twice) never becomes the case's address.
func typedAddress(ctx context.Context, t *Turn, d *ReportDraft, text string) (string, error) {
	text = strings.TrimSpace(text)
	if strings.HasPrefix(text, "/") || Visible(text) < 2 || utf8.RuneCountInString(text) > 100 {
		t.Reply(t.T("report.location.hint"))
		return Stay, nil
	}
	found, err := alleysNamed(ctx, t, text)
	if err != nil {
		return "", err
	}
	switch len(found) {
	case 0:
		t.Reply(t.T("report.location.unknown", "address", text))
		return Stay, nil
	case 1:
		d.setAlley(found[0].ID, nil, nil)
		d.Address = text
		t.Reply(t.T("report.location.typed", "alley", found[0].Name))
		return d.next(d.after("description")), nil
	}
	d.Typed, d.Matches, d.Near, d.Caption = text, nil, 0, false
	for _, a := range found {
		d.Matches = append(d.Matches, a.ID)
	}
	return Stay, nil
}

// setAlley files the report at an alley (and a shared point, if any): the
// questions that led here are answered, and an address typed for another
// alley is dropped.
func (d *ReportDraft) setAlley(id int64, lat, lon *float64) {
	if id != d.AlleyID || lat != nil {
		d.Address = ""
	}
	d.AlleyID, d.Lat, d.Lon = id, lat, lon
	d.PatrolAlley, d.Typed, d.Caption, d.Matches, d.AllAlleys = false, "", false, nil, false
	d.Near, d.NearLat, d.NearLon = 0, nil, nil
}

// nearAlleyM is how far a shared point outside every alley may be from
// the nearest for it to be offered.
const nearAlleyM = 5000

func handleLocation(ctx context.Context, t *Turn, in Input) (string, error) {
	d := draft(t)
	if in.Kind == Location {
		lat, lon := in.Location.Lat, in.Location.Lon
		a, dist, inside, err := t.Tx.ClosestAlley(ctx, lat, lon)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return "", err
		}
		if err != nil || !inside {
			d.Near, d.NearLat, d.NearLon = 0, nil, nil
			if err == nil && dist <= nearAlleyM { // say which alley is nearest, and offer it
				d.Near, d.NearLat, d.NearLon = a.ID, &lat, &lon
				d.Matches, d.Typed = nil, ""
				t.Reply(t.T("report.location.outside_near", "alley", a.Name, "m", int(math.Round(dist)), "radius", a.RadiusM))
				return Stay, nil
			}
			t.Reply(t.T("report.location.outside"))
			return Stay, nil
		}
		d.setAlley(a.ID, &lat, &lon)
		key := "report.location.matched"
		if len(a.Line) > 0 {
			key = "report.location.matched_line"
		}
		t.Reply(t.T(key, "alley", a.Name, "m", int(math.Round(dist))))
		return d.next(d.after("description")), nil
	}
	if in.Kind == Text {
		return typedAddress(ctx, t, d, in.Text)
	}
	if in.Choice == "others" {
		d.AllAlleys, d.Matches, d.Typed = true, nil, ""
		return Stay, nil
	}
	id, _, ok, err := Chosen(ctx, t, in.Choice, t.Tx.AlleyByID)
	if !ok {
		return Stay, err
	}
	typed := ""
	if slices.Contains(d.Matches, id) && !d.Caption {
		typed = d.Typed // the address named this alley: it is the case's
		if typed == "" {
			typed = d.Address // a draft from before Typed
		}
	}
	var lat, lon *float64
	if id == d.Near {
		lat, lon = d.NearLat, d.NearLon // the nearest alley to the point shared
	}
	d.setAlley(id, lat, lon)
	if typed != "" {
		d.Address = typed
	}
	return d.next(d.after("description")), nil
}

// relocate is the option of the steps after the patrol's alley was taken
// without asking: 换个位置 goes to the location step.
func (d *ReportDraft) relocate(t *Turn) []Option {
	if !d.PatrolAlley || d.Editing {
		return nil
	}
	return []Option{{Label: t.T("button.change_location"), Value: "relocate"}}
}

func promptDescription(ctx context.Context, t *Turn) (Prompt, error) {
	return Prompt{Text: t.T("report.description"), Options: draft(t).relocate(t)}, nil
}

func handleDescription(ctx context.Context, t *Turn, in Input) (string, error) {
	if in.Kind == Choice {
		if in.Choice == "relocate" {
			return "location", nil
		}
		t.Reply(t.T("flow.hint.text"))
		return Stay, nil
	}
	text := strings.TrimSpace(in.Text)
	if strings.HasPrefix(text, "/") { // an unknown command mid-flow is not a description
		t.Reply(t.T("report.description.command", "cmd", strings.Fields(text)[0]))
		return Stay, nil
	}
	switch n := utf8.RuneCountInString(text); {
	case Visible(text) < 4:
		t.Reply(t.T("report.description.short"))
		return Stay, nil
	case n > 1000:
		t.Reply(t.T("report.description.long", "n", n))
		return Stay, nil
	}
	d := draft(t)
	d.Description = text
	return d.after("impact"), nil
}

func promptImpact(ctx context.Context, t *Turn) (Prompt, error) {
	p := Prompt{Text: t.T("report.impact")}
	for _, im := range Impacts {
		p.Options = append(p.Options, Option{Label: t.T("impact." + im), Value: im})
	}
	p.Options = append(p.Options, draft(t).relocate(t)...)
	return p, nil
}

func handleImpact(ctx context.Context, t *Turn, in Input) (string, error) {
	if in.Choice == "relocate" {
		return "location", nil
	}
	for _, im := range Impacts {
		if in.Choice == im {
			d := draft(t)
			d.Impact = im
			return d.after("summary"), nil
		}
	}
	t.Reply(t.T("flow.hint.choice"))
	return Stay, nil
}

func promptSummary(ctx context.Context, t *Turn) (Prompt, error) {
	d := draft(t)
	text, err := draftSummary(ctx, t, d)
	if err != nil {
		return Prompt{}, err
	}
	p := Prompt{Text: t.T("report.summary", "summary", text)}
	// The same problem reported nearby and still open: the steward may
	// follow that case instead (a confirmation, not a duplicate).
	dups, err := t.Tx.NearbyOpen(ctx, d.CategoryID, d.AlleyID, d.Lat, d.Lon, t.Deps.DuplicateRadius())
	if err != nil {
		return Prompt{}, err
	}
	if len(dups) > 0 {
		var lines []string
		for _, c := range dups {
			lines = append(lines, t.T("report.duplicate.line", "number", c.Number, "description", shorten(c.Description, 30)))
			p.Options = append(p.Options, Option{Label: t.T("button.same_problem", "number", c.Number), Value: "same:" + strconv.FormatInt(c.ID, 10)})
		}
		p.Text += "\n\n" + t.T("report.duplicates", "cases", strings.Join(lines, "\n"))
	}
	p.Options = append(p.Options,
		Option{Label: t.T("button.submit"), Value: "submit"},
		Option{Label: t.T("button.fixed_on_spot"), Value: "fixed"},
		Option{Label: t.T("button.edit"), Value: "edit"},
		Option{Label: t.T("button.cancel"), Value: "cancel"})
	return p, nil
}

func shorten(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

func draftSummary(ctx context.Context, t *Turn, d *ReportDraft) (string, error) {
	cat, err := t.Tx.CategoryByID(ctx, d.CategoryID)
	if err != nil {
		return "", err
	}
	alley, err := t.Tx.AlleyByID(ctx, d.AlleyID)
	if err != nil {
		return "", err
	}
	names := []string{categoryName(t.Lang, cat.Name, cat.NameEn)}
	ids, err := d.categoryIDs(ctx, t)
	if err != nil {
		return "", err
	}
	for _, id := range ids[1:] {
		c, err := t.Tx.CategoryByID(ctx, id)
		if err != nil {
			return "", err
		}
		names = append(names, categoryName(t.Lang, c.Name, c.NameEn))
	}
	place := alley.Name
	if d.Address != "" {
		place = t.T("case.place_address", "place", place, "address", d.Address)
	}
	return t.T("report.draft", "category", strings.Join(names, t.T("list.sep")), "alley", place,
		"description", d.Description, "impact", t.T("impact."+d.Impact), "photos", len(d.PhotoIDs)), nil
}

func handleSummary(ctx context.Context, t *Turn, in Input) (string, error) {
	switch in.Choice {
	case "submit", "fixed":
		d := draft(t)
		if len(d.PhotoIDs) == 0 || len(d.PhotoIDs) > MaxPhotos {
			t.Reply(t.T("report.photos.need_one"))
			d.Editing = true
			return "photos", nil
		}
		return Done, submitReport(ctx, t, d, in.Choice == "fixed")
	case "edit":
		return "edit", nil
	case "cancel":
		t.Reply(t.T("flow.cancelled", "flow", t.FlowTitle()))
		return Done, nil
	}
	if id, ok := strings.CutPrefix(in.Choice, "same:"); ok {
		caseID, _ := strconv.ParseInt(id, 10, 64)
		return Done, confirmExisting(ctx, t, caseID)
	}
	t.Reply(t.T("flow.hint.choice"))
	return Stay, nil
}

// confirmExisting: the steward's report is the same problem as an open
// case: they follow it, and it is recorded on the case as a confirmation
// (it counts for them, and is no duplicate for the center to merge).
func confirmExisting(ctx context.Context, t *Turn, caseID int64) error {
	c, err := t.Tx.CaseByID(ctx, caseID)
	if err != nil {
		return err
	}
	if err := t.Tx.Subscribe(ctx, c.ID, t.Person.ID); err != nil {
		return err
	}
	if _, err := t.Tx.AddCaseEvent(ctx, c.ID, t.Person.ID, store.EventConfirmed, shorten(draft(t).Description, 100), nil); err != nil {
		return err
	}
	t.Reply(t.T("report.confirmed", "number", c.Number))
	return nil
}

var editable = []string{"category", "photos", "location", "description", "impact"}

func promptEdit(ctx context.Context, t *Turn) (Prompt, error) {
	p := Prompt{Text: t.T("report.edit")}
	for _, f := range editable {
		p.Options = append(p.Options, Option{Label: t.T("report.field." + f), Value: f})
	}
	p.Options = append(p.Options, Option{Label: t.T("report.field.category2"), Value: "category2"},
		Option{Label: t.T("button.back_to_summary"), Value: "summary"})
	return p, nil
}

// promptCategory2 offers a further class: any but those the report has.
func promptCategory2(ctx context.Context, t *Turn) (Prompt, error) {
	d := draft(t)
	cats, err := t.Tx.Categories(ctx)
	if err != nil {
		return Prompt{}, err
	}
	p := Prompt{Text: t.T("report.ask.category2")}
	for _, c := range cats {
		if c.ID != d.CategoryID && !slices.Contains(d.Extra, c.ID) {
			p.Options = append(p.Options, Option{Label: categoryName(t.Lang, c.Name, c.NameEn), Value: strconv.FormatInt(c.ID, 10)})
		}
	}
	p.Options = append(p.Options, Option{Label: t.T("button.back_to_summary"), Value: "summary"})
	return p, nil
}

func handleCategory2(ctx context.Context, t *Turn, in Input) (string, error) {
	d := draft(t)
	if in.Choice != "summary" {
		id, _, ok, err := Chosen(ctx, t, in.Choice, t.Tx.CategoryByID)
		if !ok {
			return Stay, err
		}
		if id != d.CategoryID && !slices.Contains(d.Extra, id) {
			d.Extra = append(d.Extra, id)
		}
	}
	d.Editing = false
	return "summary", nil
}

// categoryIDs are the report's classes, the lead first; 危及安全 adds the
// safety class (its department gets a copy, its clock may be shorter).
func (d *ReportDraft) categoryIDs(ctx context.Context, t *Turn) ([]int64, error) {
	ids := append([]int64{d.CategoryID}, d.Extra...)
	if d.Impact == "danger" {
		safety, err := t.Tx.CategoryByCode(ctx, "safety")
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		if err == nil && !slices.Contains(ids, safety.ID) {
			ids = append(ids, safety.ID)
		}
	}
	return ids, nil
}

func handleEdit(ctx context.Context, t *Turn, in Input) (string, error) {
	d := draft(t)
	switch in.Choice {
	case "summary":
		return "summary", nil
	case "category2":
		return "category2", nil
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
	t.Reply(t.T("flow.hint.choice"))
	return Stay, nil
}

// submitReport creates the case in the session's transaction and says so to
// the steward, the exchange group, the acceptance center, the department's
// chat and the community committee (seed 三(三)).
func submitReport(ctx context.Context, t *Turn, d *ReportDraft, fixed bool) error {
	cat, err := t.Tx.CategoryByID(ctx, d.CategoryID)
	if err != nil {
		return err
	}
	catIDs, err := d.categoryIDs(ctx, t)
	if err != nil {
		return err
	}
	// The address is kept apart from the description: each reader sees it
	// labelled in their own language, not in the reporter's.
	nc := store.NewCase{AlleyID: d.AlleyID, Lat: d.Lat, Lon: d.Lon, Description: d.Description, Address: d.Address, Impact: d.Impact,
		ReporterID: t.Person.ID, Source: string(t.Update.Platform), CategoryIDs: catIDs, DepartmentID: cat.DepartmentID,
		FixedOnSpot: fixed, PhotoIDs: d.PhotoIDs, At: t.Deps.Now().In(t.Deps.Location), PatrolID: d.PatrolID}
	c, err := t.Tx.CreateCase(ctx, nc)
	if err != nil {
		return err
	}
	view, err := t.Tx.CaseByID(ctx, c.ID)
	if err != nil {
		return err
	}
	key := "report.submitted"
	if fixed {
		key = "report.submitted_fixed"
	}
	t.Reply(t.T(key, "number", c.Number, "summary", CaseSummary(t.Lang, t.Deps.Location, view)))

	photo, err := t.firstPhoto(ctx, c.ID)
	if err != nil {
		return err
	}
	lang := t.Deps.DefaultLang
	summary := CaseSummary(lang, t.Deps.Location, view)
	communityID := view.CommunityID.Int64
	if fixed {
		return t.ToGroups(ctx, store.ChatExchange, audience.Scope{}, i18n.T(lang, "notify.fixed_on_spot", "summary", summary), photo)
	}
	if err := t.ToGroups(ctx, store.ChatExchange, audience.Scope{}, i18n.T(lang, "notify.exchange", "summary", summary), photo); err != nil {
		return err
	}
	if err := t.centerCard(ctx, view, "notify.center"); err != nil {
		return err
	}
	if view.DepartmentID.Valid {
		if err := t.ToGroups(ctx, store.ChatDepartment, audience.Scope{Department: view.DepartmentID.Int64}, i18n.T(lang, "notify.department", "summary", summary), photo); err != nil {
			return err
		}
	}
	if err := t.ToGroups(ctx, store.ChatCommittee, audience.Scope{Community: communityID}, i18n.T(lang, "notify.committee", "summary", summary), nil); err != nil {
		return err
	}
	// Residents hear that it was reported (三(四)3), in one short line,
	// unless cases.tell_residents_reported is off.
	if t.Deps.QuietResidents {
		return nil
	}
	cats := strings.Join(view.Categories, "、")
	return t.ToGroups(ctx, store.ChatResident, audience.Scope{Community: communityID, NewReport: true}, i18n.T(lang, "notify.residents.reported",
		"number", view.Number, "alley", view.AlleyName, "category", cats), nil)
}

func categoryName(lang i18n.Lang, zh, en string) string {
	if lang == i18n.EN && en != "" {
		return en
	}
	return zh
}
