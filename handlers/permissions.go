package handlers

import (
	"slices"

	"github.com/alleybot/alleybot/store"
)

// permissions is the one place that says which roles may use a command or
// press a case button. No entry, or an empty list, means every bound person;
// an admin may do everything. Scope (a department member acts on its own
// department's cases, a steward re-checks cases of their alleys) is checked
// by the action itself, against the case.
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

	"button:dispatch": {store.RoleCoordinator},
	"button:redirect": {store.RoleCoordinator},
	"button:return":   {store.RoleCoordinator},
	"button:merge":    {store.RoleCoordinator},
	"button:approve":  {store.RoleCoordinator},
	"button:refuse":   {store.RoleCoordinator},
	"button:verify":   {store.RoleDepartment},
	"button:notours":  {store.RoleDepartment},
	"button:progress": {store.RoleDepartment},
	"button:extend":   {store.RoleDepartment},
	"button:fixed":    {store.RoleDepartment},
	"button:pass":     {store.RoleSteward},
	"button:fail":     {store.RoleSteward},
	"button:resubmit": {store.RoleSteward},

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
	"button:t:cancel": {store.RoleTrainer},
	"button:t:retime": {store.RoleTrainer},
	"button:t:attend": {store.RoleTrainer},
	"button:t:answer": {store.RoleTrainer, store.RoleCoordinator},
}

// public actions may be taken by anyone in the chat, even a resident with
// no account: the satisfaction question in a resident group.
var public = []string{"button:rate", "button:still"}

// may reports whether someone holding roles may do what.
func may(what string, roles []store.Role) bool {
	if slices.Contains(public, what) {
		return true
	}
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

// whoMay lists the roles that may do what (for the refusal message).
func whoMay(what string) []store.Role { return permissions[what] }

// buttonKey is a case button's entry in the permission table.
func buttonKey(a store.Action) string { return "button:" + string(a) }
