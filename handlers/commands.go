package handlers

import (
	"fmt"
	"slices"
	"strings"

	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/store"
)

// Command is one slash command; who may use it is in permissions.go.
type Command struct {
	Name    string
	Aliases []string
	Desc    string // catalog key
	Flow    string // a command that starts a flow
	Run     func(c *Ctx) error
}

func (r *Router) commandTable() []Command {
	return []Command{
		{Name: "start", Desc: "cmd.start", Run: r.cmdStart},
		{Name: "help", Aliases: []string{"帮助"}, Desc: "cmd.help", Run: r.cmdHelp},
		{Name: "whoami", Aliases: []string{"我是谁"}, Desc: "cmd.whoami", Run: r.cmdWhoami},
		{Name: "lang", Aliases: []string{"language", "语言"}, Desc: "cmd.lang", Run: r.cmdLang},
		{Name: "report", Aliases: []string{"上报"}, Desc: "cmd.report", Flow: "report"},
		{Name: "mycases", Aliases: []string{"我的案件"}, Desc: "cmd.mycases", Run: r.cmdMyCases},
		{Name: "case", Aliases: []string{"案件"}, Desc: "cmd.case", Run: r.cmdCase},
		{Name: "queue", Aliases: []string{"待办"}, Desc: "cmd.queue", Run: r.cmdQueue},
		{Name: "dept", Aliases: []string{"部门案件"}, Desc: "cmd.dept", Run: r.cmdDept},
		{Name: "overdue", Aliases: []string{"超时"}, Desc: "cmd.overdue", Run: r.cmdOverdue},
		{Name: "cancel", Aliases: []string{"取消"}, Desc: "cmd.cancel", Run: r.cmdCancel},
		{Name: "back", Aliases: []string{"返回"}, Desc: "cmd.back", Run: r.cmdBack},
		{Name: "bindgroup", Desc: "cmd.bindgroup", Run: r.cmdBindGroup},
	}
}

// allowed checks the permission table for a command.
func (r *Router) allowed(cmd *Command, c *Ctx) bool { return may("/"+cmd.Name, roleCodes(c.Roles)) }

func roleCodes(rs []store.PersonRole) []string {
	out := make([]string, len(rs))
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

func (r *Router) cmdCancel(c *Ctx) error { return r.flows.Cancel(c.Session) }

func (r *Router) cmdBack(c *Ctx) error { return r.flows.Back(c.Session) }

func (r *Router) cmdStart(c *Ctx) error {
	if c.Args != "" {
		return r.redeem(c, c.Args)
	}
	c.Reply(c.T("start.welcome", "name", c.Person.Name))
	return nil
}

func (r *Router) cmdHelp(c *Ctx) error {
	var b strings.Builder
	b.WriteString(c.T("help.header", "name", c.Person.Name))
	for _, cmd := range r.Commands(c.Roles) {
		fmt.Fprintf(&b, "\n/%s — %s", cmd.Name, c.T(cmd.Desc))
	}
	b.WriteString("\n")
	b.WriteString(c.T("help.footer"))
	c.Reply(b.String())
	return nil
}

func (r *Router) cmdWhoami(c *Ctx) error {
	lines := []string{c.T("whoami.body", "name", c.Person.Name, "code", c.Person.Code, "roles", RoleNames(c.Lang, c.Roles))}
	alleys, err := r.store.AlleysOfSteward(c, c.Tx, c.Person.ID)
	if err != nil {
		return err
	}
	if len(alleys) > 0 {
		names := make([]string, len(alleys))
		for i, a := range alleys {
			names[i] = a.Name
		}
		lines = append(lines, c.T("whoami.alleys", "alleys", strings.Join(names, c.T("list.sep"))))
	}
	patrols, err := r.store.PatrolsOf(c, c.Tx, c.Person.ID)
	if err != nil {
		return err
	}
	for _, p := range patrols {
		lines = append(lines, c.T("whoami.patrol", "days", Weekdays(c.Lang, p.Weekdays), "from", p.StartsAt, "to", p.EndsAt, "alley", p.Alley))
	}
	lines = append(lines, c.T("whoami.account", "platform", c.Update.Platform, "id", c.Update.UserID))
	c.Reply(strings.Join(lines, "\n"))
	return nil
}

func (r *Router) cmdLang(c *Ctx) error {
	var lang i18n.Lang
	switch strings.ToLower(c.Args) {
	case "zh", "zh-cn", "中文", "cn":
		lang = i18n.ZH
	case "en", "english", "英文":
		lang = i18n.EN
	default:
		c.Reply(c.T("lang.usage"))
		return nil
	}
	if err := r.store.SetLang(c, c.Tx, c.Person.ID, string(lang)); err != nil {
		return err
	}
	c.Lang = lang
	c.Reply(c.T("lang.set"))
	return nil
}

// RoleNames renders roles for people: "小巷管家、职能部门(城管执法队)".
func RoleNames(lang i18n.Lang, roles []store.PersonRole) string {
	names := make([]string, 0, len(roles))
	for _, r := range roles {
		n := i18n.T(lang, "role."+r.Role)
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

func (r *Router) roleList(lang i18n.Lang, roles []string) string {
	names := make([]string, 0, len(roles)+1)
	for _, role := range roles {
		names = append(names, i18n.T(lang, "role."+role))
	}
	if !slices.Contains(roles, "admin") {
		names = append(names, i18n.T(lang, "role.admin"))
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
