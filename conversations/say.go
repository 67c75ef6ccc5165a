package conversations

import (
	"context"
	"errors"
	"time"

	"github.com/alleybot/alleybot/audience"
	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// What every domain says, and to whom: buttons in the reader's language,
// groups and people through the audience, stored photos as attachments.

// Button is a family's button named by its catalog key; it is rendered
// in the language of whoever reads it (a group, or each person). A label
// that is the same in every language (★★★) is given as symbols.
type Button struct {
	Key     string // catalog key of the label, "button.verify"
	Args    []any
	Symbols string // the label itself, when Key is ""
	Data    string // the press: "c:verify:12", "k:answer:3" (Pressed.Data)
}

// FamilyButton is the button of family prefix's action on id, labelled by key.
func FamilyButton(key, prefix, action string, id int64) Button {
	return Button{Key: key, Data: Pressed{Prefix: prefix, Action: action, ID: id}.Data()}
}

// Render lays the buttons out in lang: two to a row, a long label alone.
func Render(lang i18n.Lang, bs []Button) [][]bot.Button {
	out := make([]bot.Button, len(bs))
	for i, b := range bs {
		label := b.Symbols
		if b.Key != "" {
			label = i18n.T(lang, b.Key, b.Args...)
		}
		out[i] = bot.Button{Label: label, Data: b.Data}
	}
	return layout(out)
}

// layout puts buttons two to a row; a label longer than eight characters
// takes a row of its own.
func layout(bs []bot.Button) [][]bot.Button {
	var rows [][]bot.Button
	var row []bot.Button
	for _, b := range bs {
		wide := len([]rune(b.Label)) > 8
		if wide || len(row) == 2 {
			if len(row) > 0 {
				rows = append(rows, row)
			}
			row = nil
		}
		row = append(row, b)
		if wide {
			rows = append(rows, row)
			row = nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	return rows
}

// ToGroups says text (and a photo, and case buttons) in every group chat
// of kind within scope.
func (t *Turn) ToGroups(ctx context.Context, kind model.ChatKind, scope audience.Scope, text string, photo *bot.Photo, buttons ...Button) error {
	msgs, err := t.Audience().Groups(ctx, kind, scope, bot.Message{Text: text, Photo: photo,
		Buttons: Render(t.Deps.DefaultLang, buttons)})
	t.Say(msgs...)
	return err
}

// ToPerson says a catalog message to a person, in their language, on each
// account they have.
func (t *Turn) ToPerson(ctx context.Context, personID int64, key string, args []any, photo *bot.Photo, buttons ...Button) error {
	msgs, err := t.Audience().Person(ctx, personID, func(lang i18n.Lang) bot.Message {
		return bot.Message{Text: i18n.T(lang, key, args...), Photo: photo, Buttons: Render(lang, buttons)}
	})
	t.Say(msgs...)
	return err
}

// PhotoByID is the first of ids as a message attachment (nil for none).
func (t *Turn) PhotoByID(ctx context.Context, ids []int64) (*bot.Photo, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	ps, err := t.Tx.PhotosByIDs(ctx, ids[:1])
	if err != nil || len(ps) == 0 {
		return nil, err
	}
	return t.Photo(ctx, ps[0])
}

// Photo attaches a stored photo: its platform reference, and its bytes
// when they are stored already (needed to post it on another platform).
func (t *Turn) Photo(ctx context.Context, p store.Photo) (*bot.Photo, error) {
	bp := &bot.Photo{Platform: bot.Platform(p.Platform), FileRef: p.FileRef, Size: int(p.FileSize.Int64), PhotoID: p.ID, Document: p.Document}
	if len(p.SHA256) > 0 {
		data, mime, err := t.Tx.PhotoBytes(ctx, p.ID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		bp.Bytes, bp.MIME = data, mime
	}
	return bp, nil
}

// GroupIs reports whether the update's chat is where a button whose cards
// go to groups of kind home counts: the presser's private chat always; a
// group only if the roster binds it and it is of that kind ("": none), and
// for a department's group, the case's department's (caseDept; 0: any).
func (t *Turn) GroupIs(ctx context.Context, home model.ChatKind, caseDept int64) (bool, error) {
	if t.Update.ChatKind != bot.Group {
		return true, nil
	}
	if home == "" {
		return false, nil
	}
	chat, err := t.Tx.ChatByBinding(ctx, string(t.Update.Platform), t.Update.ChatID)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return chat.Kind == home && (home != model.ChatDepartment || !chat.DepartmentID.Valid || caseDept == 0 || chat.DepartmentID.Int64 == caseDept), nil
}

// ToPrivate turns the turn's replies to the presser's private chat.
func (t *Turn) ToPrivate() {
	t.Update.ChatID = bot.PrivateChatID(t.Update.Platform, t.Update.UserID)
	t.Update.ChatKind, t.Update.ChatTitle = bot.Private, ""
}

// ETA is how long n messages take at the platform's global pace, in whole
// minutes (at least 1).
func ETA(pace time.Duration, n int) int {
	if pace <= 0 {
		pace = 33 * time.Millisecond
	}
	m := int((time.Duration(n)*pace + time.Minute - 1) / time.Minute)
	return max(m, 1)
}

// ToRole says a message to every active holder of role, privately, each
// in their language.
func (t *Turn) ToRole(ctx context.Context, role model.Role, render func(lang i18n.Lang) bot.Message) error {
	msgs, err := t.Audience().Role(ctx, role, render)
	t.Say(msgs...)
	return err
}
