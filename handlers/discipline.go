package handlers

import (
	"context"
	"slices"

	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/flows/discipline"
	"github.com/alleybot/alleybot/model"
)

func (r *Router) cmdCommend(ctx context.Context, t *conversations.Turn) error {
	return discipline.Start(ctx, r.flows, t, "commend", "discipline.commend.usage")
}

func (r *Router) cmdWarn(ctx context.Context, t *conversations.Turn) error {
	return discipline.Start(ctx, r.flows, t, "warn", "discipline.warn.usage")
}

func (r *Router) cmdRestore(ctx context.Context, t *conversations.Turn) error {
	return discipline.Start(ctx, r.flows, t, "restore", "discipline.restore.usage")
}

func (r *Router) cmdRecord(ctx context.Context, t *conversations.Turn) error {
	return discipline.Record(ctx, t)
}

// suspendedFrom reports (and says) that what — a command or a button's
// permission key, refused to the speaker — is refused because it is a
// steward's and their steward role is suspended (seed 四(三)): a suspended
// steward's turns hold no steward role (store.speakerRoles), so the
// refusal says why.
func (r *Router) suspendedFrom(ctx context.Context, t *conversations.Turn, what, label string) (bool, error) {
	if !slices.Contains(permissions[what], model.RoleSteward) || t.Person.ID == 0 {
		return false, nil
	}
	suspended, err := t.Tx.Suspended(ctx, t.Person.ID)
	if err != nil || !suspended {
		return false, err
	}
	t.Reply(t.T("discipline.suspended.refused", "cmd", label))
	return true, nil
}
