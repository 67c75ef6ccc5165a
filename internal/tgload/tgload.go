// Package tgload writes the Telegram updates of a steward's report, as the
// Bot API would post them to the webhook: the load and crash benchmarks
// replay them.
package tgload

import (
	"fmt"
	"strconv"
	"sync/atomic"
)

// Updates numbers the updates it writes, from first on.
type Updates struct {
	next atomic.Int64
}

// New starts numbering at first.
func New(first int64) *Updates {
	u := &Updates{}
	u.next.Store(first - 1)
	return u
}

// Report is one complete report by user in their private chat: /report,
// the category, a photo (photoID), 完成, a location in 雨儿胡同's radius, a
// description, the impact and 提交.
func (u *Updates) Report(user, category int64, photoID string) []string {
	uid := strconv.FormatInt(user, 10)
	from := `"from": {"id": ` + uid + `, "is_bot": false, "first_name": "管家"}`
	chat := `"chat": {"id": ` + uid + `, "type": "private"}`
	msg := func(fields string) string {
		return fmt.Sprintf(`{"update_id": %d, "message": {"message_id": 1, "date": 1795000000, %s, %s, %s}}`,
			u.next.Add(1), chat, from, fields)
	}
	cb := func(data string) string {
		id := u.next.Add(1)
		return fmt.Sprintf(`{"update_id": %d, "callback_query": {"id": "cb%d", %s, "chat_instance": "x", "data": %q,
			"message": {"message_id": 1, "date": 1795000000, %s, "text": "x"}}}`, id, id, from, data, chat)
	}
	return []string{
		msg(`"text": "/report"`),
		cb("category|" + strconv.FormatInt(category, 10)),
		msg(`"photo": [{"file_id": "` + photoID + `", "file_unique_id": "u", "width": 800, "height": 600, "file_size": 120000}]`),
		cb("photos|done"),
		msg(`"location": {"latitude": 39.93780, "longitude": 116.39830}`),
		msg(`"text": "门口堆了建筑垃圾,三天没人清理"`),
		cb("impact|alley"),
		cb("summary|submit"),
	}
}
