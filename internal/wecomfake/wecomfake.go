// Package wecomfake is a fake of the WeCom (企业微信) server APIs for tests.
// It speaks WeCom's JSON over real HTTP (an httptest server on loopback):
// access tokens (gettoken), application messages (message/send, including
// template cards, and message/update_template_card), temporary media
// (media/upload, media/get), group robots (webhook/send) and customer
// service (kf/sync_msg, kf/send_msg). It answers with WeCom's shapes and
// errcodes, always with HTTP 200 as WeCom does, enforces WeCom's limits
// (token expiry, per-robot and per-member rate limits, the 48-hour and
// 5-reply customer-service window, single-use response_code), and records
// every accepted and refused call.
//
// It also plays WeCom's side of the callback: it builds the plain XML of
// incoming messages and events, encrypts and signs it exactly like WeCom
// (AES-256-CBC with the EncodingAESKey, msg_signature over token,
// timestamp, nonce and the ciphertext), and posts it to the bot's callback
// URL; VerifyURL does the GET that WeCom sends when the URL is configured.
//
// A test points github.com/silenceper/wechat/v2 at Server.URL with
// util.SetURIModifier (replacing https://qyapi.weixin.qq.com); the fake
// does not do that itself. Everything that changes the fake wakes
// WaitUntil, so tests wait for a condition rather than for a time, and
// Options.Now makes time-based limits testable without sleeping.
package wecomfake

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// Defaults New fills into zero Options fields.
const (
	DefaultCorpID         = "wwfakecorp0001"
	DefaultCorpSecret     = "fake-corp-secret"
	DefaultAgentID        = 1000002
	DefaultToken          = "fakeToken123"
	DefaultEncodingAESKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C" // the example key of WeCom's callback documentation
	DefaultKfSecret       = "fake-kf-secret"
	DefaultTokenTTL       = 7200 * time.Second
	DefaultRobotPerMinute = 20 // 每个机器人发送的消息不能超过20条/分钟
	DefaultAppPerUser     = 30 // 每应用对同一个成员不可超过30次/分钟
)

// WeCom errcodes the fake answers (全局错误码 and the customer-service
// codes). Tests can compare against them.
const (
	CodeSystemBusy        = -1     // 系统繁忙
	CodeInvalidSecret     = 40001  // 不合法的secret参数
	CodeInvalidMediaType  = 40005  // 不合法的type参数
	CodeInvalidFileSize   = 40006  // 不合法的文件大小
	CodeInvalidMediaID    = 40007  // 不合法的media_id参数
	CodeInvalidMsgType    = 40008  // 不合法的msgtype参数
	CodeInvalidImageSize  = 40009  // 上传图片大小不是有效值
	CodeInvalidCorpID     = 40013  // 不合法的CorpID
	CodeInvalidToken      = 40014  // 不合法的access_token
	CodeInvalidAgentID    = 40056  // 不合法的agentid
	CodeInvalidParam      = 40058  // 不合法的参数
	CodeInvalidExternalID = 40096  // 不合法的外部联系人userid
	CodeTokenMissing      = 41001  // 缺少access_token参数
	CodeCorpIDMissing     = 41002  // 缺少corpid参数
	CodeSecretMissing     = 41004  // 缺少secret参数
	CodeMediaIDMissing    = 41006  // 缺少media_id参数
	CodeAgentIDMissing    = 41011  // 缺少agentid参数
	CodeTitleMissing      = 41016  // 缺少title参数
	CodeTokenExpired      = 42001  // access_token已过期
	CodeInvalidTaskID     = 42014  // 任务卡片消息的task_id不合法 ("taskid has existed or empty or exceed max len")
	CodeInvalidButtonKey  = 42018  // 按钮key值不合法
	CodeButtonKeyMissing  = 42019  // 缺少按钮key值
	CodeButtonNameMissing = 42020  // 缺少按钮名称
	CodeEmptyMedia        = 44001  // 多媒体文件为空
	CodeEmptyContent      = 44004  // 文本消息content参数为空
	CodeContentTooLong    = 45002  // 消息内容大小超过限制
	CodeFreqLimit         = 45009  // 接口调用超过限制
	CodeMenuTooLong       = 45098  // msgmenu list size is out of limit (more than 10 items)
	CodeAPIForbidden      = 48002  // API接口无权限调用
	CodeInvalidCursor     = 50100  // 分页查询的游标无效
	CodeNoRecipients      = 81012  // 缺失可见范围
	CodeInvalidUser       = 81013  // UserID、部门ID、标签ID全部非法或无权限
	CodeRecipientsEmpty   = 82001  // 指定的成员/部门/标签全部为空
	CodeInvalidRobotKey   = 93000  // 机器人webhookurl不合法或者机器人已经被移除出群
	CodeInvalidOpenKfID   = 95000  // 不合法的open_kfid
	CodeKfCountLimit      = 95001  // 发送客服消息次数限制 (5 per customer message)
	CodeKfTimeLimit       = 95002  // 发送客服消息时间限制 (48 hours)
	CodeOpenKfIDNotExist  = 95004  // open_kfid不存在
	CodeAgentMismatch     = 301002 // 无权限操作指定的应用
)

// WeCom's limits, enforced like WeCom does.
const (
	maxAppText        = 2048 // bytes of a message/send text; longer is truncated
	maxAppMarkdown    = 2048 // bytes of a message/send markdown
	maxRobotText      = 2048 // bytes of a robot text
	maxRobotMarkdown  = 4096 // bytes of a robot markdown
	maxRobotImage     = 2 << 20
	maxKfText         = 2048
	maxButtons        = 6
	maxButtonKey      = 1024
	maxTaskID         = 128
	maxSyncLimit      = 1000
	responseCodeTTL   = 72 * time.Hour
	kfWindow          = 48 * time.Hour
	kfRepliesPerMsg   = 5
	rateWindow        = time.Minute
	minMediaSize      = 5 // 所有文件size必须大于5个字节
	maxImageMedia     = 10 << 20
	maxVoiceMedia     = 2 << 20
	maxVideoMedia     = 10 << 20
	maxFileMedia      = 20 << 20
	maxRequestBody    = 64 << 20
	responseCodeBytes = 24
	mediaTTL          = 72 * time.Hour // a temporary media id is valid 3 days
	maxMenuItems      = 10             // msgmenu.list
	maxMenuHead       = 1024           // bytes of msgmenu.head_content
	maxMenuID         = 64             // bytes of a click item's id
	maxMenuContent    = 128            // bytes of a click item's content
)

// Options configures a fake. Zero fields take the defaults; Server.Opts
// holds the values in use.
type Options struct {
	CorpID, CorpSecret  string           // defaults DefaultCorpID, DefaultCorpSecret
	AgentID             int              // default DefaultAgentID
	Token               string           // callback token, default DefaultToken
	EncodingAESKey      string           // callback key, 43 base64 chars without padding; default DefaultEncodingAESKey
	KfSecret            string           // secret of the customer-service (kf) token, default DefaultKfSecret
	TokenTTL            time.Duration    // default DefaultTokenTTL; expires_in is reported in seconds
	RobotPerMinute      int              // default 20, per robot key in any 60 s window
	AppPerUserPerMinute int              // default 30, message/send per member in any 60 s window
	Now                 func() time.Time // the fake's clock, default time.Now; it must not call the Server
}

// AppMessage is an accepted message/send call.
type AppMessage struct {
	ToUser       string // the recipients accepted, "|"-separated as WeCom takes them, or "@all"
	MsgType      string // text, markdown, image, template_card, ...
	Content      string // text.content (truncated to 2048 bytes like WeCom) or markdown.content
	MediaID      string // image.media_id
	Card         *Card  // template_card
	ResponseCode string // the response_code answered for an interactive card
	MsgID        string
	Time         time.Time
}

// Card is the part of a template card tests look at.
type Card struct {
	CardType string // card_type
	TaskID   string // task_id
	Title    string // main_title.title
	Desc     string // main_title.desc
	SubTitle string // sub_title_text
	Buttons  []CardButton
}

// CardButton is one entry of a card's button_list.
type CardButton struct {
	Text  string
	Key   string
	Style int
}

// CardUpdate is an accepted message/update_template_card call.
type CardUpdate struct {
	UserIDs      []string
	ResponseCode string
	ReplaceName  string // button.replace_name; empty when the card was replaced
}

// RobotMessage is an accepted webhook/send call.
type RobotMessage struct {
	Key       string
	MsgType   string
	Content   string   // text.content or markdown.content
	Mentioned []string // text.mentioned_list
	Image     []byte   // image.base64, decoded and checked against image.md5
	Time      time.Time
}

// KfMessage is an accepted kf/send_msg call.
type KfMessage struct {
	OpenKfID string
	ToUser   string // the customer's external_userid
	MsgType  string
	Content  string     // text.content, the media_id of an image, voice, video or file, or a msgmenu's head_content
	Menu     []MenuItem // a msgmenu's click items
	Time     time.Time
}

// Refusal is a call answered with errcode != 0.
type Refusal struct {
	Path    string
	ErrCode int
	Time    time.Time
}

type accessToken struct {
	kf      bool
	expires time.Time
	revoked bool
}

type media struct {
	name    string
	data    []byte
	created time.Time // the id is refused (40007) mediaTTL after this
}

type failure struct {
	code   int
	msg    string
	status int // an HTTP error status instead of an errcode (FailHTTP)
}

type respCode struct {
	issued time.Time
	used   bool
}

type kfEntry struct {
	msgID    string
	openKfID string
	external string
	sendTime time.Time
	msgType  string
	payload  map[string]any
}

type kfKey struct{ openKfID, external string }

type kfSession struct {
	last    time.Time // the customer's last message
	replies int       // replies since then
}

// Server is the fake. Its zero value is not usable; call New.
type Server struct {
	URL  string  // base URL, no trailing slash: what replaces https://qyapi.weixin.qq.com
	Opts Options // the options in use, defaults filled in

	srv    *httptest.Server
	client *http.Client
	once   sync.Once

	mu           sync.Mutex
	changed      chan struct{} // closed and replaced on every change
	calls        map[string]int
	fails        map[string][]failure
	tokens       map[string]*accessToken
	tokensIssued int
	users        map[string]bool
	robots       map[string][]time.Time // valid keys → times of accepted sends
	media        map[string]media
	taskIDs      map[string]bool
	respCodes    map[string]*respCode
	userSends    map[string][]time.Time
	nextID       int
	app          []AppMessage
	robot        []RobotMessage
	kfSent       []KfMessage
	cardUpdates  []CardUpdate
	refused      []Refusal
	kfAccounts   map[string]bool
	kfLog        []kfEntry
	kfSessions   map[kfKey]*kfSession
}

// New starts a fake on loopback and closes it when the test ends. It fails
// the test if o.EncodingAESKey is not a valid key.
func New(tb testing.TB, o Options) *Server {
	tb.Helper()
	if o.CorpID == "" {
		o.CorpID = DefaultCorpID
	}
	if o.CorpSecret == "" {
		o.CorpSecret = DefaultCorpSecret
	}
	if o.AgentID == 0 {
		o.AgentID = DefaultAgentID
	}
	if o.Token == "" {
		o.Token = DefaultToken
	}
	if o.EncodingAESKey == "" {
		o.EncodingAESKey = DefaultEncodingAESKey
	}
	if o.KfSecret == "" {
		o.KfSecret = DefaultKfSecret
	}
	if o.TokenTTL == 0 {
		o.TokenTTL = DefaultTokenTTL
	}
	if o.RobotPerMinute == 0 {
		o.RobotPerMinute = DefaultRobotPerMinute
	}
	if o.AppPerUserPerMinute == 0 {
		o.AppPerUserPerMinute = DefaultAppPerUser
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if key, err := base64.StdEncoding.DecodeString(o.EncodingAESKey + "="); len(o.EncodingAESKey) != 43 || err != nil || len(key) != 32 {
		tb.Fatalf("wecomfake: EncodingAESKey %q is not 43 base64 characters of a 32-byte key", o.EncodingAESKey)
	}
	if o.KfSecret == o.CorpSecret {
		tb.Fatalf("wecomfake: KfSecret and CorpSecret must differ")
	}
	s := &Server{
		Opts:       o,
		client:     &http.Client{},
		changed:    make(chan struct{}),
		calls:      map[string]int{},
		fails:      map[string][]failure{},
		tokens:     map[string]*accessToken{},
		users:      map[string]bool{},
		robots:     map[string][]time.Time{},
		media:      map[string]media{},
		taskIDs:    map[string]bool{},
		respCodes:  map[string]*respCode{},
		userSends:  map[string][]time.Time{},
		kfAccounts: map[string]bool{},
		kfSessions: map[kfKey]*kfSession{},
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	tb.Cleanup(s.Close)
	return s
}

// Close stops the server. It is safe to call more than once; later
// requests fail to connect.
func (s *Server) Close() {
	s.once.Do(func() {
		s.srv.CloseClientConnections()
		s.srv.Close()
	})
}

// notify wakes everyone waiting for a change. Call with s.mu held.
func (s *Server) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// WaitUntil blocks until cond is true, re-checking after every change to
// the fake (a call, an added user, a customer message), or until ctx ends.
// cond may call the Server's methods.
func (s *Server) WaitUntil(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("wecomfake: condition not met: %w", ctx.Err())
		}
	}
}

// AddUser makes members visible to the app: message/send accepts them.
func (s *Server) AddUser(userIDs ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range userIDs {
		s.users[u] = true
	}
	s.notify()
}

// AddRobot makes keys valid group robot webhook keys.
func (s *Server) AddRobot(keys ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range keys {
		if _, ok := s.robots[k]; !ok {
			s.robots[k] = nil
		}
	}
	s.notify()
}

// AddMedia makes mediaID downloadable with media/get (a photo a member or
// customer sent) and usable in messages.
func (s *Server) AddMedia(mediaID string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.media[mediaID] = media{data: bytes.Clone(data), created: s.Opts.Now()}
	s.notify()
}

// AddKf makes customer-service accounts exist. KfCustomerSays adds its
// account by itself.
func (s *Server) AddKf(openKfIDs ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range openKfIDs {
		s.kfAccounts[id] = true
	}
	s.notify()
}

// ExpireTokens makes every token issued so far answer 42001 (access_token
// expired), as if its time had run out.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.tokens {
		t.revoked = true
	}
	s.notify()
}

// FailNext makes the next n calls of path (e.g. "/cgi-bin/message/send")
// answer errcode with errmsg, with HTTP 200 like WeCom, instead of doing
// anything. An empty errmsg takes WeCom's wording for the code.
func (s *Server) FailNext(path string, n int, errcode int, errmsg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.fails[path] = append(s.fails[path], failure{code: errcode, msg: errmsg})
	}
}

// FailHTTP makes the next n calls of path answer with HTTP status (a 502
// from WeCom's gateway, say) and an HTML body, as a proxy or an overloaded
// gateway does, instead of doing anything.
func (s *Server) FailHTTP(path string, n int, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.fails[path] = append(s.fails[path], failure{status: status})
	}
}

// AccessTokens returns every access token issued so far (app and kf), for
// tests that check a token does not leak.
func (s *Server) AccessTokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for t := range s.tokens {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// Calls counts the calls of path (e.g. "/cgi-bin/gettoken"), refused ones
// included.
func (s *Server) Calls(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[path]
}

// TokensIssued counts the access tokens gettoken has issued, app and kf.
func (s *Server) TokensIssued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokensIssued
}

// App returns the accepted message/send calls, in order.
func (s *Server) App() []AppMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]AppMessage(nil), s.app...)
}

// Robot returns the accepted webhook/send calls, in order.
func (s *Server) Robot() []RobotMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]RobotMessage(nil), s.robot...)
}

// Kf returns the accepted kf/send_msg calls, in order.
func (s *Server) Kf() []KfMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]KfMessage(nil), s.kfSent...)
}

// CardUpdates returns the accepted message/update_template_card calls, in
// order.
func (s *Server) CardUpdates() []CardUpdate {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]CardUpdate(nil), s.cardUpdates...)
}

// Refused returns every call answered with errcode != 0, in order.
func (s *Server) Refused() []Refusal {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Refusal(nil), s.refused...)
}

// The HTTP side.

// apiErr is an errcode answer; extra fields (like invaliduser) ride along.
type apiErr struct {
	code  int
	msg   string
	extra map[string]any
}

func fail(code int, msg string) *apiErr { return &apiErr{code: code, msg: msg} }

// reply is what a handler answers: a JSON object, or raw bytes (media/get).
type reply struct {
	json   map[string]any
	raw    []byte // the body when header is set
	header http.Header
}

type request struct {
	path     string
	q        url.Values
	ct       string // media type of the body
	boundary string // its multipart boundary
	body     []byte
	now      time.Time
}

type handler func(s *Server, r *request) (*reply, *apiErr)

var routes = map[string]handler{
	"/cgi-bin/gettoken":                     (*Server).getToken,
	"/cgi-bin/message/send":                 (*Server).messageSend,
	"/cgi-bin/message/update_template_card": (*Server).updateTemplateCard,
	"/cgi-bin/media/upload":                 (*Server).mediaUpload,
	"/cgi-bin/media/get":                    (*Server).mediaGet,
	"/cgi-bin/webhook/send":                 (*Server).webhookSend,
	"/cgi-bin/kf/sync_msg":                  (*Server).kfSyncMsg,
	"/cgi-bin/kf/send_msg":                  (*Server).kfSendMsg,
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	ct, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	req := &request{path: r.URL.Path, q: r.URL.Query(), ct: ct, boundary: params["boundary"], body: body}

	s.mu.Lock()
	req.now = s.Opts.Now()
	s.calls[req.path]++
	var rep *reply
	var aerr *apiErr
	httpStatus := 0
	h, known := routes[req.path]
	if q := s.fails[req.path]; len(q) > 0 {
		s.fails[req.path] = q[1:]
		if q[0].status != 0 {
			httpStatus = q[0].status
		} else {
			aerr = fail(q[0].code, q[0].msg)
		}
	} else if known {
		rep, aerr = h(s, req)
	}
	if aerr != nil {
		s.refused = append(s.refused, Refusal{Path: req.path, ErrCode: aerr.code, Time: req.now})
	}
	s.notify()
	s.mu.Unlock()

	switch {
	case httpStatus != 0:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(httpStatus)
		_, _ = fmt.Fprintf(w, "<html><body><h1>%d %s</h1></body></html>", httpStatus, http.StatusText(httpStatus))
	case aerr != nil:
		out := map[string]any{"errcode": aerr.code, "errmsg": errmsg(aerr.code, aerr.msg, req.now)}
		for k, v := range aerr.extra {
			out[k] = v
		}
		writeJSON(w, out)
	case !known:
		// WeCom answers an unknown cgi with an HTML 404.
		http.NotFound(w, r)
	case rep.header != nil:
		for k, v := range rep.header {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(rep.raw)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(rep.raw)
	default:
		out := map[string]any{"errcode": 0, "errmsg": "ok"}
		for k, v := range rep.json {
			out[k] = v
		}
		writeJSON(w, out)
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(http.StatusOK)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// wording is WeCom's errmsg for the codes the fake answers.
var wording = map[int]string{
	CodeSystemBusy:        "system busy",
	CodeInvalidSecret:     "invalid credential",
	CodeInvalidMediaType:  "invalid media type",
	CodeInvalidFileSize:   "invalid file size",
	CodeInvalidMediaID:    "invalid media_id",
	CodeInvalidMsgType:    "invalid message type",
	CodeInvalidImageSize:  "invalid image size",
	CodeInvalidCorpID:     "invalid corpid",
	CodeInvalidToken:      "invalid access_token",
	CodeInvalidAgentID:    "invalid agentid",
	CodeInvalidParam:      "invalid Request Parameter",
	CodeInvalidExternalID: "invalid external userid",
	CodeTokenMissing:      "access_token missing",
	CodeCorpIDMissing:     "corpid missing",
	CodeSecretMissing:     "corpsecret missing",
	CodeMediaIDMissing:    "media_id missing",
	CodeAgentIDMissing:    "agentid missing",
	CodeTitleMissing:      "missing title",
	CodeTokenExpired:      "access_token expired",
	CodeInvalidTaskID:     "taskid has existed or empty or exceed max len",
	CodeInvalidButtonKey:  "invalid button key",
	CodeButtonKeyMissing:  "missing button key",
	CodeButtonNameMissing: "missing button name",
	CodeEmptyMedia:        "empty media data",
	CodeEmptyContent:      "empty content",
	CodeContentTooLong:    "content size out of limit",
	CodeFreqLimit:         "api freq out of limit",
	CodeMenuTooLong:       "msgmenu list size is out of limit",
	CodeAPIForbidden:      "api forbidden",
	CodeInvalidCursor:     "invalid cursor",
	CodeNoRecipients:      "missing visible range",
	CodeInvalidUser:       "user & party & tag all invalid",
	CodeRecipientsEmpty:   "All touser & toparty & totag invalid",
	CodeInvalidRobotKey:   "invalid webhook url",
	CodeInvalidOpenKfID:   "invalid open_kfid",
	CodeKfCountLimit:      "send msg count limit",
	CodeKfTimeLimit:       "send msg time limit",
	CodeOpenKfIDNotExist:  "open_kfid not exist",
	CodeAgentMismatch:     "no privilege to access/modify contact/party/agent",
}

// errmsg gives msg (or WeCom's wording for code) WeCom's trailer.
func errmsg(code int, msg string, now time.Time) string {
	if msg == "" {
		msg = wording[code]
	}
	if msg == "" {
		msg = "error"
	}
	return fmt.Sprintf("%s, hint: [%d_wecomfake], from ip: 127.0.0.1, more info at https://open.work.weixin.qq.com/devtool/query?e=%d", msg, now.Unix(), code)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// newID returns a fresh id with prefix. Call with s.mu held.
func (s *Server) newID(prefix string) string {
	s.nextID++
	return fmt.Sprintf("%s%d_%s", prefix, s.nextID, randomHex(6))
}

// auth checks the access_token of r. Customer-service paths take only a kf
// token, media paths either kind, everything else only an app token.
func (s *Server) auth(r *request) *apiErr {
	tok := r.q.Get("access_token")
	if tok == "" {
		return fail(CodeTokenMissing, "")
	}
	t, ok := s.tokens[tok]
	if !ok {
		return fail(CodeInvalidToken, "")
	}
	if t.revoked || !r.now.Before(t.expires) {
		return fail(CodeTokenExpired, "")
	}
	kfPath := strings.HasPrefix(r.path, "/cgi-bin/kf/")
	mediaPath := strings.HasPrefix(r.path, "/cgi-bin/media/")
	if !mediaPath && t.kf != kfPath {
		return fail(CodeAPIForbidden, "")
	}
	return nil
}

// decode unmarshals a JSON body, answering WeCom's wrong-format error.
func decode(r *request, v any) *apiErr {
	if err := json.Unmarshal(r.body, v); err != nil {
		return fail(CodeInvalidParam, "Warning: wrong json format. "+err.Error())
	}
	return nil
}

func (s *Server) getToken(r *request) (*reply, *apiErr) {
	corpID, secret := r.q.Get("corpid"), r.q.Get("corpsecret")
	switch {
	case corpID == "":
		return nil, fail(CodeCorpIDMissing, "")
	case secret == "":
		return nil, fail(CodeSecretMissing, "")
	case corpID != s.Opts.CorpID:
		return nil, fail(CodeInvalidCorpID, "")
	case secret != s.Opts.CorpSecret && secret != s.Opts.KfSecret:
		return nil, fail(CodeInvalidSecret, "")
	}
	tok := randomHex(48)
	s.tokens[tok] = &accessToken{kf: secret == s.Opts.KfSecret, expires: r.now.Add(s.Opts.TokenTTL)}
	s.tokensIssued++
	return &reply{json: map[string]any{"access_token": tok, "expires_in": int(s.Opts.TokenTTL / time.Second)}}, nil
}

// checkAgent checks an agentid: an integer, as WeCom documents it (a JSON
// string is refused with 40056).
func (s *Server) checkAgent(raw json.RawMessage) *apiErr {
	if len(raw) == 0 || string(raw) == "null" || string(raw) == `""` {
		return fail(CodeAgentIDMissing, "")
	}
	var n int
	if err := json.Unmarshal(raw, &n); err != nil {
		return fail(CodeInvalidAgentID, "invalid agentid: must be an integer")
	}
	if n != s.Opts.AgentID {
		return fail(CodeAgentMismatch, "")
	}
	return nil
}

// prune drops the times before now minus the rate window.
func prune(ts []time.Time, now time.Time) []time.Time {
	kept := ts[:0]
	for _, t := range ts {
		if t.After(now.Add(-rateWindow)) {
			kept = append(kept, t)
		}
	}
	return kept
}

// truncateUTF8 cuts s to at most n bytes without splitting a character.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

type sendRequest struct {
	ToUser  string          `json:"touser"`
	ToParty string          `json:"toparty"`
	ToTag   string          `json:"totag"`
	MsgType string          `json:"msgtype"`
	AgentID json.RawMessage `json:"agentid"`
	Text    *struct {
		Content string `json:"content"`
	} `json:"text"`
	Markdown *struct {
		Content string `json:"content"`
	} `json:"markdown"`
	Image *struct {
		MediaID string `json:"media_id"`
	} `json:"image"`
	TemplateCard *cardRequest `json:"template_card"`
}

type cardRequest struct {
	CardType  string `json:"card_type"`
	TaskID    string `json:"task_id"`
	MainTitle *struct {
		Title string `json:"title"`
		Desc  string `json:"desc"`
	} `json:"main_title"`
	SubTitleText string          `json:"sub_title_text"`
	ActionMenu   json.RawMessage `json:"action_menu"`
	ButtonList   []struct {
		Text  string `json:"text"`
		Style int    `json:"style"`
		Key   string `json:"key"`
	} `json:"button_list"`
}

var taskIDPattern = regexp.MustCompile(`^[0-9A-Za-z_\-@]+$`)

// interactive card types: they need a task_id and get a response_code.
var interactiveCards = map[string]bool{"button_interaction": true, "vote_interaction": true, "multiple_interaction": true}

var cardTypes = map[string]bool{"text_notice": true, "news_notice": true, "button_interaction": true, "vote_interaction": true, "multiple_interaction": true}

// checkCard validates a template card and returns what the fake records of
// it and whether it gets a response_code. Call with s.mu held.
func (s *Server) checkCard(c *cardRequest) (*Card, bool, *apiErr) {
	if c == nil || !cardTypes[c.CardType] {
		return nil, false, fail(CodeInvalidParam, "invalid template_card.card_type")
	}
	card := &Card{CardType: c.CardType, TaskID: c.TaskID, SubTitle: c.SubTitleText}
	if c.MainTitle != nil {
		card.Title, card.Desc = c.MainTitle.Title, c.MainTitle.Desc
	}
	if card.Title == "" && card.SubTitle == "" {
		return nil, false, fail(CodeTitleMissing, "")
	}
	hasMenu := len(c.ActionMenu) > 0 && string(c.ActionMenu) != "null"
	callback := interactiveCards[c.CardType] || hasMenu
	if callback || c.TaskID != "" {
		if c.TaskID == "" || len(c.TaskID) > maxTaskID || !taskIDPattern.MatchString(c.TaskID) || s.taskIDs[c.TaskID] {
			return nil, false, fail(CodeInvalidTaskID, "")
		}
	}
	if c.CardType == "button_interaction" {
		if len(c.ButtonList) < 1 || len(c.ButtonList) > maxButtons {
			return nil, false, fail(CodeInvalidParam, "template_card.button_list size must be 1 to 6")
		}
		for _, b := range c.ButtonList {
			switch {
			case b.Text == "":
				return nil, false, fail(CodeButtonNameMissing, "")
			case b.Key == "":
				return nil, false, fail(CodeButtonKeyMissing, "")
			case len(b.Key) > maxButtonKey:
				return nil, false, fail(CodeInvalidButtonKey, "")
			}
			card.Buttons = append(card.Buttons, CardButton{Text: b.Text, Key: b.Key, Style: b.Style})
		}
	}
	return card, callback, nil
}

func (s *Server) messageSend(r *request) (*reply, *apiErr) {
	if e := s.auth(r); e != nil {
		return nil, e
	}
	var req sendRequest
	if e := decode(r, &req); e != nil {
		return nil, e
	}
	if e := s.checkAgent(req.AgentID); e != nil {
		return nil, e
	}
	msg := AppMessage{MsgType: req.MsgType, Time: r.now}
	var callback bool
	switch req.MsgType {
	case "text":
		if req.Text == nil || req.Text.Content == "" {
			return nil, fail(CodeEmptyContent, "")
		}
		msg.Content = truncateUTF8(req.Text.Content, maxAppText)
	case "markdown":
		if req.Markdown == nil || req.Markdown.Content == "" {
			return nil, fail(CodeEmptyContent, "")
		}
		if len(req.Markdown.Content) > maxAppMarkdown {
			return nil, fail(CodeContentTooLong, "")
		}
		msg.Content = req.Markdown.Content
	case "image":
		if req.Image == nil || req.Image.MediaID == "" {
			return nil, fail(CodeMediaIDMissing, "")
		}
		if !s.mediaValid(req.Image.MediaID, r.now) {
			return nil, fail(CodeInvalidMediaID, "")
		}
		msg.MediaID = req.Image.MediaID
	case "template_card":
		card, cb, e := s.checkCard(req.TemplateCard)
		if e != nil {
			return nil, e
		}
		msg.Card, callback = card, cb
	default:
		return nil, fail(CodeInvalidMsgType, "")
	}

	// Recipients: members only (the fake has no departments or tags).
	if req.ToUser == "" && req.ToParty == "" && req.ToTag == "" {
		return nil, fail(CodeRecipientsEmpty, "")
	}
	var valid, invalid []string
	if req.ToUser == "@all" {
		for u := range s.users {
			valid = append(valid, u)
		}
		sort.Strings(valid)
	} else if req.ToUser != "" {
		for _, u := range strings.Split(req.ToUser, "|") {
			if s.users[u] {
				valid = append(valid, u)
			} else {
				invalid = append(invalid, strings.ToLower(u))
			}
		}
	}
	extra := map[string]any{}
	if len(invalid) > 0 {
		extra["invaliduser"] = strings.Join(invalid, "|")
	}
	if req.ToParty != "" {
		extra["invalidparty"] = req.ToParty
	}
	if req.ToTag != "" {
		extra["invalidtag"] = req.ToTag
	}
	if len(valid) == 0 {
		return nil, &apiErr{code: CodeInvalidUser, extra: extra}
	}
	for _, u := range valid {
		s.userSends[u] = prune(s.userSends[u], r.now)
		if len(s.userSends[u]) >= s.Opts.AppPerUserPerMinute {
			return nil, fail(CodeFreqLimit, "")
		}
	}
	for _, u := range valid {
		s.userSends[u] = append(s.userSends[u], r.now)
	}
	if req.ToUser == "@all" {
		msg.ToUser = "@all"
	} else {
		msg.ToUser = strings.Join(valid, "|")
	}
	msg.MsgID = s.newID("msgid")
	out := map[string]any{"msgid": msg.MsgID}
	for k, v := range extra {
		out[k] = v
	}
	if msg.Card != nil && msg.Card.TaskID != "" {
		s.taskIDs[msg.Card.TaskID] = true
	}
	if callback {
		msg.ResponseCode = s.issueResponseCode(r.now)
		out["response_code"] = msg.ResponseCode
	}
	s.app = append(s.app, msg)
	return &reply{json: out}, nil
}

// issueResponseCode makes a fresh single-use response_code. Call with s.mu
// held.
func (s *Server) issueResponseCode(now time.Time) string {
	b := make([]byte, responseCodeBytes)
	_, _ = rand.Read(b)
	code := base64.RawURLEncoding.EncodeToString(b)
	s.respCodes[code] = &respCode{issued: now}
	return code
}

type updateRequest struct {
	UserIDs      []string        `json:"userids"`
	PartyIDs     []int           `json:"partyids"`
	TagIDs       []int           `json:"tagids"`
	AtAll        int             `json:"atall"`
	AgentID      json.RawMessage `json:"agentid"`
	ResponseCode string          `json:"response_code"`
	Button       *struct {
		ReplaceName string `json:"replace_name"`
	} `json:"button"`
	TemplateCard json.RawMessage `json:"template_card"`
}

func (s *Server) updateTemplateCard(r *request) (*reply, *apiErr) {
	if e := s.auth(r); e != nil {
		return nil, e
	}
	var req updateRequest
	if e := decode(r, &req); e != nil {
		return nil, e
	}
	if e := s.checkAgent(req.AgentID); e != nil {
		return nil, e
	}
	rc := s.respCodes[req.ResponseCode]
	if req.ResponseCode == "" || rc == nil || rc.used || !r.now.Before(rc.issued.Add(responseCodeTTL)) {
		return nil, fail(CodeInvalidParam, "invalid response_code")
	}
	hasCard := len(req.TemplateCard) > 0 && string(req.TemplateCard) != "null"
	if req.Button == nil && !hasCard {
		return nil, fail(CodeInvalidParam, "button or template_card required")
	}
	if req.Button != nil && req.Button.ReplaceName == "" {
		return nil, fail(CodeInvalidParam, "button.replace_name required")
	}
	if len(req.UserIDs) == 0 && len(req.PartyIDs) == 0 && len(req.TagIDs) == 0 && req.AtAll == 0 {
		return nil, fail(CodeNoRecipients, "")
	}
	var valid, invalid []string
	for _, u := range req.UserIDs {
		if s.users[u] {
			valid = append(valid, u)
		} else {
			invalid = append(invalid, u)
		}
	}
	if len(valid) == 0 && req.AtAll == 0 {
		return nil, &apiErr{code: CodeInvalidUser, extra: map[string]any{"invaliduser": invalid}}
	}
	rc.used = true
	up := CardUpdate{UserIDs: valid, ResponseCode: req.ResponseCode}
	if req.Button != nil {
		up.ReplaceName = req.Button.ReplaceName
	}
	s.cardUpdates = append(s.cardUpdates, up)
	out := map[string]any{}
	if len(invalid) > 0 {
		out["invaliduser"] = invalid
	}
	return &reply{json: out}, nil
}

// mediaValid reports a media id known and not expired (3 days). Call with
// s.mu held.
func (s *Server) mediaValid(id string, now time.Time) bool {
	m, ok := s.media[id]
	return ok && now.Before(m.created.Add(mediaTTL))
}

var mediaLimits = map[string]int{"image": maxImageMedia, "voice": maxVoiceMedia, "video": maxVideoMedia, "file": maxFileMedia}

func (s *Server) mediaUpload(r *request) (*reply, *apiErr) {
	if e := s.auth(r); e != nil {
		return nil, e
	}
	typ := r.q.Get("type")
	limit, ok := mediaLimits[typ]
	if !ok {
		return nil, fail(CodeInvalidMediaType, "")
	}
	name, data, found := multipartFile(r, "media")
	switch {
	case !found || len(data) == 0:
		return nil, fail(CodeEmptyMedia, "")
	case len(data) <= minMediaSize:
		return nil, fail(CodeInvalidFileSize, "")
	case len(data) > limit && typ == "image":
		return nil, fail(CodeInvalidImageSize, "")
	case len(data) > limit:
		return nil, fail(CodeInvalidFileSize, "")
	}
	id := "3" + randomHex(30)
	s.media[id] = media{name: name, data: data, created: r.now}
	return &reply{json: map[string]any{"type": typ, "media_id": id, "created_at": strconv.FormatInt(r.now.Unix(), 10)}}, nil
}

// multipartFile finds the file part named field in a multipart body.
func multipartFile(r *request, field string) (name string, data []byte, ok bool) {
	if r.ct != "multipart/form-data" || r.boundary == "" {
		return "", nil, false
	}
	mr := multipart.NewReader(bytes.NewReader(r.body), r.boundary)
	for {
		p, err := mr.NextPart()
		if err != nil {
			return "", nil, false
		}
		if p.FormName() == field {
			d, err := io.ReadAll(p)
			if err != nil {
				return "", nil, false
			}
			return p.FileName(), d, true
		}
	}
}

func (s *Server) mediaGet(r *request) (*reply, *apiErr) {
	if e := s.auth(r); e != nil {
		return nil, e
	}
	id := r.q.Get("media_id")
	if id == "" {
		return nil, fail(CodeMediaIDMissing, "")
	}
	m, ok := s.media[id]
	if !ok || !s.mediaValid(id, r.now) {
		return nil, fail(CodeInvalidMediaID, "")
	}
	ct := http.DetectContentType(m.data)
	name := m.name
	if name == "" {
		name = id
		if exts, _ := mime.ExtensionsByType(ct); len(exts) > 0 {
			name += exts[0]
		}
	}
	h := http.Header{}
	h.Set("Content-Type", ct)
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, name))
	h.Set("Cache-Control", "no-cache, must-revalidate")
	return &reply{raw: bytes.Clone(m.data), header: h}, nil
}

type robotRequest struct {
	MsgType string `json:"msgtype"`
	Text    *struct {
		Content             string          `json:"content"`
		MentionedList       json.RawMessage `json:"mentioned_list"`
		MentionedMobileList json.RawMessage `json:"mentioned_mobile_list"`
	} `json:"text"`
	Markdown *struct {
		Content string `json:"content"`
	} `json:"markdown"`
	Image *struct {
		Base64 string `json:"base64"`
		MD5    string `json:"md5"`
	} `json:"image"`
}

// mentionList reads a robot text's mentioned_list: absent, or a list of
// strings; null (what a Go nil slice marshals to) or another type is
// refused as WeCom's parameter check does.
func mentionList(field string, raw json.RawMessage) ([]string, *apiErr) {
	if len(raw) == 0 {
		return nil, nil
	}
	var l []string
	if string(raw) == "null" || json.Unmarshal(raw, &l) != nil {
		return nil, fail(CodeInvalidParam, "text."+field+" must be a list of strings. invalid Request Parameter")
	}
	return l, nil
}

var robotOther = map[string]bool{"news": true, "file": true, "voice": true, "template_card": true, "markdown_v2": true}

func (s *Server) webhookSend(r *request) (*reply, *apiErr) {
	key := r.q.Get("key")
	sends, ok := s.robots[key]
	if key == "" || !ok {
		return nil, fail(CodeInvalidRobotKey, "")
	}
	var req robotRequest
	if e := decode(r, &req); e != nil {
		return nil, e
	}
	msg := RobotMessage{Key: key, MsgType: req.MsgType, Time: r.now}
	switch {
	case req.MsgType == "text":
		if req.Text == nil || req.Text.Content == "" {
			return nil, fail(CodeEmptyContent, "")
		}
		if len(req.Text.Content) > maxRobotText {
			return nil, fail(CodeInvalidParam, fmt.Sprintf("text.content exceed max length %d. invalid Request Parameter", maxRobotText))
		}
		var e *apiErr
		if msg.Mentioned, e = mentionList("mentioned_list", req.Text.MentionedList); e != nil {
			return nil, e
		}
		if _, e = mentionList("mentioned_mobile_list", req.Text.MentionedMobileList); e != nil {
			return nil, e
		}
		msg.Content = req.Text.Content
	case req.MsgType == "markdown":
		if req.Markdown == nil || req.Markdown.Content == "" {
			return nil, fail(CodeEmptyContent, "")
		}
		if len(req.Markdown.Content) > maxRobotMarkdown {
			return nil, fail(CodeInvalidParam, fmt.Sprintf("markdown.content exceed max length %d. invalid Request Parameter", maxRobotMarkdown))
		}
		msg.Content = req.Markdown.Content
	case req.MsgType == "image":
		if req.Image == nil || req.Image.Base64 == "" {
			return nil, fail(CodeEmptyMedia, "")
		}
		img, err := base64.StdEncoding.DecodeString(req.Image.Base64)
		if err != nil {
			return nil, fail(CodeInvalidParam, "image.base64 invalid. invalid Request Parameter")
		}
		if len(img) > maxRobotImage {
			return nil, fail(CodeInvalidImageSize, "")
		}
		sum := md5.Sum(img)
		if !strings.EqualFold(hex.EncodeToString(sum[:]), req.Image.MD5) {
			return nil, fail(CodeInvalidParam, "image.md5 not match. invalid Request Parameter")
		}
		msg.Image = img
	case robotOther[req.MsgType]:
	default:
		return nil, fail(CodeInvalidMsgType, "")
	}
	sends = prune(sends, r.now)
	if len(sends) >= s.Opts.RobotPerMinute {
		s.robots[key] = sends
		return nil, fail(CodeFreqLimit, "")
	}
	s.robots[key] = append(sends, r.now)
	s.robot = append(s.robot, msg)
	return &reply{json: map[string]any{}}, nil
}
