// Package roster owns the roster file: its YAML shape, its validation (every
// error with its line and field) and its import into the store in one
// transaction, so a bad file changes nothing.
package roster

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
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

// File is the whole roster of a subdistrict.
type File struct {
	Communities []Community  `yaml:"communities"`
	Alleys      []Alley      `yaml:"alleys"`
	Departments []Department `yaml:"departments"`
	Categories  []Category   `yaml:"categories"`
	People      []Person     `yaml:"people"`
	Chats       []Chat       `yaml:"chats"`
}

type Community struct {
	Code   string         `yaml:"code"`
	Name   string         `yaml:"name"`
	NameEn string         `yaml:"name_en"`
	Line   int            `yaml:"-"`
	Lines  map[string]int `yaml:"-"`
}

type Alley struct {
	Code      string         `yaml:"code"`
	Community string         `yaml:"community"`
	Name      string         `yaml:"name"`
	Lat       float64        `yaml:"lat"`
	Lon       float64        `yaml:"lon"`
	RadiusM   int            `yaml:"radius_m"`
	Aliases   []string       `yaml:"aliases"` // other names people write (菊儿, 菊儿胡同北口)
	Points    []Point        `yaml:"line"`    // a long alley's line, end to end (optional): inside is within radius_m of it
	Line      int            `yaml:"-"`
	Lines     map[string]int `yaml:"-"`
}

// Point is one point of an alley's line.
type Point struct {
	Lat   float64        `yaml:"lat"`
	Lon   float64        `yaml:"lon"`
	Line  int            `yaml:"-"`
	Lines map[string]int `yaml:"-"`
}

// maxLinePoints bounds an alley's line; maxLineReachM is how far its
// points may be from the alley's centre (a typo'd digit lands kilometres away).
const (
	maxLinePoints = 100
	maxLineReachM = 5000
)

type Department struct {
	Code   string         `yaml:"code"`
	Name   string         `yaml:"name"`
	NameEn string         `yaml:"name_en"`
	Line   int            `yaml:"-"`
	Lines  map[string]int `yaml:"-"`
}

type Category struct {
	Code         string         `yaml:"code"`
	Name         string         `yaml:"name"`
	NameEn       string         `yaml:"name_en"`
	Department   string         `yaml:"department"`
	VerifyWithin time.Duration  `yaml:"verify_within"`
	FixWithin    time.Duration  `yaml:"fix_within"`
	Sort         int            `yaml:"sort"`
	Line         int            `yaml:"-"`
	Lines        map[string]int `yaml:"-"`
}

type Person struct {
	Code        string         `yaml:"code"`
	Name        string         `yaml:"name"`
	Phone       string         `yaml:"phone"`
	WecomUserID string         `yaml:"wecom_userid"`
	Lang        string         `yaml:"lang"`
	Active      *bool          `yaml:"active"`
	Roles       []string       `yaml:"roles"`
	Department  string         `yaml:"department"`
	Community   string         `yaml:"community"`
	Patrols     []Patrol       `yaml:"patrols"`
	Line        int            `yaml:"-"`
	Lines       map[string]int `yaml:"-"`
}

type Patrol struct {
	Alley string         `yaml:"alley"`
	Days  []int          `yaml:"days"`
	From  string         `yaml:"from"`
	To    string         `yaml:"to"`
	Line  int            `yaml:"-"`
	Lines map[string]int `yaml:"-"`
}

type Chat struct {
	Code           string `yaml:"code"`
	Kind           string `yaml:"kind"`
	Title          string `yaml:"title"`
	Community      string `yaml:"community"`
	Alley          string `yaml:"alley"`
	Department     string `yaml:"department"`
	TelegramChatID string `yaml:"telegram_chat_id"`
	WecomChatID    string `yaml:"wecom_chat_id"` // a group chat the app created (appchat)
	// WecomRobot is the group robot's webhook URL (…/webhook/send?key=…) or
	// its key: how the bot posts to a WeCom group.
	WecomRobot string `yaml:"wecom_robot"`
	// NotifyReports: a residents' group hears of each new report (default
	// true); false: only of its dispatch, progress and result.
	NotifyReports *bool          `yaml:"notify_reports"`
	Line          int            `yaml:"-"`
	Lines         map[string]int `yaml:"-"`
}

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

// Parse reads and strictly decodes a roster file (no validation against the
// database yet).
func Parse(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Decode(path, data)
}

// Decode strictly decodes a roster file's bytes; path names it in errors.
func Decode(path string, data []byte) (*File, error) {
	var f File
	if err := config.DecodeStrict(path, data, &f); err != nil {
		return nil, err
	}
	return &f, nil
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
			if _, ok := departments[c.Department]; !ok {
				bad(at(c.Lines, "department", c.Line), field+".department", "%q is not a department code of this roster", c.Department)
			}
		}
		if c.Kind == "department" && c.Department == "" {
			bad(c.Line, field+".department", "a department chat needs department:")
		}
	}
	if len(e.Problems) == 0 {
		return nil
	}
	sort.SliceStable(e.Problems, func(i, j int) bool { return e.Problems[i].Line < e.Problems[j].Line })
	return e
}

// Summary counts what an import wrote.
type Summary struct {
	Communities, Alleys, Departments, Categories, People, Chats int
}

// Import parses, validates and writes path in one transaction. Running it
// again updates rows in place (by code); it never duplicates.
func Import(ctx context.Context, st *store.Store, path string) (Summary, error) {
	f, err := Parse(path)
	if err != nil {
		return Summary{}, err
	}
	roles, err := st.RoleCodes(ctx)
	if err != nil {
		return Summary{}, err
	}
	cats, err := st.Categories(ctx)
	if err != nil {
		return Summary{}, err
	}
	catCodes := make([]string, len(cats))
	for i, c := range cats {
		catCodes[i] = c.Code
	}
	if err := Validate(path, f, roles, catCodes); err != nil {
		return Summary{}, err
	}
	existing := map[string]store.Category{}
	for _, c := range cats {
		existing[c.Code] = c
	}
	var sum Summary
	err = st.InTx(ctx, func(tx *store.Tx) error {
		// Two people may swap WeCom userids in one file: clear theirs first so
		// the unique index is never violated half-way through.
		codes := make([]string, len(f.People))
		for i, p := range f.People {
			codes[i] = p.Code
		}
		if err := tx.ClearWecomUserIDs(ctx, codes); err != nil {
			return err
		}
		communityID := map[string]int64{}
		for _, c := range f.Communities {
			id, err := tx.UpsertCommunity(ctx, store.Community{Code: c.Code, Name: c.Name, NameEn: c.NameEn})
			if err != nil {
				return err
			}
			communityID[c.Code] = id
		}
		departmentID := map[string]int64{}
		for _, d := range f.Departments {
			id, err := tx.UpsertDepartment(ctx, store.Department{Code: d.Code, Name: d.Name, NameEn: d.NameEn})
			if err != nil {
				return err
			}
			departmentID[d.Code] = id
		}
		alleyID := map[string]int64{}
		for _, a := range f.Alleys {
			var line []float64
			for _, p := range a.Points {
				line = append(line, p.Lat, p.Lon)
			}
			id, err := tx.UpsertAlley(ctx, store.Alley{Code: a.Code, CommunityID: communityID[a.Community], Name: a.Name, Lat: a.Lat, Lon: a.Lon,
				RadiusM: a.RadiusM, Aliases: a.Aliases, Line: line})
			if err != nil {
				return err
			}
			alleyID[a.Code] = id
		}
		for _, c := range f.Categories {
			row := existing[c.Code] // zero for a new category
			row.Code = c.Code
			if c.Name != "" {
				row.Name = c.Name
			}
			if c.NameEn != "" {
				row.NameEn = c.NameEn
			}
			if c.Department != "" {
				row.DepartmentID = store.Ref(departmentID[c.Department])
			}
			if c.VerifyWithin != 0 {
				row.VerifyWithinMinutes = int(c.VerifyWithin.Minutes())
				row.FixWithinMinutes = int(c.FixWithin.Minutes())
			}
			if c.Sort != 0 {
				row.Sort = c.Sort
			}
			if _, err := tx.UpsertCategory(ctx, row); err != nil {
				return err
			}
		}
		// Everyone in a few statements (arrays), not a few per person.
		people := make([]store.RosterPerson, len(f.People))
		for i, p := range f.People {
			lang := p.Lang
			if lang == "" {
				lang = "zh"
			}
			active := p.Active == nil || *p.Active
			rp := store.RosterPerson{Person: store.Person{Code: p.Code, Name: p.Name, Phone: p.Phone,
				WecomUserID: store.OptText(p.WecomUserID), Lang: lang, Active: active}}
			for _, code := range p.Roles {
				r := model.Role(code)
				pr := store.PersonRole{Role: r}
				if r == model.RoleDepartment {
					pr.DepartmentID = store.Ref(departmentID[p.Department])
				}
				if p.Community != "" && (r == model.RoleCoordinator || r == model.RoleSupervisor || r == model.RoleSteward) {
					pr.CommunityID = store.Ref(communityID[p.Community])
				}
				rp.Roles = append(rp.Roles, pr)
			}
			for _, pt := range p.Patrols {
				days := make([]int64, len(pt.Days))
				for i, d := range pt.Days {
					days[i] = int64(d)
				}
				rp.Patrols = append(rp.Patrols, store.PatrolSchedule{AlleyID: alleyID[pt.Alley], Weekdays: days, StartsAt: pt.From, EndsAt: pt.To})
			}
			people[i] = rp
		}
		if _, err := tx.ImportPeople(ctx, people); err != nil {
			return err
		}
		for _, c := range f.Chats {
			row := store.Chat{Code: c.Code, Kind: model.ChatKind(c.Kind), Title: c.Title, NotifyReports: c.NotifyReports == nil || *c.NotifyReports}
			if c.Community != "" {
				row.CommunityID = store.Ref(communityID[c.Community])
			}
			if c.Alley != "" {
				row.AlleyID = store.Ref(alleyID[c.Alley])
			}
			if c.Department != "" {
				row.DepartmentID = store.Ref(departmentID[c.Department])
			}
			id, err := tx.UpsertChat(ctx, row)
			if err != nil {
				return err
			}
			wecom := ""
			if c.WecomChatID != "" {
				wecom = "appchat:" + c.WecomChatID
			} else if c.WecomRobot != "" {
				wecom = "robot:" + RobotKey(c.WecomRobot)
			}
			for platform, ext := range map[string]string{"telegram": c.TelegramChatID, "wecom": wecom} {
				if ext == "" {
					continue
				}
				if err := tx.BindChat(ctx, id, platform, ext); err != nil {
					return err
				}
			}
		}
		sum = Summary{len(f.Communities), len(f.Alleys), len(f.Departments), len(f.Categories), len(f.People), len(f.Chats)}
		return nil
	})
	if err != nil {
		if store.IsUniqueViolation(err) {
			return Summary{}, fmt.Errorf("%s: refused, nothing imported: %w (a code or wecom_userid is already used by another row in the database)", path, err)
		}
		return Summary{}, fmt.Errorf("%s: refused, nothing imported: %w", path, err)
	}
	return sum, nil
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

// RobotKey is the key of a group robot given as its webhook URL or as the
// key itself ("" when it is neither).
func RobotKey(s string) string {
	s = strings.TrimSpace(s)
	if u, err := url.Parse(s); err == nil && u.Scheme != "" {
		if !strings.HasSuffix(u.Path, "/webhook/send") {
			return ""
		}
		s = u.Query().Get("key")
	}
	if !robotKeyRe.MatchString(s) {
		return ""
	}
	return s
}

var robotKeyRe = regexp.MustCompile(`^[A-Za-z0-9-]{8,64}$`)
