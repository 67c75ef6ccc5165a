// Package console is the console adapter: one terminal (or a pipe) plays
// every roster person, lines in and what the bot says out. Its chats are
// "console:<code>" (a person) and "group:<code>" (a roster group).
package console

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/i18n"
)

// Channel lets one terminal (or a pipe) play every roster person with
// no messenger account: lines in, what the bot says out. Buttons print as a
// numbered menu, answered by the number or the label.
type Channel struct {
	People        bot.Directory
	Handler       bot.Handler
	In            io.Reader
	Out           io.Writer
	Echo          bool // print each input line, so a piped transcript reads like a chat
	MaxPhotoBytes int64
	DefaultLang   i18n.Lang

	person bot.Speaker
	lang   i18n.Lang
	seq    int
	runID  string
	menus  []menu // menus shown, newest last
	// namesShown: the roster's names were listed once (a name not in it
	// plays a resident; the list is not repeated each time).
	namesShown bool
}

// menu is the buttons of one message, and where it was shown.
type menu struct {
	chatID  string
	title   string // group title, "" for a private chat
	buttons []bot.Button
}

// ChatID is the private chat of a person on the console.
func ChatID(personCode string) string { return bot.PrivateChatID(bot.Console, personCode) }

// GroupPrefix starts the console's chat id of a roster group
// ("group:exchange"); the console binds every group so.
const GroupPrefix = "group:"

// GroupChatID is the console's chat of the roster group code.
func GroupChatID(code string) string { return GroupPrefix + code }

// Run reads until the input ends or ctx is done. It returns nil at end of
// input: a console session ending is not an error.
func (c *Channel) Run(ctx context.Context, as string) error {
	c.runID = strconv.FormatInt(time.Now().UnixNano(), 36)
	if err := c.switchTo(ctx, as, true); err != nil {
		return err
	}
	sc := bufio.NewScanner(c.In)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		if ctx.Err() != nil {
			return nil
		}
		line := strings.TrimSpace(bot.Clean(sc.Text())) // the same cleaning as a messenger's text
		if i := strings.Index(line, "← "); i > 0 && strings.TrimSpace(line[:i]) != "" {
			line = strings.TrimSpace(line[:i]) // a note in an example script: "1   ← 环境卫生"
		}
		if line == "" {
			continue
		}
		if c.Echo {
			fmt.Fprintf(c.Out, "> %s\n", line)
		}
		if err := c.line(ctx, line); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	// A piped script that stops half-way through a flow says so: the draft
	// is kept, and the next session can go on with it.
	if u, ok := c.People.(interface {
		Unfinished(ctx context.Context, chatID, userID string) (string, bool, error)
	}); ok && c.person.Code != "" {
		flow, open, err := u.Unfinished(ctx, ChatID(c.person.Code), c.person.Code)
		if err == nil && open {
			lang := c.lang
			if lang == "" {
				lang = c.DefaultLang
			}
			c.say(i18n.T(lang, "console.unfinished", "name", c.person.Name, "flow", i18n.T(lang, flow)))
		}
	}
	return nil
}

func (c *Channel) line(ctx context.Context, line string) error {
	cmd, arg, _ := strings.Cut(line, " ")
	arg = strings.TrimSpace(arg)
	switch strings.ToLower(cmd) {
	case "/as":
		if arg == "" {
			c.say(i18n.T(c.lang, "console.as_usage"))
			return nil
		}
		return c.switchTo(ctx, arg, false)
	case "/photo":
		if arg == "" {
			c.say(i18n.T(c.lang, "console.photo_usage"))
			return nil
		}
		p, msg := c.readPhoto(arg)
		if msg != "" {
			c.say(msg)
			return nil
		}
		return c.send(ctx, bot.Update{Photo: p})
	case "/loc":
		loc, ok := parseLatLon(arg)
		if !ok {
			c.say(i18n.T(c.lang, "console.loc_usage"))
			return nil
		}
		return c.send(ctx, bot.Update{Location: &loc})
	}
	if title, text, ok := groupLine(line); ok {
		return c.inGroup(ctx, title, text)
	}
	if b, m, ok := c.pressed(line); ok {
		if b.URL != "" {
			c.say(b.URL) // a link button: the console shows where it goes
			return nil
		}
		return c.send(ctx, bot.Update{Callback: &bot.Callback{ID: c.nextKey(), Data: b.Data}, ChatID: m.chatID, ChatTitle: m.title})
	}
	return c.send(ctx, bot.Update{Text: line})
}

// groupLine reads "[群名] text": a line said in a group, as the console
// prints a group's messages.
func groupLine(line string) (title, text string, ok bool) {
	rest, ok := strings.CutPrefix(line, "[")
	if !ok {
		return "", "", false
	}
	title, text, ok = strings.Cut(rest, "]")
	title, text = strings.TrimSpace(title), strings.TrimSpace(text)
	if !ok || title == "" || text == "" || strings.HasPrefix(title, "→") {
		return "", "", false
	}
	return title, text, true
}

// inGroup says text in a roster group as the current person: a resident's
// 投诉 in the residents' group is heard as on a messenger. A number or a
// label presses a button of that group's newest menu.
func (c *Channel) inGroup(ctx context.Context, title, text string) error {
	g, ok := c.People.(bot.GroupDirectory)
	if !ok {
		return c.send(ctx, bot.Update{Text: "[" + title + "] " + text})
	}
	chatID, real, titles, err := g.Group(ctx, title)
	if err != nil {
		return err
	}
	lang := c.lang
	if lang == "" {
		lang = c.DefaultLang
	}
	if chatID == "" {
		c.say(i18n.T(lang, "console.no_group", "title", title, "titles", strings.Join(titles, i18n.T(lang, "list.sep"))))
		return nil
	}
	for i := len(c.menus) - 1; i >= 0; i-- {
		if m := c.menus[i]; m.chatID == chatID {
			if b, ok := m.match(text); ok && b.URL == "" {
				return c.send(ctx, bot.Update{Callback: &bot.Callback{ID: c.nextKey(), Data: b.Data}, ChatID: m.chatID, ChatTitle: m.title})
			}
			break
		}
	}
	return c.send(ctx, bot.Update{Text: text, ChatID: chatID, ChatTitle: real})
}

// pressed matches a line against the newest menu the current person can
// see (their own private chat, or a group): its number or its label. The
// menus of other people's private chats are theirs to press after /as.
func (c *Channel) pressed(line string) (bot.Button, menu, bool) {
	for i := len(c.menus) - 1; i >= 0; i-- {
		m := c.menus[i]
		if m.title == "" && m.chatID != ChatID(c.person.Code) {
			continue
		}
		b, ok := m.match(line)
		return b, m, ok // only the newest visible menu answers
	}
	return bot.Button{}, menu{}, false
}

// match finds the button a line presses: its number or its label.
func (m menu) match(line string) (bot.Button, bool) {
	if n, err := strconv.Atoi(line); err == nil && n >= 1 && n <= len(m.buttons) {
		return m.buttons[n-1], true
	}
	for _, b := range m.buttons {
		if strings.EqualFold(b.Label, line) {
			return b, true
		}
	}
	for _, b := range m.buttons { // 帽儿胡同 for 帽儿胡同(现在)
		if strings.HasPrefix(b.Label, line+"(") {
			return b, true
		}
	}
	return bot.Button{}, false
}

func (c *Channel) nextKey() string {
	c.seq++
	return fmt.Sprintf("%s-%d", c.runID, c.seq)
}

func (c *Channel) send(ctx context.Context, u bot.Update) error {
	u.Platform = bot.Console
	u.Key = c.nextKey()
	if u.ChatID == "" {
		u.ChatID = ChatID(c.person.Code)
	}
	u.ChatKind = Chats{}.Kind(u.ChatID)
	u.UserID = c.person.Code
	u.UserName = c.person.Name
	u.Time = time.Now()
	msgs, err := c.Handler.Handle(ctx, u)
	for wait, told := time.Second, false; errors.Is(err, bot.ErrTransient) && ctx.Err() == nil; wait = min(2*wait, 30*time.Second) {
		// The database is away: the line is kept and tried again until it
		// is back (or the console is stopped), like a chat's redelivery.
		if !told {
			c.say(i18n.T(c.lang, "console.retrying"))
			told = true
		}
		select {
		case <-ctx.Done():
		case <-time.After(wait):
			msgs, err = c.Handler.Handle(ctx, u)
		}
	}
	c.print(msgs)
	if err != nil && ctx.Err() != nil {
		return ctx.Err()
	}
	// A failed update has already been answered with the catalog's apology;
	// the console goes on, like a chat would.
	return nil
}

func (c *Channel) print(msgs []bot.Message) {
	for _, m := range msgs {
		prefix := ""
		switch {
		case m.ChatTitle != "":
			prefix = "[" + m.ChatTitle + "] "
		case strings.HasPrefix(m.ChatID, GroupPrefix):
			prefix = "[" + strings.TrimPrefix(m.ChatID, GroupPrefix) + "] "
		case m.ChatID != ChatID(c.person.Code):
			// Someone else's private chat (a resident's too): whose it is,
			// not as if to whoever is typing.
			to := m.Recipient
			if to == "" {
				to = strings.TrimPrefix(strings.TrimPrefix(m.ChatID, ChatID("")), bot.ResidentPrefix)
			}
			prefix = "[→ " + to + "] "
		}
		text := m.Text
		if m.Photo != nil {
			text = "🖼 " + m.Photo.FileRef + "\n" + text
		}
		indent := ""
		if prefix != "" {
			indent = "    " // continuation lines of a group message
		}
		fmt.Fprintln(c.Out, prefix+strings.ReplaceAll(text, "\n", "\n"+indent))
		if len(m.Buttons) > 0 {
			mn := menu{chatID: m.ChatID, title: m.ChatTitle}
			var parts []string
			for _, row := range m.Buttons {
				for _, b := range row {
					mn.buttons = append(mn.buttons, b)
					if b.URL != "" {
						parts = append(parts, fmt.Sprintf("[%d] %s <%s>", len(mn.buttons), b.Label, b.URL))
						continue
					}
					parts = append(parts, fmt.Sprintf("[%d] %s", len(mn.buttons), b.Label))
				}
			}
			c.menus = append(c.menus, mn)
			if len(c.menus) > 50 {
				c.menus = c.menus[1:]
			}
			fmt.Fprintln(c.Out, indent+strings.Join(parts, "  "))
		}
	}
}

func (c *Channel) say(text string) { fmt.Fprintln(c.Out, text) }

// switchTo makes the console speak as a roster person.
func (c *Channel) switchTo(ctx context.Context, who string, first bool) error {
	p, err := c.People.Speaker(ctx, who)
	var none *bot.NoSpeakerError
	if errors.As(err, &none) {
		lang := c.lang
		if lang == "" {
			lang = c.DefaultLang
		}
		msg := i18n.T(lang, "console.no_person", "name", who, "names", strings.Join(none.Names, i18n.T(lang, "list.sep")))
		if len(none.Same) > 0 {
			msg = i18n.T(lang, "console.ambiguous", "name", who, "names", strings.Join(none.Same, i18n.T(lang, "list.sep")))
		}
		if first {
			return errors.New(msg)
		}
		if len(none.Same) == 0 && strings.TrimSpace(who) != "" {
			// Someone not in the roster plays a resident: no account, as on
			// a messenger; they may complain.
			c.person = bot.Speaker{Code: bot.ResidentPrefix + who, Name: who, Roles: []string{"role.resident"}}
			if c.namesShown {
				c.say(i18n.T(lang, "console.as_resident.again", "name", who)) // the roster was listed once
				return nil
			}
			c.namesShown = true
			c.say(i18n.T(lang, "console.as_resident", "name", who, "names", strings.Join(none.Names, i18n.T(lang, "list.sep"))))
			return nil
		}
		c.say(msg)
		return nil
	}
	if err != nil {
		return err
	}
	c.person = p
	c.lang = i18n.Parse(p.Lang, c.DefaultLang)
	names := make([]string, len(p.Roles))
	for i, r := range p.Roles {
		names[i] = i18n.T(c.lang, r)
	}
	key := "console.switched"
	if first {
		key = "console.banner"
	}
	c.say(i18n.T(c.lang, key, "name", p.Name, "roles", strings.Join(names, i18n.T(c.lang, "list.sep"))))
	return nil
}

func (c *Channel) readPhoto(path string) (*bot.Photo, string) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, i18n.T(c.lang, "console.photo_error", "path", path, "err", err)
	}
	if c.MaxPhotoBytes > 0 && st.Size() > c.MaxPhotoBytes {
		return nil, i18n.T(c.lang, "console.photo_large", "path", path, "size", bot.HumanBytes(st.Size()), "max", bot.HumanBytes(c.MaxPhotoBytes))
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, i18n.T(c.lang, "console.photo_error", "path", path, "err", err)
	}
	mime := http.DetectContentType(b)
	if !strings.HasPrefix(mime, "image/") {
		return nil, i18n.T(c.lang, "console.photo_not_image", "path", path, "type", mime)
	}
	return &bot.Photo{FileRef: path, Size: len(b), Bytes: b, MIME: mime}, ""
}

// parseLatLon reads "39.9407, 116.4035" as typed, full-width forms
// (３９．９，１１６．４) and the Chinese comma included.
func parseLatLon(s string) (bot.Location, bool) {
	a, b, ok := strings.Cut(strings.ReplaceAll(i18n.Narrow(s), "、", ","), ",")
	if !ok {
		return bot.Location{}, false
	}
	lat, err1 := strconv.ParseFloat(strings.TrimSpace(a), 64)
	lon, err2 := strconv.ParseFloat(strings.TrimSpace(b), 64)
	l := bot.Location{Lat: lat, Lon: lon}
	if err1 != nil || err2 != nil || !l.Valid() {
		return bot.Location{}, false
	}
	return l, true
}
