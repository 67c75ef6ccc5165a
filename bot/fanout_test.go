package bot_test

import (
	"testing"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/store"
)

func TestFanOutLeavesTheConsoleOut(t *testing.T) {
	chats := []store.ChatTarget{{Chat: store.Chat{Title: "交流群"}, Bindings: []store.ChatBinding{
		{Platform: bot.Console, ExternalID: "group:x"}, {Platform: bot.Telegram, ExternalID: "-1"}, {Platform: bot.WeCom, ExternalID: "wc"}}}}
	got := bot.ToGroups(chats, bot.Message{Text: "你好"})
	if len(got) != 2 || got[0].ChatID != "-1" || got[0].Platform != bot.Telegram || got[0].ChatTitle != "交流群" ||
		got[1].Platform != bot.WeCom || got[1].Text != "你好" {
		t.Errorf("ToGroups: %+v", got)
	}
	acc := bot.ToAccounts([]store.Identity{{Platform: bot.Console, ExternalID: "S01"}, {Platform: bot.Telegram, ExternalID: "7001"}},
		bot.Message{Recipient: "王秀兰", Text: "提醒"})
	if len(acc) != 1 || acc[0].ChatID != "7001" || acc[0].Recipient != "王秀兰" {
		t.Errorf("ToAccounts: %+v", acc)
	}
}
