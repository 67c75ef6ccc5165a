package discipline

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/alleybot/alleybot/audience"
	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// The monthly recognition (四(二)): once a month's scorecards are stored,
// the stewards graded 优秀 are proposed to the coordinators of their
// community, best total first; a coordinator adjusts the list (调整名单)
// and confirms it (确认表彰) once, which records each one's commendation.

// RecognitionPrefix is the proposal buttons' family: rg:confirm:ID, rg:edit:ID.
const RecognitionPrefix = "rg"

// RecognitionActions are the proposal buttons' actions.
var RecognitionActions = []string{"confirm", "edit"}

func recognitionButtons() conversations.ButtonFamily {
	return conversations.ButtonFamily{Prefix: RecognitionPrefix, Actions: RecognitionActions,
		Label: func(lang i18n.Lang, action string) string { return i18n.T(lang, "button.recognition."+action) },
		Act:   actRecognition}
}

// RecognitionDraft is the edit flow's state: the proposal it adjusts.
type RecognitionDraft struct {
	ProposalID int64 `json:"proposal_id"`
}

func recognitionFlow() *conversations.Flow {
	return &conversations.Flow{Name: "rgedit", Title: "flow.rgedit", NewData: func() any { return &RecognitionDraft{} },
		Steps: []conversations.Step{
			{Name: "names", Accepts: conversations.Text, Prompt: promptNames, Handle: handleNames},
		}}
}

// Propose stores the proposals of a month whose scorecards are stored, one
// per community of the assessed stewards: its stewards graded excellent
// (not suspended), at most top, best total first. The coordinators
// covering the community get it with its buttons, or, with nobody
// excellent, a word that there is none. A period proposed already is not
// proposed again.
func Propose(ctx context.Context, tx *store.Tx, aud audience.Audience, period string, top int, now time.Time) ([]bot.Message, error) {
	cards, err := tx.Assessments(ctx, period, nil)
	if err != nil {
		return nil, err
	}
	suspended, err := tx.SuspendedStewards(ctx)
	if err != nil {
		return nil, err
	}
	var communities []sql.NullInt64
	byCommunity := map[sql.NullInt64][]store.RecognitionCandidate{}
	for _, a := range cards { // best total first
		c := a.CommunityID
		if _, ok := byCommunity[c]; !ok {
			communities = append(communities, c)
			byCommunity[c] = nil
		}
		if a.Grade == "excellent" && !suspended[a.PersonID] && len(byCommunity[c]) < top {
			byCommunity[c] = append(byCommunity[c], store.RecognitionCandidate{PersonID: a.PersonID,
				Total: sql.NullFloat64{Float64: a.Total, Valid: true}, Grade: a.Grade, Included: true})
		}
	}
	var msgs []bot.Message
	for _, c := range communities {
		id, created, err := tx.AddRecognitionProposal(ctx, period, c, now, byCommunity[c])
		if err != nil || !created {
			if err != nil {
				return nil, err
			}
			continue
		}
		more, err := sendProposal(ctx, tx, aud, id)
		if err != nil {
			return nil, err
		}
		msgs = append(msgs, more...)
	}
	return msgs, nil
}

// sendProposal tells each coordinator covering the proposal's community.
func sendProposal(ctx context.Context, tx *store.Tx, aud audience.Audience, id int64) ([]bot.Message, error) {
	p, err := tx.LockRecognitionProposal(ctx, id)
	if err != nil {
		return nil, err
	}
	cs, err := tx.RecognitionCandidates(ctx, id)
	if err != nil {
		return nil, err
	}
	coordinators, err := tx.CoordinatorsOf(ctx, p.CommunityID.Int64)
	if err != nil {
		return nil, err
	}
	var msgs []bot.Message
	for _, co := range coordinators {
		more, err := aud.Person(ctx, co.ID, func(lang i18n.Lang) bot.Message {
			if len(cs) == 0 {
				return bot.Message{Text: i18n.T(lang, "recognition.none", "period", p.Period, "community", communityName(lang, p))}
			}
			text, buttons := proposalCard(lang, p, cs, "recognition.card")
			return bot.Message{Text: text, Buttons: conversations.Render(lang, buttons)}
		})
		if err != nil {
			return nil, err
		}
		msgs = append(msgs, more...)
	}
	return msgs, nil
}

func communityName(lang i18n.Lang, p store.RecognitionProposal) string {
	if p.CommunityName == "" {
		return i18n.T(lang, "recognition.no_community")
	}
	return p.CommunityName
}

// proposalCard is the proposal's list (those included, numbered) and its
// buttons: 确认表彰, 调整名单.
func proposalCard(lang i18n.Lang, p store.RecognitionProposal, cs []store.RecognitionCandidate, header string) (string, []conversations.Button) {
	lines := []string{i18n.T(lang, header, "period", p.Period, "community", communityName(lang, p))}
	n := 0
	for _, c := range cs {
		if !c.Included {
			continue
		}
		n++
		if !c.Total.Valid {
			lines = append(lines, i18n.T(lang, "recognition.line.unscored", "n", n, "name", c.Name))
			continue
		}
		lines = append(lines, i18n.T(lang, "recognition.line", "n", n, "name", c.Name,
			"total", fmt.Sprintf("%.1f", c.Total.Float64), "grade", i18n.T(lang, "score.grade."+c.Grade)))
	}
	if n == 0 {
		lines = append(lines, i18n.T(lang, "recognition.list.empty"))
	}
	return strings.Join(lines, "\n"), []conversations.Button{
		conversations.FamilyButton("button.recognition.confirm", RecognitionPrefix, "confirm", p.ID),
		conversations.FamilyButton("button.recognition.edit", RecognitionPrefix, "edit", p.ID)}
}

// openProposal locks the proposal and checks that the presser's
// coordinator role covers its community and that it is not confirmed yet
// (refused with who confirmed it and when).
func openProposal(ctx context.Context, t *conversations.Turn, id int64) (store.RecognitionProposal, bool, error) {
	p, err := t.Tx.LockRecognitionProposal(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		t.Reply(t.T("recognition.not_found"))
		return p, false, nil
	}
	if err != nil {
		return p, false, err
	}
	if !covers(t, p) {
		t.Reply(t.T("recognition.not_yours", "community", communityName(t.Lang, p)))
		return p, false, nil
	}
	if p.Confirmed() {
		t.Reply(t.T("recognition.already", "period", p.Period, "community", communityName(t.Lang, p),
			"by", p.ConfirmedByName, "at", t.When(p.ConfirmedAt.Time)))
		return p, false, nil
	}
	return p, true, nil
}

// covers reports whether the speaker may decide a community's proposal:
// an admin, or a coordinator scoped to it or to no community.
func covers(t *conversations.Turn, p store.RecognitionProposal) bool {
	for _, r := range t.Roles {
		if r.Role == model.RoleAdmin || r.Role == model.RoleCoordinator && (!r.CommunityID.Valid || r.CommunityID == p.CommunityID) {
			return true
		}
	}
	return false
}

func actRecognition(ctx context.Context, e *conversations.Engine, t *conversations.Turn, a conversations.Pressed) error {
	p, ok, err := openProposal(ctx, t, a.ID)
	if err != nil || !ok {
		return err
	}
	if a.Action == "edit" {
		return e.StartPrivately(ctx, t, e.Flow("rgedit"), &RecognitionDraft{ProposalID: p.ID})
	}
	return confirmRecognition(ctx, t, p)
}

// confirmRecognition records each included steward's commendation
// (announced), tells each privately, announces the list in the exchange
// group and marks the proposal confirmed.
func confirmRecognition(ctx context.Context, t *conversations.Turn, p store.RecognitionProposal) error {
	cs, err := t.Tx.RecognitionCandidates(ctx, p.ID)
	if err != nil {
		return err
	}
	var names []string
	g := t.Deps.DefaultLang
	for _, c := range cs {
		if !c.Included {
			continue
		}
		reason := i18n.T(g, "recognition.reason.excellent", "period", p.Period)
		if c.Grade != "excellent" {
			reason = i18n.T(g, "recognition.reason", "period", p.Period)
		}
		e := store.RecordEntry{PersonID: c.PersonID, Kind: model.RecordCommendation, Reason: reason, Announced: true,
			At: t.Deps.Now(), By: nullID(t.Person.ID)}
		if _, err := t.Tx.AddRecord(ctx, e); err != nil {
			return err
		}
		if err := t.ToPerson(ctx, c.PersonID, "discipline.commended.to_steward", []any{"by", t.Person.Name, "reason", reason}, nil); err != nil {
			return err
		}
		names = append(names, c.Name)
	}
	if len(names) == 0 {
		t.Reply(t.T("recognition.list_empty"))
		return nil
	}
	if err := t.Tx.ConfirmRecognition(ctx, p.ID, t.Person.ID, t.Deps.Now()); err != nil {
		return err
	}
	if err := t.ToGroups(ctx, model.ChatExchange, audience.Scope{}, i18n.T(g, "recognition.announce", "period", p.Period,
		"community", communityName(g, p), "names", strings.Join(names, i18n.T(g, "list.sep"))), nil); err != nil {
		return err
	}
	t.Reply(t.T("recognition.confirmed", "period", p.Period, "community", communityName(t.Lang, p),
		"names", strings.Join(names, t.T("list.sep"))))
	return nil
}

func promptNames(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	id := t.Data.(*RecognitionDraft).ProposalID
	p, err := t.Tx.LockRecognitionProposal(ctx, id)
	if err != nil {
		return conversations.Prompt{}, err
	}
	cs, err := t.Tx.RecognitionCandidates(ctx, id)
	if err != nil {
		return conversations.Prompt{}, err
	}
	card, _ := proposalCard(t.Lang, p, cs, "recognition.card.current")
	return conversations.Prompt{Text: card + "\n\n" + t.T("recognition.ask.names", "community", communityName(t.Lang, p))}, nil
}

// handleNames reads the list of names (or codes), separated by commas or
// 、: each must be a steward of the proposal's community, else the
// names not taken are refused with the reason and the step stays. The
// list replaces the included candidates and is shown again to confirm.
func handleNames(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	p, ok, err := openProposal(ctx, t, t.Data.(*RecognitionDraft).ProposalID)
	if err != nil || !ok {
		return conversations.Done, err
	}
	names := splitNames(in.Text)
	if len(names) == 0 {
		t.Reply(t.T("recognition.names_required"))
		return conversations.Stay, nil
	}
	stewards, err := t.Tx.StewardsOfCommunity(ctx, p.CommunityID.Int64)
	if err != nil {
		return "", err
	}
	ids, unknown, ambiguous := matchStewards(names, stewards)
	if len(unknown) > 0 || len(ambiguous) > 0 {
		if len(unknown) > 0 {
			t.Reply(t.T("recognition.unknown", "names", strings.Join(unknown, t.T("list.sep")),
				"community", communityName(t.Lang, p)))
		}
		if len(ambiguous) > 0 {
			t.Reply(t.T("recognition.ambiguous", "names", strings.Join(ambiguous, t.T("list.sep")),
				"community", communityName(t.Lang, p)))
		}
		return conversations.Stay, nil
	}
	if err := t.Tx.SetRecognitionList(ctx, p.ID, ids); err != nil {
		return "", err
	}
	cs, err := t.Tx.RecognitionCandidates(ctx, p.ID)
	if err != nil {
		return "", err
	}
	text, buttons := proposalCard(t.Lang, p, cs, "recognition.card.edited")
	t.Say(bot.Message{Platform: t.Update.Platform, ChatID: t.Update.ChatID, ChatTitle: t.Update.ChatTitle, Kind: t.Update.ChatKind,
		Text: text, Buttons: conversations.Render(t.Lang, buttons)})
	return conversations.Done, nil
}

// splitNames splits a typed list at commas, 、 and semicolons (either
// width) and new lines.
func splitNames(text string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(text, func(r rune) bool { return strings.ContainsRune(",,、;;\n", r) }) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// matchStewards finds each name among the stewards, by code, then by
// name; a name no steward has is unknown, one several have ambiguous.
func matchStewards(names []string, stewards []store.Person) (ids []int64, unknown, ambiguous []string) {
	seen := map[int64]bool{}
	for _, n := range names {
		var found []int64
		for _, s := range stewards {
			if s.Code == n {
				found = []int64{s.ID}
				break
			}
			if s.Name == n {
				found = append(found, s.ID)
			}
		}
		switch {
		case len(found) == 0:
			unknown = append(unknown, n)
		case len(found) > 1:
			ambiguous = append(ambiguous, n)
		case !seen[found[0]]:
			seen[found[0]] = true
			ids = append(ids, found[0])
		}
	}
	return ids, unknown, ambiguous
}
