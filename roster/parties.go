package roster

import (
	"context"
	"fmt"
	"strings"

	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// PropertyManager is a property management company (物业公司): a
// department of kind property, with the alleys it manages. Its contacts are
// people with roles: [property] and property: its code.
type PropertyManager struct {
	Code   string         `yaml:"code"`
	Name   string         `yaml:"name"`
	NameEn string         `yaml:"name_en"`
	Phone  string         `yaml:"phone"` // the office's number, shown on its cards
	Alleys []string       `yaml:"alleys"`
	Line   int            `yaml:"-"`
	Lines  map[string]int `yaml:"-"`
}

// validateParties checks the property managers and the people's property:
// and alleys: (departments and alleys are the codes seen so far, by line).
func validateParties(f *File, departments, alleys map[string]int, bad func(int, string, string, ...any),
	at func(map[string]int, string, int) int) {
	props := map[string]int{}
	for i, pm := range f.PropertyManagers {
		field := fmt.Sprintf("property_managers[%d]", i)
		line := at(pm.Lines, "code", pm.Line)
		switch {
		case pm.Code == "" || !codeRe.MatchString(pm.Code):
			bad(line, field+".code", "code %q is required and may only use letters, digits, _ . - (at most 64)", pm.Code)
		case departments[pm.Code] != 0:
			bad(line, field+".code", "code %q is already a department's (line %d)", pm.Code, departments[pm.Code])
		case props[pm.Code] != 0:
			bad(line, field+".code", "duplicate code %q (first at line %d)", pm.Code, props[pm.Code])
		default:
			props[pm.Code] = line
		}
		if strings.TrimSpace(pm.Name) == "" {
			bad(pm.Line, field+".name", "name is required")
		}
		if len(pm.Alleys) == 0 {
			bad(pm.Line, field+".alleys", "a property manager manages at least one alley")
		}
		for _, a := range pm.Alleys {
			if _, ok := alleys[a]; !ok {
				bad(at(pm.Lines, "alleys", pm.Line), field+".alleys", "%q is not an alley code of this roster", a)
			}
		}
	}
	for i, p := range f.People {
		field := fmt.Sprintf("people[%d]", i)
		if holds(p.Roles, model.RoleProperty) && p.Property == "" {
			bad(at(p.Lines, "roles", p.Line), field+".property", "a property manager's contact needs property:")
		}
		if p.Property != "" {
			if _, ok := props[p.Property]; !ok {
				bad(at(p.Lines, "property", p.Line), field+".property", "%q is not a property manager code of this roster", p.Property)
			}
			if !holds(p.Roles, model.RoleProperty) {
				bad(at(p.Lines, "property", p.Line), field+".property", "only a property manager's contact (role property) has property:")
			}
		}
		if len(p.Alleys) > 0 && !holds(p.Roles, model.RoleVolunteer) {
			bad(at(p.Lines, "alleys", p.Line), field+".alleys", "only a volunteer has alleys:")
		}
		if holds(p.Roles, model.RoleVolunteer) && len(p.Alleys) == 0 {
			bad(at(p.Lines, "roles", p.Line), field+".alleys", "a volunteer needs alleys: (the alleys they help in)")
		}
		for _, a := range p.Alleys {
			if _, ok := alleys[a]; !ok {
				bad(at(p.Lines, "alleys", p.Line), field+".alleys", "%q is not an alley code of this roster", a)
			}
		}
	}
}

// parties writes the property managers (after the alleys, before the
// people: their contacts are members of them).
func (im *importer) parties(ctx context.Context) error {
	for _, pm := range im.f.PropertyManagers {
		id, err := im.tx.UpsertDepartment(ctx, store.Department{Code: pm.Code, Name: pm.Name, NameEn: pm.NameEn})
		if err != nil {
			return err
		}
		im.departmentID[pm.Code] = id
		ids := make([]int64, len(pm.Alleys))
		for i, a := range pm.Alleys {
			ids[i] = im.alleyID[a]
		}
		if err := im.tx.SetProperty(ctx, id, ids); err != nil {
			return err
		}
	}
	return nil
}

// volunteers writes the volunteers' alleys (after the people).
func (im *importer) volunteers(ctx context.Context, ids map[string]int64) error {
	for _, p := range im.f.People {
		if !holds(p.Roles, model.RoleVolunteer) {
			continue
		}
		alleys := make([]int64, len(p.Alleys))
		for i, a := range p.Alleys {
			alleys[i] = im.alleyID[a]
		}
		if err := im.tx.SetVolunteerAlleys(ctx, ids[p.Code], alleys); err != nil {
			return err
		}
	}
	return nil
}

// isProperty reports whether code is a property manager's of the file (a
// department chat may be its group).
func isProperty(f *File, code string) bool {
	for _, pm := range f.PropertyManagers {
		if pm.Code == code {
			return true
		}
	}
	return false
}
