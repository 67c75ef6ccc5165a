package discipline

import (
	"context"
	"strings"
	"time"

	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// Record answers /record NAME: the steward's record, oldest first, with
// dates and who, in the reader's language, and whether the role is
// suspended now.
func Record(ctx context.Context, t *conversations.Turn) error {
	p, ok, err := Target(ctx, t, "discipline.record.usage")
	if err != nil || !ok {
		return err
	}
	es, err := t.Tx.RecordOf(ctx, p.ID)
	if err != nil {
		return err
	}
	if len(es) == 0 {
		t.Reply(t.T("discipline.record.none", "name", p.Name))
		return nil
	}
	counts := map[model.RecordKind]int{}
	lines := make([]string, 0, len(es)+1)
	for _, e := range es {
		counts[e.Kind]++
		lines = append(lines, entryLine(t, e))
	}
	suspended, err := t.Tx.Suspended(ctx, p.ID)
	if err != nil {
		return err
	}
	status := t.T("discipline.record.active")
	if suspended {
		status = t.T("discipline.record.suspended")
	}
	t.Reply(t.T("discipline.record.header", "name", p.Name, "code", p.Code, "status", status,
		"commendations", counts[model.RecordCommendation], "warnings", counts[model.RecordWarning],
		"suspensions", counts[model.RecordSuspension], "restorations", counts[model.RecordRestoration]) +
		"\n" + strings.Join(lines, "\n"))
	return nil
}

// entryLine is one entry, dated with the year (a record spans years):
// 2026-12-05 警告:理由(记录:杨晓燕).
func entryLine(t *conversations.Turn, e store.RecordEntry) string {
	var what string
	switch e.Kind {
	case model.RecordCommendation:
		what = t.T("discipline.record.commendation", "reason", e.Reason)
		if e.Reward != "" {
			what += t.T("discipline.record.reward", "reward", e.Reward)
		}
		if e.Announced {
			what += t.T("discipline.record.announced")
		}
	case model.RecordSuspension:
		what = t.T("discipline.record.suspension", "n", e.Reason)
	default:
		what = t.T("discipline.record."+string(e.Kind), "reason", e.Reason)
	}
	by := e.ByName
	if by == "" {
		by = t.T("discipline.record.by_system")
	}
	return t.T("discipline.record.line", "date", e.At.In(t.Deps.Location).Format(time.DateOnly), "what", what, "by", by)
}
