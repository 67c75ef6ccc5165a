package conversations

import (
	"testing"
	"time"

	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/store"
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
		{"2-30", ""}, {"明天", ""}, {"12-05 下午", ""}, {"", ""}, {"13-01", ""},
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

func TestParseCaseAction(t *testing.T) {
	for _, a := range Actions {
		d := caseData(a, 42, "3")
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
	for _, s := range []string{store.StatusSubmitted, store.StatusDispatched, store.StatusVerified, store.StatusFixed,
		store.StatusClosed, store.StatusReturned, store.StatusMerged} {
		keys = append(keys, "status."+s)
	}
	for _, e := range []string{"submitted", "fixed_on_spot", "dispatched", "returned", "resubmitted", "merged", "duplicate_merged",
		"verified", "not_ours", "progress", "extension_requested", "extension_approved", "extension_refused", "fixed",
		"sent_back", "escalated", "rechecked", "closed", "rated", "reopened"} {
		keys = append(keys, "event."+e)
	}
	for _, a := range Actions {
		keys = append(keys, "action."+a)
	}
	for _, im := range Impacts {
		keys = append(keys, "impact."+im)
	}
	for _, f := range lifecycleFlows() {
		keys = append(keys, f.Title)
	}
	keys = append(keys, "plan.now", "plan.by_date", "extension.pending", "extension.approved", "extension.refused", reportFlow().Title)
	for _, k := range keys {
		if !i18n.Has(k) {
			t.Errorf("no catalog text for %s", k)
		}
	}
}
