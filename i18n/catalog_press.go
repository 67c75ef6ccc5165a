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
	"deskprint.plan_text":       {"整改方案", "Plan"},
	"case.ask.plan_text":        {"请用一句话说明案件 {number} 的整改方案（做什么、由谁来做，4–200 字）:", "In a sentence, the plan for case {number} (what will be done, by whom; 4–200 characters):"},
	"case.plan_text.bad":        {"整改方案需要 {min}–{max} 个字（现在 {n} 个字），请重新输入:", "The plan needs {min}–{max} characters (this has {n}); type it again:"},
	"case.plan_text":            {"整改方案:{plan}", "Plan: {plan}"},
	"plan.text_note":            {";方案:{text}", "; plan: {text}"},
	"button.urge":               {"催办", "Press the department"},
	"action.urge":               {"催办", "press the department"},
	"event.urged":               {"小巷管家催办", "pressed by the steward"},
	"cmd.urge":                  {"催办自己上报的案件(每案每天一次)", "press the department on your case (once a day)"},
	"urge.usage":                {"用法:/urge 案件编号,例如 /urge 2026-000012", "Usage: /urge CASE, e.g. /urge 2026-000012"},
	"urge.again":                {"案件 {number} 今天已经催办过了,每天只能催办一次。", "Case {number} was already pressed today: once a day."},
	"urge.done":                 {"已催办案件 {number},已通知{department}。{clock}", "Pressed {department} on case {number}. {clock}"},
	"notify.urged":              {"【催办】{name} 催办案件 {number}({department}):{description}\n{clock}", "[Pressed] {name} presses {department} on case {number}: {description}\n{clock}"},
	"deskprint.committee_link":  {"打印工单:{url}(需先在私聊中发送 /web 登录工作台)", "Printable work order: {url} (sign in to the desk first: /web in a private chat)"},
	"deskprint.printed":         {"打印时间：{at}", "Printed {at}"},
}
