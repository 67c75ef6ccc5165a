package cases

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// The residents' say (seed 三(五), 七(二)): ★1–5 or 仍有问题 under the
// closing post in their group, no account needed, one answer per account
// per closing (a second one replaces it). A score at or below
// cases.low_score, or 仍有问题, asks the resident why, privately (a deep
// link from the group); their reason (and photos) reopens the case to the
// center. Without a reason it stays a low score: one anonymous tap does not
// undo a steward's re-check.

// ReopenDraft is the state of a resident's reason for reopening.
type ReopenDraft struct {
	CaseID int64   `json:"case_id"`
	Photos []int64 `json:"photos,omitempty"`
}

func reopenFlow() *conversations.Flow {
	return &conversations.Flow{Name: "reopen", Title: "flow.reopen", NewData: func() any { return &ReopenDraft{} }, Steps: []conversations.Step{
		{Name: "reason", Accepts: conversations.Text | conversations.Photo, Prompt: promptReopenReason, Handle: handleReopenReason},
	}}
}

// doRate records a resident's answer.
func doRate(ctx context.Context, e *conversations.Engine, t *conversations.Turn, c store.CaseView, a CaseAction) error {
	score, _ := strconv.Atoi(a.Arg)
	still := a.Action == model.ActStill
	if !still && (score < 1 || score > 5) {
		t.Reply(t.T("flow.hint.choice"))
		return nil
	}
	ok, err := ratesHere(ctx, t, c)
	if err != nil || !ok {
		return err
	}
	first, changed, err := t.Tx.RateAnswer(ctx, c.ID, string(t.Update.Platform), t.Update.UserID, score, still)
	if err != nil {
		return err
	}
	inGroup := t.Update.ChatKind == bot.Group
	if !changed {
		// The same answer pressed again: no event, and nothing said in a
		// group (one resident's presses must not flood it).
		if !inGroup {
			t.Reply(t.T("case.rate.again"))
		}
		return nil
	}
	// The timeline shows the score (★★★★, or 仍有问题).
	shown := strings.Repeat("★", score)
	if still {
		shown = i18n.T(t.Deps.DefaultLang, "button.still")
	}
	if err := record(ctx, t, c, a.Action, shown, map[string]any{"score": score, "still_problem": still}); err != nil {
		return err
	}
	if !still && score > settings(t).LowScore {
		switch {
		case first:
			t.Reply(t.T("case.rate.thanks", "number", c.Number))
		case !inGroup:
			t.Reply(t.T("case.rate.changed", "number", c.Number))
		}
		// A changed rating is not a new post in the group.
		return nil
	}
	// A low score or "still a problem": why? Asked privately.
	return askReopenReason(ctx, e, t, c)
}

// askReopenReason asks the resident for the reason, privately: at once in
// a private chat (the complainant; the console), else through a deep link
// (/start rr_<token>, theirs alone, valid cases.reopen_reason_within).
func askReopenReason(ctx context.Context, e *conversations.Engine, t *conversations.Turn, c store.CaseView) error {
	u := t.Update
	if u.ChatKind != bot.Group || u.Platform.Local() {
		if u.ChatKind == bot.Group {
			t.Reply(t.T("case.rate.why.console", "number", c.Number))
			t.Update.ChatID = bot.PrivateChatID(u.Platform, u.UserID)
			t.Update.ChatKind, t.Update.ChatTitle = bot.Private, ""
		}
		return startReopen(ctx, e, t, c.ID)
	}
	// One question (link) per resident and closing in the group: a
	// resident who changes their answer back and forth is not asked again.
	asked := "rrq:" + strconv.FormatInt(c.ID, 10) + ":" + c.ClosedAt.Time.Format(time.RFC3339Nano) + ":" + string(u.Platform) + ":" + u.UserID
	if _, ok, err := t.Tx.CacheGet(ctx, asked); err != nil || ok {
		return err
	}
	within := settings(t).ReopenReasonWithin
	if within <= 0 {
		within = 24 * time.Hour
	}
	if err := t.Tx.CacheSet(ctx, asked, "1", within); err != nil {
		return err
	}
	name := t.Deps.BotUsername()
	if u.Platform != bot.Telegram || name == "" {
		t.Reply(t.T("case.rate.low_noted", "number", c.Number))
		return nil
	}
	b := make([]byte, 9)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	token := hex.EncodeToString(b)
	if err := t.Tx.CacheSet(ctx, "rr:"+token, strconv.FormatInt(c.ID, 10)+"|"+string(u.Platform)+"|"+u.UserID, within); err != nil {
		return err
	}
	t.Reply(t.T("case.rate.why", "number", c.Number, "link", "https://t.me/"+name+"?start="+ReopenLinkPrefix+token))
	return nil
}

// ReopenLinkPrefix starts a reopen reason's deep-link payload.
const ReopenLinkPrefix = "rr_"

// FollowReopenLink starts the reason flow from a deep link: it must be
// the rater's own and fresh.
func FollowReopenLink(ctx context.Context, e *conversations.Engine, t *conversations.Turn, token string) error {
	v, ok, err := t.Tx.CacheGet(ctx, "rr:"+token)
	if err != nil {
		return err
	}
	parts := strings.SplitN(v, "|", 3)
	if !ok || len(parts) != 3 {
		t.Reply(t.T("case.rate.link.stale"))
		return nil
	}
	if parts[1] != string(t.Update.Platform) || parts[2] != t.Update.UserID {
		t.Reply(t.T("complaint.link.not_yours"))
		return nil
	}
	id, _ := strconv.ParseInt(parts[0], 10, 64)
	return startReopen(ctx, e, t, id)
}

func startReopen(ctx context.Context, e *conversations.Engine, t *conversations.Turn, caseID int64) error {
	return e.StartPrivately(ctx, t, e.Flow("reopen"), &ReopenDraft{CaseID: caseID})
}

func promptReopenReason(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	c, err := t.Tx.CaseByID(ctx, t.Data.(*ReopenDraft).CaseID)
	if err != nil {
		return conversations.Prompt{}, err
	}
	return conversations.Prompt{Text: t.T("case.rate.ask_reason", "number", c.Number)}, nil
}

// handleReopenReason takes photos, then the reason, which reopens the case
// (if it is still closed) with the resident's words on it.
func handleReopenReason(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	d := t.Data.(*ReopenDraft)
	if in.Kind == conversations.Photo {
		if ok, err := t.AddPhoto(ctx, &d.Photos, 3, in.Photo); err != nil || !ok {
			return conversations.Stay, err
		}
		t.Reply(t.T("case.rate.photo_kept", "n", len(d.Photos)))
		return conversations.Stay, nil
	}
	reason := strings.TrimSpace(in.Text)
	if !conversations.TextFits(t, reason, 2, conversations.MaxReason) {
		return conversations.Stay, nil
	}
	c, err := t.Tx.LockCase(ctx, d.CaseID)
	if err != nil {
		return "", err
	}
	if c.Status != model.StatusClosed {
		t.Reply(t.T("case.rate_closed", "number", c.Number))
		return conversations.Done, nil
	}
	if err := t.Tx.SetStatus(ctx, c.ID, model.Lifecycle[model.ActReopen].To); err != nil {
		return "", err
	}
	note := t.T("case.reopen.reason", "reason", reason)
	if _, err := event(ctx, t, c, model.Lifecycle[model.ActReopen].Event, note, nil, model.PhotoCheck, d.Photos); err != nil {
		return "", err
	}
	t.Reply(t.T("case.rate.reopened", "number", c.Number))
	c, err = reload(ctx, t, c.ID)
	if err != nil {
		return "", err
	}
	if err := CenterCard(ctx, t, c, "notify.center.reopened"); err != nil {
		return "", err
	}
	return conversations.Done, tellFollowers(ctx, t, c, "notify.follower.reopened", "reason", note)
}

// ratesHere checks that the answer comes from a resident group the closing
// was posted to (the groups audience.Groups chose for the case's
// community): a button pressed anywhere else — a private chat, another
// community's group, a forged callback — is refused and changes nothing.
func ratesHere(ctx context.Context, t *conversations.Turn, c store.CaseView) (bool, error) {
	refuse := func() (bool, error) {
		t.Reply(t.T("case.rate.not_here", "number", c.Number))
		return false, nil
	}
	if t.Update.ChatKind != bot.Group {
		// The resident whose complaint became the case rates it privately.
		if ok, err := IsComplainant(ctx, t, c.ID); err != nil || ok {
			return ok, err
		}
		return refuse()
	}
	chat, err := t.Tx.ChatByBinding(ctx, string(t.Update.Platform), t.Update.ChatID)
	if errors.Is(err, store.ErrNotFound) {
		return refuse()
	}
	if err != nil {
		return false, err
	}
	if chat.Kind != model.ChatResident ||
		(chat.CommunityID.Valid && c.CommunityID.Valid && chat.CommunityID.Int64 != c.CommunityID.Int64) {
		return refuse()
	}
	return true, nil
}
