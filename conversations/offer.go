package conversations

import (
	"context"
	"errors"
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
		// Not only the buttons: a photo or a point sent while the offer
		// waits is a report (it joins it); more words join the text.
		{Name: "confirm", Accepts: Choice | Photo | Location | Text, Prompt: promptOffer, Handle: handleOffer},
	}}
}

// DropOffer ends a waiting offer without a word, for a command (结束巡查,
// 查看案件 N …) that is to do what it says instead; it reports whether the
// running flow was the offer.
func (e *Engine) DropOffer(ctx context.Context, t *Turn) (bool, error) {
	if t.flow == nil || t.flow.Name != "offer" || t.state == nil {
		return false, nil
	}
	if err := t.Tx.DeleteConversation(ctx, t.state.Platform, t.state.ChatID, t.state.UserID); err != nil {
		return false, err
	}
	t.flow, t.state, t.Data = nil, nil, nil
	return true, nil
}

// AnswerOffer takes /report sent while the offer waits as its 上报; it
// reports whether the running flow was the offer.
func (e *Engine) AnswerOffer(ctx context.Context, t *Turn) (bool, error) {
	if t.flow == nil || t.flow.Name != "offer" || t.state == nil {
		return false, nil
	}
	return true, e.Handle(ctx, t, Input{Kind: Choice, Choice: t.state.Step + "|report"})
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
// location) filled in; the report asks the rest. A photo sent instead of
// the answer starts the report too, with the photo; a point joins the
// offer as the report's location; more words join its text.
func handleOffer(ctx context.Context, t *Turn, in Input) (string, error) {
	d := t.Data.(*OfferDraft)
	switch {
	case in.Kind == Text:
		more := strings.TrimSpace(in.Text)
		if Visible(more) == 0 {
			t.Reply(t.T("flow.hint.choice"))
			return Stay, nil
		}
		if d.Text != "" {
			more = strings.TrimSpace(d.Text) + " " + more
		}
		d.Text = more
		return Stay, nil
	case in.Kind == Location:
		lat, lon := in.Location.Lat, in.Location.Lon
		d.Lat, d.Lon = &lat, &lon
	case in.Kind == Photo:
	case in.Choice != "report":
		t.Reply(t.T("offer.declined"))
		return Done, nil
	}
	r := &ReportDraft{}
	if d.Text != "" && Visible(d.Text) >= 4 && utf8.RuneCountInString(d.Text) <= 1000 {
		r.Description = strings.TrimSpace(d.Text)
	}
	if d.Lat != nil && d.Lon != nil {
		a, dist, inside, err := t.Tx.ClosestAlley(ctx, *d.Lat, *d.Lon)
		switch {
		case err != nil && !errors.Is(err, store.ErrNotFound):
			return "", err
		case err == nil && inside:
			r.AlleyID, r.Lat, r.Lon = a.ID, d.Lat, d.Lon
		case err == nil && dist <= nearAlleyM: // outside them all: the location step offers the nearest
			r.Near, r.NearLat, r.NearLon = a.ID, d.Lat, d.Lon
		}
	}
	// The patrol the steward is on (its alley unless the point found one),
	// and the photo sent instead of 上报.
	if err := r.Begin(ctx, t, in); err != nil {
		return "", err
	}
	t.SwitchFlow(reportFlow(), r)
	if in.Kind == Photo && len(r.PhotoIDs) > 0 {
		t.Reply(t.T("report.photos.early", "n", len(r.PhotoIDs)))
	}
	return "category", nil
}
