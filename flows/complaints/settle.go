package complaints

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// A supervisor settles a complaint about the staff (seed 四(一), 七(二)):
// the verdict (属实 / 不属实), for an upheld one the person it is about
// (offered from the names in the complaint and the community's staff, or
// typed), then the outcome. An upheld complaint counts in the person's
// scorecard and shows in their /record; the resident is told the verdict
// and the outcome, the person (if upheld) that one was recorded, with no
// resident in it.

// maxStaffOffered is how many of the community's staff the person step
// offers as buttons besides the people named (more: the named only).
const maxStaffOffered = 10

func settleSteps() []conversations.Step {
	return []conversations.Step{
		{Name: "verdict", Accepts: conversations.Choice, Prompt: deciding(promptVerdict), Handle: handleVerdict},
		{Name: "person", Accepts: conversations.Choice | conversations.Text, Prompt: promptPerson, Handle: handlePerson},
		{Name: "text", Accepts: conversations.Text, Prompt: promptSettle, Handle: handleSettle},
	}
}

func decision(t *conversations.Turn) *ComplaintDecision { return t.Data.(*ComplaintDecision) }

func promptVerdict(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	return conversations.Prompt{Text: t.T("complaint.ask.verdict"), Options: []conversations.Option{
		{Label: t.T("button.complaint.upheld"), Value: string(model.ComplaintUpheld)},
		{Label: t.T("button.complaint.not_upheld"), Value: string(model.ComplaintNotUpheld)}}}, nil
}

func handleVerdict(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	d := decision(t)
	d.PersonID = 0
	switch model.ComplaintVerdict(in.Choice) {
	case model.ComplaintUpheld:
		d.Verdict = model.ComplaintUpheld
		return "person", nil
	case model.ComplaintNotUpheld:
		d.Verdict = model.ComplaintNotUpheld
		return "text", nil
	}
	t.Reply(t.T("flow.hint.choice"))
	return conversations.Stay, nil
}

func promptPerson(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	named, staff, err := t.Tx.ComplaintCandidates(ctx, decision(t).ComplaintID, maxStaffOffered)
	if err != nil {
		return conversations.Prompt{}, err
	}
	p := conversations.Prompt{Text: t.T("complaint.ask.person")}
	for _, c := range append(named, staff...) {
		p.Options = append(p.Options, conversations.Option{Label: c.Name + "(" + c.Code + ")", Value: strconv.FormatInt(c.ID, 10)})
	}
	return p, nil
}

// handlePerson takes a pressed candidate, or a typed name or code of
// anyone in the roster; an unknown or ambiguous one is refused and asked
// again.
func handlePerson(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	var p store.Person
	var err error
	if in.Kind == conversations.Choice {
		id, _ := strconv.ParseInt(in.Choice, 10, 64)
		p, err = t.Tx.PersonByID(ctx, id)
	} else {
		p, err = t.Tx.FindPerson(ctx, strings.TrimSpace(in.Text))
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		name := strings.TrimSpace(in.Text)
		if name == "" {
			name = in.Choice
		}
		t.Reply(t.T("complaint.person.unknown", "name", name))
		return conversations.Stay, nil
	case errors.Is(err, store.ErrAmbiguous):
		t.Reply(t.T("complaint.person.ambiguous", "name", strings.TrimSpace(in.Text)))
		return conversations.Stay, nil
	case err != nil:
		return "", err
	}
	decision(t).PersonID = p.ID
	return "text", nil
}

func promptSettle(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	d := decision(t)
	if d.Verdict != model.ComplaintUpheld {
		return conversations.Prompt{Text: t.T("complaint.ask.settle.not_upheld")}, nil
	}
	p, err := t.Tx.PersonByID(ctx, d.PersonID)
	if err != nil {
		return conversations.Prompt{}, err
	}
	return conversations.Prompt{Text: t.T("complaint.ask.settle.upheld", "name", p.Name)}, nil
}

// handleSettle records the outcome with the verdict and the person, tells
// the resident the verdict and the outcome, and the person of an upheld
// complaint that it was recorded.
func handleSettle(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	text := strings.TrimSpace(in.Text)
	if !conversations.TextFits(t, text, 2, conversations.MaxReason) {
		return conversations.Stay, nil
	}
	k, ok, err := lockOpen(ctx, t)
	if err != nil || !ok {
		return conversations.Done, err
	}
	d := decision(t)
	if d.Verdict != model.ComplaintUpheld {
		d.Verdict, d.PersonID = model.ComplaintNotUpheld, 0
	}
	err = t.Tx.SettleComplaint(ctx, k.ID, d.Verdict, d.PersonID, text, t.Person.ID, t.Deps.Now())
	if errors.Is(err, store.ErrComplaintDecided) {
		t.Reply(t.T("complaint.decided", "number", k.Number, "status", t.T("complaint.status.settled")))
		return conversations.Done, nil
	}
	if err != nil {
		return "", err
	}
	if d.Verdict != model.ComplaintUpheld {
		t.Reply(t.T("complaint.done.not_upheld", "number", k.Number))
		tellResident(t, k, "resident.complaint.not_upheld", "number", k.Number, "text", text)
		return conversations.Done, nil
	}
	p, err := t.Tx.PersonByID(ctx, d.PersonID)
	if err != nil {
		return "", err
	}
	t.Reply(t.T("complaint.done.upheld", "number", k.Number, "name", p.Name))
	tellResident(t, k, "resident.complaint.upheld", "number", k.Number, "text", text)
	return conversations.Done, t.ToPerson(ctx, p.ID, "notify.complaint.upheld", []any{"number", k.Number, "text", text}, nil)
}
