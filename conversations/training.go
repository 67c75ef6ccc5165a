package conversations

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/alleybot/alleybot/audience"
	"github.com/alleybot/alleybot/bot"
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

func tdraft(t *Turn) *TrainingDraft { return t.Data.(*TrainingDraft) }

// TrainingKinds are the kinds of training, in the buttons' order.
var TrainingKinds = []string{"lecture", "visit", "online"}

func trainingFlows() []*Flow {
	nd := func() any { return &TextDraft{} }
	return []*Flow{
		{Name: "training", Title: "flow.training", NewData: func() any { return &TrainingDraft{} }, Steps: []Step{
			{Name: "title", Accepts: Text, Prompt: SimpleKey("training.ask.title"), Handle: handleTrainingTitle},
			{Name: "kind", Accepts: Choice, Prompt: promptTrainingKind, Handle: handleTrainingKind},
			{Name: "when", Accepts: Text, Prompt: WhenPrompt("training.ask.when"), Handle: handleTrainingWhen},
			{Name: "minutes", Accepts: Choice | Text, Prompt: promptTrainingMinutes, Handle: handleTrainingMinutes},
			{Name: "place", Accepts: Text, Prompt: promptTrainingPlace, Handle: handleTrainingPlace},
			{Name: "audience", Accepts: Choice, Prompt: promptTrainingAudience, Handle: handleTrainingAudience},
			{Name: "people", Accepts: Text, Prompt: SimpleKey("training.ask.people"), Handle: handleTrainingPeople},
			{Name: "capacity", Accepts: Choice | Text, Prompt: promptTrainingCapacity, Handle: handleTrainingCapacity},
			{Name: "note", Accepts: Choice | Text, Prompt: promptTrainingNote, Handle: handleTrainingNote},
			{Name: "summary", Accepts: Choice, Prompt: promptTrainingSummary, Handle: handleTrainingSummary},
		}},
		{Name: "tleave", Title: "flow.tleave", NewData: nd, Steps: []Step{
			{Name: "reason", Accepts: Text, Prompt: SimpleKey("training.ask.leave"), Handle: handleTrainingLeave},
		}},
		{Name: "retime", Title: "flow.retime", NewData: nd, Steps: []Step{
			{Name: "when", Accepts: Text, Prompt: WhenPrompt("training.ask.retime"), Handle: handleRetime},
		}},
		{Name: "attendance", Title: "flow.attendance", NewData: nd, Steps: []Step{
			{Name: "mode", Accepts: Choice, Prompt: promptAttendance, Handle: handleAttendanceMode},
			{Name: "absent", Accepts: Choice | Text, Prompt: promptAbsent, Handle: handleAbsent},
			{Name: "came", Accepts: Text, Prompt: SimpleKey("training.ask.came"), Handle: handleCame},
		}},
		{Name: "ask", Title: "flow.ask", NewData: nd, Steps: []Step{
			{Name: "text", Accepts: Text, Prompt: SimpleKey("question.ask"), Handle: handleQuestion},
		}},
		{Name: "qanswer", Title: "flow.qanswer", NewData: nd, Steps: []Step{
			{Name: "text", Accepts: Text, Prompt: SimpleKey("question.ask.answer"), Handle: handleQuestionAnswer},
		}},
		{Name: "notice", Title: "flow.notice", NewData: nd, Steps: []Step{
			{Name: "text", Accepts: Text, Prompt: SimpleKey("notice.ask.text"), Handle: handleNoticeText},
			{Name: "photo", Accepts: Photo | Choice, Prompt: promptNoticePhoto, Handle: handleNoticePhoto},
			{Name: "groups", Accepts: Choice, Prompt: promptNoticeGroups, Handle: handleNoticeGroups},
		}},
	}
}

// --- the training flow --------------------------------------------------------

func handleTrainingTitle(ctx context.Context, t *Turn, in Input) (string, error) {
	text, ok := ShortText(t, in.Text, 2, 60)
	if !ok {
		return Stay, nil
	}
	tdraft(t).Title = text
	return "kind", nil
}

func promptTrainingKind(ctx context.Context, t *Turn) (Prompt, error) {
	p := Prompt{Text: t.T("training.ask.kind")}
	for _, k := range TrainingKinds {
		p.Options = append(p.Options, Option{Label: t.T("training.kind." + k), Value: k})
	}
	return p, nil
}

func handleTrainingKind(ctx context.Context, t *Turn, in Input) (string, error) {
	tdraft(t).Kind = in.Choice
	return "when", nil
}

func handleTrainingWhen(ctx context.Context, t *Turn, in Input) (string, error) {
	now := t.Deps.Now().In(t.Deps.Location)
	at, ok := ParseWhen(in.Text, now, t.Deps.Location)
	if !ok {
		t.Reply(t.T("training.when.bad", "example", t.ExampleWhen()))
		return Stay, nil
	}
	if !at.After(now) {
		t.Reply(t.T("training.when.past", "at", t.When(at)))
		return Stay, nil
	}
	tdraft(t).StartsAt = at
	return "minutes", nil
}

func promptTrainingMinutes(ctx context.Context, t *Turn) (Prompt, error) {
	p := Prompt{Text: t.T("training.ask.minutes")}
	for _, m := range []int{60, 90, 120, 180} {
		p.Options = append(p.Options, Option{Label: t.T("training.minutes", "n", m), Value: strconv.Itoa(m)})
	}
	return p, nil
}

func handleTrainingMinutes(ctx context.Context, t *Turn, in Input) (string, error) {
	v := in.Choice
	if in.Kind == Text {
		v = strings.TrimSuffix(strings.TrimSpace(i18n.Narrow(in.Text)), "分钟")
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 10 || n > 24*60 {
		t.Reply(t.T("training.minutes.bad"))
		return Stay, nil
	}
	tdraft(t).Minutes = n
	return "place", nil
}

func promptTrainingPlace(ctx context.Context, t *Turn) (Prompt, error) {
	if tdraft(t).Kind == "online" {
		return Prompt{Text: t.T("training.ask.link")}, nil
	}
	return Prompt{Text: t.T("training.ask.place")}, nil
}

func handleTrainingPlace(ctx context.Context, t *Turn, in Input) (string, error) {
	d := tdraft(t)
	if d.Kind == "online" {
		u, err := url.Parse(strings.TrimSpace(in.Text))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			t.Reply(t.T("training.link.bad"))
			return Stay, nil
		}
		d.Link, d.Place = u.String(), ""
		return "audience", nil
	}
	text, ok := ShortText(t, in.Text, 2, 100)
	if !ok {
		return Stay, nil
	}
	d.Place, d.Link = text, ""
	return "audience", nil
}

func promptTrainingAudience(ctx context.Context, t *Turn) (Prompt, error) {
	cs, err := t.Tx.Communities(ctx)
	if err != nil {
		return Prompt{}, err
	}
	p := Prompt{Text: t.T("training.ask.audience"), Options: []Option{{Label: t.T("training.audience.all"), Value: "all"}}}
	for _, c := range cs {
		p.Options = append(p.Options, Option{Label: t.T("training.audience.community", "community", c.Name), Value: "community:" + strconv.FormatInt(c.ID, 10)})
	}
	p.Options = append(p.Options, Option{Label: t.T("training.audience.people"), Value: "people"})
	return p, nil
}

func handleTrainingAudience(ctx context.Context, t *Turn, in Input) (string, error) {
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

func handleTrainingPeople(ctx context.Context, t *Turn, in Input) (string, error) {
	ids, unknown, err := findPeople(ctx, t, in.Text)
	if err != nil {
		return "", err
	}
	if len(unknown) > 0 {
		t.Reply(t.T("training.people.unknown", "names", strings.Join(unknown, "、")))
		return Stay, nil
	}
	if len(ids) == 0 {
		t.Reply(t.T("training.audience.empty"))
		return Stay, nil
	}
	tdraft(t).People = ids
	return "capacity", nil
}

// findPeople resolves names or codes separated by 、 , ; or spaces.
func findPeople(ctx context.Context, t *Turn, text string) ([]int64, []string, error) {
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
			return nil, nil, err
		}
		if !seen[p.ID] {
			seen[p.ID] = true
			ids = append(ids, p.ID)
		}
	}
	return ids, unknown, nil
}

func promptTrainingCapacity(ctx context.Context, t *Turn) (Prompt, error) {
	return Prompt{Text: t.T("training.ask.capacity"), Options: []Option{{Label: t.T("training.capacity.none"), Value: "0"}}}, nil
}

func handleTrainingCapacity(ctx context.Context, t *Turn, in Input) (string, error) {
	d := tdraft(t)
	if in.Kind == Choice {
		d.Capacity = 0
		return "note", nil
	}
	n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(i18n.Narrow(in.Text)), "人"))
	if err != nil || n < 1 || n > 100000 {
		t.Reply(t.T("training.capacity.bad"))
		return Stay, nil
	}
	d.Capacity = n
	return "note", nil
}

func promptTrainingNote(ctx context.Context, t *Turn) (Prompt, error) {
	return Prompt{Text: t.T("training.ask.note"), Options: []Option{{Label: t.T("button.skip"), Value: "skip"}}}, nil
}

func handleTrainingNote(ctx context.Context, t *Turn, in Input) (string, error) {
	d := tdraft(t)
	d.Note = ""
	if in.Kind == Text {
		text, ok := ShortText(t, in.Text, 1, MaxReason)
		if !ok {
			return Stay, nil
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
		"at", FormatWhen(tr.StartsAt, loc), "minutes", tr.Minutes, "where", where)
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
func audienceOf(ctx context.Context, t *Turn, d *TrainingDraft) ([]int64, error) {
	switch {
	case d.Audience == "people":
		return d.People, nil
	case d.CommunityID != 0:
		return t.Tx.StewardsIn(ctx, []int64{d.CommunityID})
	}
	return t.Tx.StewardsIn(ctx, nil)
}

func promptTrainingSummary(ctx context.Context, t *Turn) (Prompt, error) {
	d := tdraft(t)
	people, err := audienceOf(ctx, t, d)
	if err != nil {
		return Prompt{}, err
	}
	return Prompt{Text: t.T("training.summary", "card", trainingText(t.Lang, t.Deps.Location, d.training(0)), "n", len(people),
		"eta", eta(t.Deps.BroadcastPace, len(people))), Options: []Option{
		{Label: t.T("button.publish"), Value: "publish"}, {Label: t.T("button.edit"), Value: "edit"}, {Label: t.T("button.cancel"), Value: "cancel"}}}, nil
}

// eta is how long n messages take at the platform's global pace, in whole
// minutes (at least 1).
func eta(pace time.Duration, n int) int {
	if pace <= 0 {
		pace = 33 * time.Millisecond
	}
	m := int((time.Duration(n)*pace + time.Minute - 1) / time.Minute)
	return max(m, 1)
}

func handleTrainingSummary(ctx context.Context, t *Turn, in Input) (string, error) {
	switch in.Choice {
	case "edit":
		return "title", nil
	case "cancel":
		t.Reply(t.T("training.discarded"))
		return Done, nil
	case "publish":
	default:
		t.Reply(t.T("flow.hint.choice"))
		return Stay, nil
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
	return Done, publishTraining(ctx, t, d.training(t.Person.ID), people)
}

// publishTraining records the training and its invitees (two statements)
// and queues one private notice per account plus the exchange group's post
// (one more): the trainer's command returns as soon as it is queued; the
// routine reports the progress.
func publishTraining(ctx context.Context, t *Turn, tr store.Training, people []int64) error {
	id, tokens, err := t.Tx.CreateTraining(ctx, tr, people)
	if err != nil {
		return err
	}
	tr.ID = id
	accounts, err := t.Tx.AccountsOf(ctx, people)
	if err != nil {
		return err
	}
	name := "training:" + strconv.FormatInt(id, 10)
	msgs := make([]bot.Message, 0, len(accounts))
	reached := make(map[int64]bool, len(people))
	for _, a := range accounts {
		p := bot.Platform(a.Platform)
		if p.Local() && p != t.Update.Platform {
			continue
		}
		lang := i18n.Parse(a.Lang, t.Deps.DefaultLang)
		m := bot.Message{Platform: p, ChatID: bot.PrivateChatID(p, a.ChatID), Recipient: a.Name, Broadcast: name,
			Text: i18n.T(lang, "training.notice", "card", trainingText(lang, t.Deps.Location, tr)),
			Buttons: Render(lang, []Button{trainingButton("button.training.sign", "sign", id),
				trainingButton("button.training.read", "read", id), trainingButton("button.training.leave", "leave", id)})}
		if tr.Link != "" {
			link := tr.Link
			if t.Deps.PublicURL != "" {
				link = strings.TrimRight(t.Deps.PublicURL, "/") + "/l/" + tokens[a.PersonID]
			}
			m.Buttons = append(m.Buttons, []bot.Button{{Label: i18n.T(lang, "button.training.link"), URL: link}})
		}
		msgs = append(msgs, m)
		reached[a.PersonID] = true
	}
	t.Say(msgs...)
	// The routine's progress counts the messages queued, not the invitees:
	// someone with no messenger account gets nothing.
	queued := 0
	for _, m := range msgs {
		if !m.Platform.Local() {
			queued++
		}
	}
	if err := t.Tx.SetTrainingSent(ctx, id, queued); err != nil {
		return err
	}
	g := t.Deps.DefaultLang
	if err := t.ToGroups(ctx, store.ChatExchange, audience.Scope{}, i18n.T(g, "training.exchange", "card", trainingText(g, t.Deps.Location, tr),
		"n", len(reached)), nil); err != nil {
		return err
	}
	t.Reply(t.T("training.published", "id", id, "n", len(reached), "eta", eta(t.Deps.BroadcastPace, len(msgs))))
	var unreached []int64
	for _, p := range people {
		if !reached[p] {
			unreached = append(unreached, p)
		}
	}
	if len(unreached) == 0 {
		return nil
	}
	// Who could not be reached, by name (the first few of a long list).
	names, err := t.Tx.NamesOf(ctx, unreached[:min(len(unreached), MaxNamesListed)])
	if err != nil {
		return err
	}
	list := strings.Join(names, t.T("list.sep"))
	if len(unreached) > len(names) {
		list = t.T("names.more", "names", list, "n", len(unreached))
	}
	t.Reply(t.T("training.unreached", "n", len(unreached), "names", list))
	return nil
}

func trainingButton(key, action string, id int64) Button {
	return FamilyButton(key, "t", action, id)
}

// --- answers --------------------------------------------------------------------

// TrainingAction is a pressed training button: "t:<action>:<id>".
type TrainingAction struct {
	Action string
	ID     int64
}

// TrainingActions are the training buttons (permission table): the
// invitees' answers, the trainer's cancel and attendance, answering a
// question.
var TrainingActions = []string{"sign", "read", "leave", "cancel", "retime", "attend", "answer"}

// ParseTrainingAction reads "t:<action>:<id>" (a question's answer is
// "t:answer:<question id>").
func ParseTrainingAction(data string) (TrainingAction, bool) {
	a, id, ok := parseButton(data, "t", TrainingActions)
	return TrainingAction{Action: a, ID: id}, ok
}

// TrainingAct handles a pressed training button (the role was checked).
func (e *Engine) TrainingAct(ctx context.Context, t *Turn, a TrainingAction) error {
	if a.Action == "answer" {
		return e.StartText(ctx, t, "qanswer", a.ID)
	}
	tr, err := t.Tx.LockTraining(ctx, a.ID)
	if errors.Is(err, store.ErrNotFound) {
		t.Reply(t.T("training.not_found"))
		return nil
	}
	if err != nil {
		return err
	}
	switch a.Action {
	case "cancel", "attend", "retime":
		if tr.CreatedBy.Int64 != t.Person.ID && !t.HasRole(store.RoleAdmin) {
			t.Reply(t.T("training.not_yours"))
			return nil
		}
		if a.Action == "cancel" {
			return cancelTraining(ctx, t, tr)
		}
		if tr.Status == "cancelled" {
			t.Reply(t.T("training.cancelled", "title", tr.Title))
			return nil
		}
		if a.Action == "retime" {
			return e.StartText(ctx, t, "retime", tr.ID)
		}
		return e.StartText(ctx, t, "attendance", tr.ID)
	}
	inv, err := t.Tx.InviteOf(ctx, tr.ID, t.Person.ID)
	if errors.Is(err, store.ErrNotFound) {
		t.Reply(t.T("training.not_invited", "title", tr.Title))
		return nil
	}
	if err != nil {
		return err
	}
	if tr.Status == "cancelled" {
		t.Reply(t.T("training.cancelled", "title", tr.Title))
		return nil
	}
	now := t.Deps.Now()
	if !tr.StartsAt.After(now) && a.Action != "read" {
		t.Reply(t.T("training.started", "title", tr.Title))
		return nil
	}
	switch a.Action {
	case "read":
		if inv.Answer == store.AnswerNone {
			if err := t.Tx.SetAnswer(ctx, tr.ID, t.Person.ID, store.AnswerRead, "", now); err != nil {
				return err
			}
		}
		t.Reply(t.T("training.read", "title", tr.Title))
	case "sign":
		if inv.Answer == store.AnswerSigned || inv.Answer == store.AnswerWaitlist {
			t.Reply(t.T("training.sign.again", "title", tr.Title))
			return nil
		}
		n, err := t.Tx.Signed(ctx, tr.ID)
		if err != nil {
			return err
		}
		if tr.Capacity.Valid && int64(n) >= tr.Capacity.Int64 {
			if err := t.Tx.SetAnswer(ctx, tr.ID, t.Person.ID, store.AnswerWaitlist, "", now); err != nil {
				return err
			}
			t.Reply(t.T("training.full", "title", tr.Title, "n", tr.Capacity.Int64))
			return nil
		}
		if err := t.Tx.SetAnswer(ctx, tr.ID, t.Person.ID, store.AnswerSigned, "", now); err != nil {
			return err
		}
		t.Reply(t.T("training.signed", "title", tr.Title, "at", t.When(tr.StartsAt)))
	case "leave":
		return e.StartText(ctx, t, "tleave", tr.ID)
	}
	return nil
}

func handleTrainingLeave(ctx context.Context, t *Turn, in Input) (string, error) {
	text, ok := ShortText(t, in.Text, 2, MaxReason)
	if !ok {
		return Stay, nil
	}
	tr, err := t.Tx.LockTraining(ctx, TextOf(t).ID)
	if err != nil {
		return "", err
	}
	inv, err := t.Tx.InviteOf(ctx, tr.ID, t.Person.ID)
	if err != nil {
		return "", err
	}
	if err := t.Tx.SetAnswer(ctx, tr.ID, t.Person.ID, store.AnswerLeave, text, t.Deps.Now()); err != nil {
		return "", err
	}
	t.Reply(t.T("training.leave.done", "title", tr.Title))
	if inv.Answer == store.AnswerSigned {
		// A place is free: the first on the waiting list gets it.
		next, err := t.Tx.FirstWaiting(ctx, tr.ID)
		if err != nil || next == 0 {
			return Done, err
		}
		if err := t.Tx.SetAnswer(ctx, tr.ID, next, store.AnswerSigned, "", t.Deps.Now()); err != nil {
			return "", err
		}
		return Done, t.ToPerson(ctx, next, "training.promoted", []any{"title", tr.Title,
			"at", t.When(tr.StartsAt)}, nil)
	}
	return Done, nil
}

// handleRetime moves a training to a new time and tells everyone who got
// the notice (the reminders follow the new time).
func handleRetime(ctx context.Context, t *Turn, in Input) (string, error) {
	now := t.Deps.Now().In(t.Deps.Location)
	at, ok := ParseWhen(in.Text, now, t.Deps.Location)
	if !ok {
		t.Reply(t.T("training.when.bad", "example", t.ExampleWhen()))
		return Stay, nil
	}
	if !at.After(now) {
		t.Reply(t.T("training.when.past", "at", t.When(at)))
		return Stay, nil
	}
	tr, err := t.Tx.LockTraining(ctx, TextOf(t).ID)
	if err != nil {
		return "", err
	}
	old := t.When(tr.StartsAt)
	if err := t.Tx.RetimeTraining(ctx, tr.ID, at); err != nil {
		return "", err
	}
	n, err := tellInvitees(ctx, t, tr.ID, "training.retimed.notice", "title", tr.Title, "old", old, "at", t.When(at))
	if err != nil {
		return "", err
	}
	t.Reply(t.T("training.retimed.done", "title", tr.Title, "at", t.When(at), "n", n))
	return Done, nil
}

// tellInvitees tells everyone who got a training's notice, in their language.
func tellInvitees(ctx context.Context, t *Turn, trainingID int64, key string, args ...any) (int, error) {
	invs, err := t.Tx.Invites(ctx, trainingID)
	if err != nil {
		return 0, err
	}
	ids := make([]int64, len(invs))
	for i, inv := range invs {
		ids[i] = inv.PersonID
	}
	accounts, err := t.Tx.AccountsOf(ctx, ids)
	if err != nil {
		return 0, err
	}
	for _, a := range accounts {
		p := bot.Platform(a.Platform)
		if p.Local() && p != t.Update.Platform {
			continue
		}
		t.Say(bot.Message{Platform: p, ChatID: bot.PrivateChatID(p, a.ChatID), Recipient: a.Name,
			Text: i18n.T(i18n.Parse(a.Lang, t.Deps.DefaultLang), key, args...)})
	}
	return len(invs), nil
}

// cancelTraining cancels it and tells everyone who got the notice.
func cancelTraining(ctx context.Context, t *Turn, tr store.Training) error {
	if tr.Status == "cancelled" {
		t.Reply(t.T("training.cancelled", "title", tr.Title))
		return nil
	}
	if err := t.Tx.SetTrainingStatus(ctx, tr.ID, "cancelled"); err != nil {
		return err
	}
	n, err := tellInvitees(ctx, t, tr.ID, "training.cancelled.notice", "title", tr.Title, "at", t.When(tr.StartsAt))
	if err != nil {
		return err
	}
	t.Reply(t.T("training.cancelled.done", "title", tr.Title, "n", n))
	return nil
}

// --- attendance -------------------------------------------------------------------

func promptAttendance(ctx context.Context, t *Turn) (Prompt, error) {
	tr, err := t.Tx.TrainingByID(ctx, TextOf(t).ID)
	if err != nil {
		return Prompt{}, err
	}
	signed, err := t.Tx.Invites(ctx, tr.ID, store.AnswerSigned)
	if err != nil {
		return Prompt{}, err
	}
	names := make([]string, len(signed))
	for i, s := range signed {
		names[i] = s.Name
	}
	return Prompt{Text: t.T("training.ask.attendance", "title", tr.Title, "n", len(signed), "names", strings.Join(names, "、")),
		Options: []Option{{Label: t.T("button.attend.all"), Value: "all"}, {Label: t.T("button.attend.each"), Value: "each"}}}, nil
}

func handleAttendanceMode(ctx context.Context, t *Turn, in Input) (string, error) {
	if in.Choice == "each" {
		return "came", nil
	}
	if err := t.Tx.SetAttendance(ctx, TextOf(t).ID, true, nil, false); err != nil {
		return "", err
	}
	return "absent", nil
}

func promptAbsent(ctx context.Context, t *Turn) (Prompt, error) {
	return Prompt{Text: t.T("training.ask.absent"), Options: []Option{{Label: t.T("button.attend.none_absent"), Value: "none"}}}, nil
}

func handleAbsent(ctx context.Context, t *Turn, in Input) (string, error) {
	if in.Kind == Text {
		ids, unknown, err := findPeople(ctx, t, in.Text)
		if err != nil {
			return "", err
		}
		if len(unknown) > 0 {
			t.Reply(t.T("training.people.unknown", "names", strings.Join(unknown, "、")))
			return Stay, nil
		}
		if err := t.Tx.SetAttendance(ctx, TextOf(t).ID, false, ids, false); err != nil {
			return "", err
		}
	}
	return Done, attendanceDone(ctx, t)
}

func handleCame(ctx context.Context, t *Turn, in Input) (string, error) {
	ids, unknown, err := findPeople(ctx, t, in.Text)
	if err != nil {
		return "", err
	}
	if len(unknown) > 0 {
		t.Reply(t.T("training.people.unknown", "names", strings.Join(unknown, "、")))
		return Stay, nil
	}
	id := TextOf(t).ID
	if _, err := t.Tx.ExecAttendanceReset(ctx, id); err != nil {
		return "", err
	}
	if err := t.Tx.SetAttendance(ctx, id, false, ids, true); err != nil {
		return "", err
	}
	return Done, attendanceDone(ctx, t)
}

func attendanceDone(ctx context.Context, t *Turn) error {
	s, err := t.Tx.StatsOf(ctx, TextOf(t).ID)
	if err == nil {
		t.Reply(t.T("training.attendance.done", "came", s.Came, "signed", s.Signed))
	}
	return err
}

// TrainingList renders /trainings: each training's numbers, with the
// trainer's buttons.
func TrainingList(ctx context.Context, t *Turn) error {
	mine := t.Person.ID
	if t.HasRole(store.RoleAdmin) || t.HasRole(store.RoleCoordinator) || t.HasRole(store.RoleSupervisor) {
		mine = 0
	}
	ts, err := t.Tx.Trainings(ctx, mine, 10)
	if err != nil {
		return err
	}
	if len(ts) == 0 {
		t.Reply(t.T("training.none"))
		return nil
	}
	for _, tr := range ts {
		s, err := t.Tx.StatsOf(ctx, tr.ID)
		if err != nil {
			return err
		}
		text := t.T("training.line", "id", tr.ID, "title", tr.Title, "at", t.When(tr.StartsAt),
			"status", t.T("training.status."+tr.Status), "sent", s.Sent, "read", s.Read, "signed", s.Signed, "waitlist", s.Waitlist,
			"leave", s.Leave, "came", s.Came, "opened", s.Opened)
		var bs []Button
		if tr.CreatedBy.Int64 == t.Person.ID || t.HasRole(store.RoleAdmin) {
			if tr.Status == "published" {
				bs = append(bs, trainingButton("button.training.attend", "attend", tr.ID))
				if tr.StartsAt.After(t.Deps.Now()) {
					bs = append(bs, trainingButton("button.training.retime", "retime", tr.ID),
						trainingButton("button.training.cancel", "cancel", tr.ID))
				}
			}
		}
		t.Say(bot.Message{Platform: t.Update.Platform, ChatID: t.Update.ChatID, ChatTitle: t.Update.ChatTitle,
			Text: text, Buttons: Render(t.Lang, bs)})
	}
	return nil
}

// MyTrainings renders /mytrainings: the trainings the person was invited to
// (from a day ago on, soonest first), each as its notice with their answer
// and, while it can still be answered, 报名 / 已读 / 请假: a notice that
// scrolled away is found again.
func MyTrainings(ctx context.Context, t *Turn) error {
	now := t.Deps.Now()
	ts, err := t.Tx.TrainingsOf(ctx, t.Person.ID, now.Add(-24*time.Hour), MaxListed)
	if err != nil {
		return err
	}
	if len(ts) == 0 {
		t.Reply(t.T("mytrainings.none"))
		return nil
	}
	t.Reply(t.T("mytrainings.header", "n", len(ts)))
	for _, it := range ts {
		tr := it.Training
		text := trainingText(t.Lang, t.Deps.Location, tr) + "\n" + t.T("mytrainings.answer", "answer", t.T("training.answer."+it.Answer))
		var bs [][]bot.Button
		switch {
		case tr.Status == "cancelled":
			text += "\n" + t.T("training.cancelled", "title", tr.Title)
		case !tr.StartsAt.After(now):
			text += "\n" + t.T("training.started", "title", tr.Title)
		default:
			bs = Render(t.Lang, []Button{trainingButton("button.training.sign", "sign", tr.ID),
				trainingButton("button.training.read", "read", tr.ID), trainingButton("button.training.leave", "leave", tr.ID)})
		}
		if tr.Link != "" && tr.Status != "cancelled" {
			link := tr.Link
			if t.Deps.PublicURL != "" {
				link = strings.TrimRight(t.Deps.PublicURL, "/") + "/l/" + it.Token
			}
			bs = append(bs, []bot.Button{{Label: t.T("button.training.link"), URL: link}})
		}
		t.Say(bot.Message{Platform: t.Update.Platform, ChatID: t.Update.ChatID, ChatTitle: t.Update.ChatTitle, Text: text, Buttons: bs})
	}
	return nil
}

// --- questions ----------------------------------------------------------------------

func handleQuestion(ctx context.Context, t *Turn, in Input) (string, error) {
	text, ok := ShortText(t, in.Text, 4, MaxReason)
	if !ok {
		return Stay, nil
	}
	id, err := t.Tx.AskQuestion(ctx, t.Person.ID, text, t.Deps.Now())
	if err != nil {
		return "", err
	}
	g := t.Deps.DefaultLang
	if err := t.ToGroups(ctx, store.ChatExchange, audience.Scope{}, i18n.T(g, "question.posted", "name", t.Person.Name, "text", text), nil,
		trainingButton("button.question.answer", "answer", id)); err != nil {
		return "", err
	}
	t.Reply(t.T("question.sent"))
	return Done, nil
}

func handleQuestionAnswer(ctx context.Context, t *Turn, in Input) (string, error) {
	text, ok := ShortText(t, in.Text, 2, MaxReason)
	if !ok {
		return Stay, nil
	}
	q, err := t.Tx.QuestionByID(ctx, TextOf(t).ID)
	if errors.Is(err, store.ErrNotFound) {
		t.Reply(t.T("question.not_found"))
		return Done, nil
	}
	if err != nil {
		return "", err
	}
	if err := t.Tx.AnswerQuestion(ctx, q.ID, t.Person.ID, text, t.Deps.Now()); err != nil {
		return "", err
	}
	g := t.Deps.DefaultLang
	if err := t.ToGroups(ctx, store.ChatExchange, audience.Scope{}, i18n.T(g, "question.answered", "name", t.Person.Name,
		"asker", q.PersonName, "question", q.Text, "text", text), nil); err != nil {
		return "", err
	}
	t.Reply(t.T("question.answer.sent", "asker", q.PersonName))
	return Done, t.ToPerson(ctx, q.PersonID, "question.answer.to_asker", []any{"name", t.Person.Name, "question", q.Text, "text", text}, nil)
}

// --- publicity notices ------------------------------------------------------------

func handleNoticeText(ctx context.Context, t *Turn, in Input) (string, error) {
	text, ok := ShortText(t, in.Text, 4, 1000)
	if !ok {
		return Stay, nil
	}
	TextOf(t).Text = text
	return "photo", nil
}

func promptNoticePhoto(ctx context.Context, t *Turn) (Prompt, error) {
	return Prompt{Text: t.T("notice.ask.photo"), Options: []Option{{Label: t.T("button.skip"), Value: "skip"}}}, nil
}

func handleNoticePhoto(ctx context.Context, t *Turn, in Input) (string, error) {
	if in.Kind == Photo {
		id, ok, err := t.SavePhoto(ctx, in.Photo)
		if err != nil || !ok {
			return Stay, err
		}
		TextOf(t).PhotoID = id
	}
	return "groups", nil
}

func promptNoticeGroups(ctx context.Context, t *Turn) (Prompt, error) {
	cs, err := t.Tx.Communities(ctx)
	if err != nil {
		return Prompt{}, err
	}
	p := Prompt{Text: t.T("notice.ask.groups"), Options: []Option{{Label: t.T("notice.groups.all"), Value: "0"}}}
	for _, c := range cs {
		p.Options = append(p.Options, Option{Label: t.T("notice.groups.community", "community", c.Name), Value: strconv.FormatInt(c.ID, 10)})
	}
	return p, nil
}

func handleNoticeGroups(ctx context.Context, t *Turn, in Input) (string, error) {
	community, _ := strconv.ParseInt(in.Choice, 10, 64)
	d := TextOf(t)
	var photo *bot.Photo
	if d.PhotoID != 0 {
		p, err := t.Tx.PhotoByID(ctx, d.PhotoID)
		if err != nil {
			return "", err
		}
		if photo, err = t.Photo(ctx, p); err != nil {
			return "", err
		}
	}
	g := t.Deps.DefaultLang
	msgs, err := t.Audience().Groups(ctx, store.ChatResident, audience.Scope{Community: community},
		bot.Message{Text: i18n.T(g, "notice.post", "text", d.Text), Photo: photo, Broadcast: fmt.Sprintf("notice:%d", t.Deps.Now().UnixNano())})
	if err != nil {
		return "", err
	}
	if len(msgs) == 0 {
		t.Reply(t.T("notice.no_groups"))
		return Stay, nil
	}
	t.Say(msgs...)
	// Groups take 3 s each (20 a minute), side by side; the platform's
	// global pace bounds them all.
	t.Reply(t.T("notice.sent", "n", len(msgs), "eta", eta(t.Deps.BroadcastPace, len(msgs))))
	return Done, nil
}
