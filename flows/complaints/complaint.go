package complaints

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/alleybot/alleybot/audience"
	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/flows/cases"
	"github.com/alleybot/alleybot/flows/report"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// Residents' complaints (seed 七(二), 七): a resident, with no account,
// files a complaint (what happened, where, photos, anonymous or not); it
// gets a number (T2026-000042) and goes to the acceptance center, which
// turns it into a case (the resident then follows the case and rates it),
// answers it, or refuses it with a reason. A complaint about the staff
// goes to the supervisors only.

// ComplaintDraft is the complaint flow's state.
type ComplaintDraft struct {
	Staff       bool     `json:"staff,omitempty"`
	Description string   `json:"description,omitempty"`
	About       string   `json:"about,omitempty"`
	CommunityID int64    `json:"community_id,omitempty"`
	AlleyID     int64    `json:"alley_id,omitempty"`
	Lat         *float64 `json:"lat,omitempty"`
	Lon         *float64 `json:"lon,omitempty"`
	PhotoIDs    []int64  `json:"photo_ids,omitempty"`
}

func kdraft(t *conversations.Turn) *ComplaintDraft { return t.Data.(*ComplaintDraft) }

// ComplaintDecision is the state of a decision on a complaint.
type ComplaintDecision struct {
	ComplaintID int64 `json:"complaint_id"`
	// A supervisor's settling of a complaint about the staff: the verdict
	// and, if upheld, the person it is about.
	Verdict  model.ComplaintVerdict `json:"verdict,omitempty"`
	PersonID int64                  `json:"person_id,omitempty"`
}

func flows() []*conversations.Flow {
	nd := func() any { return &ComplaintDecision{} }
	return []*conversations.Flow{
		{Name: "complain", Title: "flow.complain", NewData: func() any { return &ComplaintDraft{} }, Steps: []conversations.Step{
			{Name: "kind", Accepts: conversations.Choice, Prompt: promptComplaintKind, Handle: handleComplaintKind},
			{Name: "what", Accepts: conversations.Text, Prompt: conversations.SimpleKey("complaint.ask.what"), Handle: handleComplaintWhat},
			{Name: "who", Accepts: conversations.Text, Prompt: conversations.SimpleKey("complaint.ask.who"), Handle: handleComplaintWho},
			{Name: "where", Accepts: conversations.Location | conversations.Choice, Prompt: promptComplaintWhere, Handle: handleComplaintWhere},
			{Name: "photos", Accepts: conversations.Photo | conversations.Choice, Prompt: promptComplaintPhotos, Handle: handleComplaintPhotos, Hint: "report.photos.hint"},
			{Name: "anonymous", Accepts: conversations.Choice, Prompt: promptAnonymous, Handle: handleAnonymous},
		}},
		{Name: "kcase", Title: "flow.kcase", NewData: nd, Steps: []conversations.Step{
			{Name: "category", Accepts: conversations.Choice, Prompt: deciding(report.PromptCategory), Handle: handleComplaintCase},
		}},
		{Name: "kanswer", Title: "flow.kanswer", NewData: nd, Steps: []conversations.Step{
			{Name: "text", Accepts: conversations.Text, Prompt: deciding(conversations.SimpleKey("complaint.ask.answer")), Handle: decideText(model.ComplaintAnswered)},
		}},
		{Name: "kreject", Title: "flow.kreject", NewData: nd, Steps: []conversations.Step{
			{Name: "text", Accepts: conversations.Text, Prompt: deciding(conversations.SimpleKey("complaint.ask.reject")), Handle: decideText(model.ComplaintRejected)},
		}},
		{Name: "ksettle", Title: "flow.ksettle", NewData: nd, Steps: settleSteps()},
		offlineFlow(),
	}
}

// Start starts the complaint flow in the speaker's private chat
// (communityID: the resident group it was asked from, 0 unknown), unless
// the sender is barred or over the hourly limit.
func Start(ctx context.Context, e *conversations.Engine, t *conversations.Turn, communityID int64) error {
	return StartWith(ctx, e, t, communityID, "")
}

// StartWith is Start with the complaint's description written already
// (投诉 胡同口天天有人乱停车): the flow asks what it is about, then goes on
// past the description (one too short is asked for again).
func StartWith(ctx context.Context, e *conversations.Engine, t *conversations.Turn, communityID int64, description string) error {
	now := e.Deps().Now()
	p, u := string(t.Update.Platform), t.Update.UserID
	banned, err := t.Tx.Banned(ctx, p, u, now)
	if err != nil {
		return err
	}
	if banned {
		t.Reply(t.T("complaint.banned"))
		return nil
	}
	if max := settings(t).PerHour; max > 0 {
		n, oldest, err := t.Tx.ComplaintsSince(ctx, p, u, now.Add(-time.Hour))
		if err != nil {
			return err
		}
		if n >= max {
			t.Reply(t.T("complaint.too_many", "n", n, "at", conversations.FormatTime(oldest.Add(time.Hour), e.Deps().Location)))
			return nil
		}
	}
	if err := e.Start(ctx, t, "complain", nil); err != nil {
		return err
	}
	kdraft(t).CommunityID = communityID
	if conversations.Visible(description) >= 4 && !strings.HasPrefix(description, "/") {
		kdraft(t).Description = description
	}
	return e.Save(ctx, t)
}

func promptComplaintKind(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	return conversations.Prompt{Text: t.T("complaint.ask.kind"), Options: []conversations.Option{
		{Label: t.T("button.complaint.issue"), Value: "issue"}, {Label: t.T("button.complaint.staff"), Value: "staff"}}}, nil
}

func handleComplaintKind(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	d := kdraft(t)
	d.Staff = in.Choice == "staff"
	switch {
	case d.Description == "":
		return "what", nil
	case d.Staff:
		return "who", nil
	}
	return "where", nil
}

func handleComplaintWhat(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	text, ok := conversations.Description(t, in.Text, "complaint.too_short")
	if !ok {
		return conversations.Stay, nil
	}
	d := kdraft(t)
	d.Description = text
	if d.Staff {
		return "who", nil
	}
	return "where", nil
}

func handleComplaintWho(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	text := strings.TrimSpace(in.Text)
	if !conversations.TextFits(t, text, 2, 200) {
		return conversations.Stay, nil
	}
	kdraft(t).About = text
	return "anonymous", nil
}

func promptComplaintWhere(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	as, err := t.Tx.AllAlleys(ctx)
	if err != nil {
		return conversations.Prompt{}, err
	}
	p := conversations.Prompt{Text: t.T("complaint.ask.where")}
	d := kdraft(t)
	for _, a := range as {
		if d.CommunityID == 0 || a.CommunityID == d.CommunityID {
			p.Options = append(p.Options, conversations.Option{Label: a.Name, Value: strconv.FormatInt(a.ID, 10)})
		}
	}
	return p, nil
}

func handleComplaintWhere(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	d := kdraft(t)
	if in.Kind == conversations.Location {
		a, _, err := t.Tx.NearestAlley(ctx, in.Location.Lat, in.Location.Lon)
		if errors.Is(err, store.ErrNotFound) {
			t.Reply(t.T("report.location.outside"))
			return conversations.Stay, nil
		}
		if err != nil {
			return "", err
		}
		lat, lon := in.Location.Lat, in.Location.Lon
		d.AlleyID, d.Lat, d.Lon = a.ID, &lat, &lon
		return "photos", nil
	}
	id, _, ok, err := conversations.Chosen(ctx, t, in.Choice, t.Tx.AlleyByID)
	if !ok {
		return conversations.Stay, err
	}
	d.AlleyID = id
	return "photos", nil
}

func promptComplaintPhotos(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	n := len(kdraft(t).PhotoIDs)
	if n == 0 {
		return conversations.Prompt{Text: t.T("complaint.ask.photos"), Options: []conversations.Option{{Label: t.T("button.skip"), Value: "done"}}}, nil
	}
	return conversations.MorePhotos(t, n), nil
}

func handleComplaintPhotos(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	d := kdraft(t)
	if in.Kind == conversations.Choice {
		return "anonymous", nil
	}
	_, err := t.AddPhoto(ctx, &d.PhotoIDs, conversations.MaxPhotos, in.Photo)
	return conversations.Stay, err
}

func promptAnonymous(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	return conversations.Prompt{Text: t.T("complaint.ask.anonymous"), Options: []conversations.Option{
		{Label: t.T("button.complaint.named"), Value: "named"}, {Label: t.T("button.complaint.anonymous"), Value: "anonymous"}}}, nil
}

func handleAnonymous(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	return conversations.Done, submitComplaint(ctx, t, in.Choice == "anonymous")
}

// submitComplaint files the complaint and sends it on: a complaint about
// the staff to the supervisors only, any other to the acceptance center.
func submitComplaint(ctx context.Context, t *conversations.Turn, anonymous bool) error {
	d := kdraft(t)
	now := t.Deps.Now().In(t.Deps.Location)
	var by time.Time
	if settings(t).AnswerWithin > 0 {
		by = t.Deps.Calendar.Add(now, settings(t).AnswerWithin)
	}
	name := t.Update.UserName
	if t.Person.ID != 0 {
		name = t.Person.Name
	}
	k, err := t.Tx.CreateComplaint(ctx, store.NewComplaint{Platform: string(t.Update.Platform), UserID: t.Update.UserID,
		ChatID: t.Update.ChatID, ResidentName: name, Anonymous: anonymous, AboutStaff: d.Staff, AboutText: d.About,
		Description: d.Description, AlleyID: d.AlleyID, CommunityID: d.CommunityID, Lat: d.Lat, Lon: d.Lon, PhotoIDs: d.PhotoIDs, At: now, AnswerBy: by})
	if err != nil {
		return err
	}
	if d.Staff {
		t.Reply(t.T("complaint.filed.staff", "number", k.Number))
		return toSupervisors(ctx, t, k)
	}
	hours := int(settings(t).AnswerWithin.Hours())
	t.Reply(t.T("complaint.filed", "number", k.Number, "hours", hours))
	return complaintCard(ctx, t, k, "notify.complaint")
}

// complaintText is a complaint as the center (who) sees it: an anonymous
// resident's name is shown to the supervisors only.
func complaintText(lang i18n.Lang, loc *time.Location, k store.Complaint, supervisor bool) string {
	who := k.ResidentName
	if who == "" {
		who = i18n.T(lang, "complaint.resident")
	}
	switch {
	case k.Anonymous && supervisor:
		who = i18n.T(lang, "complaint.anonymous_to", "name", who, "account", k.Platform+" "+k.UserID)
	case k.Anonymous:
		who = i18n.T(lang, "complaint.anonymous")
	}
	if offline(k) {
		who = offlineWho(lang, k, supervisor)
	}
	where := k.AlleyName
	if where == "" {
		where = "—"
	}
	text := i18n.T(lang, "complaint.card", "number", k.Number, "what", k.Description, "where", where,
		"who", who, "photos", len(k.Photos), "at", conversations.FormatWhen(k.CreatedAt, loc))
	if k.AboutStaff {
		text += "\n" + i18n.T(lang, "complaint.card.about", "about", k.AboutText)
	}
	return text
}

func complaintButton(key string, action string, id int64) conversations.Button {
	return conversations.FamilyButton(key, "k", action, id)
}

// complaintCard puts a complaint before the acceptance center.
func complaintCard(ctx context.Context, t *conversations.Turn, k store.Complaint, key string) error {
	g := t.Deps.DefaultLang
	var photo *bot.Photo
	if len(k.Photos) > 0 {
		p, err := t.Tx.PhotoByID(ctx, k.Photos[0])
		if err != nil {
			return err
		}
		if photo, err = t.Photo(ctx, p); err != nil {
			return err
		}
	}
	return t.ToGroups(ctx, model.ChatCoordinators, audience.Scope{}, i18n.T(g, key, "card", complaintText(g, t.Deps.Location, k, false)), photo,
		complaintButton("button.complaint.case", "case", k.ID), complaintButton("button.complaint.answer", "answer", k.ID),
		complaintButton("button.complaint.reject", "reject", k.ID))
}

// toSupervisors sends a complaint about the staff to each supervisor
// privately: nobody else sees it.
func toSupervisors(ctx context.Context, t *conversations.Turn, k store.Complaint) error {
	return t.ToRole(ctx, model.RoleSupervisor, func(lang i18n.Lang) bot.Message {
		return bot.Message{Text: i18n.T(lang, "notify.complaint.staff", "card", complaintText(lang, t.Deps.Location, k, true)),
			Buttons: conversations.Render(lang, []conversations.Button{complaintButton("button.complaint.settle", "settle", k.ID)})}
	})
}

// Actions are the buttons of a complaint, for the permission table.
var Actions = []string{"case", "answer", "reject", "settle"}

// Act handles a pressed complaint button (the caller checked the
// role): the decision's flow starts, privately.
func Act(ctx context.Context, e *conversations.Engine, t *conversations.Turn, a conversations.Pressed) error {
	k, err := t.Tx.ComplaintByID(ctx, a.ID)
	if errors.Is(err, store.ErrNotFound) {
		t.Reply(t.T("complaint.not_found"))
		return nil
	}
	if err != nil {
		return err
	}
	if k.Status != model.ComplaintOpen {
		t.Reply(t.T("complaint.decided", "number", k.Number, "status", t.T("complaint.status."+string(k.Status))))
		return nil
	}
	if (a.Action == "settle") != k.AboutStaff {
		t.Reply(t.T("complaint.decided", "number", k.Number, "status", t.T("complaint.status."+string(k.Status))))
		return nil
	}
	// Like a case card's: the center's buttons count in its group (or
	// privately), 记录处理结果 privately (it is sent to supervisors alone).
	home := model.ChatCoordinators
	if a.Action == "settle" {
		home = ""
	}
	if ok, err := t.GroupIs(ctx, home, 0); err != nil || !ok {
		if err == nil {
			where := t.T("case.button.where.private")
			if home != "" {
				where = t.T("case.button.where.center")
			}
			t.ToPrivate()
			t.Reply(t.T("complaint.button.not_here", "number", k.Number, "action", t.T("button.complaint."+a.Action), "where", where))
		}
		return err
	}
	return e.StartPrivately(ctx, t, e.Flow("k"+a.Action), &ComplaintDecision{ComplaintID: k.ID})
}

// deciding puts the complaint above a decision's question (in the private
// chat the decision goes on in).
func deciding(ask func(context.Context, *conversations.Turn) (conversations.Prompt, error)) func(context.Context, *conversations.Turn) (conversations.Prompt, error) {
	return func(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
		k, err := t.Tx.ComplaintByID(ctx, t.Data.(*ComplaintDecision).ComplaintID)
		if err != nil {
			return conversations.Prompt{}, err
		}
		p, err := ask(ctx, t)
		p.Text = t.T("complaint.deciding", "card", complaintText(t.Lang, t.Deps.Location, k, k.AboutStaff)) + "\n\n" + p.Text
		return p, err
	}
}

// lockOpen locks the decision's complaint and checks that it is still open.
func lockOpen(ctx context.Context, t *conversations.Turn) (store.Complaint, bool, error) {
	k, err := t.Tx.LockComplaint(ctx, t.Data.(*ComplaintDecision).ComplaintID)
	if err != nil {
		return k, false, err
	}
	if k.Status != model.ComplaintOpen {
		t.Reply(t.T("complaint.decided", "number", k.Number, "status", t.T("complaint.status."+string(k.Status))))
		return k, false, nil
	}
	return k, true, nil
}

// decideText records an answer or a refusal, and tells the resident.
func decideText(status model.ComplaintStatus) func(context.Context, *conversations.Turn, conversations.Input) (string, error) {
	return func(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
		text := strings.TrimSpace(in.Text)
		if !conversations.TextFits(t, text, 2, conversations.MaxReason) {
			return conversations.Stay, nil
		}
		k, ok, err := lockOpen(ctx, t)
		if err != nil || !ok {
			return conversations.Done, err
		}
		if err := t.Tx.DecideComplaint(ctx, k.ID, status, calledBack(t, k, text), t.Person.ID, 0, t.Deps.Now()); err != nil {
			return "", err
		}
		t.Reply(t.T("complaint.done."+string(status), "number", k.Number))
		tellResident(t, k, "resident.complaint."+string(status), "number", k.Number, "text", text)
		return conversations.Done, nil
	}
}

// handleComplaintCase turns the complaint into a case of the chosen kind:
// the case goes to the center's queue like a steward's report, with the
// complaint's photos; the resident is told its number and will follow it.
func handleComplaintCase(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	_, cat, ok, err := conversations.Chosen(ctx, t, in.Choice, t.Tx.CategoryByID)
	if !ok {
		return conversations.Stay, err
	}
	k, ok, err := lockOpen(ctx, t)
	if err != nil || !ok {
		return conversations.Done, err
	}
	if !k.AlleyID.Valid {
		t.Reply(t.T("complaint.no_alley", "number", k.Number))
		return conversations.Done, nil
	}
	// No steward reported it: the alley's stewards re-check it.
	nc := store.NewCase{AlleyID: k.AlleyID.Int64, Description: k.Description, Impact: "alley",
		Source: "complaint", CategoryIDs: []int64{cat.ID}, DepartmentID: cat.DepartmentID, PhotoIDs: k.Photos,
		At: t.Deps.Now().In(t.Deps.Location)}
	if k.Lat.Valid {
		lat, lon := k.Lat.Float64, k.Lon.Float64
		nc.Lat, nc.Lon = &lat, &lon
	}
	c, err := t.Tx.CreateCase(ctx, nc)
	if err != nil {
		return "", err
	}
	answer := "" // the resident follows the case; an offline caller is called back
	if offline(k) {
		answer = calledBack(t, k, t.T("complaint.offline.case", "number", c.Number))
	}
	if err := t.Tx.DecideComplaint(ctx, k.ID, model.ComplaintCase, answer, t.Person.ID, c.ID, t.Deps.Now()); err != nil {
		return "", err
	}
	t.Reply(t.T("complaint.done.case", "complaint", k.Number, "number", c.Number))
	tellResident(t, k, "resident.complaint.case", "complaint", k.Number, "number", c.Number)
	view, err := t.Tx.CaseByID(ctx, c.ID)
	if err != nil {
		return "", err
	}
	return conversations.Done, cases.CenterCard(ctx, t, view, "notify.center")
}

// tellResident writes to the resident's private chat (in the catalog's
// default language: residents are not asked theirs).
func tellResident(t *conversations.Turn, k store.Complaint, key string, args ...any) {
	if bot.Platform(k.Platform).Local() && bot.Platform(k.Platform) != t.Update.Platform {
		return
	}
	t.Say(bot.Message{Platform: bot.Platform(k.Platform), ChatID: k.ChatID, Recipient: k.ResidentName, Text: i18n.T(t.Deps.DefaultLang, key, args...)})
}

// List renders /complaints: the open complaints, oldest first,
// each as its card with the buttons the reader may press (may says which,
// by action), so a complaint whose card scrolled away is still handled. A
// complaint about the staff is listed to the supervisors only.
func List(ctx context.Context, t *conversations.Turn, may func(action string) bool) error {
	staff := t.HasRole(model.RoleSupervisor) || t.HasRole(model.RoleAdmin)
	ks, n, err := t.Tx.OpenComplaints(ctx, staff, conversations.MaxListed)
	if err != nil {
		return err
	}
	if n == 0 {
		t.Reply(t.T("complaints.none"))
		return nil
	}
	t.Reply(t.T("complaints.header", "n", n))
	now := t.Deps.Now()
	for _, k := range ks {
		text := complaintText(t.Lang, t.Deps.Location, k, staff)
		if k.AnswerBy.Valid {
			at := t.When(k.AnswerBy.Time)
			if now.Before(k.AnswerBy.Time) {
				text += "\n" + t.T("complaint.answer_by", "at", at)
			} else {
				text += "\n" + t.T("complaint.answer_over", "at", at)
			}
		}
		actions := []string{"case", "answer", "reject"}
		if k.AboutStaff {
			actions = []string{"settle"}
		}
		var bs []conversations.Button
		for _, a := range actions {
			if may(a) {
				bs = append(bs, complaintButton("button.complaint."+a, a, k.ID))
			}
		}
		t.Say(bot.Message{Platform: t.Update.Platform, ChatID: t.Update.ChatID, ChatTitle: t.Update.ChatTitle,
			Text: text, Buttons: conversations.Render(t.Lang, bs)})
	}
	if n > len(ks) {
		t.Reply(t.T("complaints.more", "n", n-len(ks)))
	}
	return nil
}

// OpenCount is how many complaints wait for the reader (/queue).
func OpenCount(ctx context.Context, t *conversations.Turn) (int, error) {
	_, n, err := t.Tx.OpenComplaints(ctx, t.HasRole(model.RoleSupervisor) || t.HasRole(model.RoleAdmin), 0)
	return n, err
}
