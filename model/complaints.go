package model

// ComplaintStatus is where a resident's complaint stands (complaints.status).
type ComplaintStatus string

// Complaint states.
const (
	ComplaintOpen     ComplaintStatus = "open"
	ComplaintCase     ComplaintStatus = "case"     // became a case
	ComplaintAnswered ComplaintStatus = "answered" // the center answered it directly
	ComplaintRejected ComplaintStatus = "rejected" // 不予受理, with a reason
	ComplaintSettled  ComplaintStatus = "settled"  // about staff: the supervisor recorded the outcome
)

// ComplaintStatuses lists every complaint status.
var ComplaintStatuses = []ComplaintStatus{ComplaintOpen, ComplaintCase, ComplaintAnswered, ComplaintRejected, ComplaintSettled}
