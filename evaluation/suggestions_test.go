package evaluation_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/alleybot/alleybot/assessment"
	"github.com/alleybot/alleybot/evaluation"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/internal/testdb"
	"github.com/alleybot/alleybot/store"
)

// TestMonthlySuggestions: the month's figures count the residents'
// suggestions received in it, those made cases and those answered (one
// of October and one of December are not counted), in the CSV and the
// text too.
func TestMonthlySuggestions(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t, testdb.Fresh(t, true))
	loc, _ := time.LoadLocation("Asia/Shanghai")
	nov, _ := assessment.Parse("2026-11")
	at := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 10, 0, 0, 0, loc) }
	file := func(when time.Time, status string) {
		s, err := st.CreateSuggestion(ctx, store.NewSuggestion{Text: "建议加装路灯", Platform: "telegram", UserID: "8001", ChatID: "8001", At: when})
		if err != nil {
			t.Fatal(err)
		}
		if status != "new" {
			if err := st.DecideSuggestion(ctx, s.ID, status, "好", 0, 0, when.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
	}
	file(at(10, 31), "answered")
	for _, s := range []string{"new", "answered", "answered", "recorded", "converted", "new"} {
		file(at(11, 3), s)
	}
	file(time.Date(2026, 11, 30, 23, 59, 0, 0, loc), "answered")
	file(at(12, 1), "answered")

	rep, err := evaluation.Compute(ctx, &st.Queries, nov, loc, at(12, 5))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := rep.Suggestions, (store.SuggestionCounts{Received: 7, Converted: 1, Answered: 3}); got != want {
		t.Errorf("suggestions %+v, want %+v", got, want)
	}
	csv := string(rep.CSV())
	for _, line := range []string{"2026-11,suggestions,,,received,7", "2026-11,suggestions,,,converted,1", "2026-11,suggestions,,,answered,3"} {
		if !strings.Contains(csv, line) {
			t.Errorf("the CSV lacks %q", line)
		}
	}
	if got := rep.SuggestionsText(i18n.ZH); got != "居民建议:收到 7 条,转为案件 1 条,已答复 3 条。" {
		t.Errorf("text %q", got)
	}
}
