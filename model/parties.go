package model

// Issue 25 item 1 (seed 二(三)2): the other parties of a case.
const (
	// RoleProperty is a property manager's (物业公司) contact: a member of
	// its department row (kind 'property').
	RoleProperty Role = "property"
	// RoleVolunteer is a volunteer who helps in some alleys.
	RoleVolunteer Role = "volunteer"
)

// The other parties' events on a case's timeline.
const (
	EventPropertyCopied    EventKind = "property_copied"    // 抄送物业
	EventVolunteersAsked   EventKind = "volunteers_asked"   // 请志愿者协助
	EventVolunteerAnswered EventKind = "volunteer_answered" // a volunteer's 可以 / 不行
)
