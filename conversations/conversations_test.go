package conversations

import (
	"strings"
	"testing"
	"time"

	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/store"
	"github.com/alleybot/alleybot/worktime"
)

var cst = time.FixedZone("CST", 8*3600)

func TestParseDay(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, cst)
	cases := []struct {
		in   string
		want string // "" = refused
	}{
		{"2026-12-05", "2026-12-05"}, {"2026/12/5", "2026-12-05"}, {"12-05", "2026-12-05"}, {"12/5", "2026-12-05"},
		{"12月5日", "2026-12-05"}, {"12月5号", "2026-12-05"}, {"2027年1月15日", "2027-01-15"},
		{"1-15", "2027-01-15"},  // more than half a year behind: next year's
		{"11-20", "2026-11-20"}, // a week ago stays this year's (and is refused as past by the flow)
		{"2-30", ""}, {"12-05 下午", ""}, {"", ""}, {"13-01", ""},
		// Full-width forms as a Chinese keyboard types them.
		{"12／5", "2026-12-05"}, {"１２－０５", "2026-12-05"}, {"２０２６．１２．５", "2026-12-05"}, {"12月5日。", "2026-12-05"},
	}
	for _, c := range cases {
		got, ok := ParseDay(c.in, now, cst)
		if c.want == "" {
			if ok {
				t.Errorf("ParseDay(%q) = %v, want refused", c.in, got)
			}
			continue
		}
		if !ok || got.Format("2006-01-02") != c.want {
			t.Errorf("ParseDay(%q) = %v %v, want %s", c.in, got, ok, c.want)
		}
	}
}

// TestParseDayWords: days in words, counted from Friday 2026-11-27 in
// Beijing (the grammar in dates.go).
func TestParseDayWords(t *testing.T) {
	friday := time.Date(2026, 11, 27, 10, 0, 0, 0, cst)
	// Late at night in Beijing is already the next day in UTC terms of the
	// day before: the words count Beijing's days, whatever zone now is in.
	lateUTC := time.Date(2026, 11, 26, 17, 30, 0, 0, time.UTC) // Friday 01:30 in Beijing
	yearEnd := time.Date(2026, 12, 28, 10, 0, 0, 0, cst)       // a Monday
	cases := []struct {
		now  time.Time
		in   string
		want string // "" = refused
	}{
		{friday, "今天", "2026-11-27"}, {friday, "明天", "2026-11-28"}, {friday, "后天", "2026-11-29"}, {friday, "大后天", "2026-11-30"},
		{friday, "明日", "2026-11-28"}, {friday, "Tomorrow", "2026-11-28"}, {friday, "today", "2026-11-27"},
		{friday, "the day after tomorrow", ""}, {friday, "day after tomorrow", "2026-11-29"},
		{lateUTC, "明天", "2026-11-28"}, {lateUTC, "周五", "2026-11-27"},
		// A bare weekday is the next one, today included.
		{friday, "周五", "2026-11-27"}, {friday, "周六", "2026-11-28"}, {friday, "周一", "2026-11-30"}, {friday, "星期天", "2026-11-29"},
		{friday, "礼拜三", "2026-12-02"}, {friday, "周日", "2026-11-29"}, {friday, "friday", "2026-11-27"}, {friday, "Mon", "2026-11-30"},
		// 本周 / 下周 / 下下周: weeks from Monday to Sunday.
		{friday, "下周一", "2026-11-30"}, {friday, "下周五", "2026-12-04"}, {friday, "下个星期三", "2026-12-02"}, {friday, "下礼拜日", "2026-12-06"},
		{friday, "下下周一", "2026-12-07"}, {friday, "本周一", "2026-11-23"}, {friday, "这周日", "2026-11-29"},
		{friday, "next monday", "2026-11-30"}, {friday, "next friday", "2026-12-04"}, {friday, "this wednesday", "2026-11-25"},
		// In N days.
		{friday, "3天后", "2026-11-30"}, {friday, "三天后", "2026-11-30"}, {friday, "十天以后", "2026-12-07"}, {friday, "in 10 days", "2026-12-07"},
		{friday, "三天以后", "2026-11-30"}, {friday, "12.5", "2026-12-05"},
		// Chinese numbers, a day alone, "by".
		{friday, "十二月八日", "2026-12-08"}, {friday, "十二月二十一号", "2026-12-21"}, {friday, "12月8日前", "2026-12-08"},
		{friday, "周五之前", "2026-11-27"}, {friday, "by friday", "2026-11-27"}, {friday, "8号", "2026-12-08"}, {friday, "27号", "2026-11-27"},
		{friday, "31号", "2026-12-31"}, {friday, "二十九日", "2026-11-29"},
		// English months.
		{friday, "dec 8", "2026-12-08"}, {friday, "Dec. 8th", "2026-12-08"}, {friday, "8 December", "2026-12-08"}, {friday, "jan 3", "2027-01-03"},
		// Across the year's end.
		{yearEnd, "下周一", "2027-01-04"}, {yearEnd, "1月3日", "2027-01-03"}, {yearEnd, "后天", "2026-12-30"}, {yearEnd, "5号", "2027-01-05"},
		{yearEnd, "周日", "2027-01-03"},
		// Refused: not a day, or not only a day.
		{friday, "明天吧", ""}, {friday, "下周", ""}, {friday, "周八", ""}, {friday, "三天前", ""}, {friday, "999天后", ""},
		{friday, "十三月一日", ""}, {friday, "next month", ""}, {friday, "monthly", ""}, {friday, "明天下午2点", ""}, {friday, "32号", ""},
		{friday, "二月三十日", ""},
	}
	for _, c := range cases {
		got, ok := ParseDay(c.in, c.now, cst)
		if c.want == "" {
			if ok {
				t.Errorf("ParseDay(%q) = %v, want refused", c.in, got)
			}
			continue
		}
		if !ok || got.Format("2006-01-02") != c.want || got.Hour() != 12 {
			t.Errorf("ParseDay(%q) at %v = %v %v, want %s", c.in, c.now, got, ok, c.want)
		}
	}
}

// TestParseWhen: a day and a time of day, as a trainer types it.
func TestParseWhen(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, cst)
	cases := []struct {
		in   string
		want string // "" = refused
	}{
		{"12-05 14:00", "2026-12-05 14:00"}, {"12月5日 14:30", "2026-12-05 14:30"}, {"１２－０５　１４：００", "2026-12-05 14:00"},
		{"12-05 14点", "2026-12-05 14:00"}, {"12月5日 14点30分", "2026-12-05 14:30"}, {"12-05 14.00", "2026-12-05 14:00"},
		{"12月8日下午2点", "2026-12-08 14:00"}, {"12月8日 下午2点", "2026-12-08 14:00"}, {"明天下午两点半", "2026-11-28 14:30"},
		{"下周一 9:00", "2026-11-30 09:00"}, {"下周一上午9点", "2026-11-30 09:00"}, {"后天晚上8点", "2026-11-29 20:00"},
		{"周五下午三点一刻", "2026-11-27 15:15"}, {"中午12点", "2026-11-27 12:00"}, {"中午1点", "2026-11-27 13:00"},
		{"下午3点", "2026-11-27 15:00"}, {"15:00", "2026-11-27 15:00"}, {"十二月八日上午十点", "2026-12-08 10:00"}, {"下周一上午九点", "2026-11-30 09:00"}, {"at 2:30 pm", "2026-11-27 14:30"},
		{"tomorrow 2pm", "2026-11-28 14:00"}, {"tomorrow at 2:30 pm", "2026-11-28 14:30"}, {"next monday 9am", "2026-11-30 09:00"},
		{"12-05", ""}, {"明天", ""}, {"12-05 25:00", ""}, {"13pm", ""}, {"12-05 下午", ""}, {"12-05 14:00 以后", ""}, {"", ""},
	}
	for _, c := range cases {
		got, ok := ParseWhen(c.in, now, cst)
		if c.want == "" {
			if ok {
				t.Errorf("ParseWhen(%q) = %v, want refused", c.in, got)
			}
			continue
		}
		if !ok || got.Format("2006-01-02 15:04") != c.want {
			t.Errorf("ParseWhen(%q) = %v %v, want %s", c.in, got, ok, c.want)
		}
	}
}

func TestParseCaseAction(t *testing.T) {
	for _, a := range Actions {
		d := CaseAction{Action: a, ID: 42, Arg: "3"}.Data()
		if len(d) > 64 {
			t.Errorf("%s: %d bytes, over Telegram's 64", d, len(d))
		}
		got, ok := ParseCaseAction(d)
		if !ok || got.Action != a || got.ID != 42 || got.Arg != "3" {
			t.Errorf("ParseCaseAction(%q) = %+v %v", d, got, ok)
		}
	}
	for _, bad := range []string{"", "c:", "c:fly:1", "c:pass:x", "category|1", "x:pass:1"} {
		if _, ok := ParseCaseAction(bad); ok {
			t.Errorf("ParseCaseAction(%q) accepted", bad)
		}
	}
}

// TestCodesHaveText: every status, event, action, impact and plan code a
// person can meet has a catalog text, so no raw code reaches them.
func TestCodesHaveText(t *testing.T) {
	var keys []string
	for _, s := range store.Statuses {
		keys = append(keys, "status."+string(s))
	}
	for _, e := range store.EventKinds {
		keys = append(keys, "event."+string(e))
	}
	for _, a := range Actions {
		keys = append(keys, "action."+string(a))
	}
	for _, im := range Impacts {
		keys = append(keys, "impact."+im)
	}
	for _, f := range caseFlows() {
		keys = append(keys, f.Title)
	}
	keys = append(keys, "plan.now", "plan.by_date", "extension.pending", "extension.approved", "extension.refused", reportFlow().Title)
	for _, k := range keys {
		if !i18n.Has(k) {
			t.Errorf("no catalog text for %s", k)
		}
	}
}

// TestLifecycleTable: every case button has a row in the state machine,
// every row names known statuses and events, and every flow a button
// starts acts on a state that button may act on.
func TestLifecycleTable(t *testing.T) {
	known := map[store.Status]bool{}
	for _, s := range store.Statuses {
		known[s] = true
	}
	events := map[store.EventKind]bool{}
	for _, e := range store.EventKinds {
		events[e] = true
	}
	for _, a := range Actions {
		if _, ok := store.Lifecycle[a]; !ok {
			t.Errorf("action %s has no row in store.Lifecycle", a)
		}
	}
	for a, tr := range store.Lifecycle {
		if len(tr.From) == 0 {
			t.Errorf("%s: acts on no status", a)
		}
		for _, s := range tr.From {
			if !known[s] {
				t.Errorf("%s: unknown from-status %q", a, s)
			}
		}
		if tr.To != "" && !known[tr.To] {
			t.Errorf("%s: unknown to-status %q", a, tr.To)
		}
		if !events[tr.Event] {
			t.Errorf("%s: unknown event %q", a, tr.Event)
		}
	}
	e := New(Deps{})
	for _, f := range caseFlows() {
		if f.Action == "" {
			t.Errorf("case flow %s is started by no button", f.Name)
			continue
		}
		if e.byAction[f.Action] != f && e.byAction[f.Action].Name != f.Name {
			t.Errorf("button %s starts %s, want %s", f.Action, e.byAction[f.Action].Name, f.Name)
		}
	}
}

func TestVisible(t *testing.T) {
	for in, want := range map[string]int{
		"井盖坏了":                         4,
		"\u200b\u200b\u200b\u200b":     0, // four zero-width spaces
		" \t\u3000\u200d\ufeff\u202e ": 0,
		"a\u200bb":                     2,
	} {
		if got := Visible(in); got != want {
			t.Errorf("Visible(%q) = %d, want %d", in, got, want)
		}
	}
}

// TestClockInWorkingDays: a fix limit far ahead is said in working days,
// not 135 hours.
func TestClockInWorkingDays(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, cst) // a Friday
	d := &Deps{Location: cst, Now: func() time.Time { return now }, Calendar: worktime.Default(cst)}
	c := store.CaseView{Case: store.Case{Status: store.StatusVerified}}
	c.FixBy.Time, c.FixBy.Valid = d.Calendar.Add(now, 135*time.Hour), true
	if got := Clock(i18n.ZH, d, c); !strings.Contains(got, "工作时间还剩 18 个工作日左右") {
		t.Errorf("clock: %q", got)
	}
	c.FixBy.Time = d.Calendar.Add(now, 3*time.Hour)
	if got := Clock(i18n.ZH, d, c); !strings.Contains(got, "工作时间还剩 3 小时") {
		t.Errorf("clock: %q", got)
	}
}

// TestCaseSummaryEnglishNames: an English reader gets the roster's name_en
// for the community and the department.
func TestCaseSummaryEnglishNames(t *testing.T) {
	c := store.CaseView{Case: store.Case{Number: "2026-000001", Impact: "alley", Status: store.StatusDispatched},
		AlleyName: "帽儿胡同", CommunityName: "南锣鼓巷社区", CommunityNameEn: "Nanluoguxiang", DepartmentName: "交道口街道环卫所",
		DepartmentNameEn: "Subdistrict Sanitation Station"}
	en := CaseSummary(i18n.EN, cst, c)
	if !strings.Contains(en, "Nanluoguxiang") || !strings.Contains(en, "Subdistrict Sanitation Station") || strings.Contains(en, "环卫所") {
		t.Errorf("English summary: %q", en)
	}
	if zh := CaseSummary(i18n.ZH, cst, c); !strings.Contains(zh, "交道口街道环卫所") {
		t.Errorf("Chinese summary: %q", zh)
	}
}
