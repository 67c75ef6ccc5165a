package roster

import (
	"context"
	"fmt"

	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

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
	existing, err := validateAgainst(ctx, st, path, f)
	if err != nil {
		return Summary{}, err
	}
	err = st.InTx(ctx, func(tx *store.Tx) error {
		im := &importer{tx: tx, f: f, existing: existing,
			communityID: map[string]int64{}, departmentID: map[string]int64{}, alleyID: map[string]int64{}}
		return im.write(ctx)
	})
	if err != nil {
		if store.IsUniqueViolation(err) {
			return Summary{}, fmt.Errorf("%s: refused, nothing imported: %w (a code or wecom_userid is already used by another row in the database)", path, err)
		}
		return Summary{}, fmt.Errorf("%s: refused, nothing imported: %w", path, err)
	}
	return Summary{len(f.Communities), len(f.Alleys), len(f.Departments), len(f.Categories), len(f.People), len(f.Chats)}, nil
}

// validateAgainst validates the file against the database's roles and
// categories; it returns the categories there, by code.
func validateAgainst(ctx context.Context, st *store.Store, path string, f *File) (map[string]store.Category, error) {
	roles, err := st.RoleCodes(ctx)
	if err != nil {
		return nil, err
	}
	cats, err := st.Categories(ctx)
	if err != nil {
		return nil, err
	}
	catCodes := make([]string, len(cats))
	for i, c := range cats {
		catCodes[i] = c.Code
	}
	if err := Validate(path, f, roles, catCodes); err != nil {
		return nil, err
	}
	existing := map[string]store.Category{}
	for _, c := range cats {
		existing[c.Code] = c
	}
	return existing, nil
}

// importer writes one validated file inside one transaction: each step
// records the ids of the rows it wrote, by code, for the steps after it.
type importer struct {
	tx       *store.Tx
	f        *File
	existing map[string]store.Category // the database's categories before the import

	communityID, departmentID, alleyID map[string]int64
}

// write runs the steps in order: a row is written after the rows it names.
func (im *importer) write(ctx context.Context) error {
	// Two people may swap WeCom userids in one file: clear theirs first so
	// the unique index is never violated half-way through.
	codes := make([]string, len(im.f.People))
	for i, p := range im.f.People {
		codes[i] = p.Code
	}
	if err := im.tx.ClearWecomUserIDs(ctx, codes); err != nil {
		return err
	}
	for _, step := range []func(context.Context) error{im.communities, im.departments, im.alleys, im.parties, im.categories, im.people, im.chats} {
		if err := step(ctx); err != nil {
			return err
		}
	}
	return nil
}

func (im *importer) communities(ctx context.Context) error {
	for _, c := range im.f.Communities {
		id, err := im.tx.UpsertCommunity(ctx, store.Community{Code: c.Code, Name: c.Name, NameEn: c.NameEn})
		if err != nil {
			return err
		}
		im.communityID[c.Code] = id
	}
	return nil
}

func (im *importer) departments(ctx context.Context) error {
	for _, d := range im.f.Departments {
		id, err := im.tx.UpsertDepartment(ctx, store.Department{Code: d.Code, Name: d.Name, NameEn: d.NameEn})
		if err != nil {
			return err
		}
		im.departmentID[d.Code] = id
	}
	return nil
}

func (im *importer) alleys(ctx context.Context) error {
	for _, a := range im.f.Alleys {
		var line []float64
		for _, p := range a.Points {
			line = append(line, p.Lat, p.Lon)
		}
		id, err := im.tx.UpsertAlley(ctx, store.Alley{Code: a.Code, CommunityID: im.communityID[a.Community], Name: a.Name, Lat: a.Lat, Lon: a.Lon,
			RadiusM: a.RadiusM, Aliases: a.Aliases, Line: line})
		if err != nil {
			return err
		}
		im.alleyID[a.Code] = id
	}
	return nil
}

func (im *importer) categories(ctx context.Context) error {
	for _, c := range im.f.Categories {
		row := im.existing[c.Code] // zero for a new category
		row.Code = c.Code
		if c.Name != "" {
			row.Name = c.Name
		}
		if c.NameEn != "" {
			row.NameEn = c.NameEn
		}
		if c.Department != "" {
			row.DepartmentID = store.Ref(im.departmentID[c.Department])
		}
		if c.VerifyWithin != 0 {
			row.VerifyWithinMinutes = int(c.VerifyWithin.Minutes())
			row.FixWithinMinutes = int(c.FixWithin.Minutes())
		}
		if c.Sort != 0 {
			row.Sort = c.Sort
		}
		if _, err := im.tx.UpsertCategory(ctx, row); err != nil {
			return err
		}
	}
	return nil
}

// people writes everyone in a few statements (arrays), not a few per person.
func (im *importer) people(ctx context.Context) error {
	people := make([]store.RosterPerson, len(im.f.People))
	for i, p := range im.f.People {
		people[i] = im.person(p)
	}
	ids, err := im.tx.ImportPeople(ctx, people)
	if err != nil {
		return err
	}
	return im.volunteers(ctx, ids)
}

// person is one person of the file with their roles and patrols.
func (im *importer) person(p Person) store.RosterPerson {
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
			pr.DepartmentID = store.Ref(im.departmentID[p.Department])
		}
		if r == model.RoleProperty { // a member of its department row too: the lifecycle's buttons are theirs
			pr.DepartmentID = store.Ref(im.departmentID[p.Property])
			rp.Roles = append(rp.Roles, store.PersonRole{Role: model.RoleDepartment, DepartmentID: pr.DepartmentID})
		}
		if p.Community != "" && (r == model.RoleCoordinator || r == model.RoleSupervisor || r == model.RoleSteward || r == model.RoleAssessor) {
			pr.CommunityID = store.Ref(im.communityID[p.Community])
		}
		rp.Roles = append(rp.Roles, pr)
	}
	for _, pt := range p.Patrols {
		days := make([]int64, len(pt.Days))
		for i, d := range pt.Days {
			days[i] = int64(d)
		}
		rp.Patrols = append(rp.Patrols, store.PatrolSchedule{AlleyID: im.alleyID[pt.Alley], Weekdays: days, StartsAt: pt.From, EndsAt: pt.To, Since: p.Since})
	}
	return rp
}

func (im *importer) chats(ctx context.Context) error {
	for _, c := range im.f.Chats {
		row := store.Chat{Code: c.Code, Kind: model.ChatKind(c.Kind), Title: c.Title, NotifyReports: c.NotifyReports == nil || *c.NotifyReports}
		if c.Community != "" {
			row.CommunityID = store.Ref(im.communityID[c.Community])
		}
		if c.Alley != "" {
			row.AlleyID = store.Ref(im.alleyID[c.Alley])
		}
		if c.Department != "" {
			row.DepartmentID = store.Ref(im.departmentID[c.Department])
		}
		id, err := im.tx.UpsertChat(ctx, row)
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
			if err := im.tx.BindChat(ctx, id, platform, ext); err != nil {
				return err
			}
		}
	}
	return nil
}
