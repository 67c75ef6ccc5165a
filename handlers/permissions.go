package handlers

import (
	"slices"

	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/store"
)

// permissions is the one place that says which roles may use a command or
// press a button of a family ("button:<prefix>:<action>", the key of
// conversations.Pressed). No entry, or an empty list, means every bound
// person; an admin may do everything. Every action of every button family
// has an entry here (nil: every bound person, deliberately) unless the
// family makes it public (anyone in the chat, even a resident with no
// account: the satisfaction question). Scope (a department member acts on
// its own department's cases, a steward re-checks cases of their alleys)
// is checked by the action itself, against the case.
var permissions = map[string][]store.Role{
	"/report":    {store.RoleSteward},
	"/mycases":   {store.RoleSteward},
	"/queue":     {store.RoleCoordinator, store.RoleSupervisor},
	"/dept":      {store.RoleDepartment},
	"/overdue":   {store.RoleCoordinator, store.RoleSupervisor, store.RoleDepartment},
	"/bindgroup": {store.RoleCoordinator},
	"/patrol":    {store.RoleSteward},
	"/endpatrol": {store.RoleSteward},
	"/mypatrols": {store.RoleSteward},
	"/patrols":   {store.RoleCoordinator, store.RoleSupervisor},

	"button:c:dispatch": {store.RoleCoordinator},
	"button:c:redirect": {store.RoleCoordinator},
	"button:c:return":   {store.RoleCoordinator},
	"button:c:merge":    {store.RoleCoordinator},
	"button:c:approve":  {store.RoleCoordinator},
	"button:c:refuse":   {store.RoleCoordinator},
	"button:c:verify":   {store.RoleDepartment},
	"button:c:notours":  {store.RoleDepartment},
	"button:c:progress": {store.RoleDepartment},
	"button:c:extend":   {store.RoleDepartment},
	"button:c:fixed":    {store.RoleDepartment},
	"button:c:pass":     {store.RoleSteward},
	"button:c:fail":     {store.RoleSteward},
	"button:c:resubmit": {store.RoleSteward},

	"/complaints":     {store.RoleCoordinator, store.RoleSupervisor},
	"button:k:case":   {store.RoleCoordinator},
	"button:k:answer": {store.RoleCoordinator},
	"button:k:reject": {store.RoleCoordinator},
	"button:k:settle": {store.RoleSupervisor},

	"/training":       {store.RoleTrainer},
	"/trainings":      {store.RoleTrainer, store.RoleCoordinator, store.RoleSupervisor},
	"/mytrainings":    nil, // anyone: a trainer may invite people by name
	"/ask":            {store.RoleSteward},
	"/notice":         {store.RoleCoordinator},
	"button:t:sign":   nil, // anyone invited: 报名, 已读, 请假
	"button:t:read":   nil,
	"button:t:leave":  nil,
	"button:t:cancel": {store.RoleTrainer},
	"button:t:retime": {store.RoleTrainer},
	"button:t:attend": {store.RoleTrainer},
	"button:t:answer": {store.RoleTrainer, store.RoleCoordinator},
}

// may reports whether someone holding roles may do what.
func may(what string, roles []store.Role) bool {
	need := permissions[what]
	if len(need) == 0 {
		return true
	}
	for _, r := range roles {
		if r == store.RoleAdmin || slices.Contains(need, r) {
			return true
		}
	}
	return false
}

// mayPress reports whether someone holding roles (none: a resident with no
// account) may press a family's button: a public one anyone may.
func mayPress(f *conversations.ButtonFamily, p conversations.Pressed, roles []store.Role) bool {
	return f.IsPublic(p.Action) || may(p.Key(), roles)
}

// whoMay lists the roles that may do what (for the refusal message).
func whoMay(what string) []store.Role { return permissions[what] }

// casePrefix is the case buttons' family prefix ("c:<action>:<id>").
const casePrefix = "c"

// buttonKey is a case button's entry in the permission table.
func buttonKey(a store.Action) string { return conversations.ButtonKey(casePrefix, string(a)) }
