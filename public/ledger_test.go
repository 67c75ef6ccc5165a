package public_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	book "github.com/alleybot/alleybot/ledger"
	"github.com/alleybot/alleybot/public"
	"github.com/alleybot/alleybot/store"
)

// seedLedger appends, as the treasurer F01 would: in November a
// government allocation of 60,000.00, equipment for 1,276.50, a repair of
// 980.00 and its correction; in December a training of 650.00.
func seedLedger(t *testing.T, w *world) {
	t.Helper()
	ctx := context.Background()
	var treasurer int64
	if err := w.st.DB().Get(&treasurer, `SELECT id FROM people WHERE code = 'F01'`); err != nil {
		t.Fatal(err)
	}
	for _, e := range []struct {
		day                   string
		kind, category        string
		fen                   int64
		counterparty, purpose string
		corrects              int64
	}{
		{"2026-11-02", "income", "government", 6000000, "交道口街道办事处", "2026年第四季度小巷管家工作专项经费", 0},
		{"2026-11-06", "spending", "equipment", 127650, "交道口五金日杂店", "手电筒 16 个、雨衣 16 件", 0},
		{"2026-11-18", "spending", "maintenance", 98000, "交道口电器维修部", "前圆恩寺胡同路灯更换灯泡 6 只", 0},
		{"2026-11-20", "spending", "maintenance", 98000, "交道口电器维修部", "重复录入 | 冲销", 3},
		{"2026-12-02", "spending", "training", 65000, "交道口街道社区服务中心", "小巷管家消防安全培训资料", 0},
	} {
		day, _ := time.ParseInLocation(time.DateOnly, e.day, w.loc)
		row := &store.LedgerEntry{Date: day, Kind: e.kind, Category: e.category, AmountFen: e.fen, Counterparty: e.counterparty,
			Purpose: e.purpose, Corrects: sql.NullInt64{Int64: e.corrects, Valid: e.corrects != 0}, EnteredBy: treasurer, EnteredByCode: "F01"}
		err := w.st.InTx(ctx, func(tx *store.Tx) error {
			return tx.AppendLedgerEntry(ctx, row, func(r *store.LedgerEntry) error {
				if r.PrevHash == "" {
					r.PrevHash = book.Genesis
				}
				be := book.Entry{Seq: r.Seq, Date: r.Date, Kind: book.Kind(r.Kind), Category: book.Category(r.Category),
					AmountFen: r.AmountFen, Counterparty: r.Counterparty, Purpose: r.Purpose, Corrects: r.Corrects.Int64,
					EnteredBy: r.EnteredByCode, PrevHash: r.PrevHash}
				r.Hash = be.Sum()
				return nil
			})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

var (
	codeRe  = regexp.MustCompile(`<code>([^<]*)</code>`)
	entryRe = regexp.MustCompile(`(?s)<li class="card entry">.*?</li>`)
)

// TestLedgerSection: last month's statement by default (every entry, its
// amount in yuan exactly, its hash and canonical form, the balances, the
// chain head, how to verify), this month's on ?ledger=current; and a
// reader who recomputes each published canonical form's SHA-256 and
// follows the previous hashes finds the chain whole.
func TestLedgerSection(t *testing.T) {
	w := seed(t)
	srv := w.server(t, public.Options{})
	_, empty, _ := get(t, srv, "/public/")
	if !strings.Contains(empty, "这个月还没有账目。") || strings.Contains(empty, "链头（") {
		t.Errorf("an empty ledger: no 这个月还没有账目 or a chain head shown")
	}
	seedLedger(t, w)
	var head string
	if err := w.st.DB().Get(&head, `SELECT hash FROM ledger_entries WHERE seq = 5`); err != nil {
		t.Fatal(err)
	}
	_, body, _ := get(t, srv, "/public/")
	for _, s := range []string{"<strong>11月</strong>", `href="/public/?ledger=current#ledger"`,
		"<dt>月初余额</dt><dd>0.00</dd>", "<dt>月末余额</dt><dd>58723.50</dd>", `<dd class="in">+60000.00</dd>`, `<dd class="out">−1276.50</dd>`,
		"收入 · 政府财政拨款", `<span class="amount in">&#43;60000.00</span>`, "支出 · 装备购置", "−1276.50", "交道口五金日杂店", "手电筒 16 个、雨衣 16 件",
		"更正第 3 笔", "链头（第 5 笔的哈希", head, "如何核验", "sha256sum"} {
		if !strings.Contains(body, s) {
			t.Errorf("no %q in the ledger section\n%s", s, section(body))
		}
	}
	if strings.Contains(body, "小巷管家消防安全培训资料") || strings.Contains(body, "钱慧") {
		t.Errorf("November's statement shows December's entry or the treasurer's name")
	}
	entries := entryRe.FindAllString(body, -1)
	if len(entries) != 4 {
		t.Fatalf("%d entries on the page, want November's 4", len(entries))
	}
	prev := book.Genesis
	for i, e := range entries {
		codes := codeRe.FindAllStringSubmatch(e, -1)
		if len(codes) != 3 {
			t.Fatalf("entry %d: %d codes (hash, canonical, previous hash), want 3", i+1, len(codes))
		}
		hash, canonical, prevHash := codes[0][1], html.UnescapeString(codes[1][1]), codes[2][1]
		sum := sha256.Sum256([]byte(canonical))
		if hex.EncodeToString(sum[:]) != hash {
			t.Errorf("entry %d: sha256(%q) is not the published hash %s", i+1, canonical, hash)
		}
		if prevHash != prev || !strings.HasSuffix(canonical, "|"+prevHash) {
			t.Errorf("entry %d: previous hash %s, want %s", i+1, prevHash, prev)
		}
		prev = hash
	}
	if !strings.Contains(html.UnescapeString(entries[3]), `<span class="amount in">+980.00</span>`) || !strings.Contains(entries[2], `<span class="amount out">−980.00</span>`) {
		t.Errorf("the repair and its correction: want −980.00 and +980.00:\n%s\n%s", entries[2], entries[3])
	}
	if !strings.Contains(entries[3], `重复录入 \| 冲销`) {
		t.Errorf("the correction's canonical form does not escape its |:\n%s", entries[3])
	}

	_, body, _ = get(t, srv, "/public/?ledger=current&lang=en")
	for _, s := range []string{"<strong>December (so far)</strong>", `href="/public/?lang=en#ledger"`, "Opening balance</dt><dd>58723.50",
		"Closing balance</dt><dd>58073.50", "Spending · Training", "−650.00", head, "How to verify"} {
		if !strings.Contains(body, s) {
			t.Errorf("?ledger=current&lang=en: no %q\n%s", s, section(body))
		}
	}
}

// section is the page's ledger section, for a failure's message.
func section(body string) string {
	if i := strings.Index(body, `<section id="ledger">`); i >= 0 {
		return body[i:]
	}
	return body
}
