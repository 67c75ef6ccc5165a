package ledger

import (
	"context"
	"strings"
	"time"

	"github.com/alleybot/alleybot/conversations"
	book "github.com/alleybot/alleybot/ledger"
)

// Balance says this month's ledger: the opening balance, income and
// spending by category, and the balance now.
func Balance(ctx context.Context, t *conversations.Turn) error {
	now := t.Deps.Now().In(t.Deps.Location)
	from := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 1, 0)
	opening, err := t.Tx.LedgerBalance(ctx, from)
	if err != nil {
		return err
	}
	totals, err := t.Tx.LedgerTotals(ctx, from, to)
	if err != nil {
		return err
	}
	closing, err := t.Tx.LedgerBalance(ctx, time.Time{})
	if err != nil {
		return err
	}
	lines := []string{t.T("ledger.balance.head", "month", from.Format("2006-01"), "opening", book.FormatFen(opening))}
	for _, k := range book.Kinds {
		var sum int64
		var rows []string
		for _, c := range book.Categories[k] {
			for _, x := range totals {
				if x.Kind == string(k) && x.Category == string(c) {
					sum += x.Fen
					rows = append(rows, t.T("ledger.balance.row", "category", CategoryName(t, k, c), "amount", book.FormatFen(x.Fen), "n", x.Entries))
				}
			}
		}
		lines = append(lines, t.T("ledger.balance.kind."+string(k), "amount", book.FormatFen(sum)))
		lines = append(lines, rows...)
	}
	lines = append(lines, t.T("ledger.balance.now", "balance", book.FormatFen(closing)))
	t.Reply(strings.Join(lines, "\n"))
	return nil
}

// Command is /ledger: with the word balance (结余) this month's balance,
// else the entry flow, privately.
func Command(ctx context.Context, e *conversations.Engine, t *conversations.Turn) error {
	switch strings.ToLower(strings.TrimSpace(t.Args)) {
	case "balance", "结余", "余额":
		return Balance(ctx, t)
	case "":
		return e.StartPrivately(ctx, t, e.Flow("ledger"), &Draft{})
	}
	t.Reply(t.T("ledger.usage"))
	return nil
}
