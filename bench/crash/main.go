// Command crash is the kill -9 run of the outbox issue: stewards report
// through the Telegram webhook of two `alleybot serve` processes while one
// of them is killed with SIGKILL (and restarted) several times. Every update
// that does not get its 200 is sent again, to the other process, as
// Telegram would. At the end it prints the reports acknowledged against
// the cases made, duplicate cases, messages delivered, duplicated and out
// of order per chat, and the longest a message waited.
//
//	go run ./bench/crash --help
//
// bench/crash.sh builds alleybot and runs it against the local PostgreSQL.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/alleybot/alleybot/internal/pgproxy"
	"github.com/alleybot/alleybot/internal/tgload"
	"github.com/alleybot/alleybot/store"
)

func main() {
	bin := flag.String("bin", "bin/alleybot", "the alleybot binary (go build -o bin/alleybot ./cmd/alleybot)")
	admin := flag.String("admin-url", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "a PostgreSQL URL that may create databases")
	stewards := flag.Int("stewards", 30, "stewards reporting at once")
	duration := flag.Duration("duration", 90*time.Second, "how long the stewards report")
	kills := flag.Int("kills", 5, "kill -9 this many times, at random moments")
	outage := flag.Duration("outage", 0, "cut the database off this long, once, in the middle of the run (through a loopback proxy: connections reset, new ones refused); with --kills 0, an outage alone")
	think := flag.Duration("think", 300*time.Millisecond, "a steward's pause between steps (up to twice this)")
	keep := flag.Bool("keep", false, "keep the database and the logs afterwards")
	flag.Parse()
	if err := run(*bin, *admin, *stewards, *duration, *kills, *outage, *think, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "crash:", err)
		os.Exit(1)
	}
}

// fake is the Bot API: it notes every message each chat gets, in order.
type fake struct {
	mu    sync.Mutex
	chats map[int64][]arrival
	tgload.Waiters
}

type arrival struct {
	text string
	at   time.Time
}

// sent notes a message as the Bot API gets it (tgload.BotAPI.Sent).
func (f *fake) sent(chat int64, text string, at time.Time) bool {
	f.mu.Lock()
	f.chats[chat] = append(f.chats[chat], arrival{text: text, at: at})
	f.mu.Unlock()
	f.Arrived(chat, at)
	return true
}

// proc is one serve process.
type proc struct {
	name string
	cmd  *exec.Cmd
	hook string
	args []string
	log  *os.File
	up   atomic.Bool
}

func (p *proc) start() error {
	p.cmd = exec.Command(p.args[0], p.args[1:]...)
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	if err := p.cmd.Start(); err != nil {
		return err
	}
	go func() { _ = p.cmd.Wait() }()
	// Ready when /healthz answers.
	u, _ := url.Parse(p.hook)
	for i := 0; i < 200; i++ {
		resp, err := http.Get("http://" + u.Host + "/healthz")
		if err == nil {
			resp.Body.Close()
			p.up.Store(true)
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("%s did not come up (see %s)", p.name, p.log.Name())
}

func (p *proc) kill() {
	p.up.Store(false)
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func run(bin, adminURL string, stewards int, duration time.Duration, kills int, outage, think time.Duration, keep bool) error {
	ctx := context.Background()
	if _, err := os.Stat(bin); err != nil {
		return fmt.Errorf("%s: %w (build it: go build -o bin/alleybot ./cmd/alleybot)", bin, err)
	}
	adminStore, err := store.Open(ctx, adminURL, 2)
	if err != nil {
		return err
	}
	defer adminStore.Close()
	admin := adminStore.DB()
	name := fmt.Sprintf("alleybot_crash_%d", time.Now().Unix())
	if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
		return fmt.Errorf("create database: %w", err)
	}
	if !keep {
		defer admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`) //nolint:errcheck
	}
	u, _ := url.Parse(adminURL)
	u.Path = "/" + name
	dbURL := u.String()
	for _, args := range [][]string{{"migrate"}, {"import", "examples/roster.yaml"}} {
		out, err := exec.Command(bin, append([]string{args[0], "--database-url", dbURL}, args[1:]...)...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("alleybot %s: %v\n%s", args[0], err, out)
		}
	}
	st, err := store.Open(ctx, dbURL, 4)
	if err != nil {
		return err
	}
	defer st.Close()
	db := st.DB()
	var sanitation int64
	if err := db.Get(&sanitation, `SELECT id FROM categories WHERE code = 'sanitation'`); err != nil {
		return err
	}
	if _, err := db.Exec(`INSERT INTO chat_bindings (platform, external_id, chat_id) SELECT 'telegram', '-100' || id, id FROM chats`); err != nil {
		return err
	}
	for i := 0; i < stewards; i++ {
		if _, err := db.Exec(`
			WITH p AS (INSERT INTO people (code, name) VALUES ($1, $2) RETURNING id),
			     r AS (INSERT INTO person_roles (person_id, role) SELECT id, 'steward' FROM p)
			INSERT INTO identities (platform, external_id, person_id) SELECT 'telegram', $3, id FROM p`,
			fmt.Sprintf("K%03d", i), fmt.Sprintf("演练管家%03d", i), strconv.Itoa(700000+i)); err != nil {
			return err
		}
	}

	// The serve processes reach the database through a proxy the run can
	// cut (--outage); the run's own checks go to it directly.
	proxy, serveURL, err := pgproxy.ForURL(dbURL)
	if err != nil {
		return err
	}
	defer proxy.Close()

	f := &fake{chats: map[int64][]arrival{}}
	api := httptest.NewServer(&tgload.BotAPI{Username: "crash_bot", Sent: f.sent})
	defer api.Close()
	dir, err := os.MkdirTemp("", "alleybot-crash-")
	if err != nil {
		return err
	}
	var procs []*proc
	for _, n := range []string{"a", "b"} {
		port, err := freePort()
		if err != nil {
			return err
		}
		p := &proc{name: n, hook: fmt.Sprintf("http://127.0.0.1:%d/telegram/webhook", port)}
		cfgPath := filepath.Join(dir, n+".yaml")
		cfg := fmt.Sprintf("database:\n  url: %q\ntelegram:\n  token: \"1:crash\"\n  api_endpoint: %q\n  mode: webhook\n  webhook_url: %q\n  webhook_secret: \"crash-crash-crash-crash\"\nbot:\n  rate_per_minute: 0\nhttp:\n  listen: \"127.0.0.1:%d\"\nlog:\n  level: info\n",
			serveURL, api.URL, p.hook, port)
		if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
			return err
		}
		p.args = []string{bin, "serve", "--config", cfgPath}
		if p.log, err = os.Create(filepath.Join(dir, n+".log")); err != nil {
			return err
		}
		if err := p.start(); err != nil {
			return err
		}
		procs = append(procs, p)
	}
	fmt.Printf("two serve processes up; logs in %s\n", dir)

	client := &http.Client{Timeout: 20 * time.Second}
	updates := tgload.New(30_000_001)
	var acked, resent atomic.Int64
	// post delivers an update as Telegram does: again and again, to
	// whichever process is up, until one answers 200.
	post := func(body string) {
		for attempt := 0; ; attempt++ {
			up := make([]*proc, 0, 2)
			for _, p := range procs {
				if p.up.Load() {
					up = append(up, p)
				}
			}
			if len(up) > 0 {
				p := up[rand.IntN(len(up))]
				req, _ := http.NewRequest(http.MethodPost, p.hook, strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-Telegram-Bot-Api-Secret-Token", "crash-crash-crash-crash")
				resp, err := client.Do(req)
				if err == nil {
					resp.Body.Close()
					if resp.StatusCode == http.StatusOK {
						return
					}
				}
			}
			resent.Add(1)
			time.Sleep(200 * time.Millisecond)
		}
	}
	steps := func(user int64) []string { return updates.Report(user, sanitation, "crash-photo") }

	start := time.Now()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for s := 0; s < stewards; s++ {
		user := int64(700000 + s)
		ch := f.Wait(user)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				for _, body := range steps(user) {
					select {
					case <-stop:
						return
					default:
					}
					post(body)
					select { // the reply, or give up waiting after a while (a restart)
					case <-ch:
					case <-time.After(15 * time.Second):
					}
					time.Sleep(think + time.Duration(rand.Int64N(int64(think)+1)))
				}
				acked.Add(1)
			}
		}()
	}
	// kill -9 at random moments, alternating, and restart a second later.
	var restarts []time.Time
	for k := 0; k < kills; k++ {
		time.Sleep(duration/time.Duration(kills+1)/2 + time.Duration(rand.Int64N(int64(duration/time.Duration(kills+1)))))
		p := procs[k%2]
		p.kill()
		fmt.Printf("%5.1fs kill -9 %s\n", time.Since(start).Seconds(), p.name)
		time.Sleep(time.Second)
		if err := p.start(); err != nil {
			return err
		}
		restarts = append(restarts, time.Now())
		fmt.Printf("%5.1fs %s restarted\n", time.Since(start).Seconds(), p.name)
	}
	if outage > 0 {
		if rest := duration/2 - time.Since(start); rest > 0 {
			time.Sleep(rest)
		}
		// As when PostgreSQL restarts: the sessions are terminated in the
		// middle of what they do, then nobody can connect for a while.
		if _, err := admin.Exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, name); err != nil {
			return err
		}
		proxy.Down()
		fmt.Printf("%5.1fs database cut off for %v\n", time.Since(start).Seconds(), outage)
		time.Sleep(outage)
		if err := proxy.Up(); err != nil {
			return err
		}
		fmt.Printf("%5.1fs database back\n", time.Since(start).Seconds())
	}
	if rest := duration - time.Since(start); rest > 0 {
		time.Sleep(rest)
	}
	close(stop)
	wg.Wait()
	// Let the private chats' queues drain (the groups', paced at 20 a
	// minute each, take many minutes more): none pending for 3 s in a row.
	quiet := 0
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline) && quiet < 3; {
		var pending int
		if err := db.Get(&pending, `SELECT count(*) FROM outbox WHERE state = 'pending' AND chat_id NOT LIKE '-%'`); err != nil {
			return err
		}
		if pending == 0 {
			quiet++
		} else {
			quiet = 0
		}
		time.Sleep(time.Second)
	}
	for _, p := range procs {
		p.kill()
	}
	return report(ctx, st, f, acked.Load(), resent.Load(), restarts)
}

func report(ctx context.Context, st *store.Store, f *fake, acked, resent int64, restarts []time.Time) error {
	db := st.DB()
	var cases int
	if err := db.GetContext(ctx, &cases, `SELECT count(*) FROM cases`); err != nil {
		return err
	}
	// Every report the stewards finished was acknowledged step by step; a
	// submit handled twice would make more cases than reports, one lost
	// fewer.
	dupCases, lostCases := max(0, cases-int(acked)), max(0, int(acked)-cases)
	// What the outbox says was sent, per chat in sequence order, against
	// what each chat got.
	var rows []struct {
		Platform string    `db:"platform"`
		ChatID   string    `db:"chat_id"`
		Text     string    `db:"text"`
		Created  time.Time `db:"created_at"`
	}
	if err := db.SelectContext(ctx, &rows, `SELECT platform, chat_id, coalesce(message->>'Text', '') AS text, created_at
		FROM outbox WHERE state = 'sent' ORDER BY platform, chat_id, seq`); err != nil {
		return err
	}
	want := map[int64][]string{}
	created := map[int64][]time.Time{}
	for _, r := range rows {
		id, _ := strconv.ParseInt(r.ChatID, 10, 64)
		want[id] = append(want[id], r.Text)
		created[id] = append(created[id], r.Created)
	}
	var states []struct {
		State string `db:"state"`
		N     int    `db:"n"`
	}
	if err := db.SelectContext(ctx, &states, `SELECT state, count(*) AS n FROM outbox GROUP BY state ORDER BY state`); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	delivered, dups, outOfOrder, missing, droppedButSent := 0, 0, 0, 0, 0
	var droppedRows []struct {
		ChatID string `db:"chat_id"`
		Text   string `db:"text"`
	}
	if err := db.SelectContext(ctx, &droppedRows, `SELECT chat_id, coalesce(message->>'Text', '') AS text FROM outbox WHERE state = 'dropped'`); err != nil {
		return err
	}
	dropped := map[int64]map[string]int{}
	for _, r := range droppedRows {
		id, _ := strconv.ParseInt(r.ChatID, 10, 64)
		if dropped[id] == nil {
			dropped[id] = map[string]int{}
		}
		dropped[id][r.Text]++
	}
	var waits []time.Duration
	for chat, got := range f.chats {
		private := chat > 0
		// An immediate repeat is the one message in flight at a kill, sent
		// again by the process that took the chat over.
		var texts []string
		var ats []time.Time
		for i, a := range got {
			if i > 0 && a.text == got[i-1].text {
				dups++
				continue
			}
			texts, ats = append(texts, a.text), append(ats, a.at)
		}
		delivered += len(got)
		// A question the outbox dropped as stale (a newer one followed)
		// may still have gone out once: sent as the database went away,
		// its outcome recorded by whoever took the chat over. It is no
		// disorder: skipped here, and counted.
		w := want[chat]
		var keptTexts []string
		var keptAts []time.Time
		j := 0
		for i, text := range texts {
			if (j >= len(w) || text != w[j]) && dropped[chat][text] > 0 {
				dropped[chat][text]--
				droppedButSent++
				continue
			}
			keptTexts, keptAts = append(keptTexts, text), append(keptAts, ats[i])
			j++
		}
		texts, ats = keptTexts, keptAts
		n := min(len(texts), len(w))
		for i := 0; i < n; i++ {
			if texts[i] != w[i] {
				if outOfOrder == 0 {
					fmt.Printf("chat %d: first difference at message %d of %d delivered (%d marked sent)\n", chat, i+1, len(texts), len(w))
					for j := max(0, i-2); j < min(n, i+3); j++ {
						fmt.Printf("  %d got  %q\n  %d want %q\n", j+1, short(texts[j]), j+1, short(w[j]))
					}
				}
				outOfOrder++
			} else if private {
				waits = append(waits, ats[i].Sub(created[chat][i]))
			}
		}
		if len(w) > len(texts) {
			missing += len(w) - len(texts)
		}
	}
	slices.Sort(waits)
	longest := time.Duration(0)
	p99 := time.Duration(0)
	if len(waits) > 0 {
		longest, p99 = waits[len(waits)-1], waits[int(float64(len(waits)-1)*0.99)]
	}
	fmt.Println("== crash run")
	fmt.Printf("restarts:                       %d\n", len(restarts))
	fmt.Printf("updates sent again (no 200):    %d\n", resent)
	fmt.Printf("reports acknowledged / cases:   %d / %d\n", acked, cases)
	fmt.Printf("duplicate / lost cases:         %d / %d\n", dupCases, lostCases)
	fmt.Printf("outbox:                         %v\n", states)
	fmt.Printf("messages delivered:             %d\n", delivered)
	fmt.Printf("  delivered twice:              %d (the message in flight in a chat, at most one per chat at each kill (%d) or outage)\n", dups, len(restarts))
	fmt.Printf("  out of order:                 %d\n", outOfOrder)
	fmt.Printf("  stale question, sent anyway:  %d (sent as the database went away, then dropped by the next holder)\n", droppedButSent)
	fmt.Printf("  marked sent but not received: %d\n", missing)
	fmt.Printf("private chats, queued → delivered: p99 %v, longest %v (a chat a killed process held waits out its lease)\n",
		p99.Round(time.Millisecond), longest.Round(time.Millisecond))
	var groupsPending int
	_ = db.GetContext(ctx, &groupsPending, `SELECT count(*) FROM outbox WHERE state = 'pending' AND chat_id LIKE '-%'`)
	fmt.Printf("group posts still queued:       %d (20 a minute per group: every report posts to four groups)\n", groupsPending)
	if outOfOrder > 0 || dupCases > 0 || lostCases > 0 || missing > 0 {
		return errors.New("the run broke a guarantee (see above)")
	}
	return nil
}

// short is the start of a message, for a diagnostic line.
func short(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}
