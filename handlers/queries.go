package handlers

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/flows/cases"
	"github.com/alleybot/alleybot/flows/complaints"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// cmdCase shows a case, its timeline and its photos.
func (r *Router) cmdCase(ctx context.Context, t *conversations.Turn) error {
	number := strings.TrimSpace(t.Args)
	if number == "" {
		t.Reply(t.T("case.usage"))
		return nil
	}
	cv, err := t.Tx.CaseByNumber(ctx, number)
	if errors.Is(err, store.ErrNotFound) {
		t.Reply(t.T("case.not_found", "number", number))
		return nil
	}
	if err != nil {
		return err
	}
	events, err := t.Tx.CaseEvents(ctx, cv.ID)
	if err != nil {
		return err
	}
	loc := r.flows.Deps().Location
	here, err := countsHere(ctx, t)
	if err != nil {
		return err
	}
	t.Say(bot.Message{Platform: t.Update.Platform, ChatID: t.Update.ChatID, ChatTitle: t.Update.ChatTitle,
		Text:    cases.CaseSummary(t.Lang, loc, cv) + "\n\n" + cases.Timeline(t.Lang, loc, events),
		Buttons: r.allowed(t, cv, here)})
	photos, err := t.Tx.CasePhotos(ctx, cv.ID)
	if err != nil {
		return err
	}
	for i, p := range photos {
		bp, err := t.Photo(ctx, p)
		if err != nil {
			return err
		}
		if bp.Platform != t.Update.Platform && len(bp.Bytes) == 0 {
			t.Reply(t.T("case.photo_missing", "i", i+1, "n", len(photos)))
			continue
		}
		t.Say(bot.Message{Platform: t.Update.Platform, ChatID: t.Update.ChatID,
			Text: t.T("case.photo_n", "i", i+1, "n", len(photos)), Photo: bp})
	}
	return nil
}

// cmdMyCases lists the steward's open cases, then this month's closed ones
// (10 a page: /mycases 2) and the fixed-on-the-spot credit.
func (r *Router) cmdMyCases(ctx context.Context, t *conversations.Turn) error {
	const page, open = 10, 30
	n, _ := strconv.Atoi(strings.TrimSpace(t.Args))
	n = max(n, 1)
	loc := r.flows.Deps().Location
	var lines []string
	if n == 1 {
		cs, err := t.Tx.OpenCasesOf(ctx, t.Person.ID, open)
		if err != nil {
			return err
		}
		if len(cs) == 0 {
			lines = append(lines, t.T("mycases.none"))
		} else {
			all := len(cs)
			if all >= open {
				if all, err = t.Tx.CountOpenCasesOf(ctx, t.Person.ID); err != nil {
					return err
				}
			}
			lines = append(lines, t.T("mycases.header", "n", countText(all)))
			for _, cv := range cs {
				lines = append(lines, cases.CaseLine(t.Lang, loc, cv))
			}
			if more := moreText(t, all, len(cs)); more != "" {
				lines = append(lines, more)
			}
		}
	}
	now := r.flows.Deps().Now().In(loc)
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, loc)
	closed, all, onSpot, err := t.Tx.ClosedCasesOf(ctx, t.Person.ID, month, page, (n-1)*page)
	if err != nil {
		return err
	}
	lines = append(lines, i18n.Heading(t.T("mycases.closed", "n", all, "onspot", onSpot, "month", i18n.Month(t.Lang, now.Month())), len(closed)))
	for _, cv := range closed {
		lines = append(lines, cases.CaseLine(t.Lang, loc, cv))
	}
	if all > n*page {
		lines = append(lines, t.T("mycases.more", "next", n+1, "pages", (all+page-1)/page))
	}
	t.Reply(strings.Join(lines, "\n"))
	return nil
}

// cmdBindGroup binds the group it is sent in to a roster chat, so the bot
// knows where the exchange group or a department's group lives.
func (r *Router) cmdBindGroup(ctx context.Context, t *conversations.Turn) error {
	if t.Update.ChatKind != bot.Group {
		t.Reply(t.T("bindgroup.private"))
		return nil
	}
	code := strings.TrimSpace(t.Args)
	if code == "" {
		t.Reply(t.T("bindgroup.usage"))
		return nil
	}
	chat, err := t.Tx.ChatByCode(ctx, code)
	if errors.Is(err, store.ErrNotFound) {
		t.Reply(t.T("bindgroup.unknown", "code", code))
		return nil
	}
	if err != nil {
		return err
	}
	if err := t.Tx.BindChat(ctx, chat.ID, string(t.Update.Platform), t.Update.ChatID); err != nil {
		return fmt.Errorf("bind group: %w", err)
	}
	t.Reply(t.T("bindgroup.done", "title", chat.Title))
	return nil
}

// cmdQueue is the acceptance center's desk: new cases, overdue ones and
// those waiting for the steward's re-check.
func (r *Router) cmdQueue(ctx context.Context, t *conversations.Turn) error {
	now := r.flows.Deps().Now()
	sections := []struct {
		key string
		q   store.CaseQuery
	}{
		{"queue.new", store.CaseQuery{Statuses: []model.Status{model.StatusSubmitted}}},
		{"queue.overdue", store.CaseQuery{Statuses: []model.Status{model.StatusDispatched, model.StatusVerified}, OverdueAt: now}},
		{"queue.recheck", store.CaseQuery{Statuses: []model.Status{model.StatusFixed}}},
	}
	for _, sec := range sections {
		cs, all, err := findCases(ctx, t, sec.q)
		if err != nil {
			return err
		}
		if err := r.listCases(ctx, t, t.T(sec.key, "n", countText(all)), cs, all); err != nil {
			return err
		}
	}
	n, err := complaints.OpenCount(ctx, t)
	if err != nil {
		return err
	}
	t.Reply(t.T("queue.complaints", "n", n))
	return nil
}

// findCases is a list's first cases (store.CaseListMax) and how many it has
// (up to store.CaseCountMax).
func findCases(ctx context.Context, t *conversations.Turn, q store.CaseQuery) ([]store.CaseView, int, error) {
	cs, err := t.Tx.FindCases(ctx, q)
	if err != nil {
		return nil, 0, err
	}
	all := len(cs)
	if all >= store.CaseListMax {
		if all, err = t.Tx.CountCases(ctx, q); err != nil {
			return nil, 0, err
		}
	}
	return cs, all, nil
}

// countText is a list's count in its heading: 「1000+」 where counting
// stopped.
func countText(n int) string {
	if n >= store.CaseCountMax {
		return strconv.Itoa(store.CaseCountMax) + "+"
	}
	return strconv.Itoa(n)
}

// listCases says a list's heading, then each case as its own message with
// the buttons the reader may press (the same as on its card), so a case is
// acted on from the list; all is how many the list has, and past the cases
// shown a last line says how many more there are (「还有 N 件未列出」).
func (r *Router) listCases(ctx context.Context, t *conversations.Turn, heading string, cs []store.CaseView, all int) error {
	here, err := countsHere(ctx, t)
	if err != nil {
		return err
	}
	head, _, _ := strings.Cut(heading, "\n")
	t.Reply(i18n.Heading(head, len(cs)))
	for _, cv := range cs {
		t.Say(bot.Message{Platform: t.Update.Platform, ChatID: t.Update.ChatID, ChatTitle: t.Update.ChatTitle,
			Text: "  " + r.caseWithClock(t, cv), Buttons: r.allowed(t, cv, here)})
	}
	if more := moreText(t, all, len(cs)); more != "" {
		t.Reply(more)
	}
	return nil
}

// moreText says how many of a list's all cases were not shown
// (「还有 N 件未列出」), "" when all were.
func moreText(t *conversations.Turn, all, shown int) string {
	if all <= shown {
		return ""
	}
	if all >= store.CaseCountMax {
		return t.T("list.more_over", "n", all-shown)
	}
	return t.T("list.more", "n", all-shown)
}

// countsHere tells which case buttons count in the chat of the update
// (cases.CountsIn): all of them in a private chat, those whose
// cards are sent to a group of its kind in a roster group, none in a group
// the roster does not know. A list shows only buttons that would count.
func countsHere(ctx context.Context, t *conversations.Turn) (func(a model.Action, caseDept int64) bool, error) {
	if t.Update.ChatKind != bot.Group {
		return func(model.Action, int64) bool { return true }, nil
	}
	chat, err := t.Tx.ChatByBinding(ctx, string(t.Update.Platform), t.Update.ChatID)
	if errors.Is(err, store.ErrNotFound) {
		return func(model.Action, int64) bool { return false }, nil
	}
	if err != nil {
		return nil, err
	}
	return func(a model.Action, caseDept int64) bool {
		return cases.CountsIn(a, chat.Kind, chat.DepartmentID.Int64, caseDept)
	}, nil
}

// allowed is a case's card buttons the reader may press here, two to a row.
func (r *Router) allowed(t *conversations.Turn, cv store.CaseView, here func(model.Action, int64) bool) [][]bot.Button {
	var row []bot.Button
	var rows [][]bot.Button
	for _, b := range cases.CardButtons(t.Lang, cv) {
		a, ok := cases.ParseCaseAction(b.Data)
		if !ok || !may(buttonKey(a.Action), roleCodes(t.Roles)) || !here(a.Action, cv.DepartmentID.Int64) {
			continue
		}
		if row = append(row, b); len(row) == 2 {
			rows, row = append(rows, row), nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	return rows
}

// cmdDept lists the open cases of the person's departments with their clocks.
func (r *Router) cmdDept(ctx context.Context, t *conversations.Turn) error {
	var lines []string
	for _, role := range t.Roles {
		if role.Role != model.RoleDepartment || !role.DepartmentID.Valid {
			continue
		}
		cs, all, err := findCases(ctx, t, store.CaseQuery{DepartmentID: role.DepartmentID.Int64,
			Statuses: []model.Status{model.StatusDispatched, model.StatusVerified, model.StatusFixed}})
		if err != nil {
			return err
		}
		heading := t.T("dept.header", "department", role.DepartmentName, "n", countText(all))
		lines = append(lines, heading)
		if err := r.listCases(ctx, t, heading, cs, all); err != nil {
			return err
		}
	}
	if len(lines) == 0 {
		t.Reply(t.T("dept.none"))
	}
	return nil
}

// cmdOverdue lists cases past a clock: all of them for the center and
// supervisors, a department's own for its members.
func (r *Router) cmdOverdue(ctx context.Context, t *conversations.Turn) error {
	q := store.CaseQuery{Statuses: []model.Status{model.StatusDispatched, model.StatusVerified}, OverdueAt: r.flows.Deps().Now()}
	var depts []int64
	if !t.HasRole(model.RoleCoordinator) && !t.HasRole(model.RoleSupervisor) && !t.HasRole(model.RoleAdmin) {
		for _, role := range t.Roles {
			if role.Role == model.RoleDepartment && role.DepartmentID.Valid {
				depts = append(depts, role.DepartmentID.Int64)
			}
		}
	} else {
		depts = []int64{0}
	}
	var list []store.CaseView
	all := 0
	for _, d := range depts {
		q.DepartmentID = d
		cs, n, err := findCases(ctx, t, q)
		if err != nil {
			return err
		}
		list, all = append(list, cs...), all+n
	}
	if all == 0 {
		t.Reply(t.T("overdue.none"))
		return nil
	}
	return r.listCases(ctx, t, t.T("overdue.header", "n", countText(all)), list, all)
}

// caseWithClock is a case line with the clock that runs on it.
func (r *Router) caseWithClock(t *conversations.Turn, cv store.CaseView) string {
	line := cases.CaseLine(t.Lang, r.flows.Deps().Location, cv)
	if clock := cases.Clock(t.Lang, r.flows.Deps(), cv); clock != "" {
		line += " · " + clock
	}
	return line
}
