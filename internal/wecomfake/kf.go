package wecomfake

import (
	"encoding/base64"
	"strconv"
	"strings"
)

// Customer service (微信客服): the message log sync_msg pages through, and
// the reply window send_msg enforces.

const cursorPrefix = "wecomfake-cursor:"

// KfCustomerSays appends a message from customer externalUserID to
// account openKfID (origin 3, 微信客户发送的消息) to the log kf/sync_msg
// serves, and returns its msgid. msgtype "text" takes payload
// {"content": "..."}, "image" {"media_id": "..."} (AddMedia the bytes if
// the bot downloads them), "location" {"latitude": .., "longitude": ..,
// "name": "..", "address": ".."}; payload becomes the msgtype field as is.
// It also opens (or extends) that customer's 48-hour reply window and
// resets its count of 5 replies. It does not post the kf_msg_or_event
// callback: build it with KfEvent and send it with Post.
func (s *Server) KfCustomerSays(openKfID, externalUserID string, msgtype string, payload map[string]any) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.Opts.Now()
	id := s.newID("from_msgid_")
	p := make(map[string]any, len(payload))
	for k, v := range payload {
		p[k] = v
	}
	s.kfAccounts[openKfID] = true
	s.kfLog = append(s.kfLog, kfEntry{msgID: id, openKfID: openKfID, external: externalUserID, sendTime: now, msgType: msgtype, payload: p})
	s.kfSessions[kfKey{openKfID, externalUserID}] = &kfSession{last: now}
	s.notify()
	return id
}

func encodeCursor(pos int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + strconv.Itoa(pos)))
}

func decodeCursor(c string) (int, bool) {
	if c == "" {
		return 0, true
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, false
	}
	rest, ok := strings.CutPrefix(string(b), cursorPrefix)
	if !ok {
		return 0, false
	}
	pos, err := strconv.Atoi(rest)
	if err != nil || pos < 0 {
		return 0, false
	}
	return pos, true
}

type syncRequest struct {
	Cursor      string `json:"cursor"`
	Token       string `json:"token"`
	Limit       int    `json:"limit"`
	VoiceFormat int    `json:"voice_format"`
	OpenKfID    string `json:"open_kfid"`
}

func (s *Server) kfSyncMsg(r *request) (*reply, *apiErr) {
	if e := s.auth(r); e != nil {
		return nil, e
	}
	var req syncRequest
	if e := decode(r, &req); e != nil {
		return nil, e
	}
	if req.OpenKfID != "" && !s.kfAccounts[req.OpenKfID] {
		return nil, fail(CodeOpenKfIDNotExist, "")
	}
	pos, ok := decodeCursor(req.Cursor)
	if !ok || pos > len(s.kfLog) {
		return nil, fail(CodeInvalidCursor, "")
	}
	limit := req.Limit
	if limit <= 0 || limit > maxSyncLimit {
		limit = maxSyncLimit
	}
	list := []map[string]any{}
	next, hasMore := len(s.kfLog), 0
	for i := pos; i < len(s.kfLog); i++ {
		m := s.kfLog[i]
		if req.OpenKfID != "" && m.openKfID != req.OpenKfID {
			continue
		}
		if len(list) == limit {
			next, hasMore = i, 1
			break
		}
		list = append(list, map[string]any{
			"msgid":           m.msgID,
			"open_kfid":       m.openKfID,
			"external_userid": m.external,
			"send_time":       m.sendTime.Unix(),
			"origin":          3,
			"msgtype":         m.msgType,
			m.msgType:         m.payload,
		})
	}
	return &reply{json: map[string]any{"next_cursor": encodeCursor(next), "has_more": hasMore, "msg_list": list}}, nil
}

type kfSendRequest struct {
	ToUser   string `json:"touser"`
	OpenKfID string `json:"open_kfid"`
	MsgID    string `json:"msgid"`
	MsgType  string `json:"msgtype"`
	Text     *struct {
		Content string `json:"content"`
	} `json:"text"`
	Image *struct {
		MediaID string `json:"media_id"`
	} `json:"image"`
	Voice *struct {
		MediaID string `json:"media_id"`
	} `json:"voice"`
	Video *struct {
		MediaID string `json:"media_id"`
	} `json:"video"`
	File *struct {
		MediaID string `json:"media_id"`
	} `json:"file"`
	MsgMenu *struct {
		HeadContent string `json:"head_content"`
		List        []struct {
			Type  string `json:"type"`
			Click *struct {
				ID      string `json:"id"`
				Content string `json:"content"`
			} `json:"click"`
		} `json:"list"`
		TailContent string `json:"tail_content"`
	} `json:"msgmenu"`
}

// MenuItem is one click item of an accepted msgmenu.
type MenuItem struct{ ID, Content string }

var kfOther = map[string]bool{"link": true, "miniprogram": true, "location": true, "ca_link": true}

// checkMenu validates a msgmenu as WeCom does: at most 10 items (else
// 45098), head and tail at most 1024 bytes, a click item's id 1 to 64
// bytes and its content 1 to 128.
func checkMenu(req *kfSendRequest, msg *KfMessage) *apiErr {
	m := req.MsgMenu
	if m == nil || len(m.List) == 0 {
		return fail(CodeInvalidParam, "msgmenu.list is empty")
	}
	if len(m.List) > maxMenuItems {
		return fail(CodeMenuTooLong, "")
	}
	if len(m.HeadContent) > maxMenuHead || len(m.TailContent) > maxMenuHead {
		return fail(CodeContentTooLong, "")
	}
	msg.Content = m.HeadContent
	for _, it := range m.List {
		if it.Type != "click" {
			continue // view, miniprogram, text: not checked by the fake
		}
		if it.Click == nil || it.Click.ID == "" || len(it.Click.ID) > maxMenuID || it.Click.Content == "" || len(it.Click.Content) > maxMenuContent {
			return fail(CodeInvalidParam, "msgmenu.list.click: id 1-64 bytes, content 1-128 bytes")
		}
		msg.Menu = append(msg.Menu, MenuItem{ID: it.Click.ID, Content: it.Click.Content})
	}
	return nil
}

func (s *Server) kfSendMsg(r *request) (*reply, *apiErr) {
	if e := s.auth(r); e != nil {
		return nil, e
	}
	var req kfSendRequest
	if e := decode(r, &req); e != nil {
		return nil, e
	}
	if req.OpenKfID == "" {
		return nil, fail(CodeInvalidOpenKfID, "")
	}
	if !s.kfAccounts[req.OpenKfID] {
		return nil, fail(CodeOpenKfIDNotExist, "")
	}
	msg := KfMessage{OpenKfID: req.OpenKfID, ToUser: req.ToUser, MsgType: req.MsgType, Time: r.now}
	mediaID := func(m *struct {
		MediaID string `json:"media_id"`
	}) *apiErr {
		if m == nil || m.MediaID == "" {
			return fail(CodeMediaIDMissing, "")
		}
		if !s.mediaValid(m.MediaID, r.now) {
			return fail(CodeInvalidMediaID, "")
		}
		msg.Content = m.MediaID
		return nil
	}
	var e *apiErr
	switch req.MsgType {
	case "text":
		switch {
		case req.Text == nil || req.Text.Content == "":
			e = fail(CodeEmptyContent, "")
		case len(req.Text.Content) > maxKfText:
			e = fail(CodeContentTooLong, "")
		default:
			msg.Content = req.Text.Content
		}
	case "image":
		e = mediaID(req.Image)
	case "voice":
		e = mediaID(req.Voice)
	case "video":
		e = mediaID(req.Video)
	case "file":
		e = mediaID(req.File)
	case "msgmenu":
		e = checkMenu(&req, &msg)
	default:
		if !kfOther[req.MsgType] {
			e = fail(CodeInvalidMsgType, "")
		}
	}
	if e != nil {
		return nil, e
	}
	if req.ToUser == "" {
		return nil, fail(CodeInvalidExternalID, "")
	}
	sess := s.kfSessions[kfKey{req.OpenKfID, req.ToUser}]
	if sess == nil || !r.now.Before(sess.last.Add(kfWindow)) {
		return nil, fail(CodeKfTimeLimit, "")
	}
	if sess.replies >= kfRepliesPerMsg {
		return nil, fail(CodeKfCountLimit, "")
	}
	sess.replies++
	id := req.MsgID
	if id == "" {
		id = s.newID("kfmsg_")
	}
	s.kfSent = append(s.kfSent, msg)
	return &reply{json: map[string]any{"msgid": id}}, nil
}
