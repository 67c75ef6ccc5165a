package bot

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

	"github.com/alleybot/alleybot/i18n"
)

// ConsoleChannel lets one terminal (or a pipe) play every roster person with
// no messenger account: lines in, what the bot says out. Buttons print as a
// numbered menu, answered by the number or the label.
type ConsoleChannel struct {
	People        Directory
	Handler       Handler
	In            io.Reader
	Out           io.Writer
	Echo          bool // print each input line, so a piped transcript reads like a chat
	MaxPhotoBytes int64
	DefaultLang   i18n.Lang

	person Speaker
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
	buttons []Button
}

// ConsoleChatID is the private chat of a person on the console.
func ConsoleChatID(personCode string) string { return "console:" + personCode }

// Run reads until the input ends or ctx is done. It returns nil at end of
// input: a console session ending is not an error.
func (c *ConsoleChannel) Run(ctx context.Context, as string) error {
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
		line := strings.TrimSpace(Clean(sc.Text())) // the same cleaning as a messenger's text
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
		flow, open, err := u.Unfinished(ctx, ConsoleChatID(c.person.Code), c.person.Code)
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

func (c *ConsoleChannel) line(ctx context.Context, line string) error {
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
		return c.send(ctx, Update{Photo: p})
	case "/loc":
		loc, ok := parseLatLon(arg)
		if !ok {
			c.say(i18n.T(c.lang, "console.loc_usage"))
			return nil
		}
		return c.send(ctx, Update{Location: &loc})
	}
	if title, text, ok := groupLine(line); ok {
		return c.inGroup(ctx, title, text)
	}
	if b, m, ok := c.pressed(line); ok {
		if b.URL != "" {
			c.say(b.URL) // a link button: the console shows where it goes
			return nil
		}
		return c.send(ctx, Update{Callback: &Callback{ID: c.nextKey(), Data: b.Data}, ChatID: m.chatID, ChatTitle: m.title})
	}
	return c.send(ctx, Update{Text: line})
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

// GroupDirectory finds a roster group by its title (or code) for a console
// line "[群名] text": its console chat id and title, or "" and the titles
// there are.
type GroupDirectory interface {
	Group(ctx context.Context, title string) (chatID, realTitle string, titles []string, err error)
}

// inGroup says text in a roster group as the current person: a resident's
// 投诉 in the residents' group is heard as on a messenger. A number or a
// label presses a button of that group's newest menu.
func (c *ConsoleChannel) inGroup(ctx context.Context, title, text string) error {
	g, ok := c.People.(GroupDirectory)
	if !ok {
		return c.send(ctx, Update{Text: "[" + title + "] " + text})
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
				return c.send(ctx, Update{Callback: &Callback{ID: c.nextKey(), Data: b.Data}, ChatID: m.chatID, ChatTitle: m.title})
			}
			break
		}
	}
	return c.send(ctx, Update{Text: text, ChatID: chatID, ChatTitle: real})
}

// pressed matches a line against the newest menu the current person can
// see (their own private chat, or a group): its number or its label. The
// menus of other people's private chats are theirs to press after /as.
func (c *ConsoleChannel) pressed(line string) (Button, menu, bool) {
	for i := len(c.menus) - 1; i >= 0; i-- {
		m := c.menus[i]
		if m.title == "" && m.chatID != ConsoleChatID(c.person.Code) {
			continue
		}
		b, ok := m.match(line)
		return b, m, ok // only the newest visible menu answers
	}
	return Button{}, menu{}, false
}

// match finds the button a line presses: its number or its label.
func (m menu) match(line string) (Button, bool) {
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
	return Button{}, false
}

func (c *ConsoleChannel) nextKey() string {
	c.seq++
	return fmt.Sprintf("%s-%d", c.runID, c.seq)
}

func (c *ConsoleChannel) send(ctx context.Context, u Update) error {
	u.Platform = Console
	u.Key = c.nextKey()
	if u.ChatID == "" {
		u.ChatID = ConsoleChatID(c.person.Code)
	}
	u.ChatKind = Private
	if strings.HasPrefix(u.ChatID, ConsoleGroupPrefix) {
		u.ChatKind = Group
	}
	u.UserID = c.person.Code
	u.UserName = c.person.Name
	u.Time = time.Now()
	msgs, err := c.Handler.Handle(ctx, u)
	for wait, told := time.Second, false; errors.Is(err, ErrTransient) && ctx.Err() == nil; wait = min(2*wait, 30*time.Second) {
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

func (c *ConsoleChannel) print(msgs []Message) {
	for _, m := range msgs {
		prefix := ""
		switch {
		case m.ChatTitle != "":
			prefix = "[" + m.ChatTitle + "] "
		case strings.HasPrefix(m.ChatID, ConsoleGroupPrefix):
			prefix = "[" + strings.TrimPrefix(m.ChatID, ConsoleGroupPrefix) + "] "
		case m.ChatID != ConsoleChatID(c.person.Code):
			// Someone else's private chat (a resident's too): whose it is,
			// not as if to whoever is typing.
			to := m.Recipient
			if to == "" {
				to = strings.TrimPrefix(strings.TrimPrefix(m.ChatID, ConsoleChatID("")), ResidentPrefix)
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

func (c *ConsoleChannel) say(text string) { fmt.Fprintln(c.Out, text) }

// Speaker is a roster person the console speaks as.
type Speaker struct {
	Code  string
	Name  string
	Lang  string
	Roles []string // catalog keys of the role names, "role.steward" …
}

// ResidentPrefix starts the console user id of a resident (someone not in
// the roster the console speaks as): "居民:张大妈".
const ResidentPrefix = "居民:"

// Directory is the roster as the console needs it. Speaker finds a person
// by roster code or name and makes the console one of their accounts (and
// every roster group a console chat); a name that matches nobody, or
// several people, is a *NoSpeakerError.
type Directory interface {
	Speaker(ctx context.Context, codeOrName string) (Speaker, error)
}

// NoSpeakerError lists whom the console could speak as instead.
type NoSpeakerError struct {
	Who   string
	Names []string // "王秀兰(S01)" …
	// Same lists the people who share the name Who, when there are
	// several: the console asks for a code instead of denying them.
	Same []string
}

// Error names who was not found.
func (e *NoSpeakerError) Error() string { return fmt.Sprintf("no roster person %q", e.Who) }

// switchTo makes the console speak as a roster person.
func (c *ConsoleChannel) switchTo(ctx context.Context, who string, first bool) error {
	p, err := c.People.Speaker(ctx, who)
	var none *NoSpeakerError
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
			c.person = Speaker{Code: ResidentPrefix + who, Name: who, Roles: []string{"role.resident"}}
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

func (c *ConsoleChannel) readPhoto(path string) (*Photo, string) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, i18n.T(c.lang, "console.photo_error", "path", path, "err", err)
	}
	if c.MaxPhotoBytes > 0 && st.Size() > c.MaxPhotoBytes {
		return nil, i18n.T(c.lang, "console.photo_large", "path", path, "size", HumanBytes(st.Size()), "max", HumanBytes(c.MaxPhotoBytes))
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, i18n.T(c.lang, "console.photo_error", "path", path, "err", err)
	}
	mime := http.DetectContentType(b)
	if !strings.HasPrefix(mime, "image/") {
		return nil, i18n.T(c.lang, "console.photo_not_image", "path", path, "type", mime)
	}
	return &Photo{FileRef: path, Size: len(b), Bytes: b, MIME: mime}, ""
}

// parseLatLon reads "39.9407, 116.4035" as typed, full-width forms
// (３９．９，１１６．４) and the Chinese comma included.
func parseLatLon(s string) (Location, bool) {
	a, b, ok := strings.Cut(strings.ReplaceAll(i18n.Narrow(s), "、", ","), ",")
	if !ok {
		return Location{}, false
	}
	lat, err1 := strconv.ParseFloat(strings.TrimSpace(a), 64)
	lon, err2 := strconv.ParseFloat(strings.TrimSpace(b), 64)
	l := Location{Lat: lat, Lon: lon}
	if err1 != nil || err2 != nil || !l.Valid() {
		return Location{}, false
	}
	return l, true
}

// HumanBytes renders a size as 9.5 MB.
func HumanBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
