package model

// RecordKind names an entry of a steward's record (steward_record.kind,
// seed 四(二)–(三)): the record is append-only, like a case's timeline.
type RecordKind string

// Record entries; each has a catalog entry "record.kind.<kind>".
const (
	RecordCommendation RecordKind = "commendation" // 表彰: a reason, perhaps a reward, perhaps announced
	RecordWarning      RecordKind = "warning"      // 批评/警告: a reason
	RecordSuspension   RecordKind = "suspension"   // the steward's role suspended after repeated warnings
	RecordRestoration  RecordKind = "restoration"  // an admin restored the role, with a reason
)

// RecordKinds lists every record entry kind.
var RecordKinds = []RecordKind{RecordCommendation, RecordWarning, RecordSuspension, RecordRestoration}
