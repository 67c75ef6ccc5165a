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

	"public.privacy": {"本页不公开任何居民的个人信息。", "No resident's personal information is published on this page."},
	"public.updated": {"更新于 {time}", "Updated {time}"},
	"public.error":   {"页面暂时无法显示，请稍后再试。", "The page cannot be shown just now; please try again later."},
}

// The fund ledger's section of the public page (the ledger's own
// catalog names kinds and categories).
var publicLedgerCatalog = map[string]msg{
	"public.ledger.show_last":    {"查看上月账目", "Show last month"},
	"public.ledger.show_current": {"查看本月至今", "Show this month so far"},
	"public.ledger.opening":      {"月初余额", "Opening balance"},
	"public.ledger.closing":      {"月末余额", "Closing balance"},
	"public.ledger.income":       {"本月收入", "Income"},
	"public.ledger.spending":     {"本月支出", "Spending"},
	"public.ledger.unit":         {"金额单位：元（账目按分记录，精确无误差）。每一笔都在下面列出。", "Amounts in yuan (kept in fen, exactly). Every entry is listed below."},
	"public.ledger.corrects":     {"更正第 {seq} 笔", "corrects entry {seq}"},
	"public.ledger.hash":         {"哈希", "Hash"},
	"public.ledger.canonical":    {"规范文本与上一笔哈希", "Canonical form and previous hash"},
	"public.ledger.prev_hash":    {"上一笔哈希", "Previous hash"},
	"public.ledger.none":         {"这个月还没有账目。", "No entry in this month yet."},
	"public.ledger.head":         {"链头（第 {seq} 笔的哈希，全部账目的最新一笔）：", "Chain head (the hash of entry {seq}, the latest of all):"},
	"public.ledger.verify.title": {"如何核验", "How to verify"},
	"public.ledger.verify.form": {"每一笔账目按下面的固定顺序写成一行规范文本，字段之间用 | 分隔。金额以分计，日期写作 2026-11-30，没有更正时 corrects 为 0，全街道的账目社区代码为空，凭证照片哈希之间用逗号分隔；文本中的 \\ 写作 \\\\，| 写作 \\|，换行写作 \\n。",
		"Each entry is written as one line of canonical text, its fields in this fixed order separated by |. Amounts are in fen, dates written 2026-11-30, corrects is 0 when the entry corrects none, the community code is empty for the whole district, voucher photo hashes are joined by commas; in the texts \\ is written \\\\, | is \\| and a line break \\n."},
	"public.ledger.verify.steps": {"对这行文字（UTF-8 编码）计算 SHA-256，得到的十六进制值应等于这一笔公布的哈希；每一笔的“上一笔哈希”应等于前一笔的哈希，第 1 笔的是 64 个 0。任何一笔被修改、删除或插入，它和其后各笔的哈希就对不上。请记下链头哈希，下次对照：账目只会向后增加，已公布的哈希不会改变。在电脑上可以这样计算（把规范文本放在引号中）：",
		"Compute the SHA-256 of that line (UTF-8): its hex value must equal the entry's published hash; each entry's previous hash must equal the hash of the entry before it, the first one's is 64 zeros. If any entry is changed, deleted or inserted, its hash and those after it no longer match. Note the chain head and compare it next time: entries are only ever added, a published hash never changes. On a computer (the canonical text in the quotes):"},
}
