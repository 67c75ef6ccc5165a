package i18n

// Scores: the stewards' scorecards (seed 四(一)).
var scoresCatalog = map[string]msg{
	"cmd.myscore":           {"我的考核:出勤、上报、效率、满意度及其依据(可加考核期,如 2026-11、2026-Q4)", "your assessment: attendance, reports, efficiency, satisfaction and the counts behind them (a period may follow: 2026-11, 2026-Q4)"},
	"cmd.scores":            {"考核排名:本社区小巷管家的考核结果(可加考核期,默认上个月)", "the assessment ranking of your communities' stewards (a period may follow; default: last month)"},
	"score.bad_period":      {"“{period}”不是考核期。请写月份 2026-11、季度 2026-Q4 或年份 2026。", "\"{period}\" is not a period. Write a month 2026-11, a quarter 2026-Q4 or a year 2026."},
	"score.future":          {"{period} 还没有到,不能查看考核。", "{period} is in the future: there is no assessment yet."},
	"score.not_ended":       {"{period} 还没有结束({end} 结束),结束后才计算考核。", "{period} has not ended (it ends {end}); it is assessed once it has."},
	"score.none":            {"{period} 没有您的考核结果(考核期结束后计算)。", "There is no assessment of yours for {period} (periods are assessed once they end)."},
	"score.header":          {"📊 {period} 考核:{total} 分 · {grade}", "📊 Assessment {period}: {total} · {grade}"},
	"score.attendance":      {"出勤 {score} 分:巡查 {done}/{scheduled} 次{detail},培训到场 {attended}/{invited} 次", "Attendance {score}: patrols {done}/{scheduled}{detail}, trainings attended {attended}/{invited}"},
	"score.patrol_detail":   {"(迟到 {late},范围外 {outside})", " (late {late}, outside the radius {outside})"},
	"score.reports":         {"上报 {score} 分:上报 {cases} 件(当场解决 {spot} 件),被采纳 {accepted} 件(未退回、未作为重复合并)", "Reports {score}: {cases} reported ({spot} fixed on the spot), {accepted} accepted (not returned, not merged as duplicates)"},
	"score.efficiency":      {"效率 {score} 分:复查 {rechecks} 次,其中 {intime} 次在整改后 {within} 小时内;按时办结 {closed}/{due} 件", "Efficiency {score}: {rechecks} re-checks, {intime} within {within} hours of the fix; closed in time {closed}/{due}"},
	"score.satisfaction":    {"满意度 {score} 分:居民平均评分 {avg}({ratings} 次),被查实的投诉 {complaints} 件", "Satisfaction {score}: residents' average rating {avg} ({ratings} ratings), upheld complaints {complaints}"},
	"score.computed":        {"(第 {revision} 次计算,{at},{by})", "(computation {revision}, {at}, {by})"},
	"score.by_scheduler":    {"考核期结束后自动计算", "computed when the period ended"},
	"score.by_person":       {"{name} 重新计算:{reason}", "recomputed by {name}: {reason}"},
	"score.grade.excellent": {"优秀", "excellent"},
	"score.grade.good":      {"良好", "good"},
	"score.grade.pass":      {"合格", "pass"},
	"score.grade.fail":      {"不合格", "fail"},
	"scores.none":           {"{period} 还没有考核结果。", "There are no assessments for {period} yet."},
	"scores.header":         {"🏅 {period} 考核排名({n} 人):", "🏅 Assessment ranking {period} ({n}):"},
	"scores.line":           {"{rank}. {name} · {community} · {total} 分 · {grade}", "{rank}. {name} · {community} · {total} · {grade}"},
}
