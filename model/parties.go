package model

// Issue 25 item 1 (seed 二(三)2): the other parties of a case.
const (
	// RoleProperty is a property manager's (物业公司) contact: a member of
	// its department row (kind 'property').
	RoleProperty Role = "property"
	// RoleVolunteer is a volunteer who helps in some alleys.
	RoleVolunteer Role = "volunteer"
)
