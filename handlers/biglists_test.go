package handlers

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/alleybot/alleybot/internal/bigdb"
)

// TestListsSayHowManyMore: on a district with 10,000 cases (1,000 open,
// internal/bigdb), a list shows its first 50 cases and says how many it
// has and how many more wait (「还有 N 件未列出」); /overdue lists the most
// overdue first; /mycases the steward's newest 30 open ones and the rest
// as a count.
func TestListsSayHowManyMore(t *testing.T) {
	w := newWorldAt(t, time.Date(2026, 12, 5, 10, 0, 0, 0, cst))
	c := newCast(t, w)
	if err := bigdb.Load(context.Background(), w.st.DB().DB, 10_000); err != nil {
		t.Fatal(err)
	}
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := w.st.DB().Get(&n, q, args...); err != nil {
			t.Fatal(err)
		}
		return n
	}

	submitted := count(`SELECT count(*) FROM cases WHERE status = 'submitted'`)
	if submitted <= 50 {
		t.Fatalf("%d submitted cases: the list would not be cut", submitted)
	}
	msgs := c.coordinator.text("/queue")
	c.coordinator.expect(fmt.Sprintf("待派单 %d 件", submitted), fmt.Sprintf("还有 %d 件未列出", submitted-50))
	if got := strings.Count(texts(msgs), "D00"); got != 50+50+min(50, count(`SELECT count(*) FROM cases
		WHERE (status = 'dispatched' AND verify_by < $1) OR (status = 'verified' AND fix_by < $1)`, w.now)) {
		t.Errorf("/queue listed %d cases", got)
	}

	var most string
	if err := w.st.DB().Get(&most, `SELECT number FROM cases WHERE status IN ('dispatched', 'verified')
		ORDER BY CASE status WHEN 'dispatched' THEN verify_by ELSE fix_by END, id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	msgs = c.coordinator.text("/overdue")
	if len(msgs) < 2 || !strings.Contains(msgs[1].Text, most) {
		t.Errorf("/overdue begins %q; want the most overdue case %s first", texts(msgs[:min(len(msgs), 2)]), most)
	}

	open := count(`SELECT count(*) FROM cases c JOIN people p ON p.id = c.reporter_id WHERE p.code = 'S01' AND c.closed_at IS NULL`)
	if open <= 30 {
		t.Fatalf("S01 has %d open cases: the list would not be cut", open)
	}
	c.steward.text("/mycases")
	c.steward.expect(fmt.Sprintf("您未办结的案件(%d 件)", open), fmt.Sprintf("还有 %d 件未列出", open-30))
}
