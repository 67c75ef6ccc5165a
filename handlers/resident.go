package handlers

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"time"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/flows/cases"
	"github.com/alleybot/alleybot/flows/complaints"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// resident answers someone with no account (a resident on WeChat customer
// service, Telegram or the console): 帮助 / help gives what residents can
// do, a case number its public state (number, status, place, kind; no
// names), a complaint number its state to the one who filed it, else the
// welcome. Where staff bind an account by invitation (Telegram), the
// answer ends with how.
func (r *Router) resident(ctx context.Context, t *conversations.Turn) error {
	reply, err := r.residentReply(ctx, t)
	if err != nil {
		return err
	}
	if p := t.Update.Platform; p != bot.WeChat && !p.Local() {
		reply += "\n" + t.T("resident.staff")
	}
	t.Reply(reply)
	return nil
}

func (r *Router) residentReply(ctx context.Context, t *conversations.Turn) (string, error) {
	text := strings.TrimSpace(t.Update.Text)
	if n := residentComplaintRe.FindString(strings.ToUpper(i18n.Narrow(text))); n != "" {
		return r.residentComplaint(ctx, t, n)
	}
	if n := residentCaseRe.FindString(i18n.Narrow(text)); n != "" {
		c, err := t.Tx.CaseByNumber(ctx, n)
		if errors.Is(err, store.ErrNotFound) {
			return t.T("resident.case.unknown", "number", n), nil
		}
		if err != nil {
			return "", err
		}
		cats := strings.Join(c.Categories, "、")
		if t.Lang == i18n.EN {
			cats = strings.Join(c.CategoriesEn, ", ")
		}
		return t.T("resident.case", "number", c.Number, "status", t.T("status."+string(c.Status)),
			"alley", c.AlleyName, "category", cats, "date", c.CreatedAt.In(r.flows.Deps().Location).Format("2006-01-02")), nil
	}
	if name, _ := splitCommand(text); name == "help" || name == "start" {
		return t.T("resident.help"), nil // /help@bot in a group too
	}
	switch strings.ToLower(text) {
	case "帮助", "help", "?", "？":
		return t.T("resident.help"), nil
	}
	return t.T("resident.welcome"), nil
}

var (
	residentCaseRe      = regexp.MustCompile(`\d{4}-\d{6}`)
	residentComplaintRe = regexp.MustCompile(`T\d{4}-\d{6}`)
)

// residentComplaint tells a resident how their complaint stands (someone
// else's is not found: a complaint may be about a person).
func (r *Router) residentComplaint(ctx context.Context, t *conversations.Turn, number string) (string, error) {
	k, err := t.Tx.ComplaintByNumber(ctx, number)
	if errors.Is(err, store.ErrNotFound) || err == nil && (k.Platform != string(t.Update.Platform) || k.UserID != t.Update.UserID) {
		return t.T("resident.complaint.unknown", "number", number), nil
	}
	if err != nil {
		return "", err
	}
	text := t.T("resident.complaint", "number", k.Number, "status", t.T("complaint.status."+string(k.Status)))
	switch model.ComplaintVerdict(k.Verdict.String) {
	case model.ComplaintUpheld:
		text += t.T("resident.complaint.verdict", "verdict", t.T("button.complaint.upheld"))
	case model.ComplaintNotUpheld:
		text += t.T("resident.complaint.verdict", "verdict", t.T("button.complaint.not_upheld"))
	}
	if k.CaseID.Valid {
		n, err := t.Tx.CaseNumber(ctx, k.CaseID.Int64)
		if err != nil {
			return "", err
		}
		text += "\n" + t.T("resident.complaint.case_number", "number", n)
	}
	return text, nil
}

// residentTurn is what someone without an account may do: complain (in a
// group: an acknowledgement and a deep link to continue privately), follow
// a complaint deep link, go on with the complaint flow, ask for the
// contact. done is false for anything else.
func (r *Router) residentTurn(ctx context.Context, t *conversations.Turn, name, args string) (bool, error) {
	u := t.Update
	text := strings.TrimSpace(u.Text)
	switch {
	case name == "start" && strings.HasPrefix(args, complaintLinkPrefix):
		return true, r.complaintLink(ctx, t, strings.TrimPrefix(args, complaintLinkPrefix))
	case name == "start" && strings.HasPrefix(args, cases.ReopenLinkPrefix):
		return true, cases.FollowReopenLink(ctx, r.flows, t, strings.TrimPrefix(args, cases.ReopenLinkPrefix))
	case u.Callback == nil && complaintInline(name, args, text) != "":
		return true, r.complain(ctx, t, complaintInline(name, args, text))
	case name == "complain" || (name == "" && u.Callback == nil && text == "投诉") || r.mentioned(t):
		return true, r.complain(ctx, t, "")
	case u.Callback == nil && func() bool { _, ok := suggestionText(name, args, text); return ok }():
		s, _ := suggestionText(name, args, text)
		return true, r.suggest(ctx, t, s)
	case name == "contact" || (name == "" && text == "联系方式"):
		return true, r.cmdContact(ctx, t)
	case name == "cancel" || (name == "" && text == "取消"):
		if active, err := r.flows.Active(ctx, t); err != nil || !active {
			return active, err
		}
		return true, r.flows.Cancel(ctx, t)
	}
	active, err := r.flows.Active(ctx, t)
	if err != nil || !active {
		return false, err
	}
	if name != "" {
		t.Reply(t.T("cmd.unknown", "cmd", "/"+name))
		return true, r.flows.Reprompt(ctx, t)
	}
	return true, r.flows.Handle(ctx, t, conversations.InputOf(u))
}

const complaintLinkPrefix = "cmp_"

// mentioned reports a message in a group that names the bot (@username).
func (r *Router) mentioned(t *conversations.Turn) bool {
	u := t.Update
	name := t.Deps.BotUsername()
	return u.ChatKind == bot.Group && name != "" && u.Callback == nil && strings.Contains(u.Text, "@"+name)
}

// complain starts a complaint: privately at once; from a group, with a
// short acknowledgement there and a deep link (only for the one who asked)
// to continue privately, so the group is not flooded. The console, which
// has no links, moves to the private chat directly.
func (r *Router) complain(ctx context.Context, t *conversations.Turn, desc string) error {
	u := t.Update
	if u.ChatKind != bot.Group {
		return complaints.StartWith(ctx, r.flows, t, 0, desc)
	}
	var community int64
	if chat, err := t.Tx.ChatByBinding(ctx, string(u.Platform), u.ChatID); err == nil {
		community = chat.CommunityID.Int64
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if u.Platform.Local() {
		t.Reply(t.T("complaint.group_ack.console", "name", u.UserName))
		t.Update.ChatID = bot.PrivateChatID(u.Platform, u.UserID)
		t.Update.ChatKind, t.Update.ChatTitle = bot.Private, ""
		return complaints.StartWith(ctx, r.flows, t, community, desc)
	}
	botName := t.Deps.BotUsername()
	if u.Platform != bot.Telegram || botName == "" {
		t.Reply(t.T("complaint.group_ack.private", "name", u.UserName))
		return nil
	}
	token, err := t.Tx.ComplaintLink(ctx, string(u.Platform), u.UserID, community, desc, 24*time.Hour, t.Deps.Now())
	if err != nil {
		return err
	}
	link := "https://t.me/" + botName + "?start=" + complaintLinkPrefix + token
	t.Reply(t.T("complaint.group_ack", "name", u.UserName, "link", link))
	return nil
}

// complaintLink follows a group's deep link: it must be the asker's own and
// fresh.
func (r *Router) complaintLink(ctx context.Context, t *conversations.Turn, token string) error {
	link, err := t.Tx.LinkOf(ctx, token)
	switch {
	case errors.Is(err, store.ErrNotFound) || (err == nil && !t.Deps.Now().Before(link.ExpiresAt)):
		t.Reply(t.T("complaint.link.stale"))
		return nil
	case err != nil:
		return err
	case link.UserID != t.Update.UserID:
		t.Reply(t.T("complaint.link.not_yours"))
		return nil
	}
	// The text written after 投诉 in the group goes on with the link.
	return complaints.StartWith(ctx, r.flows, t, link.CommunityID.Int64, link.Description)
}

func (r *Router) cmdComplain(ctx context.Context, t *conversations.Turn) error {
	return r.complain(ctx, t, strings.TrimSpace(t.Args))
}

// cmdContact gives the complaint hotline and mailbox (七(二)).
func (r *Router) cmdContact(ctx context.Context, t *conversations.Turn) error {
	d := complaints.Of(r.flows)
	if d.Hotline == "" && d.Mailbox == "" {
		t.Reply(t.T("complaint.contact.none"))
		return nil
	}
	t.Reply(t.T("complaint.contact", "hotline", orDash(d.Hotline), "mailbox", orDash(d.Mailbox)))
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
