// Package suggestions owns residents' suggestions (seed 二(三)1): a
// resident's 建议 in a residents' group or privately gets a number
// (J2026-000001), goes to the alley's stewards (the community's when the
// group names no alley) and the coordinators, who turn it into a case
// (转为案件), answer it (已答复: the resident is told) or record it (记录);
// their button family "sg".
package suggestions

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"unicode"

	"github.com/alleybot/alleybot/audience"
	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/flows/cases"
	"github.com/alleybot/alleybot/flows/report"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// Prefix is the suggestions' button family ("sg:<action>:<id>").
const Prefix = "sg"

// Actions are a suggestion card's buttons, for the permission table.
var Actions = []string{"case", "answer", "record"}

// Decision is the state of a decision on a suggestion.
type Decision struct {
	SuggestionID int64 `json:"suggestion_id"`
	CategoryID   int64 `json:"category_id,omitempty"`
}

// Domain is the decision flows and the button family "sg".
func Domain() conversations.Domain {
	nd := func() any { return &Decision{} }
	return conversations.Domain{Name: "suggestions", Flows: []*conversations.Flow{
		{Name: "sgcase", Title: "flow.sgcase", NewData: nd, Steps: []conversations.Step{
			{Name: "category", Accepts: conversations.Choice, Prompt: deciding(report.PromptCategory), Handle: handleCategory},
			{Name: "alley", Accepts: conversations.Choice, Prompt: deciding(promptAlley), Handle: handleAlley},
		}},
		{Name: "sganswer", Title: "flow.sganswer", NewData: nd, Steps: []conversations.Step{
			{Name: "text", Accepts: conversations.Text, Prompt: deciding(conversations.SimpleKey("suggestion.ask.answer")), Handle: handleAnswer},
		}},
	}, Buttons: []conversations.ButtonFamily{{
		Prefix: Prefix, Actions: Actions, Shared: true,
		Label: func(lang i18n.Lang, action string) string { return i18n.T(lang, "button.suggestion."+action) },
		Act:   Act,
	}}}
}

// Clean takes the suggestion out of a message ("建议 …", "建议:…"): ok
// false (and the reason said) when nothing a reader can read is left —
// empty, or only emoji, symbols and invisible characters.
func Clean(t *conversations.Turn, text string) (string, bool) {
	text = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(text), "建议"))
	text = strings.TrimSpace(strings.TrimLeft(text, ":：,，、 "))
	if conversations.Visible(text) == 0 {
		t.Reply(t.T("suggestion.empty"))
		return "", false
	}
	words := 0
	for _, r := range text {
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			words++
		}
	}
	if words < 2 {
		t.Reply(t.T("suggestion.no_words"))
		return "", false
	}
	if n := len([]rune(text)); n > 1000 {
		t.Reply(t.T("report.description.long", "n", n))
		return "", false
	}
	return text, true
}

// Submit files a resident's suggestion (the group's binding gives its
// community and alley; none privately), acknowledges it where it was
// written and puts it before the stewards and the coordinators.
func Submit(ctx context.Context, t *conversations.Turn, text string) error {
	u := t.Update
	n := store.NewSuggestion{Text: text, Platform: string(u.Platform), UserID: u.UserID, ChatID: u.ChatID,
		ResidentName: u.UserName, At: t.Deps.Now().In(t.Deps.Location)}
	if u.ChatKind == bot.Group {
		chat, err := t.Tx.ChatByBinding(ctx, string(u.Platform), u.ChatID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err != nil || chat.Kind != model.ChatResident {
			return nil // only a residents' group takes suggestions
		}
		n.CommunityID, n.AlleyID = chat.CommunityID.Int64, chat.AlleyID.Int64
	}
	s, err := t.Tx.CreateSuggestion(ctx, n)
	if err != nil {
		return err
	}
	t.Reply(t.T("suggestion.received", "number", s.Number))
	return notify(ctx, t, s)
}

// card is a suggestion as the staff see it: never the resident's name or
// account.
func card(lang i18n.Lang, t *conversations.Turn, s store.Suggestion) string {
	where := s.AlleyName
	if where == "" {
		where = "—"
	}
	return i18n.T(lang, "suggestion.card", "number", s.Number, "text", s.Text, "where", where,
		"at", conversations.FormatWhen(s.CreatedAt, t.Deps.Location))
}

func buttons(id int64) []conversations.Button {
	return []conversations.Button{
		conversations.FamilyButton("button.suggestion.case", Prefix, "case", id),
		conversations.FamilyButton("button.suggestion.answer", Prefix, "answer", id),
		conversations.FamilyButton("button.suggestion.record", Prefix, "record", id),
	}
}

// notify sends the card to the alley's stewards (the community's when no
// alley), privately, and to the coordinators' group.
func notify(ctx context.Context, t *conversations.Turn, s store.Suggestion) error {
	var stewards []store.Person
	var err error
	switch {
	case s.AlleyID.Valid:
		stewards, err = t.Tx.StewardsOfAlley(ctx, s.AlleyID.Int64)
	case s.CommunityID.Valid:
		stewards, err = t.Tx.StewardsOfCommunity(ctx, s.CommunityID.Int64)
	}
	if err != nil {
		return err
	}
	for _, p := range stewards {
		msgs, err := t.Audience().Person(ctx, p.ID, func(lang i18n.Lang) bot.Message {
			return bot.Message{Text: i18n.T(lang, "notify.suggestion", "card", card(lang, t, s)),
				Buttons: conversations.Render(lang, buttons(s.ID))}
		})
		if err != nil {
			return err
		}
		t.Say(msgs...)
	}
	g := t.Deps.DefaultLang
	return t.ToGroups(ctx, model.ChatCoordinators, audience.Scope{}, i18n.T(g, "notify.suggestion", "card", card(g, t, s)), nil, buttons(s.ID)...)
}

// handled tells who handled a suggestion already (a second press).
func handled(t *conversations.Turn, s store.Suggestion) {
	at := ""
	if s.HandledAt.Valid {
		at = t.When(s.HandledAt.Time)
	}
	t.Reply(t.T("suggestion.handled", "number", s.Number, "status", t.T("suggestion.status."+s.Status),
		"who", s.HandledBy.String, "at", at))
}

// Act handles a pressed suggestion button (the caller checked the role):
// 记录 at once, 转为案件 and 已答复 as a flow, privately.
func Act(ctx context.Context, e *conversations.Engine, t *conversations.Turn, a conversations.Pressed) error {
	s, err := t.Tx.LockSuggestion(ctx, a.ID)
	if errors.Is(err, store.ErrNotFound) {
		t.Reply(t.T("suggestion.not_found"))
		return nil
	}
	if err != nil {
		return err
	}
	if s.Status != "new" {
		handled(t, s)
		return nil
	}
	if a.Action == "record" {
		if err := t.Tx.DecideSuggestion(ctx, s.ID, "recorded", "", t.Person.ID, 0, t.Deps.Now()); err != nil {
			return err
		}
		t.Reply(t.T("suggestion.done.recorded", "number", s.Number))
		return nil
	}
	return e.StartPrivately(ctx, t, e.Flow("sg"+a.Action), &Decision{SuggestionID: s.ID})
}

// deciding puts the suggestion above a decision's question.
func deciding(ask func(context.Context, *conversations.Turn) (conversations.Prompt, error)) func(context.Context, *conversations.Turn) (conversations.Prompt, error) {
	return func(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
		s, err := t.Tx.SuggestionByID(ctx, t.Data.(*Decision).SuggestionID)
		if err != nil {
			return conversations.Prompt{}, err
		}
		p, err := ask(ctx, t)
		p.Text = t.T("suggestion.deciding", "card", card(t.Lang, t, s)) + "\n\n" + p.Text
		return p, err
	}
}

// lockNew locks the decision's suggestion and checks nobody handled it
// meanwhile.
func lockNew(ctx context.Context, t *conversations.Turn) (store.Suggestion, bool, error) {
	s, err := t.Tx.LockSuggestion(ctx, t.Data.(*Decision).SuggestionID)
	if err != nil {
		return s, false, err
	}
	if s.Status != "new" {
		handled(t, s)
		return s, false, nil
	}
	return s, true, nil
}

func handleAnswer(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	text := strings.TrimSpace(in.Text)
	if !conversations.TextFits(t, text, 2, conversations.MaxReason) {
		return conversations.Stay, nil
	}
	s, ok, err := lockNew(ctx, t)
	if err != nil || !ok {
		return conversations.Done, err
	}
	if err := t.Tx.DecideSuggestion(ctx, s.ID, "answered", text, t.Person.ID, 0, t.Deps.Now()); err != nil {
		return "", err
	}
	t.Reply(t.T("suggestion.done.answered", "number", s.Number))
	tellResident(t, s, "resident.suggestion.answered", "number", s.Number, "text", text)
	return conversations.Done, nil
}

func handleCategory(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	id, _, ok, err := conversations.Chosen(ctx, t, in.Choice, t.Tx.CategoryByID)
	if !ok {
		return conversations.Stay, err
	}
	t.Data.(*Decision).CategoryID = id
	s, err := t.Tx.SuggestionByID(ctx, t.Data.(*Decision).SuggestionID)
	if err != nil || !s.AlleyID.Valid {
		return "alley", err
	}
	return conversations.Done, toCase(ctx, t, s.AlleyID.Int64)
}

func promptAlley(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	s, err := t.Tx.SuggestionByID(ctx, t.Data.(*Decision).SuggestionID)
	if err != nil {
		return conversations.Prompt{}, err
	}
	as, err := t.Tx.AllAlleys(ctx)
	if err != nil {
		return conversations.Prompt{}, err
	}
	p := conversations.Prompt{Text: t.T("suggestion.ask.alley")}
	for _, a := range as {
		if !s.CommunityID.Valid || a.CommunityID == s.CommunityID.Int64 {
			p.Options = append(p.Options, conversations.Option{Label: a.Name, Value: strconv.FormatInt(a.ID, 10)})
		}
	}
	return p, nil
}

func handleAlley(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	id, _, ok, err := conversations.Chosen(ctx, t, in.Choice, t.Tx.AlleyByID)
	if !ok {
		return conversations.Stay, err
	}
	return conversations.Done, toCase(ctx, t, id)
}

// toCase makes a case of the suggestion, like a complaint's: it goes to
// the center's queue; the resident is told its number.
func toCase(ctx context.Context, t *conversations.Turn, alleyID int64) error {
	s, ok, err := lockNew(ctx, t)
	if err != nil || !ok {
		return err
	}
	cat, err := t.Tx.CategoryByID(ctx, t.Data.(*Decision).CategoryID)
	if err != nil {
		return err
	}
	c, err := t.Tx.CreateCase(ctx, store.NewCase{AlleyID: alleyID, Description: s.Text, Impact: "alley", Source: "suggestion",
		CategoryIDs: []int64{cat.ID}, DepartmentID: cat.DepartmentID, At: t.Deps.Now().In(t.Deps.Location)})
	if err != nil {
		return err
	}
	if err := t.Tx.DecideSuggestion(ctx, s.ID, "converted", "", t.Person.ID, c.ID, t.Deps.Now()); err != nil {
		return err
	}
	t.Reply(t.T("suggestion.done.converted", "suggestion", s.Number, "number", c.Number))
	tellResident(t, s, "resident.suggestion.converted", "suggestion", s.Number, "number", c.Number)
	view, err := t.Tx.CaseByID(ctx, c.ID)
	if err != nil {
		return err
	}
	return cases.CenterCard(ctx, t, view, "notify.center")
}

// tellResident answers the resident where they wrote (the residents'
// group, or privately), in the catalog's default language.
func tellResident(t *conversations.Turn, s store.Suggestion, key string, args ...any) {
	p := bot.Platform(s.Platform)
	if p.Local() && p != t.Update.Platform {
		return
	}
	kind := bot.Private
	if s.ChatID != bot.PrivateChatID(p, s.UserID) {
		kind = bot.Group
	}
	t.Say(bot.Message{Platform: p, ChatID: s.ChatID, Kind: kind, Recipient: s.ResidentName,
		Text: i18n.T(t.Deps.DefaultLang, key, append(args, "name", s.ResidentName)...)})
}
