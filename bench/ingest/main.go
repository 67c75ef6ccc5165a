// Command ingest measures alleybot's ingest speed from outside: it starts a
// built `alleybot serve` as its own process in webhook mode against a fake
// Bot API, drives closed-loop stewards completing whole reports through the
// webhook (each posts a step, waits for the bot's next message to its chat
// at the fake, and posts the next step at once), and prints updates/s,
// reports/s, the time to the next message (p50/p99, at the fake), the serve
// process's peak RSS, and, from pg_stat_statements, pg_stat_database and
// /proc, statements, commits and PostgreSQL CPU milliseconds per update.
// The database must be a throwaway cluster of its own (its CPU is the
// bot's) with pg_stat_statements loaded: bench/ingest.sh makes one.
//
//	go run ./bench/ingest --bin ./alleybot --db-url postgres://…/postgres --stewards 50
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/lib/pq"

	"github.com/alleybot/alleybot/internal/tgload"
)

func main() {
	fs := flag.NewFlagSet("ingest", flag.ExitOnError)
	bin := fs.String("bin", "", "the alleybot binary to run (go build -o … ./cmd/alleybot)")
	dbURL := fs.String("db-url", "", "a superuser URL of a throwaway cluster with pg_stat_statements loaded")
	stewards := fs.Int("stewards", 50, "stewards reporting at once (closed loop, no thinking)")
	duration := fs.Duration("duration", 30*time.Second, "measured time, after the warm-up")
	warmup := fs.Duration("warmup", 5*time.Second, "time before measuring (every steward starts at once)")
	roster := fs.String("roster", "examples/roster.yaml", "the roster to import")
	top := fs.Int("top", 12, "statements to list, by calls")
	conns := fs.Int("conns", 16, "database.max_open_conns of the serve process")
	keepLog := fs.String("serve-log", "", "copy serve's log here at the end (with GODEBUG=gctrace=1 in the environment, the GC's)")
	template := fs.String("template", "", "start from a copy of this database of the cluster (one bench/bigdb loaded) instead of an empty one")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: go run ./bench/ingest --bin FILE --db-url URL [flags]\n\n"+
			"Closed-loop stewards complete reports through the webhook of a separate\n"+
			"`alleybot serve`; prints throughput, latency, peak RSS and the database's\n"+
			"statements, commits and CPU per update. bench/ingest.sh runs it.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	_ = fs.Parse(os.Args[1:])
	if *bin == "" || *dbURL == "" {
		fs.Usage()
		os.Exit(2)
	}
	serveLog = *keepLog
	if err := run(*bin, *dbURL, *template, *roster, *stewards, *conns, *top, *warmup, *duration); err != nil {
		fmt.Fprintln(os.Stderr, "ingest:", err)
		os.Exit(1)
	}
}

var serveLog string

func run(bin, adminURL, template, roster string, stewards, conns, top int, warmup, duration time.Duration) error {
	ctx := context.Background()
	admin, err := sql.Open("postgres", adminURL)
	if err != nil {
		return err
	}
	defer admin.Close()
	const dbName = "alleybot_ingest"
	if _, err := admin.Exec(`DROP DATABASE IF EXISTS ` + dbName + ` WITH (FORCE)`); err != nil {
		return err
	}
	create := `CREATE DATABASE ` + dbName
	if template != "" {
		create += ` TEMPLATE ` + pq.QuoteIdentifier(template)
	}
	if _, err := admin.Exec(create); err != nil {
		return err
	}
	u, err := url.Parse(adminURL)
	if err != nil {
		return err
	}
	u.Path = "/" + dbName
	dsn := u.String()

	dir, err := os.MkdirTemp("", "alleybot-ingest")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	var arrivals tgload.Waiters
	api := httptest.NewServer(&tgload.BotAPI{Username: "load_bot", Sent: func(chat int64, _ string, at time.Time) bool {
		arrivals.Arrived(chat, at)
		return true
	}})
	defer api.Close()
	port, err := freePort()
	if err != nil {
		return err
	}
	const secret = "ingest-secret-0123456789"
	cfgPath := filepath.Join(dir, "config.yaml")
	cfg := fmt.Sprintf(`database:
  url: %q
  max_open_conns: %d
telegram:
  token: "1:ingest"
  api_endpoint: %q
  mode: webhook
  webhook_url: "http://127.0.0.1:%d/telegram/webhook"
  webhook_secret: %q
  pace_private: 1us
  pace_group: 1us
  pace_all: 1us
bot:
  rate_per_minute: 0 # closed-loop stewards send as fast as the bot answers
http:
  listen: "127.0.0.1:%d"
log:
  level: warn
`, dsn, conns, api.URL, port, secret, port)
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		return err
	}
	for _, args := range [][]string{{"migrate"}, {"import", roster}} {
		cmd := exec.Command(bin, append(args, "--config", cfgPath)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("alleybot %s: %v\n%s", args[0], err, out)
		}
	}
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE EXTENSION IF NOT EXISTS pg_stat_statements`); err != nil {
		return fmt.Errorf("pg_stat_statements: %w (the cluster must load it: shared_preload_libraries)", err)
	}
	var sanitation int64
	if err := db.QueryRow(`SELECT id FROM categories WHERE code = 'sanitation'`).Scan(&sanitation); err != nil {
		return err
	}
	// The groups are bound, so each report also posts to the exchange
	// group, the center and the residents.
	if _, err := db.Exec(`INSERT INTO chat_bindings (platform, external_id, chat_id) SELECT 'telegram', '-100' || id, id FROM chats
		ON CONFLICT DO NOTHING`); err != nil {
		return err
	}
	if _, err := db.Exec(`
		WITH p AS (INSERT INTO people (code, name) SELECT 'L' || lpad(i::text, 4, '0'), '压测管家' || i FROM generate_series(0, $1 - 1) i RETURNING id, code),
		     r AS (INSERT INTO person_roles (person_id, role) SELECT id, 'steward' FROM p)
		INSERT INTO identities (platform, external_id, person_id) SELECT 'telegram', (900000 + substr(code, 2)::int)::text, id FROM p`, stewards); err != nil {
		return err
	}

	serve := exec.Command(bin, "serve", "--config", cfgPath)
	logFile, err := os.Create(filepath.Join(dir, "serve.log"))
	if err != nil {
		return err
	}
	serve.Stdout, serve.Stderr = logFile, logFile
	if err := serve.Start(); err != nil {
		return err
	}
	exited := make(chan error, 1)
	go func() { exited <- serve.Wait() }()
	defer func() {
		_ = serve.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(20 * time.Second):
			_ = serve.Process.Kill()
		}
		if serveLog != "" {
			if b, err := os.ReadFile(logFile.Name()); err == nil {
				_ = os.WriteFile(serveLog, b, 0o644)
			}
		}
	}()
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	if err := waitReady(base+"/readyz", exited, 60*time.Second); err != nil {
		logs, _ := os.ReadFile(logFile.Name())
		return fmt.Errorf("%v\n%s", err, logs)
	}

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: stewards}, Timeout: 30 * time.Second}
	hook := base + "/telegram/webhook"
	post := func(body string) error {
		req, _ := http.NewRequest(http.MethodPost, hook, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("webhook answered %d", resp.StatusCode)
		}
		return nil
	}
	updates := tgload.New(30_000_001)

	var measuring atomic.Bool
	var handled, reports, lost, failed atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for s := 0; s < stewards; s++ {
		wg.Add(1)
		go func(user int64) {
			defer wg.Done()
			arrived := arrivals.Wait(user)
			var mine []time.Duration
			defer func() {
				mu.Lock()
				lat = append(lat, mine...)
				mu.Unlock()
			}()
			for {
				steps := updates.Report(user, sanitation, "load-photo")
				for i, body := range steps {
					select {
					case <-stop:
						return
					default:
					}
					for len(arrived) > 0 { // a message that came late for the step before
						<-arrived
					}
					counted := measuring.Load()
					sent := time.Now()
					if err := post(body); err != nil {
						if failed.Add(1) == 1 {
							logs, _ := os.ReadFile(logFile.Name())
							fmt.Fprintf(os.Stderr, "ingest: post: %v\nserve's log:\n%s", err, logs)
						}
						time.Sleep(100 * time.Millisecond)
						continue
					}
					select {
					case at := <-arrived:
						if counted && measuring.Load() {
							mine = append(mine, at.Sub(sent))
							handled.Add(1)
							if i == len(steps)-1 {
								reports.Add(1)
							}
						}
					case <-time.After(30 * time.Second):
						lost.Add(1)
					case <-stop:
						return
					}
				}
			}
		}(int64(900000 + s))
	}

	time.Sleep(warmup)
	pm, err := postmaster(db)
	if err != nil {
		return err
	}
	if _, err := db.Exec(`SELECT pg_stat_statements_reset()`); err != nil {
		return fmt.Errorf("pg_stat_statements: %w (is it in shared_preload_libraries and created?)", err)
	}
	commits0, err := commits(db, dbName)
	if err != nil {
		return err
	}
	cpu0 := pgCPU(pm)
	bot0 := procCPU(serve.Process.Pid)
	me0 := procCPU(os.Getpid())
	busy0, all0 := machineCPU()
	measuring.Store(true)
	start := time.Now()
	time.Sleep(duration)
	measuring.Store(false)
	elapsed := time.Since(start)
	cpu1 := pgCPU(pm)
	bot1 := procCPU(serve.Process.Pid)
	me1 := procCPU(os.Getpid())
	busy1, all1 := machineCPU()
	commits1, err := commits(db, dbName)
	if err != nil {
		return err
	}
	// Statements sent by a client (toplevel); the ones run inside them
	// (foreign-key checks, functions) are counted apart.
	var calls, nested, execMs float64
	if err := db.QueryRow(`SELECT coalesce(sum(calls) FILTER (WHERE toplevel), 0), coalesce(sum(calls) FILTER (WHERE NOT toplevel), 0),
		coalesce(sum(total_exec_time + total_plan_time) FILTER (WHERE toplevel), 0)
		FROM pg_stat_statements`).Scan(&calls, &nested, &execMs); err != nil {
		return err
	}
	type stmt struct {
		calls  float64
		meanMs float64
		planMs float64 // per update
		query  string
	}
	var stmts []stmt
	rows, err := db.QueryContext(ctx, `SELECT calls, mean_exec_time, total_plan_time, left(regexp_replace(query, '\s+', ' ', 'g'), 100)
		FROM pg_stat_statements WHERE toplevel ORDER BY calls DESC LIMIT $1`, top)
	if err != nil {
		return err
	}
	for rows.Next() {
		var s stmt
		if err := rows.Scan(&s.calls, &s.meanMs, &s.planMs, &s.query); err != nil {
			return err
		}
		stmts = append(stmts, s)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rss := peakRSS(serve.Process.Pid)
	close(stop)
	wg.Wait()

	n := float64(handled.Load())
	if n == 0 {
		logs, _ := os.ReadFile(logFile.Name())
		return fmt.Errorf("no update answered in the measured time\n%s", logs)
	}
	slices.Sort(lat)
	q := func(p float64) time.Duration { return lat[int(float64(len(lat)-1)*p)].Round(10 * time.Microsecond) }
	fmt.Printf("stewards %d: %.1f updates/s, %.1f reports/s; next message p50 %v p99 %v; peak RSS %.1f MB\n",
		stewards, n/elapsed.Seconds(), float64(reports.Load())/elapsed.Seconds(), q(0.50), q(0.99), float64(rss)/1024)
	fmt.Printf("  per update: %.2f statements (and %.2f run inside them), %.2f commits, %.2f ms PostgreSQL CPU, %.2f ms alleybot CPU (%d updates in %v; %d lost, %d failed posts)\n",
		calls/n, nested/n, float64(commits1-commits0)/n, (cpu1-cpu0)/n, (bot1-bot0)/n, int(n), elapsed.Round(time.Millisecond), lost.Load(), failed.Load())
	fmt.Printf("  of PostgreSQL's time per update, %.2f ms is planning and running statements (waits for locks included)\n", execMs/n)
	fmt.Printf("  the machine: %.0f%% busy (%d cores); the load generator and fake Bot API (this process) %.2f ms CPU per update\n",
		100*(busy1-busy0)/max(all1-all0, 1), runtime.NumCPU(), (me1-me0)/n)
	for _, s := range stmts {
		fmt.Printf("  %6.3f/update, %6.3f ms each, planning %6.3f ms/update  %s\n", s.calls/n, s.meanMs, s.planMs/n, s.query)
	}
	fmt.Printf("RESULT stewards=%d updates_per_s=%.1f reports_per_s=%.2f p50_ms=%.2f p99_ms=%.2f rss_mb=%.1f stmts=%.2f commits=%.2f pg_cpu_ms=%.3f bot_cpu_ms=%.3f\n",
		stewards, n/elapsed.Seconds(), float64(reports.Load())/elapsed.Seconds(), float64(q(0.5).Microseconds())/1000,
		float64(q(0.99).Microseconds())/1000, float64(rss)/1024, calls/n, float64(commits1-commits0)/n, (cpu1-cpu0)/n, (bot1-bot0)/n)
	return nil
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func waitReady(u string, exited <-chan error, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return fmt.Errorf("alleybot serve exited: %v", err)
		default:
		}
		if resp, err := http.Get(u); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("%s not ready after %v", u, limit)
}

// postmaster finds the cluster's postmaster: the parent of a backend.
func postmaster(db *sql.DB) (int, error) {
	var backend int
	if err := db.QueryRow(`SELECT pg_backend_pid()`).Scan(&backend); err != nil {
		return 0, err
	}
	f, err := statFields(backend)
	if err != nil {
		return 0, fmt.Errorf("the database must run on this machine (/proc): %w", err)
	}
	return strconv.Atoi(f[1])
}

func commits(db *sql.DB, name string) (int64, error) {
	var n int64
	_, _ = db.Exec(`SELECT pg_stat_clear_snapshot()`)
	err := db.QueryRow(`SELECT xact_commit FROM pg_stat_database WHERE datname = $1`, name).Scan(&n)
	return n, err
}

// statFields are /proc/PID/stat's fields after the command name (field 3
// on is index 0 on).
func statFields(pid int) ([]string, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return nil, err
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return nil, fmt.Errorf("odd /proc/%d/stat", pid)
	}
	return strings.Fields(s[i+1:]), nil
}

// pgCPU is the CPU milliseconds of the postmaster and its children, the
// exited ones included (their time is added to the postmaster's cutime and
// cstime when it reaps them).
func pgCPU(pm int) float64 {
	const tick = 10.0 // ms: USER_HZ is 100 on Linux
	ticks := func(f []string, from, to int) float64 {
		var t float64
		for i := from; i <= to && i < len(f); i++ {
			v, _ := strconv.ParseFloat(f[i], 64)
			t += v
		}
		return t
	}
	var total float64
	if f, err := statFields(pm); err == nil {
		total += ticks(f, 11, 14) // utime stime cutime cstime
	}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == pm {
			continue
		}
		f, err := statFields(pid)
		if err != nil || len(f) < 13 || f[1] != strconv.Itoa(pm) {
			continue
		}
		total += ticks(f, 11, 12)
	}
	return total * tick
}

// machineCPU is /proc/stat's busy and total jiffies of all CPUs.
func machineCPU() (busy, all float64) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	for i, v := range f[1:] {
		x, _ := strconv.ParseFloat(v, 64)
		if i >= 8 { // guest time is counted in user already
			break
		}
		all += x
		if i != 3 && i != 4 { // idle, iowait
			busy += x
		}
	}
	return busy, all
}

// procCPU is a process's CPU milliseconds (utime + stime).
func procCPU(pid int) float64 {
	f, err := statFields(pid)
	if err != nil || len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseFloat(f[11], 64)
	s, _ := strconv.ParseFloat(f[12], 64)
	return (u + s) * 10
}

// peakRSS is VmHWM of a process, in kB.
func peakRSS(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			v, _ := strconv.ParseInt(strings.Fields(line)[1], 10, 64)
			return v
		}
	}
	return 0
}
