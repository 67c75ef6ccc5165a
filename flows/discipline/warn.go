package discipline

import (
	"context"
	"fmt"

	"github.com/alleybot/alleybot/audience"
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
// a reason): the steward, the coordinators and the exchange group are told.
func handleRestoreReason(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	text, ok := reason(t, in.Text, "discipline.reason_required")
	if !ok {
		return conversations.Stay, nil
	}
	d := draft(t)
	d.Reason = text
	if suspended, err := t.Tx.Suspended(ctx, d.PersonID); err != nil || !suspended {
		if err == nil {
			t.Reply(t.T("discipline.not_suspended", "name", d.Name))
		}
		return conversations.Done, err
	}
	e := d.by(t)
	e.Kind = model.RecordRestoration
	if _, err := t.Tx.AddRecord(ctx, e); err != nil {
		return "", err
	}
	if err := t.ToPerson(ctx, d.PersonID, "discipline.restored.to_steward", []any{"by", t.Person.Name, "reason", d.Reason}, nil); err != nil {
		return "", err
	}
	g := t.Deps.DefaultLang
	notice := i18n.T(g, "discipline.restored.notice", "name", d.Name, "by", t.Person.Name, "reason", d.Reason)
	for _, kind := range []model.ChatKind{model.ChatCoordinators, model.ChatExchange} {
		if err := t.ToGroups(ctx, kind, audience.Scope{}, notice, nil); err != nil {
			return "", err
		}
	}
	t.Reply(t.T("discipline.restored", "name", d.Name))
	return conversations.Done, nil
}
