package i18n

// Allowance: the stewards' monthly 工作补贴 (六(二)1), proposed from the
// scorecard and confirmed by the coordinators.
var allowanceCatalog = map[string]msg{
	"button.allowance.confirm":  {"确认补贴", "Confirm allowances"},
	"allowance.no_community":    {"未分配社区", "no community"},
	"allowance.proposal.header": {"💰 {period} 工作补贴(拟)· {community} · {n} 人,合计 {total} 元", "💰 Allowances {period} (proposed) · {community} · {n} stewards, {total} yuan in all"},
	"allowance.proposal.rule":   {"规则:每月 {base} 元 + 每次巡查 {patrol} 元 + 每件被采纳的上报 {report} 元", "Rule: {base} yuan a month + {patrol} per patrol done + {report} per accepted report"},
	"allowance.proposal.cap":    {",每人每月至多 {cap} 元", ", at most {cap} a month each"},
	"allowance.proposal.line":   {"{name}({code}):巡查 {patrols} 次,被采纳上报 {reports} 件 → {amount} 元", "{name} ({code}): {patrols} patrols, {reports} accepted reports → {amount} yuan"},
	"allowance.proposal.capped": {"(已封顶)", " (capped)"},
	"allowance.proposal.footer": {"请核对后点「确认补贴」;确认后的金额进入补贴导出(alleybot report allowance)。", "Check them, then press 确认补贴 (Confirm allowances); confirmed amounts go to the export (alleybot report allowance)."},
	"allowance.confirmed":       {"✅ {by} 确认了 {period} {community} {n} 人的工作补贴,合计 {total} 元。", "✅ {by} confirmed the allowances of {period} for {community}: {n} stewards, {total} yuan in all."},
	"allowance.already":         {"{period} {community} 的工作补贴已由 {by} 于 {at} 确认,不能重复确认。", "The allowances of {period} for {community} were confirmed by {by} at {at}: they cannot be confirmed again."},
	"allowance.none":            {"{period} 没有待确认的工作补贴。", "There are no allowances to confirm for {period}."},
	"allowance.not_yours":       {"您不是{community}的问题受理中心人员,不能确认其工作补贴。", "You are not a coordinator of {community}: you cannot confirm its allowances."},
	"allowance.ledger_purpose":  {"{period} 工作补贴", "{period} allowance"},
}
