package i18n

// The web desk (package desk): /web's login link, signing in and out,
// the layout every desk page shares.
var webCatalog = map[string]msg{
	"cmd.web":     {"获取网页工作台的登录链接（电脑上办理案件）", "a login link to the web desk (work on cases at a PC)"},
	"web.private": {"登录链接只在与机器人的私聊中发送，请私聊我发送 /web。", "The login link is sent only in a private chat: send /web to me privately."},
	"web.no_url":  {"网页工作台尚未开通（配置中没有 http.listen 或 http.public_url），请联系管理员。", "The web desk is not set up (no http.listen or http.public_url in the config): ask the admin."},
	"web.link": {"网页工作台登录链接（{minutes} 分钟内有效，只能使用一次，仅限您本人，请勿转发）：\n{url}",
		"Your login link to the web desk (valid for {minutes} minutes, once, for you alone; do not forward it):\n{url}"},

	"desk.title":        {"问题受理工作台", "Case desk"},
	"desk.lang_switch":  {"英文 English", "中文 Chinese"},
	"desk.logout":       {"退出", "Sign out"},
	"desk.signed_in_as": {"当前用户：{name}（{roles}）", "Signed in: {name} ({roles})"},
	"desk.nav.queue":    {"待办案件", "Queue"},
	"desk.nav.map":      {"地图", "Map"},
	"desk.footer":       {"与聊天中的按钮是同一套权限和流程：在这里办理，群里同样会收到通知。", "The same permissions and steps as the chat's buttons: what you do here is announced in the groups as well."},

	"desk.login.title":        {"登录网页工作台", "Sign in to the desk"},
	"desk.login.button":       {"登录", "Sign in"},
	"desk.login.how":          {"在与机器人的私聊中发送 /web（网页），打开收到的链接即可登录。链接 10 分钟内有效，只能使用一次。", "Send /web to the bot in a private chat and open the link it sends. A link is valid for 10 minutes, once."},
	"desk.login.expired":      {"这个登录链接已过期（超过 10 分钟）。请在私聊中重新发送 /web 获取新链接。", "This login link has expired (after 10 minutes). Send /web in a private chat for a new one."},
	"desk.login.used":         {"这个登录链接已经用过了，每个链接只能使用一次。请在私聊中重新发送 /web。", "This login link has already been used; each link works once. Send /web in a private chat for a new one."},
	"desk.login.unknown":      {"登录链接无效。请在私聊中发送 /web 获取新链接。", "This login link is not valid. Send /web in a private chat for a new one."},
	"desk.login.no_role":      {"您的角色没有网页工作台（仅限问题受理中心、职能部门、督办人员、管理员和小巷管家）。", "Your role has no desk (the acceptance center, departments, supervisors, admins and stewards only)."},
	"desk.session.ended":      {"您已退出，或登录已过期，请重新登录。", "You are signed out, or your session has expired: sign in again."},
	"desk.session.logged_out": {"已退出网页工作台。", "You have signed out of the desk."},
	"desk.csrf":               {"表单已失效（页面可能已在别处打开或停留过久），没有做任何修改。请刷新页面后再试。", "This form is no longer valid (the page may be stale or opened elsewhere): nothing was changed. Reload the page and try again."},
	"desk.not_found":          {"没有找到这个页面或案件（或您无权查看）。", "No such page or case (or you may not see it)."},
	"desk.error":              {"出错了，没有做任何修改。请稍后再试。", "Something went wrong and nothing was changed. Try again later."},
	"desk.duplicate":          {"这个表单已经提交过，没有重复办理。", "This form was already sent; nothing was done twice."},
	"web.queued":              {"（已另外通知相关人员和群，{n} 条消息）", "({n} more message(s) sent to the people and groups concerned)"},
	"desk.back":               {"返回待办案件", "Back to the queue"},
}
