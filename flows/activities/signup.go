package activities

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/store"
)

func act(ctx context.Context, e *conversations.Engine, t *conversations.Turn, p conversations.Pressed) error {
	switch p.Action {
	case "sign", "unsign":
		return actSign(ctx, t, p)
	case "attend":
		return actAttend(ctx, t, p.ID)
	default: // count
		a, ok, err := organised(ctx, t, p.ID)
		if err != nil || !ok {
			return err
		}
		return e.StartText(ctx, t, "activitycount", a.ID)
	}
}

// residentName is how the group knows the one who pressed.
func residentName(t *conversations.Turn) string {
	if t.Update.UserName != "" {
		return t.Update.UserName
	}
	return t.T("activity.resident")
}

// actSign signs a resident up (or on the waiting list), or cancels their
// sign-up, which moves the first waiting one up; said in the group.
func actSign(ctx context.Context, t *conversations.Turn, p conversations.Pressed) error {
	a, err := t.Tx.ActivityByID(ctx, p.ID) // locked: sign-ups are decided one at a time
	if errors.Is(err, store.ErrNotFound) {
		t.Reply(t.T("activity.not_found"))
		return nil
	}
	if err != nil {
		return err
	}
	if !a.StartsAt.After(t.Deps.Now()) {
		t.Reply(t.T("activity.closed", "title", a.Title))
		return nil
	}
	before, err := t.Tx.Signups(ctx, a.ID)
	if err != nil {
		return err
	}
	name, platform, user := residentName(t), string(t.Update.Platform), t.Update.UserID
	if p.Action == "sign" {
		ok, err := t.Tx.SignUp(ctx, a.ID, platform, user, name, t.Deps.Now())
		switch {
		case err != nil:
			return err
		case !ok:
			t.Reply(t.T("activity.already", "name", name, "title", a.Title))
		case len(before) < a.Places:
			t.Reply(t.T("activity.signed", "name", name, "title", a.Title, "n", len(before)+1, "places", a.Places))
		default:
			t.Reply(t.T("activity.waiting", "name", name, "title", a.Title, "k", len(before)-a.Places+1))
		}
		return nil
	}
	idx := -1
	for i, s := range before {
		if s.Platform == platform && s.UserID == user {
			idx = i
		}
	}
	if idx < 0 {
		t.Reply(t.T("activity.not_signed", "name", name, "title", a.Title))
		return nil
	}
	if _, err := t.Tx.CancelSignup(ctx, a.ID, platform, user, t.Deps.Now()); err != nil {
		return err
	}
	if idx < a.Places && len(before) > a.Places {
		t.Reply(t.T("activity.cancelled.up", "name", name, "title", a.Title, "up", before[a.Places].Name))
		return nil
	}
	t.Reply(t.T("activity.cancelled", "name", name, "title", a.Title))
	return nil
}

// organised reads an activity the speaker organised (else says so).
func organised(ctx context.Context, t *conversations.Turn, id int64) (store.Activity, bool, error) {
	a, err := t.Tx.ActivityByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		t.Reply(t.T("activity.not_found"))
		return a, false, nil
	}
	if err != nil {
		return a, false, err
	}
	if a.OrganiserID != t.Person.ID {
		t.Reply(t.T("activity.not_organiser", "title", a.Title))
		return a, false, nil
	}
	if a.StartsAt.After(t.Deps.Now()) {
		t.Reply(t.T("activity.not_yet", "title", a.Title))
		return a, false, nil
	}
	return a, true, nil
}

// actAttend marks one signed-up resident present; the activity's count is
// those marked.
func actAttend(ctx context.Context, t *conversations.Turn, signupID int64) error {
	s, activityID, err := t.Tx.SignupByID(ctx, signupID)
	if errors.Is(err, store.ErrNotFound) {
		t.Reply(t.T("activity.not_found"))
		return nil
	}
	if err != nil {
		return err
	}
	a, ok, err := organised(ctx, t, activityID)
	if err != nil || !ok {
		return err
	}
	n, err := t.Tx.MarkAttended(ctx, a.ID, s.ID)
	if err != nil {
		return err
	}
	t.Reply(t.T("activity.attended", "name", s.Name, "title", a.Title, "n", n))
	return nil
}

// handleCount takes the typed number present.
func handleCount(ctx context.Context, t *conversations.Turn, text string) (string, error) {
	n, err := strconv.Atoi(strings.TrimSpace(text))
	if err != nil || n < 0 || n > 100000 {
		t.Reply(t.T("activity.count.bad"))
		return conversations.Stay, nil
	}
	a, ok, err := organised(ctx, t, conversations.TextOf(t).ID)
	if err != nil || !ok {
		return conversations.Done, err
	}
	if err := t.Tx.SetActivityAttendance(ctx, a.ID, n); err != nil {
		return "", err
	}
	t.Reply(t.T("activity.count.done", "title", a.Title, "n", n))
	return conversations.Done, nil
}
