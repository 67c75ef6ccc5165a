package handlers

import (
	"context"
	"slices"
	"testing"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/model"
)

// reportIn files a sanitation case in alley (a button label) as steward s
// and returns its number.
func reportIn(t *testing.T, s *chatter, alley, text string) string {
	t.Helper()
	s.text("/report")
	s.press("环境卫生")
	s.photo("before-"+text, 100)
	s.press("完成")
	s.press(alley)
	s.text(text)
	s.press("整条小巷")
	s.press("提交")
	for _, m := range s.last {
		if n := caseNumberIn(m.Text); n != "" && m.ChatID == s.chat {
			return n
		}
	}
	t.Fatalf("no case number in %q", s.said())
	return ""
}

// TestPropertyManager plays seed 二(三)2 on the example roster: a case in
// 菊儿胡同 (managed by 菊儿小区物业服务中心) is copied to its property
// manager, whose contact gets the card; then dispatched to it like a
// department, with the category's clocks, and its contact verifies and
// fixes it with the department's buttons. A case outside its alleys is
// refused with the reason.
func TestPropertyManager(t *testing.T) {
	w := newWorldAt(t, friday)
	ctx := context.Background()
	wuyeGroup := "-1006"
	chat, err := w.st.ChatByCode(ctx, "wuye-juer")
	if err != nil {
		t.Fatal(err)
	}
	if err := w.st.BindChat(ctx, chat.ID, string(bot.Telegram), wuyeGroup); err != nil {
		t.Fatal(err)
	}
	steward := w.person(t, "S08", "7008") // 周建平, 菊儿胡同
	coordinator := w.person(t, "C01", "7101")
	contact := w.person(t, "P01", "7501") // 黄建国, 菊儿小区物业服务中心
	number := reportIn(t, steward, "菊儿胡同", "小区门口垃圾桶满了")

	// The center's card offers the alley's property manager.
	center := coordinator.in("-1003")
	center.press("抄送菊儿小区物业服务中心")
	center.expect("已抄送:" + number + " → 菊儿小区物业服务中心")
	w.expectChat(t, contact.chat, "问题受理中心把案件 "+number+" 抄送给您的物业公司")
	w.expectChat(t, wuyeGroup, "【抄送物业】案件 "+number)
	if n := count(t, w.st, `SELECT count(*) FROM case_departments cd JOIN cases c ON c.id = cd.case_id
		JOIN departments d ON d.id = cd.department_id WHERE c.number = $1 AND d.code = 'juer-wuye'`, number); n != 1 {
		t.Fatalf("copies to the property manager: %d, want 1", n)
	}
	if cv := w.caseView(t, number); cv.Status != model.StatusSubmitted {
		t.Fatalf("a copy changed the state: %s", cv.Status)
	}

	// 派单给物业: the same clocks as a department's (sanitation: 2h / 24h).
	center.press("派单给物业:菊儿小区物业服务中心")
	center.expect("已派单:" + number + " → 菊儿小区物业服务中心")
	cv := w.caseView(t, number)
	if cv.Status != model.StatusDispatched || !cv.VerifyBy.Time.Equal(friday.Add(2*60*60*1e9)) || cv.DepartmentName != "菊儿小区物业服务中心" {
		t.Fatalf("after dispatch: status %s verify_by %v department %q", cv.Status, cv.VerifyBy.Time, cv.DepartmentName)
	}
	w.expectChat(t, contact.chat, "案件 "+number+" 已交您的物业公司处理")

	// Its contact verifies and fixes it like a department member.
	contact.press("已核实")
	contact.expect("整改计划")
	contact.press("限期整改")
	contact.text("12-01")
	contact.expect("整改方案")
	contact.text("物业保洁员今天下午清运堆放的杂物")
	contact.expect("整改时限 12-01 17:30")
	if cv := w.caseView(t, number); cv.Status != model.StatusVerified {
		t.Fatalf("after verify: %s", cv.Status)
	}
	contact.in(wuyeGroup).press("已整改")
	contact.photo("after-wuye", 100)
	contact.press("完成")
	contact.press("跳过")
	steward.expectSent(t, w, "请到现场复核")
	if cv := w.caseView(t, number); cv.Status != model.StatusFixed {
		t.Fatalf("after fixed: %s", cv.Status)
	}
	if got := w.timeline(t, number); !slices.Equal(got, []string{"submitted", "property_copied", "dispatched", "verified", "fixed"}) {
		t.Errorf("timeline: %v", got)
	}

	// Outside its alleys: a case in 帽儿胡同 is refused, with the reason,
	// whether by a (forged) 派单给物业 or by 改派.
	s01 := w.person(t, "S01", "7001")
	outside := reportIn(t, s01, "帽儿胡同", "路灯不亮")
	ov := w.caseView(t, outside)
	var deptID int64
	if err := w.st.DB().Get(&deptID, `SELECT id FROM departments WHERE code = 'juer-wuye'`); err != nil {
		t.Fatal(err)
	}
	center.send(bot.Update{Callback: &bot.Callback{Data: "pm:dispatch:" + itoa(ov.ID) + ":" + itoa(deptID)}})
	center.expect("不能交给菊儿小区物业服务中心:案件 " + outside + " 在帽儿胡同,不在它管理的小巷内")
	center.send(bot.Update{Callback: &bot.Callback{Data: "pm:copy:" + itoa(ov.ID) + ":" + itoa(deptID)}})
	center.expect("不在它管理的小巷内")
	center.send(bot.Update{Callback: &bot.Callback{Data: "c:redirect:" + itoa(ov.ID)}})
	coordinator.press("菊儿小区物业服务中心")
	coordinator.expect("不在它管理的小巷内")
	if ov := w.caseView(t, outside); ov.Status != model.StatusSubmitted || ov.DepartmentName == "菊儿小区物业服务中心" {
		t.Fatalf("the refused case moved: %s %q", ov.Status, ov.DepartmentName)
	}
	if n := count(t, w.st, `SELECT count(*) FROM case_departments cd JOIN cases c ON c.id = cd.case_id WHERE c.number = $1`, outside); n != 0 {
		t.Fatalf("the refused case was copied: %d", n)
	}
}

// TestVolunteers: the center asks the volunteers of a case's alley; one
// says 可以, one 不行, the asker is told each; a second answer is refused;
// the timeline shows it all.
func TestVolunteers(t *testing.T) {
	w := newWorldAt(t, friday)
	s01 := w.person(t, "S01", "7001")
	coordinator := w.person(t, "C01", "7101")
	y1 := w.person(t, "Y01", "7601") // 谢春梅, 帽儿胡同 and 菊儿胡同
	y2 := w.person(t, "Y02", "7602") // 曹志强, 帽儿胡同
	number := reportIn(t, s01, "帽儿胡同", "墙上乱贴小广告")

	center := coordinator.in("-1003")
	center.press("请志愿者协助")
	center.expect("已请 2 位志愿者协助案件 " + number)
	w.expectChat(t, y1.chat, "杨晓燕 请您协助:案件 "+number+"(帽儿胡同)")
	w.expectChat(t, y2.chat, "请您协助:案件 "+number)

	y1.press("可以")
	y1.expect("谢谢您")
	coordinator.expectSent(t, w, "志愿者 谢春梅 可以协助:案件 "+number)
	y2.press("不行")
	y2.expect("不能协助")
	coordinator.expectSent(t, w, "志愿者 曹志强 这次不能协助")
	y1.press("不行") // a second answer
	y1.expect("您已经答复过了")
	if n := count(t, w.st, `SELECT count(*) FROM volunteer_answers WHERE answer = 'yes'`); n != 1 {
		t.Errorf("yes answers: %d, want 1 (the second answer changed nothing)", n)
	}
	// A steward who is not a volunteer may not answer.
	data := w.lastButton(t, y2.chat, "可以")
	s01.send(bot.Update{Callback: &bot.Callback{Data: data}})
	if n := count(t, w.st, `SELECT count(*) FROM volunteer_answers WHERE answer IS NOT NULL`); n != 2 {
		t.Errorf("answers: %d, want 2", n)
	}

	want := []string{"submitted", "volunteers_asked", "volunteer_answered", "volunteer_answered"}
	if got := w.timeline(t, number); !slices.Equal(got, want) {
		t.Errorf("timeline: %v, want %v", got, want)
	}
	coordinator.text("/case " + number)
	coordinator.expect("杨晓燕  请志愿者协助(人数):2", "谢春梅  志愿者答复:可以协助", "曹志强  志愿者答复:不能协助")
}
