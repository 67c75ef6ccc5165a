package main

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/alleybot/alleybot/internal/pgproxy"
	"github.com/alleybot/alleybot/internal/testdb"
	"github.com/alleybot/alleybot/internal/tgfake"
)

// TestDatabaseOutageLosesNoReport is the hostile tester's 20 s outage on
// the webhook, with the real router and lib/pq: a steward half-way through
// a report sends a photo while PostgreSQL cannot be reached. Every
// delivery is answered 500, however many (Telegram sends it again), and
// nobody is told that something was kept or lost; once the database is
// back the same update is handled, once, and the report goes on.
func TestDatabaseOutageLosesNoReport(t *testing.T) {
	direct := testdb.Fresh(t, true)
	proxy, viaProxy, err := pgproxy.ForURL(direct)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	r := newTgRigOn(t, "webhook", nil, viaProxy)
	check := testdb.Open(t, direct) // the test's own look, past the proxy
	ctx := context.Background()
	if err := r.fake.WaitUntil(ctx, func() bool { u, _ := r.fake.Webhook(); return u != "" }); err != nil {
		t.Fatal("the webhook was never registered")
	}
	const steward = int64(9301)
	deliver := func(u any) int {
		t.Helper()
		status, err := r.fake.PostWebhook(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		return status
	}
	mustOK := func(u any) {
		t.Helper()
		if status := deliver(u); status != http.StatusOK {
			t.Fatalf("delivery answered %d", status)
		}
	}
	r.fake.AddFile("ph-outage", "photos/outage.jpg", []byte(strings.Repeat("P", 4000)))
	mustOK(tgfake.TextUpdate(steward, steward, "/start "+r.invite("S01")))
	r.waitSent(steward, "绑定成功")
	mustOK(tgfake.TextUpdate(steward, steward, "/report"))
	r.waitSent(steward, "请选择问题类别")
	menu := r.fake.Sent()[len(r.fake.Sent())-1]
	mustOK(r.fake.CallbackUpdate(steward, menu.MessageID, steward, menu.Keyboard[0][0].Data))
	r.waitSent(steward, "请发送现场照片")

	photo := tgfake.PhotoUpdate(steward, steward, "ph-outage", 4000, "")
	photo.UpdateID = 777001 // one update, delivered again and again
	proxy.Down()
	saidBefore := len(r.fake.Sent())
	for i := 0; i < 8; i++ { // more than WebhookAttempts (3)
		if status := deliver(photo); status != http.StatusInternalServerError {
			t.Fatalf("delivery %d while the database is away: %d, want 500 (Telegram must send it again)", i+1, status)
		}
	}
	for _, m := range r.fake.Sent()[saidBefore:] {
		t.Errorf("said during the outage: %q", m.Text)
	}
	if err := proxy.Up(); err != nil {
		t.Fatal(err)
	}
	// The pool's connections were reset: the first delivery after may
	// still meet one of them and be answered 500 again, as Telegram would
	// see it; it sends again until a 200.
	status := 0
	for i := 0; i < 5 && status != http.StatusOK; i++ {
		status = deliver(photo)
	}
	if status != http.StatusOK {
		t.Fatalf("after the outage: %d", status)
	}
	r.waitSent(steward, "已收到 1 张照片")
	for _, m := range r.fake.Sent() {
		if strings.Contains(m.Text, "没能处理") || strings.Contains(m.Text, "没有丢失") {
			t.Errorf("the steward was apologised to: %q", m.Text)
		}
	}
	var photos int
	if err := check.DB().Get(&photos, `SELECT count(*) FROM processed_updates WHERE platform = 'telegram' AND update_key = $1`,
		strconv.Itoa(photo.UpdateID)); err != nil {
		t.Fatal(err)
	}
	if photos != 1 {
		t.Errorf("the photo's update was processed %d times", photos)
	}
}
