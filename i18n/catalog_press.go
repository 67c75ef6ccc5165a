package i18n

// Issue 25's 催办 (flows/cases/case_urge.go), a department's plan with its
// 限期整改 and the printable work order (desk/print.go).
var pressCatalog = map[string]msg{
	"deskprint.title":           {"案件 {number} 工单", "Work order {number}"},
	"deskprint.heading":         {"小巷管家问题处置工单 {number}", "Alley steward work order {number}"},
	"deskprint.number":          {"工单编号", "Number"},
	"deskprint.status":          {"当前状态", "Status"},
	"deskprint.back":            {"返回案件", "Back to the case"},
	"deskprint.print":           {"打印", "Print"},
	"deskprint.link":            {"打印工单", "Print the work order"},
	"deskprint.signatures":      {"签字", "Signatures"},
	"deskprint.sign.receiver":   {"受理人", "Received by"},
	"deskprint.sign.department": {"承办部门负责人", "Department head"},
	"deskprint.sign.steward":    {"小巷管家 复核", "Steward's re-check"},
	"deskprint.sign.date":       {"日期", "Date"},
	"deskprint.printed":         {"打印时间：{at}", "Printed {at}"},
}
