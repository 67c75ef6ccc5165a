package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alleybot/alleybot/internal/testdb"
	"github.com/alleybot/alleybot/internal/tgfake"
	"github.com/alleybot/alleybot/internal/tgload"
)

// TestThreeServeProcesses (issue 27, 4): three `alleybot serve` processes
// (the built binary, as compose.yaml and the systemd unit run it) on one
// database, Telegram faked at its HTTP boundary. Stewards report through
// the webhook, each step of a report posted to another process in turn.
// Every report makes one case, and every message the outbox sent reaches
// its chat once, in the outbox's order.
func TestThreeServeProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and starts three processes")
	}
	url := testdb.Fresh(t, true)
	env := map[string]string{"DATABASE_URL": url}
	if code, _, errs := alleybot(t, "", env, "import", "../../examples/roster.yaml"); code != 0 {
		t.Fatal(errs)
	}
	st := testdb.Open(t, url)
	db := st.DB()
	var sanitation int64
	if err := db.Get(&sanitation, `SELECT id FROM categories WHERE code = 'sanitation'`); err != nil {
		t.Fatal(err)
	}
	// Every group bound, so the exchange group's and the center's cards go out too.
	if _, err := db.Exec(`INSERT INTO chat_bindings (platform, external_id, chat_id) SELECT 'telegram', '-100' || id, id FROM chats`); err != nil {
		t.Fatal(err)
	}
	const stewards = 6
	for i := 0; i < stewards; i++ {
		if _, err := db.Exec(`
			WITH p AS (INSERT INTO people (code, name) VALUES ($1, $2) RETURNING id),
			     r AS (INSERT INTO person_roles (person_id, role) SELECT id, 'steward' FROM p)
			INSERT INTO identities (platform, external_id, person_id) SELECT 'telegram', $3, id FROM p`,
			fmt.Sprintf("Z3P%03d", i), fmt.Sprintf("三进程管家%03d", i), strconv.Itoa(800000+i)); err != nil {
			t.Fatal(err)
		}
	}

	dir := t.TempDir()
	bin := filepath.Join(dir, "alleybot")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	fake := tgfake.New(t, "")
	fake.AddFile("three-photo", "photos/three.jpg", []byte("\xff\xd8\xff\xe0 three"))
	const secret = "three-three-three-three"
	var hooks []string
	for n := 0; n < 3; n++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		hook := "http://" + addr + "/telegram/webhook"
		cfg := fmt.Sprintf("database:\n  url: %q\ntelegram:\n  token: %q\n  api_endpoint: %q\n  mode: webhook\n  webhook_url: %q\n"+
			"  webhook_secret: %q\n  pace_private: 5ms\n  pace_group: 5ms\n  pace_all: 1ms\nbot:\n  rate_per_minute: 0\n"+
			"jobs:\n  poll_interval: 50ms\n  retry_base: 50ms\nhttp:\n  listen: %q\nlog:\n  level: info\n",
			url, fake.Token, fake.URL, hook, secret, addr)
		path := filepath.Join(dir, fmt.Sprintf("serve%d.yaml", n))
		if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
		logf, err := os.Create(filepath.Join(dir, fmt.Sprintf("serve%d.log", n)))
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, "serve", "--config", path)
		cmd.Stdout, cmd.Stderr = logf, logf
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		t.Cleanup(func() {
			_ = cmd.Process.Signal(os.Interrupt)
			select {
			case <-done:
			case <-time.After(30 * time.Second):
				_ = cmd.Process.Kill()
				<-done
			}
			logf.Close()
			if t.Failed() {
				b, _ := os.ReadFile(logf.Name())
				t.Logf("serve %d log:\n%s", n, b)
			}
		})
		hooks = append(hooks, hook)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	for _, hook := range hooks { // up when /healthz answers
		health := strings.TrimSuffix(hook, "/telegram/webhook") + "/healthz"
		for {
			resp, err := http.Get(health)
			if err == nil {
				resp.Body.Close()
				break
			}
			if ctx.Err() != nil {
				t.Fatalf("%s never answered: %v", health, err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	processed := func(key string) bool {
		var n int
		if err := db.Get(&n, `SELECT count(*) FROM processed_updates WHERE platform = 'telegram' AND update_key = $1`, key); err != nil {
			t.Fatal(err)
		}
		return n == 1
	}
	updates := tgload.New(40_000_001)
	posts := make([]int, 3)
	for i := 0; i < stewards; i++ {
		for k, body := range updates.Report(int64(800000+i), sanitation, "three-photo") {
			p := (i + k) % 3
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, hooks[p], strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("steward %d step %d to serve %d: %d", i, k, p, resp.StatusCode)
			}
			posts[p]++
			// The next step once this one is handled, as a person answers the bot.
			key := strings.TrimSpace(strings.TrimSuffix(strings.SplitN(strings.TrimPrefix(body, `{"update_id": `), ",", 2)[0], ","))
			for !processed(key) {
				if ctx.Err() != nil {
					t.Fatalf("update %s (steward %d step %d, serve %d) never handled", key, i, k, p)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
	}
	// Wait for the outbox to be empty: everything queued is sent (or dropped, a stale question).
	for {
		var pending int
		if err := db.Get(&pending, `SELECT count(*) FROM outbox WHERE state = 'pending'`); err != nil {
			t.Fatal(err)
		}
		if pending == 0 {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("%d messages still pending", pending)
		}
		time.Sleep(50 * time.Millisecond)
	}

	var perReporter []int
	if err := db.Select(&perReporter, `SELECT count(c.id) FROM people p LEFT JOIN cases c ON c.reporter_id = p.id
		WHERE p.code LIKE 'Z3P%' GROUP BY p.id ORDER BY p.id`); err != nil {
		t.Fatal(err)
	}
	if want := slices.Repeat([]int{1}, stewards); !slices.Equal(perReporter, want) {
		t.Errorf("cases per steward %v, want one each %v", perReporter, want)
	}
	// What the outbox sent, per chat in its order, against what each chat
	// got. A scheduler job may queue more meanwhile: compared until they
	// agree (a duplicate or a message out of order never goes away).
	var sent int
	diff := func() string {
		var rows []struct {
			ChatID string `db:"chat_id"`
			Text   string `db:"text"`
		}
		if err := db.Select(&rows, `SELECT chat_id, coalesce(message->>'Text', '') AS text FROM outbox
			WHERE platform = 'telegram' AND state = 'sent' ORDER BY chat_id, seq`); err != nil {
			t.Fatal(err)
		}
		sent = len(rows)
		want := map[int64][]string{}
		for _, r := range rows {
			id, _ := strconv.ParseInt(r.ChatID, 10, 64)
			want[id] = append(want[id], r.Text)
		}
		got := map[int64][]string{}
		for _, m := range fake.Sent() {
			got[m.ChatID] = append(got[m.ChatID], m.Text)
		}
		var b strings.Builder
		for i := 0; i < stewards; i++ {
			if chat := int64(800000 + i); len(want[chat]) == 0 {
				fmt.Fprintf(&b, "steward %d's chat was sent nothing\n", i)
			}
		}
		for chat, w := range want {
			if !slices.Equal(got[chat], w) {
				fmt.Fprintf(&b, "chat %d got %d messages:\n%s\nthe outbox sent %d, in order:\n%s\n", chat, len(got[chat]),
					strings.Join(got[chat], "\n---\n"), len(w), strings.Join(w, "\n---\n"))
			}
		}
		for chat := range got {
			if _, ok := want[chat]; !ok {
				fmt.Fprintf(&b, "chat %d got %d messages the outbox never sent\n", chat, len(got[chat]))
			}
		}
		return b.String()
	}
	for d := diff(); d != ""; d = diff() {
		if ctx.Err() != nil {
			t.Fatal(d)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("%d updates posted to the three processes %v; %d cases; %d messages sent, each once and in order", stewards*8, posts, stewards, sent)
}
