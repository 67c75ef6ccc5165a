package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/alleybot/alleybot/config"
	"github.com/alleybot/alleybot/store"
)

// doctorSummary is `alleybot doctor --help`'s text.
const doctorSummary = "check the installation on one screen (体检): the config, the database and its schema version, the roster's counts, " +
	"each messenger's credentials (Telegram getMe and getWebhookInfo, WeCom gettoken), the bound groups (绑定的群), " +
	"the outbox backlog, overdue clocks (超时) and the public URL's /healthz. Each line is ✓ (fine), ✗ (a problem) or ! (a warning), " +
	"what was checked, what was found and, for a problem, what to do. " +
	"Exit status 0 when there is no problem (warnings alone exit 0), 1 when any line is ✗."

// doctorWarnBacklog is how old the oldest pending outbox message may be
// before the backlog is a warning.
const doctorWarnBacklog = 10 * time.Minute

func doctorFlags(fs *flag.FlagSet) {
	fs.Duration("timeout", 5*time.Second, "how long each network check (Telegram, WeCom, the public URL) may take")
}

// doctor collects the lines of `alleybot doctor`.
type doctor struct {
	w               io.Writer
	problems, warns int
}

func (d *doctor) line(mark, what, found, todo string) {
	switch mark {
	case "✗":
		d.problems++
	case "!":
		d.warns++
	}
	fmt.Fprintf(d.w, "%s %s %s\n", mark, pad(what, doctorColumn), found)
	if todo != "" {
		fmt.Fprintf(d.w, "  %s → %s\n", pad("", doctorColumn), todo)
	}
}

// detail is a line under a check's line (one missing group of several):
// it is not counted again.
func (d *doctor) detail(what, found, todo string) {
	fmt.Fprintf(d.w, "    %s %s\n", pad(what, doctorColumn-2), found)
	if todo != "" {
		fmt.Fprintf(d.w, "  %s → %s\n", pad("", doctorColumn), todo)
	}
}

// doctorColumn is the width of the "what was checked" column.
const doctorColumn = 20

// pad pads s with spaces to width terminal columns, a CJK character
// taking two.
func pad(s string, width int) string {
	w := 0
	for _, r := range s {
		w++
		if r >= 0x1100 && (r <= 0x115f || (r >= 0x2e80 && r <= 0xa4cf) || (r >= 0xac00 && r <= 0xd7a3) ||
			(r >= 0xf900 && r <= 0xfaff) || (r >= 0xfe30 && r <= 0xfe4f) || (r >= 0xff00 && r <= 0xff60) || (r >= 0xffe0 && r <= 0xffe6)) {
			w++
		}
	}
	if w >= width {
		return s
	}
	return s + strings.Repeat(" ", width-w)
}

func (d *doctor) ok(what, found string)         { d.line("✓", what, found, "") }
func (d *doctor) bad(what, found, todo string)  { d.line("✗", what, found, todo) }
func (d *doctor) warn(what, found, todo string) { d.line("!", what, found, todo) }

// errDoctor is the doctor's exit 1: its lines have said why.
var errDoctor = errors.New("problems found (the ✗ lines above)")

func cmdDoctor(e *env, fs *flag.FlagSet, common *commonFlags) error {
	if fs.NArg() > 0 {
		return usageError{"doctor takes no arguments"}
	}
	timeout, _ := time.ParseDuration(fs.Lookup("timeout").Value.String())
	d := &doctor{w: e.stdout}
	fmt.Fprintln(e.stdout, "alleybot doctor — 体检")
	cfg, err := loadConfig(e, common)
	file := orDefault(cfg.File, "(no config file: defaults and environment)")
	if err != nil {
		d.bad("config", err.Error(), "fix the key named above in "+orDefault(cfg.File, "config.yaml")+" (see config.example.yaml)")
		return d.finish()
	}
	d.ok("config", file+": valid")
	client := &http.Client{Timeout: timeout}
	ctx := e.ctx

	st, err := store.Open(ctx, cfg.Database.URL, 2)
	if err != nil {
		d.bad("database", err.Error(), "start PostgreSQL or correct database.url in "+file+" (or $DATABASE_URL)")
	} else {
		defer st.Close()
		if d.schema(ctx, st) {
			db := st.SQL()
			d.roster(ctx, db)
			d.groups(ctx, db)
			d.outbox(ctx, db)
			d.clocks(ctx, db)
		}
	}
	d.telegram(ctx, client, cfg, file)
	d.wecom(ctx, client, cfg, file)
	d.publicURL(ctx, client, cfg, file)
	return d.finish()
}

func (d *doctor) finish() error {
	fmt.Fprintf(d.w, "\n%d problem(s), %d warning(s)\n", d.problems, d.warns)
	if d.problems > 0 {
		return errDoctor
	}
	return nil
}

// schema reports the database's schema version; it says whether the
// other database checks can run.
func (d *doctor) schema(ctx context.Context, st *store.Store) bool {
	have, err := st.SchemaVersion(ctx)
	if err != nil {
		d.bad("database", "reachable, but the schema version cannot be read: "+err.Error(), "check the database user's rights")
		return false
	}
	want := store.LatestVersion()
	found := fmt.Sprintf("reachable, schema version %d (this alleybot knows %d)", have, want)
	switch {
	case have < want:
		d.bad("database", found, "run `alleybot migrate` (数据库迁移); the roster, groups, outbox and clocks are checked after it")
		return false
	case have > want:
		d.bad("database", found, "the database is newer than this binary: upgrade alleybot")
		return true
	}
	d.ok("database", found)
	return true
}

func (d *doctor) roster(ctx context.Context, db *sql.DB) {
	var communities, alleys, departments int
	err := db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM communities), (SELECT count(*) FROM alleys), (SELECT count(*) FROM departments)`).
		Scan(&communities, &alleys, &departments)
	if err != nil {
		d.bad("roster", err.Error(), "run `alleybot migrate`, then `alleybot import roster.yaml`")
		return
	}
	rows, err := db.QueryContext(ctx, `SELECT r.role, count(DISTINCT r.person_id) FROM person_roles r JOIN people p ON p.id = r.person_id
		WHERE p.active GROUP BY r.role ORDER BY count(DISTINCT r.person_id) DESC, r.role`)
	if err != nil {
		d.bad("roster", err.Error(), "")
		return
	}
	defer rows.Close()
	var roles []string
	for rows.Next() {
		var role string
		var n int
		if err := rows.Scan(&role, &n); err != nil {
			d.bad("roster", err.Error(), "")
			return
		}
		roles = append(roles, fmt.Sprintf("%d %s", n, role))
	}
	if err := rows.Err(); err != nil {
		d.bad("roster", err.Error(), "")
		return
	}
	found := fmt.Sprintf("people: %s; %d communities, %d alleys, %d departments", orDefault(strings.Join(roles, ", "), "none"),
		communities, alleys, departments)
	if len(roles) == 0 || communities == 0 {
		d.bad("roster (名册)", found, "import the roster: `alleybot import roster.yaml` (see examples/roster.yaml)")
		return
	}
	d.ok("roster (名册)", found)
}

// groups lists the groups the regulation needs — the exchange group
// (工作交流群), the center's (受理中心), each department's and each
// community's residents' group — and which are bound to a messenger
// (/bindgroup CODE in the group).
func (d *doctor) groups(ctx context.Context, db *sql.DB) {
	rows, err := db.QueryContext(ctx, `
		WITH want (kind, key, name) AS (
			VALUES ('exchange', 0::bigint, '工作交流群 exchange group'), ('coordinators', 0::bigint, '受理中心 center''s group')
			UNION ALL SELECT 'department', id, name FROM departments
			UNION ALL SELECT 'resident', id, name FROM communities
		)
		SELECT w.kind, coalesce(c.title, w.name), coalesce(c.code, ''),
			coalesce((SELECT string_agg(b.platform, '+' ORDER BY b.platform) FROM chat_bindings b WHERE b.chat_id = c.id), '')
		FROM want w
		LEFT JOIN LATERAL (SELECT c.id, c.code, c.title FROM chats c WHERE c.kind = w.kind
			AND (w.key = 0 OR (w.kind = 'department' AND c.department_id = w.key) OR (w.kind = 'resident' AND c.community_id = w.key))
			ORDER BY (SELECT count(*) FROM chat_bindings b WHERE b.chat_id = c.id) DESC, c.id LIMIT 1) c ON true
		ORDER BY array_position(ARRAY['exchange', 'coordinators', 'department', 'resident'], w.kind), w.key`)
	if err != nil {
		d.bad("groups (群)", err.Error(), "")
		return
	}
	defer rows.Close()
	bound, total := 0, 0
	var noChat, unbound []string
	for rows.Next() {
		var kind, name, code, platforms string
		if err := rows.Scan(&kind, &name, &code, &platforms); err != nil {
			d.bad("groups (群)", err.Error(), "")
			return
		}
		total++
		switch {
		case code == "" && kind == "resident":
			name += " residents' group 居民群"
		case code == "" && kind == "department":
			name += " group"
		}
		switch {
		case code == "":
			noChat = append(noChat, name)
		case platforms == "":
			unbound = append(unbound, name+" ("+code+")")
		default:
			bound++
		}
	}
	if err := rows.Err(); err != nil {
		d.bad("groups (群)", err.Error(), "")
		return
	}
	if len(noChat)+len(unbound) == 0 {
		d.ok("groups (群)", fmt.Sprintf("all %d bound", total))
		return
	}
	d.bad("groups (群)", fmt.Sprintf("%d of %d bound", bound, total), "")
	for _, n := range unbound {
		d.detail("✗ not bound", n, "add the bot to the group; a coordinator sends /bindgroup "+n[strings.LastIndex(n, "(")+1:len(n)-1]+" there (绑定群)")
	}
	for _, n := range noChat {
		d.detail("✗ not in roster", n, "add it under chats: in the roster YAML, `alleybot import` it, then /bindgroup CODE in the group")
	}
}

func (d *doctor) outbox(ctx context.Context, db *sql.DB) {
	var n int
	var oldest sql.NullTime
	var now time.Time
	err := db.QueryRowContext(ctx, `SELECT count(*), min(created_at), now() FROM outbox WHERE state = 'pending'`).Scan(&n, &oldest, &now)
	if err != nil {
		d.bad("outbox (待发)", err.Error(), "")
		return
	}
	if n == 0 {
		d.ok("outbox (待发)", "nothing waiting to be sent")
		return
	}
	age := now.Sub(oldest.Time).Round(time.Second)
	found := fmt.Sprintf("%d message(s) waiting, the oldest for %s", n, age)
	if age > doctorWarnBacklog {
		d.warn("outbox (待发)", found, "is `alleybot serve` running? Its log says why sends fail (a 429, a 403, the network)")
		return
	}
	d.ok("outbox (待发)", found)
}

func (d *doctor) clocks(ctx context.Context, db *sql.DB) {
	var verify, fix int
	err := db.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM cases WHERE status = 'dispatched' AND verify_by < now()),
		(SELECT count(*) FROM cases WHERE status = 'verified' AND fix_by < now())`).Scan(&verify, &fix)
	if err != nil {
		d.bad("clocks (时限)", err.Error(), "")
		return
	}
	if verify+fix == 0 {
		d.ok("clocks (时限)", "no case overdue")
		return
	}
	d.warn("clocks (时限)", fmt.Sprintf("%d case(s) overdue (超时): %d not verified in time, %d not fixed in time", verify+fix, verify, fix),
		"the center follows them up: /overdue in the bot, or the desk's overdue filter")
}

// tgResult is a Bot API answer.
type tgResult struct {
	OK          bool            `json:"ok"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Result      json.RawMessage `json:"result"`
}

func tgCall(ctx context.Context, client *http.Client, cfg config.Config, method string) (tgResult, error) {
	var r tgResult
	u := strings.TrimRight(cfg.Telegram.APIEndpoint, "/") + "/bot" + cfg.Telegram.Token + "/" + method
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return r, errors.New("telegram.api_endpoint is not a URL")
	}
	resp, err := client.Do(req)
	if err != nil {
		// The error names the URL, and the URL holds the token.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return r, fmt.Errorf("%s unreachable: %v", cfg.Telegram.APIEndpoint, err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&r); err != nil {
		return r, fmt.Errorf("%s answered HTTP %d, not the Bot API", cfg.Telegram.APIEndpoint, resp.StatusCode)
	}
	return r, nil
}

func (d *doctor) telegram(ctx context.Context, client *http.Client, cfg config.Config, file string) {
	if cfg.Telegram.Token == "" {
		d.ok("telegram", "not configured (no telegram.token)")
		return
	}
	r, err := tgCall(ctx, client, cfg, "getMe")
	switch {
	case err != nil:
		d.bad("telegram getMe", err.Error(), "check the network and telegram.api_endpoint in "+file)
		return
	case !r.OK && r.ErrorCode == http.StatusUnauthorized:
		d.bad("telegram getMe", "401 "+r.Description+": the token is refused",
			"set telegram.token in "+file+" (or $TELEGRAM_TOKEN) to the token @BotFather gave")
		return
	case !r.OK:
		d.bad("telegram getMe", fmt.Sprintf("%d %s", r.ErrorCode, r.Description), "check telegram.api_endpoint in "+file)
		return
	}
	var me struct {
		ID       int64  `json:"id"`
		Username string `json:"username"`
	}
	_ = json.Unmarshal(r.Result, &me)
	if want := strings.TrimPrefix(cfg.Telegram.BotUsername, "@"); want != "" && !strings.EqualFold(want, me.Username) {
		d.bad("telegram getMe", fmt.Sprintf("the token is @%s's, the config says @%s", me.Username, want),
			"make telegram.bot_username in "+file+" the token's bot (invitation links use it)")
	} else {
		d.ok("telegram getMe", fmt.Sprintf("@%s (id %d)", me.Username, me.ID))
	}

	r, err = tgCall(ctx, client, cfg, "getWebhookInfo")
	if err == nil && !r.OK {
		err = fmt.Errorf("%d %s", r.ErrorCode, r.Description)
	}
	if err != nil {
		d.bad("telegram webhook", err.Error(), "check the network and telegram.api_endpoint in "+file)
		return
	}
	var info struct {
		URL                string `json:"url"`
		PendingUpdateCount int    `json:"pending_update_count"`
		LastErrorDate      int64  `json:"last_error_date"`
		LastErrorMessage   string `json:"last_error_message"`
	}
	_ = json.Unmarshal(r.Result, &info)
	found := fmt.Sprintf("url %q, %d pending update(s)", info.URL, info.PendingUpdateCount)
	if info.LastErrorMessage != "" {
		found += fmt.Sprintf(", last error %q at %s", info.LastErrorMessage,
			time.Unix(info.LastErrorDate, 0).In(cfg.Location()).Format("2006-01-02 15:04"))
	}
	switch {
	case cfg.Telegram.Mode == "webhook" && info.URL != cfg.Telegram.WebhookURL:
		d.bad("telegram webhook", found+fmt.Sprintf("; telegram.webhook_url is %q", cfg.Telegram.WebhookURL),
			"start `alleybot serve`: it registers telegram.webhook_url (another process may have set a different one)")
	case cfg.Telegram.Mode != "webhook" && info.URL != "":
		d.warn("telegram webhook", found+"; the config polls (telegram.mode: polling)",
			"`alleybot serve` removes the webhook when it starts; if another service set it, polling and it fight")
	case info.LastErrorMessage != "":
		d.warn("telegram webhook", found, "Telegram could not deliver to the URL: check that "+info.URL+" is reachable from the internet over HTTPS")
	case cfg.Telegram.Mode == "webhook":
		d.ok("telegram webhook", found)
	default:
		d.ok("telegram webhook", fmt.Sprintf("none (polling), %d pending update(s)", info.PendingUpdateCount))
	}
}

func (d *doctor) wecom(ctx context.Context, client *http.Client, cfg config.Config, file string) {
	if cfg.WeCom.CorpID == "" {
		d.ok("wecom (企业微信)", "not configured (no wecom.corp_id)")
		return
	}
	base := strings.TrimRight(orDefault(cfg.WeCom.APIEndpoint, "https://qyapi.weixin.qq.com"), "/")
	check := func(what, secret, key string) {
		u := base + "/cgi-bin/gettoken?" + url.Values{"corpid": {cfg.WeCom.CorpID}, "corpsecret": {secret}}.Encode()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			d.bad(what, "wecom.api_endpoint is not a URL", "correct wecom.api_endpoint in "+file)
			return
		}
		resp, err := client.Do(req)
		if err != nil {
			var ue *url.Error
			if errors.As(err, &ue) {
				err = ue.Err
			}
			d.bad(what, base+" unreachable: "+err.Error(), "check the network and wecom.api_endpoint in "+file)
			return
		}
		defer resp.Body.Close()
		var r struct {
			ErrCode int    `json:"errcode"`
			ErrMsg  string `json:"errmsg"`
		}
		if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&r); err != nil {
			d.bad(what, fmt.Sprintf("%s answered HTTP %d, not the WeCom API", base, resp.StatusCode), "check wecom.api_endpoint in "+file)
			return
		}
		if r.ErrCode != 0 {
			d.bad(what, fmt.Sprintf("errcode %d %s", r.ErrCode, r.ErrMsg),
				"check wecom.corp_id and "+key+" in "+file+" (企业微信管理后台 → 应用管理)")
			return
		}
		d.ok(what, "an access token was issued")
	}
	check("wecom gettoken", cfg.WeCom.Secret, "wecom.secret")
	if cfg.WeCom.KfSecret != "" {
		check("wecom kf gettoken", cfg.WeCom.KfSecret, "wecom.kf_secret")
	}
}

func (d *doctor) publicURL(ctx context.Context, client *http.Client, cfg config.Config, file string) {
	if cfg.HTTP.PublicURL == "" {
		d.warn("public URL", "http.public_url is not set", "set http.public_url in "+file+" so course links and the desk are reachable from outside")
		return
	}
	u := strings.TrimRight(cfg.HTTP.PublicURL, "/") + "/healthz"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err == nil {
		var resp *http.Response
		if resp, err = client.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				d.ok("public URL", "GET "+u+": 200")
				return
			}
			err = fmt.Errorf("HTTP %d", resp.StatusCode)
		}
	}
	d.bad("public URL", "GET "+u+": "+err.Error(),
		"is `alleybot serve` running, and does the proxy forward "+cfg.HTTP.PublicURL+" to http.listen ("+cfg.HTTP.Listen+")?")
}
