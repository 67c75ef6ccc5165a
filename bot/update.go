// Package bot owns the platform adapters (Telegram, WeCom, the console), the
// one Update type they all produce and the outgoing Message type they all
// send. Platform types never leave this package.
package bot

import (
	"context"
	"time"
)

// Platforms an update can come from.
const (
	Console  = "console"
	Telegram = "telegram"
	WeCom    = "wecom"
)

// Chat kinds.
const (
	Private = "private"
	Group   = "group"
)

// Update is one thing a person did: a text, a button press, a photo or a
// location, in a private chat or a group.
type Update struct {
	Platform  string
	Key       string // unique per platform: the dedupe key
	ChatID    string
	ChatKind  string
	ChatTitle string
	UserID    string
	UserName  string
	LangHint  string
	Time      time.Time

	Text     string
	Callback *Callback
	Photo    *Photo
	Location *Location
}

// Callback is a pressed button.
type Callback struct {
	ID        string // the platform's id, to acknowledge it
	Data      string
	MessageID string
}

// Photo is an image as the platform refers to it; the console (and tests)
// carry the bytes at once.
type Photo struct {
	FileRef string
	Size    int
	Bytes   []byte
	MIME    string
}

// Location is a shared point.
type Location struct {
	Lat, Lon float64
}

// Button is one choice. Platforms with inline keyboards show Label and send
// back Data; the console and WeCom show a numbered menu answered by number.
type Button struct {
	Label string
	Data  string
}

// Message is something the bot says, to a private chat or a group.
type Message struct {
	Platform  string
	ChatID    string
	ChatTitle string // set for group chats, for the console's "[群名] text"
	Recipient string // the person's name, for private messages to someone else
	Text      string
	Buttons   [][]Button
	Photo     *Photo
}

// Handler turns an update into what the bot says back. It is implemented by
// package handlers and wired in cmd/alleybot.
type Handler interface {
	Handle(ctx context.Context, u Update) ([]Message, error)
}
