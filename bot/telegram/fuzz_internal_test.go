package telegram

import (
	"encoding/json"
	"math"
	"testing"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// FuzzTelegramUpdate feeds the update decoder any JSON: it must not panic,
// and what it hands on is safe to store: valid UTF-8, no NUL or other
// control characters but tab and line breaks, no bidi overrides, a
// location on Earth or none.
func FuzzTelegramUpdate(f *testing.F) {
	for _, s := range []string{
		`{"update_id":1,"message":{"message_id":1,"date":1,"chat":{"id":5,"type":"private"},"from":{"id":5,"first_name":"a"},"text":"/start\u0000x"}}`,
		`{"update_id":2,"message":{"message_id":1,"date":1,"chat":{"id":-100,"type":"group","title":"\u202e群"},"from":{"id":5,"first_name":"a"},"location":{"latitude":39.9,"longitude":116.4}}}`,
		`{"update_id":3,"callback_query":{"id":"q","from":{"id":5,"first_name":"a"},"data":"c:rate:1:5\u0000","message":{"message_id":7,"date":1,"chat":{"id":-100,"type":"group"}}}}`,
		`{"update_id":4,"message":{"message_id":1,"date":1,"chat":{"id":-100,"type":"group"},"from":{"id":5,"first_name":"a"},"migrate_to_chat_id":-1001}}`,
		`{"update_id":5,"message":{"message_id":1,"date":1,"chat":{"id":5,"type":"private"},"from":{"id":5,"first_name":"a"},"document":{"file_id":"d","file_unique_id":"u","mime_type":"image/png","file_size":99999999}}}`,
		`{"update_id":6,"message":{"message_id":1,"date":1,"chat":{"id":5,"type":"private"},"from":{"id":5,"first_name":"a"},"photo":[]}}`,
		`{}`, `null`, `{"update_id":7,"message":{"chat":null}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var u tgbotapi.Update
		if json.Unmarshal(data, &u) != nil {
			return
		}
		out, ok := ToUpdate(u, 20<<20)
		if !ok {
			return
		}
		for name, s := range map[string]string{"text": out.Text, "chat title": out.ChatTitle, "user name": out.UserName} {
			checkClean(t, name, s)
		}
		if out.Callback != nil {
			checkClean(t, "callback data", out.Callback.Data)
		}
		if out.Location != nil && (math.IsNaN(out.Location.Lat) || math.IsNaN(out.Location.Lon)) {
			t.Errorf("a NaN location got through: %+v", out.Location)
		}
		if out.ChatID == "" || out.UserID == "" || out.Key == "" {
			t.Errorf("an update without chat, user or key: %+v", out)
		}
	})
}

func checkClean(t *testing.T, name, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Errorf("%s is not valid UTF-8: %q", name, s)
	}
	for _, r := range s {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 {
			t.Errorf("%s keeps %U: %q", name, r, s)
		}
	}
}
