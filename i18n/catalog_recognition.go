package i18n

// Recognition: the monthly proposal of stewards to commend (四(二)), which
// the coordinators adjust and confirm.
var recognitionCatalog = map[string]msg{
	"flow.rgedit":                  {"调整月度表彰名单", "adjusting the monthly commendation list"},
	"button.recognition.confirm":   {"确认表彰", "Confirm"},
	"button.recognition.edit":      {"调整名单", "Edit the list"},
	"recognition.card":             {"🏅 {period} 月度表彰建议 · {community}\n以下小巷管家月度考核优秀,建议表彰:", "🏅 Monthly commendation proposal {period} · {community}\nThese stewards were graded excellent; proposed for commendation:"},
	"recognition.card.current":     {"🏅 {period} 月度表彰名单 · {community}(当前):", "🏅 Monthly commendation list {period} · {community} (now):"},
	"recognition.card.edited":      {"🏅 {period} 月度表彰名单 · {community}(已调整),请确认:", "🏅 Monthly commendation list {period} · {community} (adjusted); please confirm:"},
	"recognition.line":             {"{n}. {name} · {total} 分 · {grade}", "{n}. {name} · {total} · {grade}"},
	"recognition.line.unscored":    {"{n}. {name} · 无考核结果", "{n}. {name} · no scorecard"},
	"recognition.list.empty":       {"(名单为空)", "(the list is empty)"},
	"recognition.none":             {"🏅 {period} · {community}:本月无优秀管家,没有表彰建议。", "🏅 {period} · {community}: no steward was graded excellent this month; nothing to commend."},
	"recognition.no_community":     {"未划分社区", "no community"},
	"recognition.not_found":        {"找不到这份表彰建议。", "That commendation proposal was not found."},
	"recognition.not_yours":        {"这份表彰建议属于{community},不在您负责的范围内。", "That proposal is {community}'s, which is not yours to decide."},
	"recognition.already":          {"{period} · {community} 的月度表彰已由 {by} 于 {at} 确认,不能再次确认或调整。", "The monthly commendation {period} · {community} was confirmed by {by} at {at}; it cannot be confirmed or changed again."},
	"recognition.list_empty":       {"名单上没有人,无法确认。请按「调整名单」写上要表彰的小巷管家。", "Nobody is on the list, so there is nothing to confirm. Press \"Edit the list\" to name the stewards to commend."},
	"recognition.ask.names":        {"请输入要表彰的{community}小巷管家姓名(或编号),用逗号或顿号分隔,例如:王秀兰、李建国。这份名单将取代当前名单。", "Type the names (or codes) of the {community} stewards to commend, separated by commas, for example: 王秀兰, 李建国. The list replaces the current one."},
	"recognition.names_required":   {"请至少写一个姓名。", "Please name at least one steward."},
	"recognition.unknown":          {"以下姓名不是{community}的小巷管家:{names}。请重新输入整份名单。", "These are not stewards of {community}: {names}. Please type the whole list again."},
	"recognition.ambiguous":        {"{community}有多位小巷管家叫:{names},请改用编号。", "Several stewards of {community} are called {names}: use their codes."},
	"recognition.reason.excellent": {"{period} 月度考核优秀", "Graded excellent in the monthly assessment {period}"},
	"recognition.reason":           {"{period} 月度表彰", "Monthly commendation {period}"},
	"recognition.announce":         {"🏅 {period} 月度表彰 · {community}:{names}。感谢各位小巷管家的辛勤付出!", "🏅 Monthly commendation {period} · {community}: {names}. Thank you for your hard work!"},
	"recognition.confirmed":        {"已确认 {period} · {community} 的月度表彰:{names}。已记入奖惩记录、私下告知本人,并在工作交流群通报。", "The monthly commendation {period} · {community} is confirmed: {names}. It is in their records, told to each privately and announced in the exchange group."},
}
