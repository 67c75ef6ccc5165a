package i18n

// Patrols: starting, checking in, ending and listing patrols.
var patrolsCatalog = map[string]msg{
	// The flow engine.
	"flow.patrol":           {"巡查签到", "patrol check-in"},
	"flow.endpatrol":        {"结束巡查", "ending the patrol"},
	"cmd.patrol":            {"巡查签到:开始巡查一条小巷", "check in on a patrol of one of your alleys"},
	"cmd.endpatrol":         {"结束巡查", "end the patrol"},
	"cmd.mypatrols":         {"本月我的巡查", "your patrols this month"},
	"cmd.patrols":           {"今日巡查情况", "today's patrols"},
	"patrol.ask.alley":      {"巡查哪条小巷?", "Which alley are you patrolling?"},
	"patrol.alley.now":      {"{alley}(现在)", "{alley} (now)"},
	"patrol.no_alleys":      {"您名下还没有巡查的小巷,请联系受理中心。", "No alleys are assigned to you yet; please ask the acceptance center."},
	"patrol.not_your_alley": {"这条小巷不在您的巡查范围内,请从下面选择。", "That alley is not one of yours; please choose below."},
	"patrol.ask.location":   {"请分享您现在的位置,签到巡查{alley}。", "Please share your location to check in on {alley}."},
	"patrol.checkin.hint":   {"签到需要位置:请用「位置」分享您现在所在的地点。", "Checking in needs your location: share where you are now."},
	"patrol.outside": {
		"您距离{alley}中心约 {m} 米,超出签到范围({radius} 米)。可以重新定位,或按「仍然签到」并写明原因(会提示受理中心)。",
		"You are about {m} m from {alley}'s centre, outside its {radius} m check-in range. Share your location again, or press Check in anyway and say why (the acceptance center will see it).",
	},
	"patrol.ask.outside_note": {
		"请写明为什么在范围外(距中心 {m} 米)签到,例如「定位漂移,人在胡同口」:",
		"Say why you check in outside the range ({m} m from the centre), e.g. \"the location drifts, I am at the alley's entrance\":",
	},
	"patrol.started": {
		"✅ 已签到:{alley}({time},距中心 {m} 米)。巡查中发现问题请发送 /report 或直接发照片;结束时按「结束巡查」。",
		"✅ Checked in: {alley} ({time}, {m} m from its centre). Send /report or a photo for anything you find; press End patrol when you are done.",
	},
	"patrol.started_outside": {
		"✅ 已签到(范围外,距中心 {m} 米,已提示受理中心):{alley}({time})。发现问题请发送 /report;结束时按「结束巡查」。",
		"✅ Checked in (outside the range, {m} m from the centre; the acceptance center will see it): {alley} ({time}). Send /report for anything you find; press End patrol when you are done.",
	},
	"patrol.already_open": {"您有一次巡查还没结束,请先按「结束巡查」(或发送 /endpatrol)。", "You have a patrol still open; end it first (/endpatrol)."},
	"patrol.none_open":    {"您现在没有进行中的巡查。开始巡查请发送 /patrol。", "You have no patrol open. Send /patrol to start one."},
	"patrol.end.none": {
		"结束巡查{alley}:本次巡查没有上报问题。", "Ending the patrol of {alley}: nothing was reported on it.",
	},
	"patrol.end.cases": {
		"结束巡查{alley}:本次巡查上报了 {n} 件问题。", "Ending the patrol of {alley}: {n} problem(s) reported on it.",
	},
	"patrol.ended.none":  {"巡查结束:{alley},用时 {minutes} 分钟,无问题。已记为到岗。", "Patrol ended: {alley}, {minutes} minutes, nothing found. Counted as attendance."},
	"patrol.ended.cases": {"巡查结束:{alley},用时 {minutes} 分钟,上报 {n} 件问题。", "Patrol ended: {alley}, {minutes} minutes, {n} problem(s) reported."},
	"patrol.month": {
		"{month} 月巡查:排班 {scheduled} 次,按时 {done},迟到 {late},缺勤 {missed}。\n{days}\n(✓ 按时 ⏰ 迟到 ✗ 缺勤 · 未到时间)",
		"Patrols in {month}: {scheduled} scheduled, {done} on time, {late} late, {missed} missed.\n{days}\n(✓ on time ⏰ late ✗ missed · to come)",
	},
	"patrol.month.unscheduled":  {"排班外巡查 {n} 次:\n{lines}", "Patrols outside the schedule: {n}\n{lines}"},
	"patrol.status.unscheduled": {"(排班外)", "(outside the schedule)"},
	"patrol.auto_ended":         {"您在{alley}的巡查到时间未结束,已在 {time} 自动结束(记为未按「结束巡查」)。", "Your patrol of {alley} was still open at the end of its window; it was ended at {time} (recorded as not ended by you)."},
	"patrols.today":             {"今日巡查({date}):\n{lines}", "Today's patrols ({date}):\n{lines}"},
	"patrols.none":              {"今天没有排班的巡查。", "No patrols are scheduled today."},
	"patrol.status.later":       {"未开始", "not yet"},
	"patrol.status.missing":     {"⚠ 未签到", "⚠ not checked in"},
	"patrol.status.missed":      {"✗ 缺勤", "✗ missed"},
	"patrol.status.out":         {"巡查中(自 {time})", "out since {time}"},
	"patrol.status.done":        {"✓ 已完成({time} 签到,{n} 件问题)", "✓ done (checked in {time}, {n} problem(s))"},
	"patrol.status.outside":     {"⚠ 范围外签到 {m} 米:{note}", "⚠ checked in {m} m outside: {note}"},
	"button.relocate":           {"重新定位", "Share again"},
	"button.checkin_anyway":     {"仍然签到", "Check in anyway"},
	"button.endpatrol":          {"结束巡查", "End patrol"},
	"button.nothing_found":      {"无问题,结束", "Nothing found, end"},
	"button.report_now":         {"还要上报问题", "Report something first"},

	// Patrols and the daily digest.
	"patrol.reminder": {
		"🚶 {name},今天 {from}–{to} 巡查{alley}。注意卫生死角、乱堆乱放、乱停乱放,发现问题直接发照片给我。",
		"🚶 {name}, your patrol of {alley} is today {from}–{to}. Watch for dirty corners, piles and bad parking; send me a photo of any problem.",
	},
	"patrol.missed": {
		"{name},今天 {from}–{to} {alley}的巡查还没有签到记录。如果已经巡查过,请告诉社区;辛苦了!",
		"{name}, there is no check-in for today's {from}–{to} patrol of {alley}. If you did patrol, please tell the community. Thank you!",
	},
	"patrol.summary":      {"📋 {day} 未签到的巡查 {n} 次:", "📋 Patrols without a check-in on {day}: {n}"},
	"patrol.summary.none": {"📋 {day} 的巡查都已签到。", "📋 Every patrol on {day} was checked in."},
}
