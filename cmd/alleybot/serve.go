package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/bot/console"
	"github.com/alleybot/alleybot/bot/telegram"
	"github.com/alleybot/alleybot/bot/wecom"
	"github.com/alleybot/alleybot/config"
	"github.com/alleybot/alleybot/handlers"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/inbox"
	"github.com/alleybot/alleybot/internal/backoff"
	"github.com/alleybot/alleybot/metrics"
	"github.com/alleybot/alleybot/outbox"
	"github.com/alleybot/alleybot/scheduler"
	"github.com/alleybot/alleybot/store"
)

// cmdServe runs the platform adapters, the HTTP server (webhooks, /healthz,
// /readyz) and the background workers until SIGTERM or SIGINT, then shuts
// them down in order: HTTP, adapters, workers, database.
func cmdServe(e *env, fs *flag.FlagSet, common *commonFlags) error {
	if fs.NArg() > 0 {
		return usageError{"serve takes no arguments"}
	}
	cfg, st, err := setup(e, common, true)
	if err != nil {
		return err
	}
	log := newLogger(e.stderr, cfg.Log.Level)
	defer st.Close()
	if addr := e.getenv("ALLEYBOT_PPROF"); addr != "" {
		// Profiles for an operator (or bench/ingest), on an address of
		// their choosing, never on http.listen.
		go func() {
			log.Info("pprof listening", "addr", addr)
			if err := http.ListenAndServe(addr, pprofMux()); err != nil {
				log.Warn("pprof", "err", err)
			}
		}()
	}
	app, err := newApp(e.ctx, cfg, st, log)
	if err != nil {
		return err
	}
	if app.echo != nil {
		app.echo.out = e.stdout
		log.Info("no messenger configured (telegram.token, wecom.corp_id): what the scheduler sends to the console's people and groups prints on stdout")
		fmt.Fprintln(e.stdout, i18n.T(defaultLang(cfg), "serve.console_only"))
	}
	return app.serve(e.ctx)
}

func pprofMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

// app is a wired serve process.
type app struct {
	cfg    config.Config
	log    *slog.Logger
	store  *store.Store
	sched  *scheduler.Scheduler
	out    *outbox.Dispatcher
	router *handlers.Router
	tg     *telegram.Adapter
	wecom  *wecom.Adapter
	inbox  *inbox.Inbox
	outbox bot.Outbox
	server *http.Server
	ln     net.Listener
	echo   *consoleEcho // with no messenger: prints what the scheduler says
	metric *metrics.Metrics
}

// consoleEcho is the scheduler's outbox in a serve process with no
// messenger: what it says to a person or group on the console (deadline
// pings, patrol and training reminders, the summaries, the digest) is
// printed on stdout once its transaction commits, one message a line:
// "[→ 环卫所工作群] text", "[→ 王秀兰] text"; anything for a
// messenger is queued as usual.
type consoleEcho struct {
	next scheduler.Outbox
	mu   sync.Mutex
	out  io.Writer
}

// EnqueueSends prints the console's messages after the commit and queues
// the rest.
func (c *consoleEcho) EnqueueSends(ctx context.Context, tx *store.Tx, msgs []bot.Message) error {
	var local, queued []bot.Message
	for _, m := range msgs {
		if m.Platform.Local() {
			local = append(local, m)
		} else {
			queued = append(queued, m)
		}
	}
	if len(local) > 0 {
		tx.AfterCommit(func() { c.print(local) })
	}
	return c.next.EnqueueSends(ctx, tx, queued)
}

func (c *consoleEcho) print(msgs []bot.Message) {
	var b strings.Builder
	for _, m := range msgs {
		to := m.ChatTitle
		if to == "" {
			to = orDefault(m.Recipient, m.ChatID)
		}
		text := m.Text
		if m.Photo != nil {
			text = "🖼 " + m.Photo.FileRef + "\n" + text
		}
		fmt.Fprintf(&b, "[→ %s] %s\n", to, strings.ReplaceAll(strings.TrimRight(text, "\n"), "\n", "\n    "))
		var labels []string
		for _, row := range m.Buttons {
			for _, btn := range row {
				labels = append(labels, "["+btn.Label+"]")
			}
		}
		if len(labels) > 0 {
			fmt.Fprintf(&b, "    %s\n", strings.Join(labels, " "))
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	_, _ = io.WriteString(c.out, b.String())
}

func newApp(ctx context.Context, cfg config.Config, st *store.Store, log *slog.Logger) (*app, error) {
	a := &app{cfg: cfg, log: log, store: st, outbox: bot.Outbox{}, metric: metrics.New(st, log)}
	fetchers := map[bot.Platform]scheduler.FileFetcher{}
	if cfg.Telegram.Token != "" {
		tg, err := telegram.Open(telegram.Options{Token: cfg.Telegram.Token, APIEndpoint: cfg.Telegram.APIEndpoint,
			MaxPhotoBytes: cfg.MaxPhotoBytes(), Log: log})
		if err != nil {
			return nil, fmt.Errorf("telegram: %w (check telegram.token in %s)", err, orDefault(cfg.File, "the config"))
		}
		// A token Telegram refuses is a mistake in the config: say so and
		// stop. An unreachable or failing Bot API is an outage: serve
		// anyway (HTTP, workers, the console of other processes) and keep
		// trying in the background (see runTelegram).
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		err = tg.Connect(cctx)
		cancel()
		if errors.Is(err, telegram.ErrUnauthorized) {
			return nil, fmt.Errorf("telegram: %w (check telegram.token and telegram.api_endpoint in %s)", err, orDefault(cfg.File, "the config"))
		}
		if err != nil {
			log.Warn("telegram Bot API unreachable at start-up: serving anyway, retrying in the background", "err", err)
		}
		a.tg = tg
		a.outbox[bot.Telegram] = tg
		fetchers[bot.Telegram] = tg
	} else {
		log.Warn("telegram.token is empty: no Telegram adapter; HTTP and background jobs only")
	}
	if cfg.WeCom.CorpID != "" {
		wc, err := wecom.New(wecom.Options{CorpID: cfg.WeCom.CorpID, AgentID: cfg.WeCom.AgentID, Secret: cfg.WeCom.Secret,
			Token: cfg.WeCom.Token, EncodingAESKey: cfg.WeCom.EncodingAESKey, KfSecret: cfg.WeCom.KfSecret,
			APIEndpoint: cfg.WeCom.APIEndpoint, Cache: wecom.NewCache(st), MaxPhotoBytes: cfg.MaxPhotoBytes(), Log: log})
		if err != nil {
			return nil, fmt.Errorf("%w (in %s)", err, orDefault(cfg.File, "the config"))
		}
		// WeCom people are the roster's wecom_userid: no invitation.
		if err := st.BindWecom(ctx); err != nil {
			return nil, err
		}
		a.wecom = wc
		a.outbox[bot.WeCom] = wc
		fetchers[bot.WeCom] = wc
		if wc.Kf() {
			a.outbox[bot.WeChat] = wc
			fetchers[bot.WeChat] = wecom.KfFetcher{Adapter: wc}
		}
	}
	if len(a.outbox) == 0 {
		// Console only: nobody would hear the scheduler. The console is
		// bound (every person and roster group, as a console session does)
		// and what the scheduler says there is printed on stdout.
		if err := st.BindLocal(ctx, string(bot.Console), console.GroupPrefix); err != nil {
			return nil, err
		}
		a.echo = &consoleEcho{out: os.Stdout}
	}
	senders := map[bot.Platform]bot.Sender{}
	for p, s := range a.outbox {
		senders[p] = s
	}
	// Every message to a messenger is queued in the transaction of the change
	// that caused it and sent by this dispatcher at the platform's pace.
	a.out = outbox.New(st, outbox.Options{Senders: senders, Log: log, RetryBase: min(cfg.Jobs.RetryBase, time.Second),
		StepAside: cfg.Jobs.StepAside, OnSend: a.metric.Send,
		Pacing: map[bot.Platform]outbox.Pacing{
			bot.Telegram: {Private: cfg.Telegram.PacePrivate, PrivateBurst: cfg.Telegram.PacePrivateBurst,
				Group: cfg.Telegram.PaceGroup, GroupBurst: cfg.Telegram.PaceGroupBurst, All: cfg.Telegram.PaceAll},
			bot.WeCom: {Private: cfg.WeCom.PacePrivate, PrivateBurst: cfg.WeCom.PacePrivateBurst,
				Group: cfg.WeCom.PaceGroup, GroupBurst: cfg.WeCom.PaceGroupBurst, All: cfg.WeCom.PaceAll},
			bot.WeChat: outbox.DefaultPacing[bot.WeChat]}})
	var schedOut scheduler.Outbox = a.out
	var local bot.Platform
	if a.echo != nil {
		a.echo.next, schedOut, local = a.out, a.echo, bot.Console
	}
	sched, err := scheduler.New(st, scheduler.Options{PollInterval: cfg.Jobs.PollInterval, RetryBase: cfg.Jobs.RetryBase,
		PhotoAttempts: cfg.Jobs.PhotoAttempts, Log: log, FileFetchers: fetchers, Outbox: schedOut, Local: local,
		Pings: scheduler.PingOptions{Calendar: cfg.Calendar(), Half: cfg.Cases.PingHalf, Before: cfg.Cases.PingBefore,
			DailyAt: cfg.ReminderMinute(), SupervisorAfter: cfg.Cases.SupervisorAfter, Every: cfg.Jobs.ClockScanEvery,
			Lang: defaultLang(cfg)},
		Routine: scheduler.RoutineOptions{RemindBefore: cfg.Routine.RemindBefore, KeepFor: cfg.Routine.KeepFor,
			SummaryAt: config.Minute(cfg.Routine.MissedSummaryAt), DigestAt: config.Minute(cfg.Routine.DigestAt),
			TrainingRemind: cfg.Training.RemindBefore},
		Assess: scheduler.AssessOptions{Enabled: true, Settings: assessSettings(cfg), Kinds: assessKinds(cfg),
			Allowance:      cfg.Assessment.Allowance.Rule(),
			RecognitionTop: cfg.Assessment.RecognitionTop},
		Reports: reportOptions(cfg, log)})
	if err != nil {
		return nil, err
	}
	a.sched = sched
	// Deep links name the bot: the config's bot_username, else what getMe said.
	botName := func() string {
		if n := strings.TrimPrefix(cfg.Telegram.BotUsername, "@"); n != "" || a.tg == nil {
			return n
		}
		return a.tg.Username()
	}
	a.router = handlers.New(st, newEngine(cfg, sched, botName), log, defaultLang(cfg)).WithOutbox(a.out).
		WithRateLimit(cfg.Bot.RatePerMinute, cfg.Bot.RateBurst, nil).WithObserver(a.metric.Update)
	// Updates WeCom pushes are stored first (answered within its 5 s), then
	// handled by these workers.
	a.inbox = inbox.New(st, a.router, a.out, inbox.Options{Log: log, Handled: a.handled, SpoolDir: cfg.WeCom.SpoolDir})

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", a.readyz)
	mux.Handle("GET /metrics", a.metric.Handler())
	mux.HandleFunc("GET /l/{token}", a.courseLink)
	mountPublic(mux, cfg, st, log)
	mountDesk(mux, cfg, st, a.router, log)
	mountOpen311(mux, cfg, st, schedOut, log)
	if a.tg != nil && cfg.Telegram.Mode == "webhook" {
		mux.Handle("POST /telegram/webhook", a.tg.WebhookHandler(cfg.Telegram.WebhookSecret, a.router, a.outbox))
	}
	if a.wecom != nil {
		var kf func(token, openKfID string)
		if a.wecom.Kf() {
			kf = func(token, openKfID string) { a.syncKf(context.WithoutCancel(ctx), openKfID, token) }
		}
		mux.Handle("/wecom/callback", a.wecom.CallbackHandler(a.inbox, kf))
	}
	a.server = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second}
	ln, err := net.Listen("tcp", cfg.HTTP.Listen)
	if err != nil {
		return nil, fmt.Errorf("http.listen %s: %w", cfg.HTTP.Listen, err)
	}
	a.ln = ln
	return a, nil
}

// readyz answers 200 "ready" when the database has this binary's schema
// and every configured messenger has answered; else 503 naming what is
// not ready yet.
func (a *app) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	if err := a.store.CheckSchema(ctx); err != nil {
		http.Error(w, "not ready: database: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	if a.tg != nil {
		if ok, err := a.tg.Connected(); !ok {
			http.Error(w, "not ready: telegram: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
	}
	w.Write([]byte("ready\n"))
}

func (a *app) serve(ctx context.Context) error {
	// Not ctx: River stops hard when its start context ends. SIGTERM goes
	// through Stop below, which lets running jobs finish first.
	if err := a.sched.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("start workers: %w", err)
	}
	if err := a.out.Start(ctx); err != nil {
		return fmt.Errorf("start the outbox: %w", err)
	}
	if err := a.inbox.Start(ctx); err != nil {
		return fmt.Errorf("start the inbox: %w", err)
	}
	runCtx, stopAdapters := context.WithCancel(ctx)
	var wg sync.WaitGroup
	errc := make(chan error, 2)
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := a.server.Serve(a.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errc <- fmt.Errorf("http: %w", err)
		}
	}()
	a.log.Info("alleybot serving", "http", a.ln.Addr().String(), "telegram", a.tg != nil, "mode", a.cfg.Telegram.Mode,
		"wecom", a.wecom != nil)
	wg.Add(1)
	go func() {
		defer wg.Done()
		a.store.KeepStatsFresh(runCtx, 10*time.Second, a.log)
	}()
	if a.wecom != nil && a.wecom.Kf() && len(a.cfg.WeCom.KfAccounts) > 0 {
		// Customer service is read on its callback; this catches what a
		// missed callback (a restart, a network fault) left behind.
		wg.Add(1)
		go func() {
			defer wg.Done()
			tick := time.NewTicker(time.Minute)
			defer tick.Stop()
			for {
				for _, id := range a.cfg.WeCom.KfAccounts {
					a.syncKf(runCtx, id, "")
				}
				select {
				case <-runCtx.Done():
					return
				case <-tick.C:
				}
			}
		}()
	}
	if a.tg != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := a.runTelegram(runCtx); err != nil {
				errc <- err
			}
		}()
	}
	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-errc:
	}
	a.log.Info("shutting down", "timeout", a.cfg.HTTP.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), a.cfg.HTTP.ShutdownTimeout)
	defer cancel()
	_ = a.server.Shutdown(sctx)
	stopAdapters()
	wg.Wait()
	if err := a.inbox.Stop(sctx); err != nil {
		a.log.Warn("stopping the inbox", "err", err)
	}
	if err := a.sched.Stop(sctx); err != nil {
		a.log.Warn("stopping workers", "err", err)
	}
	if err := a.out.Stop(sctx); err != nil {
		a.log.Warn("stopping the outbox", "err", err)
	}
	return runErr
}

// runTelegram connects to the Bot API (retrying while it is unreachable),
// then registers the webhook or removes it and polls, until ctx ends. While
// it waits, the webhook route is served already and the outbox retries
// its sends: an outage delays the bot, it does not stop it.
func (a *app) runTelegram(ctx context.Context) error {
	if err := a.tg.AwaitConnect(ctx); err != nil {
		return nil // shutting down
	}
	var what string
	var step func(context.Context) error
	switch a.cfg.Telegram.Mode {
	case "webhook":
		what = "register the Telegram webhook"
		step = func(ctx context.Context) error {
			return a.tg.SetWebhook(ctx, a.cfg.Telegram.WebhookURL, a.cfg.Telegram.WebhookSecret)
		}
	default:
		// A webhook left registered makes every getUpdates fail with 409.
		what = "remove the Telegram webhook before polling"
		step = a.tg.DeleteWebhook
	}
	for attempt := 1; ; attempt++ {
		err := step(ctx)
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			return nil
		}
		var perm *bot.PermanentError
		if errors.As(err, &perm) {
			return fmt.Errorf("%s: %w", what, err) // a wrong webhook URL: the config's to fix
		}
		wait := backoff.Of(time.Second, 30*time.Second, attempt)
		a.log.Warn(what+": retrying", "attempt", attempt, "retry_in", wait, "err", err)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
	}
	if a.cfg.Telegram.Mode == "webhook" {
		return nil
	}
	if err := a.tg.Poll(ctx, a.router, a.outbox); err != nil {
		return fmt.Errorf("telegram polling: %w", err)
	}
	return nil
}

// handled follows a handled update: a pressed WeCom card is updated so it
// cannot be pressed twice (its response_code works once).
func (a *app) handled(ctx context.Context, u bot.Update, err error) {
	if a.wecom == nil || u.Platform != bot.WeCom || u.Callback == nil || u.Callback.ID == "" {
		return
	}
	if uerr := a.wecom.UpdateCard(ctx, u.UserID, u.Callback.ID, i18n.T(defaultLang(a.cfg), "wecom.card.done")); uerr != nil {
		a.log.Info("wecom: update card", "user", u.UserID, "err", uerr)
	}
}

// syncKf reads a customer-service account's new messages into the inbox,
// moving its cursor in the same transaction (a restart neither loses nor
// repeats a message); one process at a time per account.
func (a *app) syncKf(ctx context.Context, openKfID, token string) {
	for ctx.Err() == nil {
		more := false
		err := a.store.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.LockKf(ctx, openKfID); err != nil {
				return err
			}
			cursor, err := tx.KfCursor(ctx, openKfID)
			if err != nil {
				return err
			}
			ups, next, has, err := a.wecom.SyncKf(ctx, openKfID, cursor, token)
			if err != nil {
				return err
			}
			for _, u := range ups {
				if _, err := inbox.AcceptTx(ctx, tx, u); err != nil {
					return err
				}
				a.wecom.KfHeard(u.ChatID, u.Time)
			}
			more = has
			if next == "" || next == cursor {
				return nil
			}
			return tx.SetKfCursor(ctx, openKfID, next)
		})
		if err != nil {
			a.log.Warn("wecom customer service: sync", "open_kfid", openKfID, "err", err)
			return
		}
		a.inbox.Wake()
		if !more {
			return
		}
	}
}

// courseLink records that a steward opened their course link and forwards
// them to the course.
func (a *app) courseLink(w http.ResponseWriter, r *http.Request) {
	link, err := a.store.OpenLink(r.Context(), r.PathValue("token"), time.Now())
	if errors.Is(err, store.ErrNotFound) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(i18n.T(i18n.ZH, "link.unknown") + "\n" + i18n.T(i18n.EN, "link.unknown") + "\n"))
		return
	}
	if err != nil {
		a.log.Error("course link", "err", err)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	http.Redirect(w, r, link, http.StatusFound)
}
