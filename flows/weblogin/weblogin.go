// Package weblogin is /web (网页): a person with a desk role asks in a
// private chat for a link to the web desk (package desk). The link is
// valid for LinkTTL, usable once, bound to that person; only its SHA-256
// is stored.
package weblogin

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/conversations"
)

// Settings are the desk link's own.
type Settings struct {
	// BaseURL is where the desk is reached (http.public_url, or the
	// listener's loopback address when none is set).
	BaseURL string
	// LinkTTL is how long a link may wait before it is opened (10 min).
	LinkTTL time.Duration
}

// Domain has no flows: /web is a command; its settings live here.
func Domain(s Settings) conversations.Domain {
	if s.LinkTTL <= 0 {
		s.LinkTTL = 10 * time.Minute
	}
	return conversations.Domain{Name: "weblogin", Settings: &s}
}

// Link answers /web with a fresh login link (the router has checked the
// role).
func Link(ctx context.Context, t *conversations.Turn) error {
	if t.Update.ChatKind == bot.Group {
		t.Reply(t.T("web.private"))
		return nil
	}
	s := conversations.SettingsOf[Settings](t.Engine())
	if s.BaseURL == "" {
		t.Reply(t.T("web.no_url"))
		return nil
	}
	token, hash := NewToken()
	now := t.Engine().Deps().Now()
	if err := t.Tx.CreateDeskLogin(ctx, hash, t.Person.ID, now, now.Add(s.LinkTTL)); err != nil {
		return err
	}
	t.Reply(t.T("web.link", "url", strings.TrimRight(s.BaseURL, "/")+"/desk/login/"+token, "minutes", int(s.LinkTTL.Minutes())))
	return nil
}

// NewToken is a random token (32 bytes, URL-safe) and its SHA-256 in hex,
// the form the store keeps.
func NewToken() (token, hash string) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on Linux
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, Hash(token)
}

// Hash is a token's SHA-256 in hex.
func Hash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
