package conversations

import (
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/store"
)

// The case lifecycle of seed clauses 三(四)–(五). A case card in a chat
// carries action buttons whose data is "c:<action>:<id>[:<arg>]"; an action
// either acts at once (派单, 通过, 批准 …) or starts a short flow that asks
// what it needs (a reason, a date, photos) and acts at its end. Every action
// locks the case row and checks its state, so of two people pressing the
// same button one wins and the other is told the state it found.

// Case actions, by button.
const (
	ActDispatch = "dispatch" // coordinator: to the suggested department
	ActRedirect = "redirect" // coordinator: choose the lead department and copies
	ActReturn   = "return"   // coordinator: back to the steward with a reason
	ActMerge    = "merge"    // coordinator: a duplicate of an open case
	ActVerify   = "verify"   // department: verified on site, with a plan
	ActNotOurs  = "notours"  // department: not its duty, back to the center
	ActProgress = "progress" // department: progress with text and photos
	ActExtend   = "extend"   // department: ask for more time
	ActFixed    = "fixed"    // department: fixed, with after-photos
	ActPass     = "pass"     // steward: re-check passed, the case closes
	ActFail     = "fail"     // steward: not fixed, back to the department
	ActResubmit = "resubmit" // steward: a returned case, supplemented
	ActApprove  = "approve"  // coordinator: grant an extension (id is the request's)
	ActRefuse   = "refuse"   // coordinator: refuse an extension
	ActRate     = "rate"     // resident: satisfaction 1–5
	ActStill    = "still"    // resident: still a problem
)

// Actions lists every case action (for the permission table's test).
var Actions = []string{ActDispatch, ActRedirect, ActReturn, ActMerge, ActVerify, ActNotOurs, ActProgress, ActExtend,
	ActFixed, ActPass, ActFail, ActResubmit, ActApprove, ActRefuse, ActRate, ActStill}

// needState is the status an action acts on.
var needState = map[string]string{
	ActDispatch: store.StatusSubmitted, ActRedirect: store.StatusSubmitted, ActReturn: store.StatusSubmitted, ActMerge: store.StatusSubmitted,
	ActVerify: store.StatusDispatched, ActNotOurs: store.StatusDispatched,
	ActProgress: store.StatusVerified, ActExtend: store.StatusVerified, ActFixed: store.StatusVerified,
	ActPass: store.StatusFixed, ActFail: store.StatusFixed,
	ActResubmit: store.StatusReturned,
	ActRate:     store.StatusClosed, ActStill: store.StatusClosed,
	ActApprove: store.StatusVerified, ActRefuse: store.StatusVerified,
}

// CaseAction is a parsed case button.
type CaseAction struct {
	Action string
	ID     int64
	Arg    string
}

func caseData(action string, id int64, arg ...string) string {
	d := "c:" + action + ":" + strconv.FormatInt(id, 10)
	if len(arg) > 0 {
		d += ":" + arg[0]
	}
	return d
}

// ParseCaseAction reads a case button's data.
func ParseCaseAction(data string) (CaseAction, bool) {
	parts := strings.SplitN(data, ":", 4)
	if len(parts) < 3 || parts[0] != "c" {
		return CaseAction{}, false
	}
	id, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || !slices.Contains(Actions, parts[1]) {
		return CaseAction{}, false
	}
	a := CaseAction{Action: parts[1], ID: id}
	if len(parts) == 4 {
		a.Arg = parts[3]
	}
	return a, true
}

// CaseDraft is the state of the lifecycle flows.
type CaseDraft struct {
	CaseID int64     `json:"case_id"`
	Plan   string    `json:"plan,omitempty"`
	Date   time.Time `json:"date,omitempty"`
	Text   string    `json:"text,omitempty"`
	Photos []int64   `json:"photos,omitempty"`
	Lead   int64     `json:"lead,omitempty"`
	Copies []int64   `json:"copies,omitempty"`
}

func cdraft(s *Session) *CaseDraft { return s.Data.(*CaseDraft) }

// flowOf maps the actions that need a flow to it.
var flowOf = map[string]string{
	ActRedirect: "redirect", ActReturn: "return", ActMerge: "merge", ActVerify: "verify", ActNotOurs: "notours",
	ActProgress: "progress", ActExtend: "extend", ActFixed: "fixed", ActFail: "sendback", ActResubmit: "resubmit",
}

func lifecycleFlows() []*Flow {
	nd := func() any { return &CaseDraft{} }
	return []*Flow{
		{Name: "redirect", Title: "flow.redirect", NewData: nd, Steps: []Step{
			{Name: "lead", Accepts: Choice, Prompt: promptLead, Handle: handleLead},
			{Name: "copies", Accepts: Choice, Prompt: promptCopies, Handle: handleCopies},
		}},
		{Name: "return", Title: "flow.return", NewData: nd, Steps: []Step{
			textStep("reason", "case.ask.return_reason", func(s *Session) (string, error) { return Done, doReturn(s) }),
		}},
		{Name: "merge", Title: "flow.merge", NewData: nd, Steps: []Step{
			{Name: "target", Accepts: Text, Prompt: simplePrompt("case.ask.merge_target"), Handle: handleMergeTarget},
		}},
		{Name: "resubmit", Title: "flow.resubmit", NewData: nd, Steps: []Step{
			textStep("text", "case.ask.supplement", func(s *Session) (string, error) { return Done, doResubmit(s) }),
		}},
		{Name: "verify", Title: "flow.verify", NewData: nd, Steps: []Step{
			{Name: "plan", Accepts: Choice, Prompt: promptPlan, Handle: handlePlan},
			{Name: "date", Accepts: Text, Prompt: promptDate, Handle: handleVerifyDate},
			textStep("reason", "case.ask.beyond_reason", func(s *Session) (string, error) { return Done, doVerify(s) }),
		}},
		{Name: "notours", Title: "flow.notours", NewData: nd, Steps: []Step{
			textStep("reason", "case.ask.notours_reason", func(s *Session) (string, error) { return Done, doNotOurs(s) }),
		}},
		{Name: "progress", Title: "flow.progress", NewData: nd, Steps: []Step{
			textStep("text", "case.ask.progress", func(s *Session) (string, error) { return "photos", nil }),
			photosStep("photos", "case.ask.progress_photos", 0, func(s *Session) (string, error) { return Done, doProgress(s) }),
		}},
		{Name: "extend", Title: "flow.extend", NewData: nd, Steps: []Step{
			{Name: "date", Accepts: Text, Prompt: promptExtendDate, Handle: handleExtendDate},
			textStep("reason", "case.ask.extend_reason", func(s *Session) (string, error) { return Done, doExtend(s) }),
		}},
		{Name: "fixed", Title: "flow.fixed", NewData: nd, Steps: []Step{
			photosStep("photos", "case.ask.after_photos", 1, func(s *Session) (string, error) { return "note", nil }),
			{Name: "note", Accepts: Text | Choice, Prompt: promptSkippable("case.ask.fixed_note"), Handle: func(s *Session, in Input) (string, error) {
				if in.Kind == Text {
					cdraft(s).Text = strings.TrimSpace(in.Text)
				}
				return Done, doFixed(s)
			}},
		}},
		{Name: "sendback", Title: "flow.sendback", NewData: nd, Steps: []Step{
			textStep("reason", "case.ask.sendback_reason", func(s *Session) (string, error) { return "photo", nil }),
			photosStep("photo", "case.ask.check_photo", 0, func(s *Session) (string, error) { return Done, doSendBack(s) }),
		}},
	}
}

func simplePrompt(key string) func(*Session) (Prompt, error) {
	return func(s *Session) (Prompt, error) { return Prompt{Text: s.T(key, "number", s.caseNumber())}, nil }
}

func promptSkippable(key string) func(*Session) (Prompt, error) {
	return func(s *Session) (Prompt, error) {
		return Prompt{Text: s.T(key, "number", s.caseNumber()), Options: []Option{{Label: s.T("button.skip"), Value: "skip"}}}, nil
	}
}

// textStep asks for a reason or a note of at least two characters.
func textStep(name, key string, next func(*Session) (string, error)) Step {
	return Step{Name: name, Accepts: Text, Prompt: simplePrompt(key), Handle: func(s *Session, in Input) (string, error) {
		t := strings.TrimSpace(in.Text)
		if strings.HasPrefix(t, "/") {
			s.Reply(s.T("report.description.command", "cmd", strings.Fields(t)[0]))
			return Stay, nil
		}
		if utf8.RuneCountInString(t) < 2 {
			s.Reply(s.T("case.text_short"))
			return Stay, nil
		}
		d := cdraft(s)
		if d.Text == "" || name == "reason" && s.flow.Name == "verify" {
			d.Text = t
		} else {
			d.Text += "\n" + t
		}
		return next(s)
	}}
}

// photosStep collects up to 9 photos; min 0 makes them optional (跳过).
func photosStep(name, key string, min int, next func(*Session) (string, error)) Step {
	return Step{Name: name, Accepts: Photo | Choice, Hint: "report.photos.hint",
		Prompt: func(s *Session) (Prompt, error) {
			d := cdraft(s)
			if len(d.Photos) == 0 {
				p := Prompt{Text: s.T(key, "number", s.caseNumber())}
				if min == 0 {
					p.Options = []Option{{Label: s.T("button.skip"), Value: "done"}}
				}
				return p, nil
			}
			return Prompt{Text: s.T("report.photos.more", "n", len(d.Photos), "max", MaxPhotos),
				Options: []Option{{Label: s.T("button.done"), Value: "done"}}}, nil
		},
		Handle: func(s *Session, in Input) (string, error) {
			d := cdraft(s)
			if in.Kind == Choice {
				if len(d.Photos) < min {
					s.Reply(s.T("report.photos.need_one"))
					return Stay, nil
				}
				return next(s)
			}
			if len(d.Photos) >= MaxPhotos {
				s.Reply(s.T("report.photos.full", "max", MaxPhotos))
				return Stay, nil
			}
			id, ok, err := s.savePhoto(in.Photo)
			if err != nil || !ok {
				return Stay, err
			}
			d.Photos = append(d.Photos, id)
			return Stay, nil
		}}
}

// savePhoto records a photo (its reference now, its bytes now or later).
func (s *Session) savePhoto(p *bot.Photo) (int64, bool, error) {
	var tmp ReportDraft
	ok, err := addPhoto(s, &tmp, p)
	if err != nil || !ok {
		return 0, false, err
	}
	return tmp.PhotoIDs[0], true, nil
}

func (s *Session) caseNumber() string {
	if d, ok := s.Data.(*CaseDraft); ok && d.CaseID != 0 {
		var n string
		_ = s.Tx.GetContext(s, &n, `SELECT number FROM cases WHERE id = $1`, d.CaseID)
		return n
	}
	return ""
}

// Act handles a pressed case button. The caller has checked the role.
func (e *Engine) Act(s *Session, a CaseAction) error {
	if a.Action == ActApprove || a.Action == ActRefuse {
		return e.decideExtension(s, a)
	}
	c, ok, err := e.lockFor(s, a.ID, a.Action)
	if err != nil || !ok {
		return err
	}
	switch a.Action {
	case ActDispatch:
		if !c.DepartmentID.Valid {
			return e.startCaseFlow(s, "redirect", c.ID)
		}
		return doDispatch(s, c, c.DepartmentID.Int64, nil, false)
	case ActPass:
		return doPass(s, c)
	case ActRate, ActStill:
		return doRate(s, c, a)
	}
	if f, ok := flowOf[a.Action]; ok {
		return e.startCaseFlow(s, f, c.ID)
	}
	return fmt.Errorf("case action %q has no handler", a.Action)
}

// lockFor locks the case and checks that the action fits its state and the
// person's scope; a mismatch is told and acts on nothing.
func (e *Engine) lockFor(s *Session, id int64, action string) (store.CaseView, bool, error) {
	c, err := s.Store().LockCase(s, s.Tx, id)
	if errors.Is(err, store.ErrNotFound) {
		s.Reply(s.T("case.not_found", "number", strconv.FormatInt(id, 10)))
		return c, false, nil
	}
	if err != nil {
		return c, false, err
	}
	if want := needState[action]; want != "" && c.Status != want {
		if action == ActRate || action == ActStill {
			s.Reply(s.T("case.rate_closed", "number", c.Number))
		} else {
			s.Reply(s.T("case.wrong_state", "number", c.Number, "status", s.T("status."+c.Status), "action", s.T("action."+action)))
		}
		return c, false, nil
	}
	ok, err := s.inScope(c, action)
	if err != nil || !ok {
		return c, false, err
	}
	return c, true, nil
}

// inScope checks the person against the case: a department member acts
// only on its own department's cases; a re-check is for the reporter or a
// steward of that alley; a supplement for the reporter. Admins may do all.
func (s *Session) inScope(c store.CaseView, action string) (bool, error) {
	if s.hasRole("admin") {
		return true, nil
	}
	switch action {
	case ActVerify, ActNotOurs, ActProgress, ActExtend, ActFixed:
		ok, err := s.Store().InDepartment(s, s.Tx, s.Person.ID, c.DepartmentID.Int64)
		if err == nil && !ok {
			s.Reply(s.T("case.not_your_department", "number", c.Number, "department", c.DepartmentName))
		}
		return ok, err
	case ActPass, ActFail:
		if c.ReporterID.Int64 == s.Person.ID {
			return true, nil
		}
		ok, err := s.Store().PatrolsAlley(s, s.Tx, s.Person.ID, c.AlleyID.Int64)
		if err == nil && !ok {
			s.Reply(s.T("case.not_your_alley", "number", c.Number, "alley", c.AlleyName))
		}
		return ok, err
	case ActResubmit:
		if c.ReporterID.Int64 != s.Person.ID {
			s.Reply(s.T("case.not_your_case", "number", c.Number))
			return false, nil
		}
	}
	return true, nil
}

func (s *Session) hasRole(role string) bool {
	for _, r := range s.Roles {
		if r.Role == role {
			return true
		}
	}
	return false
}

// startCaseFlow starts a lifecycle flow about case id. A flow begun from
// a button in a group goes on in the person's private chat: the group is
// not cluttered, and a bot in Telegram's privacy mode would not see typed
// answers in a group anyway.
func (e *Engine) startCaseFlow(s *Session, name string, id int64) error {
	if s.Update.ChatKind == bot.Group {
		s.Reply(s.T("flow.moved_private", "name", s.Person.Name, "flow", s.T(e.flows[name].Title)))
		s.Update.ChatID = bot.PrivateChatID(s.Update.Platform, s.Update.UserID)
		s.Update.ChatKind, s.Update.ChatTitle = bot.Private, ""
	}
	busy, err := e.Active(s)
	if err != nil {
		return err
	}
	if busy {
		s.Reply(s.T("flow.busy", "flow", s.FlowTitle()))
		return e.prompt(s)
	}
	f := e.flows[name]
	s.flow, s.Data = f, &CaseDraft{CaseID: id}
	s.state = &store.ConversationState{Platform: s.Update.Platform, ChatID: s.Update.ChatID, UserID: s.Update.UserID,
		Flow: f.Name, Step: f.Steps[0].Name}
	return e.enter(s, f.Steps[0].Name, false)
}

// relock is the check at a flow's end: the case may have moved on while the
// person was typing.
func (s *Session) relock(action string) (store.CaseView, bool, error) {
	e := &Engine{deps: *s.Deps}
	return e.lockFor(s, cdraft(s).CaseID, action)
}

// event appends to the timeline and attaches photos to it.
func (s *Session) event(c store.CaseView, kind, note string, data map[string]any, photoKind string, photos []int64) (int64, error) {
	id, err := s.Store().AddCaseEvent(s, s.Tx, c.ID, s.Person.ID, kind, note, data)
	if err != nil {
		return 0, err
	}
	if len(photos) > 0 {
		if err := s.Store().AttachPhotos(s, s.Tx, c.ID, id, photoKind, photos); err != nil {
			return 0, err
		}
	}
	return id, nil
}

func (s *Session) reload(id int64) (store.CaseView, error) { return s.Store().CaseByID(s, s.Tx, id) }

// --- 派单 -----------------------------------------------------------------

func doDispatch(s *Session, c store.CaseView, lead int64, copies []int64, redirected bool) error {
	cat, err := s.leadCategory(c.ID)
	if err != nil {
		return err
	}
	cal, now := s.Deps.Calendar, s.Deps.Now()
	verifyBy := cal.Add(now, time.Duration(cat.VerifyWithinMinutes)*time.Minute)
	fixBy := cal.Add(now, time.Duration(cat.FixWithinMinutes)*time.Minute)
	if err := s.Store().Dispatch(s, s.Tx, c.ID, lead, copies, now, verifyBy, fixBy); err != nil {
		return err
	}
	dept, err := s.Store().DepartmentByID(s, s.Tx, lead)
	if err != nil {
		return err
	}
	var copyNames []string
	for _, d := range copies {
		if d == lead {
			continue
		}
		cd, err := s.Store().DepartmentByID(s, s.Tx, d)
		if err != nil {
			return err
		}
		copyNames = append(copyNames, cd.Name)
	}
	if _, err := s.event(c, "dispatched", dept.Name, map[string]any{"department": lead, "copies": copies,
		"verify_by": verifyBy, "fix_by": fixBy}, "", nil); err != nil {
		return err
	}
	c, err = s.reload(c.ID)
	if err != nil {
		return err
	}
	g := s.Deps.DefaultLang
	s.Reply(s.T("case.dispatched", "number", c.Number, "department", dept.Name, "verify_by", s.when(verifyBy), "fix_by", s.when(fixBy)))
	if err := s.ToChats("department", 0, lead, i18n.T(g, "notify.dispatched", "summary", CaseSummary(g, s.Deps.Location, c),
		"verify_by", s.when(verifyBy), "fix_by", s.when(fixBy)), nil,
		Option{Label: i18n.T(g, "button.verify"), Data: caseData(ActVerify, c.ID)},
		Option{Label: i18n.T(g, "button.notours"), Data: caseData(ActNotOurs, c.ID)}); err != nil {
		return err
	}
	for _, d := range copies {
		if d != lead {
			if err := s.ToChats("department", 0, d, i18n.T(g, "notify.copied", "number", c.Number, "department", dept.Name,
				"summary", CaseSummary(g, s.Deps.Location, c)), nil); err != nil {
				return err
			}
		}
	}
	_ = copyNames
	return s.tellFollowers(c, "notify.follower.dispatched", "department", dept.Name, "verify_by", s.when(verifyBy))
}

func (s *Session) leadCategory(caseID int64) (store.Category, error) {
	var id int64
	if err := s.Tx.GetContext(s, &id, `SELECT category_id FROM case_categories WHERE case_id = $1 ORDER BY lead DESC, category_id LIMIT 1`, caseID); err != nil {
		return store.Category{}, err
	}
	return s.Store().CategoryByID(s, s.Tx, id)
}

// when formats a clock for people.
func (s *Session) when(t time.Time) string { return t.In(s.Deps.Location).Format("01-02 15:04") }

func promptLead(s *Session) (Prompt, error) {
	ds, err := s.Store().Departments(s, s.Tx)
	if err != nil {
		return Prompt{}, err
	}
	p := Prompt{Text: s.T("case.ask.lead", "number", s.caseNumber())}
	for _, d := range ds {
		p.Options = append(p.Options, Option{Label: d.Name, Value: strconv.FormatInt(d.ID, 10)})
	}
	return p, nil
}

func handleLead(s *Session, in Input) (string, error) {
	id, _ := strconv.ParseInt(in.Choice, 10, 64)
	if _, err := s.Store().DepartmentByID(s, s.Tx, id); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			s.Reply(s.T("flow.hint.choice"))
			return Stay, nil
		}
		return "", err
	}
	cdraft(s).Lead = id
	return "copies", nil
}

func promptCopies(s *Session) (Prompt, error) {
	ds, err := s.Store().Departments(s, s.Tx)
	if err != nil {
		return Prompt{}, err
	}
	d := cdraft(s)
	p := Prompt{Text: s.T("case.ask.copies")}
	for _, dep := range ds {
		if dep.ID == d.Lead {
			continue
		}
		label := dep.Name
		if slices.Contains(d.Copies, dep.ID) {
			label = "✓ " + label
		}
		p.Options = append(p.Options, Option{Label: label, Value: strconv.FormatInt(dep.ID, 10)})
	}
	p.Options = append(p.Options, Option{Label: s.T("button.done"), Value: "done"})
	return p, nil
}

func handleCopies(s *Session, in Input) (string, error) {
	d := cdraft(s)
	if in.Choice == "done" {
		c, ok, err := s.relock(ActRedirect)
		if err != nil || !ok {
			return Done, err
		}
		return Done, doDispatch(s, c, d.Lead, d.Copies, true)
	}
	id, _ := strconv.ParseInt(in.Choice, 10, 64)
	if i := slices.Index(d.Copies, id); i >= 0 {
		d.Copies = slices.Delete(d.Copies, i, i+1)
	} else if id != 0 && id != d.Lead {
		d.Copies = append(d.Copies, id)
	}
	return Stay, nil
}

// --- 退回, 补充 -------------------------------------------------------------

func doReturn(s *Session) error {
	c, ok, err := s.relock(ActReturn)
	if err != nil || !ok {
		return err
	}
	reason := cdraft(s).Text
	if err := s.Store().SetStatus(s, s.Tx, c.ID, store.StatusReturned); err != nil {
		return err
	}
	if _, err := s.event(c, "returned", reason, nil, "", nil); err != nil {
		return err
	}
	s.Reply(s.T("case.returned.done", "number", c.Number))
	if c.ReporterID.Valid {
		return s.ToPerson(c.ReporterID.Int64, "case.returned.reporter", []any{"number", c.Number, "reason", reason},
			[]Option{{Label: "button.resubmit", Data: caseData(ActResubmit, c.ID)}}, nil)
	}
	return nil
}

func doResubmit(s *Session) error {
	c, ok, err := s.relock(ActResubmit)
	if err != nil || !ok {
		return err
	}
	text := cdraft(s).Text
	if _, err := s.Tx.ExecContext(s, `UPDATE cases SET description = description || E'\n' || $2 WHERE id = $1`, c.ID, text); err != nil {
		return err
	}
	if err := s.Store().SetStatus(s, s.Tx, c.ID, store.StatusSubmitted); err != nil {
		return err
	}
	if _, err := s.event(c, "resubmitted", text, nil, "", nil); err != nil {
		return err
	}
	s.Reply(s.T("case.resubmitted", "number", c.Number))
	c, err = s.reload(c.ID)
	if err != nil {
		return err
	}
	return s.centerCard(c, "notify.center.resubmitted")
}

// centerCard puts a case before the acceptance center with its dispatch buttons.
func (s *Session) centerCard(c store.CaseView, key string) error {
	g := s.Deps.DefaultLang
	var opts []Option
	if c.DepartmentID.Valid {
		opts = append(opts, Option{Label: i18n.T(g, "button.dispatch_to", "department", c.DepartmentName), Data: caseData(ActDispatch, c.ID)})
	}
	opts = append(opts,
		Option{Label: i18n.T(g, "button.redirect"), Data: caseData(ActRedirect, c.ID)},
		Option{Label: i18n.T(g, "button.return"), Data: caseData(ActReturn, c.ID)},
		Option{Label: i18n.T(g, "button.merge"), Data: caseData(ActMerge, c.ID)})
	return s.ToChats("coordinators", 0, 0, i18n.T(g, key, "summary", CaseSummary(g, s.Deps.Location, c)), nil, opts...)
}

// --- 合并 -----------------------------------------------------------------

var caseNumberRe = regexp.MustCompile(`\d{4}-\d{6}`)

func handleMergeTarget(s *Session, in Input) (string, error) {
	number := caseNumberRe.FindString(in.Text)
	if number == "" {
		s.Reply(s.T("case.usage"))
		return Stay, nil
	}
	c, ok, err := s.relock(ActMerge)
	if err != nil || !ok {
		return Done, err
	}
	target, err := s.Store().CaseByNumber(s, s.Tx, number)
	if errors.Is(err, store.ErrNotFound) {
		s.Reply(s.T("case.not_found", "number", number))
		return Stay, nil
	}
	if err != nil {
		return "", err
	}
	if target.ID == c.ID || target.ClosedAt.Valid {
		s.Reply(s.T("case.merge.bad_target", "number", number, "status", s.T("status."+target.Status)))
		return Stay, nil
	}
	if err := s.Store().SetMerged(s, s.Tx, c.ID, target.ID); err != nil {
		return "", err
	}
	if _, err := s.event(c, "merged", target.Number, map[string]any{"into": target.ID}, "", nil); err != nil {
		return "", err
	}
	if _, err := s.Store().AddCaseEvent(s, s.Tx, target.ID, s.Person.ID, "duplicate_merged", c.Number, nil); err != nil {
		return "", err
	}
	if c.ReporterID.Valid {
		if err := s.Store().Subscribe(s, s.Tx, target.ID, c.ReporterID.Int64); err != nil {
			return "", err
		}
		if err := s.ToPerson(c.ReporterID.Int64, "case.merged.reporter", []any{"number", c.Number, "target", target.Number}, nil, nil); err != nil {
			return "", err
		}
	}
	s.Reply(s.T("case.merged.done", "number", c.Number, "target", target.Number))
	return Done, nil
}

// --- 核实 -----------------------------------------------------------------

func promptPlan(s *Session) (Prompt, error) {
	return Prompt{Text: s.T("case.ask.plan", "number", s.caseNumber()), Options: []Option{
		{Label: s.T("button.plan_now"), Value: "now"},
		{Label: s.T("button.plan_by_date"), Value: "by_date"},
	}}, nil
}

func handlePlan(s *Session, in Input) (string, error) {
	d := cdraft(s)
	switch in.Choice {
	case "now":
		d.Plan = "now"
		return Done, doVerify(s)
	case "by_date":
		d.Plan = "by_date"
		return "date", nil
	}
	s.Reply(s.T("flow.hint.choice"))
	return Stay, nil
}

// dateRange is the span a department may promise: today to the category limit.
func (s *Session) dateRange() (time.Time, time.Time, error) {
	var limit sql.NullTime
	if err := s.Tx.GetContext(s, &limit, `SELECT fix_limit FROM cases WHERE id = $1`, cdraft(s).CaseID); err != nil {
		return time.Time{}, time.Time{}, err
	}
	return s.Deps.Now(), limit.Time, nil
}

func promptDate(s *Session) (Prompt, error) {
	from, to, err := s.dateRange()
	if err != nil {
		return Prompt{}, err
	}
	return Prompt{Text: s.T("case.ask.date", "from", s.day(from), "to", s.day(to))}, nil
}

func (s *Session) day(t time.Time) string { return t.In(s.Deps.Location).Format("01-02") }

func handleVerifyDate(s *Session, in Input) (string, error) {
	from, to, err := s.dateRange()
	if err != nil {
		return "", err
	}
	day, ok := ParseDay(in.Text, s.Deps.Now(), s.Deps.Location)
	if !ok {
		s.Reply(s.T("case.date.bad", "from", s.day(from), "to", s.day(to)))
		return Stay, nil
	}
	end := s.Deps.Calendar.EndOfDay(day)
	if end.Before(from) {
		s.Reply(s.T("case.date.past", "from", s.day(from), "to", s.day(to)))
		return Stay, nil
	}
	d := cdraft(s)
	d.Date = end
	if end.After(s.Deps.Calendar.EndOfDay(to)) {
		s.Reply(s.T("case.date.beyond", "to", s.day(to)))
		return "reason", nil
	}
	return Done, doVerify(s)
}

func doVerify(s *Session) error {
	c, ok, err := s.relock(ActVerify)
	if err != nil || !ok {
		return err
	}
	d := cdraft(s)
	fixBy := c.FixBy.Time
	if d.Plan == "by_date" {
		fixBy = d.Date
	}
	if err := s.Store().SetVerified(s, s.Tx, c.ID, d.Plan, s.Deps.Now(), fixBy); err != nil {
		return err
	}
	note := s.T("plan."+d.Plan, "date", s.when(fixBy))
	if d.Text != "" {
		note += "(" + d.Text + ")"
	}
	if _, err := s.event(c, "verified", note, map[string]any{"plan": d.Plan, "fix_by": fixBy, "reason": d.Text}, "", nil); err != nil {
		return err
	}
	g := s.Deps.DefaultLang
	s.Reply(s.T("case.verified.done", "number", c.Number, "fix_by", s.when(fixBy)))
	if err := s.ToChats("department", 0, c.DepartmentID.Int64, i18n.T(g, "notify.verified", "number", c.Number,
		"plan", i18n.T(g, "plan."+d.Plan, "date", s.when(fixBy)), "fix_by", s.when(fixBy)), nil, s.deptButtons(c.ID)...); err != nil {
		return err
	}
	return s.tellFollowers(c, "notify.follower.verified", "plan", note, "fix_by", s.when(fixBy))
}

func (s *Session) deptButtons(id int64) []Option {
	g := s.Deps.DefaultLang
	return []Option{
		{Label: i18n.T(g, "button.progress"), Data: caseData(ActProgress, id)},
		{Label: i18n.T(g, "button.extend"), Data: caseData(ActExtend, id)},
		{Label: i18n.T(g, "button.fixed"), Data: caseData(ActFixed, id)},
	}
}

// --- 非本部门职责 -----------------------------------------------------------

func doNotOurs(s *Session) error {
	c, ok, err := s.relock(ActNotOurs)
	if err != nil || !ok {
		return err
	}
	reason := cdraft(s).Text
	if err := s.Store().SetStatus(s, s.Tx, c.ID, store.StatusSubmitted); err != nil {
		return err
	}
	// The center should not be offered 派单 straight back to the department
	// that refused it: it chooses another (改派).
	if err := s.Store().ClearDepartment(s, s.Tx, c.ID); err != nil {
		return err
	}
	if _, err := s.event(c, "not_ours", reason, map[string]any{"department": c.DepartmentID.Int64}, "", nil); err != nil {
		return err
	}
	s.Reply(s.T("case.notours.done", "number", c.Number))
	c, err = s.reload(c.ID)
	if err != nil {
		return err
	}
	return s.centerCard(c, "notify.center.notours")
}

// --- 进展 -----------------------------------------------------------------

func doProgress(s *Session) error {
	c, ok, err := s.relock(ActProgress)
	if err != nil || !ok {
		return err
	}
	d := cdraft(s)
	if _, err := s.event(c, "progress", d.Text, map[string]any{"photos": len(d.Photos)}, "progress", d.Photos); err != nil {
		return err
	}
	s.Reply(s.T("case.progress.done", "number", c.Number))
	photo, err := s.photoByID(d.Photos)
	if err != nil {
		return err
	}
	g := s.Deps.DefaultLang
	text := i18n.T(g, "notify.progress", "number", c.Number, "department", c.DepartmentName, "alley", c.AlleyName, "text", d.Text)
	if err := s.ToChats("resident", c.CommunityID.Int64, 0, text, photo); err != nil {
		return err
	}
	return s.tellFollowers(c, "notify.follower.progress", "text", d.Text)
}

func (s *Session) photoByID(ids []int64) (*bot.Photo, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	ps, err := s.Store().PhotosByIDs(s, s.Tx, ids[:1])
	if err != nil || len(ps) == 0 {
		return nil, err
	}
	return s.botPhoto(ps[0])
}

// --- 延期 -----------------------------------------------------------------

func promptExtendDate(s *Session) (Prompt, error) {
	var fixBy sql.NullTime
	if err := s.Tx.GetContext(s, &fixBy, `SELECT fix_by FROM cases WHERE id = $1`, cdraft(s).CaseID); err != nil {
		return Prompt{}, err
	}
	return Prompt{Text: s.T("case.ask.extend_date", "number", s.caseNumber(), "fix_by", s.when(fixBy.Time))}, nil
}

func handleExtendDate(s *Session, in Input) (string, error) {
	var fixBy sql.NullTime
	if err := s.Tx.GetContext(s, &fixBy, `SELECT fix_by FROM cases WHERE id = $1`, cdraft(s).CaseID); err != nil {
		return "", err
	}
	day, ok := ParseDay(in.Text, s.Deps.Now(), s.Deps.Location)
	if !ok {
		s.Reply(s.T("case.date.bad_extend", "fix_by", s.when(fixBy.Time)))
		return Stay, nil
	}
	end := s.Deps.Calendar.EndOfDay(day)
	if !end.After(fixBy.Time) {
		s.Reply(s.T("case.date.not_later", "fix_by", s.when(fixBy.Time)))
		return Stay, nil
	}
	cdraft(s).Date = end
	return "reason", nil
}

func doExtend(s *Session) error {
	c, ok, err := s.relock(ActExtend)
	if err != nil || !ok {
		return err
	}
	d := cdraft(s)
	extID, err := s.Store().RequestExtension(s, s.Tx, c.ID, s.Person.ID, d.Date, d.Text)
	if errors.Is(err, store.ErrPendingExtension) {
		s.Reply(s.T("case.extend.pending", "number", c.Number))
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := s.event(c, "extension_requested", d.Text, map[string]any{"until": d.Date}, "", nil); err != nil {
		return err
	}
	s.Reply(s.T("case.extend.requested", "number", c.Number, "until", s.when(d.Date)))
	g := s.Deps.DefaultLang
	return s.ToChats("coordinators", 0, 0, i18n.T(g, "notify.extension", "number", c.Number, "department", c.DepartmentName,
		"fix_by", s.when(c.FixBy.Time), "until", s.when(d.Date), "reason", d.Text), nil,
		Option{Label: i18n.T(g, "button.approve"), Data: caseData(ActApprove, extID)},
		Option{Label: i18n.T(g, "button.refuse"), Data: caseData(ActRefuse, extID)})
}

func (e *Engine) decideExtension(s *Session, a CaseAction) error {
	ext, err := s.Store().LockExtension(s, s.Tx, a.ID)
	if errors.Is(err, store.ErrNotFound) {
		s.Reply(s.T("case.extend.unknown"))
		return nil
	}
	if err != nil {
		return err
	}
	c, ok, err := e.lockFor(s, ext.CaseID, a.Action)
	if err != nil || !ok {
		return err
	}
	if ext.Status != "pending" {
		s.Reply(s.T("case.extend.decided", "number", c.Number, "status", s.T("extension."+ext.Status)))
		return nil
	}
	status, kind := "approved", "extension_approved"
	if a.Action == ActRefuse {
		status, kind = "refused", "extension_refused"
	}
	if err := s.Store().DecideExtension(s, s.Tx, ext.ID, status, s.Person.ID); err != nil {
		return err
	}
	if status == "approved" {
		if err := s.Store().SetFixBy(s, s.Tx, c.ID, ext.Until); err != nil {
			return err
		}
	}
	if _, err := s.event(c, kind, s.when(ext.Until), map[string]any{"until": ext.Until}, "", nil); err != nil {
		return err
	}
	s.Reply(s.T("case.extend."+status, "number", c.Number, "until", s.when(ext.Until)))
	g := s.Deps.DefaultLang
	return s.ToChats("department", 0, c.DepartmentID.Int64, i18n.T(g, "notify.extension."+status, "number", c.Number,
		"until", s.when(ext.Until), "fix_by", s.when(c.FixBy.Time)), nil)
}

// --- 已整改, 复核 -----------------------------------------------------------

func doFixed(s *Session) error {
	c, ok, err := s.relock(ActFixed)
	if err != nil || !ok {
		return err
	}
	d := cdraft(s)
	if err := s.Store().SetFixed(s, s.Tx, c.ID, s.Deps.Now()); err != nil {
		return err
	}
	if _, err := s.event(c, "fixed", d.Text, map[string]any{"photos": len(d.Photos)}, "after", d.Photos); err != nil {
		return err
	}
	s.Reply(s.T("case.fixed.done", "number", c.Number))
	photo, err := s.photoByID(d.Photos)
	if err != nil {
		return err
	}
	opts := []Option{{Label: "button.pass", Data: caseData(ActPass, c.ID)}, {Label: "button.fail", Data: caseData(ActFail, c.ID)}}
	args := []any{"number", c.Number, "department", c.DepartmentName, "alley", c.AlleyName, "note", d.Text}
	if c.ReporterID.Valid {
		ok, err := s.reachable(c.ReporterID.Int64)
		if err != nil {
			return err
		}
		if ok {
			return s.ToPerson(c.ReporterID.Int64, "case.recheck", args, opts, photo)
		}
	}
	// The reporter cannot be reached (deactivated, or never bound): the
	// stewards of that alley re-check instead.
	stewards, err := s.Store().StewardsOfAlley(s, s.Tx, c.AlleyID.Int64)
	if err != nil {
		return err
	}
	for _, p := range stewards {
		if err := s.ToPerson(p.ID, "case.recheck", args, opts, photo); err != nil {
			return err
		}
	}
	return nil
}

// reachable: an active person the bot can write to (a console session
// reaches everyone; elsewhere they need a bound account).
func (s *Session) reachable(personID int64) (bool, error) {
	p, err := s.Store().PersonByID(s, s.Tx, personID)
	if err != nil || !p.Active {
		return false, err
	}
	if s.Update.Platform == bot.Console {
		return true, nil
	}
	ids, err := s.Store().IdentitiesOf(s, s.Tx, personID)
	return len(ids) > 0, err
}

func doPass(s *Session, c store.CaseView) error {
	if err := s.Store().SetStatus(s, s.Tx, c.ID, store.StatusClosed); err != nil {
		return err
	}
	if _, err := s.event(c, "rechecked", "", nil, "", nil); err != nil {
		return err
	}
	if _, err := s.event(c, "closed", "", nil, "", nil); err != nil {
		return err
	}
	s.Reply(s.T("case.closed.done", "number", c.Number))
	c, err := s.reload(c.ID)
	if err != nil {
		return err
	}
	// Residents are told, with the before and after photos and a question.
	photos, err := s.Store().CasePhotos(s, s.Tx, c.ID)
	if err != nil {
		return err
	}
	var before, after *bot.Photo
	for _, p := range photos {
		if p.Kind == "before" && before == nil {
			if before, err = s.botPhoto(p); err != nil {
				return err
			}
		}
		if p.Kind == "after" && after == nil {
			if after, err = s.botPhoto(p); err != nil {
				return err
			}
		}
	}
	g := s.Deps.DefaultLang
	if before != nil {
		if err := s.ToChats("resident", c.CommunityID.Int64, 0, i18n.T(g, "notify.before", "number", c.Number), before); err != nil {
			return err
		}
	}
	var opts []Option
	for i := 1; i <= 5; i++ {
		opts = append(opts, Option{Label: strings.Repeat("★", i), Data: caseData(ActRate, c.ID, strconv.Itoa(i))})
	}
	opts = append(opts, Option{Label: i18n.T(g, "button.still"), Data: caseData(ActStill, c.ID)})
	if err := s.ToChats("resident", c.CommunityID.Int64, 0, i18n.T(g, "notify.closed", "summary", CaseSummary(g, s.Deps.Location, c)), after, opts...); err != nil {
		return err
	}
	return s.tellFollowers(c, "notify.follower.closed")
}

func doSendBack(s *Session) error {
	c, ok, err := s.relock(ActFail)
	if err != nil || !ok {
		return err
	}
	d := cdraft(s)
	n, err := s.Store().SendBack(s, s.Tx, c.ID)
	if err != nil {
		return err
	}
	// The fix clock stood still while the case waited for this re-check:
	// the department gets back the working time it had left when it said
	// fixed (none, if it was already late).
	if c.FixedAt.Valid && c.FixBy.Valid {
		cal := s.Deps.Calendar
		fixBy := cal.Add(s.Deps.Now(), cal.Between(c.FixedAt.Time, c.FixBy.Time))
		if !c.FixBy.Time.After(c.FixedAt.Time) {
			fixBy = c.FixBy.Time
		}
		if err := s.Store().SetFixBy(s, s.Tx, c.ID, fixBy); err != nil {
			return err
		}
		c.FixBy.Time = fixBy
	}
	if _, err := s.event(c, "sent_back", d.Text, map[string]any{"count": n}, "check", d.Photos); err != nil {
		return err
	}
	s.Reply(s.T("case.sentback.done", "number", c.Number, "n", n))
	photo, err := s.photoByID(d.Photos)
	if err != nil {
		return err
	}
	g := s.Deps.DefaultLang
	if err := s.ToChats("department", 0, c.DepartmentID.Int64, i18n.T(g, "notify.sentback", "number", c.Number, "n", n,
		"reason", d.Text, "fix_by", s.when(c.FixBy.Time)), photo, s.deptButtons(c.ID)...); err != nil {
		return err
	}
	if n >= s.Deps.MaxSendbacks && !c.Escalated {
		if err := s.Store().SetEscalated(s, s.Tx, c.ID); err != nil {
			return err
		}
		if _, err := s.event(c, "escalated", strconv.Itoa(n), nil, "", nil); err != nil {
			return err
		}
		sups, err := s.Store().PeopleWithRole(s, s.Tx, "supervisor")
		if err != nil {
			return err
		}
		c, err = s.reload(c.ID)
		if err != nil {
			return err
		}
		for _, p := range sups {
			if err := s.ToPerson(p.ID, "notify.escalated", []any{"number", c.Number, "n", n, "department", c.DepartmentName,
				"summary", CaseSummary(i18n.Parse(p.Lang, g), s.Deps.Location, c)}, nil, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// --- 居民评价 ---------------------------------------------------------------

func doRate(s *Session, c store.CaseView, a CaseAction) error {
	score, _ := strconv.Atoi(a.Arg)
	still := a.Action == ActStill
	if !still && (score < 1 || score > 5) {
		s.Reply(s.T("flow.hint.choice"))
		return nil
	}
	first, err := s.Store().Rate(s, s.Tx, c.ID, s.Update.Platform, s.Update.UserID, score, still)
	if err != nil {
		return err
	}
	if !first {
		s.Reply(s.T("case.rate.again"))
		return nil
	}
	if _, err := s.Store().AddCaseEvent(s, s.Tx, c.ID, s.Person.ID, "rated", "", map[string]any{"score": score, "still_problem": still}); err != nil {
		return err
	}
	if !still && score > s.Deps.LowScore {
		s.Reply(s.T("case.rate.thanks", "number", c.Number))
		return nil
	}
	// A low score or "still a problem" reopens the case to the center.
	if err := s.Store().SetStatus(s, s.Tx, c.ID, store.StatusSubmitted); err != nil {
		return err
	}
	note := s.T("case.reopen.still")
	if !still {
		note = s.T("case.reopen.score", "score", score)
	}
	if _, err := s.Store().AddCaseEvent(s, s.Tx, c.ID, s.Person.ID, "reopened", note, nil); err != nil {
		return err
	}
	s.Reply(s.T("case.rate.reopened", "number", c.Number))
	c, err = s.reload(c.ID)
	if err != nil {
		return err
	}
	if err := s.centerCard(c, "notify.center.reopened"); err != nil {
		return err
	}
	return s.tellFollowers(c, "notify.follower.reopened", "reason", note)
}

// --- 通知 -----------------------------------------------------------------

// ToPerson says a catalog message to a person in their own language, where
// they can be reached: the console in a console session, else each bound
// account. Option labels are catalog keys, rendered in that language.
func (s *Session) ToPerson(personID int64, key string, args []any, opts []Option, photo *bot.Photo) error {
	p, err := s.Store().PersonByID(s, s.Tx, personID)
	if err != nil {
		return err
	}
	lang := i18n.Parse(p.Lang, s.Deps.DefaultLang)
	text := i18n.T(lang, key, args...)
	var rendered []Option
	for _, o := range opts {
		o.Label = i18n.T(lang, o.Label)
		rendered = append(rendered, o)
	}
	buttons := s.buttons(rendered)
	if s.Update.Platform == bot.Console {
		s.Say(bot.Message{Platform: bot.Console, ChatID: bot.ConsoleChatID(p.Code), Recipient: p.Name, Text: text, Buttons: buttons, Photo: photo})
	}
	ids, err := s.Store().IdentitiesOf(s, s.Tx, personID)
	if err != nil {
		return err
	}
	s.Out = append(s.Out, bot.ToAccounts(ids, bot.Message{Recipient: p.Name, Text: text, Buttons: buttons, Photo: photo})...)
	return nil
}

// tellFollowers tells the reporter and subscribers (but not the person acting).
func (s *Session) tellFollowers(c store.CaseView, key string, args ...any) error {
	ids, err := s.Store().Followers(s, s.Tx, c.ID)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if id == s.Person.ID {
			continue
		}
		if err := s.ToPerson(id, key, append([]any{"number", c.Number}, args...), nil, nil); err != nil {
			return err
		}
	}
	return nil
}

// --- 日期 -----------------------------------------------------------------

var dayRes = []*regexp.Regexp{
	regexp.MustCompile(`^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号]?$`),
	regexp.MustCompile(`^(\d{1,2})[-/.月](\d{1,2})[日号]?$`),
}

// ParseDay reads a day as people write it: 2026-12-05, 2026/12/5,
// 12-05, 12/5, 12月5日. A day without a year is this year's, or next
// year's when that is more than half a year behind.
func ParseDay(text string, now time.Time, loc *time.Location) (time.Time, bool) {
	t := strings.TrimSpace(strings.NewReplacer("-", "-", "/", "/", "。", "").Replace(text))
	now = now.In(loc)
	var y, m, d int
	if g := dayRes[0].FindStringSubmatch(t); g != nil {
		y, _ = strconv.Atoi(g[1])
		m, _ = strconv.Atoi(g[2])
		d, _ = strconv.Atoi(g[3])
	} else if g := dayRes[1].FindStringSubmatch(t); g != nil {
		y = now.Year()
		m, _ = strconv.Atoi(g[1])
		d, _ = strconv.Atoi(g[2])
		if time.Date(y, time.Month(m), d, 0, 0, 0, 0, loc).Before(now.AddDate(0, -6, 0)) {
			y++
		}
	} else {
		return time.Time{}, false
	}
	day := time.Date(y, time.Month(m), d, 12, 0, 0, 0, loc)
	if day.Month() != time.Month(m) || day.Day() != d { // 2-30 and the like
		return time.Time{}, false
	}
	return day, true
}
