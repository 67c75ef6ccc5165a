package handlers

import (
	"slices"

	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/model"
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
var permissions = map[string][]model.Role{
	"/report":    {model.RoleSteward},
	"/mycases":   {model.RoleSteward},
	"/queue":     {model.RoleCoordinator, model.RoleSupervisor},
	"/dept":      {model.RoleDepartment},
	"/overdue":   {model.RoleCoordinator, model.RoleSupervisor, model.RoleDepartment},
	"/bindgroup": {model.RoleCoordinator},
	"/patrol":    {model.RoleSteward},
	"/endpatrol": {model.RoleSteward},
	"/mypatrols": {model.RoleSteward},
	"/patrols":   {model.RoleCoordinator, model.RoleSupervisor},

	"button:c:dispatch": {model.RoleCoordinator},
	"button:c:redirect": {model.RoleCoordinator},
	"button:c:return":   {model.RoleCoordinator},
	"button:c:merge":    {model.RoleCoordinator},
	"button:c:approve":  {model.RoleCoordinator},
	"button:c:refuse":   {model.RoleCoordinator},
	"button:c:verify":   {model.RoleDepartment},
	"button:c:notours":  {model.RoleDepartment},
	"button:c:progress": {model.RoleDepartment},
	"button:c:extend":   {model.RoleDepartment},
	"button:c:fixed":    {model.RoleDepartment},
	"button:c:pass":     {model.RoleSteward},
	"button:c:fail":     {model.RoleSteward},
	"button:c:resubmit": {model.RoleSteward},

	"/complaints":     {model.RoleCoordinator, model.RoleSupervisor},
	"button:k:case":   {model.RoleCoordinator},
	"button:k:answer": {model.RoleCoordinator},
	"button:k:reject": {model.RoleCoordinator},
	"button:k:settle": {model.RoleSupervisor},

	"/training":       {model.RoleTrainer},
	"/trainings":      {model.RoleTrainer, model.RoleCoordinator, model.RoleSupervisor},
	"/mytrainings":    nil, // anyone: a trainer may invite people by name
	"/ask":            {model.RoleSteward},
	"/notice":         {model.RoleCoordinator, model.RoleSteward},
	"button:t:sign":   nil, // anyone invited: 报名, 已读, 请假
	"button:t:read":   nil,
	"button:t:leave":  nil,
	"button:t:cancel": {model.RoleTrainer},
	"button:t:retime": {model.RoleTrainer},
	"button:t:attend": {model.RoleTrainer},
	"button:t:answer": {model.RoleTrainer, model.RoleCoordinator},

	"/myscore": {model.RoleSteward},
	"/scores":  {model.RoleCoordinator, model.RoleAssessor, model.RoleSupervisor},
	"/commend": {model.RoleCoordinator},
	"/warn":    {model.RoleCoordinator},
	"/restore": {model.RoleAdmin},
	"/record":  {model.RoleCoordinator, model.RoleSupervisor, model.RoleAssessor},

	"button:al:confirm": {model.RoleCoordinator}, // 确认补贴: the community's, checked by the action
	"button:rg:confirm": {model.RoleCoordinator},
	"button:rg:edit":    {model.RoleCoordinator},
	"/ledger":           {model.RoleTreasurer},
	"/balance":          {model.RoleTreasurer, model.RoleCoordinator, model.RoleSupervisor, model.RoleAssessor},
	"/appeal":           {model.RoleSteward},
	"button:ap:keep":    {model.RoleCoordinator},
	"button:ap:correct": {model.RoleCoordinator},
	// The web desk's login link: staff, and stewards for their own cases.
	"/web": {model.RoleCoordinator, model.RoleSupervisor, model.RoleAdmin, model.RoleDepartment, model.RoleSteward},

	// 催办: the reporting steward, on their own case (issue 25).
	"button:c:urge": {model.RoleSteward},
	"/urge":         {model.RoleSteward},
	// Residents' suggestions (二(三)1): the stewards and the coordinators.
	"/suggest":         nil, // residents (and anyone)
	"button:sg:case":   {model.RoleSteward, model.RoleCoordinator},
	"button:sg:answer": {model.RoleSteward, model.RoleCoordinator},
	"button:sg:record": {model.RoleSteward, model.RoleCoordinator},
	// A complaint taken by phone, letter or visit (/complain_for).
	"/complain_for": {model.RoleCoordinator},
	// A steward's /notice goes to their own communities' groups only
	// (flows/notices); approval when publicity.needs_approval.
	"button:pub:approve": {model.RoleCoordinator}, // a steward's notice (publicity.needs_approval)
	"button:pub:reject":  {model.RoleCoordinator},
	"/activity":          {model.RoleSteward, model.RoleCoordinator},
	"button:act:attend":  {model.RoleSteward, model.RoleCoordinator}, // the organiser's, checked by the action; act:sign/unsign are public
	"button:act:count":   {model.RoleSteward, model.RoleCoordinator},
	"button:pm:copy":     {model.RoleCoordinator}, // 抄送物业: the alley's property manager, checked by the action
	"button:pm:dispatch": {model.RoleCoordinator}, // 派单给物业
	"button:vol:ask":     {model.RoleCoordinator, model.RoleSteward},
	"button:vol:yes":     {model.RoleVolunteer},
	"button:vol:no":      {model.RoleVolunteer},
}

// may reports whether someone holding roles may do what.
func may(what string, roles []model.Role) bool {
	need := permissions[what]
	if len(need) == 0 {
		return true
	}
	for _, r := range roles {
		if r == model.RoleAdmin || slices.Contains(need, r) {
			return true
		}
	}
	return false
}

// mayPress reports whether someone holding roles (none: a resident with no
// account) may press a family's button: a public one anyone may.
func mayPress(f *conversations.ButtonFamily, p conversations.Pressed, roles []model.Role) bool {
	return f.IsPublic(p.Action) || may(p.Key(), roles)
}

// whoMay lists the roles that may do what (for the refusal message).
func whoMay(what string) []model.Role { return permissions[what] }

// casePrefix is the case buttons' family prefix ("c:<action>:<id>").
const casePrefix = "c"

// buttonKey is a case button's entry in the permission table.
func buttonKey(a model.Action) string { return conversations.ButtonKey(casePrefix, string(a)) }
