package handlers

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/alleybot/alleybot/flows/ledger"
)

// Seed 六: the treasurer enters the fund ledger in chat; a spending
// needs a voucher photo, and one beyond the balance an explicit 确认.

// TestLedgerFlow: an income without a voucher, then a spending within
// the balance with a voucher, then one beyond it that is warned about;
// amounts mistyped are refused with the reason; /balance adds them up;
// the chain verifies; a steward may not enter the ledger.
func TestLedgerFlow(t *testing.T) {
	w := newWorldAt(t, time.Date(2026, 11, 20, 10, 0, 0, 0, cst))
	f := w.person(t, "F01", "7901")
	f.text("/ledger")
	f.expect("收入还是支出")
	f.press("收入")
	f.expect("资金来源")
	f.press("政府财政拨款")
	f.expect("金额")
	f.text("-500")
	f.expect("不能为负数")
	f.text("1234.567")
	f.expect("超过两位小数")
	f.text("0")
	f.expect("不能为零")
	f.text("5000")
	f.expect("日期")
	f.text("2026-11-25")
	f.expect("还没到")
	f.text("11-02")
	f.expect("对方")
	f.text("交道口街道办事处")
	f.text("第四季度小巷管家专项经费")
	f.expect("属于哪个社区")
	f.press("全区")
	f.expect("无凭证")
	f.press("无凭证")
	f.expect("收入 · 政府财政拨款", "金额:5000.00 元", "日期:2026-11-02", "范围:全区", "凭证:0 张")
	f.press("确认记账")
	f.expect("已记入台账第 1 笔", "当前结余 5000.00 元")

	spend := func(amount string) {
		t.Helper()
		f.text("/ledger")
		f.press("支出")
		f.press("装备购置")
		f.text(amount)
		f.press("今天(2026-11-20)")
		f.text("交道口劳保用品店")
		f.text("雨衣、手电")
		f.press("菊儿社区")
		f.expect("支出至少一张")
		f.text("凭证稍后补")
		f.expect("请发送凭证照片")
		f.photo("voucher-"+amount, 2048)
		f.press("完成")
		f.expect("支出 · 装备购置", "范围:菊儿社区", "凭证:1 张")
		f.press("确认记账")
	}
	spend("1280.50")
	f.expect("已记入台账第 2 笔", "当前结余 3719.50 元")
	spend("4000")
	f.expect("这笔支出 4000.00 元超过当前结余 3719.50 元", "确认")
	f.text("好的")
	f.expect("须明确回复「确认」")
	if n := count(t, w.st, `SELECT count(*) FROM ledger_entries`); n != 2 {
		t.Fatalf("%d entries before the 确认", n)
	}
	f.text("确认")
	f.expect("已记入台账第 3 笔", "当前结余 -280.50 元")
	if n := count(t, w.st, `SELECT count(*) FROM ledger_entries WHERE cardinality(photo_hashes) = 1 AND photo_hashes[1] LIKE 'ref:telegram:voucher-%'`); n != 2 {
		t.Errorf("spendings with their voucher in the hash: %d", n)
	}
	if n := count(t, w.st, `SELECT count(*) FROM photos WHERE ledger_seq IS NOT NULL`); n != 2 {
		t.Errorf("vouchers kept with their entries: %d", n)
	}

	f.text("/balance")
	f.expect("2026-11 资金台账", "月初结余:0.00 元", "本月收入:5000.00 元", "政府财政拨款:5000.00 元(1 笔)",
		"本月支出:5280.50 元", "装备购置:5280.50 元(2 笔)", "当前结余:-280.50 元")
	if strings.Contains(f.said(), "社会捐赠") {
		t.Errorf("a category without entries is listed: %q", f.said())
	}
	if n, _, err := ledger.Verify(context.Background(), &w.st.Queries); err != nil || n != 3 {
		t.Errorf("verify: %d, %v", n, err)
	}

	s := w.person(t, "S01", "7902")
	s.text("/ledger")
	s.expect("只有")
	c := w.person(t, "C01", "7903")
	c.text("/balance")
	c.expect("当前结余:-280.50 元")
}
