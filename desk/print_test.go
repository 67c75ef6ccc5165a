package desk_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/alleybot/alleybot/desk"
)

// TestPrintableWorkOrder (issue 25, 三(三)2): the coordinator's case page
// links to the work order; the work order of a dispatched case shows the
// card, the photos (small), the timeline and the four places to sign, has
// print CSS for A4 and no nav and no buttons; another department gets 404.
func TestPrintableWorkOrder(t *testing.T) {
	w := newWorld(t, desk.Options{})
	r := w.report("S01", "maoer", "sanitation", "帽儿胡同东口垃圾堆放")
	c := w.login("C01")
	page := "/desk/case/" + r.number
	st, body := c.get(page)
	if st != http.StatusOK || !strings.Contains(body, `href="`+page+`/print"`) {
		t.Fatalf("the case page has no 打印 link: %d", st)
	}
	st, body = c.get(page + "/print")
	if st != http.StatusOK {
		t.Fatalf("GET print: %d %s", st, body)
	}
	for _, want := range []string{"工单", r.number, "帽儿胡同东口垃圾堆放", "帽儿胡同", "王秀兰", "交道口街道环卫所", "提交上报",
		fmt.Sprintf(`<img src="/desk/photo/%d"`, r.photo), "受理人", "承办部门负责人", "小巷管家 复核", "日期",
		"@media print", "size: A4"} {
		if !strings.Contains(body, want) {
			t.Errorf("the work order has no %q", want)
		}
	}
	for _, unwanted := range []string{"<nav", "/press", "/say", "/desk/logout"} {
		if strings.Contains(body, unwanted) {
			t.Errorf("the work order has %q", unwanted)
		}
	}
	if n := strings.Count(body, `<tr class="event">`); n != 1 {
		t.Errorf("timeline rows: %d, want 1 (提交上报)", n)
	}
	if st, _ := w.login("D02").get(page + "/print"); st != http.StatusNotFound {
		t.Errorf("another department's work order: %d, want 404", st)
	}
	if st, _ := w.client().get(page + "/print"); st == http.StatusOK {
		t.Error("the work order without a session: 200")
	}
}

// TestPrintEscapes: HTML in a description is text on the work order.
func TestPrintEscapes(t *testing.T) {
	w := newWorld(t, desk.Options{})
	r := w.report("S01", "maoer", "sanitation", `<script>alert("x")</script><b>粗</b>`)
	st, body := w.login("C01").get("/desk/case/" + r.number + "/print")
	if st != http.StatusOK {
		t.Fatalf("%d", st)
	}
	if strings.Contains(body, `<script>alert`) || strings.Contains(body, "<b>粗</b>") {
		t.Error("the description's HTML is on the work order as HTML")
	}
	if !strings.Contains(body, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;b&gt;粗&lt;/b&gt;") {
		t.Error("the description is not on the work order, escaped")
	}
}

// TestPlanOnTheDesk: a department's plan (限期整改) is on the case page and
// the work order, as text.
func TestPlanOnTheDesk(t *testing.T) {
	w := newWorld(t, desk.Options{})
	r := w.report("S01", "maoer", "sanitation", "帽儿胡同垃圾")
	if _, err := w.st.DB().Exec(`UPDATE cases SET plan_text = $2 WHERE id = $1`, r.id, "环卫所<b>两人</b>周一清运"); err != nil {
		t.Fatal(err)
	}
	c := w.login("C01")
	for _, path := range []string{"/desk/case/" + r.number, "/desk/case/" + r.number + "/print"} {
		st, body := c.get(path)
		if st != http.StatusOK || !strings.Contains(body, "整改方案") || !strings.Contains(body, "环卫所&lt;b&gt;两人&lt;/b&gt;周一清运") {
			t.Errorf("%s: %d, the plan not shown as text", path, st)
		}
	}
}
