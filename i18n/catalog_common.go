package i18n

// Common: greeting and binding, help, who am I, roles, language, the
// commands and input the bot does not take, the console, the flow engine,
// dates and lists, and errors.
var commonCatalog = map[string]msg{
	// Greeting and binding.
	"start.welcome": {
		"您好,{name}!我是小巷管家助手。发送 /help 查看您可以使用的命令。",
		"Hello, {name}! I am the alley steward assistant. Send /help to see the commands you can use.",
	},
	"start.bound": {
		"绑定成功!您好,{name}({roles})。今后在这里上报问题、签到巡查。发送 /help 查看命令。",
		"You are now linked. Hello, {name} ({roles}). Report problems and check in on patrols here. Send /help for the commands.",
	},
	"start.unbound.wecom": {
		"您好!您的企业微信账号({userid})还不在小巷管家名册里,暂时不能使用。请联系街道管理员({admins})把您加入名册。",
		"Hello! Your WeCom account ({userid}) is not in the alley steward roster yet. Please ask the subdistrict administrator ({admins}) to add you.",
	},

	"console.unfinished":        {"(输入结束时,{name}的「{flow}」还没有完成;草稿已保存,下次可以接着做,或发送 /cancel 取消。)", "(Input ended with {name}'s {flow} unfinished; the draft is kept: go on next time, or send /cancel.)"},
	"role.who.steward":          {"小巷管家", "a steward"},
	"role.who.coordinator":      {"问题受理中心", "the acceptance center"},
	"role.who.department":       {"职能部门", "a department member"},
	"role.who.trainer":          {"培训员", "a trainer"},
	"role.who.supervisor":       {"督导", "a supervisor"},
	"role.who.admin":            {"管理员", "an administrator"},
	"role.who.assessor":         {"考核小组", "the assessment group"},
	"serve.console_only":        {"未配置 Telegram 或企业微信:调度器发给控制台里的人和群的消息(超时提醒、巡查提醒、每日简报等)打印在这里,每条一行:[→ 群名或人名] 内容。", "No Telegram or WeCom configured: what the scheduler sends to the console's people and groups (deadline pings, patrol reminders, the daily digest …) prints here, one message a line: [→ group or person] text."},
	"console.queued":            {"(另有 {n} 条消息已排队,由 alleybot serve 发往 {platforms})", "({n} more message(s) queued for alleybot serve to send on {platforms})"},
	"link.unknown":              {"这个链接无效或已过期。", "This link is not valid."},
	"names.more":                {"{names} 等 {n} 人", "{names} and others ({n} in all)"},
	"role.resident":             {"居民", "resident"},
	"console.as_resident":       {"名册里没有 {name},现在以居民身份发言(可以发送「投诉」)。名册里的人:{names}", "{name} is not in the roster; now speaking as a resident (send \"complain\"). In the roster: {names}"},
	"console.as_resident.again": {"名册里没有 {name},现在以居民身份发言(可以发送「投诉」)。", "{name} is not in the roster; now speaking as a resident (send \"complain\")."},
	"resident.welcome": {
		"您好,这里是小巷管家。发送「帮助」查看可以办理的事项;发送案件编号(如 2026-000012)查询办理进度。",
		"Hello, this is the alley steward service. Send \"help\" to see what you can do here; send a case number (like 2026-000012) to see how it is going.",
	},
	"resident.help": {
		"居民可以在这里:\n· 发送「投诉」向问题受理中心反映小巷里的问题或工作人员(无需账号,可以匿名)\n· 发送案件编号(如 2026-000012)查询办理进度,发送投诉编号(如 T2026-000003)查询您的投诉\n· 发送「联系方式」查看投诉电话和信箱\n· 对办结的问题评价(办结通知里的按钮)\n小巷问题也可以直接告诉您所在小巷的小巷管家。",
		"Residents can, here:\n· send \"complain\" (/complain) to tell the acceptance center about a problem in an alley or about the staff (no account needed; anonymous if you like)\n· send a case number (like 2026-000012) to see how it is going, or your complaint's number (like T2026-000003)\n· send /contact for the complaint hotline and mailbox\n· rate a closed case (the buttons under its closing notice)\nYou can also tell your alley's steward about a problem directly.",
	},
	"resident.staff": {
		"(小巷管家和工作人员:请向管理员索取邀请链接,点开即可绑定账号。)",
		"(Stewards and staff: ask your administrator for an invitation link; opening it links your account.)",
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
	"invite.bound_other": {
		"这个账号已绑定为 {name}({roles}),这个邀请码是给 {other} 的,所以没有换绑,您的身份不变。\n如果确实要把这个账号改为 {other}({name} 将不再使用这个账号):{minutes} 分钟内回复「{word}」;或请管理员运行 alleybot unbind {code},再打开邀请链接。",
		"This account is linked to {name} ({roles}); this invitation code is for {other}, so nothing changed and you are still {name}.\nIf this account really should become {other}'s ({name} will no longer use it): reply “{word}” within {minutes} minutes, or ask an administrator to run alleybot unbind {code} and open the invitation link again.",
	},
	"invite.rebind.word": {"确认换绑", "confirm rebind"},
	"invite.rebind.none": {
		"没有待确认的换绑。要换绑,请先打开对方的邀请链接(或发送 /start 邀请码)。",
		"There is no account move waiting to be confirmed. Open the other person's invitation link (or send /start CODE) first.",
	},
	"invite.rebound": {"这个账号已从 {old} 换绑过来;{old} 不再使用这个账号。", "This account has moved from {old}; {old} no longer uses it."},
	"rate.limited": {
		"您的操作太频繁了,请 {seconds} 秒后再试;在此之前您发的消息和按的按钮都不会被处理。",
		"You are sending too much too fast. Please try again in {seconds} seconds; until then your messages and button presses are not handled.",
	},
	"rate.limited.named": {
		"{name},您的操作太频繁了,请 {seconds} 秒后再试;在此之前您发的消息和按的按钮都不会被处理。",
		"{name}, you are sending too much too fast. Please try again in {seconds} seconds; until then your messages and button presses are not handled.",
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
	"role.assessor":    {"考核小组", "assessment group"},
	"role.scoped":      {"{role}({scope})", "{role} ({scope})"},
	"weekday.1":        {"周一", "Mon"},
	"weekday.2":        {"周二", "Tue"},
	"weekday.3":        {"周三", "Wed"},
	"weekday.4":        {"周四", "Thu"},
	"weekday.5":        {"周五", "Fri"},
	"weekday.6":        {"周六", "Sat"},
	"weekday.7":        {"周日", "Sun"},
	"weekday.all":      {"每天", "daily"},
	"weekday.work":     {"工作日", "weekdays"},

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
		"抱歉,这条消息没能处理(问题已记录,管理员会查看)。请稍后重新发送这条消息。",
		"Sorry, this message could not be handled (the problem was logged for the administrators). Please send it again shortly.",
	},
	"console.retrying": {
		"数据库暂时连不上,这一行已保留,恢复后自动继续…",
		"The database cannot be reached for now; this line is kept and goes on by itself once it is back…",
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
	"console.ambiguous":       {"名册里有几位 {name}:{names}。请用括号里的编号代替姓名。", "Several people are called {name}: {names}. Use the code in brackets instead of the name."},
	"console.no_group":        {"名册里没有「{title}」这个群。可选:{titles}", "There is no group \"{title}\" in the roster. Choose from: {titles}"},
	"console.as_usage":        {"用法:/as 姓名或编号", "Usage: /as NAME or CODE"},
	"console.photo_usage":     {"用法:/photo 图片路径", "Usage: /photo PATH"},
	"console.photo_error":     {"无法读取图片 {path}:{err}", "Cannot read the image {path}: {err}"},
	"console.photo_not_image": {"{path} 不是图片({type}),没有发送。", "{path} is not a picture ({type}); not sent."},
	"console.photo_large": {
		"图片 {path} 有 {size},超过 {max} 的上限,请压缩后再发。",
		"The image {path} is {size}, over the {max} limit; please send a smaller one.",
	},
	"console.loc_usage":  {"用法:/loc 纬度,经度(例如 /loc 39.9366,116.4034)", "Usage: /loc LAT,LON (for example /loc 39.9366,116.4034)"},
	"console.no_buttons": {"没有可按的按钮:{input}", "There is no button to press: {input}"},

	// Commands of the report flow and queries.
	"cmd.back":      {"回到上一步", "go back one step"},
	"cmd.bindgroup": {"在群里发送,把本群登记为名册中的群:/bindgroup 群编号", "send in a group to bind it to a roster chat: /bindgroup CODE"},

	// The flow engine.
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
	"button.done":   {"完成", "Done"},
	"button.submit": {"提交", "Submit"},
	"button.edit":   {"修改", "Edit"},
	"button.cancel": {"取消", "Cancel"},

	// Binding a group chat.
	"bindgroup.usage":   {"用法:在群里发送 /bindgroup 群编号(名册 chats 里的 code)。", "Usage: send /bindgroup CODE in the group (the code from the roster's chats)."},
	"bindgroup.private": {"请在要登记的群里发送这个命令。", "Send this command in the group you want to bind."},
	"bindgroup.unknown": {"名册里没有群编号 {code}。", "There is no roster chat {code}."},
	"bindgroup.done":    {"本群已登记为「{title}」。", "This group is now bound as “{title}”."},

	// The case lifecycle.
	"flow.generic":         {"操作", "action"},
	"flow.moved_private":   {"{name},请在与我的私聊中继续{flow}。", "{name}, please continue the {flow} in your private chat with me."},
	"flow.not_your_button": {"这个按钮是给别人的。", "That button is for someone else."},
	"button.skip":          {"跳过", "Skip"},
	"duration.none":        {"不到 1 分钟", "under a minute"},
	"duration.m":           {"{m} 分钟", "{m} min"},
	"duration.h":           {"{h} 小时", "{h} h"},
	"duration.hm":          {"{h} 小时 {m} 分", "{h} h {m} min"},
	"duration.workdays":    {"{n} 个工作日左右", "about {n} working days"},
}
