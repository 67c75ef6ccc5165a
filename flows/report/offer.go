package report

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/alleybot/alleybot/conversations"
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

func offerFlow() *conversations.Flow {
	return &conversations.Flow{Name: "offer", Title: "flow.report", NewData: func() any { return &OfferDraft{} }, Steps: []conversations.Step{
		// Not only the buttons: a photo or a point sent while the offer
		// waits is a report (it joins it); more words join the text.
		{Name: "confirm", Accepts: conversations.Choice | conversations.Photo | conversations.Location | conversations.Text, Prompt: promptOffer, Handle: handleOffer},
	}}
}

// DropOffer ends a waiting offer without a word, for a command (结束巡查,
// 查看案件 N …) that is to do what it says instead; it reports whether the
// running flow was the offer.
func DropOffer(ctx context.Context, e *conversations.Engine, t *conversations.Turn) (bool, error) {
	if t.FlowName() != "offer" {
		return false, nil
	}
	return true, e.Drop(ctx, t)
}

// AnswerOffer takes /report sent while the offer waits as its 上报; it
// reports whether the running flow was the offer.
func AnswerOffer(ctx context.Context, e *conversations.Engine, t *conversations.Turn) (bool, error) {
	if t.FlowName() != "offer" {
		return false, nil
	}
	return true, e.Handle(ctx, t, conversations.Input{Kind: conversations.Choice, Choice: t.StepName() + "|report"})
}

// Offer starts the offer for a text or a point.
func Offer(ctx context.Context, e *conversations.Engine, t *conversations.Turn, text string, lat, lon *float64) error {
	if err := e.Start(ctx, t, "offer", nil); err != nil {
		return err
	}
	d := t.Data.(*OfferDraft)
	d.Text, d.Lat, d.Lon = text, lat, lon
	if err := e.Save(ctx, t); err != nil {
		return err
	}
	// The prompt went out before the draft was filled: say it again, filled.
	t.Out = t.Out[:len(t.Out)-1]
	return e.Reprompt(ctx, t)
}

func promptOffer(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	d := t.Data.(*OfferDraft)
	text := t.T("offer.point")
	if d.Text != "" {
		shown := d.Text
		if utf8.RuneCountInString(shown) > 60 {
			shown = string([]rune(shown)[:60]) + "…"
		}
		text = t.T("offer.text", "text", shown)
	}
	return conversations.Prompt{Text: text, Options: []conversations.Option{{Label: t.T("button.offer.report"), Value: "report"}, {Label: t.T("button.offer.no"), Value: "no"}}}, nil
}

// handleOffer turns the offer into the report flow, its description (or
// location) filled in; the report asks the rest. A photo sent instead of
// the answer starts the report too, with the photo; a point joins the
// offer as the report's location; more words join its text.
func handleOffer(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	d := t.Data.(*OfferDraft)
	switch {
	case in.Kind == conversations.Text:
		more := strings.TrimSpace(in.Text)
		if conversations.Visible(more) == 0 {
			t.Reply(t.T("flow.hint.choice"))
			return conversations.Stay, nil
		}
		if d.Text != "" {
			more = strings.TrimSpace(d.Text) + " " + more
		}
		d.Text = more
		return conversations.Stay, nil
	case in.Kind == conversations.Location:
		lat, lon := in.Location.Lat, in.Location.Lon
		d.Lat, d.Lon = &lat, &lon
	case in.Kind == conversations.Photo:
	case in.Choice != "report":
		t.Reply(t.T("offer.declined"))
		return conversations.Done, nil
	}
	r := &ReportDraft{}
	if d.Text != "" && conversations.Visible(d.Text) >= 4 && utf8.RuneCountInString(d.Text) <= 1000 {
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
	t.SwitchFlow(Flow(), r)
	if in.Kind == conversations.Photo && len(r.PhotoIDs) > 0 {
		t.Reply(t.T("report.photos.early", "n", len(r.PhotoIDs)))
	}
	return "category", nil
}
