package wecom

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
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
		id, err := a.mediaID(ctx, m.Photo, false)
		if err != nil {
			return err
		}
		if id != "" {
			if err := post(map[string]any{"msgtype": "image", "image": map[string]string{"media_id": id}}); err != nil {
				return err
			}
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
		id, err := a.mediaID(ctx, m.Photo, false)
		if err != nil {
			return err
		}
		if id != "" {
			req := message.SendImageRequest{SendRequestCommon: a.common(m.ChatID), Image: message.ImageField{MediaID: id}}
			if err := a.call(ctx, "message/send", func() error { _, err := a.msg.SendImage(req); return err }); err != nil {
				return err
			}
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
		var b strings.Builder
		b.WriteString(text)
		for i, bt := range buttons {
			fmt.Fprintf(&b, "\n%d. %s", i+1, bt.Label)
		}
		text = b.String()
	}
	if !fits {
		return a.sendText(ctx, m.ChatID, text)
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

func (a *Adapter) common(userID string) *message.SendRequestCommon {
	return &message.SendRequestCommon{ToUser: userID, AgentID: a.opts.AgentID}
}

// sendText sends text in parts of at most 2048 bytes, cut at line breaks.
func (a *Adapter) sendText(ctx context.Context, userID, text string) error {
	if strings.TrimSpace(text) == "" {
		return nil
	}
	for _, part := range split(text, maxText) {
		req := message.SendTextRequest{SendRequestCommon: a.common(userID), Text: message.TextField{Content: part}}
		if err := a.call(ctx, "message/send", func() error { _, err := a.msg.SendText(req); return err }); err != nil {
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
		*message.SendRequestCommon
		TemplateCard templateCard `json:"template_card"`
	}{a.common(userID), card}
	req.MsgType = "template_card"
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
	body := map[string]any{"userids": []string{userID}, "agentid": a.opts.AgentID, "response_code": responseCode,
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

// mediaID uploads a photo as temporary media (valid 3 days) and returns its
// id, cached so one photo is uploaded once for every recipient. A WeCom
// photo's own MediaId is used as it is. "" with no error: nothing to send.
func (a *Adapter) mediaID(ctx context.Context, p *bot.Photo, kf bool) (string, error) {
	own := bot.WeCom
	if kf {
		own = bot.WeChat
	}
	if p.Platform == own && p.FileRef != "" && len(p.Bytes) == 0 {
		return p.FileRef, nil
	}
	if len(p.Bytes) == 0 {
		return "", nil
	}
	sum := md5.Sum(p.Bytes)
	key := "wecom_media_" + string(own) + "_" + hex.EncodeToString(sum[:])
	if v, ok := a.opts.Cache.Get(key).(string); ok && v != "" {
		return v, nil
	}
	client := a.material
	if kf {
		client = a.kfMedia
	}
	var id string
	err := classify("media/upload", a.withToken(ctx, kf, func() error {
		res, err := client.UploadTempFileFromReader(photoName(p), "image", bytes.NewReader(p.Bytes))
		if err != nil {
			return err
		}
		id = res.MediaID
		return nil
	}))
	if err != nil {
		return "", err
	}
	// A temporary media id lives 3 days; keep it a little less.
	_ = a.opts.Cache.Set(key, id, 70*60*60*1e9)
	return id, nil
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
		msg := map[string]any{"msgtype": "text", "text": map[string]any{"content": part, "mentioned_list": m.Mentions}}
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
