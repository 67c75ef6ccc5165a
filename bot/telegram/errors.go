package telegram

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/alleybot/alleybot/bot"
)

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
func (t *Adapter) with(ctx context.Context) (*tgbotapi.BotAPI, *ctxDoer) {
	d := &ctxDoer{ctx: ctx, c: t.client}
	api := *t.api
	api.Client = d
	return &api, d
}

// request runs one library call under ctx and classifies its error.
func (t *Adapter) request(ctx context.Context, method string, c tgbotapi.Chattable) error {
	api, d := t.with(ctx)
	if _, err := api.Request(c); err != nil {
		return t.fail(method, d.status, err)
	}
	return nil
}

// fail turns a library error into ours, with the token masked.
func (t *Adapter) fail(method string, status int, err error) error {
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

func (t *Adapter) apiError(method string, code int, desc string, retryAfter int, migrate int64) error {
	desc = strings.ReplaceAll(desc, t.token, "<token>")
	switch {
	case code == http.StatusTooManyRequests || retryAfter > 0:
		return &bot.RetryAfterError{Method: method, After: time.Duration(max(retryAfter, 1)) * time.Second}
	case code == http.StatusBadRequest || code == http.StatusForbidden:
		return &bot.PermanentError{Method: method, Code: code, Description: desc, MigrateToChatID: migrate}
	case code == http.StatusUnauthorized || code == http.StatusNotFound && method == "getMe":
		return fmt.Errorf("%w: telegram %s: %d %s", ErrUnauthorized, method, code, desc)
	}
	return fmt.Errorf("telegram %s: %d %s", method, code, desc)
}

// mask removes the token from an error's text. HTTP errors carry the URL,
// and the URL carries the token.
func (t *Adapter) mask(err error) error {
	if err == nil || !strings.Contains(err.Error(), t.token) {
		return err
	}
	if ue, ok := err.(*url.Error); ok && !strings.Contains(ue.Err.Error(), t.token) {
		return &url.Error{Op: ue.Op, URL: strings.ReplaceAll(ue.URL, t.token, "<token>"), Err: ue.Err}
	}
	return errors.New(strings.ReplaceAll(err.Error(), t.token, "<token>"))
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
