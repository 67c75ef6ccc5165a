package cases

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// The case lifecycle of seed clauses 三(三)–(五), in stages, one file each:
// case_dispatch.go (the acceptance center: 派单, 改派, 退回, 合并, and the
// steward's 补充), case_verify.go (the department on site: 已核实,
// 非本部门职责), case_fix.go (进展, 延期, 已整改), case_recheck.go (the
// steward's 通过 / 未整改到位) and case_rating.go (the residents). The
// state machine is one table, model.Lifecycle; case_buttons.go is the
// button protocol and case_notify.go who is told.
//
// A button either acts at once (派单, 通过, 批准 …) or starts a short flow
// that asks what it needs (a reason, a date, photos) and acts at its end.
// Every action locks the case row and checks its state and the person's
// scope, so of two people pressing the same button one wins and the other
// is told the state it found.

// CaseDraft is the state of the lifecycle flows.
type CaseDraft struct {
	CaseID int64      `json:"case_id"`
	Plan   model.Plan `json:"plan,omitempty"`
	Date   time.Time  `json:"date,omitempty"`
	Text   string     `json:"text,omitempty"`
	Photos []int64    `json:"photos,omitempty"`
	Lead   int64      `json:"lead,omitempty"`
	Copies []int64    `json:"copies,omitempty"`
	// PlanText is 限期整改's plan in a sentence (case_plan.go).
	PlanText string `json:"plan_text,omitempty"`
}

func cdraft(t *conversations.Turn) *CaseDraft { return t.Data.(*CaseDraft) }

// AboutCase is the case the draft is about (/back from its first step
// shows that case's card again).
func (d *CaseDraft) AboutCase() int64 { return d.CaseID }

// caseFlows are the lifecycle's flows, stage by stage.
func caseFlows() []*conversations.Flow {
	var fs []*conversations.Flow
	for _, stage := range [][]*conversations.Flow{dispatchFlows(), verifyFlows(), fixFlows(), recheckFlows()} {
		fs = append(fs, stage...)
	}
	return fs
}

// Act handles a pressed case button. The caller has checked the role.
func Act(ctx context.Context, e *conversations.Engine, t *conversations.Turn, a CaseAction) error {
	if a.Action == model.ActApprove || a.Action == model.ActRefuse {
		return decideExtension(ctx, t, a)
	}
	c, ok, err := lockFor(ctx, t, a.ID, a.Action)
	if err != nil || !ok {
		return err
	}
	if a.Action != model.ActRate && a.Action != model.ActStill { // (residents' presses start no case flow)
		if err := leaveOtherFlow(ctx, e, t, c, a.Action); err != nil {
			return err
		}
	}
	switch a.Action {
	case model.ActDispatch:
		if c.DepartmentID.Valid {
			return doDispatch(ctx, t, c, c.DepartmentID.Int64, nil)
		}
		a.Action = model.ActRedirect // no department suggested: choose one
	case model.ActPass:
		return doPass(ctx, t, c)
	case model.ActMerge:
		if a.Arg != "" { // 合并到 2026-000012: one press, from the 疑似重复 line
			_, err := mergeInto(ctx, t, c, a.Arg)
			return err
		}
	case model.ActRate, model.ActStill:
		return doRate(ctx, e, t, c, a)
	case model.ActUrge:
		return doUrge(ctx, t, c)
	}
	if f := e.FlowFor(a.Action); f != nil {
		return startCaseFlow(ctx, e, t, f, c.ID)
	}
	return fmt.Errorf("case action %q has no handler", a.Action)
}

// leaveOtherFlow drops the person's flow about case c begun by another of
// its buttons (改派 while 派单 is pressed, 报告进展 while 已整改 is): the
// newer press is what the person means, and the old draft would only act
// on a case that has moved on. The same button again keeps its flow (it
// is asked again).
func leaveOtherFlow(ctx context.Context, e *conversations.Engine, t *conversations.Turn, c store.CaseView, action model.Action) error {
	chat := t.Update.ChatID
	if t.Update.ChatKind == bot.Group {
		chat = bot.PrivateChatID(t.Update.Platform, t.Update.UserID)
	}
	st, err := t.Tx.ConversationFor(ctx, string(t.Update.Platform), chat, t.Update.UserID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	f := e.Flow(st.Flow)
	var d CaseDraft
	if f == nil || f.Action == "" || f.Action == action || json.Unmarshal(st.Data, &d) != nil || d.CaseID != c.ID {
		return nil
	}
	if err := e.Forget(ctx, t, st); err != nil {
		return err
	}
	// Said where the flow ran (the person's private chat), not in a group.
	t.Say(bot.Message{Platform: t.Update.Platform, ChatID: st.ChatID, Text: t.T("flow.cancelled", "flow", t.T(f.Title))})
	return nil
}

// lockFor locks the case and checks that the action fits its state and the
// person's scope; a mismatch is told and acts on nothing.
func lockFor(ctx context.Context, t *conversations.Turn, id int64, action model.Action) (store.CaseView, bool, error) {
	c, err := t.Tx.LockCase(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		t.Reply(t.T("case.not_found", "number", strconv.FormatInt(id, 10)))
		return c, false, nil
	}
	if err != nil {
		return c, false, err
	}
	if ok, err := pressedHere(ctx, t, c, action); err != nil || !ok {
		return c, false, err
	}
	if !model.Lifecycle[action].Allows(c.Status) {
		if action == model.ActRate || action == model.ActStill {
			t.Reply(t.T("case.rate_closed", "number", c.Number))
		} else {
			t.Reply(t.T("case.wrong_state", "number", c.Number, "status", statusName(t.Lang, c.Status), "action", t.T("action."+string(action))))
		}
		return c, false, nil
	}
	ok, err := inScope(ctx, t, c, action)
	if err != nil || !ok {
		return c, false, err
	}
	return c, true, nil
}

// inScope checks the person against the case: a department member acts
// only on its own department's cases; a re-check is for the reporter or a
// steward of that alley; a supplement for the reporter. Admins may do all.
func inScope(ctx context.Context, t *conversations.Turn, c store.CaseView, action model.Action) (bool, error) {
	if t.HasRole(model.RoleAdmin) {
		return true, nil
	}
	switch action {
	case model.ActVerify, model.ActNotOurs, model.ActProgress, model.ActExtend, model.ActFixed:
		ok, err := t.Tx.InDepartment(ctx, t.Person.ID, c.DepartmentID.Int64)
		if err == nil && !ok {
			t.Reply(t.T("case.not_your_department", "number", c.Number, "department", c.DepartmentName))
		}
		return ok, err
	case model.ActPass, model.ActFail:
		if c.ReporterID.Int64 == t.Person.ID {
			return true, nil
		}
		ok, err := t.Tx.PatrolsAlley(ctx, t.Person.ID, c.AlleyID.Int64)
		if err == nil && !ok {
			t.Reply(t.T("case.not_your_alley", "number", c.Number, "alley", c.AlleyName))
		}
		return ok, err
	case model.ActResubmit, model.ActUrge:
		if c.ReporterID.Int64 != t.Person.ID {
			t.Reply(t.T("case.not_your_case", "number", c.Number))
			return false, nil
		}
	}
	return true, nil
}

// startCaseFlow starts a lifecycle flow about case id.
func startCaseFlow(ctx context.Context, e *conversations.Engine, t *conversations.Turn, f *conversations.Flow, id int64) error {
	return e.StartPrivately(ctx, t, f, &CaseDraft{CaseID: id})
}

// relock is the check at a flow's end: the case may have moved on while the
// person was typing.
func relock(ctx context.Context, t *conversations.Turn, action model.Action) (store.CaseView, bool, error) {
	return lockFor(ctx, t, cdraft(t).CaseID, action)
}

// record appends the action's event (model.Lifecycle) to the timeline.
func record(ctx context.Context, t *conversations.Turn, c store.CaseView, action model.Action, note string, data map[string]any) error {
	_, err := event(ctx, t, c, model.Lifecycle[action].Event, note, data, "", nil)
	return err
}

// event appends to the timeline and attaches photos to it.
func event(ctx context.Context, t *conversations.Turn, c store.CaseView, kind model.EventKind, note string, data map[string]any, photoKind model.PhotoKind, photos []int64) (int64, error) {
	id, err := t.Tx.AddCaseEvent(ctx, c.ID, t.Person.ID, kind, note, data)
	if err != nil {
		return 0, err
	}
	if len(photos) > 0 {
		if err := t.Tx.AttachPhotos(ctx, c.ID, id, photoKind, photos); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// reload reads the case again after a change, for the messages about it.
func reload(ctx context.Context, t *conversations.Turn, id int64) (store.CaseView, error) {
	return t.Tx.CaseByID(ctx, id)
}

// statusName is a status as people read it.
func statusName(lang i18n.Lang, st model.Status) string { return i18n.T(lang, "status."+string(st)) }

// --- 派单 -----------------------------------------------------------------

// simplePrompt asks a catalog question about the flow's case.
func simplePrompt(key string) func(context.Context, *conversations.Turn) (conversations.Prompt, error) {
	return func(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
		n, err := caseNumber(ctx, t)
		return conversations.Prompt{Text: t.T(key, "number", n)}, err
	}
}

// promptSkippable is simplePrompt with a 跳过 button.
func promptSkippable(key string) func(context.Context, *conversations.Turn) (conversations.Prompt, error) {
	return func(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
		n, err := caseNumber(ctx, t)
		return conversations.Prompt{Text: t.T(key, "number", n), Options: []conversations.Option{{Label: t.T("button.skip"), Value: "skip"}}}, err
	}
}

// textStep asks for a reason or a note of at least two characters.
func textStep(name, key string, next func(context.Context, *conversations.Turn) (string, error)) conversations.Step {
	return conversations.Step{Name: name, Accepts: conversations.Text, Prompt: simplePrompt(key), Handle: func(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
		text := strings.TrimSpace(in.Text)
		if strings.HasPrefix(text, "/") {
			t.Reply(t.T("report.description.command", "cmd", strings.Fields(text)[0]))
			return conversations.Stay, nil
		}
		if conversations.Visible(text) < 2 {
			t.Reply(t.T("case.text_short"))
			return conversations.Stay, nil
		}
		d := cdraft(t)
		if n := utf8.RuneCountInString(d.Text) + utf8.RuneCountInString(text); n > conversations.MaxReason {
			t.Reply(t.T("case.text_long", "n", n, "max", conversations.MaxReason))
			return conversations.Stay, nil
		}
		if d.Text == "" || name == "reason" && t.FlowName() == "verify" {
			d.Text = text
		} else {
			d.Text += "\n" + text
		}
		return next(ctx, t)
	}}
}

// photosStep collects up to 9 photos; min 0 makes them optional (跳过).
func photosStep(name, key string, min int, next func(context.Context, *conversations.Turn) (string, error)) conversations.Step {
	return conversations.Step{Name: name, Accepts: conversations.Photo | conversations.Choice, Hint: "report.photos.hint",
		Prompt: func(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
			d := cdraft(t)
			if len(d.Photos) == 0 {
				n, err := caseNumber(ctx, t)
				if err != nil {
					return conversations.Prompt{}, err
				}
				p := conversations.Prompt{Text: t.T(key, "number", n)}
				if min == 0 {
					p.Options = []conversations.Option{{Label: t.T("button.skip"), Value: "done"}}
				}
				return p, nil
			}
			return conversations.MorePhotos(t, len(d.Photos)), nil
		},
		Handle: func(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
			d := cdraft(t)
			if in.Kind == conversations.Choice {
				if len(d.Photos) < min {
					t.Reply(t.T("report.photos.need_one"))
					return conversations.Stay, nil
				}
				return next(ctx, t)
			}
			_, err := t.AddPhoto(ctx, &d.Photos, conversations.MaxPhotos, in.Photo)
			return conversations.Stay, err
		}}
}

// caseNumber is the number of the case a flow is about, for its prompts.
func caseNumber(ctx context.Context, t *conversations.Turn) (string, error) {
	if d, ok := t.Data.(*CaseDraft); ok && d.CaseID != 0 {
		return t.Tx.CaseNumber(ctx, d.CaseID)
	}
	return "", nil
}
