package handlers

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/flows/cases"
	"github.com/alleybot/alleybot/flows/complaints"
	"github.com/alleybot/alleybot/flows/ledger"
	"github.com/alleybot/alleybot/flows/patrols"
	"github.com/alleybot/alleybot/flows/scores"
	"github.com/alleybot/alleybot/flows/trainings"
	"github.com/alleybot/alleybot/flows/weblogin"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// Command is one slash command; who may use it is in permissions.go.
type Command struct {
	Name    string
	Aliases []string
	Desc    string // catalog key
	Flow    string // a command that starts a flow
	Run     func(ctx context.Context, t *conversations.Turn) error
}

func (r *Router) commandTable() []Command {
	return []Command{
		{Name: "start", Desc: "cmd.start", Run: r.cmdStart},
		{Name: "help", Aliases: []string{"帮助"}, Desc: "cmd.help", Run: r.cmdHelp},
		{Name: "whoami", Aliases: []string{"我是谁"}, Desc: "cmd.whoami", Run: r.cmdWhoami},
		{Name: "lang", Aliases: []string{"language", "语言"}, Desc: "cmd.lang", Run: r.cmdLang},
		{Name: "report", Aliases: []string{"上报"}, Desc: "cmd.report", Flow: "report"},
		{Name: "mycases", Aliases: []string{"我的案件"}, Desc: "cmd.mycases", Run: r.cmdMyCases},
		{Name: "complain", Aliases: []string{"投诉"}, Desc: "cmd.complain", Run: r.cmdComplain},
		{Name: "contact", Aliases: []string{"联系方式"}, Desc: "cmd.contact", Run: r.cmdContact},
		{Name: "training", Aliases: []string{"培训"}, Desc: "cmd.training", Flow: "training"},
		{Name: "trainings", Aliases: []string{"培训情况"}, Desc: "cmd.trainings", Run: r.cmdTrainings},
		{Name: "mytrainings", Aliases: []string{"我的培训"}, Desc: "cmd.mytrainings", Run: r.cmdMyTrainings},
		{Name: "ask", Aliases: []string{"提问"}, Desc: "cmd.ask", Flow: "ask"},
		{Name: "notice", Aliases: []string{"发通知"}, Desc: "cmd.notice", Flow: "notice"},
		{Name: "patrol", Aliases: []string{"巡查", "签到"}, Desc: "cmd.patrol", Run: r.cmdPatrol},
		{Name: "endpatrol", Aliases: []string{"结束巡查"}, Desc: "cmd.endpatrol", Run: r.cmdEndPatrol},
		{Name: "mypatrols", Aliases: []string{"我的巡查"}, Desc: "cmd.mypatrols", Run: r.cmdMyPatrols},
		{Name: "patrols", Aliases: []string{"今日巡查"}, Desc: "cmd.patrols", Run: r.cmdPatrols},
		{Name: "case", Aliases: []string{"案件"}, Desc: "cmd.case", Run: r.cmdCase},
		{Name: "queue", Aliases: []string{"待办"}, Desc: "cmd.queue", Run: r.cmdQueue},
		{Name: "complaints", Aliases: []string{"投诉列表", "待处理投诉"}, Desc: "cmd.complaints", Run: r.cmdComplaints},
		{Name: "dept", Aliases: []string{"部门案件"}, Desc: "cmd.dept", Run: r.cmdDept},
		{Name: "overdue", Aliases: []string{"超时"}, Desc: "cmd.overdue", Run: r.cmdOverdue},
		{Name: "cancel", Aliases: []string{"取消"}, Desc: "cmd.cancel", Run: r.cmdCancel},
		{Name: "back", Aliases: []string{"返回"}, Desc: "cmd.back", Run: r.cmdBack},
		{Name: "bindgroup", Desc: "cmd.bindgroup", Run: r.cmdBindGroup},
		{Name: "myscore", Aliases: []string{"我的考核"}, Desc: "cmd.myscore", Run: func(ctx context.Context, t *conversations.Turn) error { return scores.Mine(ctx, t) }},
		{Name: "scores", Aliases: []string{"考核排名"}, Desc: "cmd.scores", Run: func(ctx context.Context, t *conversations.Turn) error { return scores.Ranking(ctx, t) }},
		{Name: "commend", Aliases: []string{"表彰"}, Desc: "cmd.commend", Run: r.cmdCommend},
		{Name: "warn", Aliases: []string{"警告", "批评"}, Desc: "cmd.warn", Run: r.cmdWarn},
		{Name: "restore", Aliases: []string{"恢复资格"}, Desc: "cmd.restore", Run: r.cmdRestore},
		{Name: "record", Aliases: []string{"奖惩记录"}, Desc: "cmd.record", Run: r.cmdRecord},
		{Name: "ledger", Aliases: []string{"记账"}, Desc: "cmd.ledger", Run: func(ctx context.Context, t *conversations.Turn) error { return ledger.Command(ctx, r.flows, t) }},
		{Name: "web", Aliases: []string{"网页"}, Desc: "cmd.web", Run: func(ctx context.Context, t *conversations.Turn) error { return weblogin.Link(ctx, t) }},
		{Name: "balance", Aliases: []string{"结余"}, Desc: "cmd.balance", Run: func(ctx context.Context, t *conversations.Turn) error { return ledger.Balance(ctx, t) }},
		{Name: "appeal", Aliases: []string{"考核申诉", "申诉"}, Desc: "cmd.appeal", Run: func(ctx context.Context, t *conversations.Turn) error { return scores.Appeal(ctx, r.flows, t) }},
		{Name: "urge", Aliases: []string{"催办"}, Desc: "cmd.urge", Run: r.cmdUrge},
		{Name: "suggest", Desc: "cmd.suggest", Run: r.cmdSuggest},
		{Name: "complain_for", Aliases: []string{"代录投诉"}, Desc: "cmd.complain_for", Flow: "complainfor"},
		{Name: "activity", Aliases: []string{"活动"}, Desc: "cmd.activity", Flow: "activity"},
	}
}

func roleCodes(rs []store.PersonRole) []model.Role {
	out := make([]model.Role, len(rs))
	for i, r := range rs {
		out[i] = r.Role
	}
	return out
}

// Commands lists the commands the person holding roles may use, in order.
func (r *Router) Commands(roles []store.PersonRole) []Command {
	var out []Command
	for _, cmd := range r.commands {
		if may("/"+cmd.Name, roleCodes(roles)) {
			out = append(out, cmd)
		}
	}
	return out
}

func (r *Router) cmdCancel(ctx context.Context, t *conversations.Turn) error {
	return r.flows.Cancel(ctx, t)
}

func (r *Router) cmdBack(ctx context.Context, t *conversations.Turn) error {
	return r.back(ctx, t)
}

func (r *Router) cmdStart(ctx context.Context, t *conversations.Turn) error {
	if strings.HasPrefix(t.Args, complaintLinkPrefix) {
		return r.complaintLink(ctx, t, strings.TrimPrefix(t.Args, complaintLinkPrefix))
	}
	if strings.HasPrefix(t.Args, cases.ReopenLinkPrefix) {
		return cases.FollowReopenLink(ctx, r.flows, t, strings.TrimPrefix(t.Args, cases.ReopenLinkPrefix))
	}
	if t.Args != "" {
		return r.redeemBound(ctx, t, t.Args)
	}
	t.Reply(t.T("start.welcome", "name", t.Person.Name))
	return nil
}

func (r *Router) cmdHelp(ctx context.Context, t *conversations.Turn) error {
	var b strings.Builder
	b.WriteString(t.T("help.header", "name", t.Person.Name))
	for _, cmd := range r.Commands(t.Roles) {
		fmt.Fprintf(&b, "\n/%s — %s", cmd.Name, t.T(cmd.Desc))
	}
	b.WriteString("\n")
	b.WriteString(t.T("help.footer"))
	t.Reply(b.String())
	return nil
}

func (r *Router) cmdWhoami(ctx context.Context, t *conversations.Turn) error {
	lines := []string{t.T("whoami.body", "name", t.Person.Name, "code", t.Person.Code, "roles", RoleNames(t.Lang, t.Roles))}
	alleys, err := t.Tx.AlleysOfSteward(ctx, t.Person.ID)
	if err != nil {
		return err
	}
	if len(alleys) > 0 {
		names := make([]string, len(alleys))
		for i, a := range alleys {
			names[i] = a.Name
		}
		lines = append(lines, t.T("whoami.alleys", "alleys", strings.Join(names, t.T("list.sep"))))
	}
	patrols, err := t.Tx.PatrolsOf(ctx, t.Person.ID)
	if err != nil {
		return err
	}
	for _, p := range patrols {
		lines = append(lines, t.T("whoami.patrol", "days", Weekdays(t.Lang, p.Weekdays), "from", p.StartsAt, "to", p.EndsAt, "alley", p.Alley))
	}
	lines = append(lines, t.T("whoami.account", "platform", string(t.Update.Platform), "id", t.Update.UserID))
	t.Reply(strings.Join(lines, "\n"))
	return nil
}

func (r *Router) cmdLang(ctx context.Context, t *conversations.Turn) error {
	var lang i18n.Lang
	switch strings.ToLower(t.Args) {
	case "zh", "zh-cn", "中文", "cn":
		lang = i18n.ZH
	case "en", "english", "英文":
		lang = i18n.EN
	default:
		t.Reply(t.T("lang.usage"))
		return nil
	}
	if err := t.Tx.SetLang(ctx, t.Person.ID, string(lang)); err != nil {
		return err
	}
	t.Lang = lang
	t.Reply(t.T("lang.set"))
	return nil
}

// RoleNames renders roles for people: "小巷管家、职能部门(城管执法队)".
func RoleNames(lang i18n.Lang, roles []store.PersonRole) string {
	names := make([]string, 0, len(roles))
	for _, r := range roles {
		n := i18n.T(lang, "role."+string(r.Role))
		scope := r.DepartmentName
		if scope == "" {
			scope = r.CommunityName
		}
		if scope != "" {
			n = i18n.T(lang, "role.scoped", "role", n, "scope", scope)
		}
		names = append(names, n)
	}
	return strings.Join(names, i18n.T(lang, "list.sep"))
}

func (r *Router) roleList(lang i18n.Lang, roles []model.Role) string {
	names := make([]string, 0, len(roles)+1)
	for _, role := range roles {
		names = append(names, i18n.T(lang, "role.who."+string(role)))
	}
	if !slices.Contains(roles, model.RoleAdmin) {
		names = append(names, i18n.T(lang, "role.who.admin"))
	}
	if lang == i18n.EN && len(names) > 1 { // "the acceptance center or an administrator"
		return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
	}
	return strings.Join(names, i18n.T(lang, "list.sep"))
}

// Weekdays renders ISO weekdays (1 = Monday) as 周一、周三 or 每天 / 工作日.
func Weekdays(lang i18n.Lang, days []int64) string {
	set := map[int64]bool{}
	for _, d := range days {
		set[d] = true
	}
	if len(set) == 7 {
		return i18n.T(lang, "weekday.all")
	}
	if len(set) == 5 && !set[6] && !set[7] {
		return i18n.T(lang, "weekday.work")
	}
	names := make([]string, 0, len(days))
	for d := int64(1); d <= 7; d++ {
		if set[d] {
			names = append(names, i18n.T(lang, fmt.Sprintf("weekday.%d", d)))
		}
	}
	return strings.Join(names, i18n.T(lang, "list.sep"))
}

// cmdPatrol starts a patrol check-in, unless one is open or the steward has
// no alleys.
func (r *Router) cmdPatrol(ctx context.Context, t *conversations.Turn) error {
	if p, err := t.Tx.OpenPatrol(ctx, t.Person.ID); err == nil {
		t.Reply(t.T("patrol.already_open")+" ("+p.AlleyName+")", conversations.Option{Label: t.T("button.endpatrol"), Value: "/endpatrol"})
		return nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	alleys, err := t.Tx.AlleysOfSteward(ctx, t.Person.ID)
	if err != nil {
		return err
	}
	if len(alleys) == 0 {
		t.Reply(t.T("patrol.no_alleys"))
		return nil
	}
	return r.flows.Start(ctx, t, "patrol", nil)
}

func (r *Router) cmdEndPatrol(ctx context.Context, t *conversations.Turn) error {
	if _, err := t.Tx.OpenPatrol(ctx, t.Person.ID); errors.Is(err, store.ErrNotFound) {
		t.Reply(t.T("patrol.none_open"))
		return nil
	} else if err != nil {
		return err
	}
	return r.flows.Start(ctx, t, "endpatrol", nil)
}

func (r *Router) cmdMyPatrols(ctx context.Context, t *conversations.Turn) error {
	text, err := patrols.Month(ctx, t, t.Person.ID)
	if err == nil {
		t.Reply(text)
	}
	return err
}

func (r *Router) cmdPatrols(ctx context.Context, t *conversations.Turn) error {
	text, err := patrols.Today(ctx, t)
	if err == nil {
		t.Reply(text)
	}
	return err
}

func (r *Router) cmdTrainings(ctx context.Context, t *conversations.Turn) error {
	return trainings.List(ctx, t)
}

func (r *Router) cmdMyTrainings(ctx context.Context, t *conversations.Turn) error {
	return trainings.Mine(ctx, t)
}

// cmdComplaints lists the open complaints with the buttons the reader may
// press.
func (r *Router) cmdComplaints(ctx context.Context, t *conversations.Turn) error {
	return complaints.List(ctx, t, func(action string) bool { return may(conversations.ButtonKey("k", action), roleCodes(t.Roles)) })
}
