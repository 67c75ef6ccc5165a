package i18n

// The desk's work-order export (issue 24, desk/export.go): the columns of
// a 12345 work-order list and the texts of its cells.
var deskCatalog = map[string]msg{
	"desk.export.sheet": {"工单", "Work orders"},

	"desk.col.number":       {"工单编号", "Number"},
	"desk.col.created":      {"受理时间", "Received"},
	"desk.col.dispatched":   {"派单时间", "Dispatched"},
	"desk.col.verified":     {"核实时间", "Verified"},
	"desk.col.fixed":        {"整改完成时间", "Fixed"},
	"desk.col.closed":       {"办结时间", "Closed"},
	"desk.col.category":     {"问题类别", "Category"},
	"desk.col.community":    {"社区", "Community"},
	"desk.col.alley":        {"胡同", "Alley"},
	"desk.col.address":      {"地址", "Address"},
	"desk.col.department":   {"承办部门", "Department"},
	"desk.col.verify_by":    {"核实时限", "Verify by"},
	"desk.col.fix_by":       {"整改时限", "Fix by"},
	"desk.col.remaining":    {"剩余时间/超时", "Time left / overdue"},
	"desk.col.status":       {"状态", "Status"},
	"desk.col.escalated":    {"督办", "Escalated"},
	"desk.col.sendbacks":    {"退回次数", "Send-backs"},
	"desk.col.satisfaction": {"满意度", "Satisfaction"},

	// The running clock against the export's time (wall-clock time).
	"desk.cell.left":    {"剩余 {time}", "{time} left"},
	"desk.cell.over":    {"超时 {time}", "{time} overdue"},
	"desk.cell.hours":   {"{n}小时", "{n} h"},
	"desk.cell.minutes": {"{n}分钟", "{n} min"},
	"desk.cell.yes":     {"是", "yes"},
	"desk.cell.no":      {"否", "no"},
}
