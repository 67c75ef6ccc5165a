package i18n

// Offline complaints: taken by a coordinator by phone, letter or visit
// (七(二)1, /complain_for).
var offlineCatalog = map[string]msg{
	"flow.complainfor":              {"代录投诉", "recording a complaint"},
	"cmd.complain_for":              {"代录电话、来信、来访投诉", "record a complaint received by phone, letter or visit"},
	"complaint.channel.phone":       {"电话", "phone"},
	"complaint.channel.mail":        {"来信", "letter"},
	"complaint.channel.visit":       {"来访", "visit"},
	"complaint.offline.ask.channel": {"投诉是怎么收到的?", "How did the complaint come in?"},
	"complaint.offline.ask.name":    {"投诉人的姓名?(只有督办和管理员能看到)", "The caller's name? (seen by the supervisors and admins only)"},
	"complaint.offline.ask.phone":   {"投诉人的电话?(手机或座机,用于回访)", "The caller's phone? (mobile or landline, for the call-back)"},
	"complaint.offline.ask.what":    {"投诉的内容是什么?", "What is the complaint?"},
	"complaint.offline.ask.where":   {"在哪条小巷?", "Which alley?"},
	"complaint.offline.bad_phone":   {"「{phone}」不是有效的电话号码:请填写 11 位手机号(如 13812345678)或座机号(如 010-64012345)。", "“{phone}” is not a phone number: give an 11-digit mobile (e.g. 13812345678) or a landline (e.g. 010-64012345)."},
	"complaint.offline.filed":       {"已登记{channel}投诉,编号 {number},已交受理中心。", "The {channel} complaint is recorded, number {number}, and sent to the acceptance center."},
	"complaint.offline.hidden":      {"{channel}投诉(投诉人信息仅督办可见)", "by {channel} (the caller is shown to the supervisors only)"},
	"complaint.offline.caller":      {"{channel}投诉:{name},电话 {phone}", "by {channel}: {name}, phone {phone}"},
	"complaint.offline.call_back":   {"投诉 {number} 是电话或来信收到的,无法自动通知:答复已记为电话回访。", "Complaint {number} came by phone or letter and cannot be sent to: the answer is recorded as a call-back."},
	"complaint.offline.case":        {"已立为案件 {number}", "made case {number}"},
	"complaint.offline.answered":    {"电话回访({at}):{text}", "Call-back ({at}): {text}"},
}
