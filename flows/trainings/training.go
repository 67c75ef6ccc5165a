// Package trainings owns the trainer's side of a training (seed 五): the
// notice (讲座, 现场观摩, 线上课程) published to each steward of its audience
// privately, with 报名 / 已读 / 请假, and one post to the exchange group; the
// invitees' answers, moving and cancelling it, and the lists (/trainings,
// /mytrainings). Its button family is "t".
package trainings

import (
	"context"
	"errors"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/store"
)

// Trainings (seed 五): a trainer's notice (讲座, 现场观摩, 线上课程) goes to
// each steward of its audience privately, with 报名 / 已读 / 请假, and one post
// to the exchange group; reminders, a course link whose opens are counted,
// attendance; /ask puts a steward's question to the exchange group.

// TrainingDraft is the training flow's state.
type TrainingDraft struct {
	Title       string    `json:"title,omitempty"`
	Kind        string    `json:"kind,omitempty"`
	StartsAt    time.Time `json:"starts_at,omitempty"`
	Minutes     int       `json:"minutes,omitempty"`
	Place       string    `json:"place,omitempty"`
	Link        string    `json:"link,omitempty"`
	Audience    string    `json:"audience,omitempty"` // all | community:<id> | people
	People      []int64   `json:"people,omitempty"`
	Capacity    int       `json:"capacity,omitempty"`
	Note        string    `json:"note,omitempty"`
	CommunityID int64     `json:"community_id,omitempty"`
}

func tdraft(t *conversations.Turn) *TrainingDraft { return t.Data.(*TrainingDraft) }

// TrainingKinds are the kinds of training, in the buttons' order.
var TrainingKinds = []string{"lecture", "visit", "online"}

// Settings are the trainings' own.
type Settings struct {
	// BroadcastPace is the platform's global pace (one message per pace):
	// what a broadcast's time is estimated from. PublicURL is where serve
	// answers from outside (course links /l/<token>; "" sends the link as it is).
	BroadcastPace time.Duration
	PublicURL     string
}

// Of is the trainings' settings the engine holds (nil: not registered).
func Of(e *conversations.Engine) *Settings { return conversations.SettingsOf[Settings](e) }

func settings(t *conversations.Turn) *Settings { return Of(t.Engine()) }

// Domain is the trainings' flows and their button family "t".
func Domain(s Settings) conversations.Domain {
	return conversations.Domain{Name: "trainings", Flows: flows(), Settings: &s, Buttons: []conversations.ButtonFamily{{
		Prefix: "t", Actions: Actions,
		Label: func(lang i18n.Lang, action string) string { return i18n.T(lang, "button.training."+action) },
		Act:   Act,
	}}}
}

func flows() []*conversations.Flow {
	return []*conversations.Flow{
		{Name: "training", Title: "flow.training", NewData: func() any { return &TrainingDraft{} }, Steps: []conversations.Step{
			conversations.TextStep("title", "training.ask.title", 2, 60, handleTrainingTitle),
			{Name: "kind", Accepts: conversations.Choice, Prompt: promptTrainingKind, Handle: handleTrainingKind},
			{Name: "when", Accepts: conversations.Text, Prompt: conversations.WhenPrompt("training.ask.when"), Handle: handleTrainingWhen},
			{Name: "minutes", Accepts: conversations.Choice | conversations.Text, Prompt: promptTrainingMinutes, Handle: handleTrainingMinutes},
			{Name: "place", Accepts: conversations.Text, Prompt: promptTrainingPlace, Handle: handleTrainingPlace},
			{Name: "audience", Accepts: conversations.Choice, Prompt: promptTrainingAudience, Handle: handleTrainingAudience},
			{Name: "people", Accepts: conversations.Text, Prompt: conversations.SimpleKey("training.ask.people"), Handle: handleTrainingPeople},
			{Name: "capacity", Accepts: conversations.Choice | conversations.Text, Prompt: promptTrainingCapacity, Handle: handleTrainingCapacity},
			{Name: "note", Accepts: conversations.Choice | conversations.Text, Prompt: promptTrainingNote, Handle: handleTrainingNote},
			{Name: "summary", Accepts: conversations.Choice, Prompt: promptTrainingSummary, Handle: handleTrainingSummary},
		}},
		conversations.TextFlow("tleave", conversations.TextStep("reason", "training.ask.leave", 2, conversations.MaxReason, handleTrainingLeave)),
		conversations.TextFlow("retime", conversations.Step{Name: "when", Accepts: conversations.Text, Prompt: conversations.WhenPrompt("training.ask.retime"), Handle: handleRetime}),
	}
}

// --- the training flow --------------------------------------------------------

func handleTrainingTitle(ctx context.Context, t *conversations.Turn, text string) (string, error) {
	tdraft(t).Title = text
	return "kind", nil
}

func promptTrainingKind(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	p := conversations.Prompt{Text: t.T("training.ask.kind")}
	for _, k := range TrainingKinds {
		p.Options = append(p.Options, conversations.Option{Label: t.T("training.kind." + k), Value: k})
	}
	return p, nil
}

func handleTrainingKind(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	tdraft(t).Kind = in.Choice
	return "when", nil
}

func handleTrainingWhen(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	at, ok := askedWhen(t, in.Text)
	if !ok {
		return conversations.Stay, nil
	}
	tdraft(t).StartsAt = at
	return "minutes", nil
}

func promptTrainingMinutes(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	p := conversations.Prompt{Text: t.T("training.ask.minutes")}
	for _, m := range []int{60, 90, 120, 180} {
		p.Options = append(p.Options, conversations.Option{Label: t.T("training.minutes", "n", m), Value: strconv.Itoa(m)})
	}
	return p, nil
}

func handleTrainingMinutes(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	v := in.Choice
	if in.Kind == conversations.Text {
		v = strings.TrimSuffix(strings.TrimSpace(i18n.Narrow(in.Text)), "分钟")
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 10 || n > 24*60 {
		t.Reply(t.T("training.minutes.bad"))
		return conversations.Stay, nil
	}
	tdraft(t).Minutes = n
	return "place", nil
}

func promptTrainingPlace(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	if tdraft(t).Kind == "online" {
		return conversations.Prompt{Text: t.T("training.ask.link")}, nil
	}
	return conversations.Prompt{Text: t.T("training.ask.place")}, nil
}

func handleTrainingPlace(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	d := tdraft(t)
	if d.Kind == "online" {
		u, err := url.Parse(strings.TrimSpace(in.Text))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			t.Reply(t.T("training.link.bad"))
			return conversations.Stay, nil
		}
		d.Link, d.Place = u.String(), ""
		return "audience", nil
	}
	text, ok := conversations.ShortText(t, in.Text, 2, 100)
	if !ok {
		return conversations.Stay, nil
	}
	d.Place, d.Link = text, ""
	return "audience", nil
}

func promptTrainingAudience(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	cs, err := t.Tx.Communities(ctx)
	if err != nil {
		return conversations.Prompt{}, err
	}
	p := conversations.Prompt{Text: t.T("training.ask.audience"), Options: []conversations.Option{{Label: t.T("training.audience.all"), Value: "all"}}}
	for _, c := range cs {
		p.Options = append(p.Options, conversations.Option{Label: t.T("training.audience.community", "community", c.Name), Value: "community:" + strconv.FormatInt(c.ID, 10)})
	}
	p.Options = append(p.Options, conversations.Option{Label: t.T("training.audience.people"), Value: "people"})
	return p, nil
}

func handleTrainingAudience(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	d := tdraft(t)
	d.Audience, d.People, d.CommunityID = in.Choice, nil, 0
	if in.Choice == "people" {
		return "people", nil
	}
	if id, ok := strings.CutPrefix(in.Choice, "community:"); ok {
		d.CommunityID, _ = strconv.ParseInt(id, 10, 64)
	}
	return "capacity", nil
}

var nameSep = regexp.MustCompile(`[、,,;;\s]+`)

func handleTrainingPeople(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	ids, ok, err := FindPeople(ctx, t, in.Text)
	if !ok {
		return conversations.Stay, err
	}
	if len(ids) == 0 {
		t.Reply(t.T("training.audience.empty"))
		return conversations.Stay, nil
	}
	tdraft(t).People = ids
	return "capacity", nil
}

// FindPeople resolves names or codes separated by 、 , ; or spaces; ok is
// false when some are nobody's (they are said).
func FindPeople(ctx context.Context, t *conversations.Turn, text string) ([]int64, bool, error) {
	var ids []int64
	var unknown []string
	seen := map[int64]bool{}
	for _, n := range nameSep.Split(strings.TrimSpace(text), -1) {
		if n == "" {
			continue
		}
		p, err := t.Tx.FindPerson(ctx, n)
		if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrAmbiguous) {
			unknown = append(unknown, n)
			continue
		}
		if err != nil {
			return nil, false, err
		}
		if !seen[p.ID] {
			seen[p.ID] = true
			ids = append(ids, p.ID)
		}
	}
	if len(unknown) > 0 {
		t.Reply(t.T("training.people.unknown", "names", strings.Join(unknown, "、")))
		return nil, false, nil
	}
	return ids, true, nil
}

func promptTrainingCapacity(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	return conversations.Prompt{Text: t.T("training.ask.capacity"), Options: []conversations.Option{{Label: t.T("training.capacity.none"), Value: "0"}}}, nil
}

func handleTrainingCapacity(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	d := tdraft(t)
	if in.Kind == conversations.Choice {
		d.Capacity = 0
		return "note", nil
	}
	n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(i18n.Narrow(in.Text)), "人"))
	if err != nil || n < 1 || n > 100000 {
		t.Reply(t.T("training.capacity.bad"))
		return conversations.Stay, nil
	}
	d.Capacity = n
	return "note", nil
}

func promptTrainingNote(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	return conversations.Prompt{Text: t.T("training.ask.note"), Options: []conversations.Option{{Label: t.T("button.skip"), Value: "skip"}}}, nil
}

func handleTrainingNote(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	d := tdraft(t)
	d.Note = ""
	if in.Kind == conversations.Text {
		text, ok := conversations.ShortText(t, in.Text, 1, conversations.MaxReason)
		if !ok {
			return conversations.Stay, nil
		}
		d.Note = text
	}
	return "summary", nil
}

// trainingText is the notice as a steward reads it.
func trainingText(lang i18n.Lang, loc *time.Location, tr store.Training) string {
	where := tr.Place
	if tr.Link != "" {
		where = i18n.T(lang, "training.online")
	}
	text := i18n.T(lang, "training.card", "title", tr.Title, "kind", i18n.T(lang, "training.kind."+tr.Kind),
		"at", conversations.FormatWhen(tr.StartsAt, loc), "minutes", tr.Minutes, "where", where)
	if tr.Capacity.Valid {
		text += "\n" + i18n.T(lang, "training.card.capacity", "n", tr.Capacity.Int64)
	}
	if tr.Note != "" {
		text += "\n" + i18n.T(lang, "training.card.note", "note", tr.Note)
	}
	return text
}

func (d *TrainingDraft) training(createdBy int64) store.Training {
	tr := store.Training{Title: d.Title, Kind: d.Kind, StartsAt: d.StartsAt, Minutes: d.Minutes, Place: d.Place, Link: d.Link, Note: d.Note}
	if d.Capacity > 0 {
		tr.Capacity.Int64, tr.Capacity.Valid = int64(d.Capacity), true
	}
	tr.CreatedBy.Int64, tr.CreatedBy.Valid = createdBy, createdBy != 0
	return tr
}

// audienceOf resolves the draft's audience to people.
func audienceOf(ctx context.Context, t *conversations.Turn, d *TrainingDraft) ([]int64, error) {
	switch {
	case d.Audience == "people":
		return d.People, nil
	case d.CommunityID != 0:
		return t.Tx.StewardsIn(ctx, []int64{d.CommunityID})
	}
	return t.Tx.StewardsIn(ctx, nil)
}

func promptTrainingSummary(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	d := tdraft(t)
	people, err := audienceOf(ctx, t, d)
	if err != nil {
		return conversations.Prompt{}, err
	}
	return conversations.Prompt{Text: t.T("training.summary", "card", trainingText(t.Lang, t.Deps.Location, d.training(0)), "n", len(people),
		"eta", conversations.ETA(settings(t).BroadcastPace, len(people))), Options: []conversations.Option{
		{Label: t.T("button.publish"), Value: "publish"}, {Label: t.T("button.edit"), Value: "edit"}, {Label: t.T("button.cancel"), Value: "cancel"}}}, nil
}

func handleTrainingSummary(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	switch in.Choice {
	case "edit":
		return "title", nil
	case "cancel":
		t.Reply(t.T("training.discarded"))
		return conversations.Done, nil
	case "publish":
	default:
		t.Reply(t.T("flow.hint.choice"))
		return conversations.Stay, nil
	}
	d := tdraft(t)
	if !d.StartsAt.After(t.Deps.Now()) {
		t.Reply(t.T("training.when.past", "at", t.When(d.StartsAt)))
		return "when", nil
	}
	people, err := audienceOf(ctx, t, d)
	if err != nil {
		return "", err
	}
	if len(people) == 0 {
		t.Reply(t.T("training.audience.empty"))
		return "audience", nil
	}
	return conversations.Done, publishTraining(ctx, t, d.training(t.Person.ID), people)
}

// askedWhen reads a training's time: one that cannot be read, or is past,
// is said.
func askedWhen(t *conversations.Turn, text string) (time.Time, bool) {
	now := t.Deps.Now().In(t.Deps.Location)
	at, ok := conversations.ParseWhen(text, now, t.Deps.Location)
	if !ok {
		t.Reply(t.T("training.when.bad", "example", t.ExampleWhen()))
		return at, false
	}
	if !at.After(now) {
		t.Reply(t.T("training.when.past", "at", t.When(at)))
		return at, false
	}
	return at, true
}
