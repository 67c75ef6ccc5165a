package wecom

import (
	"context"
	"crypto/subtle"
	"encoding/xml"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/silenceper/wechat/v2/util"

	"github.com/alleybot/alleybot/bot"
)

// Inbox stores an update durably; the callback answers WeCom once it has.
type Inbox interface {
	Accept(ctx context.Context, u bot.Update) (bool, error)
}

// envelope is the encrypted body WeCom POSTs.
type envelope struct {
	ToUserName string `xml:"ToUserName"`
	Encrypt    string `xml:"Encrypt"`
	AgentID    string `xml:"AgentID"`
}

// incoming is a decrypted message or event (接收消息与事件).
type incoming struct {
	ToUserName   string  `xml:"ToUserName"`
	FromUserName string  `xml:"FromUserName"`
	CreateTime   int64   `xml:"CreateTime"`
	MsgType      string  `xml:"MsgType"`
	Content      string  `xml:"Content"`
	MsgID        string  `xml:"MsgId"`
	AgentID      string  `xml:"AgentID"`
	PicURL       string  `xml:"PicUrl"`
	MediaID      string  `xml:"MediaId"`
	LocationX    float64 `xml:"Location_X"`
	LocationY    float64 `xml:"Location_Y"`
	Label        string  `xml:"Label"`
	Event        string  `xml:"Event"`
	EventKey     string  `xml:"EventKey"`
	TaskID       string  `xml:"TaskId"`
	CardType     string  `xml:"CardType"`
	ResponseCode string  `xml:"ResponseCode"`
	Token        string  `xml:"Token"`    // kf_msg_or_event
	OpenKfID     string  `xml:"OpenKfId"` // kf_msg_or_event
}

const maxCallbackBody = 1 << 20

// CallbackHandler serves /wecom/callback: GET is WeCom's URL verification
// (answer the decrypted echostr), POST a message or event. Every request
// is checked first: a wrong msg_signature or a timestamp further than
// MaxSkew from now → 401, a body that does not parse or decrypt, or was
// encrypted for another corp → 400, and nothing is stored. A good message
// is stored in the inbox before the 200, so an acknowledged update is
// never lost; WeCom's retries of it are stored once. kf is told of
// customer-service events (nil: none configured).
func (a *Adapter) CallbackHandler(in Inbox, kf func(token, openKfID string)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		sig, ts, nonce := q.Get("msg_signature"), q.Get("timestamp"), q.Get("nonce")
		switch r.Method {
		case http.MethodGet:
			echo := q.Get("echostr")
			if !a.signed(sig, ts, nonce, echo) {
				a.refuse(w, r, http.StatusUnauthorized, "bad signature")
				return
			}
			_, plain, err := util.DecryptMsg(a.opts.CorpID, echo, a.opts.EncodingAESKey)
			if err != nil {
				a.refuse(w, r, http.StatusBadRequest, "echostr does not decrypt")
				return
			}
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			_, _ = w.Write(plain)
		case http.MethodPost:
			body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxCallbackBody))
			if err != nil {
				a.refuse(w, r, http.StatusBadRequest, "body too large or unreadable")
				return
			}
			var env envelope
			if err := xml.Unmarshal(body, &env); err != nil || env.Encrypt == "" {
				a.refuse(w, r, http.StatusBadRequest, "not a WeCom callback body")
				return
			}
			if !a.signed(sig, ts, nonce, env.Encrypt) {
				a.refuse(w, r, http.StatusUnauthorized, "bad signature")
				return
			}
			if !a.fresh(ts) {
				a.refuse(w, r, http.StatusUnauthorized, "stale or missing timestamp")
				return
			}
			_, plain, err := util.DecryptMsg(a.opts.CorpID, env.Encrypt, a.opts.EncodingAESKey)
			if err != nil {
				a.refuse(w, r, http.StatusBadRequest, "does not decrypt for this corp")
				return
			}
			var m incoming
			if err := xml.Unmarshal(plain, &m); err != nil {
				a.refuse(w, r, http.StatusBadRequest, "decrypted body is not a message")
				return
			}
			if m.Event == "kf_msg_or_event" {
				if kf != nil {
					go kf(m.Token, m.OpenKfID)
				}
				_, _ = w.Write([]byte("success"))
				return
			}
			u, ok := a.update(m)
			if !ok {
				_, _ = w.Write([]byte("success")) // an event the bot does not act on
				return
			}
			if _, err := in.Accept(r.Context(), u); err != nil {
				a.opts.Log.Error("wecom callback: store", "err", err)
				http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
				return
			}
			_, _ = w.Write([]byte("success"))
		default:
			w.Header().Set("Allow", "GET, POST")
			http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		}
	})
}

// refuse answers a refused callback with one log line (no secrets, no body).
func (a *Adapter) refuse(w http.ResponseWriter, r *http.Request, status int, why string) {
	a.opts.Log.Warn("wecom callback refused", "status", status, "why", why, "remote", r.RemoteAddr)
	http.Error(w, http.StatusText(status), status)
}

// signed checks msg_signature = sha1(sort(token, timestamp, nonce, data)).
func (a *Adapter) signed(sig, ts, nonce, data string) bool {
	if sig == "" || data == "" {
		return false
	}
	want := util.Signature(a.opts.Token, ts, nonce, data)
	return subtle.ConstantTimeCompare([]byte(sig), []byte(want)) == 1
}

func (a *Adapter) fresh(ts string) bool {
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return false
	}
	d := a.opts.Now().Sub(time.Unix(sec, 0))
	return d < a.opts.MaxSkew && d > -a.opts.MaxSkew
}

// update converts a decrypted message or event; false for what the bot
// does not act on.
func (a *Adapter) update(m incoming) (bot.Update, bool) {
	if m.FromUserName == "" {
		return bot.Update{}, false
	}
	u := bot.Update{Platform: bot.WeCom, ChatID: m.FromUserName, ChatKind: bot.Private, UserID: m.FromUserName,
		Time: time.Unix(m.CreateTime, 0), LangHint: "zh"}
	u.Key = "m" + m.MsgID
	switch m.MsgType {
	case "text":
		u.Text = bot.Clean(m.Content)
	case "image":
		if m.MediaID == "" {
			return bot.Update{}, false
		}
		u.Photo = &bot.Photo{Platform: bot.WeCom, FileRef: m.MediaID}
	case "location":
		l := bot.Location{Lat: m.LocationX, Lon: m.LocationY}
		if !l.Valid() || math.IsNaN(l.Lat) {
			return bot.Update{}, false
		}
		u.Location = &l
	case "event":
		// Events have no MsgId: WeCom's retries repeat sender, time and
		// event (and a card press its response code, new for each press).
		u.Key = "e" + strings.Join([]string{m.FromUserName, strconv.FormatInt(m.CreateTime, 10), m.Event, m.EventKey, m.TaskID, m.ResponseCode}, "\x1f")
		switch m.Event {
		case "template_card_event":
			if m.EventKey == "" {
				return bot.Update{}, false
			}
			u.Callback = &bot.Callback{ID: m.ResponseCode, Data: bot.Clean(m.EventKey), MessageID: m.TaskID}
		case "click":
			u.Text = bot.Clean(m.EventKey) // a menu item's key is a command (/report)
		default:
			// enter_agent (the app opened) and the rest are acknowledged and
			// left: a greeting at every opening would be noise, and would
			// land in the middle of a flow.
			return bot.Update{}, false
		}
	default:
		return bot.Update{}, false
	}
	if m.MsgType != "event" && m.MsgID == "" {
		return bot.Update{}, false
	}
	return u, true
}
