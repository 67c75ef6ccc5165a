package conversations

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/alleybot/alleybot/i18n"
)

// A button family is one domain's buttons that are not tied to a step of
// anybody's flow (a case card's 派单, a complaint's 转为案件, a training's
// 报名): their data is "<prefix>:<action>:<id>[:<arg>]", and whoever may
// press them does. The domain registers its family with the engine; the
// router finds the family by its prefix, checks the role under the
// family's permission key ("button:<prefix>:<action>"), and hands the
// press to the family's Act, which checks state and scope.

// Pressed is one press of a family's button.
type Pressed struct {
	Prefix string
	Action string
	ID     int64
	Arg    string
}

// Data is the button data of the press.
func (p Pressed) Data() string {
	d := p.Prefix + ":" + p.Action + ":" + strconv.FormatInt(p.ID, 10)
	if p.Arg != "" {
		d += ":" + p.Arg
	}
	return d
}

// Key is the press's entry in the permission table.
func (p Pressed) Key() string { return ButtonKey(p.Prefix, p.Action) }

// ButtonKey is a family action's entry in the permission table.
func ButtonKey(prefix, action string) string { return "button:" + prefix + ":" + action }

// ButtonFamily is what a domain registers for its buttons.
type ButtonFamily struct {
	Prefix  string
	Actions []string // every action the family has (for the permission table)
	// Public actions may be pressed by anyone in the chat, even a resident
	// with no account (the satisfaction question).
	Public []string
	// Parse reads a press; nil reads "<prefix>:<action>:<id>" with one of
	// Actions and no argument.
	Parse func(data string) (Pressed, bool)
	// Label names an action for people (the refusal: 只有…可以派单).
	Label func(lang i18n.Lang, action string) string
	// Shared buttons are a card many press (a case card in the
	// coordinators', a department's or the residents' group): a press,
	// refused or not, leaves the keyboard for the others; the state,
	// checked under a lock, refuses a stale press.
	Shared bool
	// Act does the press; the router has checked the role.
	Act func(ctx context.Context, e *Engine, t *Turn, p Pressed) error
}

// IsPublic reports whether anyone may press action.
func (f *ButtonFamily) IsPublic(action string) bool { return slices.Contains(f.Public, action) }

// parse reads data as a press of this family.
func (f *ButtonFamily) parse(data string) (Pressed, bool) {
	if f.Parse != nil {
		return f.Parse(data)
	}
	a, id, ok := ParseButton(data, f.Prefix, f.Actions)
	return Pressed{Prefix: f.Prefix, Action: a, ID: id}, ok
}

// Button finds the family whose button data is, and the press.
func (e *Engine) Button(data string) (*ButtonFamily, Pressed, bool) {
	prefix, _, ok := strings.Cut(data, ":")
	if !ok {
		return nil, Pressed{}, false
	}
	for i := range e.families {
		f := &e.families[i]
		if f.Prefix != prefix {
			continue
		}
		if p, ok := f.parse(data); ok {
			return f, p, true
		}
	}
	return nil, Pressed{}, false
}

// Families lists every registered button family (for the permission
// table and its test).
func (e *Engine) Families() []ButtonFamily { return slices.Clone(e.families) }

// Domain is what a domain package hands the engine: its flows and its
// button family.
type Domain struct {
	Name    string
	Flows   []*Flow
	Buttons []ButtonFamily
	// Settings are the domain's own (a pointer to its Settings struct),
	// found again by their type (SettingsOf).
	Settings any
}

// ParseButton reads "<prefix>:<action>:<id>" where action is one of actions;
// anything else is not such a button.
func ParseButton(data, prefix string, actions []string) (string, int64, bool) {
	parts := strings.Split(data, ":")
	if len(parts) != 3 || parts[0] != prefix {
		return "", 0, false
	}
	id, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil {
		return "", 0, false
	}
	for _, a := range actions {
		if a == parts[1] {
			return a, id, true
		}
	}
	return "", 0, false
}
