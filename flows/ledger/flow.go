package ledger

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/i18n"
	book "github.com/alleybot/alleybot/ledger"
	"github.com/alleybot/alleybot/store"
)

// Draft is the /ledger flow's state.
type Draft struct {
	Kind         book.Kind     `json:"kind,omitempty"`
	Category     book.Category `json:"category,omitempty"`
	AmountFen    int64         `json:"amount_fen,omitempty"`
	Date         string        `json:"date,omitempty"` // book.DateLayout
	Counterparty string        `json:"counterparty,omitempty"`
	Purpose      string        `json:"purpose,omitempty"`
	CommunityID  int64         `json:"community_id,omitempty"` // 0: the whole district
	PhotoIDs     []int64       `json:"photo_ids,omitempty"`
}

func draft(t *conversations.Turn) *Draft { return t.Data.(*Draft) }

// Domain is the ledger's flow: /ledger, a treasurer's entry step by step.
func Domain() conversations.Domain {
	return conversations.Domain{Name: "ledger", Flows: []*conversations.Flow{
		{Name: "ledger", Title: "flow.ledger", NewData: func() any { return &Draft{} }, Steps: []conversations.Step{
			{Name: "kind", Accepts: conversations.Choice, Prompt: promptKind, Handle: handleKind, Hint: "flow.hint.choice"},
			{Name: "category", Accepts: conversations.Choice, Prompt: promptCategory, Handle: handleCategory, Hint: "flow.hint.choice"},
			{Name: "amount", Accepts: conversations.Text, Prompt: conversations.SimpleKey("ledger.ask.amount"), Handle: handleAmount},
			{Name: "date", Accepts: conversations.Text | conversations.Choice, Prompt: promptDate, Handle: handleDate},
			conversations.TextStep("counterparty", "ledger.ask.counterparty", 1, MaxCounterparty, func(ctx context.Context, t *conversations.Turn, text string) (string, error) {
				draft(t).Counterparty = text
				return "purpose", nil
			}),
			conversations.TextStep("purpose", "ledger.ask.purpose", 2, MaxPurpose, func(ctx context.Context, t *conversations.Turn, text string) (string, error) {
				draft(t).Purpose = text
				return "community", nil
			}),
			{Name: "community", Accepts: conversations.Choice, Prompt: promptCommunity, Handle: handleCommunity, Hint: "flow.hint.choice"},
			{Name: "vouchers", Accepts: conversations.Photo | conversations.Choice, Prompt: promptVouchers, Handle: handleVouchers, Hint: "ledger.vouchers.hint"},
			{Name: "confirm", Accepts: conversations.Choice, Prompt: promptConfirm, Handle: handleConfirm, Hint: "flow.hint.choice"},
			{Name: "overdraw", Accepts: conversations.Choice | conversations.Text, Prompt: promptOverdraw, Handle: handleOverdraw},
		}},
	}}
}

func promptKind(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	p := conversations.Prompt{Text: t.T("ledger.ask.kind")}
	for _, k := range book.Kinds {
		p.Options = append(p.Options, conversations.Option{Label: t.T("ledger.kind." + string(k)), Value: string(k)})
	}
	return p, nil
}

func handleKind(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	k, err := book.ParseKind(in.Choice)
	if err != nil {
		t.Reply(t.T("flow.hint.choice"))
		return conversations.Stay, nil
	}
	d := draft(t)
	if d.Kind != k {
		d.Category = ""
	}
	d.Kind = k
	return "category", nil
}

func promptCategory(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	d := draft(t)
	p := conversations.Prompt{Text: t.T("ledger.ask.category." + string(d.Kind))}
	for _, c := range book.Categories[d.Kind] {
		p.Options = append(p.Options, conversations.Option{Label: CategoryName(t, d.Kind, c), Value: string(c)})
	}
	return p, nil
}

// CategoryName is a category as people read it: 政府财政拨款, 设施维护.
func CategoryName(t *conversations.Turn, k book.Kind, c book.Category) string {
	return t.T("ledger.category." + string(k) + "." + string(c))
}

func handleCategory(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	d := draft(t)
	c, err := book.ParseCategory(d.Kind, in.Choice)
	if err != nil {
		t.Reply(t.T("flow.hint.choice"))
		return conversations.Stay, nil
	}
	d.Category = c
	return "amount", nil
}

// amountRefusals are the catalog's reasons for an amount refused.
var amountRefusals = map[error]string{
	book.ErrAmountEmpty:    "ledger.amount.syntax",
	book.ErrAmountSyntax:   "ledger.amount.syntax",
	book.ErrAmountNegative: "ledger.amount.negative",
	book.ErrAmountZero:     "ledger.amount.zero",
	book.ErrAmountDecimals: "ledger.amount.decimals",
	book.ErrAmountTooLarge: "ledger.amount.too_large",
}

// AmountRefusal is the catalog key saying why ParseAmount refused.
func AmountRefusal(err error) string {
	for e, key := range amountRefusals {
		if errors.Is(err, e) {
			return key
		}
	}
	return "ledger.amount.syntax"
}

func handleAmount(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	fen, err := book.ParseAmount(in.Text)
	if err != nil {
		t.Reply(t.T(AmountRefusal(err), "amount", strings.TrimSpace(in.Text)))
		return conversations.Stay, nil
	}
	draft(t).AmountFen = fen
	return "date", nil
}

func (t0 *Draft) today(t *conversations.Turn) string {
	return t.Deps.Now().In(t.Deps.Location).Format(book.DateLayout)
}

func promptDate(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	today := draft(t).today(t)
	return conversations.Prompt{Text: t.T("ledger.ask.date"),
		Options: []conversations.Option{{Label: t.T("button.ledger.today", "date", today), Value: "today"}}}, nil
}

func handleDate(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	d := draft(t)
	today := d.today(t)
	if in.Kind == conversations.Choice {
		if in.Choice != "today" {
			t.Reply(t.T("flow.hint.choice"))
			return conversations.Stay, nil
		}
		d.Date = today
		return "counterparty", nil
	}
	day, ok := conversations.ParseDay(in.Text, t.Deps.Now(), t.Deps.Location)
	if !ok {
		t.Reply(t.T("ledger.date.unreadable", "text", strings.TrimSpace(in.Text)))
		return conversations.Stay, nil
	}
	date := day.In(t.Deps.Location).Format(book.DateLayout)
	if date > today { // entries record what happened
		t.Reply(t.T("ledger.date.future", "date", date))
		return conversations.Stay, nil
	}
	d.Date = date
	return "counterparty", nil
}

func promptCommunity(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	cs, err := t.Tx.Communities(ctx)
	if err != nil {
		return conversations.Prompt{}, err
	}
	p := conversations.Prompt{Text: t.T("ledger.ask.community")}
	for _, c := range cs {
		p.Options = append(p.Options, conversations.Option{Label: c.Name, Value: strconv.FormatInt(c.ID, 10)})
	}
	p.Options = append(p.Options, conversations.Option{Label: t.T("button.ledger.district"), Value: "0"})
	return p, nil
}

func handleCommunity(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	id, err := strconv.ParseInt(in.Choice, 10, 64)
	if err != nil {
		t.Reply(t.T("flow.hint.choice"))
		return conversations.Stay, nil
	}
	if id != 0 {
		if _, err := community(ctx, t, id); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				t.Reply(t.T("flow.hint.choice"))
				return conversations.Stay, nil
			}
			return "", err
		}
	}
	draft(t).CommunityID = id
	return "vouchers", nil
}

// community is the community with id (ErrNotFound when there is none).
func community(ctx context.Context, t *conversations.Turn, id int64) (store.Community, error) {
	cs, err := t.Tx.Communities(ctx)
	if err != nil {
		return store.Community{}, err
	}
	for _, c := range cs {
		if c.ID == id {
			return c, nil
		}
	}
	return store.Community{}, store.ErrNotFound
}

func promptVouchers(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	d := draft(t)
	n := len(d.PhotoIDs)
	if n > 0 {
		return conversations.MorePhotos(t, n), nil
	}
	if d.Kind == book.Spending {
		return conversations.Prompt{Text: t.T("ledger.ask.vouchers.spending", "max", conversations.MaxPhotos)}, nil
	}
	return conversations.Prompt{Text: t.T("ledger.ask.vouchers.income", "max", conversations.MaxPhotos),
		Options: []conversations.Option{{Label: t.T("button.ledger.no_voucher"), Value: "done"}}}, nil
}

func handleVouchers(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	d := draft(t)
	if in.Kind == conversations.Choice {
		if len(d.PhotoIDs) == 0 && d.Kind == book.Spending {
			t.Reply(t.T("ledger.vouchers.need_one"))
			return conversations.Stay, nil
		}
		return "confirm", nil
	}
	if _, err := t.AddPhoto(ctx, &d.PhotoIDs, conversations.MaxPhotos, in.Photo); err != nil {
		return "", err
	}
	return conversations.Stay, nil
}

// summary is the draft as the treasurer checks it.
func (t0 *Draft) summary(ctx context.Context, t *conversations.Turn) (string, error) {
	where := t.T("button.ledger.district")
	if t0.CommunityID != 0 {
		c, err := community(ctx, t, t0.CommunityID)
		if err != nil {
			return "", err
		}
		where = c.Name
	}
	return t.T("ledger.summary", "kind", t.T("ledger.kind."+string(t0.Kind)), "category", CategoryName(t, t0.Kind, t0.Category),
		"amount", book.FormatFen(t0.AmountFen), "date", t0.Date, "counterparty", t0.Counterparty, "purpose", t0.Purpose,
		"community", where, "n", len(t0.PhotoIDs)), nil
}

func promptConfirm(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	text, err := draft(t).summary(ctx, t)
	return conversations.Prompt{Text: text, Options: []conversations.Option{
		{Label: t.T("button.ledger.store"), Value: "store"}, {Label: t.T("button.cancel"), Value: "cancel"}}}, err
}

func handleConfirm(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	switch in.Choice {
	case "cancel":
		t.Reply(t.T("ledger.cancelled"))
		return conversations.Done, nil
	case "store":
	default:
		t.Reply(t.T("flow.hint.choice"))
		return conversations.Stay, nil
	}
	d := draft(t)
	if d.Kind == book.Spending {
		bal, err := t.Tx.LedgerBalance(ctx, time.Time{})
		if err != nil {
			return "", err
		}
		if d.AmountFen > bal {
			return "overdraw", nil
		}
	}
	return d.store(ctx, t)
}

func promptOverdraw(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	bal, err := t.Tx.LedgerBalance(ctx, time.Time{})
	return conversations.Prompt{Text: t.T("ledger.overdraw", "amount", book.FormatFen(draft(t).AmountFen), "balance", book.FormatFen(bal)),
		Options: []conversations.Option{{Label: t.T("button.ledger.overdraw"), Value: "yes"}, {Label: t.T("button.cancel"), Value: "cancel"}}}, err
}

// handleOverdraw stores a spending beyond the balance only on an explicit
// 确认 (the button, or the word typed).
func handleOverdraw(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	switch {
	case in.Choice == "cancel":
		t.Reply(t.T("ledger.cancelled"))
		return conversations.Done, nil
	case in.Choice == "yes", confirmed(in.Text):
		return draft(t).store(ctx, t)
	}
	t.Reply(t.T("ledger.overdraw.hint"))
	return conversations.Stay, nil
}

// confirmed reports whether text is the word 确认 (or "confirm").
func confirmed(text string) bool {
	text = strings.ToLower(strings.Trim(strings.TrimSpace(text), "。.!！"))
	return text == i18n.T(i18n.ZH, "ledger.overdraw.word") || text == i18n.T(i18n.EN, "ledger.overdraw.word")
}

// store adds the entry; a voucher still being downloaded is waited for
// (its hash goes into the entry's).
func (t0 *Draft) store(ctx context.Context, t *conversations.Turn) (string, error) {
	if t.Deps.Photos != nil {
		ps, err := t.Tx.PhotosByIDs(ctx, t0.PhotoIDs)
		if err != nil {
			return "", err
		}
		for _, p := range ps {
			if len(p.SHA256) == 0 && p.FetchError == "" {
				t.Reply(t.T("ledger.vouchers.pending"))
				return conversations.Stay, nil
			}
		}
	}
	date, _ := time.Parse(book.DateLayout, t0.Date)
	n := New{Date: date, Kind: t0.Kind, Category: t0.Category, AmountFen: t0.AmountFen, Counterparty: t0.Counterparty,
		Purpose: t0.Purpose, By: t.Person, PhotoIDs: t0.PhotoIDs}
	if t0.CommunityID != 0 {
		c, err := community(ctx, t, t0.CommunityID)
		if err != nil {
			return "", err
		}
		n.Community = &c
	}
	e, err := Add(ctx, t.Tx, n, t.Deps.Now(), t.Deps.Location)
	var r *Refusal
	if errors.As(err, &r) {
		t.Reply(r.In(t.Lang))
		return conversations.Done, nil
	}
	if err != nil {
		return "", err
	}
	bal, err := t.Tx.LedgerBalance(ctx, time.Time{})
	if err != nil {
		return "", err
	}
	t.Reply(t.T("ledger.stored", "seq", e.Seq, "hash", e.Hash[:12], "balance", book.FormatFen(bal)))
	return conversations.Done, nil
}
