// Package notices owns publicity notices: a text (and a photo) posted to
// the residents' groups, all or one community's.
package notices

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/alleybot/alleybot/audience"
	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/model"
)

// Settings are the notices' own.
type Settings struct {
	// BroadcastPace is the platform's global pace: what a post's time is
	// estimated from.
	BroadcastPace time.Duration
}

// Domain is the notice flow.
func Domain(s Settings) conversations.Domain {
	return conversations.Domain{Name: "notices", Settings: &s, Flows: []*conversations.Flow{
		conversations.TextFlow("notice",
			conversations.TextStep("text", "notice.ask.text", 4, 1000, handleNoticeText),
			conversations.Step{Name: "photo", Accepts: conversations.Photo | conversations.Choice, Prompt: promptNoticePhoto, Handle: handleNoticePhoto},
			conversations.Step{Name: "groups", Accepts: conversations.Choice, Prompt: promptNoticeGroups, Handle: handleNoticeGroups}),
	}}
}

func pace(t *conversations.Turn) time.Duration {
	return conversations.SettingsOf[Settings](t.Engine()).BroadcastPace
}

func handleNoticeText(ctx context.Context, t *conversations.Turn, text string) (string, error) {
	conversations.TextOf(t).Text = text
	return "photo", nil
}

func promptNoticePhoto(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	return conversations.Prompt{Text: t.T("notice.ask.photo"), Options: []conversations.Option{{Label: t.T("button.skip"), Value: "skip"}}}, nil
}

func handleNoticePhoto(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	if in.Kind == conversations.Photo {
		id, ok, err := t.SavePhoto(ctx, in.Photo)
		if err != nil || !ok {
			return conversations.Stay, err
		}
		conversations.TextOf(t).PhotoID = id
	}
	return "groups", nil
}

func promptNoticeGroups(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	cs, err := t.Tx.Communities(ctx)
	if err != nil {
		return conversations.Prompt{}, err
	}
	p := conversations.Prompt{Text: t.T("notice.ask.groups")}
	own, limited := ownCommunities(t)
	if !limited {
		p.Options = append(p.Options, conversations.Option{Label: t.T("notice.groups.all"), Value: "0"})
	}
	for _, c := range cs {
		if limited && !own[c.ID] {
			continue
		}
		p.Options = append(p.Options, conversations.Option{Label: t.T("notice.groups.community", "community", c.Name), Value: strconv.FormatInt(c.ID, 10)})
	}
	return p, nil
}

func handleNoticeGroups(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	community, _ := strconv.ParseInt(in.Choice, 10, 64)
	d := conversations.TextOf(t)
	if own, limited := ownCommunities(t); limited {
		if !own[community] {
			t.Reply(t.T("publicity.outside"))
			return conversations.Stay, nil
		}
		if conversations.SettingsOf[Publicity](t.Engine()).NeedsApproval {
			return conversations.Done, askApproval(ctx, t, community, d.Text, d.PhotoID)
		}
	}
	n, err := post(ctx, t, community, d.Text, d.PhotoID)
	if err != nil {
		return "", err
	}
	if n == 0 {
		t.Reply(t.T("notice.no_groups"))
		return conversations.Stay, nil
	}
	// Groups take 3 s each (20 a minute), side by side; the platform's
	// global pace bounds them all.
	t.Reply(t.T("notice.sent", "n", n, "eta", conversations.ETA(pace(t), n)))
	return conversations.Done, nil
}

// post queues a notice to the residents' groups of a community (0: all)
// and returns how many groups it goes to.
func post(ctx context.Context, t *conversations.Turn, community int64, text string, photoID int64) (int, error) {
	var photo *bot.Photo
	if photoID != 0 {
		p, err := t.Tx.PhotoByID(ctx, photoID)
		if err != nil {
			return 0, err
		}
		if photo, err = t.Photo(ctx, p); err != nil {
			return 0, err
		}
	}
	g := t.Deps.DefaultLang
	msgs, err := t.Audience().Groups(ctx, model.ChatResident, audience.Scope{Community: community},
		bot.Message{Text: i18n.T(g, "notice.post", "text", text), Photo: photo, Broadcast: fmt.Sprintf("notice:%d", t.Deps.Now().UnixNano())})
	if err != nil {
		return 0, err
	}
	t.Say(msgs...)
	return len(msgs), nil
}
