package report

import (
	"context"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/store"
)

func stewardAlleys(ctx context.Context, t *conversations.Turn) ([]store.Alley, error) {
	as, err := t.Tx.AlleysOfSteward(ctx, t.Person.ID)
	if err != nil || len(as) > 0 {
		return as, err
	}
	return t.Tx.AllAlleys(ctx)
}

func promptLocation(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	d := draft(t)
	var as []store.Alley
	var err error
	switch {
	case len(d.Matches) > 0:
		for _, id := range d.Matches {
			a, err := t.Tx.AlleyByID(ctx, id)
			if err != nil {
				return conversations.Prompt{}, err
			}
			as = append(as, a)
		}
	case d.AllAlleys:
		as, err = t.Tx.AllAlleys(ctx)
	default:
		as, err = stewardAlleys(ctx, t)
	}
	if err != nil {
		return conversations.Prompt{}, err
	}
	p := conversations.Prompt{Text: t.T(t.OnPlatform("report.location"))}
	if len(d.Matches) > 0 {
		typed := d.Typed
		if typed == "" {
			typed = d.Address // a draft from before Typed
		}
		p.Text = t.T("report.location.which", "address", typed)
	}
	if d.Near != 0 && d.NearLat != nil && d.NearLon != nil { // the alley nearest to a point outside them all, first
		a, err := t.Tx.AlleyByID(ctx, d.Near)
		if err != nil {
			return conversations.Prompt{}, err
		}
		m := int(math.Round(a.DistanceM(*d.NearLat, *d.NearLon)))
		p.Options = append(p.Options, conversations.Option{Label: t.T("button.near_alley", "alley", a.Name, "m", m), Value: strconv.FormatInt(a.ID, 10)})
	}
	for _, a := range as {
		if a.ID != d.Near {
			p.Options = append(p.Options, conversations.Option{Label: a.Name, Value: strconv.FormatInt(a.ID, 10)})
		}
	}
	if d.PatrolAlleyID != 0 && len(d.Matches) > 0 && !slices.Contains(d.Matches, d.PatrolAlleyID) {
		a, err := t.Tx.AlleyByID(ctx, d.PatrolAlleyID)
		if err != nil {
			return conversations.Prompt{}, err
		}
		p.Options = append(p.Options, conversations.Option{Label: t.T("button.patrol_alley", "alley", a.Name), Value: strconv.FormatInt(a.ID, 10)})
	}
	if !d.AllAlleys {
		p.Options = append(p.Options, conversations.Option{Label: t.T("button.other_alleys"), Value: "others"})
	}
	return p, nil
}

// alleysNamed are the alleys whose name (or alias) a text contains
// (菊儿胡同3号 → 菊儿胡同), by name.
func alleysNamed(ctx context.Context, t *conversations.Turn, text string) ([]store.Alley, error) {
	all, err := t.Tx.AllAlleys(ctx)
	if err != nil {
		return nil, err
	}
	var found []store.Alley
	for _, a := range all {
		names := append([]string{a.Name}, a.Aliases...)
		if utf8.RuneCountInString(a.Name) > 3 {
			names = append(names, strings.TrimSuffix(a.Name, "胡同"))
		}
		for _, n := range names {
			if n != "" && strings.Contains(text, n) {
				found = append(found, a)
				break
			}
		}
	}
	return found, nil
}

// typedAddress matches alley names in a typed address (菊儿胡同3号 → 菊儿胡同):
// one match is taken, several are offered, none asks again. Only an
// address that found its alley is kept: a word that matches none (完成
// typed twice) never becomes the case's address.
func typedAddress(ctx context.Context, t *conversations.Turn, d *ReportDraft, text string) (string, error) {
	text = strings.TrimSpace(text)
	if strings.HasPrefix(text, "/") || conversations.Visible(text) < 2 || utf8.RuneCountInString(text) > 100 {
		t.Reply(t.T("report.location.hint"))
		return conversations.Stay, nil
	}
	found, err := alleysNamed(ctx, t, text)
	if err != nil {
		return "", err
	}
	switch len(found) {
	case 0:
		t.Reply(t.T("report.location.unknown", "address", text))
		return conversations.Stay, nil
	case 1:
		d.setAlley(found[0].ID, nil, nil)
		d.Address = text
		t.Reply(t.T("report.location.typed", "alley", found[0].Name))
		return d.next(d.after("description")), nil
	}
	d.Typed, d.Matches, d.Near, d.Caption = text, nil, 0, false
	for _, a := range found {
		d.Matches = append(d.Matches, a.ID)
	}
	return conversations.Stay, nil
}

// setAlley files the report at an alley (and a shared point, if any): the
// questions that led here are answered, and an address typed for another
// alley is dropped.
func (d *ReportDraft) setAlley(id int64, lat, lon *float64) {
	if id != d.AlleyID || lat != nil {
		d.Address = ""
	}
	d.AlleyID, d.Lat, d.Lon = id, lat, lon
	d.PatrolAlley, d.Typed, d.Caption, d.Matches, d.AllAlleys = false, "", false, nil, false
	d.Near, d.NearLat, d.NearLon = 0, nil, nil
}

// nearAlleyM is how far a shared point outside every alley may be from
// the nearest for it to be offered.
const nearAlleyM = 5000

func handleLocation(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	d := draft(t)
	if in.Kind == conversations.Location {
		lat, lon := in.Location.Lat, in.Location.Lon
		a, dist, inside, err := t.Tx.ClosestAlley(ctx, lat, lon)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return "", err
		}
		if err != nil || !inside {
			d.Near, d.NearLat, d.NearLon = 0, nil, nil
			if err == nil && dist <= nearAlleyM { // say which alley is nearest, and offer it
				d.Near, d.NearLat, d.NearLon = a.ID, &lat, &lon
				d.Matches, d.Typed = nil, ""
				t.Reply(t.T("report.location.outside_near", "alley", a.Name, "m", int(math.Round(dist)), "radius", a.RadiusM))
				return conversations.Stay, nil
			}
			t.Reply(t.T("report.location.outside"))
			return conversations.Stay, nil
		}
		d.setAlley(a.ID, &lat, &lon)
		key := "report.location.matched"
		if len(a.Line) > 0 {
			key = "report.location.matched_line"
		}
		t.Reply(t.T(key, "alley", a.Name, "m", int(math.Round(dist))))
		return d.next(d.after("description")), nil
	}
	if in.Kind == conversations.Text {
		return typedAddress(ctx, t, d, in.Text)
	}
	if in.Choice == "others" {
		d.AllAlleys, d.Matches, d.Typed = true, nil, ""
		return conversations.Stay, nil
	}
	id, _, ok, err := conversations.Chosen(ctx, t, in.Choice, t.Tx.AlleyByID)
	if !ok {
		return conversations.Stay, err
	}
	typed := ""
	if slices.Contains(d.Matches, id) && !d.Caption {
		typed = d.Typed // the address named this alley: it is the case's
		if typed == "" {
			typed = d.Address // a draft from before Typed
		}
	}
	var lat, lon *float64
	if id == d.Near {
		lat, lon = d.NearLat, d.NearLon // the nearest alley to the point shared
	}
	d.setAlley(id, lat, lon)
	if typed != "" {
		d.Address = typed
	}
	return d.next(d.after("description")), nil
}

// relocate is the option of the steps after the patrol's alley was taken
// without asking: 换个位置 goes to the location step.
func (d *ReportDraft) relocate(t *conversations.Turn) []conversations.Option {
	if !d.PatrolAlley || d.Editing {
		return nil
	}
	return []conversations.Option{{Label: t.T("button.change_location"), Value: "relocate"}}
}
