package report

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/alleybot/alleybot/conversations"
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

func draft(t *conversations.Turn) *ReportDraft { return t.Data.(*ReportDraft) }

// Begin fills in the patrol the steward is on (its alley is the case's),
// and takes the photo a report was started with.
func (d *ReportDraft) Begin(ctx context.Context, t *conversations.Turn, in conversations.Input) error {
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
	if in.Kind == conversations.Photo {
		ok, err := t.AddPhoto(ctx, &d.PhotoIDs, conversations.MaxPhotos, in.Photo)
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
func (d *ReportDraft) caption(ctx context.Context, t *conversations.Turn, text string) error {
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

// Flow is the report flow (a patrol's 还要上报问题 switches to it).
func Flow() *conversations.Flow {
	return &conversations.Flow{
		Name:    "report",
		Title:   "flow.report",
		NewData: func() any { return &ReportDraft{} },
		Steps: []conversations.Step{
			// Photos are taken before the category too: an album that starts
			// a report arrives as several updates at once.
			{Name: "category", Accepts: conversations.Choice | conversations.Photo, Prompt: PromptCategory, Handle: handleCategory, Hint: "flow.hint.choice"},
			{Name: "photos", Accepts: conversations.Photo | conversations.Choice, Prompt: promptPhotos, Handle: handlePhotos, Hint: "report.photos.hint"},
			{Name: "location", Accepts: conversations.Location | conversations.Choice | conversations.Text, Prompt: promptLocation, Handle: handleLocation},
			{Name: "description", Accepts: conversations.Text | conversations.Choice, Prompt: promptDescription, Handle: handleDescription, Hint: "flow.hint.text"},
			{Name: "impact", Accepts: conversations.Choice, Prompt: promptImpact, Handle: handleImpact},
			{Name: "summary", Accepts: conversations.Choice, Prompt: promptSummary, Handle: handleSummary},
			{Name: "edit", Accepts: conversations.Choice, Prompt: promptEdit, Handle: handleEdit},
			{Name: "category2", Accepts: conversations.Choice, Prompt: promptCategory2, Handle: handleCategory2},
		},
	}
}

// PromptCategory asks for a case's class (a report's; a complaint made a
// case).
func PromptCategory(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	cats, err := t.Tx.Categories(ctx)
	if err != nil {
		return conversations.Prompt{}, err
	}
	p := conversations.Prompt{Text: t.T("report.category")}
	for _, c := range cats {
		p.Options = append(p.Options, conversations.Option{Label: categoryName(t.Lang, c.Name, c.NameEn), Value: strconv.FormatInt(c.ID, 10)})
	}
	return p, nil
}

func handleCategory(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	if in.Kind == conversations.Photo {
		d := draft(t)
		if ok, err := t.AddPhoto(ctx, &d.PhotoIDs, conversations.MaxPhotos, in.Photo); err != nil || !ok {
			return conversations.Stay, err
		}
		if err := d.caption(ctx, t, in.Text); err != nil {
			return "", err
		}
		t.Reply(t.T("report.photos.early", "n", len(d.PhotoIDs)))
		return conversations.Stay, nil
	}
	id, _, ok, err := conversations.Chosen(ctx, t, in.Choice, t.Tx.CategoryByID)
	if !ok {
		return conversations.Stay, err
	}
	d := draft(t)
	d.CategoryID = id
	return d.after("photos"), nil
}

func promptPhotos(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	d := draft(t)
	n := len(d.PhotoIDs)
	if n == 0 || d.ReplacePhotos {
		return conversations.Prompt{Text: t.T("report.photos", "max", conversations.MaxPhotos)}, nil
	}
	return conversations.MorePhotos(t, n), nil
}

func handlePhotos(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	d := draft(t)
	if in.Kind == conversations.Choice {
		if len(d.PhotoIDs) == 0 {
			t.Reply(t.T("report.photos.need_one"))
			return conversations.Stay, nil
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
		if ok, err := conversations.PhotoAcceptable(t, in.Photo); err != nil || !ok {
			return conversations.Stay, err
		}
		d.PhotoIDs, d.ReplacePhotos = nil, false
	}
	if ok, err := t.AddPhoto(ctx, &d.PhotoIDs, conversations.MaxPhotos, in.Photo); err != nil || !ok {
		return conversations.Stay, err
	}
	return conversations.Stay, d.caption(ctx, t, in.Text)
}

func promptDescription(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	return conversations.Prompt{Text: t.T("report.description"), Options: draft(t).relocate(t)}, nil
}

func handleDescription(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	if in.Kind == conversations.Choice {
		if in.Choice == "relocate" {
			return "location", nil
		}
		t.Reply(t.T("flow.hint.text"))
		return conversations.Stay, nil
	}
	text, ok := conversations.Description(t, in.Text, "report.description.short")
	if !ok {
		return conversations.Stay, nil
	}
	d := draft(t)
	d.Description = text
	return d.after("impact"), nil
}

func promptImpact(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	p := conversations.Prompt{Text: t.T("report.impact")}
	for _, im := range Impacts {
		p.Options = append(p.Options, conversations.Option{Label: t.T("impact." + im), Value: im})
	}
	p.Options = append(p.Options, draft(t).relocate(t)...)
	return p, nil
}

func handleImpact(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
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
	return conversations.Stay, nil
}

var editable = []string{"category", "photos", "location", "description", "impact"}

func promptEdit(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	p := conversations.Prompt{Text: t.T("report.edit")}
	for _, f := range editable {
		p.Options = append(p.Options, conversations.Option{Label: t.T("report.field." + f), Value: f})
	}
	p.Options = append(p.Options, conversations.Option{Label: t.T("report.field.category2"), Value: "category2"},
		conversations.Option{Label: t.T("button.back_to_summary"), Value: "summary"})
	return p, nil
}

// promptCategory2 offers a further class: any but those the report has.
func promptCategory2(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	d := draft(t)
	cats, err := t.Tx.Categories(ctx)
	if err != nil {
		return conversations.Prompt{}, err
	}
	p := conversations.Prompt{Text: t.T("report.ask.category2")}
	for _, c := range cats {
		if c.ID != d.CategoryID && !slices.Contains(d.Extra, c.ID) {
			p.Options = append(p.Options, conversations.Option{Label: categoryName(t.Lang, c.Name, c.NameEn), Value: strconv.FormatInt(c.ID, 10)})
		}
	}
	p.Options = append(p.Options, conversations.Option{Label: t.T("button.back_to_summary"), Value: "summary"})
	return p, nil
}

func handleCategory2(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	d := draft(t)
	if in.Choice != "summary" {
		id, _, ok, err := conversations.Chosen(ctx, t, in.Choice, t.Tx.CategoryByID)
		if !ok {
			return conversations.Stay, err
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
func (d *ReportDraft) categoryIDs(ctx context.Context, t *conversations.Turn) ([]int64, error) {
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

func handleEdit(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
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
	return conversations.Stay, nil
}
