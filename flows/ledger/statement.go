package ledger

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/alleybot/alleybot/assessment"
	"github.com/alleybot/alleybot/evaluation"
	"github.com/alleybot/alleybot/i18n"
	book "github.com/alleybot/alleybot/ledger"
	"github.com/alleybot/alleybot/store"
)

// Largest is how many of a month's largest entries a statement lists.
const Largest = 10

// Line is what one category of a kind came to in a month: corrections
// dated in the month taken off.
type Line struct {
	Kind     book.Kind
	Category book.Category
	Fen      int64
	Entries  int
}

// Statement is a month's public statement of the fund (seed 六: 资金使用
// 情况定期公示, for residents to supervise), of the whole district: the
// balance before the month, income by source and spending by use (every
// category, zero ones too), the month's largest entries and the balance
// after it. Closing is Opening + Income − Spending.
type Statement struct {
	Month             assessment.Period
	Opening, Closing  int64
	Income, Spending  int64
	Lines             []Line              // income's categories, then spending's, in book.Categories' order
	Largest           []store.LedgerEntry // at most Largest: neither corrections nor corrected, largest amount first
	Entries           int                 // the month's entries, corrections included
	EverBeforeClosing bool                // some entry is dated before the month's end
}

// ComputeStatement reads month's statement from the ledger. A month that
// has not ended by now (in loc) is refused with the reason.
func ComputeStatement(ctx context.Context, q *store.Queries, month assessment.Period, now time.Time, loc *time.Location) (Statement, error) {
	if month.Kind != assessment.Month {
		return Statement{}, fmt.Errorf("a statement is of a month (2026-11), not %s", month)
	}
	if err := month.CheckEnded(now, loc); err != nil {
		return Statement{}, err
	}
	from := time.Date(month.Year, time.Month(month.Index), 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 1, 0)
	s := Statement{Month: month}
	var err error
	if s.Opening, err = q.LedgerBalance(ctx, from); err != nil {
		return s, err
	}
	if s.Closing, err = q.LedgerBalance(ctx, to); err != nil {
		return s, err
	}
	totals, err := q.LedgerTotals(ctx, from, to)
	if err != nil {
		return s, err
	}
	for _, k := range book.Kinds {
		for _, c := range book.Categories[k] {
			l := Line{Kind: k, Category: c}
			for _, x := range totals {
				if x.Kind == string(k) && x.Category == string(c) {
					l.Fen, l.Entries = x.Fen, x.Entries
				}
			}
			if k == book.Income {
				s.Income += l.Fen
			} else {
				s.Spending += l.Fen
			}
			s.Lines = append(s.Lines, l)
		}
	}
	es, err := q.LedgerBetween(ctx, from, to)
	if err != nil {
		return s, err
	}
	s.Entries = len(es)
	for _, e := range es {
		if !e.Corrects.Valid && !e.CorrectedBy.Valid {
			s.Largest = append(s.Largest, e)
		}
	}
	slices.SortStableFunc(s.Largest, func(a, b store.LedgerEntry) int {
		if a.AmountFen != b.AmountFen {
			return int(min(max(b.AmountFen-a.AmountFen, -1), 1))
		}
		return int(a.Seq - b.Seq)
	})
	s.Largest = s.Largest[:min(len(s.Largest), Largest)]
	all, err := q.LedgerEntryCountBefore(ctx, to)
	s.EverBeforeClosing = all > 0
	return s, err
}

// categoryName is a category in lang.
func categoryName(lang i18n.Lang, k book.Kind, c book.Category) string {
	return i18n.T(lang, "ledger.category."+string(k)+"."+string(c))
}

// Text is the statement as posted: the balances, each category with its
// amount in exact yuan, and the largest entries.
func (s Statement) Text(lang i18n.Lang) string {
	m := s.Month.String()
	lines := []string{i18n.T(lang, "ledger.statement.head", "month", m),
		i18n.T(lang, "ledger.statement.opening", "amount", book.Yuan(s.Opening))}
	for _, k := range book.Kinds {
		total := s.Income
		if k == book.Spending {
			total = s.Spending
		}
		lines = append(lines, i18n.T(lang, "ledger.statement.kind."+string(k), "amount", book.Yuan(total)))
		for _, l := range s.Lines {
			if l.Kind == k {
				lines = append(lines, i18n.T(lang, "ledger.statement.row", "category", categoryName(lang, k, l.Category),
					"amount", book.Yuan(l.Fen), "n", l.Entries))
			}
		}
	}
	lines = append(lines, i18n.T(lang, "ledger.statement.closing", "amount", book.Yuan(s.Closing)))
	if len(s.Largest) > 0 {
		lines = append(lines, i18n.T(lang, "ledger.statement.largest", "n", len(s.Largest)))
	}
	for i, e := range s.Largest {
		where := e.CommunityName
		if where == "" {
			where = i18n.T(lang, "ledger.statement.district")
		}
		lines = append(lines, i18n.T(lang, "ledger.statement.item", "i", i+1, "date", e.Date.Format(book.DateLayout),
			"kind", i18n.T(lang, "ledger.statement.kind_word."+e.Kind), "category", categoryName(lang, book.Kind(e.Kind), book.Category(e.Category)),
			"amount", book.Yuan(e.AmountFen), "counterparty", e.Counterparty, "purpose", e.Purpose, "community", where))
	}
	lines = append(lines, i18n.T(lang, "ledger.statement.foot", "n", s.Entries))
	return strings.Join(lines, "\n")
}

// ChartName is the statement chart's file name, without .png.
func (s Statement) ChartName() string { return "ledger-statement-" + s.Month.String() }

// ChartTitle is the chart's title in lang.
func (s Statement) ChartTitle(lang i18n.Lang) string {
	return i18n.T(lang, "ledger.statement.chart", "month", s.Month.String())
}

// Chart draws income by source and spending by use as horizontal bars in
// yuan, each labelled with its kind and category in lang, its exact
// amount at the bar's end, income blue and spending orange.
func (s Statement) Chart(f *evaluation.Font, lang i18n.Lang) ([]byte, error) {
	var bars []evaluation.Bar
	group := map[book.Kind]int{book.Income: 0, book.Spending: 2} // blue and orange
	for _, l := range s.Lines {
		bars = append(bars, evaluation.Bar{
			Label: i18n.T(lang, "ledger.statement.kind_word."+string(l.Kind)) + " · " + categoryName(lang, l.Kind, l.Category),
			Value: float64(max(l.Fen, 0)) / 100, Text: book.Yuan(l.Fen), Group: group[l.Kind]})
	}
	return f.BarChart(s.ChartTitle(lang), i18n.T(lang, "ledger.statement.axis"), bars)
}
