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

// ComplaintVerdict is a supervisor's finding on a complaint about the staff
// (complaints.verdict): an upheld complaint names the person and counts
// toward their record.
type ComplaintVerdict string

// Complaint verdicts.
const (
	ComplaintUpheld    ComplaintVerdict = "upheld"     // 属实: it counts against the person named
	ComplaintNotUpheld ComplaintVerdict = "not_upheld" // 不属实
)

// ComplaintVerdicts lists every verdict.
var ComplaintVerdicts = []ComplaintVerdict{ComplaintUpheld, ComplaintNotUpheld}
