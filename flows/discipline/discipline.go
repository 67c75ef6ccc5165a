// Package discipline owns a steward's record (seed 四(二)–(三)): the
// coordinators' 表彰 (commendation: a reason, perhaps a reward, perhaps
// announced to the exchange group) and 批评/警告 (warning: a reason,
// required); the suspension of the steward's role after repeated warnings
// within a window (told to the steward, 通报 to the coordinators and the
// exchange group); an admin's restoration with a reason; and /record.
package discipline

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// Settings are the record's own (config assessment.warnings_to_suspend and
// assessment.warning_window); zero values take the defaults.
type Settings struct {
	WarningsToSuspend int           // warnings within WarningWindow that suspend the role (default 3)
	WarningWindow     time.Duration // default 90 days
}

// Defaults for Settings' zero values.
const (
	DefaultWarningsToSuspend = 3
	DefaultWarningWindow     = 90 * 24 * time.Hour
)

func settings(t *conversations.Turn) Settings {
	s := *conversations.SettingsOf[Settings](t.Engine())
	if s.WarningsToSuspend <= 0 {
		s.WarningsToSuspend = DefaultWarningsToSuspend
	}
	if s.WarningWindow <= 0 {
		s.WarningWindow = DefaultWarningWindow
	}
	return s
}

// Draft is a record flow's state: the steward it is about and what was said.
type Draft struct {
	PersonID int64  `json:"person_id"`
	Name     string `json:"name"`
	Reason   string `json:"reason,omitempty"`
	Reward   string `json:"reward,omitempty"`
}

func draft(t *conversations.Turn) *Draft { return t.Data.(*Draft) }

// minReason is the fewest characters a reason must show.
const minReason = 2

// Domain is the record's flows (commend, warn, restore, rgedit) and the
// recognition proposal's buttons.
func Domain(s Settings) conversations.Domain {
	nd := func() any { return &Draft{} }
	return conversations.Domain{Name: "discipline", Settings: &s, Flows: []*conversations.Flow{
		{Name: "commend", Title: "flow.commend", NewData: nd, Steps: []conversations.Step{
			{Name: "reason", Accepts: conversations.Text, Prompt: askAbout("discipline.ask.commend_reason"), Handle: reasonThen("reward")},
			{Name: "reward", Accepts: conversations.Text | conversations.Choice, Prompt: promptReward, Handle: handleReward},
			{Name: "announce", Accepts: conversations.Choice, Prompt: promptAnnounce, Handle: handleAnnounce},
		}},
		{Name: "warn", Title: "flow.warn", NewData: nd, Steps: []conversations.Step{
			{Name: "reason", Accepts: conversations.Text, Prompt: askAbout("discipline.ask.warn_reason"), Handle: handleWarnReason},
		}},
		{Name: "restore", Title: "flow.restore", NewData: nd, Steps: []conversations.Step{
			{Name: "reason", Accepts: conversations.Text, Prompt: askAbout("discipline.ask.restore_reason"), Handle: handleRestoreReason},
		}},
		recognitionFlow(),
	}, Buttons: []conversations.ButtonFamily{recognitionButtons()}}
}

func askAbout(key string) func(context.Context, *conversations.Turn) (conversations.Prompt, error) {
	return func(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
		return conversations.Prompt{Text: t.T(key, "name", draft(t).Name)}, nil
	}
}

// reason reads a typed reason: a text that is no reason (empty, too short,
// a command) is refused with the reason and the step stays.
func reason(t *conversations.Turn, text, refusal string) (string, bool) {
	text = strings.TrimSpace(text)
	if conversations.Visible(text) < minReason && !strings.HasPrefix(text, "/") {
		t.Reply(t.T(refusal))
		return "", false
	}
	return conversations.ShortText(t, text, minReason, conversations.MaxReason)
}

func reasonThen(next string) func(context.Context, *conversations.Turn, conversations.Input) (string, error) {
	return func(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
		text, ok := reason(t, in.Text, "discipline.reason_required")
		if !ok {
			return conversations.Stay, nil
		}
		draft(t).Reason = text
		return next, nil
	}
}

// Target is the steward a command names (t.Args: a roster code or a name):
// a missing name, an unknown one, an ambiguous one or someone who is not
// a steward is refused with the reason (ok false).
func Target(ctx context.Context, t *conversations.Turn, usage string) (store.Person, bool, error) {
	name := strings.TrimSpace(t.Args)
	if name == "" {
		t.Reply(t.T(usage))
		return store.Person{}, false, nil
	}
	p, err := t.Tx.FindPerson(ctx, name)
	switch {
	case errors.Is(err, store.ErrNotFound):
		t.Reply(t.T("discipline.unknown", "name", name))
		return p, false, nil
	case errors.Is(err, store.ErrAmbiguous):
		t.Reply(t.T("discipline.ambiguous", "name", name))
		return p, false, nil
	case err != nil:
		return p, false, err
	}
	roles, err := t.Tx.RolesOf(ctx, p.ID)
	if err != nil {
		return p, false, err
	}
	for _, r := range roles {
		if r.Role == model.RoleSteward {
			return p, true, nil
		}
	}
	t.Reply(t.T("discipline.not_steward", "name", p.Name))
	return p, false, nil
}

// Start starts flow (commend, warn, restore) about the steward the command
// names, privately; restore only for a steward whose role is suspended.
func Start(ctx context.Context, e *conversations.Engine, t *conversations.Turn, flow, usage string) error {
	p, ok, err := Target(ctx, t, usage)
	if err != nil || !ok {
		return err
	}
	if flow == "restore" {
		suspended, err := t.Tx.Suspended(ctx, p.ID)
		if err != nil {
			return err
		}
		if !suspended {
			t.Reply(t.T("discipline.not_suspended", "name", p.Name))
			return nil
		}
	}
	return e.StartPrivately(ctx, t, e.Flow(flow), &Draft{PersonID: p.ID, Name: p.Name})
}

func (t0 *Draft) by(t *conversations.Turn) store.RecordEntry {
	return store.RecordEntry{PersonID: t0.PersonID, Reason: t0.Reason, Reward: t0.Reward, At: t.Deps.Now(),
		By: nullID(t.Person.ID)}
}
