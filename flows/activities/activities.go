// Package activities owns /activity (活动): clean-up days and other
// activities (seed 二(四)2) a steward or coordinator posts to the residents'
// groups (a steward: their own communities'), residents' sign-ups from the
// group (报名 / 取消报名, no account: their messenger identity; those beyond
// the places wait and move up on a cancel), and the organiser's attendance,
// which reaches the organising steward's record. The reminders the day
// before and an hour before, and the organiser's attendance question after
// the start, are the scheduler's (scheduler/activities.go).
package activities

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/alleybot/alleybot/audience"
	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// Prefix is the activities' button family: act:sign, act:unsign (public:
// residents in the group), act:attend (one signed-up name present),
// act:count (type the number present).
const Prefix = "act"

// Actions are the family's actions.
var Actions = []string{"sign", "unsign", "attend", "count"}

// Draft is an activity being written.
type Draft struct {
	Title  string    `json:"title"`
	At     time.Time `json:"at"`
	Place  string    `json:"place"`
	Places int       `json:"places"`
}

// Domain is /activity, the typed attendance and the button family.
func Domain() conversations.Domain {
	return conversations.Domain{Name: "activities", Flows: []*conversations.Flow{
		{Name: "activity", Title: "flow.activity", NewData: func() any { return &Draft{} }, Steps: []conversations.Step{
			conversations.TextStep("title", "activity.ask.title", 2, 60, handleTitle),
			{Name: "when", Accepts: conversations.Text, Prompt: promptWhen, Handle: handleWhen},
			conversations.TextStep("place", "activity.ask.place", 2, 100, handlePlace),
			conversations.TextStep("places", "activity.ask.places", 1, 6, handlePlaces),
			{Name: "groups", Accepts: conversations.Choice, Prompt: promptGroups, Handle: handleGroups},
		}},
		conversations.TextFlow("activitycount", conversations.TextStep("n", "activity.ask.count", 1, 6, handleCount)),
	}, Buttons: []conversations.ButtonFamily{{
		Prefix: Prefix, Actions: Actions, Public: []string{"sign", "unsign"}, Shared: true, Act: act,
		Label: func(lang i18n.Lang, action string) string { return i18n.T(lang, "button.activity."+action) },
	}}}
}

func draft(t *conversations.Turn) *Draft { return t.Data.(*Draft) }

func handleTitle(ctx context.Context, t *conversations.Turn, text string) (string, error) {
	draft(t).Title = text
	return "when", nil
}

func promptWhen(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	return conversations.Prompt{Text: t.T("activity.ask.when", "example", t.ExampleWhen())}, nil
}

func handleWhen(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	now := t.Deps.Now().In(t.Deps.Location)
	at, ok := conversations.ParseWhen(in.Text, now, t.Deps.Location)
	if !ok {
		t.Reply(t.T("activity.when.bad", "example", t.ExampleWhen()))
		return conversations.Stay, nil
	}
	if !at.After(now) {
		t.Reply(t.T("activity.when.past", "at", t.When(at)))
		return conversations.Stay, nil
	}
	draft(t).At = at
	return "place", nil
}

func handlePlace(ctx context.Context, t *conversations.Turn, text string) (string, error) {
	draft(t).Place = text
	return "places", nil
}

func handlePlaces(ctx context.Context, t *conversations.Turn, text string) (string, error) {
	n, err := strconv.Atoi(strings.TrimSpace(text))
	if err != nil || n < 1 || n > 10000 {
		t.Reply(t.T("activity.places.bad"))
		return conversations.Stay, nil
	}
	draft(t).Places = n
	return "groups", nil
}

// ownCommunities are the communities of the speaker's steward roles, and
// whether the speaker is limited to them (neither coordinator nor admin).
func ownCommunities(t *conversations.Turn) (map[int64]bool, bool) {
	if t.HasRole(model.RoleCoordinator) || t.HasRole(model.RoleAdmin) {
		return nil, false
	}
	own := map[int64]bool{}
	for _, r := range t.Roles {
		if r.Role == model.RoleSteward && r.CommunityID.Valid {
			own[r.CommunityID.Int64] = true
		}
	}
	return own, true
}

func promptGroups(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	cs, err := t.Tx.Communities(ctx)
	if err != nil {
		return conversations.Prompt{}, err
	}
	p := conversations.Prompt{Text: t.T("activity.ask.groups")}
	own, limited := ownCommunities(t)
	if !limited {
		p.Options = append(p.Options, conversations.Option{Label: t.T("notice.groups.all"), Value: "0"})
	}
	for _, c := range cs {
		if !limited || own[c.ID] {
			p.Options = append(p.Options, conversations.Option{Label: t.T("notice.groups.community", "community", c.Name), Value: strconv.FormatInt(c.ID, 10)})
		}
	}
	return p, nil
}

func handleGroups(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	community, _ := strconv.ParseInt(in.Choice, 10, 64)
	if own, limited := ownCommunities(t); limited && !own[community] {
		t.Reply(t.T("publicity.outside"))
		return conversations.Stay, nil
	}
	d := draft(t)
	a := store.Activity{OrganiserID: t.Person.ID, Title: d.Title, StartsAt: d.At, Place: d.Place, Places: d.Places, Communities: []int64{}}
	if community != 0 {
		a.Communities = []int64{community}
	}
	id, err := t.Tx.AddActivity(ctx, a, t.Deps.Now())
	if err != nil {
		return "", err
	}
	a.ID = id
	g := t.Deps.DefaultLang
	msgs, err := t.Audience().Groups(ctx, model.ChatResident, audience.Scope{Community: community},
		bot.Message{Text: i18n.T(g, "activity.post", "card", Card(g, t.Deps.Location, a)), Buttons: conversations.Render(g, []conversations.Button{
			conversations.FamilyButton("button.activity.sign", Prefix, "sign", id),
			conversations.FamilyButton("button.activity.unsign", Prefix, "unsign", id)})})
	if err != nil {
		return "", err
	}
	if len(msgs) == 0 {
		t.Reply(t.T("notice.no_groups"))
		return conversations.Stay, nil
	}
	t.Say(msgs...)
	t.Reply(t.T("activity.posted", "id", id, "n", len(msgs)))
	return conversations.Done, nil
}

// Card is an activity's lines: title, time, place, places.
func Card(lang i18n.Lang, loc *time.Location, a store.Activity) string {
	return i18n.T(lang, "activity.card", "title", a.Title, "at", conversations.FormatWhen(a.StartsAt, loc), "place", a.Place, "places", a.Places)
}
