// Package ledger owns the fund ledger's rules (seed 六): the kinds and
// categories of an entry, amounts in fen read exactly from what people
// type, each entry's canonical form and its hash, and the verification of
// the hash chain over the entries in order. It does no I/O: store/ledger.go
// keeps the rows, flows/ledger and cmd/alleybot read and show them.
package ledger

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Kind is income or spending.
type Kind string

// The kinds of entry.
const (
	Income   Kind = "income"
	Spending Kind = "spending"
)

// Kinds lists the kinds, in the order people see them.
var Kinds = []Kind{Income, Spending}

// Category is an income's source or a spending's use.
type Category string

// Income sources (六: government allocation, donations, the community's own).
const (
	Government Category = "government" // 政府财政拨款
	Donation   Category = "donation"   // 社会捐赠
	Community  Category = "community"  // 社区自筹
	Other      Category = "other"      // 其他 (either kind)
)

// Spending uses (六: training, allowances, equipment, the alleys' environment
// and facilities).
const (
	Training    Category = "training"    // 培训
	Allowance   Category = "allowance"   // 工作补贴
	Equipment   Category = "equipment"   // 装备购置
	Environment Category = "environment" // 环境整治
	Maintenance Category = "maintenance" // 设施维护
)

// Categories are each kind's categories, in the order people see them.
var Categories = map[Kind][]Category{
	Income:   {Government, Donation, Community, Other},
	Spending: {Training, Allowance, Equipment, Environment, Maintenance, Other},
}

// ParseKind reads a kind's code.
func ParseKind(s string) (Kind, error) {
	k := Kind(strings.TrimSpace(s))
	if !slices.Contains(Kinds, k) {
		return "", fmt.Errorf("kind %q is not income or spending", s)
	}
	return k, nil
}

// ParseCategory reads a category's code, one of kind's.
func ParseCategory(kind Kind, s string) (Category, error) {
	c := Category(strings.TrimSpace(s))
	if !slices.Contains(Categories[kind], c) {
		names := make([]string, len(Categories[kind]))
		for i, c := range Categories[kind] {
			names[i] = string(c)
		}
		return "", fmt.Errorf("category %q is not one of %s's: %s", s, kind, strings.Join(names, ", "))
	}
	return c, nil
}

// DateLayout is how an entry's date is written, in its canonical form too.
const DateLayout = "2006-01-02"

// Genesis is the prev_hash of the first entry.
var Genesis = strings.Repeat("0", 64)

// Entry is one row of the ledger as its hash sees it. An entry that
// corrects another (Corrects, the other's Seq) reverses it: it has the
// other's kind, category and amount, and counts against them.
type Entry struct {
	Seq          int64
	Date         time.Time // the day only (DateLayout)
	Kind         Kind
	Category     Category
	AmountFen    int64    // > 0
	Community    string   // the community's code; "" for the whole district
	Counterparty string   // who paid or was paid
	Purpose      string   // what for (a correction: why)
	Corrects     int64    // the Seq of the entry this one reverses; 0 for none
	EnteredBy    string   // the roster code of who entered it
	Photos       []string // the voucher photos (PhotoToken), in order
	PrevHash     string   // the previous entry's Hash; Genesis for the first
	Hash         string   // the hash of Canonical (Sum)
}

// Signed is what the entry adds to the balance, in fen: an income adds,
// a spending takes away, a correction undoes what it corrects.
func (e Entry) Signed() int64 {
	v := e.AmountFen
	if e.Kind == Spending {
		v = -v
	}
	if e.Corrects != 0 {
		v = -v
	}
	return v
}

// Canonical is the text whose SHA-256 is the entry's hash: the fields in
// this fixed order, separated by "|",
//
//	seq|date|kind|category|amount_fen|community_code|counterparty|purpose|corrects|entered_by_code|photo_hashes|prev_hash
//
// seq, amount_fen and corrects in decimal (corrects 0 for none), date as
// 2006-01-02, community_code empty for the whole district, photo_hashes
// the voucher photos' tokens joined by ","; in each text field "\" is
// written "\\", "|" is "\|", a line break "\n" and a carriage return "\r",
// so no field's text can pass for another's.
func (e Entry) Canonical() string {
	fields := []string{
		strconv.FormatInt(e.Seq, 10),
		e.Date.Format(DateLayout),
		string(e.Kind),
		string(e.Category),
		strconv.FormatInt(e.AmountFen, 10),
		escape(e.Community),
		escape(e.Counterparty),
		escape(e.Purpose),
		strconv.FormatInt(e.Corrects, 10),
		escape(e.EnteredBy),
		escape(strings.Join(e.Photos, ",")),
		e.PrevHash,
	}
	return strings.Join(fields, "|")
}

var escaper = strings.NewReplacer(`\`, `\\`, `|`, `\|`, "\n", `\n`, "\r", `\r`)

func escape(s string) string { return escaper.Replace(s) }

// Sum is the hex SHA-256 of the entry's canonical form.
func (e Entry) Sum() string {
	h := sha256.Sum256([]byte(e.Canonical()))
	return hex.EncodeToString(h[:])
}

// Chain sets e's Seq, PrevHash and Hash to follow prev (nil: e is the
// first entry).
func (e *Entry) Chain(prev *Entry) {
	e.Seq, e.PrevHash = 1, Genesis
	if prev != nil {
		e.Seq, e.PrevHash = prev.Seq+1, prev.Hash
	}
	e.Hash = e.Sum()
}

// PhotoToken names a voucher photo in the canonical form: the hex SHA-256
// of its bytes when they are stored, else its platform reference
// ("ref:telegram:<file id>") when the bytes never came.
func PhotoToken(sha []byte, platform, fileRef string) string {
	if len(sha) > 0 {
		return hex.EncodeToString(sha)
	}
	return "ref:" + platform + ":" + fileRef
}
