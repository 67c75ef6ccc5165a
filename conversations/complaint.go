package conversations

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/alleybot/alleybot/audience"
	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/i18n"
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

func kdraft(t *Turn) *ComplaintDraft { return t.Data.(*ComplaintDraft) }

// ComplaintDecision is the state of a decision on a complaint.
type ComplaintDecision struct {
	ComplaintID int64 `json:"complaint_id"`
}

func complaintFlows() []*Flow {
	nd := func() any { return &ComplaintDecision{} }
	return []*Flow{
		{Name: "complain", Title: "flow.complain", NewData: func() any { return &ComplaintDraft{} }, Steps: []Step{
			{Name: "kind", Accepts: Choice, Prompt: promptComplaintKind, Handle: handleComplaintKind},
			{Name: "what", Accepts: Text, Prompt: SimpleKey("complaint.ask.what"), Handle: handleComplaintWhat},
			{Name: "who", Accepts: Text, Prompt: SimpleKey("complaint.ask.who"), Handle: handleComplaintWho},
			{Name: "where", Accepts: Location | Choice, Prompt: promptComplaintWhere, Handle: handleComplaintWhere},
			{Name: "photos", Accepts: Photo | Choice, Prompt: promptComplaintPhotos, Handle: handleComplaintPhotos, Hint: "report.photos.hint"},
			{Name: "anonymous", Accepts: Choice, Prompt: promptAnonymous, Handle: handleAnonymous},
		}},
		{Name: "kcase", Title: "flow.kcase", NewData: nd, Steps: []Step{
			{Name: "category", Accepts: Choice, Prompt: deciding(promptCategory), Handle: handleComplaintCase},
		}},
		{Name: "kanswer", Title: "flow.kanswer", NewData: nd, Steps: []Step{
			{Name: "text", Accepts: Text, Prompt: deciding(SimpleKey("complaint.ask.answer")), Handle: decideText(store.ComplaintAnswered)},
		}},
		{Name: "kreject", Title: "flow.kreject", NewData: nd, Steps: []Step{
			{Name: "text", Accepts: Text, Prompt: deciding(SimpleKey("complaint.ask.reject")), Handle: decideText(store.ComplaintRejected)},
		}},
		{Name: "ksettle", Title: "flow.ksettle", NewData: nd, Steps: []Step{
			{Name: "text", Accepts: Text, Prompt: deciding(SimpleKey("complaint.ask.settle")), Handle: decideText(store.ComplaintSettled)},
		}},
	}
}

// StartComplaint starts the complaint flow in the speaker's private chat
// (communityID: the resident group it was asked from, 0 unknown), unless
// the sender is barred or over the hourly limit.
func (e *Engine) StartComplaint(ctx context.Context, t *Turn, communityID int64) error {
	now := e.deps.Now()
	p, u := string(t.Update.Platform), t.Update.UserID
	banned, err := t.Tx.Banned(ctx, p, u, now)
	if err != nil {
		return err
	}
	if banned {
		t.Reply(t.T("complaint.banned"))
		return nil
	}
	if max := e.deps.ComplaintsPerHour; max > 0 {
		n, oldest, err := t.Tx.ComplaintsSince(ctx, p, u, now.Add(-time.Hour))
		if err != nil {
			return err
		}
		if n >= max {
			t.Reply(t.T("complaint.too_many", "n", n, "at", FormatTime(oldest.Add(time.Hour), e.deps.Location)))
			return nil
		}
	}
	if err := e.Start(ctx, t, "complain", nil); err != nil {
		return err
	}
	kdraft(t).CommunityID = communityID
	return e.save(ctx, t)
}

func promptComplaintKind(ctx context.Context, t *Turn) (Prompt, error) {
	return Prompt{Text: t.T("complaint.ask.kind"), Options: []Option{
		{Label: t.T("button.complaint.issue"), Value: "issue"}, {Label: t.T("button.complaint.staff"), Value: "staff"}}}, nil
}

func handleComplaintKind(ctx context.Context, t *Turn, in Input) (string, error) {
	kdraft(t).Staff = in.Choice == "staff"
	return "what", nil
}

func handleComplaintWhat(ctx context.Context, t *Turn, in Input) (string, error) {
	text := strings.TrimSpace(in.Text)
	switch n := utf8.RuneCountInString(text); {
	case strings.HasPrefix(text, "/"):
		t.Reply(t.T("report.description.command", "cmd", strings.Fields(text)[0]))
		return Stay, nil
	case Visible(text) < 4:
		t.Reply(t.T("complaint.too_short"))
		return Stay, nil
	case n > 1000:
		t.Reply(t.T("report.description.long", "n", n))
		return Stay, nil
	}
	d := kdraft(t)
	d.Description = text
	if d.Staff {
		return "who", nil
	}
	return "where", nil
}

func handleComplaintWho(ctx context.Context, t *Turn, in Input) (string, error) {
	text := strings.TrimSpace(in.Text)
	if !TextFits(t, text, 2, 200) {
		return Stay, nil
	}
	kdraft(t).About = text
	return "anonymous", nil
}

func promptComplaintWhere(ctx context.Context, t *Turn) (Prompt, error) {
	as, err := t.Tx.AllAlleys(ctx)
	if err != nil {
		return Prompt{}, err
	}
	p := Prompt{Text: t.T("complaint.ask.where")}
	d := kdraft(t)
	for _, a := range as {
		if d.CommunityID == 0 || a.CommunityID == d.CommunityID {
			p.Options = append(p.Options, Option{Label: a.Name, Value: strconv.FormatInt(a.ID, 10)})
		}
	}
	return p, nil
}

func handleComplaintWhere(ctx context.Context, t *Turn, in Input) (string, error) {
	d := kdraft(t)
	if in.Kind == Location {
		a, _, err := t.Tx.NearestAlley(ctx, in.Location.Lat, in.Location.Lon)
		if errors.Is(err, store.ErrNotFound) {
			t.Reply(t.T("report.location.outside"))
			return Stay, nil
		}
		if err != nil {
			return "", err
		}
		lat, lon := in.Location.Lat, in.Location.Lon
		d.AlleyID, d.Lat, d.Lon = a.ID, &lat, &lon
		return "photos", nil
	}
	id, _, ok, err := Chosen(ctx, t, in.Choice, t.Tx.AlleyByID)
	if !ok {
		return Stay, err
	}
	d.AlleyID = id
	return "photos", nil
}

func promptComplaintPhotos(ctx context.Context, t *Turn) (Prompt, error) {
	n := len(kdraft(t).PhotoIDs)
	if n == 0 {
		return Prompt{Text: t.T("complaint.ask.photos"), Options: []Option{{Label: t.T("button.skip"), Value: "done"}}}, nil
	}
	return Prompt{Text: t.T("report.photos.more", "n", n, "max", MaxPhotos), Options: []Option{{Label: t.T("button.done"), Value: "done"}}}, nil
}

func handleComplaintPhotos(ctx context.Context, t *Turn, in Input) (string, error) {
	d := kdraft(t)
	if in.Kind == Choice {
		return "anonymous", nil
	}
	if len(d.PhotoIDs) >= MaxPhotos {
		t.Reply(t.T("report.photos.full", "max", MaxPhotos))
		return Stay, nil
	}
	id, ok, err := t.SavePhoto(ctx, in.Photo)
	if err != nil || !ok {
		return Stay, err
	}
	d.PhotoIDs = append(d.PhotoIDs, id)
	return Stay, nil
}

func promptAnonymous(ctx context.Context, t *Turn) (Prompt, error) {
	return Prompt{Text: t.T("complaint.ask.anonymous"), Options: []Option{
		{Label: t.T("button.complaint.named"), Value: "named"}, {Label: t.T("button.complaint.anonymous"), Value: "anonymous"}}}, nil
}

func handleAnonymous(ctx context.Context, t *Turn, in Input) (string, error) {
	return Done, submitComplaint(ctx, t, in.Choice == "anonymous")
}

// submitComplaint files the complaint and sends it on: a complaint about
// the staff to the supervisors only, any other to the acceptance center.
func submitComplaint(ctx context.Context, t *Turn, anonymous bool) error {
	d := kdraft(t)
	now := t.Deps.Now().In(t.Deps.Location)
	var by time.Time
	if t.Deps.ComplaintAnswerWithin > 0 {
		by = t.Deps.Calendar.Add(now, t.Deps.ComplaintAnswerWithin)
	}
	name := t.Update.UserName
	if t.Person.ID != 0 {
		name = t.Person.Name
	}
	k, err := t.Tx.CreateComplaint(ctx, store.NewComplaint{Platform: string(t.Update.Platform), UserID: t.Update.UserID,
		ChatID: t.Update.ChatID, ResidentName: name, Anonymous: anonymous, AboutStaff: d.Staff, AboutText: d.About,
		Description: d.Description, AlleyID: d.AlleyID, Lat: d.Lat, Lon: d.Lon, PhotoIDs: d.PhotoIDs, At: now, AnswerBy: by})
	if err != nil {
		return err
	}
	if d.Staff {
		t.Reply(t.T("complaint.filed.staff", "number", k.Number))
		return t.toSupervisors(ctx, k)
	}
	hours := int(t.Deps.ComplaintAnswerWithin.Hours())
	t.Reply(t.T("complaint.filed", "number", k.Number, "hours", hours))
	return t.complaintCard(ctx, k, "notify.complaint")
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
	where := k.AlleyName
	if where == "" {
		where = "—"
	}
	text := i18n.T(lang, "complaint.card", "number", k.Number, "what", k.Description, "where", where,
		"who", who, "photos", len(k.Photos), "at", FormatWhen(k.CreatedAt, loc))
	if k.AboutStaff {
		text += "\n" + i18n.T(lang, "complaint.card.about", "about", k.AboutText)
	}
	return text
}

func complaintButton(key string, action string, id int64) Button {
	return FamilyButton(key, "k", action, id)
}

// complaintCard puts a complaint before the acceptance center.
func (t *Turn) complaintCard(ctx context.Context, k store.Complaint, key string) error {
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
	return t.ToGroups(ctx, store.ChatCoordinators, audience.Scope{}, i18n.T(g, key, "card", complaintText(g, t.Deps.Location, k, false)), photo,
		complaintButton("button.complaint.case", "case", k.ID), complaintButton("button.complaint.answer", "answer", k.ID),
		complaintButton("button.complaint.reject", "reject", k.ID))
}

// toSupervisors sends a complaint about the staff to each supervisor
// privately: nobody else sees it.
func (t *Turn) toSupervisors(ctx context.Context, k store.Complaint) error {
	sups, err := t.Tx.PeopleWithRole(ctx, store.RoleSupervisor)
	if err != nil {
		return err
	}
	for _, s := range sups {
		msgs, err := t.Audience().Person(ctx, s.ID, func(lang i18n.Lang) bot.Message {
			return bot.Message{Text: i18n.T(lang, "notify.complaint.staff", "card", complaintText(lang, t.Deps.Location, k, true)),
				Buttons: Render(lang, []Button{complaintButton("button.complaint.settle", "settle", k.ID)})}
		})
		if err != nil {
			return err
		}
		t.Say(msgs...)
	}
	return nil
}

// ComplaintAction is a pressed complaint button: "k:<action>:<id>".
type ComplaintAction struct {
	Action string
	ID     int64
}

// ComplaintActions are the buttons of a complaint, for the permission table.
var ComplaintActions = []string{"case", "answer", "reject", "settle"}

// ParseComplaintAction reads a complaint button's data.
func ParseComplaintAction(data string) (ComplaintAction, bool) {
	a, id, ok := ParseButton(data, "k", ComplaintActions)
	return ComplaintAction{Action: a, ID: id}, ok
}

// ComplaintAct handles a pressed complaint button (the caller checked the
// role): the decision's flow starts, privately.
func (e *Engine) ComplaintAct(ctx context.Context, t *Turn, a ComplaintAction) error {
	k, err := t.Tx.ComplaintByID(ctx, a.ID)
	if errors.Is(err, store.ErrNotFound) {
		t.Reply(t.T("complaint.not_found"))
		return nil
	}
	if err != nil {
		return err
	}
	if k.Status != store.ComplaintOpen {
		t.Reply(t.T("complaint.decided", "number", k.Number, "status", t.T("complaint.status."+k.Status)))
		return nil
	}
	if (a.Action == "settle") != k.AboutStaff {
		t.Reply(t.T("complaint.decided", "number", k.Number, "status", t.T("complaint.status."+k.Status)))
		return nil
	}
	// Like a case card's: the center's buttons count in its group (or
	// privately), 记录处理结果 privately (it is sent to supervisors alone).
	home := store.ChatCoordinators
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
	return e.StartPrivately(ctx, t, e.flows["k"+a.Action], &ComplaintDecision{ComplaintID: k.ID})
}

// deciding puts the complaint above a decision's question (in the private
// chat the decision goes on in).
func deciding(ask func(context.Context, *Turn) (Prompt, error)) func(context.Context, *Turn) (Prompt, error) {
	return func(ctx context.Context, t *Turn) (Prompt, error) {
		k, err := t.Tx.ComplaintByID(ctx, t.Data.(*ComplaintDecision).ComplaintID)
		if err != nil {
			return Prompt{}, err
		}
		p, err := ask(ctx, t)
		p.Text = t.T("complaint.deciding", "card", complaintText(t.Lang, t.Deps.Location, k, k.AboutStaff)) + "\n\n" + p.Text
		return p, err
	}
}

// lockOpen locks the decision's complaint and checks that it is still open.
func (t *Turn) lockOpen(ctx context.Context) (store.Complaint, bool, error) {
	k, err := t.Tx.LockComplaint(ctx, t.Data.(*ComplaintDecision).ComplaintID)
	if err != nil {
		return k, false, err
	}
	if k.Status != store.ComplaintOpen {
		t.Reply(t.T("complaint.decided", "number", k.Number, "status", t.T("complaint.status."+k.Status)))
		return k, false, nil
	}
	return k, true, nil
}

// decideText records an answer, a refusal or a supervisor's outcome, and
// tells the resident.
func decideText(status string) func(context.Context, *Turn, Input) (string, error) {
	return func(ctx context.Context, t *Turn, in Input) (string, error) {
		text := strings.TrimSpace(in.Text)
		if !TextFits(t, text, 2, MaxReason) {
			return Stay, nil
		}
		k, ok, err := t.lockOpen(ctx)
		if err != nil || !ok {
			return Done, err
		}
		if err := t.Tx.DecideComplaint(ctx, k.ID, status, text, t.Person.ID, 0, t.Deps.Now()); err != nil {
			return "", err
		}
		t.Reply(t.T("complaint.done."+status, "number", k.Number))
		t.tellResident(k, "resident.complaint."+status, "number", k.Number, "text", text)
		return Done, nil
	}
}

// handleComplaintCase turns the complaint into a case of the chosen kind:
// the case goes to the center's queue like a steward's report, with the
// complaint's photos; the resident is told its number and will follow it.
func handleComplaintCase(ctx context.Context, t *Turn, in Input) (string, error) {
	_, cat, ok, err := Chosen(ctx, t, in.Choice, t.Tx.CategoryByID)
	if !ok {
		return Stay, err
	}
	k, ok, err := t.lockOpen(ctx)
	if err != nil || !ok {
		return Done, err
	}
	if !k.AlleyID.Valid {
		t.Reply(t.T("complaint.no_alley", "number", k.Number))
		return Done, nil
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
	if err := t.Tx.DecideComplaint(ctx, k.ID, store.ComplaintCase, "", t.Person.ID, c.ID, t.Deps.Now()); err != nil {
		return "", err
	}
	t.Reply(t.T("complaint.done.case", "complaint", k.Number, "number", c.Number))
	t.tellResident(k, "resident.complaint.case", "complaint", k.Number, "number", c.Number)
	view, err := t.Tx.CaseByID(ctx, c.ID)
	if err != nil {
		return "", err
	}
	return Done, t.centerCard(ctx, view, "notify.center")
}

// tellResident writes to the resident's private chat (in the catalog's
// default language: residents are not asked theirs).
func (t *Turn) tellResident(k store.Complaint, key string, args ...any) {
	if bot.Platform(k.Platform).Local() && bot.Platform(k.Platform) != t.Update.Platform {
		return
	}
	t.Say(bot.Message{Platform: bot.Platform(k.Platform), ChatID: k.ChatID, Recipient: k.ResidentName, Text: i18n.T(t.Deps.DefaultLang, key, args...)})
}

// tellComplainants tells the residents whose complaints became case c of
// its news; at the closing they are asked for the rating (once per
// closing, from their own account).
func (t *Turn) tellComplainants(ctx context.Context, c store.CaseView, key string, args ...any) error {
	ks, err := t.Tx.ComplaintsOfCase(ctx, c.ID)
	if err != nil {
		return err
	}
	rkey := "resident." + strings.TrimPrefix(key, "notify.")
	for _, k := range ks {
		if bot.Platform(k.Platform).Local() && bot.Platform(k.Platform) != t.Update.Platform {
			continue
		}
		m := bot.Message{Platform: bot.Platform(k.Platform), ChatID: k.ChatID, Recipient: k.ResidentName,
			Text: i18n.T(t.Deps.DefaultLang, rkey, append([]any{"number", c.Number, "complaint", k.Number}, args...)...)}
		if key == "notify.follower.closed" {
			m.Buttons = Render(t.Deps.DefaultLang, ratingButtons(c.ID))
		}
		t.Say(m)
	}
	return nil
}

// IsComplainant reports whether the speaker filed a complaint that became
// case caseID (a rating from them counts, in their private chat).
func (t *Turn) IsComplainant(ctx context.Context, caseID int64) (bool, error) {
	ks, err := t.Tx.ComplaintsOfCase(ctx, caseID)
	if err != nil {
		return false, err
	}
	for _, k := range ks {
		if k.Platform == string(t.Update.Platform) && k.UserID == t.Update.UserID {
			return true, nil
		}
	}
	return false, nil
}

// ComplaintList renders /complaints: the open complaints, oldest first,
// each as its card with the buttons the reader may press (may says which,
// by action), so a complaint whose card scrolled away is still handled. A
// complaint about the staff is listed to the supervisors only.
func ComplaintList(ctx context.Context, t *Turn, may func(action string) bool) error {
	staff := t.HasRole(store.RoleSupervisor) || t.HasRole(store.RoleAdmin)
	ks, n, err := t.Tx.OpenComplaints(ctx, staff, MaxListed)
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
		var bs []Button
		for _, a := range actions {
			if may(a) {
				bs = append(bs, complaintButton("button.complaint."+a, a, k.ID))
			}
		}
		t.Say(bot.Message{Platform: t.Update.Platform, ChatID: t.Update.ChatID, ChatTitle: t.Update.ChatTitle,
			Text: text, Buttons: Render(t.Lang, bs)})
	}
	if n > len(ks) {
		t.Reply(t.T("complaints.more", "n", n-len(ks)))
	}
	return nil
}

// OpenComplaintCount is how many complaints wait for the reader (/queue).
func OpenComplaintCount(ctx context.Context, t *Turn) (int, error) {
	_, n, err := t.Tx.OpenComplaints(ctx, t.HasRole(store.RoleSupervisor) || t.HasRole(store.RoleAdmin), 0)
	return n, err
}
