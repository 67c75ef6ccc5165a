package cases

import (
	"context"
	"errors"

	"github.com/alleybot/alleybot/audience"
	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// Who is told what about a case. Groups read the default language; a
// person reads their own. The audience (package audience) decides where
// each is bound; the flows never ask which messenger that is.

// tellFollowers tells the reporter and subscribers (but not the person acting).
func tellFollowers(ctx context.Context, t *conversations.Turn, c store.CaseView, key string, args ...any) error {
	ids, err := t.Tx.Followers(ctx, c.ID)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if id == t.Person.ID {
			continue
		}
		if err := t.ToPerson(ctx, id, key, append([]any{"number", c.Number}, args...), nil); err != nil {
			return err
		}
	}
	// The residents whose complaint became this case follow it too.
	return tellComplainants(ctx, t, c, key, args...)
}

// CenterCard puts a case before the acceptance center with its dispatch buttons.
func CenterCard(ctx context.Context, t *conversations.Turn, c store.CaseView, key string) error {
	g := t.Deps.DefaultLang
	var buttons []conversations.Button
	if c.DepartmentID.Valid {
		buttons = append(buttons, button("button.dispatch_to", model.ActDispatch, c.ID, "department", c.DepartmentName))
	}
	buttons = append(buttons,
		button("button.redirect", model.ActRedirect, c.ID),
		button("button.return", model.ActReturn, c.ID),
		button("button.merge", model.ActMerge, c.ID))
	text := i18n.T(g, key, "summary", CaseSummary(g, t.Deps.Location, c))
	// 疑似重复: an older open case of the same kind nearby, merged in one press.
	if cat, err := t.Tx.LeadCategory(ctx, c.ID); err == nil && c.AlleyID.Valid {
		var lat, lon *float64
		if c.Lat.Valid {
			lat, lon = &c.Lat.Float64, &c.Lon.Float64
		}
		dups, err := t.Tx.NearbyOpen(ctx, cat.ID, c.AlleyID.Int64, lat, lon, settings(t).duplicateRadius())
		if err != nil {
			return err
		}
		for _, dup := range dups {
			if dup.ID < c.ID { // an older case
				text += "\n" + i18n.T(g, "case.maybe_duplicate", "number", dup.Number)
				buttons = append(buttons, conversations.Button{Key: "button.merge_into", Args: []any{"number", dup.Number},
					Data: CaseAction{Action: model.ActMerge, ID: c.ID, Arg: dup.Number}.Data()})
				break
			}
		}
	} else if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	more, err := partyButtons(ctx, t, c)
	if err != nil {
		return err
	}
	buttons = append(buttons, more...)
	return t.ToGroups(ctx, model.ChatCoordinators, audience.Scope{}, text, nil, buttons...)
}

// deptButtons are a department's buttons while the fix clock runs.
func deptButtons(id int64) []conversations.Button {
	return []conversations.Button{
		button("button.progress", model.ActProgress, id),
		button("button.extend", model.ActExtend, id),
		button("button.fixed", model.ActFixed, id),
	}
}

// FirstPhoto is a case's first photo as a message attachment.
func FirstPhoto(ctx context.Context, t *conversations.Turn, caseID int64) (*bot.Photo, error) {
	ps, err := t.Tx.CasePhotos(ctx, caseID)
	if err != nil || len(ps) == 0 {
		return nil, err
	}
	return t.Photo(ctx, ps[0])
}
