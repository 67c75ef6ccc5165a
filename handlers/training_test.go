package handlers

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/flows/trainings"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// TestTrainingBroadcastAnswersAttendance: a trainer publishes a lecture for
// the 8 example stewards (3 places); answers come mixed (sign-ups, one
// waiting, a leave that frees a place, a read); the trainer sees the
// numbers, then marks attendance.
func TestTrainingBroadcastAnswersAttendance(t *testing.T) {
	w := newWorldAt(t, friday)
	tr := w.person(t, "T01", "7401")
	stewards := map[string]*chatter{}
	for i := 1; i <= 8; i++ {
		code := fmt.Sprintf("S%02d", i)
		stewards[code] = w.person(t, code, fmt.Sprintf("76%02d", i))
	}
	tr.text("/training")
	tr.expect("培训的标题")
	tr.text("垃圾分类实操")
	tr.press("讲座")
	tr.text("11-20 14:00")
	tr.expect("已经过去了")
	tr.text("明天下午")
	tr.expect("没看懂这个时间")
	tr.text("11-30 14:00")
	tr.press("90 分钟")
	tr.text("交道口街道办三楼会议室")
	tr.press("全部小巷管家")
	tr.text("0")
	tr.expect("人数要大于 0")
	tr.text("3")
	tr.press("跳过")
	tr.expect("请核对", "垃圾分类实操", "发给 8 人")
	tr.press("发布")
	tr.expect("培训 #1 已发布:发给 8 人")
	w.expectChat(t, "-1001", "培训通知已发给 8 位小巷管家")
	for code, s := range stewards {
		if code == "S07" { // 孙立新 reads English
			s.expectSent(t, w, "Training notice")
			continue
		}
		s.expectSent(t, w, "培训通知")
	}
	// In person, in a meeting room: no course link to press, and the
	// invitees' link tokens open nothing (and count no opens).
	for _, m := range w.sent {
		for _, row := range m.Buttons {
			for _, b := range row {
				if b.URL != "" {
					t.Errorf("a link button on an in-person training's notice: %+v", b)
				}
			}
		}
	}
	var tokens []string
	if err := w.st.DB().Select(&tokens, `SELECT token FROM training_invites`); err != nil || len(tokens) != 8 {
		t.Fatalf("tokens: %v %v", tokens, err)
	}
	if link, err := w.st.OpenLink(t.Context(), tokens[0], friday); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the course link of an in-person training opens %q, %v; want ErrNotFound", link, err)
	}
	press := func(s *chatter, label string) {
		t.Helper()
		s.send(bot.Update{Callback: &bot.Callback{Data: w.lastButton(t, s.chat, label)}})
	}
	press(stewards["S01"], "报名")
	stewards["S01"].expect("已报名「垃圾分类实操」")
	press(stewards["S02"], "报名")
	press(stewards["S03"], "报名")
	press(stewards["S04"], "报名")
	stewards["S04"].expect("名额已满", "候补")
	press(stewards["S04"], "报名")
	stewards["S04"].expect("已经报名(或在候补名单上)")
	press(stewards["S05"], "已读")
	stewards["S05"].expect("已读")
	press(stewards["S01"], "请假")
	stewards["S01"].text("那天要陪家人看病")
	stewards["S01"].expect("已为您请假")
	stewards["S04"].expectSent(t, w, "已从候补转为报名")
	// Someone not invited cannot answer.
	c := w.person(t, "C01", "7402")
	c.send(bot.Update{Callback: &bot.Callback{Data: w.lastButton(t, stewards["S02"].chat, "报名")}})
	c.expect("不是发给您的")

	tr.text("/trainings")
	tr.expect("#1 垃圾分类实操", "发送 8", "已读 5", "报名 3", "候补 0", "请假 1", "打开链接 0")

	// After it: attendance.
	w.now = time.Date(2026, 11, 30, 16, 0, 0, 0, cst)
	press(stewards["S07"], "Sign up")
	stewards["S07"].expect("has started or ended")
	tr.text("/trainings")
	tr.press("记录到场")
	tr.expect("报名 3 人", "李建国")
	tr.press("全部到场")
	tr.text("李建国")
	tr.expect("已记录到场:2 人(报名 3 人)")
	if n := count(t, w.st, `SELECT count(*) FROM training_invites WHERE attended`); n != 2 {
		t.Errorf("attended: %d", n)
	}
}

// TestTrainingOnlineCancelledAndAsk: an online course to chosen people
// with a link button; a bad link is refused; cancelling reaches everyone
// who got it and a later press is refused; /ask and its answer.
func TestTrainingOnlineCancelledAndAsk(t *testing.T) {
	w := newWorldAt(t, friday)
	trainings.Of(w.flows).PublicURL = "https://alley.example.org"
	tr := w.person(t, "T01", "7401")
	s1 := w.person(t, "S01", "7601")
	s2 := w.person(t, "S02", "7602")
	tr.text("培训")
	tr.text("线上课程:如何拍好现场照片")
	tr.press("线上课程")
	tr.text("12-01 09:30")
	tr.press("60 分钟")
	tr.text("ftp://example.org/course")
	tr.expect("不是一个 http(s) 链接")
	tr.text("https://learn.example.org/c/42")
	tr.press("指定人员")
	tr.text("王秀兰、不存在的人")
	tr.expect("名册里找不到", "不存在的人")
	tr.text("王秀兰 S02")
	tr.press("不限")
	tr.press("跳过")
	tr.expect("发给 2 人")
	tr.press("发布")
	var link string
	for _, m := range w.sent {
		for _, row := range m.Buttons {
			for _, b := range row {
				if m.ChatID == s1.chat && b.URL != "" {
					link = b.URL
				}
			}
		}
	}
	if !strings.HasPrefix(link, "https://alley.example.org/l/") || len(link) < len("https://alley.example.org/l/")+20 {
		t.Fatalf("course link button: %q", link)
	}
	token := strings.TrimPrefix(link, "https://alley.example.org/l/")
	course, err := w.st.OpenLink(t.Context(), token, friday)
	if err != nil || course != "https://learn.example.org/c/42" {
		t.Fatalf("the link opens %q, %v", course, err)
	}
	tr.text("/trainings")
	tr.expect("打开链接 1")
	tr.press("改时间")
	tr.text("11-20 09:30")
	tr.expect("已经过去了")
	tr.text("12-02 09:30")
	tr.expect("改到 12-02 09:30", "2 人")
	s1.expectSent(t, w, "12-01 09:30 → 12-02 09:30")
	tr.text("/trainings")
	tr.press("取消培训")
	tr.expect("已取消", "2 人")
	s1.expectSent(t, w, "❌ 培训「线上课程:如何拍好现场照片」")
	s2.expectSent(t, w, "已取消")
	s2.send(bot.Update{Callback: &bot.Callback{Data: w.lastButton(t, s2.chat, "报名")}})
	s2.expect("已取消")

	// A question to the exchange group, answered by the trainer.
	s1.text("/ask")
	s1.text("居民不让拍照怎么办?")
	s1.expect("已发到工作交流群")
	w.expectChat(t, "-1001", "王秀兰 提问:居民不让拍照怎么办?")
	tr.in("-1001").press("回答")
	tr.text("先说明用途,拍物不拍人")
	tr.expect("告诉了 王秀兰")
	s1.expectSent(t, w, "吴静 回答了您的问题")
	w.expectChat(t, "-1001", "先说明用途,拍物不拍人")
	if n := count(t, w.st, `SELECT count(*) FROM questions WHERE answer <> ''`); n != 1 {
		t.Errorf("answered questions: %d", n)
	}
	_ = model.AnswerSigned
}

// TestNotice: a coordinator's notice goes to the chosen residents' groups.
func TestNotice(t *testing.T) {
	w := newWorldAt(t, friday)
	c := w.person(t, "C01", "7402")
	c.text("/notice")
	c.text("本周六上午开展胡同大扫除,欢迎居民参加")
	c.press("跳过")
	c.press("全部居民群")
	c.expect("已排队发往 1 个群")
	w.expectChat(t, "-1004", "宣传通知", "胡同大扫除")
}

// TestTrainingUnreachableInvitees: an invitee with no messenger account
// gets nothing, and the trainer is told so by name; the exchange group and
// the count the progress reports are the notices really queued.
func TestTrainingUnreachableInvitees(t *testing.T) {
	w := newWorldAt(t, friday)
	tr := w.person(t, "T01", "7401")
	s1 := w.person(t, "S01", "7601") // 李建国 (S02) has no account
	tr.text("/training")
	tr.text("垃圾分类实操")
	tr.press("讲座")
	tr.text("11-30 14:00")
	tr.press("90 分钟")
	tr.text("交道口街道办三楼会议室")
	tr.press("指定人员")
	tr.text("王秀兰 李建国")
	tr.press("不限")
	tr.press("跳过")
	tr.press("发布")
	tr.expect("培训 #1 已发布:发给 1 人", "有 1 人没有绑定消息账号", "李建国")
	s1.expectSent(t, w, "培训通知")
	w.expectChat(t, "-1001", "培训通知已发给 1 位小巷管家")
	if n := count(t, w.st, `SELECT sent_total FROM trainings WHERE id = 1`); n != 1 {
		t.Errorf("notices counted as sent: %d, want 1", n)
	}
	if n := count(t, w.st, `SELECT count(*) FROM training_invites WHERE training_id = 1`); n != 2 {
		t.Errorf("invitees: %d, want 2 (李建国 is invited, and may answer once bound)", n)
	}
}
