// Package attendance owns a training's attendance: the trainer marks who
// came, all the signed-up but some, or each by name.
package attendance

import (
	"context"
	"strings"

	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/flows/trainings"
	"github.com/alleybot/alleybot/model"
)

// Domain is the attendance flow (started by the trainings' 记录出勤).
func Domain() conversations.Domain {
	return conversations.Domain{Name: "attendance", Flows: []*conversations.Flow{
		conversations.TextFlow("attendance",
			conversations.Step{Name: "mode", Accepts: conversations.Choice, Prompt: promptAttendance, Handle: handleAttendanceMode},
			conversations.Step{Name: "absent", Accepts: conversations.Choice | conversations.Text, Prompt: promptAbsent, Handle: handleAbsent},
			conversations.Step{Name: "came", Accepts: conversations.Text, Prompt: conversations.SimpleKey("training.ask.came"), Handle: handleCame}),
	}}
}

func promptAttendance(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	tr, err := t.Tx.TrainingByID(ctx, conversations.TextOf(t).ID)
	if err != nil {
		return conversations.Prompt{}, err
	}
	signed, err := t.Tx.Invites(ctx, tr.ID, model.AnswerSigned)
	if err != nil {
		return conversations.Prompt{}, err
	}
	names := make([]string, len(signed))
	for i, s := range signed {
		names[i] = s.Name
	}
	return conversations.Prompt{Text: t.T("training.ask.attendance", "title", tr.Title, "n", len(signed), "names", strings.Join(names, "、")),
		Options: []conversations.Option{{Label: t.T("button.attend.all"), Value: "all"}, {Label: t.T("button.attend.each"), Value: "each"}}}, nil
}

func handleAttendanceMode(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	if in.Choice == "each" {
		return "came", nil
	}
	if err := t.Tx.SetAttendance(ctx, conversations.TextOf(t).ID, true, nil, false); err != nil {
		return "", err
	}
	return "absent", nil
}

func promptAbsent(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	return conversations.Prompt{Text: t.T("training.ask.absent"), Options: []conversations.Option{{Label: t.T("button.attend.none_absent"), Value: "none"}}}, nil
}

func handleAbsent(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	if in.Kind == conversations.Text {
		ids, ok, err := trainings.FindPeople(ctx, t, in.Text)
		if !ok {
			return conversations.Stay, err
		}
		if err := t.Tx.SetAttendance(ctx, conversations.TextOf(t).ID, false, ids, false); err != nil {
			return "", err
		}
	}
	return conversations.Done, attendanceDone(ctx, t)
}

func handleCame(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	ids, ok, err := trainings.FindPeople(ctx, t, in.Text)
	if !ok {
		return conversations.Stay, err
	}
	id := conversations.TextOf(t).ID
	if _, err := t.Tx.ExecAttendanceReset(ctx, id); err != nil {
		return "", err
	}
	if err := t.Tx.SetAttendance(ctx, id, false, ids, true); err != nil {
		return "", err
	}
	return conversations.Done, attendanceDone(ctx, t)
}

func attendanceDone(ctx context.Context, t *conversations.Turn) error {
	s, err := t.Tx.StatsOf(ctx, conversations.TextOf(t).ID)
	if err == nil {
		t.Reply(t.T("training.attendance.done", "came", s.Came, "signed", s.Signed))
	}
	return err
}
