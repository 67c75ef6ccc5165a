package i18n

// Suggestions: residents' suggestions (二(三)1) and complaints taken by
// phone or mail (七(二)1).
var suggestionsCatalog = map[string]msg{
	"evaluation.suggestions":        {"居民建议:收到 {received} 条,转为案件 {converted} 条,已答复 {answered} 条。", "Residents' suggestions: {received} received, {converted} made cases, {answered} answered."},
	"flow.sgcase":                   {"建议转为案件", "turning a suggestion into a case"},
	"flow.sganswer":                 {"答复建议", "answering a suggestion"},
	"cmd.suggest":                   {"建议:向小巷管家提建议(居民无需账号)", "make a suggestion to the stewards (residents need no account)"},
	"suggestion.empty":              {"请在「建议」后面写下您的建议内容,例如:建议 胡同口加装路灯", "Please write your suggestion after 建议, e.g. 建议 a street light at the alley's mouth"},
	"suggestion.no_words":           {"建议内容只有表情或不可见字符,请用文字写下您的建议。", "The suggestion has only emoji or invisible characters; please write it in words."},
	"suggestion.received":           {"已收到您的建议,编号 {number}。小巷管家会尽快处理,答复会在这里告诉您。", "Your suggestion is received, number {number}. The stewards will look at it; the answer comes here."},
	"suggestion.card":               {"居民建议 {number}\n内容:{text}\n地点:{where}\n时间:{at}", "Residents' suggestion {number}\nText: {text}\nWhere: {where}\nAt: {at}"},
	"notify.suggestion":             {"💡 新的居民建议:\n{card}", "💡 A new suggestion from a resident:\n{card}"},
	"button.suggestion.case":        {"转为案件", "Make a case"},
	"button.suggestion.answer":      {"已答复", "Answer"},
	"button.suggestion.record":      {"记录", "Record"},
	"suggestion.status.new":         {"待处理", "new"},
	"suggestion.status.converted":   {"已转为案件", "made a case"},
	"suggestion.status.answered":    {"已答复", "answered"},
	"suggestion.status.recorded":    {"已记录", "recorded"},
	"suggestion.handled":            {"建议 {number} 已由 {who} 处理({status},{at})。", "Suggestion {number} was handled by {who} ({status}, {at})."},
	"suggestion.not_found":          {"找不到这条建议。", "No such suggestion."},
	"suggestion.deciding":           {"处理建议:\n{card}", "Handling a suggestion:\n{card}"},
	"suggestion.ask.answer":         {"请写下给居民的答复(会发给提建议的居民)。", "Write the answer to the resident (it is sent to them)."},
	"suggestion.ask.alley":          {"这条建议是关于哪条小巷的?", "Which alley is the suggestion about?"},
	"suggestion.done.recorded":      {"建议 {number} 已记录。", "Suggestion {number} recorded."},
	"suggestion.done.answered":      {"建议 {number} 已答复,答复已发给居民。", "Suggestion {number} answered; the resident is told."},
	"suggestion.done.converted":     {"建议 {suggestion} 已转为案件 {number}。", "Suggestion {suggestion} is now case {number}."},
	"resident.suggestion.answered":  {"{name},关于您的建议 {number},答复如下:{text}", "{name}, about your suggestion {number}: {text}"},
	"resident.suggestion.converted": {"{name},您的建议 {suggestion} 已立为案件 {number},可以发送案件编号查看进展。", "{name}, your suggestion {suggestion} is now case {number}; send its number to follow it."},
}
