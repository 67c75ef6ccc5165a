package wecomfake

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/silenceper/wechat/v2/util"
)

// WeCom's side of the callback (接收消息与事件): the plain XML of incoming
// messages and events as WeCom sends them to a self-built app, and the
// encrypted, signed requests that carry them.

// cdata wraps s in a CDATA section, splitting any "]]>" inside it.
func cdata(s string) string {
	return "<![CDATA[" + strings.ReplaceAll(s, "]]>", "]]]]><![CDATA[>") + "]]>"
}

// head is the start every app message shares. Call without s.mu held.
func (s *Server) head(from, msgType string) *strings.Builder {
	var b strings.Builder
	fmt.Fprintf(&b, "<xml><ToUserName>%s</ToUserName><FromUserName>%s</FromUserName><CreateTime>%d</CreateTime><MsgType>%s</MsgType>",
		cdata(s.Opts.CorpID), cdata(from), s.Opts.Now().Unix(), cdata(msgType))
	return &b
}

func (s *Server) tail(b *strings.Builder, msgID int64) []byte {
	if msgID != 0 {
		fmt.Fprintf(b, "<MsgId>%d</MsgId>", msgID)
	}
	fmt.Fprintf(b, "<AgentID>%d</AgentID></xml>", s.Opts.AgentID)
	return []byte(b.String())
}

// TextMsg is the plain XML of a text message from member from.
func (s *Server) TextMsg(from, content string, msgID int64) []byte {
	b := s.head(from, "text")
	fmt.Fprintf(b, "<Content>%s</Content>", cdata(content))
	return s.tail(b, msgID)
}

// ImageMsg is the plain XML of a photo from member from: picURL is where
// WeCom hosts it, mediaID what media/get downloads (AddMedia its bytes).
func (s *Server) ImageMsg(from, picURL, mediaID string, msgID int64) []byte {
	b := s.head(from, "image")
	fmt.Fprintf(b, "<PicUrl>%s</PicUrl><MediaId>%s</MediaId>", cdata(picURL), cdata(mediaID))
	return s.tail(b, msgID)
}

// LocationMsg is the plain XML of a location from member from: Location_X
// is the latitude, Location_Y the longitude.
func (s *Server) LocationMsg(from string, lat, lon float64, label string, msgID int64) []byte {
	b := s.head(from, "location")
	fmt.Fprintf(b, "<Location_X>%s</Location_X><Location_Y>%s</Location_Y><Scale>15</Scale><Label>%s</Label>",
		strconv.FormatFloat(lat, 'f', -1, 64), strconv.FormatFloat(lon, 'f', -1, 64), cdata(label))
	if msgID != 0 {
		fmt.Fprintf(b, "<MsgId>%d</MsgId>", msgID)
	}
	fmt.Fprintf(b, "<AgentID>%d</AgentID><AppType>%s</AppType></xml>", s.Opts.AgentID, cdata("wxwork"))
	return []byte(b.String())
}

// EventMsg is the plain XML of an event of member from, e.g. event
// "enter_agent" (eventKey empty) or "click" (eventKey the menu key).
func (s *Server) EventMsg(from, event, eventKey string) []byte {
	b := s.head(from, "event")
	fmt.Fprintf(b, "<Event>%s</Event><EventKey>%s</EventKey>", cdata(event), cdata(eventKey))
	return s.tail(b, 0)
}

// CardEvent is the plain XML of member from pressing the button eventKey
// of the button_interaction card taskID (Event template_card_event). The
// event's responseCode becomes usable once with update_template_card, as
// WeCom issues one with every press; an empty responseCode gets a fresh
// one.
func (s *Server) CardEvent(from, eventKey, taskID, responseCode string) []byte {
	s.mu.Lock()
	if responseCode == "" {
		responseCode = s.issueResponseCode(s.Opts.Now())
	} else if _, ok := s.respCodes[responseCode]; !ok {
		s.respCodes[responseCode] = &respCode{issued: s.Opts.Now()}
	}
	s.notify()
	s.mu.Unlock()
	b := s.head(from, "event")
	fmt.Fprintf(b, "<Event>%s</Event><EventKey>%s</EventKey><TaskId>%s</TaskId><CardType>%s</CardType><ResponseCode>%s</ResponseCode>",
		cdata("template_card_event"), cdata(eventKey), cdata(taskID), cdata("button_interaction"), cdata(responseCode))
	return s.tail(b, 0)
}

// KfEvent is the plain XML of the customer-service notification
// (Event kf_msg_or_event) telling the bot to call kf/sync_msg with
// syncToken for account openKfID.
func (s *Server) KfEvent(openKfID, syncToken string) []byte {
	return fmt.Appendf(nil, "<xml><ToUserName>%s</ToUserName><CreateTime>%d</CreateTime><MsgType>%s</MsgType><Event>%s</Event><Token>%s</Token><OpenKfId>%s</OpenKfId></xml>",
		cdata(s.Opts.CorpID), s.Opts.Now().Unix(), cdata("event"), cdata("kf_msg_or_event"), cdata(syncToken), cdata(openKfID))
}

// encrypt encrypts plain with the EncodingAESKey and CorpID as WeCom does:
// base64(AES-256-CBC(random(16) + len(4) + plain + corpid)).
func (s *Server) encrypt(plain []byte) (string, error) {
	random := make([]byte, 16)
	if _, err := rand.Read(random); err != nil {
		return "", err
	}
	enc, err := util.EncryptMsg(random, plain, s.Opts.CorpID, s.Opts.EncodingAESKey)
	if err != nil {
		return "", fmt.Errorf("wecomfake: encrypt: %w", err)
	}
	return string(enc), nil
}

// stamp returns a timestamp (the fake's clock) and a random nonce.
func (s *Server) stamp() (timestamp, nonce string) {
	n, _ := rand.Int(rand.Reader, big.NewInt(1e10))
	return strconv.FormatInt(s.Opts.Now().Unix(), 10), strconv.FormatInt(n.Int64()+1e9, 10)
}

// Sign is WeCom's msg_signature of a callback: the SHA-1 of the sorted
// token, timestamp, nonce and encrypted message.
func (s *Server) Sign(timestamp, nonce, encrypt string) string {
	return util.Signature(s.Opts.Token, timestamp, nonce, encrypt)
}

// Envelope encrypts plainXML and wraps it as WeCom's callback body. It
// returns the body and the ciphertext (what msg_signature signs).
func (s *Server) Envelope(plainXML []byte) (body []byte, encrypt string, err error) {
	encrypt, err = s.encrypt(plainXML)
	if err != nil {
		return nil, "", err
	}
	body = fmt.Appendf(nil, "<xml><ToUserName>%s</ToUserName><Encrypt>%s</Encrypt><AgentID>%s</AgentID></xml>",
		cdata(s.Opts.CorpID), cdata(encrypt), cdata(strconv.Itoa(s.Opts.AgentID)))
	return body, encrypt, nil
}

// Post does what WeCom does with an incoming message or event: encrypts
// plainXML (util.EncryptMsg with a random 16 bytes), wraps it in the
// <xml><ToUserName/><Encrypt/><AgentID/></xml> envelope, signs it, and
// POSTs it to callbackURL?msg_signature=..&timestamp=..&nonce=... It
// returns the HTTP status and the body the bot answered.
func (s *Server) Post(ctx context.Context, callbackURL string, plainXML []byte) (status int, body string, err error) {
	env, encrypt, err := s.Envelope(plainXML)
	if err != nil {
		return 0, "", err
	}
	ts, nonce := s.stamp()
	return s.PostSigned(ctx, callbackURL, env, s.Sign(ts, nonce, encrypt), ts, nonce)
}

// PostSigned POSTs body to callbackURL with the given msg_signature,
// timestamp and nonce as they are: for forged, stale or malformed
// callbacks.
func (s *Server) PostSigned(ctx context.Context, callbackURL string, body []byte, signature, timestamp, nonce string) (int, string, error) {
	u, err := withQuery(callbackURL, url.Values{"msg_signature": {signature}, "timestamp": {timestamp}, "nonce": {nonce}})
	if err != nil {
		return 0, "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "text/xml")
	req.Header.Set("User-Agent", "Mozilla/4.0")
	return s.do(req)
}

// VerifyURL does what WeCom does when the callback URL is saved (验证URL有效性):
// GET callbackURL?msg_signature=..&timestamp=..&nonce=..&echostr=.. with
// echo encrypted as echostr. A correct bot answers echo in plain text.
func (s *Server) VerifyURL(ctx context.Context, callbackURL, echo string) (status int, body string, err error) {
	encrypt, err := s.encrypt([]byte(echo))
	if err != nil {
		return 0, "", err
	}
	ts, nonce := s.stamp()
	u, err := withQuery(callbackURL, url.Values{"msg_signature": {s.Sign(ts, nonce, encrypt)}, "timestamp": {ts}, "nonce": {nonce}, "echostr": {encrypt}})
	if err != nil {
		return 0, "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, "", err
	}
	return s.do(req)
}

func (s *Server) do(req *http.Request) (int, string, error) {
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// withQuery adds q to the query string of raw.
func withQuery(raw string, q url.Values) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	all := u.Query()
	for k, v := range q {
		all[k] = v
	}
	u.RawQuery = all.Encode()
	return u.String(), nil
}
