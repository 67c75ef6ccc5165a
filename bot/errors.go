package bot

import (
	"errors"
	"fmt"
	"time"
)

// ErrTooLarge is a file over the size limit; it is refused, not fetched.
var ErrTooLarge = errors.New("file too large")

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
