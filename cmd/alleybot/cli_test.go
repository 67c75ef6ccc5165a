package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alleybot/alleybot/internal/testdb"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

var dbURL string

func TestMain(m *testing.M) {
	os.Exit(testdb.Main(m, "cmd", func(u string) { dbURL = u }))
}

// alleybot runs the command line in-process with a clean environment.
func alleybot(t *testing.T, stdin string, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) string { return env[k] }
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb, getenv)
	return code, out.String(), errb.String()
}

func TestUsageErrors(t *testing.T) {
	cases := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
		wantOut  string
	}{
		{"no command", nil, 2, "Usage:", ""},
		{"unknown command", []string{"frobnicate"}, 2, `unknown command "frobnicate"`, ""},
		{"unknown flag", []string{"migrate", "--nope"}, 2, "flag provided but not defined: -nope", ""},
		{"help", []string{"--help"}, 0, "", "Commands:"},
		{"command help", []string{"console", "--help"}, 0, "", "-as"},
		{"import without file", []string{"import"}, 2, "import needs exactly one FILE", ""},
		{"migrate with argument", []string{"migrate", "extra"}, 2, "migrate takes no arguments", ""},
		{"a flag after the argument is a flag", []string{"import", "x.yaml", "--nope"}, 2, "flag provided but not defined: -nope", ""},
		{"after -- it is an argument", []string{"migrate", "--", "--nope"}, 2, "migrate takes no arguments", ""},
		{"version", []string{"version"}, 0, "", "alleybot "},
		{"serve help names WeCom", []string{"serve", "--help"}, 0, "", "WeCom callback"},
		{"the usage names WeCom", []string{"--help"}, 0, "", "WeCom"},
		{"a flag before the command", []string{"--config", "/nonexistent.yaml", "version"}, 0, "", "alleybot "},
		{"a flag=value before the command", []string{"--config=/nonexistent.yaml", "version"}, 0, "", "alleybot "},
		{"a flag before the command needs its value", []string{"--config"}, 2, "flag needs an argument: --config", ""},
		{"only the common flags before the command", []string{"--as", "王秀兰", "console"}, 2, "only --config and --database-url", ""},
		{"a flag but no command", []string{"--config", "x.yaml"}, 2, "no command", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := alleybot(t, "", nil, c.args...)
			if code != c.wantCode {
				t.Fatalf("exit %d, want %d; stderr: %s", code, c.wantCode, errs)
			}
			if c.wantCode == 0 && errs != "" {
				t.Errorf("a successful %v wrote to stderr: %q", c.args, errs) // --help: the usage once, on stdout
			}
			if !strings.Contains(errs, c.wantErr) {
				t.Errorf("stderr %q does not contain %q", errs, c.wantErr)
			}
			if !strings.Contains(out, c.wantOut) {
				t.Errorf("stdout %q does not contain %q", out, c.wantOut)
			}
		})
	}
}

func TestConfigErrorsNameKeyAndFile(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name, body string
		want       []string
	}{
		{"unknown key", "database:\n  url: postgres://x@127.0.0.1/db\n  pool: 3\n", []string{"database.pool", "unknown key", ":3"}},
		{"wrong type", "database:\n  max_open_conns: many\n", []string{"database.max_open_conns", "whole number", ":2"}},
		{"bad value", "bot:\n  timezone: Mars/Olympus\n", []string{"bot.timezone", "Mars/Olympus"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "_")+".yaml")
			if err := os.WriteFile(path, []byte(c.body), 0o644); err != nil {
				t.Fatal(err)
			}
			code, _, errs := alleybot(t, "", nil, "migrate", "--config", path)
			if code != 1 {
				t.Fatalf("exit %d, want 1; stderr %s", code, errs)
			}
			for _, w := range append(c.want, path) {
				if !strings.Contains(errs, w) {
					t.Errorf("stderr %q does not contain %q", errs, w)
				}
			}
		})
	}
}

func TestUnreachableDatabaseIsOneLine(t *testing.T) {
	code, _, errs := alleybot(t, "", map[string]string{"DATABASE_URL": "postgres://bob:hunter2@127.0.0.1:1/alleybot?sslmode=disable"}, "migrate")
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	if strings.Contains(errs, "hunter2") {
		t.Errorf("password leaked: %s", errs)
	}
	for _, w := range []string{"127.0.0.1:1", "bob:xxxxx", "DATABASE_URL"} {
		if !strings.Contains(errs, w) {
			t.Errorf("stderr %q does not contain %q", errs, w)
		}
	}
	if n := strings.Count(strings.TrimSpace(errs), "\n"); n != 0 {
		t.Errorf("want one line, got %d lines: %s", n+1, errs)
	}
}

func TestOldSchemaRefused(t *testing.T) {
	url := testdb.Fresh(t, false)
	env := map[string]string{"DATABASE_URL": url}
	for _, args := range [][]string{{"import", "../../examples/roster.yaml"}, {"invite", "王秀兰"}, {"console"}} {
		code, _, errs := alleybot(t, "", env, args...)
		if code != 1 || !strings.Contains(errs, "run `alleybot migrate`") {
			t.Errorf("%v: exit %d, stderr %q; want refusal naming alleybot migrate", args, code, errs)
		}
	}
}

// TestNewerSchemaRefused: migrate on a database a newer alleybot has
// migrated says so and changes nothing, rather than claiming success.
func TestNewerSchemaRefused(t *testing.T) {
	url := testdb.Fresh(t, true)
	st := testdb.Open(t, url)
	if _, err := st.DB().Exec(`INSERT INTO schema_migrations (version, name) VALUES (99, '0099_future.sql')`); err != nil {
		t.Fatal(err)
	}
	code, out, errs := alleybot(t, "", map[string]string{"DATABASE_URL": url}, "migrate")
	if code != 1 || !strings.Contains(errs, "newer than this alleybot") || strings.Contains(out, "schema is at version") {
		t.Errorf("exit %d, stdout %q, stderr %q; want a refusal", code, out, errs)
	}
}

// TestMigrateImportTwice is the check: migrate twice and import twice
// leave the same row counts.
func TestMigrateImportTwice(t *testing.T) {
	url := testdb.Fresh(t, false)
	env := map[string]string{"DATABASE_URL": url}
	counts := func() map[string]int {
		st := testdb.Open(t, url)
		c, err := st.TableCounts(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	code, out, errs := alleybot(t, "", env, "migrate")
	if code != 0 || !strings.Contains(out, "applied 0001_init.sql") {
		t.Fatalf("first migrate: exit %d, out %q, err %q", code, out, errs)
	}
	afterFirst := counts()
	code, out, _ = alleybot(t, "", env, "migrate")
	if code != 0 || strings.Contains(out, "applied") {
		t.Fatalf("second migrate applied something: exit %d, out %q", code, out)
	}
	if got := counts(); !equalCounts(got, afterFirst) {
		t.Fatalf("second migrate changed counts: %v → %v", afterFirst, got)
	}
	code, out, errs = alleybot(t, "", env, "import", "../../examples/roster.yaml")
	if code != 0 {
		t.Fatalf("import: exit %d, %s", code, errs)
	}
	if !strings.Contains(out, "20 people") {
		t.Errorf("import summary %q", out)
	}
	once := counts()
	if once["people"] != 20 || once["alleys"] != 6 || once["communities"] != 2 || once["departments"] != 5 || once["chats"] != 11 {
		t.Errorf("unexpected counts after import: %v", once)
	}
	if code, _, errs = alleybot(t, "", env, "import", "../../examples/roster.yaml"); code != 0 {
		t.Fatalf("second import: exit %d, %s", code, errs)
	}
	if twice := counts(); !equalCounts(once, twice) {
		t.Fatalf("second import changed counts: %v → %v", once, twice)
	}
}

func equalCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestConsolePipe is what the README's run command does: /help and /whoami on
// a pipe print the first steward's commands and name.
func TestConsolePipe(t *testing.T) {
	url := testdb.Fresh(t, true)
	env := map[string]string{"DATABASE_URL": url}
	if code, _, errs := alleybot(t, "", env, "import", "../../examples/roster.yaml"); code != 0 {
		t.Fatal(errs)
	}
	code, out, errs := alleybot(t, "/help\n/whoami\n/lang en\n/help\n/nonsense\n", env, "console")
	if code != 0 {
		t.Fatalf("console exit %d: %s", code, errs)
	}
	for _, w := range []string{
		"王秀兰,您可以使用这些命令:", "/whoami — 查看您的姓名", // zh help
		"姓名:王秀兰", "编号:S01", "帽儿胡同", // whoami
		"Language set to English.", "these are your commands", // en after /lang en
		"There is no command /nonsense",
		"> /whoami", // echoed on a pipe
	} {
		if !strings.Contains(out, w) {
			t.Errorf("console output lacks %q:\n%s", w, out)
		}
	}
	code, out, _ = alleybot(t, "/whoami\n", env, "console", "--as", "杨晓燕")
	if code != 0 || !strings.Contains(out, "问题受理中心") || !strings.Contains(out, "C01") {
		t.Errorf("--as 杨晓燕: exit %d, %s", code, out)
	}
	code, _, errs = alleybot(t, "", env, "console", "--as", "nobody")
	if code != 1 || !strings.Contains(errs, "王秀兰(S01)") {
		t.Errorf("--as nobody: exit %d, want the roster listed: %s", code, errs)
	}
}

func TestInvitePrintsCodeAndLink(t *testing.T) {
	url := testdb.Fresh(t, true)
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(cfg, []byte("telegram:\n  bot_username: alley_test_bot\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"DATABASE_URL": url}
	if code, _, errs := alleybot(t, "", env, "import", "../../examples/roster.yaml"); code != 0 {
		t.Fatal(errs)
	}
	code, out, errs := alleybot(t, "", env, "invite", "--config", cfg, "S02")
	if code != 0 {
		t.Fatalf("invite: %d %s", code, errs)
	}
	if !strings.Contains(out, "李建国") || !strings.Contains(out, "https://t.me/alley_test_bot?start=") {
		t.Errorf("invite output: %s", out)
	}
	// The expiry names its zone unambiguously (not CST: China or US Central?).
	if !regexp.MustCompile(`expires: \d{4}-\d{2}-\d{2} \d{2}:\d{2} \+08:00 \(Asia/Shanghai\)`).MatchString(out) || strings.Contains(out, "CST") {
		t.Errorf("invite expiry: %s", out)
	}
	// Flags may follow the name.
	code, out, errs = alleybot(t, "", env, "invite", "李建国", "--config", cfg)
	if code != 0 || !strings.Contains(out, "https://t.me/alley_test_bot?start=") {
		t.Errorf("invite NAME --config F: %d %s %s", code, out, errs)
	}
	code, _, errs = alleybot(t, "", env, "invite", "nobody")
	if code != 1 || !strings.Contains(errs, "not in the roster") {
		t.Errorf("invite nobody: %d %s", code, errs)
	}
}

// TestUnbindFreesAnAccount: `alleybot unbind NAME` is the administrator's
// deliberate way to move an account: the person's Telegram account is
// removed (their WeCom userid stays), and it can then take another
// person's invitation.
func TestUnbindFreesAnAccount(t *testing.T) {
	url := testdb.Fresh(t, true)
	env := map[string]string{"DATABASE_URL": url}
	if code, _, errs := alleybot(t, "", env, "import", "../../examples/roster.yaml"); code != 0 {
		t.Fatal(errs)
	}
	st := testdb.Open(t, url)
	ctx := context.Background()
	p, err := st.FindPerson(ctx, "C01")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.BindIdentity(ctx, "telegram", "7101", p.ID); err != nil {
		t.Fatal(err)
	}
	code, out, errs := alleybot(t, "", env, "unbind", "C01")
	if code != 0 || !strings.Contains(out, "unbound telegram 7101 from "+p.Name) {
		t.Fatalf("unbind: %d %s %s", code, out, errs)
	}
	if _, err := st.PersonByIdentity(ctx, "telegram", "7101"); err == nil {
		t.Error("the account is still bound after unbind")
	}
	code, out, _ = alleybot(t, "", env, "unbind", "C01")
	if code != 0 || !strings.Contains(out, "has no invited account") {
		t.Errorf("unbind again: %d %s", code, out)
	}
	if code, _, errs := alleybot(t, "", env, "unbind", "nobody"); code != 1 || !strings.Contains(errs, "not in the roster") {
		t.Errorf("unbind nobody: %d %s", code, errs)
	}
}

// TestReportTrainingCSV: `report training --id N --format csv` writes one
// row per invitee with their answer, link open and attendance.
func TestReportTrainingCSV(t *testing.T) {
	url := testdb.Fresh(t, true)
	env := map[string]string{"DATABASE_URL": url}
	if code, _, errs := alleybot(t, "", env, "import", "../../examples/roster.yaml"); code != 0 {
		t.Fatal(errs)
	}
	st := testdb.Open(t, url)
	ctx := context.Background()
	var ids []int64
	_ = st.DB().Select(&ids, `SELECT id FROM people WHERE code IN ('S01', 'S02') ORDER BY code`)
	var trID int64
	err := st.InTx(ctx, func(tx *store.Tx) error {
		var err error
		trID, _, err = tx.CreateTraining(ctx, store.Training{Title: "垃圾分类, 实操", Kind: "lecture",
			StartsAt: time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC), Minutes: 60, Place: "街道办"}, ids)
		if err != nil {
			return err
		}
		if err := tx.SetAnswer(ctx, trID, ids[0], model.AnswerSigned, "", time.Now()); err != nil {
			return err
		}
		if err := tx.SetAnswer(ctx, trID, ids[1], model.AnswerLeave, "有事", time.Now()); err != nil {
			return err
		}
		return tx.SetAttendance(ctx, trID, true, nil, false)
	})
	if err != nil {
		t.Fatal(err)
	}
	code, out, errs := alleybot(t, "", env, "report", "training", "--id", strconv.FormatInt(trID, 10), "--format", "csv")
	if code != 0 {
		t.Fatalf("report: %d %s", code, errs)
	}
	body, bom := strings.CutPrefix(out, "\ufeff")
	if !bom {
		t.Errorf("the csv does not start with a UTF-8 byte order mark (Excel reads it as GBK): %q", out[:min(len(out), 12)])
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0][6] != "answer" || rows[1][4] != "王秀兰" || rows[1][6] != "signed" || rows[1][9] != "true" ||
		rows[2][6] != "leave" || rows[2][7] != "有事" || rows[2][9] != "false" || rows[1][1] != "垃圾分类, 实操" {
		t.Errorf("csv:\n%s", out)
	}
	if code, _, errs := alleybot(t, "", env, "report", "training", "--id", "999"); code != 1 || !strings.Contains(errs, "no training #999") {
		t.Errorf("unknown training: %d %s", code, errs)
	}
	if code, _, errs := alleybot(t, "", env, "report", "training"); code != 2 || !strings.Contains(errs, "--id") {
		t.Errorf("no id: %d %s", code, errs)
	}
}

// TestConsoleWithTelegramGroups: a group bound to Telegram as well prints
// once on the console, and its Telegram copy is queued for serve, which the
// console says.
func TestConsoleWithTelegramGroups(t *testing.T) {
	url := testdb.Fresh(t, true)
	env := map[string]string{"DATABASE_URL": url}
	if code, _, errs := alleybot(t, "", env, "import", "../../examples/roster.yaml"); code != 0 {
		t.Fatal(errs)
	}
	st := testdb.Open(t, url)
	if _, err := st.DB().Exec(`INSERT INTO chat_bindings (platform, external_id, chat_id) SELECT 'telegram', '-100300', id FROM chats WHERE code = 'center'`); err != nil {
		t.Fatal(err)
	}
	script, err := os.ReadFile("../../examples/report.txt")
	if err != nil {
		t.Fatal(err)
	}
	code, out, errs := alleybot(t, strings.ReplaceAll(string(script), "/photo examples/", "/photo ../../examples/"), env, "console")
	if code != 0 {
		t.Fatalf("console: %d %s", code, errs)
	}
	if n := strings.Count(out, "[问题受理中心值班群] 🆕 新案件待派单"); n != 1 {
		t.Errorf("the center's card printed %d times:\n%s", n, out)
	}
	if !strings.Contains(out, "已排队,由 alleybot serve 发往 telegram") {
		t.Errorf("the console did not say what it queued:\n%s", out)
	}
	var queued int
	_ = st.DB().Get(&queued, `SELECT count(*) FROM outbox WHERE platform = 'telegram' AND chat_id = '-100300'`)
	if queued != 1 {
		t.Errorf("%d messages queued for the Telegram group, want 1", queued)
	}
}

// TestFlagsBeforeCommand: the flags every command takes may come before the
// command, as the usage says (`alleybot --config F invite NAME`).
func TestFlagsBeforeCommand(t *testing.T) {
	url := testdb.Fresh(t, false)
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(cfg, []byte("telegram:\n  bot_username: alley_test_bot\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := alleybot(t, "", nil, "--database-url", url, "migrate")
	if code != 0 || !strings.Contains(out, "schema is at version") {
		t.Fatalf("--database-url URL migrate: exit %d, %s %s", code, out, errs)
	}
	env := map[string]string{"DATABASE_URL": url}
	if code, _, errs := alleybot(t, "", env, "import", "../../examples/roster.yaml"); code != 0 {
		t.Fatal(errs)
	}
	code, out, errs = alleybot(t, "", env, "--config", cfg, "invite", "李建国")
	if code != 0 || !strings.Contains(out, "https://t.me/alley_test_bot?start=") {
		t.Errorf("--config F invite NAME: exit %d, %s %s", code, out, errs)
	}
	// A flag given before and after: the later one counts, as with any flag.
	code, out, errs = alleybot(t, "", env, "--config", "/nonexistent.yaml", "invite", "李建国", "--config", cfg)
	if code != 0 || !strings.Contains(out, "alley_test_bot") {
		t.Errorf("--config X invite NAME --config F: exit %d, %s %s", code, out, errs)
	}
}

// TestVersionText: version prints the module version, the commit with its
// time and whether the tree had changes, and the Go version.
func TestVersionText(t *testing.T) {
	info := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/alleybot/alleybot", Version: "v0.0.0-20261205082104-e5ab4eaec3de"},
		Settings: []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: "e5ab4eaec3deac1aaaeb5bd9d75ffd80ceded6f0"},
			{Key: "vcs.time", Value: "2026-12-05T08:21:04Z"}, {Key: "vcs.modified", Value: "true"}}}
	got := versionText(info, true)
	want := "alleybot v0.0.0-20261205082104-e5ab4eaec3de\ncommit  e5ab4eaec3deac1aaaeb5bd9d75ffd80ceded6f0 (2026-12-05T08:21:04Z), with uncommitted changes\ngo      go1.26.8\n"
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	got = versionText(&debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}}, true)
	if !strings.Contains(got, "alleybot (devel)\n") || !strings.Contains(got, "commit  unknown") || !strings.Contains(got, "make build") {
		t.Errorf("without VCS information:\n%s", got)
	}
}

// syncBuffer is a bytes.Buffer safe to read while a command writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServeConsoleOnlyPrintsScheduler: `alleybot serve` with no messenger
// configured prints what the scheduler says (here the day's digest to the
// exchange group) on stdout, one message a line, and says so at the start.
func TestServeConsoleOnlyPrintsScheduler(t *testing.T) {
	url := testdb.Fresh(t, true)
	env := map[string]string{"DATABASE_URL": url}
	if code, _, errs := alleybot(t, "", env, "import", "../../examples/roster.yaml"); code != 0 {
		t.Fatal(errs)
	}
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	body := "http:\n  listen: 127.0.0.1:0\njobs:\n  clock_scan_every: 1s\n  poll_interval: 100ms\nroutine:\n  digest_at: \"00:00\"\n"
	if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--config", cfg}, strings.NewReader(""), &out, &errb, func(k string) string { return env[k] })
	}()
	const want = "[→ 交道口街道小巷管家工作交流群] 📊"
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(out.String(), want) && time.Now().Before(deadline) {
		select {
		case code := <-done:
			t.Fatalf("serve exited %d early; stdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
		case <-time.After(100 * time.Millisecond):
		}
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("serve exited %d on shutdown; stderr:\n%s", code, errb.String())
	}
	got := out.String()
	if !strings.Contains(got, want) {
		t.Fatalf("serve printed no digest to the exchange group; stdout:\n%s\nstderr:\n%s", got, errb.String())
	}
	if !strings.HasPrefix(got, "未配置 Telegram 或企业微信") {
		t.Errorf("serve did not say where the scheduler's messages go:\n%s", got)
	}
	if strings.Contains(got, "level=") {
		t.Errorf("the log went to stdout:\n%s", got)
	}
}
