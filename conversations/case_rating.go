package conversations

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/store"
)

// The residents' say (seed 三(五), 七(二)): ★1–5 or 仍有问题 under the
// closing post in their group, no account needed, once per account. A
// score at or below cases.low_score, or 仍有问题, reopens the case to the
// center.

// doRate records a resident's answer.
func doRate(ctx context.Context, t *Turn, c store.CaseView, a CaseAction) error {
	score, _ := strconv.Atoi(a.Arg)
	still := a.Action == store.ActStill
	if !still && (score < 1 || score > 5) {
		t.Reply(t.T("flow.hint.choice"))
		return nil
	}
	ok, err := t.ratesHere(ctx, c)
	if err != nil || !ok {
		return err
	}
	first, err := t.Tx.Rate(ctx, c.ID, string(t.Update.Platform), t.Update.UserID, score, still)
	if err != nil {
		return err
	}
	if !first {
		t.Reply(t.T("case.rate.again"))
		return nil
	}
	// The timeline shows the score (★★★★, or 仍有问题).
	shown := strings.Repeat("★", score)
	if still {
		shown = i18n.T(t.Deps.DefaultLang, "button.still")
	}
	if err := t.record(ctx, c, a.Action, shown, map[string]any{"score": score, "still_problem": still}); err != nil {
		return err
	}
	if !still && score > t.Deps.LowScore {
		t.Reply(t.T("case.rate.thanks", "number", c.Number))
		return nil
	}
	// A low score or "still a problem" reopens the case to the center.
	if err := t.Tx.SetStatus(ctx, c.ID, store.Lifecycle[store.ActReopen].To); err != nil {
		return err
	}
	note := t.T("case.reopen.still")
	if !still {
		note = t.T("case.reopen.score", "score", score)
	}
	if err := t.record(ctx, c, store.ActReopen, note, nil); err != nil {
		return err
	}
	t.Reply(t.T("case.rate.reopened", "number", c.Number))
	c, err = t.reload(ctx, c.ID)
	if err != nil {
		return err
	}
	if err := t.centerCard(ctx, c, "notify.center.reopened"); err != nil {
		return err
	}
	return t.tellFollowers(ctx, c, "notify.follower.reopened", "reason", note)
}

// ratesHere checks that the answer comes from a resident group the closing
// was posted to (the groups audience.Groups chose for the case's
// community): a button pressed anywhere else — a private chat, another
// community's group, a forged callback — is refused and changes nothing.
func (t *Turn) ratesHere(ctx context.Context, c store.CaseView) (bool, error) {
	refuse := func() (bool, error) {
		t.Reply(t.T("case.rate.not_here", "number", c.Number))
		return false, nil
	}
	if t.Update.ChatKind != bot.Group {
		// The resident whose complaint became the case rates it privately.
		if ok, err := t.IsComplainant(ctx, c.ID); err != nil || ok {
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
	if chat.Kind != store.ChatResident ||
		(chat.CommunityID.Valid && c.CommunityID.Valid && chat.CommunityID.Int64 != c.CommunityID.Int64) {
		return refuse()
	}
	return true, nil
}
