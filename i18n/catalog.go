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
}
