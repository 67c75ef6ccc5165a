package wecom

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/silenceper/wechat/v2/work/kf"

	"github.com/alleybot/alleybot/bot"
)

// WeChat customer service (微信客服): a resident in plain WeChat writes to
// a community's customer-service account; WeCom says so with a
// kf_msg_or_event callback and the messages are read with sync_msg from a
// cursor. Replies go by send_msg, at most 5 within 48 hours of the
// resident's last message.

// KfMessage is a customer's message as sync_msg gives it.
type KfMessage struct {
	MsgID          string `json:"msgid"`
	OpenKfID       string `json:"open_kfid"`
	ExternalUserID string `json:"external_userid"`
	SendTime       int64  `json:"send_time"`
	Origin         int    `json:"origin"` // 3: the customer
	MsgType        string `json:"msgtype"`
	Text           struct {
		Content string `json:"content"`
		MenuID  string `json:"menu_id"`
	} `json:"text"`
	Image struct {
		MediaID string `json:"media_id"`
	} `json:"image"`
	Location struct {
		Latitude  float64 `json:"latitude"`
		Longitude float64 `json:"longitude"`
		Name      string  `json:"name"`
	} `json:"location"`
}

// KfChat is the chat id of a resident on an account: "<open_kfid>|<external_userid>".
func KfChat(openKfID, externalUserID string) string { return openKfID + "|" + externalUserID }

// SyncKf reads the account's messages after cursor: the resident messages
// as updates (platform wechat), the next cursor, and whether there is
// more. token is the callback's (it lifts sync_msg's strict rate limit).
func (a *Adapter) SyncKf(ctx context.Context, openKfID, cursor, token string) ([]bot.Update, string, bool, error) {
	if a.kf == nil {
		return nil, cursor, false, fmt.Errorf("wecom: customer service is not configured (wecom.kf_secret)")
	}
	var res kf.SyncMsgSchema
	err := a.withToken(ctx, true, func() error {
		var err error
		res, err = a.kf.SyncMsg(kf.SyncMsgOptions{Cursor: cursor, Token: token, Limit: 1000, OpenKfID: openKfID})
		// The library keeps only the errmsg ("invalid access_token"); an
		// HTTP error's text has the URI ("?access_token=…") and is no refusal.
		if err != nil && strings.Contains(err.Error(), "access_token") && !secretParam.MatchString(err.Error()) {
			return &APIError{API: "kf/sync_msg", Code: errInvalidToken, Message: err.Error()}
		}
		return err
	})
	if err != nil {
		return nil, cursor, false, fmt.Errorf("wecom kf/sync_msg: %w", scrub(err))
	}
	var out []bot.Update
	for _, m := range res.MsgList {
		var km KfMessage
		if err := json.Unmarshal(m.OriginData, &km); err != nil || km.Origin != 3 || km.ExternalUserID == "" {
			continue // the account's own messages, events, system messages
		}
		if km.OpenKfID == "" {
			km.OpenKfID = openKfID
		}
		chat := KfChat(km.OpenKfID, km.ExternalUserID)
		u := bot.Update{Platform: bot.WeChat, Key: "kf" + km.MsgID, ChatID: chat, ChatKind: bot.Private,
			UserID: km.ExternalUserID, LangHint: "zh", Time: time.Unix(km.SendTime, 0)}
		switch km.MsgType {
		case "text":
			if km.Text.MenuID != "" {
				u.Callback = &bot.Callback{Data: bot.Clean(km.Text.MenuID)}
			} else {
				u.Text = bot.Clean(km.Text.Content)
			}
		case "image":
			u.Photo = &bot.Photo{Platform: bot.WeChat, FileRef: km.Image.MediaID}
		case "location":
			l := bot.Location{Lat: km.Location.Latitude, Lon: km.Location.Longitude}
			if !l.Valid() {
				continue
			}
			u.Location = &l
		default:
			continue
		}
		out = append(out, u)
	}
	return out, res.NextCursor, res.HasMore == 1, nil
}

// kfWindow is what the adapter remembers of a resident's reply window.
type kfWindow struct {
	Until time.Time `json:"until"`
	Sent  int       `json:"sent"`
}

const (
	kfWindowLen  = 48 * time.Hour
	kfWindowMsgs = 5
)

// KfHeard opens a resident's reply window (their message just came in).
func (a *Adapter) KfHeard(chatID string, at time.Time) {
	b, _ := json.Marshal(kfWindow{Until: at.Add(kfWindowLen)})
	_ = a.opts.Cache.Set("kf_window_"+chatID, string(b), kfWindowLen)
}

// sendKf replies to a resident: buttons as a menu message (a press comes
// back as a text with its menu id), a picture as an image. The fifth
// message of a window says that the window closes (the resident writes
// again to open a new one); beyond it WeCom refuses, recorded as a
// permanent failure.
func (a *Adapter) sendKf(ctx context.Context, m bot.Message) error {
	openKfID, user, ok := strings.Cut(m.ChatID, "|")
	if !ok || openKfID == "" || user == "" {
		return &bot.PermanentError{Platform: bot.WeCom, Method: "kf/send_msg", Description: "not a customer-service chat: " + m.ChatID}
	}
	var w kfWindow
	if v, ok := a.opts.Cache.Get("kf_window_" + m.ChatID).(string); ok {
		_ = json.Unmarshal([]byte(v), &w)
	}
	text, notice := strings.TrimSpace(m.Text), ""
	if w.Sent == kfWindowMsgs-1 && text != "" {
		notice = "\n\n" + kfLastNotice
	}
	send := func(body map[string]any) error {
		body["touser"], body["open_kfid"] = user, openKfID
		err := a.withToken(ctx, true, func() error {
			info, err := a.kf.SendMsg(body)
			if info.ErrCode != 0 { // the library's error has lost the code
				err = &APIError{API: "kf/send_msg", Code: info.ErrCode, Message: info.ErrMsg}
			}
			return err
		})
		if err == nil {
			w.Sent++
			if b, merr := json.Marshal(w); merr == nil && !w.Until.IsZero() {
				_ = a.opts.Cache.Set("kf_window_"+m.ChatID, string(b), time.Until(w.Until))
			}
		}
		return classify("kf/send_msg", err)
	}
	if a.kf == nil {
		return &bot.PermanentError{Platform: bot.WeCom, Method: "kf/send_msg", Description: "customer service is not configured"}
	}
	if m.Photo != nil {
		if err := a.sendPhoto(ctx, m.Photo, true, func(id string) error {
			return send(map[string]any{"msgtype": "image", "image": map[string]string{"media_id": id}})
		}); err != nil {
			return err
		}
	}
	var buttons []bot.Button
	for _, row := range m.Buttons {
		buttons = append(buttons, row...)
	}
	if len(buttons) > 0 {
		if items, ok := kfMenu(text+notice, buttons); ok {
			err := send(map[string]any{"msgtype": "msgmenu", "msgmenu": map[string]any{"head_content": text + notice, "list": items}})
			var perm *bot.PermanentError
			if !errors.As(err, &perm) || perm.Code != errMenuTooLong {
				return err
			}
			// WeCom refused the menu's size (45098): the question goes as a
			// numbered list rather than not at all.
		}
		// Too many choices for a menu: a numbered list, answered by number.
		var links []string
		var choices []bot.Button
		for _, b := range buttons {
			if b.URL != "" {
				links = append(links, b.Label+":"+b.URL)
			} else {
				choices = append(choices, b)
			}
		}
		text = strings.TrimSpace(strings.Join(append([]string{numbered(text, choices)}, links...), "\n"))
	}
	text += notice
	if text == "" {
		return nil
	}
	for _, part := range split(text, maxText) {
		if err := send(map[string]any{"msgtype": "text", "text": map[string]string{"content": part}}); err != nil {
			return err
		}
	}
	return nil
}

// WeChat customer service's menu limits (菜单消息).
const (
	maxMenuItems   = 10   // list
	maxMenuHead    = 1024 // bytes of head_content
	maxMenuID      = 64   // bytes of a click item's id
	maxMenuContent = 128  // bytes of an item's content
)

// kfMenu builds a menu message's items (a click item per button, a view
// item per link); false when the buttons do not fit one (more than 10, or
// a text or an id too long), and the question goes as a numbered list.
func kfMenu(head string, buttons []bot.Button) ([]map[string]any, bool) {
	if len(buttons) > maxMenuItems || len(head) > maxMenuHead {
		return nil, false
	}
	items := make([]map[string]any, 0, len(buttons))
	for _, b := range buttons {
		if b.Label == "" || len(b.Label) > maxMenuContent {
			return nil, false
		}
		if b.URL != "" {
			items = append(items, map[string]any{"type": "view", "view": map[string]string{"url": b.URL, "content": b.Label}})
			continue
		}
		if b.Data == "" || len(b.Data) > maxMenuID {
			return nil, false
		}
		items = append(items, map[string]any{"type": "click", "click": map[string]string{"id": b.Data, "content": b.Label}})
	}
	return items, true
}

// kfLastNotice ends the last reply a window allows (zh-CN first: residents
// on WeChat are Chinese; the adapter has no catalog of its own).
const kfLastNotice = "(本次会话的回复次数已用完。如需继续办理,请再发一条消息。/ This is the last reply of this conversation; send another message to continue.)"

// FetchFile downloads a WeCom photo by its MediaId (valid 3 days: the
// photo job fetches it at once), for the scheduler's photo job.
func (a *Adapter) FetchFile(ctx context.Context, mediaID string) ([]byte, string, error) {
	return a.fetch(ctx, mediaID, false)
}

// KfFetcher fetches WeChat customer-service photos (with that token).
type KfFetcher struct{ *Adapter }

// FetchFile downloads a resident's photo by its media_id.
func (k KfFetcher) FetchFile(ctx context.Context, mediaID string) ([]byte, string, error) {
	return k.fetch(ctx, mediaID, true)
}

func (a *Adapter) fetch(ctx context.Context, mediaID string, kf bool) ([]byte, string, error) {
	client := a.material
	if kf {
		if a.kfMedia == nil {
			return nil, "", fmt.Errorf("wecom: customer service is not configured")
		}
		client = a.kfMedia
	}
	var data []byte
	err := a.withToken(ctx, kf, func() error {
		var err error
		data, err = client.GetTempFile(mediaID)
		return err
	})
	if err != nil {
		return nil, "", classify("media/get", err)
	}
	if int64(len(data)) > a.opts.MaxPhotoBytes {
		return nil, "", fmt.Errorf("wecom media/get %s: %w", mediaID, bot.ErrTooLarge)
	}
	return data, httpSniff(data), nil
}

func httpSniff(b []byte) string { return http.DetectContentType(b) }
