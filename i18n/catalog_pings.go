package i18n

// The scheduler's pings: deadlines, the overdue list and the daily digest.
var pingsCatalog = map[string]msg{
	// The case lifecycle.
	"cmd.overdue":    {"已超过时限的案件", "cases past a deadline"},
	"overdue.none":   {"没有超时的案件。", "No case is overdue."},
	"overdue.header": {"超时案件 {n} 件:", "Overdue cases: {n}"},

	// Deadline pings.
	"ping.soon": {
		"⏰ 提醒:案件 {number}({alley},{department}){clock}时限 {at},工作时间还剩 {left}。",
		"⏰ Reminder: case {number} ({alley}, {department}) {clock} due {at}, {left} of working time left.",
	},
	"ping.overdue": {
		"🚨 超时:案件 {number}({alley},{department}){clock}已到时限 {at}。",
		"🚨 Overdue: case {number} ({alley}, {department}) {clock} was due {at}.",
	},
	"ping.daily": {
		"📣 督办:案件 {number}({alley},{department}){clock}已超时 {over}(工作时间,时限 {at}),请尽快处理。",
		"📣 Reminder: case {number} ({alley}, {department}) {clock} is {over} overdue in working time (due {at}); please act.",
	},
	"ping.supervisor": {
		"⚠ 督办升级:案件 {number}({alley},{department}){clock}已超时 {days} 个工作日(时限 {at})。",
		"⚠ Escalation: case {number} ({alley}, {department}) {clock} is {days} working days overdue (due {at}).",
	},

	// Patrols and the daily digest.
	"digest.head": {
		"📊 {day} 小结:新上报 {new} 件,办结 {closed} 件,超时 {overdue} 件。",
		"📊 {day}: {new} new, {closed} closed, {overdue} overdue.",
	},
	"digest.line":     {"  {department}:新 {new} · 结 {closed} · 超时 {overdue}", "  {department}: new {new} · closed {closed} · overdue {overdue}"},
	"digest.unrouted": {"待派单", "not yet dispatched"},
}
