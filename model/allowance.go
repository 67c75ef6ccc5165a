package model

// AllowanceStatus is where a steward's monthly allowance (工作补贴, seed
// 六(二)1; allowances.status) stands: proposed by the rule, then confirmed
// by a coordinator, once, for the whole community and month.
type AllowanceStatus string

// Allowance states; each has a catalog entry "allowance.status.<status>".
const (
	AllowanceProposed  AllowanceStatus = "proposed"
	AllowanceConfirmed AllowanceStatus = "confirmed"
)

// AllowanceStatuses lists every allowance status.
var AllowanceStatuses = []AllowanceStatus{AllowanceProposed, AllowanceConfirmed}
