package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/bot/console"
	"github.com/alleybot/alleybot/config"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/flows"
	"github.com/alleybot/alleybot/flows/cases"
	"github.com/alleybot/alleybot/flows/complaints"
	"github.com/alleybot/alleybot/flows/discipline"
	"github.com/alleybot/alleybot/flows/notices"
	"github.com/alleybot/alleybot/flows/report"
	"github.com/alleybot/alleybot/flows/trainings"
	"github.com/alleybot/alleybot/flows/weblogin"
	"github.com/alleybot/alleybot/handlers"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/outbox"
	"github.com/alleybot/alleybot/roster"
	"github.com/alleybot/alleybot/scheduler"
	"github.com/alleybot/alleybot/store"
)

const usage = `alleybot — the alley steward (小巷管家) bot

Usage:
  alleybot COMMAND [flags]

Commands:
  migrate          apply the database migrations (safe to run again)
  import FILE      load a roster YAML file (communities, alleys, departments,
                   categories, people, chats); running it again updates
  invite NAME      print a one-time code and Telegram link for a roster person
  unbind NAME      remove a person's Telegram account, to move it to someone else
  console          chat with the bot in this terminal (no messenger account)
  serve            run Telegram (polling or webhook), the WeCom callback and WeChat
                   customer service, /healthz, /readyz and the scheduler; with no
                   messenger configured it prints what the scheduler sends
  report training  export a training's invitees and attendance (--id N --format csv)
  report scores    export a period's scorecards (--period 2026-11 --format csv|xlsx [--out FILE])
  report allowance export a month's stewards' allowances (--period 2026-11 --format csv|xlsx [--out FILE] [--confirmed])
  report monthly   the month's evaluation report: PNG charts and a CSV (--period 2026-11 --out DIR)
  assess recompute recompute a period's scorecards (--period P --by NAME --reason TEXT)
  assess backfill  store the first scorecards of every ended period since a month (--since 2026-01)
  restore          restore a suspended steward's role (--steward CODE --by ADMIN_CODE --reason TEXT)
  restore FILE     load a backup into an empty database, then check its schema version
  backup           write the whole database to a file (--out FILE [--force]; pg_dump custom format)
  ledger           the fund ledger: add, import FILE.csv, verify, list [--month 2026-11], statement --month 2026-11 [--out DIR]
  doctor           check the installation on one screen (体检); exit 1 on a problem
  version          print the version and the commit it was built from

Flags every command takes:
  --config FILE        YAML settings (default: $ALLEYBOT_CONFIG, else ./config.yaml if present)
  --database-url URL   overrides database.url and $DATABASE_URL

Run 'alleybot COMMAND --help' for a command's own flags.
`

// version and commit, when set at build time with -ldflags "-X
// main.version=... -X main.commit=...", stand in for what the Go toolchain
// records (make build sets commit: the toolchain cannot read a git
// worktree's checkout).
var version, commit = "", ""

// versionText is what `alleybot version` prints: the module version, the
// commit it was built from (with its time, and whether the work tree had
// changes) and the Go version, as the toolchain recorded them in the
// binary (go build and make build do, from git; go run and go test do not).
func versionText(info *debug.BuildInfo, ok bool) string {
	if !ok {
		info = &debug.BuildInfo{}
	}
	v := orDefault(version, orDefault(info.Main.Version, "(devel)"))
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	var b strings.Builder
	fmt.Fprintf(&b, "alleybot %s\n", v)
	if settings["vcs.revision"] == "" && commit != "" {
		rev, dirty := strings.CutSuffix(commit, "-dirty")
		settings["vcs.revision"], settings["vcs.modified"] = rev, strconv.FormatBool(dirty)
	}
	if rev := settings["vcs.revision"]; rev != "" {
		fmt.Fprintf(&b, "commit  %s", rev)
		if at := settings["vcs.time"]; at != "" {
			fmt.Fprintf(&b, " (%s)", at)
		}
		if settings["vcs.modified"] == "true" {
			b.WriteString(", with uncommitted changes")
		}
		b.WriteString("\n")
	} else {
		b.WriteString("commit  unknown (built without VCS information: go run, go test, or -buildvcs=false; use make build)\n")
	}
	if info.GoVersion != "" {
		fmt.Fprintf(&b, "go      %s\n", info.GoVersion)
	}
	return b.String()
}

type env struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

type command struct {
	summary string
	args    string
	run     func(e *env, fs *flag.FlagSet, common *commonFlags) error
	flags   func(fs *flag.FlagSet)
	subs    map[string]command // subcommands (alleybot ledger add …), each with its own flags
}

type commonFlags struct {
	configPath  string
	databaseURL string
}

// usageError is a mistake in the command line: usage and exit 2.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func commands() map[string]command {
	return map[string]command{
		"migrate": {summary: "apply the database migrations (running it twice changes nothing)", run: cmdMigrate},
		"import":  {summary: "load a roster YAML file; running it again updates, never duplicates", args: "FILE", run: cmdImport},
		"invite":  {summary: "print a one-time invitation code and Telegram deep link for a roster person", args: "NAME|CODE", run: cmdInvite},
		"unbind":  {summary: "remove a roster person's invited accounts (Telegram), so an account can be moved to someone else with their invitation", args: "NAME|CODE", run: cmdUnbind},
		"console": {summary: "chat with the bot on stdin/stdout as a roster person", run: cmdConsole, flags: consoleFlags},
		"report": {summary: "export a training's invitees, answers, link opens and attendance (report training --id N --format csv), " +
			"or a period's scorecards with their counts (report scores --period 2026-11 --format csv|xlsx [--out FILE]), " +
			"or a month's stewards' allowances, proposed and confirmed (report allowance --period 2026-11 --format csv|xlsx [--out FILE] [--confirmed]), " +
			"or a month's evaluation report, its charts as PNG and its figures as CSV (report monthly --period 2026-11 --out DIR)",
			args: "training|scores|allowance|monthly", run: cmdReport, flags: reportFlags},
		"assess": {summary: "recompute a period's scorecards (assess recompute --period 2026-11 --by NAME --reason TEXT): each a new revision recording who and why; the earlier results stay; " +
			"or store the first scorecards, as the scheduler does, of every ended period since a month (assess backfill --since 2026-01 [--kinds month,quarter,year]): a period already stored is skipped",
			args: "recompute|backfill", run: cmdAssess, flags: assessFlags},
		"restore": {summary: "two things: restore FILE loads a backup made by `alleybot backup` into the configured database, which must be empty " +
			"(a new database; stop the serve processes first), then checks its schema version; " +
			"restore --steward CODE --by ADMIN_CODE --reason TEXT restores a suspended steward's role as /restore does: recorded with who and why; " +
			"the steward, the coordinators and the exchange group are told", args: "[FILE]", run: cmdRestore, flags: restoreFlags},
		"backup": {summary: "write the whole database (cases, photos, ledger, roster, outbox) with pg_dump --format=custom to --out FILE (via FILE.tmp); " +
			"refused if FILE exists, unless --force", run: cmdBackup, flags: backupFlags},
		"ledger": {summary: "the fund ledger (seed 六): add an entry, import a CSV file (all rows or none), verify the hash chain, list a month, a month's public statement",
			args: "add|import|verify|list|statement", run: cmdLedger, subs: ledgerCommands()},
		"serve": {summary: "run the Telegram adapter (polling or webhook), the WeCom callback (/wecom/callback) and WeChat customer service, " +
			"the HTTP server (/healthz, /readyz, /l/<token>) and the scheduler (deadline pings, reminders, the digest); " +
			"with no messenger configured (no telegram.token, no wecom.corp_id) the scheduler's messages print on stdout as [→ 群名/人名] lines", run: cmdServe},
		"doctor": {summary: doctorSummary, run: cmdDoctor, flags: doctorFlags},
		"version": {summary: "print the module version, the commit it was built from and the Go version", run: func(e *env, fs *flag.FlagSet, _ *commonFlags) error {
			if fs.NArg() > 0 {
				return usageError{"version takes no arguments"}
			}
			fmt.Fprint(e.stdout, versionText(debug.ReadBuildInfo()))
			return nil
		}},
	}
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	// The flags every command takes may come before the command too
	// (`alleybot --config F version`): they are moved after it.
	global, args, err := leadingFlags(args)
	if err != nil {
		fmt.Fprintf(stderr, "alleybot: %v\n\n%s", err, usage)
		return 2
	}
	if len(args) == 0 {
		fmt.Fprintf(stderr, "alleybot: no command after %s\n\n%s", strings.Join(global, " "), usage)
		return 2
	}
	name := args[0]
	if name == "-h" || name == "--help" || name == "help" {
		fmt.Fprint(stdout, usage)
		return 0
	}
	cmd, ok := commands()[name]
	if !ok {
		fmt.Fprintf(stderr, "alleybot: unknown command %q\n\n%s", name, usage)
		return 2
	}
	if sub, ok := cmd.subs[argAt(args, 1)]; ok {
		name, cmd, args = name+" "+args[1], sub, args[1:]
	}
	args = append([]string{name}, append(global, args[1:]...)...)
	fs := flag.NewFlagSet("alleybot "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	common := &commonFlags{}
	fs.StringVar(&common.configPath, "config", "", "YAML settings file")
	fs.StringVar(&common.databaseURL, "database-url", "", "PostgreSQL URL (overrides database.url and $DATABASE_URL)")
	if cmd.flags != nil {
		cmd.flags(fs)
	}
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: alleybot %s [flags] %s\n\n%s\n\nFlags:\n", name, cmd.args, cmd.summary)
		fs.PrintDefaults()
	}
	if code := parseArgs(fs, args[1:], stdout, stderr); code >= 0 {
		return code
	}
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv}
	err = cmd.run(e, fs, common)
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "alleybot %s: %s\n\n", name, ue.msg)
		fs.SetOutput(stderr)
		fs.Usage()
		return 2
	default:
		fmt.Fprintf(stderr, "alleybot %s: %v\n", name, err)
		return 1
	}
}

// loadConfig finds and reads the settings: --config, else $ALLEYBOT_CONFIG,
// else ./config.yaml when it exists, else defaults; then --database-url.
func loadConfig(e *env, common *commonFlags) (config.Config, error) {
	path := common.configPath
	if path == "" {
		path = e.getenv("ALLEYBOT_CONFIG")
	}
	if path == "" {
		if _, err := os.Stat("config.yaml"); err == nil {
			path = "config.yaml"
		}
	}
	cfg, err := config.Load(path, e.getenv)
	if err != nil {
		return cfg, err
	}
	if common.databaseURL != "" {
		cfg.Database.URL = common.databaseURL
		if err := cfg.Validate(); err != nil {
			return cfg, err
		}
	}
	return cfg, nil
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}

// setup is the preamble of every command that uses the database: the
// settings, then the store (refusing an outdated schema unless migrating).
// The caller closes the store.
func setup(e *env, common *commonFlags, checkSchema bool) (config.Config, *store.Store, error) {
	cfg, err := loadConfig(e, common)
	if err != nil {
		return cfg, nil, err
	}
	st, err := openStore(e, cfg, checkSchema)
	return cfg, st, err
}

// newEngine builds the flows from the settings; photos downloads the bytes
// of platform photos (nil on the console, where they come along).
func newEngine(cfg config.Config, photos conversations.PhotoQueue, botName ...func() string) *conversations.Engine {
	name := func() string { return strings.TrimPrefix(cfg.Telegram.BotUsername, "@") }
	if len(botName) > 0 && botName[0] != nil {
		name = botName[0]
	}
	domains := flows.All(flows.Settings{
		Cases: cases.Settings{MaxSendbacks: cfg.Cases.MaxSendbacks, LowScore: cfg.Cases.LowScore, ImmediateFix: cfg.Cases.ImmediateFix,
			ReopenReasonWithin: cfg.Cases.ReopenReasonWithin, DuplicateRadiusM: cfg.Cases.DuplicateRadiusM},
		Report: report.Settings{QuietResidents: !cfg.Cases.TellResidentsReported},
		Complaints: complaints.Settings{PerHour: cfg.Complaints.PerHour, AnswerWithin: cfg.Complaints.AnswerWithin,
			Hotline: cfg.Complaints.Hotline, Mailbox: cfg.Complaints.Mailbox},
		Trainings: trainings.Settings{BroadcastPace: cfg.Telegram.PaceAll, PublicURL: cfg.HTTP.PublicURL},
		Notices:   notices.Settings{BroadcastPace: cfg.Telegram.PaceAll},
		Discipline: discipline.Settings{WarningsToSuspend: cfg.Assessment.WarningsToSuspend,
			WarningWindow: cfg.Assessment.WarningWindow},
		Web: weblogin.Settings{BaseURL: deskURL(cfg)},
		Publicity: notices.Publicity{
			NeedsApproval: cfg.Publicity.NeedsApproval},
	})
	return conversations.New(conversations.Deps{Photos: photos, ResumeAfter: cfg.Bot.DraftResumeAfter,
		Location: cfg.Location(), MaxPhotoBytes: cfg.MaxPhotoBytes(), DefaultLang: defaultLang(cfg),
		Calendar: cfg.Calendar(), BotUsername: name}, domains...)
}

// defaultLang is the language of groups and of people who chose none.
func defaultLang(cfg config.Config) i18n.Lang { return i18n.Parse(cfg.Bot.DefaultLanguage, i18n.ZH) }

// openStore connects, and unless migrating, refuses an outdated schema.
func openStore(e *env, cfg config.Config, checkSchema bool) (*store.Store, error) {
	st, err := store.Open(e.ctx, cfg.Database.URL, cfg.Database.MaxOpenConns)
	if err != nil {
		return nil, err
	}
	if checkSchema {
		err := st.CheckSchema(e.ctx)
		if err == nil {
			err = scheduler.CheckSchema(e.ctx, st.SQL())
		}
		if err != nil {
			st.Close()
			return nil, err
		}
	}
	return st, nil
}

func cmdMigrate(e *env, fs *flag.FlagSet, common *commonFlags) error {
	if fs.NArg() > 0 {
		return usageError{"migrate takes no arguments"}
	}
	cfg, st, err := setup(e, common, false)
	if err != nil {
		return err
	}
	defer st.Close()
	have, err := st.SchemaVersion(e.ctx)
	if err != nil {
		return err
	}
	if have > store.LatestVersion() {
		return fmt.Errorf("the database schema is at version %d, newer than this alleybot (%d): upgrade alleybot; nothing was changed", have, store.LatestVersion())
	}
	applied, err := st.Migrate(e.ctx)
	for _, name := range applied {
		fmt.Fprintf(e.stdout, "applied %s\n", name)
	}
	if err != nil {
		return err
	}
	n, err := scheduler.Migrate(e.ctx, st.SQL())
	if err != nil {
		return err
	}
	if n > 0 {
		fmt.Fprintf(e.stdout, "applied %d job queue (River) migration(s)\n", n)
	}
	fmt.Fprintf(e.stdout, "schema is at version %d (%s)\n", store.LatestVersion(), store.MaskURL(cfg.Database.URL))
	return nil
}

func cmdImport(e *env, fs *flag.FlagSet, common *commonFlags) error {
	if fs.NArg() != 1 {
		return usageError{"import needs exactly one FILE"}
	}
	_, st, err := setup(e, common, true)
	if err != nil {
		return err
	}
	defer st.Close()
	// The strict decoder's YAML tree (line numbers for every problem) is
	// the import's peak: about 16 bytes of tree a byte of file, garbage once
	// decoded. Collecting sooner keeps a 50,000-person roster near 500 MB
	// instead of 700 (bench/roster), for a little more GC time.
	defer debug.SetGCPercent(debug.SetGCPercent(30))
	sum, err := roster.Import(e.ctx, st, fs.Arg(0))
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "imported %s: %d communities, %d alleys, %d departments, %d categories, %d people, %d chats\n",
		fs.Arg(0), sum.Communities, sum.Alleys, sum.Departments, sum.Categories, sum.People, sum.Chats)
	return nil
}

func cmdInvite(e *env, fs *flag.FlagSet, common *commonFlags) error {
	if fs.NArg() != 1 {
		return usageError{"invite needs exactly one NAME or roster CODE"}
	}
	cfg, st, err := setup(e, common, true)
	if err != nil {
		return err
	}
	defer st.Close()
	p, err := st.FindPerson(e.ctx, fs.Arg(0))
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%q is not in the roster (see examples/roster.yaml and `alleybot import`)", fs.Arg(0))
	}
	if err != nil {
		return err
	}
	inv, err := st.CreateInvite(e.ctx, p.ID, cfg.Bot.InviteTTL)
	if err != nil {
		return err
	}
	// A real offset and the zone's name: "MST" would print the ambiguous
	// CST (China, or US Central?).
	fmt.Fprintf(e.stdout, "%s (%s)\ncode:    %s\nexpires: %s (%s)\n", p.Name, p.Code, inv.Code,
		inv.ExpiresAt.In(cfg.Location()).Format("2006-01-02 15:04 -07:00"), cfg.Location())
	if cfg.Telegram.BotUsername != "" {
		fmt.Fprintf(e.stdout, "link:    https://t.me/%s?start=%s\n", cfg.Telegram.BotUsername, inv.Code)
	} else {
		fmt.Fprintf(e.stdout, "link:    (set telegram.bot_username in %s to print the t.me link)\n", orDefault(cfg.File, "config.yaml"))
	}
	fmt.Fprintf(e.stdout, "or send to the bot: /start %s\n", inv.Code)
	return nil
}

// cmdUnbind is the administrator's way to move an account deliberately:
// the person's invited accounts are removed; an account removed so can
// redeem another person's invitation.
func cmdUnbind(e *env, fs *flag.FlagSet, common *commonFlags) error {
	if fs.NArg() != 1 {
		return usageError{"unbind needs exactly one NAME or roster CODE"}
	}
	_, st, err := setup(e, common, true)
	if err != nil {
		return err
	}
	defer st.Close()
	p, err := st.FindPerson(e.ctx, fs.Arg(0))
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%q is not in the roster", fs.Arg(0))
	}
	if err != nil {
		return err
	}
	gone, err := st.UnbindPerson(e.ctx, p.ID)
	if err != nil {
		return err
	}
	if len(gone) == 0 {
		fmt.Fprintf(e.stdout, "%s (%s) has no invited account\n", p.Name, p.Code)
		return nil
	}
	for _, a := range gone {
		fmt.Fprintf(e.stdout, "unbound %s from %s (%s)\n", a, p.Name, p.Code)
	}
	fmt.Fprintf(e.stdout, "the account can now open another person's invitation link; %s needs a new one (alleybot invite %s)\n", p.Name, p.Code)
	return nil
}

func consoleFlags(fs *flag.FlagSet) {
	fs.String("as", "", "roster person to speak as, by name or code (default: the first steward)")
	fs.Bool("echo", false, "print each input line (default: on when stdin is not a terminal)")
}

func cmdConsole(e *env, fs *flag.FlagSet, common *commonFlags) error {
	if fs.NArg() > 0 {
		return usageError{"console takes no arguments; use --as NAME"}
	}
	cfg, st, err := setup(e, common, true)
	if err != nil {
		return err
	}
	defer st.Close()
	as := fs.Lookup("as").Value.String()
	if as == "" {
		p, err := st.FirstSteward(e.ctx)
		if errors.Is(err, store.ErrNotFound) {
			return errors.New("the roster has no steward yet: run `alleybot import examples/roster.yaml`, or pass --as NAME")
		}
		if err != nil {
			return err
		}
		as = p.Code
	}
	echo := fs.Lookup("echo").Value.String() == "true"
	if !isFlagSet(fs, "echo") {
		echo = !isTerminal(e.stdin)
	}
	logger := newLogger(e.stderr, cfg.Log.Level)
	// Messages for a messenger (a group bound to Telegram too) are queued in
	// the outbox, for serve to send; the console prints its own once.
	flows := newEngine(cfg, nil)
	router := handlers.New(st, flows, logger, defaultLang(cfg)).WithOutbox(queueOnly{})
	ch := &console.Channel{People: handlers.ConsoleRoster{Store: st, Flows: flows}, Handler: router, In: e.stdin, Out: e.stdout, Echo: echo,
		MaxPhotoBytes: cfg.MaxPhotoBytes(), DefaultLang: defaultLang(cfg)}
	return ch.Run(e.ctx, as)
}

func isFlagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			set = true
		}
	})
	return set
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func reportFlags(fs *flag.FlagSet) {
	fs.Int64("id", 0, "the training's number (#N in /trainings)")
	fs.String("format", "csv", "output format: csv (training, scores, allowance) or xlsx (scores, allowance)")
	fs.String("period", "", "scores: the period, a month 2026-11, a quarter 2026-Q4 or a year 2026 (it must have ended); allowance, monthly: a month")
	fs.String("out", "", "scores, allowance: write to this file instead of stdout; monthly: the directory for the PNGs and the CSV")
	fs.Bool("confirmed", false, "allowance: only the allowances the coordinators have confirmed")
}

// cmdReport writes a training's report: one CSV row per invitee.
func cmdReport(e *env, fs *flag.FlagSet, common *commonFlags) error {
	var o struct {
		id     int64
		format string
	}
	o.id, _ = strconv.ParseInt(fs.Lookup("id").Value.String(), 10, 64)
	o.format = fs.Lookup("format").Value.String()
	if fs.NArg() == 1 && fs.Arg(0) == "scores" {
		return cmdReportScores(e, fs, common)
	}
	if fs.NArg() == 1 && fs.Arg(0) == "allowance" {
		return cmdReportAllowance(e, fs, common)
	}
	if fs.NArg() == 1 && fs.Arg(0) == "monthly" {
		return cmdReportMonthly(e, fs, common)
	}
	if fs.NArg() != 1 || fs.Arg(0) != "training" {
		return usageError{"report takes one argument: training, scores, allowance or monthly"}
	}
	if o.id <= 0 {
		return usageError{"report training needs --id N (the number /trainings shows)"}
	}
	if o.format != "csv" {
		return usageError{fmt.Sprintf("--format %q: only csv is supported", o.format)}
	}
	cfg, st, err := setup(e, common, true)
	if err != nil {
		return err
	}
	defer st.Close()
	tr, err := st.TrainingByID(e.ctx, o.id)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("there is no training #%d", o.id)
	}
	if err != nil {
		return err
	}
	invs, err := st.Invites(e.ctx, tr.ID)
	if err != nil {
		return err
	}
	// A UTF-8 byte order mark first: Excel on a Chinese Windows otherwise
	// reads the names as GBK (mojibake).
	if _, err := io.WriteString(e.stdout, "\ufeff"); err != nil {
		return err
	}
	w := csv.NewWriter(e.stdout)
	_ = w.Write([]string{"training", "title", "starts_at", "code", "name", "community", "answer", "reason", "link_opened_at", "attended"})
	for _, inv := range invs {
		opened, attended := "", ""
		if inv.OpenedAt.Valid {
			opened = inv.OpenedAt.Time.In(cfg.Location()).Format("2006-01-02 15:04")
		}
		if inv.Attended.Valid {
			attended = strconv.FormatBool(inv.Attended.Bool)
		}
		_ = w.Write([]string{strconv.FormatInt(tr.ID, 10), tr.Title, tr.StartsAt.In(cfg.Location()).Format("2006-01-02 15:04"),
			inv.Code, inv.Name, inv.Community.String, string(inv.Answer), inv.Reason, opened, attended})
	}
	w.Flush()
	return w.Error()
}

// queueOnly queues messages in the update's transaction; a serve process's
// dispatcher sends them (the console has none).
type queueOnly struct{}

func (queueOnly) EnqueueSends(ctx context.Context, tx *store.Tx, msgs []bot.Message) error {
	return outbox.Enqueue(ctx, tx, msgs)
}
