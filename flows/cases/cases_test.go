package cases

import (
	"strings"
	"testing"
	"time"

	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
	"github.com/alleybot/alleybot/worktime"
)

var cst = time.FixedZone("CST", 8*3600)

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

// TestLifecycleTable: every case button has a row in the state machine,
// every row names known statuses and events, and every flow a button
// starts acts on a state that button may act on.
func TestLifecycleTable(t *testing.T) {
	known := map[model.Status]bool{}
	for _, s := range model.Statuses {
		known[s] = true
	}
	events := map[model.EventKind]bool{}
	for _, e := range model.EventKinds {
		events[e] = true
	}
	for _, a := range Actions {
		if _, ok := model.Lifecycle[a]; !ok {
			t.Errorf("action %s has no row in model.Lifecycle", a)
		}
	}
	for a, tr := range model.Lifecycle {
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
	e := conversations.New(conversations.Deps{}, Domain(Settings{}))
	for _, f := range caseFlows() {
		if f.Action == "" {
			t.Errorf("case flow %s is started by no button", f.Name)
			continue
		}
		if e.FlowFor(f.Action) != f && e.FlowFor(f.Action).Name != f.Name {
			t.Errorf("button %s starts %s, want %s", f.Action, e.FlowFor(f.Action).Name, f.Name)
		}
	}
}

// TestClockInWorkingDays: a fix limit far ahead is said in working days,
// not 135 hours.
func TestClockInWorkingDays(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, cst) // a Friday
	d := &conversations.Deps{Location: cst, Now: func() time.Time { return now }, Calendar: worktime.Default(cst)}
	c := store.CaseView{Case: store.Case{Status: model.StatusVerified}}
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
	c := store.CaseView{Case: store.Case{Number: "2026-000001", Impact: "alley", Status: model.StatusDispatched},
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
