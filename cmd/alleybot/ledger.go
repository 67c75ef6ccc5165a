package main

import (
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/alleybot/alleybot/flows/ledger"
	"github.com/alleybot/alleybot/i18n"
	book "github.com/alleybot/alleybot/ledger"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// ledgerCommands are `alleybot ledger SUBCOMMAND`'s, each with its own
// flags and --help.
func ledgerCommands() map[string]command {
	return map[string]command{
		"add": {summary: "append one entry to the fund ledger; --corrects N appends the entry reversing entry N (its kind, category, " +
			"amount and community are taken from it); --by is a treasurer or an admin",
			run: cmdLedgerAdd, flags: ledgerAddFlags},
		"import": {summary: "append every row of a CSV file (header exactly " + strings.Join(ledgerCSVHeader, ",") +
			"), all rows or none: every bad row is reported with its line and reason; --by is a treasurer or an admin",
			args: "FILE.csv", run: cmdLedgerImport, flags: func(fs *flag.FlagSet) {
				fs.String("by", "", "who enters it: a roster CODE or NAME (a treasurer or an admin)")
			}},
		"verify": {summary: "walk the hash chain: print \"ok N entries, head HASH\", or name the first entry changed, deleted or inserted out of order and exit 1",
			run: cmdLedgerVerify},
		"list": {summary: "list a month's entries (default this month) with their hashes, and the month's totals",
			run: cmdLedgerList, flags: func(fs *flag.FlagSet) { fs.String("month", "", "the month, like 2026-11 (default: this month)") }},
		"statement": {summary: "print an ended month's public statement (opening and closing balance, income by source, spending by use, " +
			"the ten largest entries, in exact yuan); --out DIR also writes its chart, DIR/ledger-statement-MONTH.png (font: reports.font)",
			run: cmdLedgerStatement, flags: func(fs *flag.FlagSet) {
				fs.String("month", "", "the month, like 2026-11 (required; it must have ended)")
				fs.String("out", "", "a directory to write the chart's PNG in (default: no chart)")
			}},
	}
}

func cmdLedger(e *env, fs *flag.FlagSet, common *commonFlags) error {
	return usageError{"ledger takes a subcommand: add, import, verify, list or statement (alleybot ledger add --help)"}
}

func ledgerAddFlags(fs *flag.FlagSet) {
	fs.String("kind", "", "income or spending")
	fs.String("category", "", "income: government, donation, community, other; spending: training, allowance, equipment, environment, maintenance, other")
	fs.String("amount", "", "in yuan, at most two decimals: 1234.50")
	fs.String("date", "", "the day, 2026-11-03 (default: today)")
	fs.String("counterparty", "", "who paid, or who was paid")
	fs.String("purpose", "", "what for (a correction: why)")
	fs.String("community", "", "a community's roster code (default: the whole district)")
	fs.String("by", "", "who enters it: a roster CODE or NAME (a treasurer or an admin)")
	fs.Int64("corrects", 0, "the number of the entry this one reverses")
}

// ledgerBy is the person entering: a treasurer or an admin.
func ledgerBy(e *env, st *store.Store, nameOrCode string) (store.Person, error) {
	if nameOrCode == "" {
		return store.Person{}, usageError{"--by is required: who enters the ledger (a treasurer or an admin)"}
	}
	p, err := rosterPerson(e.ctx, st, nameOrCode)
	if err != nil {
		return p, err
	}
	if !hasRole(e.ctx, st, p.ID, model.RoleTreasurer) && !hasRole(e.ctx, st, p.ID, model.RoleAdmin) {
		return p, fmt.Errorf("refused: %s (%s) is not a treasurer or an admin", p.Name, p.Code)
	}
	return p, nil
}

func cmdLedgerAdd(e *env, fs *flag.FlagSet, common *commonFlags) error {
	if fs.NArg() != 0 {
		return usageError{"ledger add takes flags only"}
	}
	get := func(name string) string { return fs.Lookup(name).Value.String() }
	corrects, _ := strconv.ParseInt(get("corrects"), 10, 64)
	cfg, st, err := setup(e, common, true)
	if err != nil {
		return err
	}
	defer st.Close()
	by, err := ledgerBy(e, st, get("by"))
	if err != nil {
		return err
	}
	communities, err := communityCodes(e, st)
	if err != nil {
		return err
	}
	today := time.Now().In(cfg.Location()).Format(book.DateLayout)
	n, err := ledgerRow(map[string]string{"date": orDefault(get("date"), today), "kind": get("kind"), "category": get("category"),
		"amount": get("amount"), "counterparty": get("counterparty"), "purpose": get("purpose"), "community": get("community")},
		communities, corrects != 0)
	if err != nil {
		return usageError{err.Error()}
	}
	n.Corrects, n.By = corrects, by
	var added store.LedgerEntry
	err = st.InTx(e.ctx, func(tx *store.Tx) error {
		added, err = ledger.Add(e.ctx, tx, n, time.Now(), cfg.Location())
		return err
	})
	if err != nil {
		return fmt.Errorf("refused: %w", err)
	}
	fmt.Fprintf(e.stdout, "added entry %d: %s %s %s, hash %s\n", added.Seq, added.Kind, added.Category, book.FormatFen(added.AmountFen), added.Hash)
	return nil
}

// ledgerCSVHeader is the import file's header, exactly.
var ledgerCSVHeader = []string{"date", "kind", "category", "amount", "counterparty", "purpose", "community"}

func communityCodes(e *env, st *store.Store) (map[string]store.Community, error) {
	cs, err := st.Communities(e.ctx)
	out := map[string]store.Community{}
	for _, c := range cs {
		out[c.Code] = c
	}
	return out, err
}

// ledgerRow reads an entry's fields as typed (a CSV row, the add
// command's flags). A correction may leave kind, category and amount
// empty: they come from the entry it reverses.
func ledgerRow(f map[string]string, communities map[string]store.Community, correction bool) (ledger.New, error) {
	var n ledger.New
	d, err := time.Parse(book.DateLayout, strings.TrimSpace(f["date"]))
	if err != nil {
		return n, fmt.Errorf("date %q is not a day like 2026-11-03", f["date"])
	}
	n.Date, n.Counterparty, n.Purpose = d, f["counterparty"], f["purpose"]
	if c := strings.TrimSpace(f["community"]); c != "" {
		com, ok := communities[c]
		if !ok {
			return n, fmt.Errorf("community %q is not a community code of the roster (empty: the whole district)", c)
		}
		n.Community = &com
	}
	// A correction takes what it leaves empty from the entry it reverses.
	if f["kind"] != "" || !correction {
		if n.Kind, err = book.ParseKind(f["kind"]); err != nil {
			return n, err
		}
	}
	if f["category"] != "" || !correction {
		if n.Category, err = book.ParseCategory(n.Kind, f["category"]); err != nil {
			return n, err
		}
	}
	if f["amount"] != "" || !correction {
		if n.AmountFen, err = book.ParseAmount(f["amount"]); err != nil {
			return n, fmt.Errorf("amount %q: %w", f["amount"], err)
		}
	}
	return n, nil
}

// ledgerRows reads the import file: the header exactly, then rows; the
// bad ones are reported with their line and reason.
func ledgerRows(r io.Reader, communities map[string]store.Community) ([]ledger.New, []int, []string) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // counted here, to say which line
	head, err := cr.Read()
	if err != nil {
		return nil, nil, []string{fmt.Sprintf("line 1: %v", err)}
	}
	head[0] = strings.TrimPrefix(head[0], "\ufeff") // a spreadsheet's byte order mark
	if strings.Join(head, ",") != strings.Join(ledgerCSVHeader, ",") {
		return nil, nil, []string{fmt.Sprintf("line 1: the header is %q; it must be exactly %q", strings.Join(head, ","), strings.Join(ledgerCSVHeader, ","))}
	}
	var rows []ledger.New
	var lines []int
	var bad []string
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			return nil, nil, append(bad, err.Error())
		}
		if len(rec) != len(ledgerCSVHeader) {
			bad = append(bad, fmt.Sprintf("line %d: %d fields, want %d (%s)", line, len(rec), len(ledgerCSVHeader), strings.Join(ledgerCSVHeader, ",")))
			continue
		}
		f := map[string]string{}
		for i, h := range ledgerCSVHeader {
			f[h] = rec[i]
		}
		n, err := ledgerRow(f, communities, false)
		if err != nil {
			bad = append(bad, fmt.Sprintf("line %d: %v", line, err))
			continue
		}
		rows, lines = append(rows, n), append(lines, line)
	}
	if len(rows) == 0 && len(bad) == 0 {
		bad = append(bad, "the file has no rows")
	}
	return rows, lines, bad
}

func cmdLedgerImport(e *env, fs *flag.FlagSet, common *commonFlags) error {
	if fs.NArg() != 1 {
		return usageError{"ledger import needs exactly one FILE.csv"}
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	cfg, st, err := setup(e, common, true)
	if err != nil {
		return err
	}
	defer st.Close()
	by, err := ledgerBy(e, st, fs.Lookup("by").Value.String())
	if err != nil {
		return err
	}
	communities, err := communityCodes(e, st)
	if err != nil {
		return err
	}
	rows, lines, bad := ledgerRows(f, communities)
	var first, last int64
	err = st.InTx(e.ctx, func(tx *store.Tx) error {
		for i, n := range rows {
			n.By = by
			added, err := ledger.Add(e.ctx, tx, n, time.Now(), cfg.Location())
			var r *ledger.Refusal
			if errors.As(err, &r) {
				bad = append(bad, fmt.Sprintf("line %d: %s", lines[i], r.In(i18n.EN)))
				continue
			}
			if err != nil {
				return err
			}
			if first == 0 {
				first = added.Seq
			}
			last = added.Seq
		}
		if len(bad) > 0 {
			return fmt.Errorf("%s: %d bad row(s), nothing imported:\n  %s", fs.Arg(0), len(bad), strings.Join(bad, "\n  "))
		}
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "imported %s: %d entries (%d to %d)\n", fs.Arg(0), len(rows), first, last)
	return nil
}

func cmdLedgerVerify(e *env, fs *flag.FlagSet, common *commonFlags) error {
	if fs.NArg() != 0 {
		return usageError{"ledger verify takes no arguments"}
	}
	_, st, err := setup(e, common, true)
	if err != nil {
		return err
	}
	defer st.Close()
	n, head, err := ledger.Verify(e.ctx, &st.Queries)
	if err != nil {
		return fmt.Errorf("the chain is broken after %d good entries: %w", n, err)
	}
	fmt.Fprintf(e.stdout, "ok %d entries, head %s\n", n, head)
	return nil
}

func cmdLedgerList(e *env, fs *flag.FlagSet, common *commonFlags) error {
	if fs.NArg() != 0 {
		return usageError{"ledger list takes no arguments (--month 2026-11)"}
	}
	cfg, st, err := setup(e, common, true)
	if err != nil {
		return err
	}
	defer st.Close()
	month := fs.Lookup("month").Value.String()
	if month == "" {
		month = time.Now().In(cfg.Location()).Format("2006-01")
	}
	from, err := time.Parse("2006-01", month)
	if err != nil {
		return usageError{fmt.Sprintf("--month %q is not a month like 2026-11", month)}
	}
	to := from.AddDate(0, 1, 0)
	es, err := st.LedgerBetween(e.ctx, from, to)
	if err != nil {
		return err
	}
	opening, err := st.LedgerBalance(e.ctx, from)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "seq\tdate\tkind\tcategory\tamount\tcommunity\tcounterparty\tpurpose\tcorrects\tby\tvouchers\thash")
	balance := opening
	for _, x := range es {
		corrects := ""
		if x.Corrects.Valid {
			corrects = strconv.FormatInt(x.Corrects.Int64, 10)
		}
		balance += ledger.Entry(x).Signed()
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", x.Seq, x.Date.Format(book.DateLayout), x.Kind, x.Category,
			book.FormatFen(x.AmountFen), orDefault(x.CommunityCode, "-"), x.Counterparty, x.Purpose, orDefault(corrects, "-"),
			x.EnteredByCode, len(x.PhotoHashes), x.Hash[:16])
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s: %d entries; opening balance %s, closing balance %s (yuan)\n", month, len(es),
		book.FormatFen(opening), book.FormatFen(balance))
	return nil
}
