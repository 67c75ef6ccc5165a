package conversations

import (
	"context"
	"errors"

	"github.com/alleybot/alleybot/audience"
	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/store"
)

// Who is told what about a case. Groups read the default language; a
// person reads their own. The audience (package audience) decides where
// each is bound; the flows never ask which messenger that is.

// toGroups says text (and a photo, and case buttons) in every group chat
// of kind within scope.
func (t *Turn) toGroups(ctx context.Context, kind store.ChatKind, scope audience.Scope, text string, photo *bot.Photo, buttons ...caseButton) error {
	msgs, err := t.Audience().Groups(ctx, kind, scope, bot.Message{Text: text, Photo: photo,
		Buttons: render(t.Deps.DefaultLang, buttons)})
	t.Say(msgs...)
	return err
}

// toPerson says a catalog message to a person, in their language, on each
// account they have.
func (t *Turn) toPerson(ctx context.Context, personID int64, key string, args []any, photo *bot.Photo, buttons ...caseButton) error {
	msgs, err := t.Audience().Person(ctx, personID, func(lang i18n.Lang) bot.Message {
		return bot.Message{Text: i18n.T(lang, key, args...), Photo: photo, Buttons: render(lang, buttons)}
	})
	t.Say(msgs...)
	return err
}

// tellFollowers tells the reporter and subscribers (but not the person acting).
func (t *Turn) tellFollowers(ctx context.Context, c store.CaseView, key string, args ...any) error {
	ids, err := t.Tx.Followers(ctx, c.ID)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if id == t.Person.ID {
			continue
		}
		if err := t.toPerson(ctx, id, key, append([]any{"number", c.Number}, args...), nil); err != nil {
			return err
		}
	}
	// The residents whose complaint became this case follow it too.
	return t.tellComplainants(ctx, c, key, args...)
}

// centerCard puts a case before the acceptance center with its dispatch buttons.
func (t *Turn) centerCard(ctx context.Context, c store.CaseView, key string) error {
	g := t.Deps.DefaultLang
	var buttons []caseButton
	if c.DepartmentID.Valid {
		buttons = append(buttons, button("button.dispatch_to", store.ActDispatch, c.ID, "department", c.DepartmentName))
	}
	buttons = append(buttons,
		button("button.redirect", store.ActRedirect, c.ID),
		button("button.return", store.ActReturn, c.ID),
		button("button.merge", store.ActMerge, c.ID))
	text := i18n.T(g, key, "summary", CaseSummary(g, t.Deps.Location, c))
	// 疑似重复: an older open case of the same kind nearby, merged in one press.
	if cat, err := t.Tx.LeadCategory(ctx, c.ID); err == nil && c.AlleyID.Valid {
		var lat, lon *float64
		if c.Lat.Valid {
			lat, lon = &c.Lat.Float64, &c.Lon.Float64
		}
		dups, err := t.Tx.NearbyOpen(ctx, cat.ID, c.AlleyID.Int64, lat, lon, t.Deps.DuplicateRadius())
		if err != nil {
			return err
		}
		for _, dup := range dups {
			if dup.ID < c.ID { // an older case
				text += "\n" + i18n.T(g, "case.maybe_duplicate", "number", dup.Number)
				buttons = append(buttons, caseButton{key: "button.merge_into", args: []any{"number", dup.Number},
					action: CaseAction{Action: store.ActMerge, ID: c.ID, Arg: dup.Number}})
				break
			}
		}
	} else if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	return t.toGroups(ctx, store.ChatCoordinators, audience.Scope{}, text, nil, buttons...)
}

// deptButtons are a department's buttons while the fix clock runs.
func deptButtons(id int64) []caseButton {
	return []caseButton{
		button("button.progress", store.ActProgress, id),
		button("button.extend", store.ActExtend, id),
		button("button.fixed", store.ActFixed, id),
	}
}

// photoByID is the first of ids as a message attachment (nil for none).
func (t *Turn) photoByID(ctx context.Context, ids []int64) (*bot.Photo, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	ps, err := t.Tx.PhotosByIDs(ctx, ids[:1])
	if err != nil || len(ps) == 0 {
		return nil, err
	}
	return t.Photo(ctx, ps[0])
}

// firstPhoto is a case's first photo as a message attachment.
func (t *Turn) firstPhoto(ctx context.Context, caseID int64) (*bot.Photo, error) {
	ps, err := t.Tx.CasePhotos(ctx, caseID)
	if err != nil || len(ps) == 0 {
		return nil, err
	}
	return t.Photo(ctx, ps[0])
}

// Photo attaches a stored photo: its platform reference, and its bytes
// when they are stored already (needed to post it on another platform).
func (t *Turn) Photo(ctx context.Context, p store.Photo) (*bot.Photo, error) {
	bp := &bot.Photo{Platform: bot.Platform(p.Platform), FileRef: p.FileRef, Size: int(p.FileSize.Int64), PhotoID: p.ID, Document: p.Document}
	if len(p.SHA256) > 0 {
		data, mime, err := t.Tx.PhotoBytes(ctx, p.ID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		bp.Bytes, bp.MIME = data, mime
	}
	return bp, nil
}
