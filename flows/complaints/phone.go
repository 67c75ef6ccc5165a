package complaints

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/store"
)

// Complaints by phone, letter or visit (seed 七(二)1, issue 25 item 8): a
// coordinator records what the hotline or the mailbox received
// (/complain_for): the channel, the caller's name and phone, what
// happened, the alley. It is a complaint like a resident's (platform
// bot.Offline, the phone as its account, the channel as its chat): the
// center turns it into a case, answers or refuses it; the caller's name
// and phone are shown to the supervisors and admins only; answering it
// records the call-back (电话回访) with its time, since nothing can be
// sent to a telephone.

// Channels are how an offline complaint came in.
var Channels = []string{"phone", "mail", "visit"}

// OfflineDraft is the /complain_for flow's state.
type OfflineDraft struct {
	Channel     string `json:"channel,omitempty"`
	Name        string `json:"name,omitempty"`
	Phone       string `json:"phone,omitempty"`
	Description string `json:"description,omitempty"`
}

func odraft(t *conversations.Turn) *OfflineDraft { return t.Data.(*OfflineDraft) }

func offlineFlow() *conversations.Flow {
	return &conversations.Flow{Name: "complainfor", Title: "flow.complainfor", NewData: func() any { return &OfflineDraft{} }, Steps: []conversations.Step{
		{Name: "channel", Accepts: conversations.Choice, Prompt: promptChannel, Handle: handleChannel},
		{Name: "name", Accepts: conversations.Text, Prompt: conversations.SimpleKey("complaint.offline.ask.name"), Handle: handleCallerName},
		{Name: "phone", Accepts: conversations.Text, Prompt: conversations.SimpleKey("complaint.offline.ask.phone"), Handle: handleCallerPhone},
		{Name: "what", Accepts: conversations.Text, Prompt: conversations.SimpleKey("complaint.offline.ask.what"), Handle: handleOfflineWhat},
		{Name: "where", Accepts: conversations.Choice, Prompt: promptOfflineWhere, Handle: handleOfflineWhere},
	}}
}

func promptChannel(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	p := conversations.Prompt{Text: t.T("complaint.offline.ask.channel")}
	for _, c := range Channels {
		p.Options = append(p.Options, conversations.Option{Label: t.T("complaint.channel." + c), Value: c})
	}
	return p, nil
}

func handleChannel(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	for _, c := range Channels {
		if in.Choice == c {
			odraft(t).Channel = c
			return "name", nil
		}
	}
	return conversations.Stay, nil
}

func handleCallerName(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	text := strings.TrimSpace(in.Text)
	if !conversations.TextFits(t, text, 1, 50) {
		return conversations.Stay, nil
	}
	odraft(t).Name = text
	return "phone", nil
}

var (
	mobileRe   = regexp.MustCompile(`^(?:\+?86)?1[3-9]\d{9}$`)
	landlineRe = regexp.MustCompile(`^(?:0[1-9]\d{1,2})?[2-9]\d{6,7}$`)
)

// Phone normalizes a mainland mobile (13812345678, +86 138 1234 5678) or
// landline (010-64012345, 64012345) number: ok false for anything else.
func Phone(s string) (string, bool) {
	s = i18n.Narrow(strings.TrimSpace(s))
	s = strings.NewReplacer(" ", "", "-", "", "(", "", ")", "").Replace(s)
	switch {
	case mobileRe.MatchString(s):
		return s[len(s)-11:], true
	case landlineRe.MatchString(s):
		return s, true
	}
	return "", false
}

func handleCallerPhone(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	phone, ok := Phone(in.Text)
	if !ok {
		t.Reply(t.T("complaint.offline.bad_phone", "phone", strings.TrimSpace(in.Text)))
		return conversations.Stay, nil
	}
	odraft(t).Phone = phone
	return "what", nil
}

func handleOfflineWhat(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	text, ok := conversations.Description(t, in.Text, "complaint.too_short")
	if !ok {
		return conversations.Stay, nil
	}
	odraft(t).Description = text
	return "where", nil
}

func promptOfflineWhere(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	as, err := t.Tx.AllAlleys(ctx)
	if err != nil {
		return conversations.Prompt{}, err
	}
	p := conversations.Prompt{Text: t.T("complaint.offline.ask.where")}
	for _, a := range as {
		p.Options = append(p.Options, conversations.Option{Label: a.Name, Value: strconv.FormatInt(a.ID, 10)})
	}
	return p, nil
}

// handleOfflineWhere files the complaint and puts it before the center
// like a resident's.
func handleOfflineWhere(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	id, _, ok, err := conversations.Chosen(ctx, t, in.Choice, t.Tx.AlleyByID)
	if !ok {
		return conversations.Stay, err
	}
	d := odraft(t)
	now := t.Deps.Now().In(t.Deps.Location)
	var by time.Time
	if settings(t).AnswerWithin > 0 {
		by = t.Deps.Calendar.Add(now, settings(t).AnswerWithin)
	}
	k, err := t.Tx.CreateComplaint(ctx, store.NewComplaint{Platform: string(bot.Offline), UserID: d.Phone, ChatID: d.Channel,
		ResidentName: d.Name, Description: d.Description, AlleyID: id, At: now, AnswerBy: by})
	if err != nil {
		return "", err
	}
	t.Reply(t.T("complaint.offline.filed", "number", k.Number, "channel", t.T("complaint.channel."+d.Channel)))
	return conversations.Done, complaintCard(ctx, t, k, "notify.complaint")
}

// offline reports a complaint taken by phone, letter or visit.
func offline(k store.Complaint) bool { return k.Platform == string(bot.Offline) }

// offlineWho is who made an offline complaint, as the reader may see it:
// the channel for all, the caller's name and phone for the supervisors.
func offlineWho(lang i18n.Lang, k store.Complaint, supervisor bool) string {
	channel := i18n.T(lang, "complaint.channel."+k.ChatID)
	if supervisor {
		return i18n.T(lang, "complaint.offline.caller", "channel", channel, "name", k.ResidentName, "phone", k.UserID)
	}
	return i18n.T(lang, "complaint.offline.hidden", "channel", channel)
}

// calledBack is the answer of an offline complaint as recorded: how and
// when the caller was told (电话回访), then the answer.
func calledBack(t *conversations.Turn, k store.Complaint, text string) string {
	if !offline(k) {
		return text
	}
	t.Reply(t.T("complaint.offline.call_back", "number", k.Number))
	return t.T("complaint.offline.answered", "at", t.Deps.Now().In(t.Deps.Location).Format("2006-01-02 15:04"), "text", text)
}
