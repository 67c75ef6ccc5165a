package notices

import (
	"context"
	"errors"

	"github.com/alleybot/alleybot/audience"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// Stewards do publicity (seed 二(四)1): a steward sends /notice to the
// residents' groups of their own communities only; with
// publicity.needs_approval the notice first goes to the coordinators'
// group with 批准 / 驳回 (button family "pub") and is posted when
// approved; the steward is told either way.

// PublicityPrefix is the approval buttons' family.
const PublicityPrefix = "pub"

// Publicity is the config's publicity section.
type Publicity struct {
	NeedsApproval bool
}

// PublicityDomain is the approval buttons of stewards' notices.
func PublicityDomain(s Publicity) conversations.Domain {
	return conversations.Domain{Name: "publicity", Settings: &s, Buttons: []conversations.ButtonFamily{{
		Prefix: PublicityPrefix, Actions: []string{"approve", "reject"}, Shared: true, Act: actPublicity,
		Label: func(lang i18n.Lang, action string) string { return i18n.T(lang, "button.publicity."+action) },
	}}}
}

// ownCommunities are the communities of the speaker's steward roles, and
// whether the speaker is limited to them (a steward who is neither
// coordinator nor admin).
func ownCommunities(t *conversations.Turn) (map[int64]bool, bool) {
	if t.HasRole(model.RoleCoordinator) || t.HasRole(model.RoleAdmin) || !t.HasRole(model.RoleSteward) {
		return nil, false
	}
	own := map[int64]bool{}
	for _, r := range t.Roles {
		if r.Role == model.RoleSteward && r.CommunityID.Valid {
			own[r.CommunityID.Int64] = true
		}
	}
	return own, true
}

func askApproval(ctx context.Context, t *conversations.Turn, community int64, text string, photoID int64) error {
	id, err := t.Tx.AddPublicityRequest(ctx, t.Person.ID, community, text, photoID, t.Deps.Now())
	if err != nil {
		return err
	}
	g := t.Deps.DefaultLang
	if err := t.ToGroups(ctx, model.ChatCoordinators, audience.Scope{}, i18n.T(g, "publicity.request", "name", t.Person.Name, "text", text), nil,
		conversations.FamilyButton("button.publicity.approve", PublicityPrefix, "approve", id),
		conversations.FamilyButton("button.publicity.reject", PublicityPrefix, "reject", id)); err != nil {
		return err
	}
	t.Reply(t.T("publicity.submitted"))
	return nil
}

func actPublicity(ctx context.Context, e *conversations.Engine, t *conversations.Turn, p conversations.Pressed) error {
	approve := p.Action == "approve"
	r, err := t.Tx.DecidePublicityRequest(ctx, p.ID, approve, t.Person.ID, t.Deps.Now())
	if errors.Is(err, store.ErrNotFound) {
		t.Reply(t.T("publicity.decided"))
		return nil
	}
	if err != nil {
		return err
	}
	if !approve {
		t.Reply(t.T("publicity.rejected.done", "name", r.PersonName))
		return t.ToPerson(ctx, r.PersonID, "publicity.rejected", []any{"by", t.Person.Name, "text", r.Text}, nil)
	}
	n, err := post(ctx, t, r.CommunityID, r.Text, r.PhotoID.Int64)
	if err != nil {
		return err
	}
	t.Reply(t.T("publicity.approved.done", "name", r.PersonName, "n", n))
	return t.ToPerson(ctx, r.PersonID, "publicity.approved", []any{"by", t.Person.Name, "n", n, "text", r.Text}, nil)
}
