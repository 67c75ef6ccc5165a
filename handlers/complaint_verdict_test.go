package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/alleybot/alleybot/assessment"
	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/scheduler"
	"github.com/alleybot/alleybot/store"
)

// fileStaffComplaint files a named complaint about the staff as a resident.
func fileStaffComplaint(t *testing.T, res *chatter, what, about string) {
	t.Helper()
	res.text("投诉")
	res.press("投诉工作人员")
	res.text(what)
	res.text(about)
	res.press("留名")
	res.expect("只交给督导处理")
}

// TestUpheldComplaintCountsInScorecard (四(一), 七(二)): a resident
// complains about 王秀兰 (S01); the supervisor finds it 属实 and names her
// (a name not in the roster is refused, and asked again); the row says
// upheld about S01, the resident is told the finding and the outcome, she
// is told privately (no resident in it), it is in her /record, and
// November's scorecard counts it. A second complaint about her, found
// 不属实, counts nowhere; each resident finds the finding by the number;
// a settled complaint cannot be settled again.
func TestUpheldComplaintCountsInScorecard(t *testing.T) {
	w := newWorldAt(t, friday)
	c := newCast(t, w)
	ctx := context.Background()
	res := resident(t, w, "8002")
	fileStaffComplaint(t, res, "小巷管家王秀兰上门时态度很差", "王秀兰")

	settle := w.lastButton(t, c.supervisor.chat, "记录处理结果")
	c.supervisor.send(bot.Update{Callback: &bot.Callback{Data: settle}})
	c.supervisor.expect("处理投诉", "是否属实")
	c.supervisor.press("属实")
	c.supervisor.expect("投诉的是谁")
	if len(c.supervisor.buttons) == 0 || c.supervisor.buttons[0].Label != "王秀兰(S01)" {
		t.Errorf("the person named in the complaint is not offered first: %v", c.supervisor.buttons)
	}
	// Filed privately: no community, so the subdistrict's coordinators and
	// departments' people are offered, no community's stewards.
	labels := fmt.Sprint(c.supervisor.buttons)
	if !strings.Contains(labels, "杨晓燕(C01)") || !strings.Contains(labels, "郑海涛(D01)") || strings.Contains(labels, "刘淑珍") {
		t.Errorf("the staff offered: %s", labels)
	}
	c.supervisor.text("张三丰")
	c.supervisor.expect("名册中没有「张三丰」")
	c.supervisor.text("王秀兰")
	c.supervisor.expect("告知王秀兰")
	c.supervisor.text("已约谈,当事人致歉")
	c.supervisor.expect("已记录投诉 T2026-000001:属实,被投诉人 王秀兰")
	res.expectSent(t, w, "核实结果:属实。处理结果:已约谈,当事人致歉")
	c.steward.expectSent(t, w, "关于您的居民投诉(T2026-000001),结果属实")
	for _, m := range w.sent {
		if m.ChatID == c.steward.chat && (strings.Contains(m.Text, "用户8002") || strings.Contains(m.Text, "态度很差")) {
			t.Errorf("the person was told who complained or what: %q", m.Text)
		}
	}
	s01, err := w.st.FindPerson(ctx, "S01")
	if err != nil {
		t.Fatal(err)
	}
	if n := count(t, w.st, `SELECT count(*) FROM complaints WHERE number = 'T2026-000001' AND status = $1 AND verdict = $2
		AND about_person = $3 AND answer = '已约谈,当事人致歉'`, model.ComplaintSettled, model.ComplaintUpheld, s01.ID); n != 1 {
		t.Errorf("the upheld complaint is not stored with its verdict and person")
	}
	c.supervisor.send(bot.Update{Callback: &bot.Callback{Data: settle}})
	c.supervisor.expect("已处理(督导已处理)")
	k, err := w.st.ComplaintByNumber(ctx, "T2026-000001")
	if err != nil {
		t.Fatal(err)
	}
	if err := w.st.SettleComplaint(ctx, k.ID, model.ComplaintNotUpheld, 0, "改判", 0, w.now); !errors.Is(err, store.ErrComplaintDecided) {
		t.Errorf("settling a settled complaint again: %v", err)
	}

	// A second complaint about her is found not upheld.
	res2 := resident(t, w, "8003")
	fileStaffComplaint(t, res2, "王秀兰巡查时没有戴工作牌", "王秀兰")
	c.supervisor.send(bot.Update{Callback: &bot.Callback{Data: w.lastButton(t, c.supervisor.chat, "记录处理结果")}})
	c.supervisor.press("不属实")
	c.supervisor.expect("不计入任何人的考核")
	c.supervisor.text("经核实当天佩戴了工作牌")
	c.supervisor.expect("已记录投诉 T2026-000002:不属实")
	res2.expectSent(t, w, "核实结果:不属实。说明:经核实当天佩戴了工作牌")
	res.text("T2026-000001")
	res.expect("投诉 T2026-000001:督导已处理(核实结果:属实)")
	res2.text("T2026-000002")
	res2.expect("投诉 T2026-000002:督导已处理(核实结果:不属实)")

	c.supervisor.text("/record 王秀兰")
	c.supervisor.expect("投诉属实 1", "2026-11-27 居民投诉属实(T2026-000001):已约谈,当事人致歉(记录:高明)")
	if strings.Contains(c.supervisor.said(), "T2026-000002") || strings.Contains(c.supervisor.said(), "用户8002") {
		t.Errorf("/record lists a complaint not upheld, or the resident: %q", c.supervisor.said())
	}

	// November ends: the scorecard counts the upheld complaint alone.
	w.now = time.Date(2026, 12, 5, 10, 0, 0, 0, cst)
	nov, _ := assessment.Parse("2026-11")
	if _, err := scheduler.AssessPeriod(ctx, &w.st.Queries, nov, assessment.Default(), cst, w.now, scheduler.By{}, 0); err != nil {
		t.Fatal(err)
	}
	var raw []byte
	if err := w.st.DB().Get(&raw, `SELECT counts FROM assessment_periods WHERE person_id = $1 AND period = '2026-11'`, s01.ID); err != nil {
		t.Fatal(err)
	}
	var counts assessment.Counts
	if err := json.Unmarshal(raw, &counts); err != nil {
		t.Fatal(err)
	}
	if counts.ComplaintsUpheld != 1 {
		t.Errorf("S01's upheld complaints in November: %d, want 1 (counts %s)", counts.ComplaintsUpheld, raw)
	}
	c.steward.text("/myscore")
	c.steward.expect("2026-11 考核", "被查实的投诉 1 件")
}
