package discipline

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/alleybot/alleybot/audience"
	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// handleWarnReason records the warning (a reason is required), tells the
// steward privately, and suspends the role once the warnings within the
// window reach the configured number.
func handleWarnReason(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	text, ok := reason(t, in.Text, "discipline.warn.reason_required")
	if !ok {
		return conversations.Stay, nil
	}
	d := draft(t)
	d.Reason = text
	e := d.by(t)
	e.Kind = model.RecordWarning
	if _, err := t.Tx.AddRecord(ctx, e); err != nil {
		return "", err
	}
	s := settings(t)
	n, err := t.Tx.WarningsSince(ctx, d.PersonID, t.Deps.Now().Add(-s.WarningWindow))
	if err != nil {
		return "", err
	}
	days := windowDays(s)
	if err := t.ToPerson(ctx, d.PersonID, "discipline.warned.to_steward", []any{"by", t.Person.Name, "reason", d.Reason,
		"n", n, "max", s.WarningsToSuspend, "days", days}, nil); err != nil {
		return "", err
	}
	t.Reply(t.T("discipline.warned", "name", d.Name, "n", n, "max", s.WarningsToSuspend, "days", days))
	suspended, err := t.Tx.Suspended(ctx, d.PersonID)
	if err != nil || suspended || n < s.WarningsToSuspend {
		return conversations.Done, err
	}
	return conversations.Done, suspend(ctx, t, d, n, days)
}

func windowDays(s Settings) string {
	return fmt.Sprint(int(s.WarningWindow.Hours()/24 + 0.5))
}

// suspend records the suspension of a steward's role: the steward is told,
// and the coordinators' and the exchange group get the 通报.
func suspend(ctx context.Context, t *conversations.Turn, d *Draft, n int, days string) error {
	if _, err := t.Tx.AddRecord(ctx, store.RecordEntry{PersonID: d.PersonID, Kind: model.RecordSuspension,
		Reason: fmt.Sprint(n), At: t.Deps.Now(), By: nullID(t.Person.ID)}); err != nil {
		return err
	}
	if err := t.ToPerson(ctx, d.PersonID, "discipline.suspended.to_steward", []any{"n", n, "days", days}, nil); err != nil {
		return err
	}
	g := t.Deps.DefaultLang
	notice := i18n.T(g, "discipline.suspended.notice", "name", d.Name, "n", n, "days", days)
	for _, kind := range []model.ChatKind{model.ChatCoordinators, model.ChatExchange} {
		if err := t.ToGroups(ctx, kind, audience.Scope{}, notice, nil); err != nil {
			return err
		}
	}
	t.Reply(t.T("discipline.suspended", "name", d.Name, "n", n))
	return nil
}

// handleRestoreReason restores a suspended steward's role (an admin, with
// a reason): Restore, the same path as `alleybot restore`.
func handleRestoreReason(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	text, ok := reason(t, in.Text, "discipline.reason_required")
	if !ok {
		return conversations.Stay, nil
	}
	d := draft(t)
	d.Reason = text
	msgs, err := Restore(ctx, t.Tx, t.Audience(), t.Deps.DefaultLang, Restoration{PersonID: d.PersonID, Name: d.Name,
		ByID: t.Person.ID, ByName: t.Person.Name, Reason: d.Reason, At: t.Deps.Now()})
	switch {
	case errors.Is(err, ErrNotSuspended):
		t.Reply(t.T("discipline.not_suspended", "name", d.Name))
		return conversations.Done, nil
	case err != nil:
		return "", err
	}
	t.Say(msgs...)
	t.Reply(t.T("discipline.restored", "name", d.Name))
	return conversations.Done, nil
}

// ErrNotSuspended is a restoration of a steward whose role is not suspended.
var ErrNotSuspended = errors.New("the steward's role is not suspended")

// Restoration is an admin's restoration of a suspended steward's role.
type Restoration struct {
	PersonID int64
	Name     string
	ByID     int64 // the admin (0: none recorded)
	ByName   string
	Reason   string
	At       time.Time
}

// Restore records the restoration of a suspended steward's role
// (ErrNotSuspended when it is not) and returns what tells the steward, the
// coordinators and the exchange group (groupLang: the groups' language):
// the /restore flow and `alleybot restore` both restore through it.
func Restore(ctx context.Context, tx *store.Tx, aud audience.Audience, groupLang i18n.Lang, r Restoration) ([]bot.Message, error) {
	suspended, err := tx.Suspended(ctx, r.PersonID)
	if err != nil {
		return nil, err
	}
	if !suspended {
		return nil, ErrNotSuspended
	}
	if _, err := tx.AddRecord(ctx, store.RecordEntry{PersonID: r.PersonID, Kind: model.RecordRestoration, Reason: r.Reason,
		At: r.At, By: nullID(r.ByID)}); err != nil {
		return nil, err
	}
	msgs, err := aud.Person(ctx, r.PersonID, func(lang i18n.Lang) bot.Message {
		return bot.Message{Text: i18n.T(lang, "discipline.restored.to_steward", "by", r.ByName, "reason", r.Reason)}
	})
	if err != nil {
		return nil, err
	}
	notice := bot.Message{Text: i18n.T(groupLang, "discipline.restored.notice", "name", r.Name, "by", r.ByName, "reason", r.Reason)}
	for _, kind := range []model.ChatKind{model.ChatCoordinators, model.ChatExchange} {
		more, err := aud.Groups(ctx, kind, audience.Scope{}, notice)
		if err != nil {
			return nil, err
		}
		msgs = append(msgs, more...)
	}
	return msgs, nil
}
