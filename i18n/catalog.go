package i18n

// catalog: zh-CN first, English second. Placeholders are {name}; both
// languages of a message use the same placeholders (the test checks).
var catalog = map[string]msg{
	// Greeting and binding.
	"start.welcome": {
		"您好,{name}!我是小巷管家助手。发送 /help 查看您可以使用的命令。",
		"Hello, {name}! I am the alley steward assistant. Send /help to see the commands you can use.",
	},
	"start.bound": {
		"绑定成功!您好,{name}({roles})。今后在这里上报问题、签到巡查。发送 /help 查看命令。",
		"You are now linked. Hello, {name} ({roles}). Report problems and check in on patrols here. Send /help for the commands.",
	},
	"start.unbound": {
		"您好!这个账号还没有绑定小巷管家名册。请向街道或社区的管理员索取邀请链接,点开后发送 /start 即可绑定。",
		"Hello! This account is not linked to the alley steward roster yet. Ask your subdistrict or community administrator for an invitation link; open it and send /start to link.",
	},
	"invite.unknown": {
		"邀请码无效,请检查后重试,或向管理员索取新的邀请链接。",
		"That invitation code is not valid. Check it, or ask your administrator for a new invitation link.",
	},
	"invite.used": {
		"这个邀请码已经被使用过。如需重新绑定,请向管理员索取新的邀请链接。",
		"That invitation code has already been used. Ask your administrator for a new invitation link to link again.",
	},
	"invite.expired": {
		"这个邀请码已过期,请向管理员索取新的邀请链接。",
		"That invitation code has expired. Ask your administrator for a new invitation link.",
	},
	"person.inactive": {
		"您的账号已停用。如有疑问,请联系社区管理员。",
		"Your account is deactivated. Please contact your community administrator.",
	},

	// Help.
	"help.header": {
		"{name},您可以使用这些命令:",
		"{name}, these are your commands:",
	},
	"help.footer": {
		"在任何一步发送 /cancel 可以取消。",
		"Send /cancel at any step to cancel.",
	},
	"cmd.start":  {"开始使用,或用邀请码绑定账号", "start, or link your account with an invitation code"},
	"cmd.help":   {"查看您可以使用的命令", "show the commands you can use"},
	"cmd.whoami": {"查看您的姓名、角色、小巷和巡查时间", "show your name, roles, alleys and patrol times"},
	"cmd.lang":   {"切换语言:/lang zh 或 /lang en", "switch language: /lang zh or /lang en"},
	"cmd.cancel": {"取消正在进行的操作", "cancel what you are doing"},

	// Who am I.
	"whoami.body": {
		"姓名:{name}\n编号:{code}\n角色:{roles}",
		"Name: {name}\nCode: {code}\nRoles: {roles}",
	},
	"whoami.alleys": {
		"负责小巷:{alleys}",
		"Alleys: {alleys}",
	},
	"whoami.patrol": {
		"巡查:{days} {from}–{to} {alley}",
		"Patrol: {days} {from}–{to} {alley}",
	},
	"whoami.account": {
		"账号:{platform} {id}",
		"Account: {platform} {id}",
	},
	"list.sep": {"、", ", "},

	// Roles, as people read them.
	"role.steward":     {"小巷管家", "alley steward"},
	"role.coordinator": {"问题受理中心", "acceptance center"},
	"role.department":  {"职能部门", "department"},
	"role.trainer":     {"培训员", "trainer"},
	"role.supervisor":  {"督导", "supervisor"},
	"role.admin":       {"管理员", "administrator"},
	"role.scoped":      {"{role}({scope})", "{role} ({scope})"},

	"weekday.1":    {"周一", "Mon"},
	"weekday.2":    {"周二", "Tue"},
	"weekday.3":    {"周三", "Wed"},
	"weekday.4":    {"周四", "Thu"},
	"weekday.5":    {"周五", "Fri"},
	"weekday.6":    {"周六", "Sat"},
	"weekday.7":    {"周日", "Sun"},
	"weekday.all":  {"每天", "daily"},
	"weekday.work": {"工作日", "weekdays"},

	// Language.
	"lang.set":   {"已切换为中文。", "Language set to English."},
	"lang.usage": {"用法:/lang zh(中文)或 /lang en(English)", "Usage: /lang zh (中文) or /lang en (English)"},

	// Commands and input the bot does not take.
	"cmd.unknown": {
		"没有 {cmd} 这个命令。发送 /help 查看您可以使用的命令。",
		"There is no command {cmd}. Send /help to see the commands you can use.",
	},
	"cmd.forbidden": {
		"{cmd} 只有{roles}可以使用。",
		"Only {roles} may use {cmd}.",
	},
	"text.unexpected": {
		"收到。目前没有进行中的操作;发送 /help 查看您可以使用的命令。",
		"Got it. Nothing is in progress; send /help to see the commands you can use.",
	},
	"cancel.nothing": {"目前没有进行中的操作。", "Nothing is in progress."},
	"error.internal": {
		"抱歉,处理时出了问题,您的消息没有丢失,请稍后再试。",
		"Sorry, something went wrong while handling that. Nothing was lost; please try again shortly.",
	},

	// The console channel.
	"console.banner": {
		"alleybot 控制台 —— 您现在是 {name}({roles})。输入 /help 查看命令;/as 姓名 切换身份;/photo 路径 发送图片;/loc 纬度,经度 分享位置;Ctrl-D 退出。",
		"alleybot console — you are {name} ({roles}). Type /help for commands; /as NAME to switch person; /photo PATH to send an image; /loc LAT,LON to share a location; Ctrl-D to quit.",
	},
	"console.switched": {"已切换为 {name}({roles})。", "Now speaking as {name} ({roles})."},
	"console.no_person": {
		"名册里没有 {name}。可选:{names}",
		"{name} is not in the roster. Choose from: {names}",
	},
	"console.as_usage":    {"用法:/as 姓名或编号", "Usage: /as NAME or CODE"},
	"console.photo_usage": {"用法:/photo 图片路径", "Usage: /photo PATH"},
	"console.photo_error": {"无法读取图片 {path}:{err}", "Cannot read the image {path}: {err}"},
	"console.photo_large": {
		"图片 {path} 有 {size},超过 {max} 的上限,请压缩后再发。",
		"The image {path} is {size}, over the {max} limit; please send a smaller one.",
	},
	"console.loc_usage":  {"用法:/loc 纬度,经度(例如 /loc 39.9366,116.4034)", "Usage: /loc LAT,LON (for example /loc 39.9366,116.4034)"},
	"console.no_buttons": {"没有可按的按钮:{input}", "There is no button to press: {input}"},

	// Commands of the report flow and queries.
	"cmd.report":    {"上报问题(也可以直接发送照片)", "report a problem (or just send a photo)"},
	"cmd.back":      {"回到上一步", "go back one step"},
	"cmd.case":      {"查看案件及其处理经过:/case 编号", "show a case and its timeline: /case NUMBER"},
	"cmd.mycases":   {"查看我上报的未办结案件", "list my open cases"},
	"cmd.bindgroup": {"在群里发送,把本群登记为名册中的群:/bindgroup 群编号", "send in a group to bind it to a roster chat: /bindgroup CODE"},

	// The flow engine.
	"flow.report":       {"问题上报", "report"},
	"flow.cancelled":    {"已取消{flow},草稿未提交。", "The {flow} is cancelled; nothing was submitted."},
	"flow.discarded":    {"已放弃之前的{flow}草稿。", "The earlier {flow} draft is discarded."},
	"flow.first_step":   {"已经是第一步了。", "This is already the first step."},
	"flow.stale_button": {"这个按钮已经过期了,请按最新消息里的按钮。", "That button is out of date; please use the buttons of the latest message."},
	"flow.busy": {
		"您还有一份未完成的{flow},请先完成它,或发送 /cancel 取消。",
		"You have an unfinished {flow}; finish it first, or send /cancel.",
	},
	"flow.resume": {
		"继续 {time} 的{flow}吗?",
		"Continue the {flow} you started at {time}?",
	},
	"flow.resume.continue": {"继续", "Continue"},
	"flow.resume.discard":  {"放弃", "Discard"},
	"flow.hint.choice":     {"请按下面的按钮选择(也可以回复按钮前的数字)。", "Please choose with a button below (or reply with its number)."},
	"flow.hint.text":       {"这一步需要文字。", "This step needs text."},
	"flow.hint.photo":      {"这一步需要照片。", "This step needs a photo."},
	"flow.hint.location":   {"这一步需要位置。", "This step needs a location."},
	"flow.hint.location_or_choice": {
		"请分享位置,或按下面的按钮选择小巷。",
		"Please share a location, or choose the alley with a button below.",
	},
	"button.done":            {"完成", "Done"},
	"button.submit":          {"提交", "Submit"},
	"button.fixed_on_spot":   {"已当场解决", "Fixed on the spot"},
	"button.edit":            {"修改", "Edit"},
	"button.cancel":          {"取消", "Cancel"},
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
	"report.photos.hint":     {"请发送照片;发完请按「完成」。", "Please send a photo; press Done when finished."},
	"report.photos.need_one": {"请至少发送一张照片。", "Please send at least one photo."},
	"report.photos.full":     {"最多 {max} 张照片,这张没有收下。请按「完成」。", "At most {max} photos; this one was not added. Press Done."},
	"report.photo.too_large": {
		"这张照片太大了(上限 {max}),没有收下。请压缩后重发,或换一张。",
		"That photo is too large (limit {max}) and was not added. Please send a smaller one.",
	},
	"report.location": {
		"请分享问题所在的位置(Telegram:📎 → 位置),或选择小巷:",
		"Share where the problem is (Telegram: 📎 → Location), or choose the alley:",
	},
	"report.location.outside": {
		"这个位置不在任何小巷的范围内。请重新分享位置,或按下面的按钮选择小巷。",
		"That location is not within any alley. Share it again, or choose the alley with a button below.",
	},
	"report.location.matched": {"定位到:{alley}(距中心约 {m} 米)。", "Located: {alley} (about {m} m from its centre)."},
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
	"notify.exchange":      {"📢 新上报\n{summary}", "📢 New report\n{summary}"},
	"notify.fixed_on_spot": {"✅ 当场解决\n{summary}", "✅ Fixed on the spot\n{summary}"},
	"notify.center":        {"🆕 新案件待派单\n{summary}", "🆕 New case to dispatch\n{summary}"},
	"notify.department":    {"📌 新案件,责任部门为本部门(待受理中心派单)\n{summary}", "📌 New case for this department (awaiting dispatch)\n{summary}"},
	"notify.committee":     {"📋 抄送居委会\n{summary}", "📋 Copy to the neighbourhood committee\n{summary}"},

	// Cases.
	"case.head":           {"【{number}】{categories}", "[{number}] {categories}"},
	"case.place":          {"{alley}({community})", "{alley} ({community})"},
	"case.where":          {"位置:{place}", "Where: {place}"},
	"case.what":           {"描述:{description}", "Description: {description}"},
	"case.impact":         {"影响:{impact}", "Impact: {impact}"},
	"case.photos":         {"照片:{n} 张", "Photos: {n}"},
	"case.by":             {"上报:{name} {time}", "Reported by {name} at {time}"},
	"case.department":     {"责任部门:{department}", "Department: {department}"},
	"case.status":         {"状态:{status}", "Status: {status}"},
	"case.timeline":       {"处理经过:", "Timeline:"},
	"case.line":           {"{number} {categories} {alley} {status} {time}", "{number} {categories} {alley} {status} {time}"},
	"case.usage":          {"用法:/case 案件编号,例如 /case 2026-000123", "Usage: /case NUMBER, for example /case 2026-000123"},
	"case.not_found":      {"没有找到案件 {number}。", "There is no case {number}."},
	"case.photo_n":        {"照片 {i}/{n}", "Photo {i}/{n}"},
	"case.photo_missing":  {"照片 {i}/{n} 还在下载中。", "Photo {i}/{n} is still downloading."},
	"mycases.none":        {"您目前没有未办结的案件。", "You have no open cases."},
	"mycases.header":      {"您未办结的案件({n} 件):", "Your open cases ({n}):"},
	"status.submitted":    {"已提交,待派单", "submitted, awaiting dispatch"},
	"status.closed":       {"已办结", "closed"},
	"event.submitted":     {"提交上报", "reported"},
	"event.fixed_on_spot": {"当场解决并记录", "fixed on the spot"},

	// Binding a group chat.
	"bindgroup.usage":   {"用法:在群里发送 /bindgroup 群编号(名册 chats 里的 code)。", "Usage: send /bindgroup CODE in the group (the code from the roster's chats)."},
	"bindgroup.private": {"请在要登记的群里发送这个命令。", "Send this command in the group you want to bind."},
	"bindgroup.unknown": {"名册里没有群编号 {code}。", "There is no roster chat {code}."},
	"bindgroup.done":    {"本群已登记为「{title}」。", "This group is now bound as “{title}”."},
}
