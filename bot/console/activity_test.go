package console_test

import (
	"os"
	"strings"
	"testing"
)

// TestConsoleActivityScript runs examples/activity.txt (seed 二(四)): a
// steward's notice to her alley's residents' group, her clean-up day posted
// there, residents signing up from the group (the third waits, a second
// press refused) and moving up when the first cancels.
func TestConsoleActivityScript(t *testing.T) {
	script, err := os.ReadFile("../../examples/activity.txt")
	if err != nil {
		t.Fatal(err)
	}
	out := session(t, "王秀兰", string(script), 10<<20)
	for _, w := range []string{
		"通知已排队发往 1 个群",
		"[南锣鼓巷社区居民群] 📣 宣传通知",
		"活动 #1 已发往 1 个居民群",
		"[南锣鼓巷社区居民群] 🧹 活动报名",
		"张大妈 报名「胡同清洁日」成功(1/2)",
		"李大爷 报名「胡同清洁日」成功(2/2)",
		"名额已满,王阿姨 在「胡同清洁日」的候补名单第 1 位",
		"王阿姨 已经报名了「胡同清洁日」",
		"候补的 王阿姨 递补报名成功",
	} {
		if !strings.Contains(out, w) {
			t.Errorf("transcript lacks %q", w)
		}
	}
	if t.Failed() {
		t.Logf("transcript:\n%s", out)
	}
}
