package handlers

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

func (r *Router) redeem(ctx context.Context, t *conversations.Turn, code string) error {
	p, err := t.Tx.RedeemInvite(ctx, code, string(t.Update.Platform), t.Update.UserID, t.Update.UserName)
	switch {
	case errors.Is(err, store.ErrInviteUnknown):
		t.Reply(t.T("invite.unknown"))
		return nil
	case errors.Is(err, store.ErrInviteUsed):
		t.Reply(t.T("invite.used"))
		return nil
	case errors.Is(err, store.ErrInviteExpired):
		t.Reply(t.T("invite.expired"))
		return nil
	case err != nil:
		return err
	}
	t.Person = p
	t.Lang = i18n.Parse(p.Lang, r.defaultLang)
	if t.Roles, err = t.Tx.RolesOf(ctx, p.ID); err != nil {
		return err
	}
	t.Reply(t.T("start.bound", "name", p.Name, "roles", RoleNames(t.Lang, t.Roles)))
	return nil
}

// Rebinding. An account bound to one person that redeems another
// person's code is refused, with who it is bound to and the two deliberate
// ways to move it: the person answers 确认换绑 within rebindWithin, or an
// administrator runs `alleybot unbind NAME` and the code is used again.
// A coordinator who opens a steward's invitation link stays the
// coordinator.

const rebindWithin = 10 * time.Minute

func rebindKey(t *conversations.Turn) string {
	return "rebind:" + string(t.Update.Platform) + ":" + t.Update.UserID
}

// isRebindWord is 确认换绑 (or its English), typed.
func isRebindWord(text string) bool {
	text = strings.TrimSpace(text)
	return text == i18n.T(i18n.ZH, "invite.rebind.word") || strings.EqualFold(text, i18n.T(i18n.EN, "invite.rebind.word"))
}

// redeemBound is /start CODE from an account already bound: its own
// person's code binds as before (a new code, the link pressed again);
// another person's is refused and remembered for 确认换绑.
func (r *Router) redeemBound(ctx context.Context, t *conversations.Turn, code string) error {
	holder, err := t.Tx.InviteHolder(ctx, code)
	if errors.Is(err, store.ErrInviteUsed) && holder.ID != t.Person.ID {
		t.Reply(t.T("invite.used"))
		return nil
	}
	if err != nil || holder.ID == t.Person.ID {
		return r.redeem(ctx, t, code) // its errors are told there
	}
	if err := t.Tx.CacheSet(ctx, rebindKey(t), code, rebindWithin); err != nil {
		return err
	}
	t.Reply(t.T("invite.bound_other", "name", t.Person.Name, "roles", RoleNames(t.Lang, t.Roles), "other", holder.Name,
		"word", t.T("invite.rebind.word"), "minutes", int(rebindWithin.Minutes()), "code", t.Person.Code))
	return nil
}

// confirmRebind moves this account to the person of the code it was
// refused for.
func (r *Router) confirmRebind(ctx context.Context, t *conversations.Turn) error {
	code, ok, err := t.Tx.CacheGet(ctx, rebindKey(t))
	if err != nil {
		return err
	}
	if !ok {
		t.Reply(t.T("invite.rebind.none"))
		return nil
	}
	if err := t.Tx.CacheDelete(ctx, rebindKey(t)); err != nil {
		return err
	}
	old := t.Person
	if err := r.redeem(ctx, t, code); err != nil || t.Person.ID == old.ID {
		return err // a code used or expired meanwhile was told
	}
	r.log.Info("account moved to another person", "platform", t.Update.Platform, "user", t.Update.UserID, "from", old.Code, "to", t.Person.Code)
	t.Reply(t.T("invite.rebound", "old", old.Name))
	return nil
}

// stranger answers someone without an account: a resident complains and
// goes on with the complaint flow; someone with an invitation code binds
// their account; strangers chatting in a group are not spoken to; WeCom
// people not in the roster are told whom to ask; anyone else is most likely
// a resident.
func (r *Router) stranger(ctx context.Context, rt *route) error {
	t, name, args := rt.t, rt.name, rt.args
	u := t.Update
	// Residents complain without an account, and continue the flow.
	if done, err := r.residentTurn(ctx, t, name, args); done || err != nil {
		return err
	}
	if name == "start" && args != "" {
		return r.redeem(ctx, t, args)
	}
	if u.ChatKind == bot.Group && name == "" {
		return nil // strangers chatting in a group are not spoken to
	}
	if u.Platform == bot.WeCom {
		// WeCom people are matched by the roster's wecom_userid: no
		// invitation; someone not in it is told whom to ask.
		admins, err := t.Tx.NamesWithRole(ctx, model.RoleAdmin)
		if err != nil {
			return err
		}
		t.Reply(t.T("start.unbound.wecom", "userid", u.UserID, "admins", strings.Join(admins, t.T("list.sep"))))
		return nil
	}
	// Anyone else not in the roster is most likely a resident: what
	// residents can do, on every channel (staff are told how to bind).
	return r.resident(ctx, t)
}
