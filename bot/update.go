// Package bot is what every platform adapter has in common: the one Update
// type they all produce, the outgoing Message type they all send, the
// Sender and Handler interfaces, the errors a send returns and what a
// platform can do for a chat (Chats). The adapters live beside each other
// below it (bot/telegram, bot/wecom, bot/console); a platform's own types
// and its chat-id formats never leave its adapter.
package bot

import (
	"context"
	"errors"
	"time"
)

// Platform is a messenger the bot speaks on.
type Platform string

// Platforms an update can come from.
const (
	Console  Platform = "console"
	Telegram Platform = "telegram"
	WeCom    Platform = "wecom"
	// WeChat is plain WeChat reached through WeCom's customer service
	// (微信客服): residents, chat ids "<open_kfid>|<external_userid>".
	WeChat Platform = "wechat"
	// Web is the desk in the browser (package desk): a press there is an
	// update like a press in a chat; what the bot answers is shown on the
	// page that made it.
	Web Platform = "web"
	// Offline is a complaint a coordinator took by phone, letter or visit
	// (/complain_for): nobody to write to; the caller is called back.
	Offline Platform = "offline"
)

// Local reports a platform with no server: the process that handles an
// update shows what the bot says at once (the console prints it, the desk
// shows it on the page). Its chats are ordinary bindings, but only its own
// session hears them; nothing is queued for it. Offline has no chat at
// all: nothing is sent to it either.
func (p Platform) Local() bool { return p == Console || p == Web || p == Offline }

// MediaExpires reports a platform whose photo references expire (WeCom's
// and WeChat customer service's MediaId: 3 days), so a photo sent on
// later goes from its stored bytes, not by the reference it came with.
func (p Platform) MediaExpires() bool { return p == WeCom || p == WeChat }

// ChatKind tells a private chat from a group.
type ChatKind string

// Chat kinds.
const (
	Private ChatKind = "private"
	Group   ChatKind = "group"
)

// Update is one thing a person did: a text, a button press, a photo or a
// location, in a private chat or a group.
type Update struct {
	Platform  Platform
	Key       string // unique per platform: the dedupe key
	ChatID    string
	ChatKind  ChatKind
	ChatTitle string
	UserID    string
	UserName  string
	LangHint  string
	Time      time.Time

	Text     string
	Callback *Callback
	Photo    *Photo
	Location *Location
	// Moved says the chat has a new id (a Telegram group upgraded to a
	// supergroup): what was bound to From now belongs to To.
	Moved *ChatMove
}

// ChatMove is a chat's change of id on its platform.
type ChatMove struct{ From, To string }

// Callback is a pressed button.
type Callback struct {
	ID        string // the platform's id, to acknowledge it
	Data      string
	MessageID string
}

// Photo is an image as a platform refers to it (FileRef, valid on Platform)
// and/or its bytes. The console carries the bytes at once; Telegram gives a
// file_id whose bytes are fetched later. A sender uses FileRef when the photo
// is from its own platform, else the bytes.
type Photo struct {
	Platform Platform
	FileRef  string
	Size     int
	Bytes    []byte
	MIME     string
	TooLarge bool  // the platform said it is over the size limit: not fetched
	PhotoID  int64 // the stored photo, whose bytes a sender can load (queued messages carry no bytes)
	// Document: the platform has it as a file, not a photo (a Telegram
	// document), so its FileRef goes back only as a file: a sender
	// uploads the stored bytes as a photo instead.
	Document bool `json:",omitempty"`
}

// Location is a shared point.
type Location struct {
	Lat, Lon float64
}

// Valid reports a point on Earth: both numbers in range (so neither NaN
// nor infinite).
func (l Location) Valid() bool {
	return l.Lat >= -90 && l.Lat <= 90 && l.Lon >= -180 && l.Lon <= 180
}

// Button is one choice. Platforms with inline keyboards show Label and send
// back Data; the console and WeCom show a numbered menu answered by number.
type Button struct {
	Label string
	Data  string
	// URL makes a link button (a course link): pressing it opens the
	// address; a platform without link buttons shows it in the text.
	URL string `json:",omitempty"`
}

// Message is something the bot says, to a private chat or a group.
type Message struct {
	Platform  Platform
	ChatID    string
	ChatTitle string // set for group chats, for the console's "[群名] text"
	Recipient string // the person's name, for private messages to someone else
	Text      string
	Buttons   [][]Button
	Photo     *Photo
	// Prompt marks a flow step's question: a queue drops it, rather than
	// send it late, when the person's conversation has moved on since.
	Prompt *Prompt `json:",omitempty"`
	// Mentions are the people a group message concerns, by their WeCom
	// userid: a WeCom group robot @-mentions them (others ignore it).
	Mentions []string `json:",omitempty"`
	// Broadcast names the broadcast the message belongs to ("training:12"),
	// so its progress can be counted in the outbox.
	Broadcast string `json:",omitempty"`
	// Kind is the chat's kind, set by whoever addresses the message (a
	// reply takes its update's, the audience knows a group from a person);
	// the outbox paces a group as a group by it. "" leaves it to the
	// platform (Chats).
	Kind ChatKind `json:",omitempty"`
	// Reply marks an answer to the person whose update is being handled, in
	// their private chat: the outbox sends it ahead of bulk sends
	// (broadcasts, group posts, scheduled pings) within the platform's rate.
	Reply bool `json:",omitempty"`
}

// Prompt names the conversation state a question was asked in: the
// person (UserID, in the message's chat) and the state's version.
type Prompt struct {
	UserID  string
	Version int64
}

// Sender delivers messages to one platform.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// ErrPermanent marks a handling failure that a retry will meet again (data
// the database refuses, a bug): the adapter apologises and acknowledges the
// update at once instead of having the platform resend it forever.
var ErrPermanent = errors.New("permanent failure")

// ErrTransient marks a handling failure that will pass (the database is
// unreachable or restarting, a serialization failure or deadlock, a
// timeout): the adapter has the update delivered again, however many times
// it takes, and never apologises for it: nothing was dropped. A failure
// that is neither (an unknown error) is tried a bounded number of times.
var ErrTransient = errors.New("transient failure")

// Handler turns an update into what the bot says back. It is implemented by
// package handlers and wired in cmd/alleybot.
type Handler interface {
	Handle(ctx context.Context, u Update) ([]Message, error)
}

// SharedButtons is implemented by a Handler that knows which presses are
// of a shared card: one that many people press (a case card in the
// coordinators', a department's or the residents' group), so that a press,
// a refused one above all, must not take its keyboard from the others. An
// adapter that closes a pressed keyboard (Telegram) asks it first.
type SharedButtons interface {
	SharedButton(data string) bool
}

// Outbox routes each message to its platform's sender. A message for a
// platform with no sender in this process (a Telegram group while running
// the console only) is skipped and logged by the caller.
type Outbox map[Platform]Sender

// Deliver sends msgs in order; it returns the messages it could not send
// and the first error.
func (o Outbox) Deliver(ctx context.Context, msgs []Message) ([]Message, error) {
	var failed []Message
	var first error
	for _, m := range msgs {
		s, ok := o[m.Platform]
		if !ok {
			continue
		}
		if err := s.Send(ctx, m); err != nil {
			failed = append(failed, m)
			if first == nil {
				first = err
			}
		}
	}
	return failed, first
}

// PrivateChatID is the chat id of a user's private chat with the bot: the
// user id itself on Telegram and WeCom, console:CODE on the console.
func PrivateChatID(platform Platform, userID string) string {
	switch platform {
	case Console:
		return "console:" + userID
	case Web:
		return "web:" + userID
	}
	return userID
}
