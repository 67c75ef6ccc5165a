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
		bp := &bot.Photo{Platform: p.Platform, FileRef: p.FileRef}
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
