package wecomfake_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/silenceper/wechat/v2/cache"
	"github.com/silenceper/wechat/v2/util"
	"github.com/silenceper/wechat/v2/work"
	"github.com/silenceper/wechat/v2/work/config"
	"github.com/silenceper/wechat/v2/work/kf"
	"github.com/silenceper/wechat/v2/work/kf/sendmsg"
	"github.com/silenceper/wechat/v2/work/message"
	"github.com/silenceper/wechat/v2/work/robot"

	"github.com/alleybot/alleybot/internal/wecomfake"
)

// clock is a settable clock for Options.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// pointLibrary sends the wechat library's WeCom calls to the fake.
func pointLibrary(t *testing.T, s *wecomfake.Server) {
	t.Helper()
	util.SetURIModifier(func(uri string) string {
		return strings.Replace(uri, "https://qyapi.weixin.qq.com", s.URL, 1)
	})
	t.Cleanup(func() { util.SetURIModifier(nil) })
}

func newWork(s *wecomfake.Server) *work.Work {
	return work.NewWork(&config.Config{
		CorpID:     s.Opts.CorpID,
		CorpSecret: s.Opts.CorpSecret,
		AgentID:    strconv.Itoa(s.Opts.AgentID),
		Cache:      cache.NewMemory(),
	})
}

func newKf(t *testing.T, s *wecomfake.Server) *kf.Client {
	t.Helper()
	c, err := kf.NewClient(&config.Config{
		CorpID:         s.Opts.CorpID,
		CorpSecret:     s.Opts.KfSecret,
		Token:          s.Opts.Token,
		EncodingAESKey: s.Opts.EncodingAESKey,
		Cache:          cache.NewMemory(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// answer is the common part of WeCom's JSON answers, plus the fields the
// tests look at.
type answer struct {
	ErrCode      int    `json:"errcode"`
	ErrMsg       string `json:"errmsg"`
	AccessToken  string `json:"access_token"`
	ExpiresIn    int    `json:"expires_in"`
	MsgID        string `json:"msgid"`
	ResponseCode string `json:"response_code"`
	InvalidUser  any    `json:"invaliduser"`
	MediaID      string `json:"media_id"`
	NextCursor   string `json:"next_cursor"`
	HasMore      int    `json:"has_more"`
	MsgList      []struct {
		MsgID   string `json:"msgid"`
		MsgType string `json:"msgtype"`
	} `json:"msg_list"`
}

func get(t *testing.T, u string) answer {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	return decodeAnswer(t, resp)
}

func post(t *testing.T, u string, body any) answer {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(u, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	return decodeAnswer(t, resp)
}

func decodeAnswer(t *testing.T, resp *http.Response) answer {
	t.Helper()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("HTTP %d, WeCom always answers 200", resp.StatusCode)
	}
	var a answer
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		t.Fatal(err)
	}
	return a
}

func token(t *testing.T, s *wecomfake.Server, secret string) string {
	t.Helper()
	a := get(t, s.URL+"/cgi-bin/gettoken?corpid="+s.Opts.CorpID+"&corpsecret="+url.QueryEscape(secret))
	if a.ErrCode != 0 || a.AccessToken == "" {
		t.Fatalf("gettoken: %+v", a)
	}
	return a.AccessToken
}

func sendText(t *testing.T, s *wecomfake.Server, tok, to, content string) answer {
	t.Helper()
	return post(t, s.URL+"/cgi-bin/message/send?access_token="+tok, map[string]any{
		"touser": to, "msgtype": "text", "agentid": s.Opts.AgentID, "text": map[string]any{"content": content},
	})
}

func lastRefusal(t *testing.T, s *wecomfake.Server) wecomfake.Refusal {
	t.Helper()
	r := s.Refused()
	if len(r) == 0 {
		t.Fatal("nothing refused")
	}
	return r[len(r)-1]
}

func TestGetToken(t *testing.T) {
	s := wecomfake.New(t, wecomfake.Options{})
	for _, c := range []struct {
		query string
		code  int
	}{
		{"corpid=wrong&corpsecret=" + s.Opts.CorpSecret, wecomfake.CodeInvalidCorpID},
		{"corpid=" + s.Opts.CorpID + "&corpsecret=wrong", wecomfake.CodeInvalidSecret},
		{"corpid=" + s.Opts.CorpID, wecomfake.CodeSecretMissing},
		{"corpsecret=" + s.Opts.CorpSecret, wecomfake.CodeCorpIDMissing},
	} {
		if a := get(t, s.URL+"/cgi-bin/gettoken?"+c.query); a.ErrCode != c.code || a.AccessToken != "" {
			t.Errorf("gettoken?%s = %+v, want errcode %d", c.query, a, c.code)
		}
	}
	a := get(t, s.URL+"/cgi-bin/gettoken?corpid="+s.Opts.CorpID+"&corpsecret="+s.Opts.CorpSecret)
	if a.ErrCode != 0 || a.ErrMsg != "ok" || a.AccessToken == "" || a.ExpiresIn != 7200 {
		t.Fatalf("gettoken = %+v", a)
	}
	if n := s.TokensIssued(); n != 1 {
		t.Errorf("TokensIssued = %d, want 1", n)
	}
	if n := s.Calls("/cgi-bin/gettoken"); n != 5 {
		t.Errorf("Calls = %d, want 5", n)
	}
	if r := s.Refused(); len(r) != 4 || r[0].Path != "/cgi-bin/gettoken" || r[0].ErrCode != wecomfake.CodeInvalidCorpID {
		t.Errorf("Refused = %+v", r)
	}
}

func TestTokenExpiry(t *testing.T) {
	clk := newClock()
	s := wecomfake.New(t, wecomfake.Options{TokenTTL: time.Hour, Now: clk.Now})
	s.AddUser("zhangsan")
	tok := token(t, s, s.Opts.CorpSecret)
	if a := sendText(t, s, tok, "zhangsan", "hi"); a.ErrCode != 0 {
		t.Fatalf("send: %+v", a)
	}
	clk.Add(time.Hour - time.Second)
	if a := sendText(t, s, tok, "zhangsan", "hi"); a.ErrCode != 0 {
		t.Fatalf("send before expiry: %+v", a)
	}
	clk.Add(time.Second)
	if a := sendText(t, s, tok, "zhangsan", "hi"); a.ErrCode != wecomfake.CodeTokenExpired {
		t.Fatalf("send after TTL = %+v, want 42001", a)
	}

	tok = token(t, s, s.Opts.CorpSecret)
	if a := sendText(t, s, tok, "zhangsan", "hi"); a.ErrCode != 0 {
		t.Fatalf("send with new token: %+v", a)
	}
	s.ExpireTokens()
	if a := sendText(t, s, tok, "zhangsan", "hi"); a.ErrCode != wecomfake.CodeTokenExpired || !strings.Contains(a.ErrMsg, "access_token expired") {
		t.Fatalf("send after ExpireTokens = %+v, want 42001", a)
	}
	if a := sendText(t, s, "not-a-token", "zhangsan", "hi"); a.ErrCode != wecomfake.CodeInvalidToken {
		t.Errorf("unknown token = %+v, want 40014", a)
	}
	if a := sendText(t, s, "", "zhangsan", "hi"); a.ErrCode != wecomfake.CodeTokenMissing {
		t.Errorf("no token = %+v, want 41001", a)
	}
	if got := lastRefusal(t, s); got.Path != "/cgi-bin/message/send" || got.ErrCode != wecomfake.CodeTokenMissing || !got.Time.Equal(clk.Now()) {
		t.Errorf("last refusal = %+v", got)
	}
	if n := len(s.App()); n != 3 {
		t.Errorf("App() has %d messages, want 3", n)
	}
}

func TestTokenKinds(t *testing.T) {
	s := wecomfake.New(t, wecomfake.Options{})
	s.AddUser("zhangsan")
	s.AddMedia("m1", []byte("\x89PNG\r\n\x1a\nrest-of-a-png"))
	app, kft := token(t, s, s.Opts.CorpSecret), token(t, s, s.Opts.KfSecret)
	if a := sendText(t, s, kft, "zhangsan", "hi"); a.ErrCode != wecomfake.CodeAPIForbidden {
		t.Errorf("message/send with a kf token = %+v, want 48002", a)
	}
	if a := post(t, s.URL+"/cgi-bin/kf/sync_msg?access_token="+app, map[string]any{}); a.ErrCode != wecomfake.CodeAPIForbidden {
		t.Errorf("kf/sync_msg with an app token = %+v, want 48002", a)
	}
	if a := post(t, s.URL+"/cgi-bin/kf/sync_msg?access_token="+kft, map[string]any{}); a.ErrCode != 0 {
		t.Errorf("kf/sync_msg with a kf token = %+v", a)
	}
	for _, tok := range []string{app, kft} {
		resp, err := http.Get(s.URL + "/cgi-bin/media/get?access_token=" + tok + "&media_id=m1")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !bytes.HasPrefix(b, []byte("\x89PNG")) {
			t.Errorf("media/get with either token: %q", b)
		}
	}
}

func TestAppMessagesViaLibrary(t *testing.T) {
	s := wecomfake.New(t, wecomfake.Options{})
	pointLibrary(t, s)
	s.AddUser("zhangsan", "wangwu")
	msg := newWork(s).GetMessage()
	// agentid is an integer (the library's SendRequestCommon has a string,
	// which WeCom's documentation does not allow: the fake refuses it).
	sendText := func(to string, agent any, content string) (*message.SendResponse, error) {
		return msg.Send("MessageSendText", map[string]any{"touser": to, "msgtype": "text", "agentid": agent, "text": map[string]string{"content": content}})
	}

	resp, err := sendText("zhangsan", s.Opts.AgentID, "你好")
	if err != nil || resp.MsgID == "" {
		t.Fatalf("SendText = %+v, %v", resp, err)
	}
	got := s.App()
	if len(got) != 1 || got[0].ToUser != "zhangsan" || got[0].MsgType != "text" || got[0].Content != "你好" || got[0].MsgID != resp.MsgID {
		t.Fatalf("App() = %+v", got)
	}

	// Some recipients invalid: sent to the others, invaliduser tells which.
	resp, err = sendText("zhangsan|LiSi", s.Opts.AgentID, "部分")
	if err != nil || resp.InvalidUser != "lisi" {
		t.Fatalf("partial send = %+v, %v", resp, err)
	}
	if last := s.App()[1]; last.ToUser != "zhangsan" {
		t.Errorf("partial send recorded to %q", last.ToUser)
	}

	// All invalid: 81013.
	resp, err = sendText("lisi", s.Opts.AgentID, "x")
	var ce *util.CommonError
	if !errors.As(err, &ce) || ce.ErrCode != wecomfake.CodeInvalidUser || resp.InvalidUser != "lisi" {
		t.Fatalf("send to a stranger = %+v, %v; want 81013", resp, err)
	}

	// Another app's agentid: 301002.
	_, err = sendText("zhangsan", 42, "x")
	if !errors.As(err, &ce) || ce.ErrCode != wecomfake.CodeAgentMismatch {
		t.Fatalf("wrong agentid: %v; want 301002", err)
	}
	// The right agentid as a string: 40056.
	_, err = msg.SendText(message.SendTextRequest{SendRequestCommon: &message.SendRequestCommon{ToUser: "zhangsan", AgentID: strconv.Itoa(s.Opts.AgentID)}, Text: message.TextField{Content: "x"}})
	if !errors.As(err, &ce) || ce.ErrCode != wecomfake.CodeInvalidAgentID {
		t.Fatalf("agentid as a string: %v; want 40056", err)
	}

	// Text over 2048 bytes is truncated, on a character boundary.
	long := strings.Repeat("长", 1000) // 3000 bytes
	if _, err := sendText("wangwu", s.Opts.AgentID, long); err != nil {
		t.Fatal(err)
	}
	last := s.App()[len(s.App())-1]
	if len(last.Content) > 2048 || len(last.Content) < 2046 || !utf8.ValidString(last.Content) || !strings.HasPrefix(long, last.Content) {
		t.Errorf("long text recorded as %d bytes", len(last.Content))
	}

	// Markdown, and one token for all of it.
	if _, err := msg.Send("MessageSendMarkdown", map[string]any{"touser": "wangwu", "msgtype": "markdown", "agentid": s.Opts.AgentID, "markdown": map[string]string{"content": "**粗体**"}}); err != nil {
		t.Fatal(err)
	}
	if last := s.App()[len(s.App())-1]; last.MsgType != "markdown" || last.Content != "**粗体**" {
		t.Errorf("markdown recorded as %+v", last)
	}
	if n := s.TokensIssued(); n != 1 {
		t.Errorf("TokensIssued = %d, want 1 (the library caches it)", n)
	}
}

func card(taskID string, buttons ...map[string]any) map[string]any {
	return map[string]any{
		"card_type":      "button_interaction",
		"main_title":     map[string]string{"title": "新报修", "desc": "3号楼"},
		"sub_title_text": "水管漏水",
		"task_id":        taskID,
		"button_list":    buttons,
	}
}

func button(text, key string) map[string]any {
	return map[string]any{"text": text, "style": 1, "key": key}
}

func TestTemplateCardResponseCodeOnce(t *testing.T) {
	clk := newClock()
	// The library caches tokens by the real clock: keep them valid while the fake's runs ahead.
	s := wecomfake.New(t, wecomfake.Options{Now: clk.Now, TokenTTL: 1000 * time.Hour})
	pointLibrary(t, s)
	s.AddUser("zhangsan")
	msg := newWork(s).GetMessage()
	sendCard := func(c map[string]any) (*message.SendResponse, error) {
		return msg.Send("MessageSendTemplateCard", map[string]any{"touser": "zhangsan", "msgtype": "template_card", "agentid": s.Opts.AgentID, "template_card": c})
	}

	resp, err := sendCard(card("task-1", button("接单", "accept:1"), button("拒绝", "reject:1")))
	if err != nil || resp.ResponseCode == "" {
		t.Fatalf("send card = %+v, %v", resp, err)
	}
	got := s.App()[0]
	want := wecomfake.Card{CardType: "button_interaction", TaskID: "task-1", Title: "新报修", Desc: "3号楼", SubTitle: "水管漏水",
		Buttons: []wecomfake.CardButton{{Text: "接单", Key: "accept:1", Style: 1}, {Text: "拒绝", Key: "reject:1", Style: 1}}}
	if got.Card == nil || got.Card.TaskID != want.TaskID || got.Card.Title != want.Title || got.Card.Desc != want.Desc ||
		got.Card.SubTitle != want.SubTitle || len(got.Card.Buttons) != 2 || got.Card.Buttons[1] != want.Buttons[1] || got.ResponseCode != resp.ResponseCode {
		t.Fatalf("App()[0] = %+v, card %+v", got, got.Card)
	}

	tok, err := msg.GetAccessToken()
	if err != nil {
		t.Fatal(err)
	}
	update := func(code string) answer {
		return post(t, s.URL+"/cgi-bin/message/update_template_card?access_token="+tok, map[string]any{
			"userids": []string{"zhangsan"}, "agentid": s.Opts.AgentID, "response_code": code, "button": map[string]string{"replace_name": "已接单"},
		})
	}
	if a := update(resp.ResponseCode); a.ErrCode != 0 {
		t.Fatalf("first update = %+v", a)
	}
	if a := update(resp.ResponseCode); a.ErrCode != wecomfake.CodeInvalidParam {
		t.Fatalf("second update = %+v, want 40058", a)
	}
	if a := update("never-issued"); a.ErrCode != wecomfake.CodeInvalidParam {
		t.Fatalf("update with an unknown code = %+v, want 40058", a)
	}
	if ups := s.CardUpdates(); len(ups) != 1 || ups[0].ResponseCode != resp.ResponseCode || ups[0].ReplaceName != "已接单" || len(ups[0].UserIDs) != 1 || ups[0].UserIDs[0] != "zhangsan" {
		t.Fatalf("CardUpdates = %+v", ups)
	}

	// A press's response_code (from the callback) is usable once too, for 72 hours.
	s.CardEvent("zhangsan", "accept:1", "task-1", "rc-from-press")
	if a := update("rc-from-press"); a.ErrCode != 0 {
		t.Fatalf("update with the event's code = %+v", a)
	}
	s.CardEvent("zhangsan", "accept:1", "task-1", "rc-late")
	clk.Add(72 * time.Hour)
	if a := update("rc-late"); a.ErrCode != wecomfake.CodeInvalidParam {
		t.Fatalf("update after 72h = %+v, want 40058", a)
	}

	var ce *util.CommonError
	for _, c := range []struct {
		name string
		card map[string]any
		code int
	}{
		{"reused task_id", card("task-1", button("接单", "k")), wecomfake.CodeInvalidTaskID},
		{"no task_id", card("", button("接单", "k")), wecomfake.CodeInvalidTaskID},
		{"bad task_id", card("有 空格", button("接单", "k")), wecomfake.CodeInvalidTaskID},
		{"no buttons", card("task-2"), wecomfake.CodeInvalidParam},
		{"7 buttons", card("task-3", button("1", "1"), button("2", "2"), button("3", "3"), button("4", "4"), button("5", "5"), button("6", "6"), button("7", "7")), wecomfake.CodeInvalidParam},
		{"long key", card("task-4", button("接单", strings.Repeat("k", 1025))), wecomfake.CodeInvalidButtonKey},
		{"no key", card("task-5", button("接单", "")), wecomfake.CodeButtonKeyMissing},
		{"no text", card("task-6", button("", "k")), wecomfake.CodeButtonNameMissing},
	} {
		if _, err := sendCard(c.card); !errors.As(err, &ce) || ce.ErrCode != int64(c.code) {
			t.Errorf("%s: %v, want errcode %d", c.name, err, c.code)
		}
	}
	// A key of exactly 1024 bytes and 6 buttons are fine.
	if _, err := sendCard(card("task-7", button("1", strings.Repeat("k", 1024)), button("2", "2"), button("3", "3"), button("4", "4"), button("5", "5"), button("6", "6"))); err != nil {
		t.Errorf("6 buttons, 1024-byte key: %v", err)
	}
}

func TestAppPerUserRateLimit(t *testing.T) {
	clk := newClock()
	s := wecomfake.New(t, wecomfake.Options{Now: clk.Now})
	s.AddUser("zhangsan", "wangwu")
	tok := token(t, s, s.Opts.CorpSecret)
	for i := range 30 {
		if a := sendText(t, s, tok, "zhangsan", "n"+strconv.Itoa(i)); a.ErrCode != 0 {
			t.Fatalf("send %d: %+v", i+1, a)
		}
		clk.Add(time.Second)
	}
	if a := sendText(t, s, tok, "zhangsan", "31st"); a.ErrCode != wecomfake.CodeFreqLimit {
		t.Fatalf("31st send in a minute = %+v, want 45009", a)
	}
	if a := sendText(t, s, tok, "wangwu", "other member"); a.ErrCode != 0 {
		t.Fatalf("another member: %+v", a)
	}
	clk.Add(30 * time.Second) // the first send is now 60 s old
	if a := sendText(t, s, tok, "zhangsan", "later"); a.ErrCode != 0 {
		t.Fatalf("send after the window slid: %+v", a)
	}
}

func TestRobotRateLimit(t *testing.T) {
	clk := newClock()
	s := wecomfake.New(t, wecomfake.Options{Now: clk.Now})
	pointLibrary(t, s)
	s.AddRobot("robot-key-1", "robot-key-2")
	bot := newWork(s).GetRobot()
	text := func(content string, mention ...string) *robot.WebhookSendTextOption {
		o := &robot.WebhookSendTextOption{MsgType: "text"}
		// Lists, not null (the fake refuses a null mentioned_list).
		o.Text.Content, o.Text.MentionedList, o.Text.MentionedMobileList = content, append([]string{}, mention...), []string{}
		return o
	}

	for i := range 20 {
		info, err := bot.RobotBroadcast("robot-key-1", text("告警 "+strconv.Itoa(i), "zhangsan"))
		if err != nil || info.ErrCode != 0 {
			t.Fatalf("message %d: %+v, %v", i+1, info, err)
		}
		if i == 0 {
			clk.Add(30 * time.Second)
		}
	}
	info, err := bot.RobotBroadcast("robot-key-1", text("21st"))
	if err != nil || info.ErrCode != wecomfake.CodeFreqLimit {
		t.Fatalf("21st message in a minute = %+v, %v; want 45009", info, err)
	}
	if r := lastRefusal(t, s); r.Path != "/cgi-bin/webhook/send" || r.ErrCode != wecomfake.CodeFreqLimit {
		t.Errorf("refusal = %+v", r)
	}
	if info, _ := bot.RobotBroadcast("robot-key-2", text("other robot")); info.ErrCode != 0 {
		t.Errorf("other key: %+v", info)
	}
	clk.Add(30 * time.Second) // the first message is 60 s old: one slot free
	if info, _ := bot.RobotBroadcast("robot-key-1", text("after")); info.ErrCode != 0 {
		t.Fatalf("after the window slid: %+v", info)
	}
	if info, _ := bot.RobotBroadcast("robot-key-1", text("and again")); info.ErrCode != wecomfake.CodeFreqLimit {
		t.Fatalf("next one: %+v, want 45009", info)
	}
	got := s.Robot()
	if len(got) != 22 || got[0].Key != "robot-key-1" || got[0].Content != "告警 0" || len(got[0].Mentioned) != 1 || got[0].Mentioned[0] != "zhangsan" {
		t.Fatalf("Robot() = %d messages, first %+v", len(got), got[0])
	}

	if info, _ := bot.RobotBroadcast("no-such-key", text("x")); info.ErrCode != wecomfake.CodeInvalidRobotKey {
		t.Errorf("unknown key: %+v, want 93000", info)
	}
	md := &robot.WebhookSendMarkdownOption{MsgType: "markdown"}
	md.Markdown.Content = strings.Repeat("a", 4097)
	if info, _ := bot.RobotBroadcast("robot-key-2", md); info.ErrCode != wecomfake.CodeInvalidParam || !strings.Contains(info.ErrMsg, "exceed max length 4096") {
		t.Errorf("4097-byte markdown: %+v, want 40058", info)
	}

	img := []byte("\x89PNG\r\n\x1a\nimage-bytes")
	sum := md5.Sum(img)
	im := &robot.WebhookSendImageOption{MsgType: "image"}
	im.Image.Base64, im.Image.MD5 = base64.StdEncoding.EncodeToString(img), hex.EncodeToString(sum[:])
	if info, _ := bot.RobotBroadcast("robot-key-2", im); info.ErrCode != 0 {
		t.Fatalf("image: %+v", info)
	}
	if got := s.Robot(); !bytes.Equal(got[len(got)-1].Image, img) {
		t.Errorf("image recorded as %q", got[len(got)-1].Image)
	}
	im.Image.MD5 = strings.Repeat("0", 32)
	if info, _ := bot.RobotBroadcast("robot-key-2", im); info.ErrCode != wecomfake.CodeInvalidParam {
		t.Errorf("image with a wrong md5: %+v, want 40058", info)
	}
}

// envelope is WeCom's encrypted callback body.
type envelope struct {
	ToUserName string `xml:"ToUserName"`
	Encrypt    string `xml:"Encrypt"`
	AgentID    string `xml:"AgentID"`
}

// incoming is the plain callback XML.
type incoming struct {
	ToUserName   string `xml:"ToUserName"`
	FromUserName string `xml:"FromUserName"`
	CreateTime   int64  `xml:"CreateTime"`
	MsgType      string `xml:"MsgType"`
	Content      string `xml:"Content"`
	MsgID        int64  `xml:"MsgId"`
	AgentID      int    `xml:"AgentID"`
	PicURL       string `xml:"PicUrl"`
	MediaID      string `xml:"MediaId"`
	LocationX    string `xml:"Location_X"`
	LocationY    string `xml:"Location_Y"`
	Label        string `xml:"Label"`
	Event        string `xml:"Event"`
	EventKey     string `xml:"EventKey"`
	TaskID       string `xml:"TaskId"`
	CardType     string `xml:"CardType"`
	ResponseCode string `xml:"ResponseCode"`
	Token        string `xml:"Token"`
	OpenKfID     string `xml:"OpenKfId"`
}

// callbackBot is a minimal bot callback written against the library's
// crypto: it checks msg_signature, decrypts, and keeps what it got.
type callbackBot struct {
	opts wecomfake.Options
	mu   sync.Mutex
	got  [][]byte
}

func (b *callbackBot) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var encrypt string
	if r.Method == http.MethodGet {
		encrypt = q.Get("echostr")
	} else {
		var env envelope
		if err := xml.NewDecoder(r.Body).Decode(&env); err != nil {
			http.Error(w, "bad xml", http.StatusBadRequest)
			return
		}
		if env.ToUserName != b.opts.CorpID || env.AgentID != strconv.Itoa(b.opts.AgentID) {
			http.Error(w, "bad envelope", http.StatusBadRequest)
			return
		}
		encrypt = env.Encrypt
	}
	if util.Signature(b.opts.Token, q.Get("timestamp"), q.Get("nonce"), encrypt) != q.Get("msg_signature") {
		http.Error(w, "bad signature", http.StatusForbidden)
		return
	}
	_, plain, err := util.DecryptMsg(b.opts.CorpID, encrypt, b.opts.EncodingAESKey)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if r.Method == http.MethodGet {
		_, _ = w.Write(plain)
		return
	}
	b.mu.Lock()
	b.got = append(b.got, plain)
	b.mu.Unlock()
	_, _ = w.Write([]byte("success"))
}

func (b *callbackBot) last(t *testing.T) ([]byte, incoming) {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.got) == 0 {
		t.Fatal("the bot got nothing")
	}
	plain := b.got[len(b.got)-1]
	var in incoming
	if err := xml.Unmarshal(plain, &in); err != nil {
		t.Fatalf("plain XML %q: %v", plain, err)
	}
	return plain, in
}

func TestCallbackRoundTrip(t *testing.T) {
	clk := newClock()
	s := wecomfake.New(t, wecomfake.Options{Now: clk.Now, CorpID: "wwcallbacktest", Token: "tok3n", AgentID: 1000009})
	bot := &callbackBot{opts: s.Opts}
	hook := httptest.NewServer(bot)
	t.Cleanup(hook.Close)
	ctx := context.Background()
	cb := hook.URL + "/wecom/callback?app=1"

	status, body, err := s.VerifyURL(ctx, cb, "echo-1234567890")
	if err != nil || status != http.StatusOK || body != "echo-1234567890" {
		t.Fatalf("VerifyURL = %d %q %v", status, body, err)
	}

	text := s.TextMsg("zhangsan", "报修：水管漏了 ]]> <b>", 1234567890123456)
	status, body, err = s.Post(ctx, cb, text)
	if err != nil || status != http.StatusOK || body != "success" {
		t.Fatalf("Post = %d %q %v", status, body, err)
	}
	plain, in := bot.last(t)
	if !bytes.Equal(plain, text) {
		t.Errorf("decrypted %q, sent %q", plain, text)
	}
	want := incoming{ToUserName: "wwcallbacktest", FromUserName: "zhangsan", CreateTime: clk.Now().Unix(), MsgType: "text",
		Content: "报修：水管漏了 ]]> <b>", MsgID: 1234567890123456, AgentID: 1000009}
	if in != want {
		t.Errorf("text message = %+v, want %+v", in, want)
	}

	for _, c := range []struct {
		xml   []byte
		check func(incoming) bool
	}{
		{s.ImageMsg("zhangsan", "https://wework.qpic.cn/x", "media-9", 2), func(in incoming) bool {
			return in.MsgType == "image" && in.PicURL == "https://wework.qpic.cn/x" && in.MediaID == "media-9" && in.MsgID == 2
		}},
		{s.LocationMsg("zhangsan", 23.134, 113.358, "广州塔", 3), func(in incoming) bool {
			return in.MsgType == "location" && in.LocationX == "23.134" && in.LocationY == "113.358" && in.Label == "广州塔"
		}},
		{s.EventMsg("zhangsan", "enter_agent", ""), func(in incoming) bool {
			return in.MsgType == "event" && in.Event == "enter_agent" && in.AgentID == 1000009
		}},
		{s.CardEvent("zhangsan", "accept:1", "task-1", "rc-1"), func(in incoming) bool {
			return in.Event == "template_card_event" && in.EventKey == "accept:1" && in.TaskID == "task-1" && in.CardType == "button_interaction" && in.ResponseCode == "rc-1"
		}},
		{s.KfEvent("wkKF001", "sync-token-1"), func(in incoming) bool {
			return in.Event == "kf_msg_or_event" && in.Token == "sync-token-1" && in.OpenKfID == "wkKF001" && in.ToUserName == "wwcallbacktest"
		}},
	} {
		if status, _, err := s.Post(ctx, cb, c.xml); err != nil || status != http.StatusOK {
			t.Fatalf("Post %s = %d %v", c.xml, status, err)
		}
		if _, in := bot.last(t); !c.check(in) {
			t.Errorf("decrypted %+v from %s", in, c.xml)
		}
	}

	// Forged: a valid envelope with a wrong signature.
	env, encrypt, err := s.Envelope(text)
	if err != nil {
		t.Fatal(err)
	}
	ts := strconv.FormatInt(clk.Now().Unix(), 10)
	if status, _, _ := s.PostSigned(ctx, cb, env, "0000000000000000000000000000000000000000", ts, "123"); status != http.StatusForbidden {
		t.Errorf("forged signature answered %d", status)
	}
	if status, body, _ := s.PostSigned(ctx, cb, env, s.Sign(ts, "123", encrypt), ts, "123"); status != http.StatusOK || body != "success" {
		t.Errorf("PostSigned with the right signature answered %d %q", status, body)
	}
}

func TestKfPaging(t *testing.T) {
	s := wecomfake.New(t, wecomfake.Options{})
	pointLibrary(t, s)
	c := newKf(t, s)
	var ids []string
	for i := range 5 {
		ids = append(ids, s.KfCustomerSays("wkKF001", "wmCustomerA", "text", map[string]any{"content": "消息" + strconv.Itoa(i)}))
	}
	ids = append(ids, s.KfCustomerSays("wkKF001", "wmCustomerB", "location", map[string]any{"latitude": 23.106, "longitude": 113.32, "name": "广州国际媒体港", "address": "滨江东路"}))
	s.KfCustomerSays("wkKF002", "wmCustomerC", "image", map[string]any{"media_id": "kf-media-1"})

	var got []string
	cursor := ""
	var pages []int
	for {
		res, err := c.SyncMsg(kf.SyncMsgOptions{Cursor: cursor, Token: "sync-token", Limit: 2, OpenKfID: "wkKF001"})
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, len(res.MsgList))
		for _, m := range res.MsgList {
			if m.OpenKFID != "wkKF001" || m.Origin != 3 || m.SendTime == 0 {
				t.Errorf("message %+v", m)
			}
			got = append(got, m.MsgID)
		}
		cursor = res.NextCursor
		if res.HasMore == 0 {
			break
		}
		if len(pages) > 10 {
			t.Fatal("paging does not end")
		}
	}
	if strings.Join(got, ",") != strings.Join(ids, ",") || len(pages) != 3 || pages[2] != 2 {
		t.Fatalf("paged %v in pages %v, want %v", got, pages, ids)
	}

	// Nothing new: an empty page; a new message: only it.
	res, err := c.SyncMsg(kf.SyncMsgOptions{Cursor: cursor, OpenKfID: "wkKF001"})
	if err != nil || len(res.MsgList) != 0 || res.HasMore != 0 {
		t.Fatalf("sync at the end = %+v, %v", res, err)
	}
	id := s.KfCustomerSays("wkKF001", "wmCustomerA", "text", map[string]any{"content": "还在吗"})
	res, err = c.SyncMsg(kf.SyncMsgOptions{Cursor: res.NextCursor, OpenKfID: "wkKF001"})
	if err != nil || len(res.MsgList) != 1 || res.MsgList[0].MsgID != id || res.MsgList[0].ExternalUserID != "wmCustomerA" {
		t.Fatalf("sync after a new message = %+v, %v", res, err)
	}
	var text struct {
		Text struct {
			Content string `json:"content"`
		} `json:"text"`
	}
	if err := json.Unmarshal(res.MsgList[0].OriginData, &text); err != nil || text.Text.Content != "还在吗" {
		t.Errorf("text message %s", res.MsgList[0].OriginData)
	}

	// All accounts, from the start: the location has WeCom's shape.
	res, err = c.SyncMsg(kf.SyncMsgOptions{})
	if err != nil || len(res.MsgList) != 8 {
		t.Fatalf("sync of everything = %d messages, %v", len(res.MsgList), err)
	}
	var loc struct {
		Location struct {
			Latitude  float64 `json:"latitude"`
			Longitude float64 `json:"longitude"`
			Name      string  `json:"name"`
		} `json:"location"`
	}
	if err := json.Unmarshal(res.MsgList[5].OriginData, &loc); err != nil || loc.Location.Latitude != 23.106 || loc.Location.Name != "广州国际媒体港" {
		t.Errorf("location message %s", res.MsgList[5].OriginData)
	}

	if _, err := c.SyncMsg(kf.SyncMsgOptions{Cursor: "garbage"}); err == nil || lastRefusal(t, s).ErrCode != wecomfake.CodeInvalidCursor {
		t.Errorf("bad cursor: %v, %+v", err, s.Refused())
	}
	if _, err := c.SyncMsg(kf.SyncMsgOptions{OpenKfID: "wkNOPE"}); err == nil || lastRefusal(t, s).ErrCode != wecomfake.CodeOpenKfIDNotExist {
		t.Errorf("unknown account: %v", err)
	}
}

func TestKfSendLimits(t *testing.T) {
	clk := newClock()
	// The library caches tokens by the real clock: keep them valid while the fake's runs ahead.
	s := wecomfake.New(t, wecomfake.Options{Now: clk.Now, TokenTTL: 1000 * time.Hour})
	pointLibrary(t, s)
	c := newKf(t, s)
	reply := func(kfID, to, content string) error {
		m := sendmsg.Text{Message: sendmsg.Message{ToUser: to, OpenKFID: kfID}, MsgType: "text"}
		m.Text.Content = content
		_, err := c.SendMsg(m)
		return err
	}

	s.KfCustomerSays("wkKF001", "wmCustomerA", "text", map[string]any{"content": "在吗"})
	for i := range 5 {
		if err := reply("wkKF001", "wmCustomerA", "回复"+strconv.Itoa(i)); err != nil {
			t.Fatalf("reply %d: %v", i+1, err)
		}
	}
	if err := reply("wkKF001", "wmCustomerA", "6th"); err == nil || lastRefusal(t, s).ErrCode != wecomfake.CodeKfCountLimit {
		t.Fatalf("6th reply: %v, want 95001", err)
	}
	clk.Add(47 * time.Hour)
	s.KfCustomerSays("wkKF001", "wmCustomerA", "text", map[string]any{"content": "还有问题"})
	if err := reply("wkKF001", "wmCustomerA", "again"); err != nil {
		t.Fatalf("reply after the customer spoke again: %v", err)
	}
	clk.Add(48 * time.Hour)
	if err := reply("wkKF001", "wmCustomerA", "too late"); err == nil || lastRefusal(t, s).ErrCode != wecomfake.CodeKfTimeLimit {
		t.Fatalf("reply after 48 h: %v, want 95002", err)
	}
	if err := reply("wkKF001", "wmNeverSpoke", "hi"); err == nil || lastRefusal(t, s).ErrCode != wecomfake.CodeKfTimeLimit {
		t.Errorf("reply to a silent customer: %v, want 95002", err)
	}
	if err := reply("wkNOPE", "wmCustomerA", "hi"); err == nil || lastRefusal(t, s).ErrCode != wecomfake.CodeOpenKfIDNotExist {
		t.Errorf("reply from an unknown account: %v, want 95004", err)
	}
	got := s.Kf()
	if len(got) != 6 || got[0].OpenKfID != "wkKF001" || got[0].ToUser != "wmCustomerA" || got[0].MsgType != "text" || got[0].Content != "回复0" || got[5].Content != "again" {
		t.Fatalf("Kf() = %+v", got)
	}
}

func TestMediaViaLibrary(t *testing.T) {
	s := wecomfake.New(t, wecomfake.Options{})
	pointLibrary(t, s)
	s.AddUser("zhangsan")
	wk := newWork(s)
	mat := wk.GetMaterial()
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{7}, 100)...)

	up, err := mat.UploadTempFileFromReader("cat.png", "image", bytes.NewReader(png))
	if err != nil || up.MediaID == "" || up.Type != "image" || up.CreateAt == "" {
		t.Fatalf("upload = %+v, %v", up, err)
	}
	data, err := mat.GetTempFile(up.MediaID)
	if err != nil || !bytes.Equal(data, png) {
		t.Fatalf("GetTempFile = %d bytes, %v", len(data), err)
	}
	var ce *util.CommonError
	if _, err := mat.GetTempFile("no-such-media"); !errors.As(err, &ce) || ce.ErrCode != wecomfake.CodeInvalidMediaID {
		t.Errorf("unknown media: %v, want 40007", err)
	}
	if _, err := mat.UploadTempFileFromReader("empty.png", "image", bytes.NewReader(nil)); !errors.As(err, &ce) || ce.ErrCode != wecomfake.CodeEmptyMedia {
		t.Errorf("empty upload: %v, want 44001", err)
	}
	if _, err := mat.UploadTempFileFromReader("x.bin", "sticker", bytes.NewReader(png)); !errors.As(err, &ce) || ce.ErrCode != wecomfake.CodeInvalidMediaType {
		t.Errorf("bad type: %v, want 40005", err)
	}

	tok, err := mat.GetAccessToken()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(s.URL + "/cgi-bin/media/get?access_token=" + tok + "&media_id=" + up.MediaID)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if ct, cd := resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"); ct != "image/png" || !strings.Contains(cd, `filename="cat.png"`) {
		t.Errorf("headers %q %q", ct, cd)
	}

	jpeg := []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00rest")
	s.AddMedia("incoming-photo", jpeg)
	if data, err := mat.GetTempFile("incoming-photo"); err != nil || !bytes.Equal(data, jpeg) {
		t.Errorf("AddMedia'd photo: %q, %v", data, err)
	}

	msg := wk.GetMessage()
	sendImage := func(id string) (*message.SendResponse, error) {
		return msg.Send("MessageSendImage", map[string]any{"touser": "zhangsan", "msgtype": "image", "agentid": s.Opts.AgentID, "image": map[string]string{"media_id": id}})
	}
	if _, err := sendImage(up.MediaID); err != nil {
		t.Fatal(err)
	}
	if last := s.App()[0]; last.MsgType != "image" || last.MediaID != up.MediaID {
		t.Errorf("image recorded as %+v", last)
	}
	if _, err := sendImage("nope"); !errors.As(err, &ce) || ce.ErrCode != wecomfake.CodeInvalidMediaID {
		t.Errorf("image with an unknown media_id: %v, want 40007", err)
	}
}

func TestFailNextAndWaitUntil(t *testing.T) {
	s := wecomfake.New(t, wecomfake.Options{})
	s.AddUser("zhangsan")
	tok := token(t, s, s.Opts.CorpSecret)
	s.FailNext("/cgi-bin/message/send", 2, wecomfake.CodeSystemBusy, "")
	if a := sendText(t, s, tok, "zhangsan", "1"); a.ErrCode != -1 || !strings.HasPrefix(a.ErrMsg, "system busy") {
		t.Fatalf("first = %+v, want -1", a)
	}
	s.FailNext("/cgi-bin/gettoken", 1, wecomfake.CodeFreqLimit, "custom wording")
	if a := get(t, s.URL+"/cgi-bin/gettoken?corpid="+s.Opts.CorpID+"&corpsecret="+s.Opts.CorpSecret); a.ErrCode != wecomfake.CodeFreqLimit || !strings.HasPrefix(a.ErrMsg, "custom wording") {
		t.Fatalf("failed gettoken = %+v", a)
	}
	if a := sendText(t, s, tok, "zhangsan", "2"); a.ErrCode != -1 {
		t.Fatalf("second = %+v, want -1", a)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- s.WaitUntil(ctx, func() bool { return len(s.App()) == 1 })
	}()
	if a := sendText(t, s, tok, "zhangsan", "3"); a.ErrCode != 0 {
		t.Fatalf("third = %+v", a)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := s.Calls("/cgi-bin/message/send"); n != 3 {
		t.Errorf("Calls = %d, want 3", n)
	}
	if r := s.Refused(); len(r) != 3 || r[0].ErrCode != -1 || r[1].Path != "/cgi-bin/gettoken" {
		t.Errorf("Refused = %+v", r)
	}

	expired, cancel2 := context.WithCancel(context.Background())
	cancel2()
	if err := s.WaitUntil(expired, func() bool { return false }); !errors.Is(err, context.Canceled) {
		t.Errorf("WaitUntil on a done context = %v", err)
	}
}

// TestRequestChecks: what the fake checks as WeCom does: a msgmenu of more
// than 10 items (45098), a null mentioned_list, a media id after 3 days
// (40007); and FailHTTP answers an HTTP error instead of an errcode.
func TestRequestChecks(t *testing.T) {
	clk := newClock()
	s := wecomfake.New(t, wecomfake.Options{Now: clk.Now, TokenTTL: 1000 * time.Hour})
	s.AddUser("zhangsan")
	s.AddRobot("robot-key-9")
	app, kfTok := token(t, s, s.Opts.CorpSecret), token(t, s, s.Opts.KfSecret)
	s.KfCustomerSays("wkKF001", "wmCustomerA", "text", map[string]any{"content": "在吗"})
	menu := func(n int) answer {
		var items []map[string]any
		for i := range n {
			items = append(items, map[string]any{"type": "click", "click": map[string]string{"id": "m" + strconv.Itoa(i), "content": "选项" + strconv.Itoa(i)}})
		}
		return post(t, s.URL+"/cgi-bin/kf/send_msg?access_token="+kfTok, map[string]any{"touser": "wmCustomerA", "open_kfid": "wkKF001",
			"msgtype": "msgmenu", "msgmenu": map[string]any{"head_content": "请选择", "list": items}})
	}
	if a := menu(10); a.ErrCode != 0 {
		t.Errorf("10 items: %+v", a)
	}
	if a := menu(11); a.ErrCode != wecomfake.CodeMenuTooLong {
		t.Errorf("11 items: %+v, want 45098", a)
	}
	if got := s.Kf(); len(got) != 1 || got[0].MsgType != "msgmenu" || len(got[0].Menu) != 10 || got[0].Content != "请选择" {
		t.Errorf("Kf() = %+v", got)
	}

	robotText := func(text map[string]any) answer {
		return post(t, s.URL+"/cgi-bin/webhook/send?key=robot-key-9", map[string]any{"msgtype": "text", "text": text})
	}
	if a := robotText(map[string]any{"content": "无人被@"}); a.ErrCode != 0 {
		t.Errorf("no mentioned_list: %+v", a)
	}
	if a := robotText(map[string]any{"content": "null", "mentioned_list": nil}); a.ErrCode != wecomfake.CodeInvalidParam {
		t.Errorf("mentioned_list null: %+v, want 40058", a)
	}

	s.AddMedia("photo-1", []byte("\xff\xd8\xff\xe0 jpeg bytes"))
	image := func() answer {
		return post(t, s.URL+"/cgi-bin/message/send?access_token="+app, map[string]any{"touser": "zhangsan", "msgtype": "image",
			"agentid": s.Opts.AgentID, "image": map[string]string{"media_id": "photo-1"}})
	}
	clk.Add(71 * time.Hour)
	if a := image(); a.ErrCode != 0 {
		t.Errorf("media after 71 h: %+v", a)
	}
	clk.Add(2 * time.Hour)
	if a := image(); a.ErrCode != wecomfake.CodeInvalidMediaID {
		t.Errorf("media after 73 h: %+v, want 40007", a)
	}

	s.FailHTTP("/cgi-bin/message/send", 1, http.StatusBadGateway)
	resp, err := http.Post(s.URL+"/cgi-bin/message/send?access_token="+app, "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadGateway {
		t.Errorf("FailHTTP: HTTP %d", resp.StatusCode)
	}
	if a := sendText(t, s, app, "zhangsan", "之后正常"); a.ErrCode != 0 {
		t.Errorf("after the HTTP error: %+v", a)
	}
	if toks := s.AccessTokens(); len(toks) != 2 || !slices.Contains(toks, app) {
		t.Errorf("AccessTokens() = %v", toks)
	}
}
