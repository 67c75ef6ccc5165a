package console_test

import (
	"os"
	"strings"
	"testing"
)

// TestConsoleComplaintPhoneScript runs examples/complaint-phone.txt: the
// coordinator records a phone complaint (a bad number refused), the
// center's card and her /complaints do not show the caller, the
// supervisor's does; she answers it and the call-back is recorded.
func TestConsoleComplaintPhoneScript(t *testing.T) {
	script, err := os.ReadFile("../../examples/complaint-phone.txt")
	if err != nil {
		t.Fatal(err)
	}
	out := session(t, "杨晓燕", string(script), 10<<20)
	for _, w := range []string{
		"「12345」不是有效的电话号码",
		"已登记电话投诉,编号 T2026-000001",
		"[问题受理中心值班群] 📮 新投诉待处理",
		"电话投诉(投诉人信息仅督办可见)",
		"电话投诉:赵大爷,电话 13901018888",
		"无法自动通知:答复已记为电话回访",
		"已答复投诉 T2026-000001",
	} {
		if !strings.Contains(out, w) {
			t.Errorf("transcript lacks %q", w)
		}
	}
	// The caller's phone is printed once: in the supervisor's list.
	if n := strings.Count(out, "电话 13901018888"); n != 1 {
		t.Errorf("the caller's phone was shown %d times", n)
	}
	if t.Failed() {
		t.Logf("transcript:\n%s", out)
	}
}
