// Package allowance owns the stewards' monthly allowance (工作补贴, seed
// 六(二)1): when the scheduler stores a month's scorecards, Propose
// computes each steward's allowance from the card's counts by the
// config's rule (assessment.Allowance, in fen) and lists each community's
// to the coordinators with the button family "al" (确认补贴); a
// coordinator's press confirms the community's proposals for the month,
// once, recording who and when, and in the same transaction enters each
// confirmed steward's allowance in the fund ledger as a spending (pay).
// `alleybot report allowance` exports them.
package allowance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/alleybot/alleybot/assessment"
	"github.com/alleybot/alleybot/audience"
	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/flows/ledger"
	"github.com/alleybot/alleybot/i18n"
	book "github.com/alleybot/alleybot/ledger"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// Prefix is the allowance buttons' family: "al:confirm:<community>:<month>"
// (community 0: the stewards with none).
const Prefix = "al"

// Actions are the family's actions.
var Actions = []string{"confirm"}

// Domain is the allowance's button family; it has no flows.
func Domain() conversations.Domain {
	return conversations.Domain{Name: "allowance", Buttons: []conversations.ButtonFamily{{
		Prefix: Prefix, Actions: Actions, Parse: parse, Shared: true, Act: Act,
		Label: func(lang i18n.Lang, action string) string { return i18n.T(lang, "button.allowance."+action) },
	}}}
}

// parse reads "al:confirm:<community>:<month>".
func parse(data string) (conversations.Pressed, bool) {
	parts := strings.Split(data, ":")
	if len(parts) != 4 || parts[0] != Prefix || parts[1] != "confirm" {
		return conversations.Pressed{}, false
	}
	id, err := strconv.ParseInt(parts[2], 10, 64)
	p, perr := assessment.Parse(parts[3])
	if err != nil || id < 0 || perr != nil || p.Kind != assessment.Month || p.String() != parts[3] {
		return conversations.Pressed{}, false
	}
	return conversations.Pressed{Prefix: Prefix, Action: parts[1], ID: id, Arg: parts[3]}, true
}

// Detail is what a proposal was computed from (allowances.detail): the
// scorecard, its counts, the rule and the lines.
type Detail struct {
	AssessmentID int64                      `json:"assessment_id"`
	Revision     int                        `json:"revision"`
	Counts       assessment.Counts          `json:"counts"`
	Rule         assessment.AllowanceRule   `json:"rule"`
	Lines        []assessment.AllowanceLine `json:"lines"`
}

// DetailOf reads a stored proposal's detail.
func DetailOf(a store.Allowance) (Detail, error) {
	var d Detail
	err := json.Unmarshal(a.Detail, &d)
	return d, err
}

// Propose computes each steward's allowance for a month from its stored
// scorecards (each steward's current revision) by rule, stores those not
// yet proposed, and lists each community's new proposals to the
// coordinators (in lang, the groups' language) with 确认补贴. A rule that
// is off proposes nothing.
func Propose(ctx context.Context, tx *store.Tx, aud audience.Audience, lang i18n.Lang, month assessment.Period,
	rule assessment.AllowanceRule, now time.Time) ([]bot.Message, error) {
	if !rule.On() || month.Kind != assessment.Month {
		return nil, nil
	}
	cards, err := tx.Assessments(ctx, month.String(), nil)
	if err != nil {
		return nil, err
	}
	fresh := map[int64]bool{} // communities with new proposals
	for _, a := range cards {
		d := Detail{AssessmentID: a.ID, Revision: a.Revision, Rule: rule}
		if err := json.Unmarshal(a.Counts, &d.Counts); err != nil {
			return nil, err
		}
		fen, lines := assessment.Allowance(d.Counts, rule)
		d.Lines = lines
		raw, err := json.Marshal(d)
		if err != nil {
			return nil, err
		}
		added, err := tx.AddAllowance(ctx, store.Allowance{Period: month.String(), PersonID: a.PersonID, CommunityID: a.CommunityID,
			AmountFen: fen, Detail: raw, CreatedAt: now})
		if err != nil {
			return nil, err
		}
		if added {
			fresh[a.CommunityID.Int64] = true
		}
	}
	all, err := tx.Allowances(ctx, month.String(), false)
	if err != nil {
		return nil, err
	}
	var msgs []bot.Message
	for _, g := range byCommunity(all) {
		if !fresh[g.id] {
			continue
		}
		text, err := listing(lang, month.String(), g, rule)
		if err != nil {
			return nil, err
		}
		more, err := aud.Groups(ctx, model.ChatCoordinators, audience.Scope{Community: g.id}, bot.Message{Text: text,
			Buttons: conversations.Render(lang, []conversations.Button{{Key: "button.allowance.confirm",
				Data: conversations.Pressed{Prefix: Prefix, Action: "confirm", ID: g.id, Arg: month.String()}.Data()}})})
		if err != nil {
			return nil, err
		}
		msgs = append(msgs, more...)
	}
	return msgs, nil
}

// community is one community's allowances for a month (id 0: none).
type community struct {
	id    int64
	name  string
	items []store.Allowance
	total int64
}

// byCommunity groups allowances (ordered by community) by community.
func byCommunity(as []store.Allowance) []community {
	var out []community
	for _, a := range as {
		if len(out) == 0 || out[len(out)-1].id != a.CommunityID.Int64 {
			out = append(out, community{id: a.CommunityID.Int64, name: a.CommunityName})
		}
		g := &out[len(out)-1]
		g.items = append(g.items, a)
		g.total += a.AmountFen
	}
	return out
}

func communityName(lang i18n.Lang, name string) string {
	if name == "" {
		return i18n.T(lang, "allowance.no_community")
	}
	return name
}

// listing is a community's proposals: the rule, then each steward with
// the counts it was computed from and the amount.
func listing(lang i18n.Lang, month string, g community, rule assessment.AllowanceRule) (string, error) {
	y := assessment.FormatYuan
	lines := []string{
		i18n.T(lang, "allowance.proposal.header", "period", month, "community", communityName(lang, g.name), "n", len(g.items), "total", y(g.total)),
		i18n.T(lang, "allowance.proposal.rule", "base", y(rule.Base), "patrol", y(rule.PerPatrol), "report", y(rule.PerReport)),
	}
	if rule.Cap > 0 {
		lines[1] += i18n.T(lang, "allowance.proposal.cap", "cap", y(rule.Cap))
	}
	for _, a := range g.items {
		d, err := DetailOf(a)
		if err != nil {
			return "", err
		}
		line := i18n.T(lang, "allowance.proposal.line", "name", a.PersonName, "code", a.PersonCode,
			"patrols", d.Counts.PatrolsDone, "reports", d.Counts.Accepted, "amount", y(a.AmountFen))
		if len(d.Lines) > 0 && d.Lines[len(d.Lines)-1].Item == "cap" {
			line += i18n.T(lang, "allowance.proposal.capped")
		}
		lines = append(lines, line)
	}
	lines = append(lines, i18n.T(lang, "allowance.proposal.footer"))
	return strings.Join(lines, "\n"), nil
}

// mayConfirm: a coordinator of the community (or of every community), or
// an admin.
func mayConfirm(t *conversations.Turn, communityID int64) bool {
	for _, r := range t.Roles {
		if r.Role == model.RoleAdmin || r.Role == model.RoleCoordinator && (!r.CommunityID.Valid || r.CommunityID.Int64 == communityID) {
			return true
		}
	}
	return false
}

// Act confirms a community's proposals for the month: refused, with who
// and when, once they are confirmed.
func Act(ctx context.Context, _ *conversations.Engine, t *conversations.Turn, p conversations.Pressed) error {
	month, id := p.Arg, p.ID
	all, err := t.Tx.Allowances(ctx, month, false)
	if err != nil {
		return err
	}
	var g community
	for _, c := range byCommunity(all) {
		if c.id == id {
			g = c
		}
	}
	name := communityName(t.Lang, g.name)
	switch {
	case len(g.items) == 0:
		t.Reply(t.T("allowance.none", "period", month))
		return nil
	case !mayConfirm(t, id):
		t.Reply(t.T("allowance.not_yours", "community", name))
		return nil
	}
	n, err := t.Tx.ConfirmAllowances(ctx, month, id, t.Person.ID, t.Deps.Now())
	if err == nil && n > 0 {
		err = pay(ctx, t, month, id, g.items)
	}
	if err != nil || n > 0 {
		if err == nil {
			t.Reply(t.T("allowance.confirmed", "by", t.Person.Name, "period", month, "community", name, "n", n,
				"total", assessment.FormatYuan(g.total)))
		}
		return err
	}
	by, at, err := t.Tx.AllowanceConfirmation(ctx, month, id)
	if errors.Is(err, store.ErrNotFound) {
		t.Reply(t.T("allowance.none", "period", month))
		return nil
	}
	if err == nil {
		t.Reply(t.T("allowance.already", "period", month, "community", name, "by", by,
			"at", at.In(t.Deps.Location).Format("2006-01-02 15:04")))
	}
	return err
}

// pay enters each allowance of items that was proposed (and has just been
// confirmed) in the fund ledger through ledger.Add, so that the hash chain
// holds: a spending of category allowance (工作补贴), dated today, of the
// community (none: the whole district), the steward its counterparty,
// "2026-11 工作补贴" its purpose, the confirming coordinator its
// enterer. These entries carry no voucher photo: they are generated, not
// typed, and the confirmed allowances (who confirmed, when, from which
// scorecard) are their voucher; Add requires none (only the /ledger flow
// asks a spending for one). An allowance of zero is no entry.
func pay(ctx context.Context, t *conversations.Turn, month string, communityID int64, items []store.Allowance) error {
	var where *store.Community
	if communityID != 0 {
		cs, err := t.Tx.Communities(ctx)
		if err != nil {
			return err
		}
		for i := range cs {
			if cs[i].ID == communityID {
				where = &cs[i]
			}
		}
	}
	now := t.Deps.Now().In(t.Deps.Location)
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	for _, a := range items {
		if a.Status != model.AllowanceProposed || a.AmountFen <= 0 {
			continue
		}
		_, err := ledger.Add(ctx, t.Tx, ledger.New{Date: day, Kind: book.Spending, Category: book.Allowance, AmountFen: a.AmountFen,
			Community: where, Counterparty: a.PersonName, Purpose: i18n.T(i18n.ZH, "allowance.ledger_purpose", "period", month),
			By: t.Person}, t.Deps.Now(), t.Deps.Location)
		if err != nil {
			return fmt.Errorf("allowance of %s (%s) into the ledger: %w", a.PersonName, a.PersonCode, err)
		}
	}
	return nil
}
