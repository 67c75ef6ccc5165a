// Package roster owns the roster file: its YAML shape, its validation (every
// error with its line and field) and its import into the store in one
// transaction, so a bad file changes nothing.
package roster

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/alleybot/alleybot/config"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// maxLinePoints bounds an alley's line; maxLineReachM is how far its
// points may be from the alley's centre (a typo'd digit lands kilometres away).
const (
	maxLinePoints = 100
	maxLineReachM = 5000
)

// Error lists every problem of a roster file, each with its line.
type Error struct {
	File     string
	Problems []Problem
}

type Problem struct {
	Line  int
	Field string
	Msg   string
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: refused, nothing imported (%d problem(s)):", e.File, len(e.Problems))
	for _, p := range e.Problems {
		fmt.Fprintf(&b, "\n  %s:%d: %s: %s", e.File, p.Line, p.Field, p.Msg)
	}
	return b.String()
}

// printable reports text fit for the database and for people: no NUL or
// other control characters (YAML's "\0" escapes can write them), no bidi
// overrides.
func printable(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == utf8.RuneError {
			return false
		}
	}
	return true
}

var (
	codeRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)
	hhmmRe = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)
)

// chatKinds lists the chat kinds for the error message.
func chatKinds() string {
	names := make([]string, len(model.ChatKinds))
	for i, k := range model.ChatKinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

// holds reports whether a roster person's roles include role.
func holds(roles []string, role model.Role) bool { return slices.Contains(roles, string(role)) }

// Validate checks the roster against itself and the database's roles and
// categories. It returns *Error listing every problem, or nil.
func Validate(path string, f *File, roleCodes, categoryCodes []string) error {
	e := &Error{File: path}
	bad := func(line int, field, format string, args ...any) {
		e.Problems = append(e.Problems, Problem{Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	at := func(lines map[string]int, key string, fallback int) int {
		if l, ok := lines[key]; ok {
			return l
		}
		return fallback
	}
	unique := func(seen map[string]int, field, code string, line int) {
		if code == "" {
			bad(line, field, "code is required")
			return
		}
		if !codeRe.MatchString(code) {
			bad(line, field, "code %q may only use letters, digits, _ . - (at most 64)", code)
			return
		}
		if first, dup := seen[code]; dup {
			bad(line, field, "duplicate code %q (first at line %d)", code, first)
			return
		}
		seen[code] = line
	}

	communities := map[string]int{}
	for i, c := range f.Communities {
		field := fmt.Sprintf("communities[%d]", i)
		unique(communities, field+".code", c.Code, at(c.Lines, "code", c.Line))
		if strings.TrimSpace(c.Name) == "" {
			bad(c.Line, field+".name", "name is required")
		}
	}
	departments := map[string]int{}
	for i, d := range f.Departments {
		field := fmt.Sprintf("departments[%d]", i)
		unique(departments, field+".code", d.Code, at(d.Lines, "code", d.Line))
		if strings.TrimSpace(d.Name) == "" {
			bad(d.Line, field+".name", "name is required")
		}
	}
	alleys := map[string]int{}
	for i, a := range f.Alleys {
		field := fmt.Sprintf("alleys[%d]", i)
		unique(alleys, field+".code", a.Code, at(a.Lines, "code", a.Line))
		if strings.TrimSpace(a.Name) == "" {
			bad(a.Line, field+".name", "name is required")
		}
		if _, ok := communities[a.Community]; !ok {
			bad(at(a.Lines, "community", a.Line), field+".community", "alley %q is outside any community: %q is not a community code of this roster", a.Code, a.Community)
		}
		// Written as "not within" so NaN (.nan) is refused too.
		if _, ok := a.Lines["lat"]; !ok || !(a.Lat >= -90 && a.Lat <= 90) {
			bad(at(a.Lines, "lat", a.Line), field+".lat", "a latitude between -90 and 90 is required")
		}
		if _, ok := a.Lines["lon"]; !ok || !(a.Lon >= -180 && a.Lon <= 180) {
			bad(at(a.Lines, "lon", a.Line), field+".lon", "a longitude between -180 and 180 is required")
		}
		if a.RadiusM <= 0 || a.RadiusM > 5000 {
			bad(at(a.Lines, "radius_m", a.Line), field+".radius_m", "radius in metres between 1 and 5000 is required")
		}
		if _, ok := a.Lines["line"]; ok {
			line := at(a.Lines, "line", a.Line)
			switch n := len(a.Points); {
			case n < 2:
				bad(line, field+".line", "a line needs at least 2 points, end to end (or leave it out: the alley is then the circle of radius_m around lat/lon)")
			case n > maxLinePoints:
				bad(line, field+".line", "%d points: at most %d", n, maxLinePoints)
			}
		}
		for j, p := range a.Points {
			pf := fmt.Sprintf("%s.line[%d]", field, j)
			_, hasLat := p.Lines["lat"]
			_, hasLon := p.Lines["lon"]
			if !hasLat || !(p.Lat >= -90 && p.Lat <= 90) {
				bad(at(p.Lines, "lat", p.Line), pf+".lat", "a latitude between -90 and 90 is required")
			}
			if !hasLon || !(p.Lon >= -180 && p.Lon <= 180) {
				bad(at(p.Lines, "lon", p.Line), pf+".lon", "a longitude between -180 and 180 is required")
			}
			if hasLat && hasLon && p.Lat >= -90 && p.Lat <= 90 && p.Lon >= -180 && p.Lon <= 180 && a.Lat >= -90 && a.Lat <= 90 && a.Lon >= -180 && a.Lon <= 180 {
				centre := store.Alley{Lat: a.Lat, Lon: a.Lon}
				if d := centre.DistanceM(p.Lat, p.Lon); d > maxLineReachM {
					bad(p.Line, pf, "this point is %.0f m from the alley's centre (lat/lon): more than %d m, a mistyped digit?", d, maxLineReachM)
				}
			}
		}
	}
	categories := map[string]int{}
	for i, c := range f.Categories {
		field := fmt.Sprintf("categories[%d]", i)
		unique(categories, field+".code", c.Code, at(c.Lines, "code", c.Line))
		known := slices.Contains(categoryCodes, c.Code)
		if !known && (c.Name == "" || c.NameEn == "") {
			bad(c.Line, field+".name", "a new category needs name and name_en (built-in: %s)", strings.Join(categoryCodes, ", "))
		}
		if c.Department != "" {
			if _, ok := departments[c.Department]; !ok {
				bad(at(c.Lines, "department", c.Line), field+".department", "%q is not a department code of this roster", c.Department)
			}
		}
		if !known || c.VerifyWithin != 0 || c.FixWithin != 0 {
			if c.VerifyWithin < time.Minute {
				bad(at(c.Lines, "verify_within", c.Line), field+".verify_within", "a working time of at least 1m is required (for example 2h)")
			}
			if c.FixWithin < c.VerifyWithin {
				bad(at(c.Lines, "fix_within", c.Line), field+".fix_within", "must be at least verify_within (for example 24h)")
			}
		}
	}
	// Free text goes into the database and into messages as written.
	text := func(line int, field, value string) {
		if !printable(value) {
			bad(line, field, "contains control characters (%q): write plain text", shortQuote(value))
		}
	}
	for i, c := range f.Communities {
		text(at(c.Lines, "name", c.Line), fmt.Sprintf("communities[%d].name", i), c.Name)
		text(at(c.Lines, "name_en", c.Line), fmt.Sprintf("communities[%d].name_en", i), c.NameEn)
	}
	for i, a := range f.Alleys {
		text(at(a.Lines, "name", a.Line), fmt.Sprintf("alleys[%d].name", i), a.Name)
	}
	for i, d := range f.Departments {
		text(at(d.Lines, "name", d.Line), fmt.Sprintf("departments[%d].name", i), d.Name)
		text(at(d.Lines, "name_en", d.Line), fmt.Sprintf("departments[%d].name_en", i), d.NameEn)
	}
	for i, c := range f.Categories {
		text(at(c.Lines, "name", c.Line), fmt.Sprintf("categories[%d].name", i), c.Name)
		text(at(c.Lines, "name_en", c.Line), fmt.Sprintf("categories[%d].name_en", i), c.NameEn)
	}
	for i, p := range f.People {
		text(at(p.Lines, "name", p.Line), fmt.Sprintf("people[%d].name", i), p.Name)
		text(at(p.Lines, "phone", p.Line), fmt.Sprintf("people[%d].phone", i), p.Phone)
		text(at(p.Lines, "wecom_userid", p.Line), fmt.Sprintf("people[%d].wecom_userid", i), p.WecomUserID)
	}
	for i, c := range f.Chats {
		text(at(c.Lines, "title", c.Line), fmt.Sprintf("chats[%d].title", i), c.Title)
		text(at(c.Lines, "wecom_chat_id", c.Line), fmt.Sprintf("chats[%d].wecom_chat_id", i), c.WecomChatID)
	}
	people := map[string]int{}
	wecom := map[string]int{}
	for i, p := range f.People {
		field := fmt.Sprintf("people[%d]", i)
		if first, dup := people[p.Code]; dup && p.Code != "" {
			bad(at(p.Lines, "code", p.Line), field+".code", "duplicate person %q (first at line %d)", p.Code, first)
		} else {
			unique(people, field+".code", p.Code, at(p.Lines, "code", p.Line))
		}
		if strings.TrimSpace(p.Name) == "" {
			bad(p.Line, field+".name", "name is required")
		}
		if p.WecomUserID != "" {
			if first, dup := wecom[p.WecomUserID]; dup {
				bad(at(p.Lines, "wecom_userid", p.Line), field+".wecom_userid", "duplicate person: wecom_userid %q is also at line %d", p.WecomUserID, first)
			}
			wecom[p.WecomUserID] = at(p.Lines, "wecom_userid", p.Line)
		}
		if p.Lang != "" && p.Lang != "zh" && p.Lang != "en" {
			bad(at(p.Lines, "lang", p.Line), field+".lang", "%q is not zh or en", p.Lang)
		}
		if len(p.Roles) == 0 {
			bad(p.Line, field+".roles", "at least one role is required (%s)", strings.Join(roleCodes, ", "))
		}
		for _, r := range p.Roles {
			if !slices.Contains(roleCodes, r) {
				bad(at(p.Lines, "roles", p.Line), field+".roles", "role %q does not exist (roles: %s)", r, strings.Join(roleCodes, ", "))
			}
		}
		if holds(p.Roles, model.RoleDepartment) && p.Department == "" {
			bad(at(p.Lines, "roles", p.Line), field+".department", "a department member needs department:")
		}
		if p.Department != "" {
			if _, ok := departments[p.Department]; !ok {
				bad(at(p.Lines, "department", p.Line), field+".department", "%q is not a department code of this roster", p.Department)
			}
		}
		if p.Community != "" {
			if _, ok := communities[p.Community]; !ok {
				bad(at(p.Lines, "community", p.Line), field+".community", "%q is not a community code of this roster", p.Community)
			}
		}
		if len(p.Patrols) > 0 && !holds(p.Roles, model.RoleSteward) {
			bad(at(p.Lines, "patrols", p.Line), field+".patrols", "only a steward has patrols")
		}
		if _, err := time.Parse(time.DateOnly, p.Since); p.Since != "" && err != nil {
			bad(at(p.Lines, "since", p.Line), field+".since", "%q is not a date like 2026-11-01", p.Since)
		}
		for j, pt := range p.Patrols {
			pf := fmt.Sprintf("%s.patrols[%d]", field, j)
			if _, ok := alleys[pt.Alley]; !ok {
				bad(at(pt.Lines, "alley", pt.Line), pf+".alley", "%q is not an alley code of this roster", pt.Alley)
			}
			if len(pt.Days) == 0 {
				bad(pt.Line, pf+".days", "days are required: 1 = Monday … 7 = Sunday")
			}
			for _, d := range pt.Days {
				if d < 1 || d > 7 {
					bad(at(pt.Lines, "days", pt.Line), pf+".days", "%d is not a weekday (1 = Monday … 7 = Sunday)", d)
				}
			}
			if !hhmmRe.MatchString(pt.From) {
				bad(at(pt.Lines, "from", pt.Line), pf+".from", "%q is not a time like 08:30", pt.From)
			}
			if !hhmmRe.MatchString(pt.To) {
				bad(at(pt.Lines, "to", pt.Line), pf+".to", "%q is not a time like 09:30", pt.To)
			} else if hhmmRe.MatchString(pt.From) && pt.To <= pt.From {
				bad(at(pt.Lines, "to", pt.Line), pf+".to", "must be after from (%s)", pt.From)
			}
		}
	}
	chats := map[string]int{}
	boundTG, boundWecom := map[string]int{}, map[string]int{}
	for i, c := range f.Chats {
		field := fmt.Sprintf("chats[%d]", i)
		unique(chats, field+".code", c.Code, at(c.Lines, "code", c.Line))
		if id := c.TelegramChatID; id != "" {
			line := at(c.Lines, "telegram_chat_id", c.Line)
			if n, err := strconv.ParseInt(id, 10, 64); err != nil || n >= 0 {
				bad(line, field+".telegram_chat_id", "%q is not a Telegram group id (a negative number such as -1001234567890; /bindgroup in the group binds it for you)", id)
			} else if first, dup := boundTG[strconv.FormatInt(n, 10)]; dup {
				bad(line, field+".telegram_chat_id", "Telegram group %s is also at line %d: one group is one roster chat", id, first)
			} else {
				boundTG[strconv.FormatInt(n, 10)] = line
			}
		}
		if c.WecomRobot != "" {
			line := at(c.Lines, "wecom_robot", c.Line)
			if c.WecomChatID != "" {
				bad(line, field+".wecom_robot", "give wecom_robot or wecom_chat_id, not both: a group is reached one way on WeCom")
			} else if key := RobotKey(c.WecomRobot); key == "" {
				bad(line, field+".wecom_robot", "%q is not a robot webhook URL (https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…) or key", shortQuote(c.WecomRobot))
			} else if first, dup := boundWecom["robot:"+key]; dup {
				bad(line, field+".wecom_robot", "this robot is also at line %d: one group is one roster chat", first)
			} else {
				boundWecom["robot:"+key] = line
			}
		}
		if id := c.WecomChatID; id != "" {
			line := at(c.Lines, "wecom_chat_id", c.Line)
			if first, dup := boundWecom[id]; dup {
				bad(line, field+".wecom_chat_id", "WeCom chat %q is also at line %d: one group is one roster chat", id, first)
			} else {
				boundWecom[id] = line
			}
		}
		if !slices.Contains(model.ChatKinds, model.ChatKind(c.Kind)) {
			bad(at(c.Lines, "kind", c.Line), field+".kind", "%q is not a chat kind (%s)", c.Kind, chatKinds())
		}
		if strings.TrimSpace(c.Title) == "" {
			bad(c.Line, field+".title", "title is required")
		}
		if c.Community != "" {
			if _, ok := communities[c.Community]; !ok {
				bad(at(c.Lines, "community", c.Line), field+".community", "%q is not a community code of this roster", c.Community)
			}
		}
		if c.Alley != "" {
			if _, ok := alleys[c.Alley]; !ok {
				bad(at(c.Lines, "alley", c.Line), field+".alley", "%q is not an alley code of this roster", c.Alley)
			}
		}
		if c.Department != "" {
			if _, ok := departments[c.Department]; !ok && !isProperty(f, c.Department) {
				bad(at(c.Lines, "department", c.Line), field+".department", "%q is not a department code of this roster", c.Department)
			}
		}
		if c.Kind == "department" && c.Department == "" {
			bad(c.Line, field+".department", "a department chat needs department:")
		}
	}
	validateParties(f, departments, alleys, bad, at)
	if len(e.Problems) == 0 {
		return nil
	}
	sort.SliceStable(e.Problems, func(i, j int) bool { return e.Problems[i].Line < e.Problems[j].Line })
	return e
}

// IsRosterError reports whether err is a validation or decoding error of the
// file (as opposed to a database failure).
func IsRosterError(err error) bool {
	var re *Error
	var de *config.DecodeError
	return errors.As(err, &re) || errors.As(err, &de)
}

// shortQuote is s cut to 30 characters for an error message.
func shortQuote(s string) string {
	if r := []rune(s); len(r) > 30 {
		return string(r[:30]) + "…"
	}
	return s
}
