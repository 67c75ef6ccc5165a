// Package tgfake is a fake Telegram Bot API for tests. It speaks the Bot
// API's JSON over real HTTP (an httptest server on loopback), keeps the
// messages the bot sent so a test can press their buttons, queues updates
// for long polling, serves files, posts updates to a webhook, records every
// call and fails on demand.
//
// A test points the adapter at Server.URL (as telegram.Options.APIEndpoint)
// with Server.Token, pushes updates, and asserts on Sent, Calls and CallsTo.
// Everything that changes the fake wakes WaitUntil, so tests wait for a
// condition rather than for a time.
package tgfake

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// DefaultToken is the token New uses when given none. It has the shape of a
// real one, so code that masks tokens in errors is tested on a realistic one.
const DefaultToken = "123456789:AAFakeTokenForTests-tgfake_0123456789"

// Download is the pseudo-method under which file downloads
// (GET /file/bot{token}/{file_path}) are recorded and can be failed.
const Download = "download"

// Telegram's limits, enforced like Telegram does.
const (
	maxText         = 4096 // UTF-16 code units of a message text
	maxCaption      = 1024 // UTF-16 code units of a caption
	maxCallbackData = 64   // bytes of callback_data
	maxPollWait     = 50 * time.Second
)

// Button is one inline keyboard button as the bot sent it.
type Button struct {
	Text string
	Data string // callback_data
}

// SentMessage is a message the bot sent or edited.
type SentMessage struct {
	Method      string // sendMessage, sendPhoto, editMessageText, editMessageCaption or editMessageReplyMarkup
	ChatID      int64
	MessageID   int
	Text        string // the text, or a photo's caption
	Keyboard    [][]Button
	PhotoFileID string // a photo sent by file_id
	PhotoBytes  []byte // an uploaded photo
}

// Call is one request the fake answered.
type Call struct {
	Method string
	Params map[string]string // form, multipart or JSON fields, and the query string
	Files  map[string]Upload // multipart uploads by field name
	Path   string            // for Download: the file_path asked for
	Status int               // the HTTP status answered
	Time   time.Time         // when it arrived
	Header http.Header       // request headers
	Result json.RawMessage   // the result answered, when ok
}

// Upload is one multipart file part.
type Upload struct {
	Name string // the file name the client gave
	Data []byte
}

// Failure is an error answer the fake gives instead of doing a method.
type Failure struct {
	Status      int    // HTTP status and error_code
	Description string // default: Telegram's wording for Status
	RetryAfter  int    // seconds, sent as parameters.retry_after; 429 defaults to 1
}

type file struct {
	path         string
	data         []byte
	reportedSize int  // what getFile says; -1 omits file_size
	document     bool // sent as a file: sendPhoto refuses its file_id
}

type queued struct {
	id  int
	raw json.RawMessage
}

type msgKey struct {
	chat int64
	id   int
}

// Server is the fake. Its zero value is not usable; call New.
type Server struct {
	URL   string        // base URL, no trailing slash: what APIEndpoint takes
	Token string        // the only token it accepts
	Me    tgbotapi.User // what getMe answers

	srv    *httptest.Server
	closed chan struct{}
	once   sync.Once

	mu       sync.Mutex
	changed  chan struct{} // closed and replaced on every change
	calls    []Call
	sent     []SentMessage
	updates  []queued
	offset   int // the highest getUpdates offset seen
	polling  int // getUpdates calls waiting now
	nextUpd  int
	nextMsg  int
	nextFile int
	messages map[msgKey]tgbotapi.Message
	files    map[string]*file
	fails    map[string][]Failure
	migrated map[int64]int64 // a group upgraded to a supergroup → its new id
	webhook  struct{ url, secret, allowed string }
	hookErr  struct {
		at  time.Time
		msg string
	} // what getWebhookInfo reports as the last delivery error
}

// New starts a fake on loopback with token (DefaultToken if empty) and
// closes it when the test ends.
func New(tb testing.TB, token string) *Server {
	tb.Helper()
	if token == "" {
		token = DefaultToken
	}
	s := &Server{
		Token:    token,
		Me:       tgbotapi.User{ID: 7000001, IsBot: true, FirstName: "小巷管家", UserName: "alley_test_bot"},
		closed:   make(chan struct{}),
		changed:  make(chan struct{}),
		nextUpd:  1000,
		nextMsg:  1,
		messages: map[msgKey]tgbotapi.Message{},
		files:    map[string]*file{},
		fails:    map[string][]Failure{},
		migrated: map[int64]int64{},
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	tb.Cleanup(s.Close)
	return s
}

// Close wakes pending long polls and stops the server. It is safe to call
// more than once; later requests fail to connect.
func (s *Server) Close() {
	s.once.Do(func() {
		close(s.closed)
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
// the fake (a call, a pushed update), or until ctx ends. cond may call the
// Server's methods.
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
			return fmt.Errorf("tgfake: condition not met: %w", ctx.Err())
		}
	}
}

// PushUpdate queues an update for getUpdates and returns its update_id. u
// is a tgbotapi.Update, *tgbotapi.Update, or raw JSON ([]byte, string,
// json.RawMessage). A zero or missing update_id is assigned; a message
// without message_id or date gets them.
func (s *Server) PushUpdate(u any) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, raw := s.prepare(u)
	s.updates = append(s.updates, queued{id: id, raw: raw})
	sort.SliceStable(s.updates, func(i, j int) bool { return s.updates[i].id < s.updates[j].id })
	s.notify()
	return id
}

// prepare assigns ids and returns the update's JSON. Call with s.mu held.
func (s *Server) prepare(u any) (int, json.RawMessage) {
	var raw []byte
	switch v := u.(type) {
	case tgbotapi.Update:
		raw = s.prepareTyped(v)
	case *tgbotapi.Update:
		raw = s.prepareTyped(*v)
	case []byte:
		raw = v
	case json.RawMessage:
		raw = v
	case string:
		raw = []byte(v)
	default:
		panic(fmt.Sprintf("tgfake: PushUpdate of %T", u))
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		// Malformed on purpose: queue it as is, with the next id.
		s.nextUpd++
		return s.nextUpd - 1, raw
	}
	var id int
	if v, ok := m["update_id"]; ok {
		_ = json.Unmarshal(v, &id)
	}
	if id == 0 {
		id = s.nextUpd
		m["update_id"] = json.RawMessage(strconv.Itoa(id))
		raw, _ = json.Marshal(m)
	}
	if id >= s.nextUpd {
		s.nextUpd = id + 1
	}
	return id, raw
}

func (s *Server) prepareTyped(u tgbotapi.Update) []byte {
	if u.UpdateID == 0 {
		u.UpdateID = s.nextUpd
	}
	for _, m := range []*tgbotapi.Message{u.Message, u.EditedMessage, u.ChannelPost} {
		if m == nil {
			continue
		}
		if m.MessageID == 0 {
			m.MessageID = s.nextMsg
			s.nextMsg++
		}
		if m.Date == 0 {
			m.Date = int(time.Now().Unix())
		}
	}
	b, err := json.Marshal(u)
	if err != nil {
		panic(err)
	}
	return b
}

// Pending is how many queued updates no getUpdates offset has confirmed.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.updates)
}

func (s *Server) setPolling(d int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.polling += d
	s.notify()
}

// Polling is how many getUpdates calls are waiting for an update now.
func (s *Server) Polling() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.polling
}

// Confirmed is the highest offset a getUpdates call has sent: every update
// below it is confirmed. It changes when the call arrives, before its long
// poll ends, so WaitUntil can wait for it.
func (s *Server) Confirmed() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.offset
}

// AddFile makes fileID downloadable at filePath with data; getFile reports
// its real size.
func (s *Server) AddFile(fileID, filePath string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[fileID] = &file{path: filePath, data: data, reportedSize: len(data)}
}

// AddDocument makes fileID a file sent as a document (an image sent "as a
// file"): downloadable like AddFile's, sendDocument takes its file_id, and
// sendPhoto refuses it with Telegram's "type of file mismatch".
func (s *Server) AddDocument(fileID, filePath string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[fileID] = &file{path: filePath, data: data, reportedSize: len(data), document: true}
}

// MigrateChat upgrades group old to a supergroup with id new, as Telegram
// does: from now on every send to old is refused with 400 and
// parameters.migrate_to_chat_id = new. MigrationUpdates gives the two
// service messages Telegram delivers about it.
func (s *Server) MigrateChat(old, new int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.migrated[old] = new
}

// MigrationUpdates are the service messages of an upgrade by userID: one in
// the old group (migrate_to_chat_id) and one in the new supergroup
// (migrate_from_chat_id).
func MigrationUpdates(old, new, userID int64) (inOld, inNew tgbotapi.Update) {
	a := message(old, userID)
	a.MigrateToChatID = new
	b := message(new, userID)
	b.Chat.Type = "supergroup"
	b.MigrateFromChatID = old
	return tgbotapi.Update{Message: a}, tgbotapi.Update{Message: b}
}

// SetReportedSize makes getFile report size for fileID instead of its real
// length (-1 omits file_size), as Telegram may: the bytes served stay the
// same. It panics if fileID was not added.
func (s *Server) SetReportedSize(fileID string, size int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[fileID].reportedSize = size
}

// FailNext makes the next n calls of method (or Download) answer status
// with Telegram's wording, instead of doing anything. A 429 carries
// retry_after 1.
func (s *Server) FailNext(method string, n int, status int) {
	s.Fail(method, n, Failure{Status: status})
}

// Fail makes the next n calls of method (or Download) answer f.
func (s *Server) Fail(method string, n int, f Failure) {
	if f.Description == "" {
		f.Description = describe(f.Status, f.RetryAfter)
	}
	if f.Status == http.StatusTooManyRequests && f.RetryAfter == 0 {
		f.RetryAfter = 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.fails[method] = append(s.fails[method], f)
	}
}

func describe(status, retryAfter int) string {
	switch status {
	case 400:
		return "Bad Request: chat not found"
	case 401:
		return "Unauthorized"
	case 403:
		return "Forbidden: bot was blocked by the user"
	case 404:
		return "Not Found"
	case 409:
		return "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
	case 429:
		return fmt.Sprintf("Too Many Requests: retry after %d", max(retryAfter, 1))
	case 500:
		return "Internal Server Error"
	case 502:
		return "Bad Gateway"
	}
	return http.StatusText(status)
}

// Calls counts the calls of method (or Download), failed ones included.
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.calls {
		if c.Method == method {
			n++
		}
	}
	return n
}

// CallsTo returns the calls of method (or Download) in order; an empty
// method returns every call.
func (s *Server) CallsTo(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// Sent returns the messages sent and edited, in order, successful ones only.
func (s *Server) Sent() []SentMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]SentMessage(nil), s.sent...)
}

// Message returns a message as it is now, after any edits.
func (s *Server) Message(chatID int64, messageID int) (tgbotapi.Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.messages[msgKey{chatID, messageID}]
	return m, ok
}

// Webhook returns the webhook set by setWebhook ("" when none) and its
// secret_token.
func (s *Server) Webhook() (url, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhook.url, s.webhook.secret
}

// SetWebhookError makes getWebhookInfo report msg as the last error
// delivering to the webhook, at at (last_error_date, last_error_message);
// an empty msg clears it.
func (s *Server) SetWebhookError(msg string, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hookErr.msg, s.hookErr.at = msg, at
}

// PostWebhook does what Telegram does with an update when a webhook is set:
// POSTs its JSON to the webhook URL with the secret header. It returns the
// HTTP status the bot answered. u is as for PushUpdate.
func (s *Server) PostWebhook(ctx context.Context, u any) (int, error) {
	s.mu.Lock()
	_, raw := s.prepare(u)
	hook, secret := s.webhook.url, s.webhook.secret
	s.mu.Unlock()
	if hook == "" {
		return 0, errors.New("tgfake: no webhook set")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hook, bytes.NewReader(raw))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

// Update builders. Positive chat ids are private chats (the chat id is the
// user id there), negative ones groups; users speak Chinese.

// User is the sender the builders use for id.
func User(id int64) *tgbotapi.User {
	return &tgbotapi.User{ID: id, FirstName: "用户", LastName: strconv.FormatInt(id, 10), UserName: "user" + strconv.FormatInt(id, 10), LanguageCode: "zh-hans"}
}

// Chat is the chat the builders use for id.
func Chat(id int64) *tgbotapi.Chat {
	if id > 0 {
		return &tgbotapi.Chat{ID: id, Type: "private", FirstName: "用户"}
	}
	return &tgbotapi.Chat{ID: id, Type: "group", Title: "群" + strconv.FormatInt(-id, 10)}
}

func message(chatID, userID int64) *tgbotapi.Message {
	return &tgbotapi.Message{From: User(userID), Chat: Chat(chatID)}
}

// TextUpdate is a text message from userID in chatID.
func TextUpdate(chatID, userID int64, text string) tgbotapi.Update {
	m := message(chatID, userID)
	m.Text = text
	return tgbotapi.Update{Message: m}
}

// PhotoUpdate is a photo with a caption: three sizes, the largest fileID
// with size bytes.
func PhotoUpdate(chatID, userID int64, fileID string, size int, caption string) tgbotapi.Update {
	m := message(chatID, userID)
	m.Caption = caption
	m.Photo = []tgbotapi.PhotoSize{
		{FileID: fileID + "-s", FileUniqueID: fileID + "-us", Width: 90, Height: 67, FileSize: max(size/50, 1)},
		{FileID: fileID + "-m", FileUniqueID: fileID + "-um", Width: 320, Height: 240, FileSize: max(size/8, 1)},
		{FileID: fileID, FileUniqueID: fileID + "-u", Width: 1280, Height: 960, FileSize: size},
	}
	return tgbotapi.Update{Message: m}
}

// DocumentUpdate is a file sent as a document.
func DocumentUpdate(chatID, userID int64, fileID, mimeType string, size int, caption string) tgbotapi.Update {
	m := message(chatID, userID)
	m.Caption = caption
	m.Document = &tgbotapi.Document{FileID: fileID, FileUniqueID: fileID + "-u", FileName: "file", MimeType: mimeType, FileSize: size}
	return tgbotapi.Update{Message: m}
}

// LocationUpdate is a shared location.
func LocationUpdate(chatID, userID int64, lat, lon float64) tgbotapi.Update {
	m := message(chatID, userID)
	m.Location = &tgbotapi.Location{Latitude: lat, Longitude: lon}
	return tgbotapi.Update{Message: m}
}

// CallbackUpdate is userID pressing the button with data under a message
// the bot sent, as that message is now (edits included). It panics if the
// fake has no such message.
func (s *Server) CallbackUpdate(chatID int64, messageID int, userID int64, data string) tgbotapi.Update {
	m, ok := s.Message(chatID, messageID)
	if !ok {
		panic(fmt.Sprintf("tgfake: no message %d in chat %d", messageID, chatID))
	}
	s.mu.Lock()
	id := "cb" + strconv.Itoa(s.nextUpd) + "-" + strconv.Itoa(messageID)
	s.mu.Unlock()
	return tgbotapi.Update{CallbackQuery: &tgbotapi.CallbackQuery{
		ID: id, From: User(userID), Message: &m, ChatInstance: "ci" + strconv.FormatInt(chatID, 10), Data: data,
	}}
}

// The HTTP side.

type apiError struct {
	status  int
	desc    string
	retry   int
	migrate int64
}

func badRequest(desc string) *apiError { return &apiError{status: 400, desc: "Bad Request: " + desc} }

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if rest, ok := strings.CutPrefix(r.URL.Path, "/file/bot"); ok {
		s.download(w, r, rest)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, method, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 || strings.Contains(method, "/") {
		writeJSON(w, 404, map[string]any{"ok": false, "error_code": 404, "description": "Not Found"})
		return
	}
	call := Call{Method: method, Time: time.Now(), Header: r.Header.Clone()}
	params, files, err := parseParams(r)
	call.Params, call.Files = params, files
	var result any
	var aerr *apiError
	switch {
	case token != s.Token:
		aerr = &apiError{status: 401, desc: "Unauthorized"}
	case err != nil:
		aerr = badRequest(err.Error())
	default:
		if f, failed := s.takeFailure(method); failed {
			aerr = &apiError{status: f.Status, desc: f.Description, retry: f.RetryAfter}
		} else if method == "getUpdates" {
			result, aerr = s.getUpdates(r.Context(), params)
		} else {
			s.mu.Lock()
			result, aerr = s.do(method, params, files)
			s.mu.Unlock()
		}
	}
	if aerr != nil {
		call.Status = aerr.status
		body := map[string]any{"ok": false, "error_code": aerr.status, "description": aerr.desc}
		if aerr.retry > 0 {
			body["parameters"] = map[string]int{"retry_after": aerr.retry}
		}
		if aerr.migrate != 0 {
			body["parameters"] = map[string]int64{"migrate_to_chat_id": aerr.migrate}
		}
		s.record(call)
		writeJSON(w, aerr.status, body)
		return
	}
	res, _ := json.Marshal(result)
	call.Status, call.Result = 200, res
	s.record(call)
	writeJSON(w, 200, map[string]any{"ok": true, "result": json.RawMessage(res)})
}

func (s *Server) record(c Call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, c)
	s.notify()
}

func (s *Server) takeFailure(method string) (Failure, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.fails[method]
	if len(q) == 0 {
		return Failure{}, false
	}
	s.fails[method] = q[1:]
	return q[0], true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// parseParams reads a request's fields the ways the Bot API accepts them:
// query string, urlencoded form, multipart form, or a JSON object (whose
// non-string values are kept as their JSON text, as a form would carry them).
func parseParams(r *http.Request) (map[string]string, map[string]Upload, error) {
	params := map[string]string{}
	for k, v := range r.URL.Query() {
		params[k] = v[0]
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		var m map[string]json.RawMessage
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
			return params, nil, fmt.Errorf("can't parse JSON: %v", err)
		}
		for k, v := range m {
			var str string
			if json.Unmarshal(v, &str) == nil {
				params[k] = str
			} else {
				params[k] = string(v)
			}
		}
		return params, nil, nil
	case "multipart/form-data":
		if err := r.ParseMultipartForm(32 << 20); err != nil {
			return params, nil, fmt.Errorf("can't parse multipart: %v", err)
		}
		for k, v := range r.MultipartForm.Value {
			params[k] = v[0]
		}
		files := map[string]Upload{}
		for k, fhs := range r.MultipartForm.File {
			f, err := fhs[0].Open()
			if err != nil {
				return params, nil, err
			}
			data, err := io.ReadAll(f)
			f.Close()
			if err != nil {
				return params, nil, err
			}
			files[k] = Upload{Name: fhs[0].Filename, Data: data}
		}
		return params, files, nil
	}
	if err := r.ParseForm(); err != nil {
		return params, nil, fmt.Errorf("can't parse form: %v", err)
	}
	for k, v := range r.PostForm {
		params[k] = v[0]
	}
	return params, nil, nil
}

// getUpdates confirms the updates before offset, then answers the queued
// ones, waiting up to timeout seconds for one to arrive.
func (s *Server) getUpdates(ctx context.Context, p map[string]string) (any, *apiError) {
	offset, _ := strconv.Atoi(p["offset"])
	timeout, _ := strconv.Atoi(p["timeout"])
	limit, _ := strconv.Atoi(p["limit"])
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	wait := min(time.Duration(timeout)*time.Second, maxPollWait)
	timer := time.NewTimer(wait)
	defer timer.Stop()
	waiting := false
	for {
		s.mu.Lock()
		if s.webhook.url != "" {
			s.mu.Unlock()
			return nil, &apiError{status: 409, desc: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}
		}
		if offset > s.offset {
			s.offset = offset
			s.notify()
		}
		if offset > 0 {
			kept := s.updates[:0]
			for _, u := range s.updates {
				if u.id >= offset {
					kept = append(kept, u)
				}
			}
			s.updates = kept
		}
		out := []json.RawMessage{}
		for _, u := range s.updates {
			if len(out) == limit {
				break
			}
			out = append(out, u.raw)
		}
		ch := s.changed
		s.mu.Unlock()
		if len(out) > 0 || wait <= 0 {
			return out, nil
		}
		if !waiting {
			waiting = true
			s.setPolling(+1)
			defer s.setPolling(-1)
		}
		select {
		case <-ch:
		case <-timer.C:
			wait = 0
		case <-ctx.Done():
			return out, nil
		case <-s.closed:
			return out, nil
		}
	}
}

// do runs every method but getUpdates. Call with s.mu held.
func (s *Server) do(method string, p map[string]string, files map[string]Upload) (any, *apiError) {
	switch method {
	case "getMe":
		return s.Me, nil
	case "sendMessage":
		return s.sendMessage(p)
	case "sendPhoto":
		return s.sendPhoto(p, files, "photo")
	case "sendDocument":
		return s.sendPhoto(p, files, "document")
	case "editMessageText", "editMessageCaption", "editMessageReplyMarkup":
		return s.edit(method, p)
	case "answerCallbackQuery":
		if p["callback_query_id"] == "" {
			return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
		}
		return true, nil
	case "getFile":
		f, ok := s.files[p["file_id"]]
		if !ok {
			return nil, badRequest("invalid file_id")
		}
		out := map[string]any{"file_id": p["file_id"], "file_unique_id": "u" + p["file_id"], "file_path": f.path}
		if f.reportedSize >= 0 {
			out["file_size"] = f.reportedSize
		}
		return out, nil
	case "setWebhook":
		s.webhook.url, s.webhook.secret, s.webhook.allowed = p["url"], p["secret_token"], p["allowed_updates"]
		if p["url"] != "" {
			if u, err := url.Parse(p["url"]); err != nil || u.Host == "" {
				s.webhook.url = ""
				return nil, badRequest("bad webhook: An HTTPS URL must be provided for webhook")
			}
		}
		return true, nil
	case "deleteWebhook":
		s.webhook.url, s.webhook.secret, s.webhook.allowed = "", "", ""
		if p["drop_pending_updates"] == "true" {
			s.updates = nil
		}
		return true, nil
	case "getWebhookInfo":
		info := map[string]any{"url": s.webhook.url, "has_custom_certificate": false, "pending_update_count": len(s.updates)}
		if s.hookErr.msg != "" {
			info["last_error_date"], info["last_error_message"] = s.hookErr.at.Unix(), s.hookErr.msg
		}
		return info, nil
	}
	return nil, &apiError{status: 404, desc: "Not Found"}
}

func utf16Len(s string) int { return len(utf16.Encode([]rune(s))) }

func (s *Server) parseChat(p map[string]string) (*tgbotapi.Chat, *apiError) {
	id, err := strconv.ParseInt(p["chat_id"], 10, 64)
	if err != nil || id == 0 {
		return nil, badRequest("chat not found")
	}
	if to, ok := s.migrated[id]; ok {
		return nil, &apiError{status: 400, desc: "Bad Request: group chat was upgraded to a supergroup chat", migrate: to}
	}
	return Chat(id), nil
}

// parseMarkup reads an inline keyboard; "" means none.
func parseMarkup(s string) (*tgbotapi.InlineKeyboardMarkup, [][]Button, *apiError) {
	if s == "" {
		return nil, nil, nil
	}
	var m tgbotapi.InlineKeyboardMarkup
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return nil, nil, badRequest("can't parse reply keyboard markup JSON object")
	}
	if len(m.InlineKeyboard) == 0 {
		return nil, nil, nil
	}
	var rows [][]Button
	for _, row := range m.InlineKeyboard {
		var r []Button
		for _, b := range row {
			var data string
			if b.CallbackData != nil {
				data = *b.CallbackData
			}
			if b.Text == "" || (data == "" && b.URL == nil) || len(data) > maxCallbackData {
				return nil, nil, badRequest("BUTTON_DATA_INVALID")
			}
			r = append(r, Button{Text: b.Text, Data: data})
		}
		rows = append(rows, r)
	}
	return &m, rows, nil
}

func (s *Server) newMessage(chat *tgbotapi.Chat) tgbotapi.Message {
	m := tgbotapi.Message{MessageID: s.nextMsg, From: &s.Me, Chat: chat, Date: int(time.Now().Unix())}
	s.nextMsg++
	return m
}

func (s *Server) sendMessage(p map[string]string) (any, *apiError) {
	chat, aerr := s.parseChat(p)
	if aerr != nil {
		return nil, aerr
	}
	text := p["text"]
	switch {
	case strings.TrimSpace(text) == "":
		return nil, badRequest("message text is empty")
	case utf16Len(text) > maxText:
		return nil, badRequest("message is too long")
	}
	markup, rows, aerr := parseMarkup(p["reply_markup"])
	if aerr != nil {
		return nil, aerr
	}
	m := s.newMessage(chat)
	m.Text, m.ReplyMarkup = text, markup
	s.messages[msgKey{chat.ID, m.MessageID}] = m
	s.sent = append(s.sent, SentMessage{Method: "sendMessage", ChatID: chat.ID, MessageID: m.MessageID, Text: text, Keyboard: rows})
	return m, nil
}

// sendPhoto is sendPhoto (field "photo") and sendDocument (field
// "document"): a file_id of the other kind is refused, as Telegram does.
func (s *Server) sendPhoto(p map[string]string, files map[string]Upload, field string) (any, *apiError) {
	chat, aerr := s.parseChat(p)
	if aerr != nil {
		return nil, aerr
	}
	caption := p["caption"]
	if utf16Len(caption) > maxCaption {
		return nil, badRequest("message caption is too long")
	}
	markup, rows, aerr := parseMarkup(p["reply_markup"])
	if aerr != nil {
		return nil, aerr
	}
	method := "sendPhoto"
	if field == "document" {
		method = "sendDocument"
	}
	sm := SentMessage{Method: method, ChatID: chat.ID, Text: caption, Keyboard: rows}
	var fileID string
	var size int
	if up, ok := files[field]; ok {
		if len(up.Data) == 0 {
			return nil, badRequest("file must be non-empty")
		}
		s.nextFile++
		fileID = "uploaded-" + strconv.Itoa(s.nextFile)
		s.files[fileID] = &file{path: "photos/" + fileID + ".jpg", data: up.Data, reportedSize: len(up.Data), document: field == "document"}
		sm.PhotoBytes, size = up.Data, len(up.Data)
	} else if ref := p[field]; ref != "" {
		f, ok := s.files[ref]
		if !ok {
			return nil, badRequest("wrong file identifier/HTTP URL specified")
		}
		if f.document != (field == "document") {
			return nil, badRequest("type of file mismatch")
		}
		fileID, sm.PhotoFileID, size = ref, ref, len(f.data)
	} else {
		return nil, badRequest("there is no " + field + " in the request")
	}
	m := s.newMessage(chat)
	m.Caption, m.ReplyMarkup = caption, markup
	if field == "document" {
		m.Document = &tgbotapi.Document{FileID: fileID, FileUniqueID: "u" + fileID, FileName: "photo.jpg", MimeType: "image/jpeg", FileSize: size}
	} else {
		m.Photo = []tgbotapi.PhotoSize{{FileID: fileID, FileUniqueID: "u" + fileID, Width: 1280, Height: 960, FileSize: size}}
	}
	s.messages[msgKey{chat.ID, m.MessageID}] = m
	sm.MessageID = m.MessageID
	s.sent = append(s.sent, sm)
	return m, nil
}

func (s *Server) edit(method string, p map[string]string) (any, *apiError) {
	chat, aerr := s.parseChat(p)
	if aerr != nil {
		return nil, aerr
	}
	id, _ := strconv.Atoi(p["message_id"])
	m, ok := s.messages[msgKey{chat.ID, id}]
	if !ok {
		return nil, badRequest("message to edit not found")
	}
	markup, rows, aerr := parseMarkup(p["reply_markup"])
	if aerr != nil {
		return nil, aerr
	}
	old := m
	switch method {
	case "editMessageText":
		if m.Text == "" {
			return nil, badRequest("there is no text in the message to edit")
		}
		if strings.TrimSpace(p["text"]) == "" {
			return nil, badRequest("message text is empty")
		}
		if utf16Len(p["text"]) > maxText {
			return nil, badRequest("MESSAGE_TOO_LONG")
		}
		m.Text = p["text"]
	case "editMessageCaption":
		if len(m.Photo) == 0 && m.Document == nil {
			return nil, badRequest("there is no caption in the message to edit")
		}
		if utf16Len(p["caption"]) > maxCaption {
			return nil, badRequest("message caption is too long")
		}
		m.Caption = p["caption"]
	}
	// Leaving reply_markup out of an edit removes the keyboard, as Telegram does.
	m.ReplyMarkup = markup
	if m.Text == old.Text && m.Caption == old.Caption && sameMarkup(m.ReplyMarkup, old.ReplyMarkup) {
		return nil, badRequest("message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
	}
	m.EditDate = int(time.Now().Unix())
	s.messages[msgKey{chat.ID, id}] = m
	text := m.Text
	if method == "editMessageCaption" || text == "" {
		text = m.Caption
	}
	s.sent = append(s.sent, SentMessage{Method: method, ChatID: chat.ID, MessageID: id, Text: text, Keyboard: rows})
	return m, nil
}

func sameMarkup(a, b *tgbotapi.InlineKeyboardMarkup) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}

func (s *Server) download(w http.ResponseWriter, r *http.Request, rest string) {
	token, path, _ := strings.Cut(rest, "/")
	call := Call{Method: Download, Path: path, Time: time.Now(), Header: r.Header.Clone()}
	fail := func(status int, desc string, retry int) {
		call.Status = status
		s.record(call)
		body := map[string]any{"ok": false, "error_code": status, "description": desc}
		if retry > 0 {
			body["parameters"] = map[string]int{"retry_after": retry}
		}
		writeJSON(w, status, body)
	}
	if token != s.Token {
		fail(401, "Unauthorized", 0)
		return
	}
	if f, failed := s.takeFailure(Download); failed {
		fail(f.Status, f.Description, f.RetryAfter)
		return
	}
	s.mu.Lock()
	var data []byte
	found := false
	for _, f := range s.files {
		if f.path == path {
			data, found = f.data, true
			break
		}
	}
	s.mu.Unlock()
	if !found {
		fail(404, "Not Found", 0)
		return
	}
	call.Status = 200
	s.record(call)
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	_, _ = w.Write(data)
}
