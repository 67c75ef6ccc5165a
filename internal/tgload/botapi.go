package tgload

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// BotAPI is the Bot API as far as a steward's report needs it, for load
// and crash benchmarks: getMe, getFile and the file's bytes, and the sends
// (sendMessage, sendPhoto, sendDocument), each passed to Sent, which may
// refuse one (the answer is then Telegram's 429 with retry_after 1);
// everything else (answerCallbackQuery, setWebhook …) is answered true.
type BotAPI struct {
	Username string
	// Sent is told of each send as it arrives: the chat, its text (a
	// photo's caption) and when; false refuses it.
	Sent func(chat int64, text string, at time.Time) bool
	n    atomic.Int64
}

func (b *BotAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if strings.Contains(r.URL.Path, "/file/") {
		w.Write([]byte("\xff\xd8\xff\xe0 jpeg bytes"))
		return
	}
	_ = r.ParseMultipartForm(1 << 20)
	method := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
	switch method {
	case "getMe":
		fmt.Fprintf(w, `{"ok":true,"result":{"id":1,"is_bot":true,"first_name":"bot","username":%q}}`, b.Username)
	case "getFile":
		fmt.Fprintf(w, `{"ok":true,"result":{"file_id":%q,"file_unique_id":"u","file_size":12,"file_path":"photos/p.jpg"}}`, r.FormValue("file_id"))
	case "sendMessage", "sendPhoto", "sendDocument":
		chat, _ := strconv.ParseInt(r.FormValue("chat_id"), 10, 64)
		text := r.FormValue("text")
		if method != "sendMessage" {
			text = r.FormValue("caption")
		}
		now := time.Now()
		if b.Sent != nil && !b.Sent(chat, text, now) {
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprint(w, `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}}`)
			return
		}
		fmt.Fprintf(w, `{"ok":true,"result":{"message_id":%d,"date":%d,"chat":{"id":%d,"type":"private"},"text":"x"}}`,
			b.n.Add(1), now.Unix(), chat)
	default:
		fmt.Fprint(w, `{"ok":true,"result":true}`)
	}
}

// Sends is how many sends were answered ok.
func (b *BotAPI) Sends() int64 { return b.n.Load() }

// Waiters tells a steward's goroutine when a message to its chat arrives
// at the Bot API: Wait gives the chat's channel, Arrived sends the time on
// it (dropped when 64 are already unread). The zero value is ready.
type Waiters struct {
	mu sync.Mutex
	m  map[int64]chan time.Time
}

// Wait is chat's channel of arrival times.
func (w *Waiters) Wait(chat int64) <-chan time.Time {
	ch := make(chan time.Time, 64)
	w.mu.Lock()
	if w.m == nil {
		w.m = map[int64]chan time.Time{}
	}
	w.m[chat] = ch
	w.mu.Unlock()
	return ch
}

// Arrived tells chat's waiter, if any, of a message at at.
func (w *Waiters) Arrived(chat int64, at time.Time) {
	w.mu.Lock()
	ch := w.m[chat]
	w.mu.Unlock()
	if ch != nil {
		select {
		case ch <- at:
		default:
		}
	}
}
