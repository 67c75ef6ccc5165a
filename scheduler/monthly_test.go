package scheduler_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"os"
	"strings"
	"testing"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/config"
	"github.com/alleybot/alleybot/evaluation"
	"github.com/alleybot/alleybot/scheduler"
)

// TestMonthlyReportSent (七(一)): once November has ended, the
// coordinators' group and the exchange group get the month's text and its
// four charts as stored photos, once; the next scan sends nothing more.
func TestMonthlyReportSent(t *testing.T) {
	if _, err := os.Stat(config.DefaultReportFont); err != nil {
		t.Skipf("no CJK font (scripts/fonts.sh installs it): %v", err)
	}
	font, err := evaluation.LoadFont(config.DefaultReportFont)
	if err != nil {
		t.Fatal(err)
	}
	r := newPingRig(t) // one case, 2026-11-27
	ctx := context.Background()
	c, _ := r.st.ChatByCode(ctx, "center")
	if err := r.st.BindChat(ctx, c.ID, "telegram", "-1003"); err != nil {
		t.Fatal(err)
	}
	s, err := scheduler.New(r.st, scheduler.Options{InsertOnly: true, Pings: r.opts,
		Routine: scheduler.RoutineOptions{SummaryAt: -1, DigestAt: -1},
		Reports: scheduler.ReportOptions{Monthly: true, Font: font}})
	if err != nil {
		t.Fatal(err)
	}
	scan := func(now string) map[string][]bot.Message {
		t.Helper()
		r.set(now)
		if err := s.ScanRoutines(ctx); err != nil {
			t.Fatal(err)
		}
		var raw []string
		if err := r.st.DB().Select(&raw, `DELETE FROM outbox RETURNING message::text`); err != nil {
			t.Fatal(err)
		}
		out := map[string][]bot.Message{}
		for _, a := range raw {
			var m bot.Message
			if err := json.Unmarshal([]byte(a), &m); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(m.Text, "2026-11") {
				out[m.ChatID] = append(out[m.ChatID], m)
			}
		}
		return out
	}
	if got := scan("2026-11-30 23:50"); len(got) > 0 {
		t.Errorf("November not ended: %v", got)
	}
	got := scan("2026-12-01 00:05")
	for _, chat := range []string{"-1003", "-1001"} {
		ms := got[chat]
		if len(ms) != 5 || !strings.Contains(ms[0].Text, "【2026-11 月度考评】案件 1 件") {
			t.Fatalf("%s was told %d messages: %+v", chat, len(ms), ms)
		}
		for _, m := range ms[1:] {
			if m.Photo == nil || m.Photo.PhotoID == 0 {
				t.Fatalf("%s: %q has no stored photo", chat, m.Text)
			}
			b, mime, err := r.st.PhotoBytes(ctx, m.Photo.PhotoID)
			if err != nil || mime != "image/png" {
				t.Fatalf("photo %d: %v %s", m.Photo.PhotoID, err, mime)
			}
			if img, err := png.Decode(bytes.NewReader(b)); err != nil || img.Bounds().Dx() < 600 {
				t.Errorf("%q: %v", m.Text, err)
			}
		}
	}
	if len(got) != 2 {
		t.Errorf("sent to %d chats, want the coordinators' and the exchange group", len(got))
	}
	if again := scan("2026-12-01 00:10"); len(again) > 0 {
		t.Errorf("sent twice: %v", again)
	}
}
