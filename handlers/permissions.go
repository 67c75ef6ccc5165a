package handlers

import "slices"

// permissions is the one place that says which roles may use a command or
// press a case button. No entry, or an empty list, means every bound person;
// an admin may do everything. Scope (a department member acts on its own
// department's cases, a steward re-checks cases of their alleys) is checked
// by the action itself, against the case.
var permissions = map[string][]string{
	"/report":    {"steward"},
	"/mycases":   {"steward"},
	"/queue":     {"coordinator", "supervisor"},
	"/dept":      {"department"},
	"/overdue":   {"coordinator", "supervisor", "department"},
	"/bindgroup": {"coordinator"},

	"button:dispatch": {"coordinator"},
	"button:redirect": {"coordinator"},
	"button:return":   {"coordinator"},
	"button:merge":    {"coordinator"},
	"button:approve":  {"coordinator"},
	"button:refuse":   {"coordinator"},
	"button:verify":   {"department"},
	"button:notours":  {"department"},
	"button:progress": {"department"},
	"button:extend":   {"department"},
	"button:fixed":    {"department"},
	"button:pass":     {"steward"},
	"button:fail":     {"steward"},
	"button:resubmit": {"steward"},
}

// public actions may be taken by anyone in the chat, even a resident with
// no account: the satisfaction question in a resident group.
var public = []string{"button:rate", "button:still"}

// may reports whether someone holding roles may do what.
func may(what string, roles []string) bool {
	if slices.Contains(public, what) {
		return true
	}
	need := permissions[what]
	if len(need) == 0 {
		return true
	}
	for _, r := range roles {
		if r == "admin" || slices.Contains(need, r) {
			return true
		}
	}
	return false
}

// whoMay lists the roles that may do what (for the refusal message).
func whoMay(what string) []string { return permissions[what] }
