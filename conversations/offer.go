package conversations

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/alleybot/alleybot/store"
)

// A steward's words (or a shared point) outside any flow are usually a
// problem to report: the bot offers 「要上报这个问题吗?」 [上报] [不用], and 上报
// starts the report with the text as its description (or the point as its
// location).

// OfferDraft is what was offered.
type OfferDraft struct {
	Text string   `json:"text,omitempty"`
	Lat  *float64 `json:"lat,omitempty"`
	Lon  *float64 `json:"lon,omitempty"`
}

func offerFlow() *Flow {
	return &Flow{Name: "offer", Title: "flow.report", NewData: func() any { return &OfferDraft{} }, Steps: []Step{
		{Name: "confirm", Accepts: Choice, Prompt: promptOffer, Handle: handleOffer},
	}}
}

// OfferReport starts the offer for a text or a point.
func (e *Engine) OfferReport(ctx context.Context, t *Turn, text string, lat, lon *float64) error {
	if err := e.Start(ctx, t, "offer", nil); err != nil {
		return err
	}
	d := t.Data.(*OfferDraft)
	d.Text, d.Lat, d.Lon = text, lat, lon
	if err := e.save(ctx, t); err != nil {
		return err
	}
	// The prompt went out before the draft was filled: say it again, filled.
	t.Out = t.Out[:len(t.Out)-1]
	return e.prompt(ctx, t)
}

func promptOffer(ctx context.Context, t *Turn) (Prompt, error) {
	d := t.Data.(*OfferDraft)
	text := t.T("offer.point")
	if d.Text != "" {
		shown := d.Text
		if utf8.RuneCountInString(shown) > 60 {
			shown = string([]rune(shown)[:60]) + "…"
		}
		text = t.T("offer.text", "text", shown)
	}
	return Prompt{Text: text, Options: []Option{{Label: t.T("button.offer.report"), Value: "report"}, {Label: t.T("button.offer.no"), Value: "no"}}}, nil
}

// handleOffer turns the offer into the report flow, its description (or
// location) filled in; the report asks the rest.
func handleOffer(ctx context.Context, t *Turn, in Input) (string, error) {
	d := t.Data.(*OfferDraft)
	if in.Choice != "report" {
		t.Reply(t.T("offer.declined"))
		return Done, nil
	}
	r := &ReportDraft{}
	if d.Text != "" && Visible(d.Text) >= 4 && utf8.RuneCountInString(d.Text) <= 1000 {
		r.Description = strings.TrimSpace(d.Text)
	}
	if d.Lat != nil && d.Lon != nil {
		if a, _, err := t.Tx.NearestAlley(ctx, *d.Lat, *d.Lon); err == nil {
			r.AlleyID, r.Lat, r.Lon = a.ID, d.Lat, d.Lon
		} else if err != store.ErrNotFound {
			return "", err
		}
	}
	if p, err := t.Tx.OpenPatrol(ctx, t.Person.ID); err == nil && r.AlleyID == 0 {
		r.PatrolID, r.AlleyID = p.ID, p.AlleyID
	}
	t.flow, t.Data = reportFlow(), r
	t.state.Flow, t.state.History = "report", nil
	return "category", nil
}
