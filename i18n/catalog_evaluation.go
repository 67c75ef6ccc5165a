package i18n

// The monthly evaluation report (七(一)): chart titles, axes, legends and
// the message that carries the charts. zh-CN titles keep a short English
// name second, for the district's English readers.
var evaluationCatalog = map[string]msg{
	"evaluation.chart.category":          {"{period} 案件数（按类别）Cases by category · 共 {n} 件", "{period} cases by category · {n} in all"},
	"evaluation.chart.alley":             {"{period} 案件数（按小巷）Cases by alley · 共 {n} 件", "{period} cases by alley · {n} in all"},
	"evaluation.chart.hours":             {"{period} 各部门核实、整改用时 Hours to verify / fix", "{period} hours to verify and to fix, by department"},
	"evaluation.chart.rates":             {"{period} 主要比率 Rates", "{period} rates"},
	"evaluation.axis.cases":              {"案件数 Cases", "Cases"},
	"evaluation.axis.hours":              {"小时（自然时间）Hours", "Hours (clock time)"},
	"evaluation.axis.rates":              {"比率 %  ·  本月投诉 {complaints} 件,查实 {upheld} 件", "%  ·  complaints this month: {complaints}, upheld: {upheld}"},
	"evaluation.none.category":           {"未分类 None", "No category"},
	"evaluation.none.alley":              {"未定位到小巷 None", "No alley"},
	"evaluation.legend.verify_median":    {"核实 中位数 Verify median", "Verify, median"},
	"evaluation.legend.verify_p90":       {"核实 P90 Verify p90", "Verify, p90"},
	"evaluation.legend.fix_median":       {"整改 中位数 Fix median", "Fix, median"},
	"evaluation.legend.fix_p90":          {"整改 P90 Fix p90", "Fix, p90"},
	"evaluation.rate.overdue":            {"超期率 Overdue", "Overdue"},
	"evaluation.rate.send_back":          {"复查退回率 Sent back", "Sent back at re-check"},
	"evaluation.rate.returned":           {"退回补充率 Returned", "Returned to supplement"},
	"evaluation.rate.patrols":            {"巡查到岗率 Patrols", "Patrols attended"},
	"evaluation.rate.trainings":          {"培训出勤率 Training", "Training attended"},
	"evaluation.rate.satisfaction":       {"居民满意度 Satisfaction", "Residents' satisfaction"},
	"evaluation.rate.satisfaction_value": {"{avg} / 5({n} 条评价)", "{avg} / 5 ({n} ratings)"},
	"evaluation.message": {"【{period} 月度考评】案件 {cases} 件;超期率 {overdue};复查退回率 {send_back};巡查到岗率 {patrols};培训出勤率 {trainings};居民满意度 {avg}/5({ratings} 条评价);投诉 {complaints} 件(查实 {upheld} 件)。各项图表见下。",
		"[{period} monthly evaluation] {cases} cases; overdue {overdue}; sent back at re-check {send_back}; patrols attended {patrols}; training attended {trainings}; residents' satisfaction {avg}/5 ({ratings} ratings); {complaints} complaints ({upheld} upheld). The charts follow."},
}
