package wecom

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/silenceper/wechat/v2/util"
	"github.com/silenceper/wechat/v2/work/message"

	"github.com/alleybot/alleybot/bot"
)

// WeCom's limits.
const (
	maxText        = 2048 // bytes of a text message (longer is cut by WeCom)
	maxRobotText   = 2048
	maxCardButtons = 6
	maxButtonText  = 10   // runes of a card button's text, as WeCom advises (longer is cut off on phones)
	maxButtonKey   = 1024 // bytes
	maxCardTitle   = 26   // runes of main_title.title (shown whole)
	maxCardSub     = 112  // runes of sub_title_text
	maxRobotImage  = 2 << 20
)

// AppChat is the chat id prefix of a group chat the application created
// (the roster's wecom_chat_id): "appchat:<chatid>".
const AppChat = "appchat:"

// sendAppChat posts to an application group chat (appchat/send): picture,
// then text; buttons cannot go there.
func (a *Adapter) sendAppChat(ctx context.Context, chatID string, m bot.Message) error {
	post := func(body map[string]any) error {
		body["chatid"] = chatID
		return a.call(ctx, "appchat/send", func() error {
			token, err := a.appToken.GetAccessTokenContext(ctx)
			if err != nil {
				return err
			}
			resp, err := util.PostJSONContext(ctx, defaultHost+"/cgi-bin/appchat/send?access_token="+token, body)
			if err != nil {
				return err
			}
			return util.DecodeWithCommonError(resp, "AppChatSend")
		})
	}
	if m.Photo != nil {
		if err := a.sendPhoto(ctx, m.Photo, false, func(id string) error {
			return post(map[string]any{"msgtype": "image", "image": map[string]string{"media_id": id}})
		}); err != nil {
			return err
		}
	}
	if strings.TrimSpace(m.Text) == "" {
		return nil
	}
	for _, part := range split(m.Text, maxText) {
		if err := post(map[string]any{"msgtype": "text", "text": map[string]string{"content": part}}); err != nil {
			return err
		}
	}
	return nil
}

// Robot is the chat id prefix of a group reached through its robot (the
// roster's wecom_robot): "robot:<key>".
const Robot = "robot:"

// Send implements bot.Sender for WeCom (app messages to a person by
// userid, robot messages to a group) and WeChat customer service.
func (a *Adapter) Send(ctx context.Context, m bot.Message) error {
	switch {
	case m.Platform == bot.WeChat:
		return a.sendKf(ctx, m)
	case strings.HasPrefix(m.ChatID, Robot):
		return a.sendRobot(ctx, strings.TrimPrefix(m.ChatID, Robot), m)
	case strings.HasPrefix(m.ChatID, AppChat):
		return a.sendAppChat(ctx, strings.TrimPrefix(m.ChatID, AppChat), m)
	}
	return a.sendApp(ctx, m)
}

// sendApp sends to a member: the picture first, then the text; buttons as
// a template card (button_interaction) when they fit one, else as a
// numbered menu (the flows take the number).
func (a *Adapter) sendApp(ctx context.Context, m bot.Message) error {
	if m.ChatID == "" {
		return &bot.PermanentError{Platform: bot.WeCom, Method: "message/send", Description: "no userid"}
	}
	if m.Photo != nil {
		err := a.sendPhoto(ctx, m.Photo, false, func(id string) error {
			req := struct {
				appCommon
				Image message.ImageField `json:"image"`
			}{a.common(m.ChatID, "image"), message.ImageField{MediaID: id}}
			return a.call(ctx, "message/send", func() error { _, err := a.msg.Send("MessageSendImage", req); return err })
		})
		if err != nil {
			return err
		}
	}
	var buttons []bot.Button
	text := strings.TrimSpace(m.Text)
	for _, row := range m.Buttons {
		for _, b := range row {
			if b.URL != "" { // a card's buttons are events: a link goes in the text
				text += "\n" + b.Label + ":" + b.URL
				continue
			}
			buttons = append(buttons, b)
		}
	}
	fits := len(buttons) > 0 && len(buttons) <= maxCardButtons
	for _, b := range buttons {
		fits = fits && len(b.Data) <= maxButtonKey && b.Data != ""
	}
	if len(buttons) > 0 && !fits {
		text = numbered(text, buttons)
	}
	if !fits {
		return a.sendText(ctx, m.ChatID, text)
	}
	if labels := shortLabels(buttons); labels != nil {
		// A label longer than WeCom advises is cut off on a phone
		// (派单给东城区房管中心交道口管理所): the text lists the labels
		// whole, numbered, and each button carries its number and a
		// shortened label.
		var b strings.Builder
		b.WriteString(text)
		for i, bt := range buttons {
			fmt.Fprintf(&b, "\n%c %s", circled[i], bt.Label)
		}
		text = b.String()
		buttons = slices.Clone(buttons)
		for i := range buttons {
			buttons[i].Label = labels[i]
		}
	}
	title, sub := cardText(text)
	if sub == "" && utf8.RuneCountInString(text) > maxCardTitle || utf8.RuneCountInString(sub) > maxCardSub {
		// Too long for a card: the text goes first, the card carries its
		// first line and the buttons.
		if err := a.sendText(ctx, m.ChatID, text); err != nil {
			return err
		}
		sub = ""
	}
	return a.sendCard(ctx, m.ChatID, title, sub, buttons)
}

// cardText splits a text into a card's title (its first line, cut to fit)
// and the rest.
func cardText(text string) (title, rest string) {
	first, rest, _ := strings.Cut(text, "\n")
	if r := []rune(first); len(r) > maxCardTitle {
		first = string(r[:maxCardTitle-1]) + "…"
		rest = text
	}
	return first, strings.TrimSpace(rest)
}

// numbered appends the buttons to text as a numbered list (answered by
// number where buttons cannot go).
func numbered(text string, buttons []bot.Button) string {
	var b strings.Builder
	b.WriteString(text)
	for i, bt := range buttons {
		fmt.Fprintf(&b, "\n%d. %s", i+1, bt.Label)
	}
	return b.String()
}

// circled numbers a card's buttons when their labels are shortened.
var circled = []rune("①②③④⑤⑥")

// shortLabels returns the buttons' labels shortened to WeCom's advised
// length, each after its number (①派单给…道口管理所: the start says what
// it does, the end which one), or nil when every label fits as it is.
func shortLabels(buttons []bot.Button) []string {
	long := false
	for _, b := range buttons {
		long = long || utf8.RuneCountInString(b.Label) > maxButtonText
	}
	if !long || len(buttons) > len(circled) {
		return nil
	}
	out := make([]string, len(buttons))
	for i, b := range buttons {
		out[i] = string(circled[i]) + elide(b.Label, maxButtonText-1)
	}
	return out
}

// elide cuts s to n runes by replacing its middle with "…".
func elide(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	head := min(3, (n-1)/2)
	tail := n - 1 - head
	return string(r[:head]) + "…" + string(r[len(r)-tail:])
}

// appCommon is what every message/send request carries. agentid is an
// integer, as WeCom documents it (the library's SendRequestCommon has a
// string).
type appCommon struct {
	ToUser  string `json:"touser"`
	MsgType string `json:"msgtype"`
	AgentID int    `json:"agentid"`
}

func (a *Adapter) common(userID, msgType string) appCommon {
	return appCommon{ToUser: userID, MsgType: msgType, AgentID: a.agentID}
}

// sendText sends text in parts of at most 2048 bytes, cut at line breaks.
func (a *Adapter) sendText(ctx context.Context, userID, text string) error {
	if strings.TrimSpace(text) == "" {
		return nil
	}
	for _, part := range split(text, maxText) {
		req := struct {
			appCommon
			Text message.TextField `json:"text"`
		}{a.common(userID, "text"), message.TextField{Content: part}}
		if err := a.call(ctx, "message/send", func() error { _, err := a.msg.Send("MessageSendText", req); return err }); err != nil {
			return err
		}
	}
	return nil
}

// templateCard is a button_interaction card (the library has no type).
type templateCard struct {
	CardType  string `json:"card_type"`
	Source    any    `json:"source,omitempty"`
	MainTitle struct {
		Title string `json:"title"`
	} `json:"main_title"`
	SubTitleText string       `json:"sub_title_text,omitempty"`
	TaskID       string       `json:"task_id"`
	ButtonList   []cardButton `json:"button_list"`
}

type cardButton struct {
	Text  string `json:"text"`
	Style int    `json:"style"`
	Key   string `json:"key"`
}

func (a *Adapter) sendCard(ctx context.Context, userID, title, sub string, buttons []bot.Button) error {
	card := templateCard{CardType: "button_interaction", SubTitleText: sub, TaskID: taskID()}
	card.MainTitle.Title = title
	for i, b := range buttons {
		style := 2
		if i == 0 {
			style = 1
		}
		card.ButtonList = append(card.ButtonList, cardButton{Text: b.Label, Style: style, Key: b.Data})
	}
	req := struct {
		appCommon
		TemplateCard templateCard `json:"template_card"`
	}{a.common(userID, "template_card"), card}
	return a.call(ctx, "message/send", func() error { _, err := a.msg.Send("MessageSendTemplateCard", req); return err })
}

// taskID is a card's unique id ([a-zA-Z0-9_-@], at most 128 bytes).
func taskID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return "t" + hex.EncodeToString(b)
}

// UpdateCard replaces the buttons of a pressed card by one grey button
// with label (update_template_card), so the card cannot be pressed twice.
// responseCode comes with the press and can be used once, within 72 hours.
func (a *Adapter) UpdateCard(ctx context.Context, userID, responseCode, label string) error {
	if responseCode == "" {
		return nil
	}
	body := map[string]any{"userids": []string{userID}, "agentid": a.agentID, "response_code": responseCode,
		"button": map[string]any{"replace_name": label}}
	return a.call(ctx, "message/update_template_card", func() error {
		token, err := a.appToken.GetAccessTokenContext(ctx)
		if err != nil {
			return err
		}
		resp, err := util.PostJSONContext(ctx, defaultHost+"/cgi-bin/message/update_template_card?access_token="+token, body)
		if err != nil {
			return err
		}
		return util.DecodeWithCommonError(resp, "UpdateTemplateCard")
	})
}

// sendPhoto sends a photo with send, given its media id. A photo of this
// platform whose bytes are not stored yet goes by its own MediaId; if WeCom
// no longer knows it (40007: a temporary media id lives 3 days), the
// message goes on without the picture rather than not at all. Otherwise
// the bytes are uploaded (once per picture, see mediaID).
func (a *Adapter) sendPhoto(ctx context.Context, p *bot.Photo, kf bool, send func(id string) error) error {
	id, byRef, err := a.mediaID(ctx, p, kf)
	if err != nil || id == "" {
		return err
	}
	err = send(id)
	var perm *bot.PermanentError
	if byRef && errors.As(err, &perm) && perm.Code == errMediaID {
		a.opts.Log.Warn("wecom: a photo's media id has expired and its bytes are not stored; the message goes without it", "media_id", id)
		return nil
	}
	return err
}

// mediaID uploads a photo as temporary media (valid 3 days) and returns its
// id, cached so one photo is uploaded once for every recipient. A WeCom
// photo without bytes goes by its own MediaId (byRef). "" with no error:
// nothing to send.
func (a *Adapter) mediaID(ctx context.Context, p *bot.Photo, kf bool) (id string, byRef bool, err error) {
	own := bot.WeCom
	if kf {
		own = bot.WeChat
	}
	if p.Platform == own && p.FileRef != "" && len(p.Bytes) == 0 {
		return p.FileRef, true, nil
	}
	if len(p.Bytes) == 0 {
		return "", false, nil
	}
	sum := md5.Sum(p.Bytes)
	key := "wecom_media_" + string(own) + "_" + hex.EncodeToString(sum[:])
	if v, ok := a.opts.Cache.Get(key).(string); ok && v != "" {
		return v, false, nil
	}
	client := a.material
	if kf {
		client = a.kfMedia
	}
	err = classify("media/upload", a.withToken(ctx, kf, func() error {
		res, err := client.UploadTempFileFromReader(photoName(p), "image", bytes.NewReader(p.Bytes))
		if err != nil {
			return err
		}
		id = res.MediaID
		return nil
	}))
	if err != nil {
		return "", false, err
	}
	// A temporary media id lives 3 days; keep it a little less.
	_ = a.opts.Cache.Set(key, id, 70*60*60*1e9)
	return id, false, nil
}

func photoName(p *bot.Photo) string {
	switch http.DetectContentType(p.Bytes) {
	case "image/png":
		return "photo.png"
	case "image/gif":
		return "photo.gif"
	}
	return "photo.jpg"
}

// sendRobot posts to a group through its robot: the picture (base64, at
// most 2 MB), then the text. A robot cannot carry buttons: a group's card
// says what happened, and the people act in the app.
func (a *Adapter) sendRobot(ctx context.Context, key string, m bot.Message) error {
	if m.Photo != nil && len(m.Photo.Bytes) > 0 && len(m.Photo.Bytes) <= maxRobotImage {
		sum := md5.Sum(m.Photo.Bytes)
		img := map[string]any{"msgtype": "image", "image": map[string]string{
			"base64": base64.StdEncoding.EncodeToString(m.Photo.Bytes), "md5": hex.EncodeToString(sum[:])}}
		if err := a.robotPost(ctx, key, img); err != nil {
			return err
		}
	}
	if strings.TrimSpace(m.Text) == "" {
		return nil
	}
	for _, part := range split(m.Text, maxRobotText) {
		text := map[string]any{"content": part}
		if len(m.Mentions) > 0 { // absent, not null, when nobody is mentioned
			text["mentioned_list"] = m.Mentions
		}
		msg := map[string]any{"msgtype": "text", "text": text}
		if err := a.robotPost(ctx, key, msg); err != nil {
			return err
		}
	}
	return nil
}

// robotPost sends one robot message. The library's RobotBroadcast answers
// a nil error with a non-zero errcode: it is checked here.
func (a *Adapter) robotPost(ctx context.Context, key string, msg any) error {
	if key == "" {
		return &bot.PermanentError{Platform: bot.WeCom, Method: "webhook/send", Description: "no robot key"}
	}
	info, err := a.robot.RobotBroadcast(key, msg)
	if err == nil && info.ErrCode != 0 {
		err = &APIError{API: "webhook/send", Code: info.ErrCode, Message: info.ErrMsg}
	}
	return classify("webhook/send", err)
}

// call runs one app API call with the token retry and classifies its error.
func (a *Adapter) call(ctx context.Context, api string, f func() error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return classify(api, a.withToken(ctx, false, f))
}

// split cuts s into parts of at most limit bytes, at the last line break
// that fits, else at a rune boundary.
func split(s string, limit int) []string {
	var parts []string
	for len(s) > limit {
		cut := strings.LastIndexByte(s[:limit], '\n')
		if cut <= 0 {
			cut = limit
			for cut > 0 && !utf8.RuneStart(s[cut]) {
				cut--
			}
		}
		parts = append(parts, s[:cut])
		s = strings.TrimPrefix(s[cut:], "\n")
	}
	return append(parts, s)
}
