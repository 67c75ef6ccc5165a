package report

import (
	"context"
	"strconv"
	"strings"

	"github.com/alleybot/alleybot/audience"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/flows/cases"
	"github.com/alleybot/alleybot/flows/weblogin"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

func promptSummary(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	d := draft(t)
	text, err := draftSummary(ctx, t, d)
	if err != nil {
		return conversations.Prompt{}, err
	}
	p := conversations.Prompt{Text: t.T("report.summary", "summary", text)}
	// The same problem reported nearby and still open: the steward may
	// follow that case instead (a confirmation, not a duplicate).
	dups, err := t.Tx.NearbyOpen(ctx, d.CategoryID, d.AlleyID, d.Lat, d.Lon, cases.DuplicateRadius(t))
	if err != nil {
		return conversations.Prompt{}, err
	}
	if len(dups) > 0 {
		var lines []string
		for _, c := range dups {
			lines = append(lines, t.T("report.duplicate.line", "number", c.Number, "description", shorten(c.Description, 30)))
			p.Options = append(p.Options, conversations.Option{Label: t.T("button.same_problem", "number", c.Number), Value: "same:" + strconv.FormatInt(c.ID, 10)})
		}
		p.Text += "\n\n" + t.T("report.duplicates", "cases", strings.Join(lines, "\n"))
	}
	p.Options = append(p.Options,
		conversations.Option{Label: t.T("button.submit"), Value: "submit"},
		conversations.Option{Label: t.T("button.fixed_on_spot"), Value: "fixed"},
		conversations.Option{Label: t.T("button.edit"), Value: "edit"},
		conversations.Option{Label: t.T("button.cancel"), Value: "cancel"})
	return p, nil
}

func shorten(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

func draftSummary(ctx context.Context, t *conversations.Turn, d *ReportDraft) (string, error) {
	cat, err := t.Tx.CategoryByID(ctx, d.CategoryID)
	if err != nil {
		return "", err
	}
	alley, err := t.Tx.AlleyByID(ctx, d.AlleyID)
	if err != nil {
		return "", err
	}
	names := []string{categoryName(t.Lang, cat.Name, cat.NameEn)}
	ids, err := d.categoryIDs(ctx, t)
	if err != nil {
		return "", err
	}
	for _, id := range ids[1:] {
		c, err := t.Tx.CategoryByID(ctx, id)
		if err != nil {
			return "", err
		}
		names = append(names, categoryName(t.Lang, c.Name, c.NameEn))
	}
	place := alley.Name
	if d.Address != "" {
		place = t.T("case.place_address", "place", place, "address", d.Address)
	}
	return t.T("report.draft", "category", strings.Join(names, t.T("list.sep")), "alley", place,
		"description", d.Description, "impact", t.T("impact."+d.Impact), "photos", len(d.PhotoIDs)), nil
}

func handleSummary(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	switch in.Choice {
	case "submit", "fixed":
		d := draft(t)
		if len(d.PhotoIDs) == 0 || len(d.PhotoIDs) > conversations.MaxPhotos {
			t.Reply(t.T("report.photos.need_one"))
			d.Editing = true
			return "photos", nil
		}
		return conversations.Done, submitReport(ctx, t, d, in.Choice == "fixed")
	case "edit":
		return "edit", nil
	case "cancel":
		t.Reply(t.T("flow.cancelled", "flow", t.FlowTitle()))
		return conversations.Done, nil
	}
	if id, ok := strings.CutPrefix(in.Choice, "same:"); ok {
		caseID, _ := strconv.ParseInt(id, 10, 64)
		return conversations.Done, confirmExisting(ctx, t, caseID)
	}
	t.Reply(t.T("flow.hint.choice"))
	return conversations.Stay, nil
}

// confirmExisting: the steward's report is the same problem as an open
// case: they follow it, and it is recorded on the case as a confirmation
// (it counts for them, and is no duplicate for the center to merge).
func confirmExisting(ctx context.Context, t *conversations.Turn, caseID int64) error {
	c, err := t.Tx.CaseByID(ctx, caseID)
	if err != nil {
		return err
	}
	if err := t.Tx.Subscribe(ctx, c.ID, t.Person.ID); err != nil {
		return err
	}
	if _, err := t.Tx.AddCaseEvent(ctx, c.ID, t.Person.ID, model.EventConfirmed, shorten(draft(t).Description, 100), nil); err != nil {
		return err
	}
	t.Reply(t.T("report.confirmed", "number", c.Number))
	return nil
}

// submitReport creates the case in the session's transaction and says so to
// the steward, the exchange group, the acceptance center, the department's
// chat and the community committee (seed 三(三)).
func submitReport(ctx context.Context, t *conversations.Turn, d *ReportDraft, fixed bool) error {
	cat, err := t.Tx.CategoryByID(ctx, d.CategoryID)
	if err != nil {
		return err
	}
	catIDs, err := d.categoryIDs(ctx, t)
	if err != nil {
		return err
	}
	// The address is kept apart from the description: each reader sees it
	// labelled in their own language, not in the reporter's.
	nc := store.NewCase{AlleyID: d.AlleyID, Lat: d.Lat, Lon: d.Lon, Description: d.Description, Address: d.Address, Impact: d.Impact,
		ReporterID: t.Person.ID, Source: string(t.Update.Platform), CategoryIDs: catIDs, DepartmentID: cat.DepartmentID,
		FixedOnSpot: fixed, PhotoIDs: d.PhotoIDs, At: t.Deps.Now().In(t.Deps.Location), PatrolID: d.PatrolID}
	c, err := t.Tx.CreateCase(ctx, nc)
	if err != nil {
		return err
	}
	view, err := t.Tx.CaseByID(ctx, c.ID)
	if err != nil {
		return err
	}
	key := "report.submitted"
	if fixed {
		key = "report.submitted_fixed"
	}
	t.Reply(t.T(key, "number", c.Number, "summary", cases.CaseSummary(t.Lang, t.Deps.Location, view)))

	photo, err := cases.FirstPhoto(ctx, t, c.ID)
	if err != nil {
		return err
	}
	lang := t.Deps.DefaultLang
	summary := cases.CaseSummary(lang, t.Deps.Location, view)
	communityID := view.CommunityID.Int64
	if fixed {
		return t.ToGroups(ctx, model.ChatExchange, audience.Scope{}, i18n.T(lang, "notify.fixed_on_spot", "summary", summary), photo)
	}
	if err := t.ToGroups(ctx, model.ChatExchange, audience.Scope{}, i18n.T(lang, "notify.exchange", "summary", summary), photo); err != nil {
		return err
	}
	if err := cases.CenterCard(ctx, t, view, "notify.center"); err != nil {
		return err
	}
	if view.DepartmentID.Valid {
		if err := t.ToGroups(ctx, model.ChatDepartment, audience.Scope{Department: view.DepartmentID.Int64}, i18n.T(lang, "notify.department", "summary", summary), photo); err != nil {
			return err
		}
	}
	committee := i18n.T(lang, "notify.committee", "summary", summary)
	if u := weblogin.PrintURL(t.Engine(), c.Number); u != "" { // the printable work order (issue 25)
		committee += "\n" + i18n.T(lang, "deskprint.committee_link", "url", u)
	}
	if err := t.ToGroups(ctx, model.ChatCommittee, audience.Scope{Community: communityID}, committee, nil); err != nil {
		return err
	}
	// Residents hear that it was reported (三(四)3), in one short line,
	// unless cases.tell_residents_reported is off.
	if settings(t).QuietResidents {
		return nil
	}
	cats := strings.Join(view.Categories, "、")
	return t.ToGroups(ctx, model.ChatResident, audience.Scope{Community: communityID, NewReport: true}, i18n.T(lang, "notify.residents.reported",
		"number", view.Number, "alley", view.AlleyName, "category", cats), nil)
}

func categoryName(lang i18n.Lang, zh, en string) string {
	if lang == i18n.EN && en != "" {
		return en
	}
	return zh
}
