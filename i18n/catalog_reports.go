package i18n

// Reports: the report flow, its location, photos and duplicates, and the
// offer to report a text or a place.
var reportsCatalog = map[string]msg{
	"report.field.category2":  {"添加类别", "Add a kind"},
	"report.ask.category2":    {"再添加一个类别(例如同时涉及设施和安全)?", "Add another kind (a problem of facilities and of safety, say)?"},
	"button.merge_into":       {"合并到 {number}", "Merge into {number}"},
	"report.duplicates":       {"⚠ 附近已有相同问题:\n{cases}\n是同一个问题就按它的编号(您会收到它的进展);不是就按「提交」。", "⚠ The same problem is reported nearby:\n{cases}\nIf it is the same, press its number (you will hear how it goes); if not, press Submit."},
	"report.duplicate.line":   {"案件 {number}:{description}", "case {number}: {description}"},
	"button.same_problem":     {"是同一个问题:{number}", "Same problem: {number}"},
	"report.confirmed":        {"已记为对案件 {number} 的确认,您会收到它的进展。谢谢!", "Recorded as a confirmation of case {number}; you will hear how it goes. Thank you!"},
	"report.location.which":   {"「{address}」在哪条小巷?", "Which alley is \"{address}\" in?"},
	"report.location.typed":   {"定位到:{alley}(按您写的地址)。", "Located: {alley} (from the address you typed)."},
	"report.location.unknown": {"没有找到「{address}」所在的小巷,请分享位置,或从下面选择(也可以按「其他小巷」)。", "No alley matches \"{address}\"; share a location or choose below (or Other alleys)."},
	"report.location.hint":    {"请分享位置、写上地址(如 菊儿胡同3号),或从下面选择小巷。", "Share a location, type an address (like 菊儿胡同3号), or choose an alley below."},
	"button.other_alleys":     {"其他小巷", "Other alleys"},
	"report.location.patrol":  {"位置:按本次巡查记为「{alley}」。不在这里?请按「换个位置」(核对时也可以修改)。", "Location: {alley}, the alley of your patrol. Somewhere else? Press Change location (or change it at the review)."},
	"button.change_location":  {"换个位置", "Change location"},
	"button.patrol_alley":     {"{alley}(本次巡查)", "{alley} (this patrol)"},
	"offer.text":              {"要上报这个问题吗?\n「{text}」", "Report this as a problem?\n\"{text}\""},
	"offer.point":             {"要上报这个位置的问题吗?", "Report a problem at this place?"},
	"button.offer.report":     {"上报", "Report"},
	"button.offer.no":         {"不用", "No"},
	"offer.declined":          {"好的。需要时发送 /report 上报。", "All right. Send /report when you need to."},

	// Commands of the report flow and queries.
	"cmd.report": {"上报问题(也可以直接发送照片)", "report a problem (or just send a photo)"},

	// The flow engine.
	"flow.report":            {"问题上报", "report"},
	"button.fixed_on_spot":   {"已当场解决", "Fixed on the spot"},
	"button.back_to_summary": {"返回摘要", "Back to summary"},

	// The report flow.
	"report.category": {"请选择问题类别:", "Choose the kind of problem:"},
	"report.photos": {
		"请发送现场照片(1–{max} 张)。",
		"Send photos of the problem (1 to {max}).",
	},
	"report.photos.more": {
		"已收到 {n} 张照片。可继续发送(最多 {max} 张),发完请按「完成」。",
		"{n} photo(s) received. Send more (up to {max}), or press Done.",
	},
	"report.photo.not_image": {"这不是图片,没有收下。请发送照片(JPEG、PNG 等)。", "That is not a picture; it was not added. Please send a photo (JPEG, PNG, …)."},
	"report.photos.hint":     {"请发送照片;发完请按「完成」。", "Please send a photo; press Done when finished."},
	"report.photos.need_one": {"请至少发送一张照片。", "Please send at least one photo."},
	"report.photos.full":     {"最多 {max} 张照片,这张没有收下。请按「完成」。", "At most {max} photos; this one was not added. Press Done."},
	"report.photo.too_large": {
		"这张照片太大了(上限 {max}),没有收下。请压缩后重发,或换一张。",
		"That photo is too large (limit {max}) and was not added. Please send a smaller one.",
	},
	"report.location": {
		"请分享问题所在的位置,或选择小巷:",
		"Share where the problem is, or choose the alley:",
	},

	// report.location as said on each platform (report.location.<platform>).
	"report.location.telegram": {
		"请分享问题所在的位置(📎 → 位置),或选择小巷:",
		"Share where the problem is (📎 → Location), or choose the alley:",
	},
	"report.location.wecom": {
		"请分享问题所在的位置(输入框旁的 ⊕ → 位置),或选择小巷:",
		"Share where the problem is (⊕ beside the input box → Location), or choose the alley:",
	},
	"report.location.console": {
		"请分享问题所在的位置(/loc 纬度,经度),或选择小巷:",
		"Share where the problem is (/loc LAT,LON), or choose the alley:",
	},
	"report.location.outside": {
		"这个位置不在任何小巷的范围内。请重新分享位置,或按下面的按钮选择小巷。",
		"That location is not within any alley. Share it again, or choose the alley with a button below.",
	},
	"report.location.matched": {"定位到:{alley}(距中心约 {m} 米)。", "Located: {alley} (about {m} m from its centre)."},
	"report.location.outside_near": {
		"这个位置不在任何小巷的范围内。最近的是「{alley}」,约 {m} 米(范围 {radius} 米)。是这条小巷请按下面的第一个按钮;不是请重新分享位置,或选择小巷。",
		"That location is not within any alley. The nearest is {alley}, about {m} m away (its range is {radius} m). If it is that one, press the first button below; otherwise share the location again or choose the alley.",
	},
	"button.near_alley":            {"{alley}(约 {m} 米)", "{alley} (about {m} m)"},
	"report.location.matched_line": {"定位到:{alley}(距胡同约 {m} 米)。", "Located: {alley} (about {m} m from it)."},
	"report.description": {
		"请用文字描述问题:具体位置、现状、持续多久。",
		"Describe the problem in words: exactly where, what you see, since when.",
	},
	"report.description.short":   {"描述太短了,请多写几个字(至少 4 个字)。", "That is too short; please write a little more (at least 4 characters)."},
	"report.description.long":    {"描述太长了({n} 字),请控制在 1000 字以内。", "That is too long ({n} characters); please keep it under 1000."},
	"report.description.command": {"{cmd} 不能作为描述。请用文字描述问题,或发送 /cancel 取消。", "{cmd} is not a description. Describe the problem in words, or send /cancel."},
	"report.impact":              {"影响范围?", "How far does it reach?"},
	"impact.household":           {"个别住户", "A few households"},
	"impact.alley":               {"整条小巷", "The whole alley"},
	"impact.multi":               {"多条小巷或主路", "Several alleys or a main road"},
	"impact.danger":              {"危及安全", "Endangers safety"},
	"report.summary": {
		"请核对:\n{summary}\n\n确认无误请按「提交」;如果已经当场解决,请按「已当场解决」。",
		"Please check:\n{summary}\n\nPress Submit if it is right; if you fixed it on the spot, press Fixed on the spot.",
	},
	"report.draft": {
		"类别:{category}\n位置:{alley}\n描述:{description}\n影响:{impact}\n照片:{photos} 张",
		"Kind: {category}\nWhere: {alley}\nDescription: {description}\nImpact: {impact}\nPhotos: {photos}",
	},
	"report.edit":              {"要修改哪一项?", "What do you want to change?"},
	"report.field.category":    {"类别", "Kind"},
	"report.field.photos":      {"照片(重新发送)", "Photos (send again)"},
	"report.field.location":    {"位置", "Location"},
	"report.field.description": {"描述", "Description"},
	"report.field.impact":      {"影响范围", "Impact"},
	"report.submitted": {
		"已提交,案件编号 {number}。问题受理中心会尽快派单,处理进展会通知您。\n{summary}",
		"Submitted as case {number}. The acceptance center will dispatch it soon; you will be told of progress.\n{summary}",
	},
	"report.submitted_fixed": {
		"已记录为当场解决,编号 {number}。谢谢您!\n{summary}",
		"Recorded as fixed on the spot, number {number}. Thank you!\n{summary}",
	},

	// Notifications to groups.
	"notify.exchange": {"📢 新上报\n{summary}", "📢 New report\n{summary}"},

	// The case lifecycle.
	"button.plan_now":     {"立即整改", "Fix now"},
	"button.plan_by_date": {"限期整改", "Fix by a date"},
	"plan.now":            {"立即整改", "fix now"},
	"plan.by_date":        {"限期整改,{date} 前完成", "fix by {date}"},
	"plan.by_date.short":  {"限期整改", "fix by a set date"},
	"report.photos.early": {"已收到 {n} 张照片,请先选择问题类别。", "{n} photo(s) received; please choose the kind of problem first."},
}
