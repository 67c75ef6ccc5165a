package discipline

import (
	"context"
	"sort"
	"strconv"
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
	ks, err := t.Tx.UpheldComplaintsAbout(ctx, p.ID)
	if err != nil {
		return err
	}
	as, err := t.Tx.ActivitiesOrganisedBy(ctx, p.ID)
	if err != nil {
		return err
	}
	if len(es) == 0 && len(ks) == 0 && len(as) == 0 {
		t.Reply(t.T("discipline.record.none", "name", p.Name))
		return nil
	}
	counts := map[model.RecordKind]int{}
	lines := make([]dated, 0, len(es)+len(ks))
	for _, e := range es {
		counts[e.Kind]++
		lines = append(lines, dated{e.At, entryLine(t, e)})
	}
	for _, k := range ks {
		lines = append(lines, dated{k.At, complaintLine(t, k)})
	}
	for _, a := range as {
		lines = append(lines, dated{a.At, activityLine(t, a, p.Name)})
	}
	// Entries by id, complaints by when they were settled: together by date.
	sort.SliceStable(lines, func(i, j int) bool { return lines[i].at.Before(lines[j].at) })
	text := make([]string, len(lines))
	for i, l := range lines {
		text[i] = l.line
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
		complaintsCount(t, len(ks)) + "\n" + strings.Join(text, "\n"))
	return nil
}

// activityLine is an activity the steward organised (seed 二(四)2): its
// sign-ups and the attendance recorded.
func activityLine(t *conversations.Turn, a store.ActivityRecord, organiser string) string {
	attended := t.T("discipline.record.activity.unrecorded")
	if a.Attended.Valid {
		attended = strconv.FormatInt(a.Attended.Int64, 10)
	}
	return byLine(t, a.At, t.T("discipline.record.activity", "title", a.Title, "signed", a.SignedUp, "attended", attended), organiser)
}

// dated is a line of the record and when it happened.
type dated struct {
	at   time.Time
	line string
}

// complaintsCount is the header's count of upheld complaints ("" for none).
func complaintsCount(t *conversations.Turn, n int) string {
	if n == 0 {
		return ""
	}
	return t.T("discipline.record.complaints", "n", n)
}

// complaintLine is an upheld complaint about the steward (no resident in
// it), dated when the supervisor settled it, by that supervisor.
func complaintLine(t *conversations.Turn, k store.UpheldComplaint) string {
	return byLine(t, k.At, t.T("discipline.record.complaint", "number", k.Number, "answer", k.Answer), k.ByName)
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
	return byLine(t, e.At, what, e.ByName)
}

// byLine dates a line of the record and says who recorded it.
func byLine(t *conversations.Turn, at time.Time, what, by string) string {
	if by == "" {
		by = t.T("discipline.record.by_system")
	}
	return t.T("discipline.record.line", "date", at.In(t.Deps.Location).Format(time.DateOnly), "what", what, "by", by)
}
