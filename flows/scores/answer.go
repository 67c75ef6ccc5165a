package scores

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"strconv"
	"strings"

	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// A coordinator answers an appeal (the buttons the appeal came with):
// 维持 keeps the score, with an answer; 更正 takes the corrected total (or
// a change, +5) and an answer, and stores an adjustment beside the card,
// which stays as computed. Either is told to the steward privately; an
// appeal answered once is not answered again.

// Act handles a pressed appeal button (the router checked the role): in
// a private chat, by a coordinator of the steward's community (or of
// every community, or an admin), on an appeal still pending, the answer's
// flow starts.
func Act(ctx context.Context, e *conversations.Engine, t *conversations.Turn, p conversations.Pressed) error {
	ap, err := t.Tx.AppealByID(ctx, p.ID)
	if errors.Is(err, store.ErrNotFound) {
		t.Reply(t.T("appeal.not_found"))
		return nil
	}
	if err != nil {
		return err
	}
	if answered(t, ap) {
		return nil
	}
	if ok, err := t.GroupIs(ctx, "", 0); err != nil || !ok {
		if err == nil {
			t.ToPrivate()
			t.Reply(t.T("appeal.button.private"))
		}
		return err
	}
	card, ok, err := currentCard(ctx, t, ap.PersonID, ap.Period)
	if err != nil || !ok {
		return err
	}
	if !coordinates(t, card.CommunityID) {
		t.Reply(t.T("appeal.not_yours", "name", ap.PersonName, "community", card.CommunityName))
		return nil
	}
	return e.StartPrivately(ctx, t, e.Flow(Prefix+p.Action), &AppealDecision{AppealID: ap.ID})
}

// answered tells (and reports) that an appeal has been answered already.
func answered(t *conversations.Turn, ap store.Appeal) bool {
	if ap.Status == model.AppealPending {
		return false
	}
	t.Reply(t.T("appeal.answered", "name", ap.PersonName, "period", ap.Period,
		"outcome", t.T("appeal.outcome."+string(ap.Status), "by", ap.AnsweredName)))
	return true
}

// coordinates reports whether the speaker answers appeals from community:
// an admin, or a coordinator of it or of every community.
func coordinates(t *conversations.Turn, community sql.NullInt64) bool {
	for _, r := range t.Roles {
		switch {
		case r.Role == model.RoleAdmin:
			return true
		case r.Role == model.RoleCoordinator && (!r.CommunityID.Valid || !community.Valid || r.CommunityID.Int64 == community.Int64):
			return true
		}
	}
	return false
}

// deciding puts the appeal (the steward, the period, the current total,
// the reason) above the question key.
func deciding(key string) func(context.Context, *conversations.Turn) (conversations.Prompt, error) {
	return func(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
		ap, card, err := appealAndCard(ctx, t, false)
		if err != nil {
			return conversations.Prompt{}, err
		}
		total, grade, err := Adjusted(card)
		return conversations.Prompt{Text: t.T("appeal.deciding", "name", ap.PersonName, "period", ap.Period, "total", num(total),
			"grade", t.T("score.grade."+grade), "reason", ap.Reason) + "\n\n" + t.T(key, "name", ap.PersonName)}, err
	}
}

// appealAndCard reads (lock: locks) the decision's appeal and the
// steward's current card of its period.
func appealAndCard(ctx context.Context, t *conversations.Turn, lock bool) (store.Appeal, store.Assessment, error) {
	read := t.Tx.AppealByID
	if lock {
		read = t.Tx.LockAppeal
	}
	ap, err := read(ctx, decision(t).AppealID)
	if err != nil {
		return ap, store.Assessment{}, err
	}
	hist, err := t.Tx.AssessmentHistory(ctx, ap.PersonID, ap.Period)
	if err == nil && len(hist) == 0 {
		err = errors.New("appeal: the card is gone")
	}
	if err != nil {
		return ap, store.Assessment{}, err
	}
	return ap, hist[len(hist)-1], nil
}

// answerText reads a coordinator's answer: 2 to 500 characters.
func answerText(t *conversations.Turn, in conversations.Input) (string, bool) {
	return conversations.ShortText(t, in.Text, 2, conversations.MaxReason)
}

// handleKeep keeps the score: the answer recorded, the steward told.
func handleKeep(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	text, ok := answerText(t, in)
	if !ok {
		return conversations.Stay, nil
	}
	ap, card, err := appealAndCard(ctx, t, true)
	if err != nil || answered(t, ap) {
		return conversations.Done, err
	}
	if _, err := t.Tx.AnswerAppeal(ctx, ap.ID, model.AppealUpheld, text, t.Person.ID, t.Deps.Now()); err != nil {
		return "", err
	}
	total, grade, err := Adjusted(card)
	if err != nil {
		return "", err
	}
	if err := tell(ctx, t, ap.PersonID, func(lang i18n.Lang) (string, error) {
		return i18n.T(lang, "appeal.kept.to_steward", "period", ap.Period, "total", num(total),
			"grade", i18n.T(lang, "score.grade."+grade), "by", t.Person.Name, "answer", text), nil
	}); err != nil {
		return "", err
	}
	t.Reply(t.T("appeal.kept", "name", ap.PersonName, "period", ap.Period))
	return conversations.Done, nil
}

// parseTotal reads a corrected total (85, 85.5) or a change (+5, -2.5;
// full-width signs and a trailing 分 too): the change, one decimal.
func parseTotal(text string, current float64) (float64, bool) {
	s := strings.NewReplacer("\uff0b", "+", "\uff0d", "-", "\u2212", "-", "\uff0e", ".", " ", "").Replace(strings.TrimSpace(text))
	s = strings.TrimSuffix(s, "分")
	relative := strings.HasPrefix(s, "+") || strings.HasPrefix(s, "-")
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, false
	}
	x = math.Round(x*10) / 10
	if relative {
		return x, true
	}
	return math.Round((x-current)*10) / 10, true
}

// handleCorrectTotal takes the corrected total or the change: the result
// within 0–100, and a change.
func handleCorrectTotal(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	_, card, err := appealAndCard(ctx, t, false)
	if err != nil {
		return "", err
	}
	current, _, err := Adjusted(card)
	if err != nil {
		return "", err
	}
	d, ok := parseTotal(in.Text, current)
	after := math.Round((current+d)*10) / 10
	switch {
	case !ok:
		t.Reply(t.T("appeal.bad_total", "text", strings.TrimSpace(in.Text)))
		return conversations.Stay, nil
	case after < 0 || after > 100:
		t.Reply(t.T("appeal.total_range", "total", num(after)))
		return conversations.Stay, nil
	case d == 0:
		t.Reply(t.T("appeal.no_change", "total", num(current)))
		return conversations.Stay, nil
	}
	decision(t).Delta = d
	return "answer", nil
}

func promptCorrectAnswer(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	ap, card, err := appealAndCard(ctx, t, false)
	if err != nil {
		return conversations.Prompt{}, err
	}
	card.Adjustment += decision(t).Delta
	total, grade, err := Adjusted(card)
	return conversations.Prompt{Text: t.T("appeal.ask.correct_answer", "name", ap.PersonName, "total", num(total),
		"grade", t.T("score.grade."+grade), "delta", delta(decision(t).Delta))}, err
}

// handleCorrect stores the correction as an adjustment (the card stays
// as computed), records the answer and tells the steward.
func handleCorrect(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	text, ok := answerText(t, in)
	if !ok {
		return conversations.Stay, nil
	}
	ap, card, err := appealAndCard(ctx, t, true)
	if err != nil || answered(t, ap) {
		return conversations.Done, err
	}
	d := decision(t).Delta
	if _, err := t.Tx.AddAdjustment(ctx, store.Adjustment{PersonID: ap.PersonID, Period: ap.Period, AppealID: ap.ID, Delta: d,
		Reason: text, By: sql.NullInt64{Int64: t.Person.ID, Valid: t.Person.ID != 0}, At: t.Deps.Now()}); err != nil {
		return "", err
	}
	if _, err := t.Tx.AnswerAppeal(ctx, ap.ID, model.AppealCorrected, text, t.Person.ID, t.Deps.Now()); err != nil {
		return "", err
	}
	original, _, err := Adjusted(card)
	if err != nil {
		return "", err
	}
	card.Adjustment += d
	total, grade, err := Adjusted(card)
	if err != nil {
		return "", err
	}
	if err := tell(ctx, t, ap.PersonID, func(lang i18n.Lang) (string, error) {
		return i18n.T(lang, "appeal.corrected.to_steward", "period", ap.Period, "total", num(total), "grade", i18n.T(lang, "score.grade."+grade),
			"delta", delta(d), "original", num(original), "by", t.Person.Name, "answer", text), nil
	}); err != nil {
		return "", err
	}
	t.Reply(t.T("appeal.corrected", "name", ap.PersonName, "period", ap.Period, "total", num(total),
		"grade", t.T("score.grade."+grade), "delta", delta(d)))
	return conversations.Done, nil
}
