package bot

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf16"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// ErrTooLarge is a file over the size limit; it is refused, not fetched.
var ErrTooLarge = errors.New("file too large")

// KeepAliveTransport is the default transport keeping up to 64 idle
// connections to one host (net/http keeps 2): the outbox sends to many
// chats at once, and a connection closed after each send would mean a new
// TCP and TLS handshake for the next.
func KeepAliveTransport() *http.Transport {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	tr.MaxIdleConns = 128
	return tr
}

// TelegramOptions configures the Telegram adapter. Zero values take the
// defaults given.
type TelegramOptions struct {
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

// TelegramBot is the Telegram adapter: it receives updates by long polling
// or a webhook and implements Sender.
type TelegramBot struct {
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

// NewTelegram checks the token with getMe and returns the adapter.
func NewTelegram(ctx context.Context, opts TelegramOptions) (*TelegramBot, error) {
	t, err := OpenTelegram(opts)
	if err != nil {
		return nil, err
	}
	if err := t.Connect(ctx); err != nil {
		return nil, err
	}
	return t, nil
}

// OpenTelegram returns the adapter without calling Telegram: it can send
// (a send fails and is retried while the Bot API is down) but has not
// checked its token. Connect (once) or AwaitConnect (until it works) does.
// serve uses it, so that a Telegram outage at start-up does not stop the
// HTTP server and the background workers.
func OpenTelegram(opts TelegramOptions) (*TelegramBot, error) {
	if opts.Token == "" {
		return nil, errors.New("telegram: no token")
	}
	if opts.APIEndpoint == "" {
		opts.APIEndpoint = "https://api.telegram.org"
	}
	t := &TelegramBot{
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
		t.client = &http.Client{Timeout: 30 * time.Second, Transport: KeepAliveTransport()}
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
func (t *TelegramBot) Connect(ctx context.Context) error {
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
func (t *TelegramBot) AwaitConnect(ctx context.Context) error {
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
		wait := t.backoff(fails)
		t.log.Warn("telegram Bot API unreachable, retrying", "attempt", fails, "retry_in", wait, "err", err)
		if !sleep(ctx, wait) {
			return ctx.Err()
		}
	}
}

// Connected reports whether getMe has succeeded, and else the last error.
func (t *TelegramBot) Connected() (bool, error) {
	s := t.connErr.Load()
	return s.err == nil, s.err
}

// Username is the bot's @username, for t.me links ("" before Connect).
func (t *TelegramBot) Username() string { return t.connErr.Load().me.UserName }

// RetryAfterError is Telegram's flood control: send nothing to that chat
// before After has passed. A long one holds the whole platform in the
// outbox, unless Chat says the limit is the chat's own.
type RetryAfterError struct {
	Platform Platform // "" is Telegram
	Method   string
	After    time.Duration
	// Chat: the limit counts this chat's sends only (WeCom's 45009: 30 a
	// minute to one member, 20 a minute through one robot), so only this
	// chat waits; the platform's other chats go on.
	Chat bool
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("%s %s: too many requests, retry after %s", orTelegram(e.Platform), e.Method, e.After)
}

// ErrUnauthorized is Telegram refusing the token (401, or 404 for getMe:
// no such bot). Sends fail with it as with an outage (they are retried: a
// token may be fixed without losing the queue); serve refuses to start.
var ErrUnauthorized = errors.New("the bot token was refused")

// PermanentError is a refusal that sending again will not change: the chat
// does not exist, the person blocked the bot, the message is malformed.
type PermanentError struct {
	Platform    Platform // "" is Telegram
	Method      string
	Code        int
	Description string
	// MigrateToChatID is set when a group became a supergroup: its new id.
	MigrateToChatID int64
}

func (e *PermanentError) Error() string {
	return fmt.Sprintf("%s %s: %d %s", orTelegram(e.Platform), e.Method, e.Code, e.Description)
}

func orTelegram(p Platform) Platform {
	if p == "" {
		return Telegram
	}
	return p
}

// ctxDoer gives the library's context-free calls a context, and remembers
// the HTTP status, which the library drops for uploads.
type ctxDoer struct {
	ctx    context.Context
	c      *http.Client
	status int
}

func (d *ctxDoer) Do(req *http.Request) (*http.Response, error) {
	resp, err := d.c.Do(req.WithContext(d.ctx))
	if resp != nil {
		d.status = resp.StatusCode
	}
	return resp, err
}

// with returns a copy of the library client whose calls use ctx.
func (t *TelegramBot) with(ctx context.Context) (*tgbotapi.BotAPI, *ctxDoer) {
	d := &ctxDoer{ctx: ctx, c: t.client}
	api := *t.api
	api.Client = d
	return &api, d
}

// request runs one library call under ctx and classifies its error.
func (t *TelegramBot) request(ctx context.Context, method string, c tgbotapi.Chattable) error {
	api, d := t.with(ctx)
	if _, err := api.Request(c); err != nil {
		return t.fail(method, d.status, err)
	}
	return nil
}

// fail turns a library error into ours, with the token masked.
func (t *TelegramBot) fail(method string, status int, err error) error {
	var te *tgbotapi.Error
	if errors.As(err, &te) {
		code := te.Code
		if code == 0 {
			code = status
		}
		return t.apiError(method, code, te.Message, te.RetryAfter, te.MigrateToChatID)
	}
	if status >= 400 {
		return fmt.Errorf("telegram %s: HTTP %d: %w", method, status, t.mask(err))
	}
	return fmt.Errorf("telegram %s: %w", method, t.mask(err))
}

func (t *TelegramBot) apiError(method string, code int, desc string, retryAfter int, migrate int64) error {
	desc = strings.ReplaceAll(desc, t.token, "<token>")
	switch {
	case code == http.StatusTooManyRequests || retryAfter > 0:
		return &RetryAfterError{Method: method, After: time.Duration(max(retryAfter, 1)) * time.Second}
	case code == http.StatusBadRequest || code == http.StatusForbidden:
		return &PermanentError{Method: method, Code: code, Description: desc, MigrateToChatID: migrate}
	case code == http.StatusUnauthorized || code == http.StatusNotFound && method == "getMe":
		return fmt.Errorf("%w: telegram %s: %d %s", ErrUnauthorized, method, code, desc)
	}
	return fmt.Errorf("telegram %s: %d %s", method, code, desc)
}

// mask removes the token from an error's text. HTTP errors carry the URL,
// and the URL carries the token.
func (t *TelegramBot) mask(err error) error {
	if err == nil || !strings.Contains(err.Error(), t.token) {
		return err
	}
	if ue, ok := err.(*url.Error); ok && !strings.Contains(ue.Err.Error(), t.token) {
		return &url.Error{Op: ue.Op, URL: strings.ReplaceAll(ue.URL, t.token, "<token>"), Err: ue.Err}
	}
	return errors.New(strings.ReplaceAll(err.Error(), t.token, "<token>"))
}

// backoff is the wait before attempt n+1 after n failures: exponential,
// capped, with jitter so restarted instances do not retry in step.
func (t *TelegramBot) backoff(n int) time.Duration {
	d := t.retryMax
	if n < 30 {
		d = min(t.retryBase<<(n-1), t.retryMax)
	}
	return d/2 + rand.N(d/2+1)
}

// sleep waits d or until ctx ends; it reports whether ctx is still alive.
func sleep(ctx context.Context, d time.Duration) bool {
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-tm.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// Poll receives updates by long polling until ctx ends, then returns nil.
// Each update is handled, its callback answered and its replies delivered
// before the next; the offset moves past an update only once its handling
// committed, so a crash redelivers it and the handler's dedupe key drops it.
func (t *TelegramBot) Poll(ctx context.Context, h Handler, out Outbox) error {
	offset, fails := 0, 0
	for ctx.Err() == nil {
		ups, err := t.getUpdates(ctx, offset)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			fails++
			wait := t.backoff(fails)
			var ra *RetryAfterError
			if errors.As(err, &ra) {
				wait = ra.After
			}
			t.log.Warn("telegram getUpdates failed", "err", err, "retry_in", wait)
			sleep(ctx, wait)
			continue
		}
		fails = 0
		for _, raw := range ups {
			var u tgbotapi.Update
			if err := json.Unmarshal(raw, &u); err != nil {
				// A kind our library does not know: skip it, but by its id.
				var id struct {
					UpdateID int `json:"update_id"`
				}
				if json.Unmarshal(raw, &id) != nil || id.UpdateID == 0 {
					t.log.Error("telegram update without id", "err", err)
					continue
				}
				t.log.Warn("telegram update skipped", "update_id", id.UpdateID, "err", err)
				offset = id.UpdateID + 1
				continue
			}
			if !t.process(ctx, u, h, out) {
				return nil
			}
			offset = u.UpdateID + 1
		}
	}
	return nil
}

// getUpdates is one long poll, made by hand so that ctx cancels it.
func (t *TelegramBot) getUpdates(ctx context.Context, offset int) ([]json.RawMessage, error) {
	form := url.Values{"timeout": {strconv.Itoa(t.pollSecs)}, "allowed_updates": {allowedUpdates}}
	if offset != 0 {
		form.Set("offset", strconv.Itoa(offset))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.endpoint+"/bot"+t.token+"/getUpdates", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("telegram getUpdates: %w", t.mask(err))
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := t.pollClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("telegram getUpdates: %w", t.mask(err))
	}
	defer resp.Body.Close()
	var r tgbotapi.APIResponse
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(&r); err != nil {
		return nil, fmt.Errorf("telegram getUpdates: HTTP %d: %w", resp.StatusCode, t.mask(err))
	}
	if !r.Ok {
		code, retry, migrate := r.ErrorCode, 0, int64(0)
		if code == 0 {
			code = resp.StatusCode
		}
		if r.Parameters != nil {
			retry, migrate = r.Parameters.RetryAfter, r.Parameters.MigrateToChatID
		}
		return nil, t.apiError("getUpdates", code, r.Description, retry, migrate)
	}
	var ups []json.RawMessage
	if err := json.Unmarshal(r.Result, &ups); err != nil {
		return nil, fmt.Errorf("telegram getUpdates: %w", err)
	}
	return ups, nil
}

// process handles one update, retrying while the handler fails (each
// failure was rolled back). It returns false when ctx ended first.
func (t *TelegramBot) process(ctx context.Context, u tgbotapi.Update, h Handler, out Outbox) bool {
	bu, ok := TelegramUpdate(u, t.maxPhoto)
	if !ok {
		return true
	}
	for attempt := 1; ; attempt++ {
		// A shutdown does not cancel the update in hand: it finishes (or
		// fails on its own), as the README promises, within a bound.
		hctx, hcancel := context.WithTimeout(context.WithoutCancel(ctx), handleTimeout)
		msgs, err := h.Handle(hctx, bu)
		hcancel()
		if err == nil {
			// The update is committed: its replies go out even if shutdown
			// has begun, or they would be lost (a redelivery is a duplicate).
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
			t.settle(sctx, u, msgs, out, true)
			cancel()
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		if errors.Is(err, ErrPermanent) || (attempt >= t.attempts && !errors.Is(err, ErrTransient)) {
			t.log.Error("telegram update given up", "update_id", u.UpdateID, "attempts", attempt, "err", err)
			t.settle(ctx, u, msgs, out, false)
			return true
		}
		wait := t.backoff(attempt)
		t.log.Warn("telegram update failed, retrying", "update_id", u.UpdateID, "attempt", attempt, "retry_in", wait, "err", err)
		if !sleep(ctx, wait) {
			return false
		}
	}
}

// settle finishes a handled update: the button press is acknowledged and,
// when handled, its keyboard closed, so a stale button cannot be pressed
// twice; then the replies go out. Acknowledging first stops the button's
// spinner as soon as possible.
func (t *TelegramBot) settle(ctx context.Context, u tgbotapi.Update, msgs []Message, out Outbox, handled bool) {
	if cq := u.CallbackQuery; cq != nil {
		if err := t.request(ctx, "answerCallbackQuery", tgbotapi.NewCallback(cq.ID, "")); err != nil {
			// An old query (a redelivered update) can no longer be answered.
			t.log.Info("telegram answerCallbackQuery", "err", err)
		}
		if handled {
			t.closeKeyboard(ctx, cq)
		}
	}
	t.deliver(ctx, out, msgs)
}

// closeKeyboard edits the message whose button was pressed: it keeps its
// text, adds "→ <label>" and drops the keyboard.
func (t *TelegramBot) closeKeyboard(ctx context.Context, cq *tgbotapi.CallbackQuery) {
	// A case card ("c:" buttons) is shared: the coordinators', a
	// department's or the residents' group all press it, a refused press
	// must not take it from the others, and the case's state (checked under
	// a lock) already refuses a stale press.
	if strings.HasPrefix(cq.Data, "c:") {
		return
	}
	m := cq.Message
	if m == nil || m.Chat == nil || m.ReplyMarkup == nil {
		return
	}
	label := ""
	for _, row := range m.ReplyMarkup.InlineKeyboard {
		for _, b := range row {
			if b.CallbackData != nil && *b.CallbackData == cq.Data {
				label = b.Text
			}
		}
	}
	var edit tgbotapi.Chattable
	method := "editMessageReplyMarkup"
	switch {
	case label != "" && m.Text != "" && utf16Len(m.Text+"\n→ "+label) <= tgMaxText:
		edit, method = tgbotapi.NewEditMessageText(m.Chat.ID, m.MessageID, m.Text+"\n→ "+label), "editMessageText"
	case label != "" && m.Caption != "" && utf16Len(m.Caption+"\n→ "+label) <= tgMaxCaption:
		edit, method = tgbotapi.NewEditMessageCaption(m.Chat.ID, m.MessageID, m.Caption+"\n→ "+label), "editMessageCaption"
	default:
		edit = tgbotapi.NewEditMessageReplyMarkup(m.Chat.ID, m.MessageID, tgbotapi.InlineKeyboardMarkup{InlineKeyboard: [][]tgbotapi.InlineKeyboardButton{}})
	}
	if err := t.request(ctx, method, edit); err != nil {
		// "message is not modified" when a redelivered press is edited again.
		t.log.Info("telegram close keyboard", "chat", m.Chat.ID, "message", m.MessageID, "err", err)
	}
}

// deliver sends msgs through out, retrying the failed ones a few times
// unless Telegram refused them for good.
func (t *TelegramBot) deliver(ctx context.Context, out Outbox, msgs []Message) {
	for _, m := range msgs {
		if _, ok := out[m.Platform]; !ok {
			t.log.Info("no sender for message", "platform", m.Platform, "chat", m.ChatID)
		}
	}
	for attempt := 1; len(msgs) > 0; attempt++ {
		failed, err := out.Deliver(ctx, msgs)
		if err == nil {
			return
		}
		var perm *PermanentError
		if errors.As(err, &perm) || attempt >= deliverTries || ctx.Err() != nil {
			t.log.Error("deliver messages", "failed", len(failed), "err", err)
			return
		}
		wait := t.backoff(attempt)
		var ra *RetryAfterError
		if errors.As(err, &ra) {
			wait = ra.After
		}
		t.log.Warn("deliver messages, retrying", "failed", len(failed), "retry_in", wait, "err", err)
		if !sleep(ctx, wait) {
			return
		}
		msgs = failed
	}
}

// failed counts a failed delivery of a webhook update and returns the count
// so far. The table is this process's memory, bounded: it is emptied when
// it grows past maxFailures (a count restarts, never a wedge).
func (t *TelegramBot) failed(updateID int) int {
	const maxFailures = 4096
	t.failMu.Lock()
	defer t.failMu.Unlock()
	if len(t.failures) >= maxFailures {
		clear(t.failures)
	}
	t.failures[updateID]++
	return t.failures[updateID]
}

// WebhookHandler receives updates Telegram POSTs. It answers 401 unless the
// secret header matches (an empty secret refuses everything), handles the
// update synchronously, and answers 500 when handling failed, so Telegram
// delivers it again (the handler rolled it back). A failure that will pass
// (ErrTransient: the database away) is answered 500 however often it comes;
// an update that fails for good (ErrPermanent), or WebhookAttempts times for
// an unknown reason, is apologised for and answered 200, so it does not
// wedge the chat. After the 200 it
// acknowledges the press and delivers the replies before returning.
func (t *TelegramBot) WebhookHandler(secret string, h Handler, out Outbox) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
			return
		}
		got := r.Header.Get(secretHeader)
		if secret == "" || subtle.ConstantTimeCompare([]byte(got), []byte(secret)) != 1 {
			t.log.Warn("telegram webhook: bad secret", "remote", r.RemoteAddr)
			http.Error(w, http.StatusText(http.StatusUnauthorized), http.StatusUnauthorized)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, webhookBody))
		if err != nil {
			http.Error(w, "body too large or unreadable", http.StatusBadRequest)
			return
		}
		var u tgbotapi.Update
		if err := json.Unmarshal(body, &u); err != nil {
			t.log.Warn("telegram webhook: malformed update", "err", err)
			http.Error(w, "malformed update", http.StatusBadRequest)
			return
		}
		bu, ok := TelegramUpdate(u, t.maxPhoto)
		if !ok {
			w.WriteHeader(http.StatusOK)
			return
		}
		msgs, err := h.Handle(r.Context(), bu)
		if err != nil && errors.Is(err, ErrTransient) {
			// It will pass: Telegram delivers it again, however often.
			t.log.Warn("telegram webhook: handling will pass, asking for it again", "update_id", u.UpdateID, "err", err)
			http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
			return
		}
		if err != nil {
			n := t.failed(u.UpdateID)
			if n < t.hookTries && !errors.Is(err, ErrPermanent) {
				t.log.Error("telegram webhook: handle", "update_id", u.UpdateID, "attempt", n, "err", err)
				http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
				return
			}
			t.log.Error("telegram webhook: update given up, apologised", "update_id", u.UpdateID, "attempts", n, "err", err)
		}
		w.WriteHeader(http.StatusOK)
		_ = http.NewResponseController(w).Flush()
		// Telegram may hang up once it has its 200: the replies must still go.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), time.Minute)
		defer cancel()
		t.settle(ctx, u, msgs, out, err == nil)
	})
}

// SetWebhook makes Telegram POST updates to url with secret in the
// X-Telegram-Bot-Api-Secret-Token header.
func (t *TelegramBot) SetWebhook(ctx context.Context, url, secret string) error {
	api, d := t.with(ctx)
	_, err := api.MakeRequest("setWebhook", tgbotapi.Params{"url": url, "secret_token": secret, "allowed_updates": allowedUpdates})
	if err != nil {
		return t.fail("setWebhook", d.status, err)
	}
	return nil
}

// DeleteWebhook removes the webhook, so Poll can receive updates; pending
// updates are kept.
func (t *TelegramBot) DeleteWebhook(ctx context.Context) error {
	api, d := t.with(ctx)
	if _, err := api.MakeRequest("deleteWebhook", nil); err != nil {
		return t.fail("deleteWebhook", d.status, err)
	}
	return nil
}

// Send implements Sender. m.ChatID is the decimal Telegram chat id. A photo
// goes by file_id when it is Telegram's own, else by upload, with the text
// as caption when it fits; a text too long for one message is split at
// line breaks, the buttons under the last part. Errors are
// *RetryAfterError, *PermanentError or transient ones.
func (t *TelegramBot) Send(ctx context.Context, m Message) error {
	chatID, err := strconv.ParseInt(m.ChatID, 10, 64)
	if err != nil {
		return &PermanentError{Method: "sendMessage", Description: "not a Telegram chat id: " + strconv.Quote(m.ChatID)}
	}
	markup := inlineKeyboard(m.Buttons)
	if file, asFile := photoFile(m.Photo); file != nil {
		var p tgbotapi.Chattable
		method, caption := "sendPhoto", utf16Len(m.Text) <= tgMaxCaption
		if asFile {
			d := tgbotapi.NewDocument(chatID, file)
			if caption {
				d.Caption = m.Text
				if markup != nil {
					d.ReplyMarkup = *markup
				}
			}
			p, method = d, "sendDocument"
		} else {
			ph := tgbotapi.NewPhoto(chatID, file)
			if caption {
				ph.Caption = m.Text
				if markup != nil {
					ph.ReplyMarkup = *markup
				}
			}
			p = ph
		}
		err := t.request(ctx, method, p)
		var perm *PermanentError
		switch {
		case err == nil && caption:
			return nil
		case errors.As(err, &perm) && perm.Code == http.StatusBadRequest && perm.MigrateToChatID == 0:
			// The picture was refused (a stale file_id, a type mismatch):
			// the message still goes, as text with its buttons.
			t.log.Warn("telegram: picture refused, sending the text alone", "chat", chatID, "err", err)
		case err != nil:
			return err
		}
	}
	if strings.TrimSpace(m.Text) == "" {
		if markup != nil {
			return &PermanentError{Method: "sendMessage", Description: "buttons without text"}
		}
		return nil
	}
	parts := splitText(m.Text, tgMaxText)
	for i, part := range parts {
		msg := tgbotapi.NewMessage(chatID, part)
		if i == len(parts)-1 && markup != nil {
			msg.ReplyMarkup = *markup
		}
		if err := t.request(ctx, "sendMessage", msg); err != nil {
			return err
		}
	}
	return nil
}

func inlineKeyboard(rows [][]Button) *tgbotapi.InlineKeyboardMarkup {
	var kb [][]tgbotapi.InlineKeyboardButton
	for _, row := range rows {
		var r []tgbotapi.InlineKeyboardButton
		for _, b := range row {
			if b.URL != "" {
				r = append(r, tgbotapi.NewInlineKeyboardButtonURL(b.Label, b.URL))
				continue
			}
			r = append(r, tgbotapi.NewInlineKeyboardButtonData(b.Label, b.Data))
		}
		if len(r) > 0 {
			kb = append(kb, r)
		}
	}
	if len(kb) == 0 {
		return nil
	}
	return &tgbotapi.InlineKeyboardMarkup{InlineKeyboard: kb}
}

// photoFile is what to send for p: Telegram's own photo by file_id, else
// the bytes uploaded as a photo; asFile when only a document's file_id is
// at hand (it can go back only as a document).
func photoFile(p *Photo) (file tgbotapi.RequestFileData, asFile bool) {
	switch {
	case p == nil:
		return nil, false
	case p.Platform == Telegram && p.FileRef != "" && !p.Document:
		return tgbotapi.FileID(p.FileRef), false
	case len(p.Bytes) > 0:
		mime := p.MIME
		if mime == "" {
			mime = http.DetectContentType(p.Bytes)
		}
		name := "photo.jpg"
		switch mime {
		case "image/png":
			name = "photo.png"
		case "image/gif":
			name = "photo.gif"
		case "image/webp":
			name = "photo.webp"
		}
		return tgbotapi.FileBytes{Name: name, Bytes: p.Bytes}, false
	case p.Platform == Telegram && p.FileRef != "":
		return tgbotapi.FileID(p.FileRef), true
	}
	return nil, false
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// splitText cuts s into parts of at most limit UTF-16 units, at the last
// line break that fits, else at a rune boundary.
func splitText(s string, limit int) []string {
	var parts []string
	for utf16Len(s) > limit {
		cut, n, lastNL := 0, 0, -1
		for i, r := range s {
			if n+utf16.RuneLen(r) > limit {
				cut = i
				break
			}
			n += utf16.RuneLen(r)
			if r == '\n' {
				lastNL = i
			}
		}
		if lastNL > 0 {
			parts = append(parts, s[:lastNL])
			s = s[lastNL+1:]
		} else {
			parts = append(parts, s[:cut])
			s = s[cut:]
		}
	}
	return append(parts, s)
}

// FetchFile downloads a file by its file_id: getFile, then the bytes from
// APIEndpoint (not the library's hard-coded host). A file over
// MaxPhotoBytes is refused with an error wrapping ErrTooLarge. Errors are
// returned as they are: retrying is the caller's business.
func (t *TelegramBot) FetchFile(ctx context.Context, fileID string) ([]byte, string, error) {
	api, d := t.with(ctx)
	f, err := api.GetFile(tgbotapi.FileConfig{FileID: fileID})
	if err != nil {
		return nil, "", t.fail("getFile", d.status, err)
	}
	if f.FilePath == "" {
		return nil, "", fmt.Errorf("telegram getFile %s: no file_path", fileID)
	}
	if int64(f.FileSize) > t.maxPhoto {
		return nil, "", fmt.Errorf("telegram file %s is %s, over %s: %w", fileID, HumanBytes(int64(f.FileSize)), HumanBytes(t.maxPhoto), ErrTooLarge)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, t.endpoint+"/file/bot"+t.token+"/"+f.FilePath, nil)
	if err != nil {
		return nil, "", fmt.Errorf("telegram file download: %w", t.mask(err))
	}
	resp, err := t.client.Do(req)
	if err != nil {
		return nil, "", fmt.Errorf("telegram file download: %w", t.mask(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, "", fmt.Errorf("telegram file download %s: HTTP %d", fileID, resp.StatusCode)
	}
	// The size getFile reported may be missing or wrong: count the bytes too.
	data, err := io.ReadAll(io.LimitReader(resp.Body, t.maxPhoto+1))
	if err != nil {
		return nil, "", fmt.Errorf("telegram file download: %w", t.mask(err))
	}
	if int64(len(data)) > t.maxPhoto {
		return nil, "", fmt.Errorf("telegram file %s is over %s: %w", fileID, HumanBytes(t.maxPhoto), ErrTooLarge)
	}
	return data, http.DetectContentType(data), nil
}

// handleTimeout bounds one update's handling once a shutdown has begun.
const handleTimeout = 30 * time.Second

// Clean makes a text from a platform safe to store and to show: valid
// UTF-8, without NUL and the other control characters (but tab and line
// breaks), and without the bidirectional overrides that turn a group
// message's text around.
func Clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return r
		case r < 0x20 || r == 0x7f:
			return -1
		case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			return -1
		}
		return r
	}, s)
}

// TelegramUpdate converts a Telegram update. It returns false for the kinds
// the bot does not act on (edits, channel posts, messages with no sender):
// they are skipped, and Poll moves past them.
func TelegramUpdate(u tgbotapi.Update, maxPhoto int64) (Update, bool) {
	out := Update{Platform: Telegram, Key: strconv.Itoa(u.UpdateID)}
	var chat *tgbotapi.Chat
	var from *tgbotapi.User
	switch {
	case u.Message != nil:
		m := u.Message
		chat, from = m.Chat, m.From
		out.Time = time.Unix(int64(m.Date), 0)
		out.Text = m.Text
		if out.Text == "" {
			out.Text = m.Caption
		}
		if n := len(m.Photo); n > 0 {
			best := m.Photo[0]
			for _, p := range m.Photo[1:] {
				if p.Width*p.Height > best.Width*best.Height || p.Width*p.Height == best.Width*best.Height && p.FileSize > best.FileSize {
					best = p
				}
			}
			out.Photo = &Photo{Platform: Telegram, FileRef: best.FileID, Size: best.FileSize, TooLarge: maxPhoto > 0 && int64(best.FileSize) > maxPhoto}
		} else if d := m.Document; d != nil && strings.HasPrefix(d.MimeType, "image/") {
			out.Photo = &Photo{Platform: Telegram, FileRef: d.FileID, Size: d.FileSize, MIME: d.MimeType, Document: true,
				TooLarge: maxPhoto > 0 && int64(d.FileSize) > maxPhoto}
		}
		if l := m.Location; l != nil {
			out.Location = &Location{Lat: l.Latitude, Lon: l.Longitude}
		}
		// The service messages of an upgrade to a supergroup: one in the old
		// group, one in the new; either rebinds (the second finds it done).
		if m.Chat != nil && m.MigrateToChatID != 0 {
			out.Moved = &ChatMove{From: strconv.FormatInt(m.Chat.ID, 10), To: strconv.FormatInt(m.MigrateToChatID, 10)}
		}
		if m.Chat != nil && m.MigrateFromChatID != 0 {
			out.Moved = &ChatMove{From: strconv.FormatInt(m.MigrateFromChatID, 10), To: strconv.FormatInt(m.Chat.ID, 10)}
		}
	case u.CallbackQuery != nil:
		cq := u.CallbackQuery
		if cq.Message == nil {
			return Update{}, false // a press under an inline-mode message: no chat
		}
		chat, from = cq.Message.Chat, cq.From
		out.Time = time.Now()
		out.Callback = &Callback{ID: cq.ID, Data: cq.Data, MessageID: strconv.Itoa(cq.Message.MessageID)}
	default:
		return Update{}, false
	}
	if chat == nil || from == nil || from.IsBot {
		return Update{}, false
	}
	out.ChatID = strconv.FormatInt(chat.ID, 10)
	out.ChatKind = Group
	if chat.Type == "private" {
		out.ChatKind = Private
	}
	out.ChatTitle = chat.Title
	out.UserID = strconv.FormatInt(from.ID, 10)
	out.UserName = from.UserName
	if out.UserName == "" {
		out.UserName = strings.TrimSpace(from.FirstName + " " + from.LastName)
	}
	out.LangHint = from.LanguageCode
	out.Text, out.ChatTitle, out.UserName = Clean(out.Text), Clean(out.ChatTitle), Clean(out.UserName)
	if out.Callback != nil {
		out.Callback.Data = Clean(out.Callback.Data)
	}
	return out, true
}
