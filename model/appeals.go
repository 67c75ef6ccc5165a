package model

// AppealStatus is where a steward's appeal of a scorecard stands
// (score_appeals.status, seed 四(一)).
type AppealStatus string

// Appeal states.
const (
	AppealPending   AppealStatus = "pending"   // sent to the coordinators, not answered
	AppealUpheld    AppealStatus = "upheld"    // 维持: the score kept, with an answer
	AppealCorrected AppealStatus = "corrected" // 更正: an adjustment stored, with an answer
)

// AppealStatuses lists every appeal status.
var AppealStatuses = []AppealStatus{AppealPending, AppealUpheld, AppealCorrected}
