// Package telegram is the Telegram adapter: it receives updates by long
// polling (Poll) or a webhook (WebhookHandler), turns them into bot.Update,
// and sends bot.Message through the Bot API (Send). Telegram's chat ids
// (negative for a group) and its library's types stay in this package.
package telegram

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/internal/backoff"
)

// Options configures the Telegram adapter. Zero values take the
// defaults given.
type Options struct {
	Token         string
	APIEndpoint   string       // "https://api.telegram.org" or a fake's URL; no trailing slash
	HTTPClient    *http.Client // with timeouts; default: 30s timeout
	MaxPhotoBytes int64        // default 20 MiB, the most a bot may download
	Log           *slog.Logger // default slog.Default()
	// PollTimeout is how long one getUpdates waits for an update; default 30s.
	PollTimeout time.Duration

	// RetryBase is the first backoff after a failure, doubled up to RetryMax
	// with jitter. Defaults: 1s and 30s.
	RetryBase time.Duration
	RetryMax  time.Duration
	// HandleAttempts is how often Poll tries an update whose handling
	// fails for an unknown reason before giving up on it, delivering the
	// handler's apology and moving on: one poisoned update must not stop
	// the bot. Default 8. A failure that will pass (ErrTransient: the
	// database away or restarting, a deadlock, a timeout) is tried however
	// many times it takes and never given up; an ErrPermanent one is given
	// up at once.
	HandleAttempts int
	// WebhookAttempts is how many deliveries of one update the webhook
	// answers 500 (so Telegram sends it again) before it apologises and
	// answers 200, for a failure of unknown kind: Telegram holds the
	// updates behind a failing one, so fewer than Poll's. Default 3. An
	// ErrTransient failure is answered 500 every time (Telegram delivers
	// it again until the database is back); an ErrPermanent one is given
	// up at once.
	WebhookAttempts int
}

// Adapter is the Telegram adapter: it receives updates by long polling
// or a webhook, implements bot.Sender and tells what a chat can do
// (bot.Chats).
type Adapter struct {
	Chats      // what a Telegram chat can do (bot.Chats)
	api        *tgbotapi.BotAPI
	token      string
	endpoint   string
	client     *http.Client
	pollClient *http.Client
	pollSecs   int
	maxPhoto   int64
	log        *slog.Logger
	retryBase  time.Duration
	retryMax   time.Duration
	attempts   int
	hookTries  int

	failMu   sync.Mutex
	failures map[int]int // webhook: update_id → failed deliveries

	connErr atomic.Pointer[connState]
}

// Telegram's limits.
const (
	tgMaxText    = 4096 // UTF-16 code units of a message
	tgMaxCaption = 1024 // UTF-16 code units of a caption
	webhookBody  = 1 << 20
	secretHeader = "X-Telegram-Bot-Api-Secret-Token"
	// allowedUpdates are the only kinds the bot understands; asking for no
	// others saves Telegram and us the traffic.
	allowedUpdates = `["message","callback_query"]`
	deliverTries   = 3
)

// New checks the token with getMe and returns the adapter.
func New(ctx context.Context, opts Options) (*Adapter, error) {
	t, err := Open(opts)
	if err != nil {
		return nil, err
	}
	if err := t.Connect(ctx); err != nil {
		return nil, err
	}
	return t, nil
}

// Open returns the adapter without calling Telegram: it can send
// (a send fails and is retried while the Bot API is down) but has not
// checked its token. Connect (once) or AwaitConnect (until it works) does.
// serve uses it, so that a Telegram outage at start-up does not stop the
// HTTP server and the background workers.
func Open(opts Options) (*Adapter, error) {
	if opts.Token == "" {
		return nil, errors.New("telegram: no token")
	}
	if opts.APIEndpoint == "" {
		opts.APIEndpoint = "https://api.telegram.org"
	}
	t := &Adapter{
		token:     opts.Token,
		endpoint:  strings.TrimRight(opts.APIEndpoint, "/"),
		client:    opts.HTTPClient,
		maxPhoto:  opts.MaxPhotoBytes,
		log:       opts.Log,
		retryBase: opts.RetryBase,
		retryMax:  opts.RetryMax,
		attempts:  opts.HandleAttempts,
		hookTries: opts.WebhookAttempts,
		failures:  map[int]int{},
	}
	if t.client == nil {
		t.client = &http.Client{Timeout: 30 * time.Second, Transport: bot.KeepAliveTransport()}
	}
	if t.maxPhoto <= 0 {
		t.maxPhoto = 20 << 20
	}
	if t.log == nil {
		t.log = slog.Default()
	}
	if t.retryBase <= 0 {
		t.retryBase = time.Second
	}
	if t.retryMax <= 0 {
		t.retryMax = 30 * time.Second
	}
	if t.attempts <= 0 {
		t.attempts = 8
	}
	if t.hookTries <= 0 {
		t.hookTries = 3
	}
	poll := opts.PollTimeout
	if poll <= 0 {
		poll = 30 * time.Second
	}
	t.pollSecs = max(int(poll/time.Second), 1)
	// A long poll outlives a client timeout meant for ordinary calls.
	t.pollClient = t.client
	if need := poll + 15*time.Second; t.client.Timeout != 0 && t.client.Timeout < need {
		c := *t.client
		c.Timeout = need
		t.pollClient = &c
	}
	api := &tgbotapi.BotAPI{Token: t.token, Client: t.client, Buffer: 100}
	api.SetAPIEndpoint(t.endpoint + "/bot%s/%s")
	t.api = api
	t.connErr.Store(&connState{err: errors.New("not connected yet")})
	return t, nil
}

// connState is the last getMe's outcome.
type connState struct {
	me  tgbotapi.User
	err error
}

// Connect checks the token with getMe once.
func (t *Adapter) Connect(ctx context.Context) error {
	api, d := t.with(ctx)
	me, err := api.GetMe()
	if err != nil {
		err = t.fail("getMe", d.status, err)
		if prev := t.connErr.Load(); prev.err != nil {
			t.connErr.Store(&connState{err: err})
		}
		return err
	}
	t.connErr.Store(&connState{me: me})
	return nil
}

// AwaitConnect calls getMe until it succeeds, with backoff (RetryBase
// doubling up to RetryMax), logging each failure; it returns nil once
// connected, or ctx's error.
func (t *Adapter) AwaitConnect(ctx context.Context) error {
	for fails := 0; ; {
		err := t.Connect(ctx)
		if err == nil {
			t.log.Info("telegram connected", "bot", t.Username())
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		fails++
		wait := backoff.Of(t.retryBase, t.retryMax, fails)
		t.log.Warn("telegram Bot API unreachable, retrying", "attempt", fails, "retry_in", wait, "err", err)
		if !sleep(ctx, wait) {
			return ctx.Err()
		}
	}
}

// Connected reports whether getMe has succeeded, and else the last error.
func (t *Adapter) Connected() (bool, error) {
	s := t.connErr.Load()
	return s.err == nil, s.err
}

// Username is the bot's @username, for t.me links ("" before Connect).
func (t *Adapter) Username() string { return t.connErr.Load().me.UserName }

// ErrUnauthorized is Telegram refusing the token (401, or 404 for getMe:
// no such bot). Sends fail with it as with an outage (they are retried: a
// token may be fixed without losing the queue); serve refuses to start.
var ErrUnauthorized = errors.New("the bot token was refused")
