package cases

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/alleybot/alleybot/audience"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// Property managers (物业公司, seed 二(三)2) are departments of kind
// property with the alleys they manage. The center's card of a case in
// such an alley offers 抄送物业 (a copy: its contacts are told with the card)
// and 派单给物业 (a dispatch like a department's, with the category's
// clocks; its contacts then verify and fix it with the department's
// buttons). Their family is "pm": "pm:<action>:<case id>:<department id>".

// PropertyPrefix is the property buttons' family prefix.
const PropertyPrefix = "pm"

// Property actions.
const (
	PropertyCopy     = "copy"
	PropertyDispatch = "dispatch"
)

// PropertyFamily is the 抄送物业 / 派单给物业 buttons.
func PropertyFamily() conversations.ButtonFamily {
	return conversations.ButtonFamily{
		Prefix: PropertyPrefix, Actions: []string{PropertyCopy, PropertyDispatch}, Shared: true,
		Parse: parsePropertyButton,
		Label: func(lang i18n.Lang, action string) string { return i18n.T(lang, "property.action."+action) },
		Act: func(ctx context.Context, _ *conversations.Engine, t *conversations.Turn, p conversations.Pressed) error {
			dept, _ := strconv.ParseInt(p.Arg, 10, 64)
			if p.Action == PropertyCopy {
				return copyToProperty(ctx, t, p.ID, dept)
			}
			return DispatchToProperty(ctx, t, p.ID, dept)
		},
	}
}

func parsePropertyButton(data string) (conversations.Pressed, bool) {
	parts := strings.Split(data, ":")
	if len(parts) != 4 || parts[0] != PropertyPrefix || (parts[1] != PropertyCopy && parts[1] != PropertyDispatch) {
		return conversations.Pressed{}, false
	}
	id, err1 := strconv.ParseInt(parts[2], 10, 64)
	_, err2 := strconv.ParseInt(parts[3], 10, 64)
	if err1 != nil || err2 != nil {
		return conversations.Pressed{}, false
	}
	return conversations.Pressed{Prefix: PropertyPrefix, Action: parts[1], ID: id, Arg: parts[3]}, true
}

func propertyButton(key, action string, caseID int64, d store.Department) conversations.Button {
	return conversations.Button{Key: key, Args: []any{"property", d.Name},
		Data: PropertyPrefix + ":" + action + ":" + strconv.FormatInt(caseID, 10) + ":" + strconv.FormatInt(d.ID, 10)}
}

// partyButtons are the center card's buttons for the other parties of a
// case's alley: its property managers (抄送, 派单) and its volunteers (请志愿者协助).
func partyButtons(ctx context.Context, t *conversations.Turn, c store.CaseView) ([]conversations.Button, error) {
	if !c.AlleyID.Valid {
		return nil, nil
	}
	pms, err := t.Tx.PropertyManagersOf(ctx, c.AlleyID.Int64)
	if err != nil {
		return nil, err
	}
	var bs []conversations.Button
	for _, d := range pms {
		bs = append(bs, propertyButton("button.property.copy", PropertyCopy, c.ID, d),
			propertyButton("button.property.dispatch", PropertyDispatch, c.ID, d))
	}
	vs, err := t.Tx.VolunteersOf(ctx, c.AlleyID.Int64)
	if err != nil || len(vs) == 0 {
		return bs, err
	}
	// The volunteers' family (flows/parties, prefix "vol") does the asking.
	return append(bs, conversations.Button{Key: "button.volunteers", Data: "vol:ask:" + strconv.FormatInt(c.ID, 10)}), nil
}

// propertyOf checks that dept is a property manager of the case's alley:
// if not, the presser is told why and ok is false.
func propertyOf(ctx context.Context, t *conversations.Turn, c store.CaseView, deptID int64) (store.Department, bool, error) {
	d, err := t.Tx.DepartmentByID(ctx, deptID)
	if errors.Is(err, store.ErrNotFound) {
		t.Reply(t.T("property.unknown"))
		return d, false, nil
	}
	if err != nil {
		return d, false, err
	}
	isProp, err := t.Tx.IsProperty(ctx, deptID)
	if err != nil {
		return d, false, err
	}
	manages := false
	if isProp && c.AlleyID.Valid {
		if manages, err = t.Tx.PropertyManages(ctx, deptID, c.AlleyID.Int64); err != nil {
			return d, false, err
		}
	}
	if !isProp || !manages {
		t.Reply(t.T("property.not_its_alley", "number", c.Number, "property", d.Name, "alley", c.AlleyName))
		return d, false, nil
	}
	return d, true, nil
}

// copyToProperty copies an open case to its alley's property manager: its
// group and each of its contacts get the card.
func copyToProperty(ctx context.Context, t *conversations.Turn, caseID, deptID int64) error {
	c, err := t.Tx.LockCase(ctx, caseID)
	if errors.Is(err, store.ErrNotFound) {
		t.Reply(t.T("case.not_found", "number", strconv.FormatInt(caseID, 10)))
		return nil
	}
	if err != nil {
		return err
	}
	if ok, err := pressedHere(ctx, t, c, model.ActRedirect); err != nil || !ok {
		return err
	}
	if c.ClosedAt.Valid || c.Status == model.StatusClosed {
		t.Reply(t.T("property.closed", "number", c.Number))
		return nil
	}
	d, ok, err := propertyOf(ctx, t, c, deptID)
	if err != nil || !ok {
		return err
	}
	if err := t.Tx.AddCopy(ctx, c.ID, d.ID); err != nil {
		return err
	}
	if _, err := t.Tx.AddCaseEvent(ctx, c.ID, t.Person.ID, model.EventPropertyCopied, d.Name, map[string]any{"department": d.ID}); err != nil {
		return err
	}
	g := t.Deps.DefaultLang
	summary := CaseSummary(g, t.Deps.Location, c)
	if err := t.ToGroups(ctx, model.ChatDepartment, audience.Scope{Department: d.ID}, i18n.T(g, "property.copied.card",
		"number", c.Number, "summary", summary), nil); err != nil {
		return err
	}
	if err := toPropertyContacts(ctx, t, c, d.ID, "property.copied.contact"); err != nil {
		return err
	}
	t.Reply(t.T("property.copied", "number", c.Number, "property", d.Name))
	return nil
}

// DispatchToProperty dispatches a submitted case to a property manager of
// its alley like a department (the category's clocks; its contacts verify
// and fix it); outside its alleys it is refused with the reason.
func DispatchToProperty(ctx context.Context, t *conversations.Turn, caseID, deptID int64) error {
	c, ok, err := lockFor(ctx, t, caseID, model.ActDispatch)
	if err != nil || !ok {
		return err
	}
	d, ok, err := propertyOf(ctx, t, c, deptID)
	if err != nil || !ok {
		return err
	}
	if err := doDispatch(ctx, t, c, d.ID, nil); err != nil {
		return err
	}
	c, err = reload(ctx, t, c.ID)
	if err != nil {
		return err
	}
	return toPropertyContacts(ctx, t, c, d.ID, "property.dispatched.contact",
		button("button.verify", model.ActVerify, c.ID), button("button.notours", model.ActNotOurs, c.ID))
}

// toPropertyContacts tells each contact of a property manager privately
// (but not the person acting), with the case's summary.
func toPropertyContacts(ctx context.Context, t *conversations.Turn, c store.CaseView, deptID int64, key string, buttons ...conversations.Button) error {
	ids, err := t.Tx.DepartmentMembers(ctx, deptID)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if id == t.Person.ID {
			continue
		}
		p, err := t.Tx.PersonByID(ctx, id)
		if err != nil {
			return err
		}
		lang := i18n.Lang(p.Lang)
		if err := t.ToPerson(ctx, id, key, []any{"number", c.Number, "summary", CaseSummary(lang, t.Deps.Location, c)}, nil, buttons...); err != nil {
			return err
		}
	}
	return nil
}

// propertyRefused refuses 改派 to a property manager outside its alleys
// (told); a department is never refused here.
func propertyRefused(ctx context.Context, t *conversations.Turn, deptID int64) (bool, error) {
	isProp, err := t.Tx.IsProperty(ctx, deptID)
	if err != nil || !isProp {
		return false, err
	}
	c, err := t.Tx.CaseByID(ctx, cdraft(t).CaseID)
	if err != nil {
		return false, err
	}
	_, ok, err := propertyOf(ctx, t, c, deptID)
	return !ok, err
}
