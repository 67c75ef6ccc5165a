package console_test

import (
	"os"
	"strings"
	"testing"
)

// TestConsolePartiesScript runs examples/parties.txt: a steward's case,
// the center asks the alley's volunteers, one says 可以 and one 不行, a
// second answer is refused, and /case shows it all; then a case in a
// property-managed alley goes to its property manager.
func TestConsolePartiesScript(t *testing.T) {
	script, err := os.ReadFile("../../examples/parties.txt")
	if err != nil {
		t.Fatal(err)
	}
	out := session(t, "王秀兰", strings.ReplaceAll(string(script), "/photo examples/", "/photo ../../examples/"), 10<<20)
	for _, w := range []string{
		"已提交,案件编号 2026-000001",
		"请志愿者协助",
		"已请 2 位志愿者协助案件 2026-000001",
		"杨晓燕 请您协助:案件 2026-000001",
		"志愿者 谢春梅 可以协助",
		"志愿者 曹志强 这次不能协助",
		"您已经答复过了",
		"谢春梅  志愿者答复:可以协助",
		// A case in 菊儿胡同: copied to its property manager, dispatched to
		// it, verified and fixed by its contact.
		"已抄送:2026-000002 → 菊儿小区物业服务中心",
		"已派单:2026-000002 → 菊儿小区物业服务中心",
		"[→ 黄建国] 【派单给物业】案件 2026-000002",
		"黄建国  现场核实:立即整改",
		"黄建国  报告已整改:清运完毕",
	} {
		if !strings.Contains(out, w) {
			t.Errorf("transcript lacks %q", w)
		}
	}
	if t.Failed() {
		t.Logf("transcript:\n%s", out)
	}
}
