package console_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alleybot/alleybot/bot/console"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/flows"
	"github.com/alleybot/alleybot/handlers"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/internal/testdb"
	"github.com/alleybot/alleybot/roster"
)

var dbURL string

func TestMain(m *testing.M) {
	os.Exit(testdb.Main(m, "console", func(u string) { dbURL = u }))
}

// session runs a whole console session over input and returns what it printed.
func session(t *testing.T, as, input string, maxPhoto int64) string {
	t.Helper()
	st := testdb.OpenPool(t, testdb.Fresh(t, true), 1)
	if _, err := roster.Import(context.Background(), st, "../../examples/roster.yaml"); err != nil {
		t.Fatal(err)
	}
	// A fixed clock: case numbers carry the year, and clocks the date.
	friday := time.Date(2026, 11, 27, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	flows := conversations.New(conversations.Deps{DefaultLang: i18n.ZH, MaxPhotoBytes: maxPhoto,
		Location: friday.Location(), Now: func() time.Time { return friday }}, flows.All(flows.Settings{})...)
	r := handlers.New(st, flows, slog.New(slog.NewTextHandler(io.Discard, nil)), i18n.ZH)
	var out bytes.Buffer
	ch := &console.Channel{People: handlers.ConsoleRoster{Store: st, Flows: flows}, Handler: r, In: strings.NewReader(input), Out: &out, Echo: true,
		MaxPhotoBytes: maxPhoto, DefaultLang: i18n.ZH}
	if err := ch.Run(context.Background(), as); err != nil {
		t.Fatalf("console: %v\n%s", err, out.String())
	}
	return out.String()
}

func writePNG(t *testing.T, size int) string {
	t.Helper()
	data := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, size)...)
	path := filepath.Join(t.TempDir(), "photo.png")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestConsoleFullReport(t *testing.T) {
	photo := writePNG(t, 1000)
	input := strings.Join([]string{
		"/report",
		"1",               // a button by number
		"/photo " + photo, // an image file
		"完成",              // a button by label
		"/loc 39.9378,116.3983",
		"门口堆了建筑垃圾,三天没人清",
		"整条小巷",
		"提交",
		"/case 2026-000001",
	}, "\n")
	out := session(t, "王秀兰", input, 10<<20)
	for _, want := range []string{
		"[1] 环境卫生  [2] 设施维护", // numbered buttons
		"已收到 1 张照片",
		"定位到:帽儿胡同",
		"已提交,案件编号 2026-000001",
		"[交道口街道小巷管家工作交流群] 🖼 " + photo, // the group message, with its photo
		"[问题受理中心值班群] 🆕 新案件待派单",
		"[环卫所工作群]",
		"[南锣鼓巷社区居委会]",
		"处理经过:",
		"照片 1/1",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("console output lacks %q:\n%s", want, out)
		}
	}
}

func TestConsoleBadInput(t *testing.T) {
	big := writePNG(t, 3000)
	notes := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(notes, []byte("巡查笔记,不是图片"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := session(t, "S01", strings.Join([]string{
		"/photo",
		"/photo /no/such/file.png",
		"/photo " + big,
		"/loc north",
		"/loc 91,0",
		"/loc NaN,116.4",
		"/loc 39.9,+Inf",
		"/photo " + notes,
		"/as",
		"/as 不存在的人",
		"/as 杨晓燕",
		"/whoami",
		"7", // no menu is showing: plain text
	}, "\n"), 2000)
	for _, want := range []string{
		"用法:/photo 图片路径",
		"无法读取图片 /no/such/file.png",
		"超过 2.0 KB 的上限",
		"notes.txt 不是图片",
		"用法:/loc 纬度,经度",
		"用法:/as 姓名或编号",
		"名册里没有 不存在的人",
		"已切换为 杨晓燕(问题受理中心)",
		"编号:C01",
		"收到。目前没有进行中的操作",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("console output lacks %q:\n%s", want, out)
		}
	}
	if strings.Count(out, "用法:/loc 纬度,经度") != 4 {
		t.Errorf("all four bad locations should be refused:\n%s", out)
	}
}

// TestConsoleLifecycleScript runs examples/lifecycle.txt, the script the
// README shows: one terminal plays steward, coordinator, department and
// steward again through report → dispatch → verify → fix → send back → fix →
// pass → close → resident feedback, and /case prints the timeline.
func TestConsoleLifecycleScript(t *testing.T) {
	script, err := os.ReadFile("../../examples/lifecycle.txt")
	if err != nil {
		t.Fatal(err)
	}
	// The script's /photo paths are relative to the repository root.
	out := session(t, "王秀兰", strings.ReplaceAll(string(script), "/photo examples/", "/photo ../../examples/"), 10<<20)
	want := []string{
		"已提交,案件编号 2026-000001",
		"[问题受理中心值班群] 🆕 新案件待派单",
		"[1] 派单给交道口街道环卫所",
		"已派单:2026-000001 → 交道口街道环卫所",
		"[环卫所工作群] 📌 派单给本部门",
		"交道口街道环卫所未办结 1 件",
		"已记录核实:2026-000001",
		"[→ 王秀兰] 🖼 ../../examples/pile2.png",
		"已退回责任部门重新整改(第 1 次)",
		"复核通过,已办结",
		"[南锣鼓巷社区居民群] 🖼 ../../examples/pile.png",
		"谢谢您对案件 2026-000001 的评价",
		"处理经过:",
		"杨晓燕  派单:交道口街道环卫所",
		"郑海涛  现场核实:立即整改",
		"王秀兰  复核未通过,退回整改:还有一半没清走",
		"郑海涛  报告已整改:这次全部清走了",
		"王秀兰  复核通过",
		"居民  居民评价", // rated by a resident (not a roster person)
	}
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("transcript lacks %q", w)
		}
	}
	if t.Failed() {
		t.Logf("transcript:\n%s", out)
	}
	// The timeline lists the steps in the order they happened.
	_, timeline, _ := strings.Cut(out, "处理经过:")
	for _, w := range []string{"提交上报", "派单:", "现场核实", "报告已整改", "复核未通过", "报告已整改:这次", "复核通过", "办结", "居民评价"} {
		i := strings.Index(timeline, w)
		if i < 0 {
			t.Errorf("%q is missing from the timeline, or out of order", w)
			break
		}
		timeline = timeline[i+len(w):]
	}
}

// TestConsoleComplaintPatrolScript runs examples/complaint-patrol.txt: a
// resident's complaint becomes a case, runs its course and is rated by the
// resident; a steward's patrol with 无问题; a complaint about the steward
// that reaches the supervisor only, who finds it 属实 about her.
func TestConsoleComplaintPatrolScript(t *testing.T) {
	script, err := os.ReadFile("../../examples/complaint-patrol.txt")
	if err != nil {
		t.Fatal(err)
	}
	out := session(t, "王秀兰", strings.ReplaceAll(string(script), "/photo examples/", "/photo ../../examples/"), 10<<20)
	for _, w := range []string{
		"现在以居民身份发言",
		"已收到您的投诉,编号 T",
		"[问题受理中心值班群] 📮 新投诉待处理",
		"匿名居民",
		"已转为案件 2026-000001",
		"已立为案件 2026-000001",
		"已派给交道口街道环卫所",
		"复核通过,已办结",
		"已办结。请为处理结果打分",
		"谢谢您对案件 2026-000001 的评价",
		"已签到:帽儿胡同",
		"无问题。已记为到岗",
		"月巡查",
		"只交给督导处理",
		"仅督导可见",
		"已记录投诉",
		"已由督导处理。核实结果:属实",
		"结果属实,已计入您的考核记录",
		// What the resident is told while someone else types is marked as theirs.
		"[→ 张大妈] 您的投诉 T2026-000001 已立为案件 2026-000001",
		"[→ 张大妈] 您投诉的问题(案件 2026-000001)已派给交道口街道环卫所",
	} {
		if !strings.Contains(out, w) {
			t.Errorf("transcript lacks %q", w)
		}
	}
	// The roster's names are listed at the first /as of a resident, not at each.
	if n := strings.Count(out, "名册里的人:"); n != 1 {
		t.Errorf("the roster was listed %d times", n)
	}
	if t.Failed() {
		t.Logf("transcript:\n%s", out)
	}
}

// TestConsoleTrainingScript runs examples/training.txt: a trainer's
// broadcast to the example stewards, mixed answers (a waiting list filled
// by a leave), and the numbers.
func TestConsoleTrainingScript(t *testing.T) {
	script, err := os.ReadFile("../../examples/training.txt")
	if err != nil {
		t.Fatal(err)
	}
	out := session(t, "王秀兰", string(script), 10<<20)
	for _, w := range []string{
		"培训 #1 已发布:发给 8 人",
		"工作交流群] 📢 培训通知已发给 8 位小巷管家",
		"[→ 王秀兰] 培训通知",
		"已报名「垃圾分类实操」",
		"名额已满,已把您排进候补名单",
		"已为您请假",
		"已从候补转为报名",
		"已读「垃圾分类实操」",
		"#1 垃圾分类实操",
		"报名 2 · 候补 0 · 请假 1",
	} {
		if !strings.Contains(out, w) {
			t.Errorf("transcript lacks %q", w)
		}
	}
	if t.Failed() {
		t.Logf("transcript:\n%s", out)
	}
}

// TestConsoleIgnoresNotes: an annotated script line ("1   ← 环境卫生") is
// its input alone.
func TestConsoleIgnoresNotes(t *testing.T) {
	out := session(t, "王秀兰", "/report\n1                                   ← 环境卫生 (button by number)\n", 1<<20)
	if !strings.Contains(out, "请发送现场照片") {
		t.Errorf("the annotated press was not taken:\n%s", out)
	}
}

// TestConsoleSaysUnfinished: a piped session that ends in the middle of a
// flow says so (the draft stays).
func TestConsoleSaysUnfinished(t *testing.T) {
	out := session(t, "王秀兰", "/report\n1\n", 1<<20)
	if !strings.Contains(out, "还没有完成") || !strings.Contains(out, "问题上报") {
		t.Errorf("no word of the unfinished report:\n%s", out)
	}
	// The report offered for typed words is named as a report, not by its
	// internal key.
	out = session(t, "王秀兰", "门口堆了建筑垃圾,三天没人清\n", 1<<20)
	if !strings.Contains(out, "王秀兰的「问题上报」还没有完成") || strings.Contains(out, "flow.") {
		t.Errorf("the unfinished offer:\n%s", out)
	}
	out = session(t, "王秀兰", "/whoami\n", 1<<20)
	if strings.Contains(out, "还没有完成") {
		t.Errorf("a finished session said it was unfinished:\n%s", out)
	}
}

// TestConsoleResident: someone not in the roster plays a resident: 帮助
// says what residents can do (not the invitation staff need), a case
// number its progress, and a line said in the residents' group
// ("[南锣鼓巷社区居民群] 投诉") is heard there as on a messenger.
func TestConsoleResident(t *testing.T) {
	input := strings.Join([]string{
		"/report", "1", "/photo " + writePNG(t, 1000), "完成", "/loc 39.9378,116.3983", "门口堆了建筑垃圾,三天没人清", "整条小巷", "提交",
		"/as 张大妈",
		"帮助",
		"/help",
		"2026-000001",
		"[没有这个群] 你好",
		"[南锣鼓巷社区居民群] 投诉",
		"小巷里的问题",
	}, "\n")
	out := session(t, "王秀兰", input, 10<<20)
	_, resident, _ := strings.Cut(out, "> /as 张大妈")
	for _, w := range []string{
		"> 帮助\n居民可以在这里",
		"发送「投诉」",
		"联系方式",
		"> /help\n居民可以在这里",
		"案件 2026-000001(2026-11-27 上报)\n小巷:帽儿胡同",
		"名册里没有「没有这个群」这个群",
		"[南锣鼓巷社区居民群] 张大妈,收到。请在私聊中继续投诉",
		"您要投诉什么",
		"请描述发生了什么",
	} {
		if !strings.Contains(resident, w) {
			t.Errorf("transcript lacks %q", w)
		}
	}
	if strings.Contains(resident, "邀请链接") {
		t.Errorf("a resident on the console was told to get an invitation")
	}
	if t.Failed() {
		t.Logf("transcript:\n%s", out)
	}
}

// TestConsoleCardLabels plays issue 20's console session: after 报告进展 a
// typed 已整改 starts the fix report; /back from its first step shows the
// card; after 改派其他部门, /back returns to the card and 派单 typed works.
func TestConsoleCardLabels(t *testing.T) {
	script := strings.Join([]string{
		"/report", "1", "/photo ../../examples/pile.png", "完成", "/loc 39.9379,116.3984", "门口堆了一堆建筑垃圾,已经三天了", "2", "提交",
		"/report", "1", "/photo ../../examples/pile2.png", "完成", "/loc 39.9379,116.3984", "垃圾桶满了,溢到路上", "2", "提交",
		"/as 杨晓燕", "/case 2026-000001", "派单给交道口街道环卫所",
		"/as 郑海涛", "/dept", "已核实", "立即整改",
		"报告进展", "已安排清运车,下午到", "跳过",
		"已整改", "/back",
		"/as 杨晓燕", "/case 2026-000002", "改派其他部门", "/back", "改派其他部门", "派单给交道口街道环卫所",
	}, "\n")
	out := session(t, "王秀兰", script, 10<<20)
	for _, w := range []string{
		"进展已通知",
		"> 已整改\n请发送案件 2026-000001 整改后的照片",
		"> /back\n已退出整改报告,回到案件",
		"已退出改派,回到案件",
		"已取消改派,草稿未提交。",
		"已派单:2026-000002 → 交道口街道环卫所",
	} {
		if !strings.Contains(out, w) {
			t.Errorf("transcript lacks %q", w)
		}
	}
	if strings.Contains(out, "已经是第一步了") {
		t.Error("/back said 已经是第一步了")
	}
	if t.Failed() {
		t.Logf("transcript:\n%s", out)
	}
}
