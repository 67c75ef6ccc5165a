package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alleybot/alleybot/internal/testdb"
	"github.com/alleybot/alleybot/internal/tgfake"
	"github.com/alleybot/alleybot/internal/wecomfake"
	"github.com/alleybot/alleybot/roster"
	"github.com/alleybot/alleybot/store"
)

// doctorRig is an installation for `alleybot doctor`: a migrated database
// with the example roster, every group bound on Telegram, the Telegram and
// WeCom fakes, and a public URL answering /healthz.
type doctorRig struct {
	t      *testing.T
	st     *store.Store
	tg     *tgfake.Server
	wc     *wecomfake.Server
	dbURL  string
	public string
	// telegram is more of the config's telegram section (two-space
	// indented lines).
	telegram string
}

func newDoctorRig(t *testing.T) *doctorRig {
	t.Helper()
	url := testdb.Fresh(t, true)
	st := testdb.Open(t, url)
	ctx := context.Background()
	if _, err := roster.Import(ctx, st, "../../examples/roster.yaml"); err != nil {
		t.Fatal(err)
	}
	chats, err := st.Chats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range chats {
		if err := st.BindChat(ctx, c.ID, "telegram", fmt.Sprint(-1001000+i)); err != nil {
			t.Fatal(err)
		}
	}
	health := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte("ok\n"))
	}))
	t.Cleanup(health.Close)
	return &doctorRig{t: t, st: st, tg: tgfake.New(t, ""), wc: wecomfake.New(t, wecomfake.Options{}), dbURL: url, public: health.URL}
}

// run writes the config (token: the Telegram token to configure) and runs
// alleybot doctor with it.
func (r *doctorRig) run(token string) (int, string, string) {
	r.t.Helper()
	cfg := fmt.Sprintf(`database:
  url: %s
telegram:
  token: %q
  bot_username: %s
  api_endpoint: %s
%swecom:
  corp_id: %s
  agent_id: "%d"
  secret: %s
  token: %s
  encoding_aes_key: %s
  api_endpoint: %s
http:
  public_url: %s
`, r.dbURL, token, r.tg.Me.UserName, r.tg.URL, r.telegram, wecomfake.DefaultCorpID, wecomfake.DefaultAgentID, wecomfake.DefaultCorpSecret,
		wecomfake.DefaultToken, wecomfake.DefaultEncodingAESKey, r.wc.URL, r.public)
	path := filepath.Join(r.t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		r.t.Fatal(err)
	}
	return alleybot(r.t, "", nil, "doctor", "--config", path)
}

func TestDoctorHealthy(t *testing.T) {
	r := newDoctorRig(t)
	code, out, errs := r.run(r.tg.Token)
	if code != 0 {
		t.Fatalf("exit %d, want 0\n%s%s", code, out, errs)
	}
	for _, want := range []string{
		fmt.Sprintf("schema version %d (this alleybot knows %d)", store.LatestVersion(), store.LatestVersion()),
		"2 communities", "departments", "steward",
		"✓ telegram getMe", "@" + r.tg.Me.UserName,
		"✓ telegram webhook", "none (polling)",
		"✓ wecom gettoken",
		"✓ groups (群)", "all ",
		"✓ public URL", r.public + "/healthz: 200",
		"0 problem(s)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "✗") {
		t.Errorf("a healthy setup has a ✗ line:\n%s", out)
	}
	if r.tg.Calls("getMe") != 1 || r.tg.Calls("getWebhookInfo") != 1 || r.wc.Calls("/cgi-bin/gettoken") != 1 {
		t.Errorf("calls: getMe %d, getWebhookInfo %d, gettoken %d; want one each",
			r.tg.Calls("getMe"), r.tg.Calls("getWebhookInfo"), r.wc.Calls("/cgi-bin/gettoken"))
	}
}

// TestDoctorFindsProblems: an unbound residents' group and a token Telegram
// refuses are each named with what to do, and the exit status is 1.
func TestDoctorFindsProblems(t *testing.T) {
	r := newDoctorRig(t)
	ctx := context.Background()
	c, err := r.st.ChatByCode(ctx, "res-juer")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.st.SQL().ExecContext(ctx, `DELETE FROM chat_bindings WHERE chat_id = $1`, c.ID); err != nil {
		t.Fatal(err)
	}
	code, out, errs := r.run("123:wrong")
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s%s", code, out, errs)
	}
	for _, want := range []string{
		"✗ groups (群)", "not bound", c.Title, "/bindgroup res-juer",
		"✗ telegram getMe", "401 Unauthorized", "telegram.token",
		"2 problem(s)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out+errs, "123:wrong") {
		t.Errorf("the token is printed:\n%s%s", out, errs)
	}
	if r.tg.Calls("getWebhookInfo") != 0 {
		t.Error("getWebhookInfo was asked with a refused token")
	}
}

// TestDoctorWebhookAndBacklog: the webhook Telegram reports (its last error)
// and an old outbox backlog are warnings: exit 0, each line saying so.
func TestDoctorWebhookAndBacklog(t *testing.T) {
	r := newDoctorRig(t)
	ctx := context.Background()
	r.tg.SetWebhookError("Connection refused", time.Date(2026, 12, 5, 2, 0, 0, 0, time.UTC))
	if _, err := r.st.SQL().ExecContext(ctx, `INSERT INTO outbox (platform, chat_id, seq, message, created_at)
		VALUES ('telegram', '-1001000', 1, '{}', now() - interval '1 hour'), ('telegram', '-1001000', 2, '{}', now())`); err != nil {
		t.Fatal(err)
	}
	code, out, errs := r.run(r.tg.Token)
	if code != 0 {
		t.Fatalf("exit %d, want 0 (warnings only)\n%s%s", code, out, errs)
	}
	for _, want := range []string{
		"! outbox (待发)", "2 message(s) waiting, the oldest for 1h0m", "alleybot serve",
		"! telegram webhook", `last error "Connection refused" at 2026-12-05 10:00`,
		"0 problem(s), 2 warning(s)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestDoctorBadConfigAndHelp(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(path, []byte("http:\n  public_url: ftp://x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, _ := alleybot(t, "", nil, "doctor", "--config", path)
	if code != 1 || !strings.Contains(out, "✗ config") || !strings.Contains(out, "http.public_url") || !strings.Contains(out, path) {
		t.Errorf("exit %d, want 1 with a ✗ config line naming http.public_url and %s:\n%s", code, path, out)
	}
	code, out, errs := alleybot(t, "", map[string]string{"DATABASE_URL": "postgres://bob:hunter2@127.0.0.1:1/alleybot?sslmode=disable"}, "doctor")
	if code != 1 || !strings.Contains(out, "✗ database") || !strings.Contains(out, "127.0.0.1:1") || strings.Contains(out+errs, "hunter2") {
		t.Errorf("an unreachable database: exit %d, want 1 with a ✗ database line naming the host, no password:\n%s%s", code, out, errs)
	}
	code, out, _ = alleybot(t, "", nil, "doctor", "--help")
	if code != 0 || !strings.Contains(out, "warnings alone exit 0") || !strings.Contains(out, "-timeout") {
		t.Errorf("doctor --help: exit %d\n%s", code, out)
	}
}

// TestDoctorWebhookElsewhere: in webhook mode, a webhook Telegram has for
// another URL is a problem naming both.
func TestDoctorWebhookElsewhere(t *testing.T) {
	r := newDoctorRig(t)
	r.telegram = "  mode: webhook\n  webhook_url: https://alley.example.org/telegram/webhook\n  webhook_secret: s3cret-s3cret-s3cret\n"
	code, out, errs := r.run(r.tg.Token)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (no webhook registered)\n%s%s", code, out, errs)
	}
	for _, want := range []string{"✗ telegram webhook", `url ""`, `telegram.webhook_url is "https://alley.example.org/telegram/webhook"`, "1 problem(s)"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	resp, err := http.PostForm(r.tg.URL+"/bot"+r.tg.Token+"/setWebhook", map[string][]string{"url": {"https://alley.example.org/telegram/webhook"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if code, out, errs = r.run(r.tg.Token); code != 0 || !strings.Contains(out, `✓ telegram webhook     url "https://alley.example.org/telegram/webhook"`) {
		t.Errorf("with the webhook registered: exit %d, want 0 and a ✓ webhook line\n%s%s", code, out, errs)
	}
}
