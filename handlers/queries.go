package handlers

import (
	"errors"
	"fmt"
	"strings"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/store"
)

// cmdCase shows a case, its timeline and its photos.
func (r *Router) cmdCase(c *Ctx) error {
	number := strings.TrimSpace(c.Args)
	if number == "" {
		c.Reply(c.T("case.usage"))
		return nil
	}
	cv, err := r.store.CaseByNumber(c, c.Tx, number)
	if errors.Is(err, store.ErrNotFound) {
		c.Reply(c.T("case.not_found", "number", number))
		return nil
	}
	if err != nil {
		return err
	}
	events, err := r.store.CaseEvents(c, c.Tx, cv.ID)
	if err != nil {
		return err
	}
	loc := c.Session.Deps.Location
	c.Reply(conversations.CaseSummary(c.Lang, loc, cv) + "\n\n" + conversations.Timeline(c.Lang, loc, events))
	photos, err := r.store.CasePhotos(c, c.Tx, cv.ID)
	if err != nil {
		return err
	}
	for i, p := range photos {
		bp := &bot.Photo{Platform: p.Platform, FileRef: p.FileRef, PhotoID: p.ID}
		if len(p.SHA256) > 0 {
			if bp.Bytes, bp.MIME, err = r.store.PhotoBytes(c, c.Tx, p.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
		if p.Platform != c.Update.Platform && len(bp.Bytes) == 0 {
			c.Reply(c.T("case.photo_missing", "i", i+1, "n", len(photos)))
			continue
		}
		c.out = append(c.out, bot.Message{Platform: c.Update.Platform, ChatID: c.Update.ChatID,
			Text: c.T("case.photo_n", "i", i+1, "n", len(photos)), Photo: bp})
	}
	return nil
}

// cmdMyCases lists the steward's open cases.
func (r *Router) cmdMyCases(c *Ctx) error {
	cs, err := r.store.OpenCasesOf(c, c.Tx, c.Person.ID, 30)
	if err != nil {
		return err
	}
	if len(cs) == 0 {
		c.Reply(c.T("mycases.none"))
		return nil
	}
	lines := []string{c.T("mycases.header", "n", len(cs))}
	for _, cv := range cs {
		lines = append(lines, conversations.CaseLine(c.Lang, c.Session.Deps.Location, cv))
	}
	c.Reply(strings.Join(lines, "\n"))
	return nil
}

// cmdBindGroup binds the group it is sent in to a roster chat, so the bot
// knows where the exchange group or a department's group lives.
func (r *Router) cmdBindGroup(c *Ctx) error {
	if c.Update.ChatKind != bot.Group {
		c.Reply(c.T("bindgroup.private"))
		return nil
	}
	code := strings.TrimSpace(c.Args)
	if code == "" {
		c.Reply(c.T("bindgroup.usage"))
		return nil
	}
	chat, err := r.store.ChatByCode(c, c.Tx, code)
	if errors.Is(err, store.ErrNotFound) {
		c.Reply(c.T("bindgroup.unknown", "code", code))
		return nil
	}
	if err != nil {
		return err
	}
	if err := r.store.BindChat(c, c.Tx, chat.ID, c.Update.Platform, c.Update.ChatID); err != nil {
		return fmt.Errorf("bind group: %w", err)
	}
	c.Reply(c.T("bindgroup.done", "title", chat.Title))
	return nil
}

// cmdQueue is the acceptance center's desk: new cases, overdue ones and
// those waiting for the steward's re-check.
func (r *Router) cmdQueue(c *Ctx) error {
	now := c.Session.Deps.Now()
	sections := []struct {
		key string
		q   store.CaseQuery
	}{
		{"queue.new", store.CaseQuery{Statuses: []string{store.StatusSubmitted}}},
		{"queue.overdue", store.CaseQuery{Statuses: []string{store.StatusDispatched, store.StatusVerified}, OverdueAt: now}},
		{"queue.recheck", store.CaseQuery{Statuses: []string{store.StatusFixed}}},
	}
	var lines []string
	for _, sec := range sections {
		cs, err := r.store.FindCases(c, c.Tx, sec.q)
		if err != nil {
			return err
		}
		lines = append(lines, c.T(sec.key, "n", len(cs)))
		for _, cv := range cs {
			lines = append(lines, "  "+r.caseWithClock(c, cv))
		}
	}
	c.Reply(strings.Join(lines, "\n"))
	return nil
}

// cmdDept lists the open cases of the person's departments with their clocks.
func (r *Router) cmdDept(c *Ctx) error {
	var lines []string
	for _, role := range c.Roles {
		if role.Role != "department" || !role.DepartmentID.Valid {
			continue
		}
		cs, err := r.store.FindCases(c, c.Tx, store.CaseQuery{DepartmentID: role.DepartmentID.Int64,
			Statuses: []string{store.StatusDispatched, store.StatusVerified, store.StatusFixed}})
		if err != nil {
			return err
		}
		lines = append(lines, c.T("dept.header", "department", role.DepartmentName, "n", len(cs)))
		for _, cv := range cs {
			lines = append(lines, "  "+r.caseWithClock(c, cv))
		}
	}
	if len(lines) == 0 {
		lines = append(lines, c.T("dept.none"))
	}
	c.Reply(strings.Join(lines, "\n"))
	return nil
}

// cmdOverdue lists cases past a clock: all of them for the center and
// supervisors, a department's own for its members.
func (r *Router) cmdOverdue(c *Ctx) error {
	q := store.CaseQuery{Statuses: []string{store.StatusDispatched, store.StatusVerified}, OverdueAt: c.Session.Deps.Now()}
	var depts []int64
	if !c.HasRole("coordinator") && !c.HasRole("supervisor") && !c.HasRole("admin") {
		for _, role := range c.Roles {
			if role.Role == "department" && role.DepartmentID.Valid {
				depts = append(depts, role.DepartmentID.Int64)
			}
		}
	} else {
		depts = []int64{0}
	}
	var lines []string
	for _, d := range depts {
		q.DepartmentID = d
		cs, err := r.store.FindCases(c, c.Tx, q)
		if err != nil {
			return err
		}
		for _, cv := range cs {
			lines = append(lines, r.caseWithClock(c, cv))
		}
	}
	if len(lines) == 0 {
		c.Reply(c.T("overdue.none"))
		return nil
	}
	c.Reply(c.T("overdue.header", "n", len(lines)) + "\n" + strings.Join(lines, "\n"))
	return nil
}

// caseWithClock is a case line with the clock that runs on it.
func (r *Router) caseWithClock(c *Ctx, cv store.CaseView) string {
	line := conversations.CaseLine(c.Lang, c.Session.Deps.Location, cv)
	if clock := conversations.Clock(c.Lang, c.Session.Deps, cv); clock != "" {
		line += " · " + clock
	}
	return line
}
