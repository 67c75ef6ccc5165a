package i18n

// The public page for residents (/public/): figures, closed cases, the
// fund ledger. Nothing personal is shown on it.
var publicCatalog = map[string]msg{
	"public.title":       {"小巷管家 · 公开信息", "Alley stewards · public information"},
	"public.subtitle":    {"小巷问题的上报、办理与经费使用，公开接受居民监督。", "How the alleys' problems are reported and fixed, and how the program's funds are used, published for residents to see."},
	"public.lang_switch": {"English 版", "中文版"},
	"public.nav.figures": {"办理情况", "Figures"},
	"public.nav.cases":   {"办结问题", "Closed cases"},
	"public.nav.ledger":  {"经费公开", "Funds"},

	"public.figures.title":    {"本月与上月", "This month and last"},
	"public.month.current":    {"{month}月（截至今天）", "{month} (so far)"},
	"public.month.last":       {"{month}月", "{month}"},
	"public.fig.reported":     {"上报问题", "Problems reported"},
	"public.fig.fixed":        {"办结", "Closed"},
	"public.fig.in_time":      {"按时办结", "Closed in time"},
	"public.fig.satisfaction": {"居民满意度", "Residents' satisfaction"},
	"public.fig.rating":       {"{n} 次评价", "{n} rating(s)"},
	"public.fig.of5":          {"分", "of 5"},
	"public.fig.no_ratings":   {"暂无评价", "No ratings yet"},
	"public.fig.note": {"办结：当月经复核办结或现场解决的问题；按时：在整改时限（含批准的延期）内完成；满意度：居民对办结问题的评分，1 到 5 分。",
		"Closed: problems re-checked and closed (or fixed on the spot) in the month; in time: fixed by the deadline (approved extensions included); satisfaction: residents' scores of closed problems, 1 to 5."},

	"public.cases.title":    {"各小巷最近办结的问题", "Recently closed problems, by alley"},
	"public.cases.none":     {"近 90 天没有办结的问题。", "No problem was closed in the last 90 days."},
	"public.cases.no_alley": {"未定位到小巷", "No alley given"},
	"public.case.reported":  {"上报 {date}", "reported {date}"},
	"public.case.closed":    {"办结 {date}", "closed {date}"},
	"public.case.on_spot":   {"现场解决", "fixed on the spot"},
	"public.case.resident":  {"居民反映的问题（内容不公开）", "Reported by a resident (the text is not published)"},
	"public.case.steward":   {"小巷管家：{name}", "Steward: {name}"},
	"public.photo.before":   {"整改前", "Before"},
	"public.photo.after":    {"整改后", "After"},
	"public.photo.alt":      {"{number} {kind}照片", "{number}: {kind} photo"},

	"public.case.title":      {"问题 {number}", "Case {number}"},
	"public.case.status":     {"状态", "Status"},
	"public.case.alley":      {"小巷", "Alley"},
	"public.case.category":   {"类别", "Kind"},
	"public.case.department": {"负责部门", "Department"},
	"public.case.timeline":   {"办理经过", "How it went"},
	"public.step.reported":   {"上报", "Reported"},
	"public.step.dispatched": {"派单到部门", "Sent to the department"},
	"public.step.verified":   {"部门现场核实", "Verified on site"},
	"public.step.fixed":      {"整改完成", "Fixed"},
	"public.step.closed":     {"管家复核，办结", "Re-checked and closed"},
	"public.back":            {"← 返回公开信息", "← Back to the public page"},
	"public.not_found":       {"没有找到这个页面或问题编号。", "There is no such page or case number."},
	"public.not_found.title": {"未找到", "Not found"},

	"public.ledger.title": {"经费公开", "The program's funds"},
	"public.ledger.soon":  {"账目公开即将上线。", "The fund ledger will be published here soon."},

	"public.privacy": {"本页不公开任何居民的个人信息。", "No resident's personal information is published on this page."},
	"public.updated": {"更新于 {time}", "Updated {time}"},
	"public.error":   {"页面暂时无法显示，请稍后再试。", "The page cannot be shown just now; please try again later."},
}
