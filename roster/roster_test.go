package roster_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/alleybot/alleybot/config"
	"github.com/alleybot/alleybot/internal/testdb"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/roster"
	"github.com/alleybot/alleybot/store"
)

const example = "../examples/roster.yaml"

var dbURL string

func TestMain(m *testing.M) {
	os.Exit(testdb.Main(m, "roster", func(u string) { dbURL = u }))
}

func writeRoster(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "roster.yaml")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func counts(t *testing.T, st *store.Store) map[string]int {
	t.Helper()
	c, err := st.TableCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// freshStore is a migrated database of the test's own.
func freshStore(t *testing.T) *store.Store {
	t.Helper()
	return testdb.Open(t, testdb.Fresh(t, true))
}

func TestImportExampleTwice(t *testing.T) {
	ctx := context.Background()
	st := freshStore(t)

	sum1, err := roster.Import(ctx, st, example)
	if err != nil {
		t.Fatal(err)
	}
	wantSum := roster.Summary{Communities: 2, Alleys: 6, Departments: 4, Categories: 4, People: 20, Chats: 11}
	if sum1 != wantSum {
		t.Errorf("first import summary = %+v, want %+v", sum1, wantSum)
	}
	first := counts(t, st)
	want := map[string]int{
		"communities": 2, "alleys": 6, "departments": 5, "categories": 4, "roles": 10,
		"people": 20, "person_roles": 22, "patrol_schedules": 11, "chats": 11,
		"chat_bindings": 0, "identities": 0, "schema_migrations": store.LatestVersion(),
	}
	if !reflect.DeepEqual(first, want) {
		t.Errorf("counts after the first import:\n got %v\nwant %v", first, want)
	}

	sum2, err := roster.Import(ctx, st, example)
	if err != nil {
		t.Fatal(err)
	}
	if sum2 != sum1 {
		t.Errorf("second import summary = %+v, want %+v", sum2, sum1)
	}
	if second := counts(t, st); !reflect.DeepEqual(first, second) {
		t.Errorf("importing again changed the counts:\nfirst  %v\nsecond %v", first, second)
	}
}

// TestImportExampleContent spot-checks that what the file says is what the
// database holds.
func TestImportExampleContent(t *testing.T) {
	ctx := context.Background()
	st := freshStore(t)
	if _, err := roster.Import(ctx, st, example); err != nil {
		t.Fatal(err)
	}

	t.Run("categories take the roster's departments and limits", func(t *testing.T) {
		cats, err := st.Categories(ctx)
		if err != nil {
			t.Fatal(err)
		}
		type lim struct {
			verify, fix int
			dept        string
		}
		want := map[string]lim{
			"sanitation": {120, 1440, "huanwei"},
			"facilities": {480, 4800, "fangguan"},
			"order":      {240, 1440, "chengguan"},
			"safety":     {60, 480, "pingan"},
		}
		for _, c := range cats {
			w, ok := want[c.Code]
			if !ok {
				t.Errorf("unexpected category %s", c.Code)
				continue
			}
			var dept string
			if err := st.DB().GetContext(ctx, &dept, `SELECT code FROM departments WHERE id = $1`, c.DepartmentID); err != nil {
				t.Errorf("%s: department %v: %v", c.Code, c.DepartmentID, err)
			}
			if c.VerifyWithinMinutes != w.verify || c.FixWithinMinutes != w.fix || dept != w.dept {
				t.Errorf("%s = verify %d, fix %d, department %q; want %+v", c.Code, c.VerifyWithinMinutes, c.FixWithinMinutes, dept, w)
			}
			if c.Name == "" || c.NameEn == "" {
				t.Errorf("%s lost its built-in names: %+v", c.Code, c)
			}
		}
	})

	t.Run("people, roles and patrols", func(t *testing.T) {
		p, err := st.FindPerson(ctx, "S01")
		if err != nil {
			t.Fatal(err)
		}
		if p.Name != "王秀兰" || p.Phone != "13810010001" || p.WecomUserID.String != "wangxiulan" || p.Lang != "zh" || !p.Active {
			t.Errorf("S01 = %+v", p)
		}
		roles, err := st.RolesOf(ctx, p.ID)
		if err != nil || len(roles) != 1 || roles[0].Role != "steward" || roles[0].CommunityName != "南锣鼓巷社区" {
			t.Errorf("S01 roles = %+v, %v; want steward of 南锣鼓巷社区", roles, err)
		}
		patrols, err := st.PatrolsOf(ctx, p.ID)
		if err != nil || len(patrols) != 2 {
			t.Fatalf("S01 patrols = %+v, %v; want 2", patrols, err)
		}
		if got := patrols[0]; got.Alley != "帽儿胡同" || got.StartsAt != "08:00" || got.EndsAt != "09:00" ||
			!reflect.DeepEqual([]int64(got.Weekdays), []int64{1, 2, 3, 4, 5}) {
			t.Errorf("S01 first patrol = %+v", got)
		}

		s07, err := st.FindPerson(ctx, "孙立新")
		if err != nil || s07.Lang != "en" {
			t.Errorf("S07 = %+v, %v; want lang en", s07, err)
		}

		a01, err := st.FindPerson(ctx, "A01")
		if err != nil {
			t.Fatal(err)
		}
		roles, err = st.RolesOf(ctx, a01.ID)
		if err != nil || len(roles) != 2 {
			t.Errorf("A01 roles = %+v, %v; want admin and coordinator", roles, err)
		}

		d01, err := st.FindPerson(ctx, "D01")
		if err != nil {
			t.Fatal(err)
		}
		roles, err = st.RolesOf(ctx, d01.ID)
		if err != nil || len(roles) != 1 || roles[0].DepartmentName != "交道口街道环卫所" {
			t.Errorf("D01 roles = %+v, %v; want department 交道口街道环卫所", roles, err)
		}
	})

	t.Run("stewards", func(t *testing.T) {
		first, err := st.FirstSteward(ctx)
		if err != nil || first.Code != "S01" {
			t.Errorf("FirstSteward = %+v, %v; want S01", first, err)
		}
		alleys, err := st.AlleysOfSteward(ctx, first.ID)
		var names []string
		for _, a := range alleys {
			names = append(names, a.Name)
		}
		if err != nil || !sameSet(names, []string{"帽儿胡同", "雨儿胡同"}) {
			t.Errorf("S01 alleys = %v, %v; want 帽儿胡同 and 雨儿胡同", names, err)
		}
		people, err := st.People(ctx)
		if err != nil || len(people) != 20 || people[0].Code != "A01" {
			t.Errorf("People = %d people starting %+v, %v; want 20 by code", len(people), people[:min(1, len(people))], err)
		}
	})

	t.Run("chats", func(t *testing.T) {
		c, err := st.ChatByCode(ctx, "dept-huanwei")
		if err != nil || c.Kind != "department" || !c.DepartmentID.Valid || c.Title != "环卫所工作群" {
			t.Errorf("dept-huanwei = %+v, %v", c, err)
		}
		if _, err := st.ChatByCode(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("ChatByCode(nope) = %v, want ErrNotFound", err)
		}
	})
}

// TestReimportUpdatesInPlace: editing a name and importing again updates the
// row with that code; nothing is added.
func TestReimportUpdatesInPlace(t *testing.T) {
	ctx := context.Background()
	st := freshStore(t)
	data, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	path := writeRoster(t, string(data))
	if _, err := roster.Import(ctx, st, path); err != nil {
		t.Fatal(err)
	}
	before := counts(t, st)
	p1, err := st.FindPerson(ctx, "S03")
	if err != nil {
		t.Fatal(err)
	}

	edits := []struct{ old, new string }{
		{"name: 张桂芳", "name: 张桂兰"},
		{"name: 帽儿胡同,", "name: 帽儿胡同东段,"},
		{"title: 问题受理中心值班群", "title: 受理中心值班群"},
		{"{alley: fuxiang, days: [1, 2, 3, 4, 5], from: \"09:00\", to: \"10:00\"}", "{alley: fuxiang, days: [1, 3], from: \"09:30\", to: \"10:30\"}"},
	}
	edited := string(data)
	for _, e := range edits {
		if strings.Count(edited, e.old) != 1 {
			t.Fatalf("the example no longer has exactly one %q", e.old)
		}
		edited = strings.Replace(edited, e.old, e.new, 1)
	}
	if err := os.WriteFile(path, []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := roster.Import(ctx, st, path); err != nil {
		t.Fatal(err)
	}
	if after := counts(t, st); !reflect.DeepEqual(before, after) {
		t.Errorf("re-import added or removed rows:\nbefore %v\nafter  %v", before, after)
	}

	p2, err := st.FindPerson(ctx, "S03")
	if err != nil {
		t.Fatal(err)
	}
	if p2.ID != p1.ID || p2.Name != "张桂兰" {
		t.Errorf("S03 after re-import = %+v (id was %d), want the same row renamed 张桂兰", p2, p1.ID)
	}
	if _, err := st.FindPerson(ctx, "张桂芳"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the old name still finds someone: %v", err)
	}
	var alley string
	if err := st.DB().GetContext(ctx, &alley, `SELECT name FROM alleys WHERE code = 'maoer'`); err != nil || alley != "帽儿胡同东段" {
		t.Errorf("alley maoer = %q, %v; want 帽儿胡同东段", alley, err)
	}
	c, err := st.ChatByCode(ctx, "center")
	if err != nil || c.Title != "受理中心值班群" {
		t.Errorf("chat center = %+v, %v", c, err)
	}
	patrols, err := st.PatrolsOf(ctx, p2.ID)
	if err != nil || len(patrols) != 1 || patrols[0].StartsAt != "09:30" || !reflect.DeepEqual([]int64(patrols[0].Weekdays), []int64{1, 3}) {
		t.Errorf("S03 patrols = %+v, %v; want one at 09:30 on days 1, 3", patrols, err)
	}
}

// TestImportAlleyLine: a long hutong's line is imported with it, and a
// place is in the alley within radius_m of the line, however far from the
// centre; a re-import without the line makes it a circle again.
func TestImportAlleyLine(t *testing.T) {
	ctx := context.Background()
	st := freshStore(t)
	withLine := strings.Replace(base, "radius_m: 100}", `radius_m: 40,
      line: [{lat: 39.9, lon: 116.395}, {lat: 39.9, lon: 116.400}, {lat: 39.902, lon: 116.405}]}`, 1)
	if _, err := roster.Import(ctx, st, writeRoster(t, withLine)); err != nil {
		t.Fatal(err)
	}
	var line string
	if err := st.DB().GetContext(ctx, &line, `SELECT array_to_string(line, ' ') FROM alleys WHERE code = 'a1'`); err != nil {
		t.Fatal(err)
	}
	if want := "39.9 116.395 39.9 116.4 39.902 116.405"; line != want {
		t.Errorf("line = %q, want %q", line, want)
	}
	// 116.396 is about 340 m west of the centre (outside a 40 m circle) but
	// on the line; 39.9003 is about 33 m north of it.
	a, dist, err := st.NearestAlley(ctx, 39.9003, 116.396)
	if err != nil || a.Code != "a1" || dist < 30 || dist > 36 {
		t.Errorf("a point 33 m from the line: %s at %.1f m, %v", a.Code, dist, err)
	}
	if _, _, err := st.NearestAlley(ctx, 39.9006, 116.396); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a point 67 m from a line of radius 40 is inside: %v", err)
	}
	if _, err := roster.Import(ctx, st, writeRoster(t, strings.Replace(base, "radius_m: 100}", "radius_m: 40}", 1))); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.NearestAlley(ctx, 39.9003, 116.396); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("without its line the alley is a circle again: %v", err)
	}
}

// TestImportKeepsChosenLanguage: a person's /lang choice survives a re-import.
func TestImportKeepsChosenLanguage(t *testing.T) {
	ctx := context.Background()
	st := freshStore(t)
	if _, err := roster.Import(ctx, st, example); err != nil {
		t.Fatal(err)
	}
	p, err := st.FindPerson(ctx, "S01")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetLang(ctx, p.ID, "en"); err != nil {
		t.Fatal(err)
	}
	if _, err := roster.Import(ctx, st, example); err != nil {
		t.Fatal(err)
	}
	if p, err = st.FindPerson(ctx, "S01"); err != nil || p.Lang != "en" {
		t.Errorf("S01 lang after re-import = %q, %v; want en", p.Lang, err)
	}
}

// A small valid roster that the bad files below are variations of.
const base = `communities:
  - code: c1
    name: 一社区
alleys:
  - {code: a1, community: c1, name: 一巷, lat: 39.9, lon: 116.4, radius_m: 100}
departments:
  - {code: d1, name: 一部门}
people:
  - code: P1
    name: 甲
    wecom_userid: wx-a
    roles: [steward]
    patrols:
      - {alley: a1, days: [1, 2], from: "08:00", to: "09:00"}
  - code: P2
    name: 乙
    roles: [department]
    department: d1
chats:
  - {code: ch1, kind: exchange, title: 交流群}
`

func TestBaseRosterIsValid(t *testing.T) {
	st := freshStore(t)
	sum, err := roster.Import(context.Background(), st, writeRoster(t, base))
	if err != nil {
		t.Fatal(err)
	}
	if sum.People != 2 || sum.Alleys != 1 {
		t.Errorf("summary = %+v", sum)
	}
}

// TestBadFilesAreRefused: each bad file is refused with its line and field,
// and nothing of it reaches the database.
func TestBadFilesAreRefused(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t, dbURL)
	if _, err := roster.Import(ctx, st, example); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name      string
		yaml      string
		line      int
		field     string
		msg       string
		decodeErr bool // a config.DecodeError rather than a *roster.Error
	}{
		{
			name: "duplicate person code",
			yaml: `people:
  - code: Q1
    name: 甲
    roles: [trainer]
  - code: Q1
    name: 乙
    roles: [trainer]
`,
			line: 5, field: "people[1].code", msg: `duplicate person "Q1" (first at line 2)`,
		},
		{
			name: "alley outside the roster's communities",
			yaml: `communities:
  - {code: c1, name: 一社区}
alleys:
  - code: a1
    community: c2
    name: 一巷
    lat: 39.9
    lon: 116.4
    radius_m: 100
`,
			line: 5, field: "alleys[0].community", msg: `"c2" is not a community code`,
		},
		{
			name: "role that does not exist",
			yaml: `people:
  - code: Q1
    name: 甲

    roles: [steward, janitor]
`,
			line: 5, field: "people[0].roles", msg: `role "janitor" does not exist`,
		},
		{
			name: "latitude NaN",
			yaml: `communities:
  - {code: c1, name: 一社区}
alleys:
  - code: a1
    community: c1
    name: 一巷
    lat: .nan
    lon: 116.4
    radius_m: 100
`,
			line: 7, field: "alleys[0].lat", msg: "a latitude between -90 and 90",
		},
		{
			name: "an alley's line of one point",
			yaml: `communities:
  - {code: c1, name: 一社区}
alleys:
  - code: a1
    community: c1
    name: 一巷
    lat: 39.9
    lon: 116.4
    radius_m: 30
    line:
      - {lat: 39.9, lon: 116.4}
`,
			line: 10, field: "alleys[0].line", msg: "at least 2 points",
		},
		{
			name: "an alley's line point without its longitude",
			yaml: `communities:
  - {code: c1, name: 一社区}
alleys:
  - code: a1
    community: c1
    name: 一巷
    lat: 39.9
    lon: 116.4
    radius_m: 30
    line:
      - {lat: 39.9, lon: 116.399}
      - lat: 39.9
        lon: 1116.401
`,
			line: 13, field: "alleys[0].line[1].lon", msg: "a longitude between -180 and 180",
		},
		{
			name: "an alley's line point far from the alley",
			yaml: `communities:
  - {code: c1, name: 一社区}
alleys:
  - code: a1
    community: c1
    name: 一巷
    lat: 39.9
    lon: 116.4
    radius_m: 30
    line:
      - {lat: 39.9, lon: 116.399}
      - {lat: 39.9, lon: 116.401}
      - {lat: 38.9, lon: 116.402}
`,
			line: 13, field: "alleys[0].line[2]", msg: "m from the alley's centre",
		},
		{
			name: "two roster chats for one Telegram group",
			yaml: `chats:
  - {code: g1, kind: resident, title: 一群, telegram_chat_id: "-100123"}
  - {code: g2, kind: resident, title: 二群, telegram_chat_id: "-100123"}
`,
			line: 3, field: "chats[1].telegram_chat_id", msg: "also at line 2",
		},
		{
			name: "a Telegram chat id that is not a number",
			yaml: `chats:
  - code: g1
    kind: resident
    title: 一群
    telegram_chat_id: "@residents"
`,
			line: 5, field: "chats[0].telegram_chat_id", msg: "not a Telegram group id",
		},
		{
			name: "unknown key",
			yaml: `people:
  - code: Q1
    name: 甲
    role: [steward]
`,
			line: 4, field: "people[0].role", msg: "unknown key", decodeErr: true,
		},
		{
			name: "wrong type",
			yaml: `alleys:
  - {code: a1, community: c1, name: 一巷, lat: north, lon: 116.4, radius_m: 100}
`,
			line: 2, field: "alleys[0].lat", msg: `"north" is not a number`, decodeErr: true,
		},
		{
			name: "patrol with a bad time",
			yaml: `communities:
  - {code: c1, name: 一社区}
alleys:
  - {code: a1, community: c1, name: 一巷, lat: 39.9, lon: 116.4, radius_m: 100}
people:
  - code: Q1
    name: 甲
    roles: [steward]
    patrols:
      - alley: a1
        days: [1]
        from: "8:00"
        to: "09:00"
`,
			line: 12, field: "people[0].patrols[0].from", msg: `"8:00" is not a time like 08:30`,
		},
		{
			name: "patrol ending before it starts",
			yaml: `communities:
  - {code: c1, name: 一社区}
alleys:
  - {code: a1, community: c1, name: 一巷, lat: 39.9, lon: 116.4, radius_m: 100}
people:
  - code: Q1
    name: 甲
    roles: [steward]
    patrols:
      - {alley: a1, days: [1], from: "10:00", to: "09:00"}
`,
			line: 10, field: "people[0].patrols[0].to", msg: "must be after from",
		},
		{
			name: "patrol on day 8",
			yaml: `communities:
  - {code: c1, name: 一社区}
alleys:
  - {code: a1, community: c1, name: 一巷, lat: 39.9, lon: 116.4, radius_m: 100}
people:
  - code: Q1
    name: 甲
    roles: [steward]
    patrols:
      - {alley: a1, days: [8], from: "08:00", to: "09:00"}
`,
			line: 10, field: "people[0].patrols[0].days", msg: "8 is not a weekday",
		},
		{
			name: "department member without department",
			yaml: `people:
  - code: Q1
    name: 甲
    phone: "1"
    roles: [department]
`,
			line: 5, field: "people[0].department", msg: "a department member needs department:",
		},
		{
			name: "duplicate wecom_userid",
			yaml: `people:
  - code: Q1
    name: 甲
    wecom_userid: same
    roles: [trainer]
  - code: Q2
    name: 乙
    wecom_userid: same
    roles: [trainer]
`,
			line: 8, field: "people[1].wecom_userid", msg: `wecom_userid "same" is also at line 4`,
		},
		{
			name: "department chat without department",
			yaml: `chats:
  - code: x
    kind: department
    title: 群
`,
			line: 2, field: "chats[0].department", msg: "a department chat needs department:",
		},
		{
			name: "new category without names",
			yaml: `categories:
  - {code: noise, verify_within: 1h, fix_within: 2h}
`,
			line: 2, field: "categories[0].name", msg: "a new category needs name and name_en",
		},
		{
			name: "category limits the wrong way round",
			yaml: `categories:
  - code: sanitation
    verify_within: 4h
    fix_within: 1h
`,
			line: 4, field: "categories[0].fix_within", msg: "must be at least verify_within",
		},
		{
			name: "alley without coordinates",
			yaml: `communities:
  - {code: c1, name: 一社区}
alleys:
  - code: a1
    community: c1
    name: 一巷
    lon: 116.4
    radius_m: 100
`,
			line: 4, field: "alleys[0].lat", msg: "a latitude between -90 and 90 is required",
		},
		{
			name: "bad code characters",
			yaml: `communities:
  - {code: "社区 1", name: 一社区}
`,
			line: 2, field: "communities[0].code", msg: "may only use letters",
		},
		{
			name: "bad language",
			yaml: `people:
  - code: Q1
    name: 甲
    lang: fr
    roles: [trainer]
`,
			line: 4, field: "people[0].lang", msg: `"fr" is not zh or en`,
		},
		{
			name: "unknown chat kind",
			yaml: `chats:
  - {code: x, kind: family, title: 群}
`,
			line: 2, field: "chats[0].kind", msg: `"family" is not a chat kind`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeRoster(t, tt.yaml)
			before := counts(t, st)
			_, err := roster.Import(ctx, st, path)
			if err == nil {
				t.Fatalf("Import accepted:\n%s", tt.yaml)
			}
			if !roster.IsRosterError(err) {
				t.Errorf("IsRosterError(%v) = false", err)
			}
			wantLoc := fmt.Sprintf("%s:%d: %s: ", path, tt.line, tt.field)
			if tt.decodeErr {
				var de *config.DecodeError
				if !errors.As(err, &de) {
					t.Fatalf("error %T %v is not a *config.DecodeError", err, err)
				}
				if de.Line != tt.line || de.Key != tt.field {
					t.Errorf("DecodeError line %d key %q, want %d %q", de.Line, de.Key, tt.line, tt.field)
				}
			} else {
				var re *roster.Error
				if !errors.As(err, &re) {
					t.Fatalf("error %T %v is not a *roster.Error", err, err)
				}
				if len(re.Problems) != 1 {
					t.Errorf("%d problems, want exactly 1: %v", len(re.Problems), err)
				}
				found := false
				for _, p := range re.Problems {
					if p.Line == tt.line && p.Field == tt.field && strings.Contains(p.Msg, tt.msg) {
						found = true
					}
				}
				if !found {
					t.Errorf("no problem at line %d field %s with %q in %v", tt.line, tt.field, tt.msg, re.Problems)
				}
				if !strings.Contains(err.Error(), "nothing imported") {
					t.Errorf("message %q does not say nothing was imported", err)
				}
			}
			for _, part := range []string{wantLoc, tt.msg} {
				if !strings.Contains(err.Error(), part) {
					t.Errorf("message %q does not contain %q", err, part)
				}
			}
			if after := counts(t, st); !reflect.DeepEqual(before, after) {
				t.Errorf("a refused file changed the database:\nbefore %v\nafter  %v", before, after)
			}
		})
	}
}

// TestBadFileAfterGoodRowsImportsNothing: a file whose problem is at the end
// refuses the rows before it too, whether the check is the validator's or
// the database's.
func TestBadFileAfterGoodRowsImportsNothing(t *testing.T) {
	ctx := context.Background()
	st := freshStore(t)
	if _, err := roster.Import(ctx, st, example); err != nil {
		t.Fatal(err)
	}
	before := counts(t, st)

	t.Run("validator", func(t *testing.T) {
		bad := base + "  - {code: ch2, kind: nonsense, title: 坏群}\n"
		_, err := roster.Import(ctx, st, writeRoster(t, bad))
		var re *roster.Error
		if !errors.As(err, &re) {
			t.Fatalf("Import = %v, want a *roster.Error", err)
		}
		if after := counts(t, st); !reflect.DeepEqual(before, after) {
			t.Errorf("counts changed:\nbefore %v\nafter  %v", before, after)
		}
	})

	t.Run("database", func(t *testing.T) {
		// Valid on its own, but P1's wecom_userid belongs to S01 in the
		// database: the upsert fails half-way and the transaction rolls back.
		bad := strings.Replace(base, "wecom_userid: wx-a", "wecom_userid: wangxiulan", 1)
		_, err := roster.Import(ctx, st, writeRoster(t, bad))
		if err == nil {
			t.Fatal("Import accepted a wecom_userid used by another person")
		}
		if roster.IsRosterError(err) {
			t.Errorf("a database refusal reported as a file error: %v", err)
		}
		for _, part := range []string{"nothing imported", "wecom_userid"} {
			if !strings.Contains(err.Error(), part) {
				t.Errorf("error %q does not contain %q", err, part)
			}
		}
		if after := counts(t, st); !reflect.DeepEqual(before, after) {
			t.Errorf("counts changed:\nbefore %v\nafter  %v", before, after)
		}
		if _, err := st.ChatByCode(ctx, "ch1"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("chat ch1 of the refused file exists: %v", err)
		}
	})
}

// TestSwapWecomUserIDs: two people exchanging wecom_userid is a valid roster;
// the import should not depend on the order the rows are upserted in.
func TestSwapWecomUserIDs(t *testing.T) {
	ctx := context.Background()
	st := freshStore(t)
	two := `people:
  - {code: P1, name: 甲, wecom_userid: %s, roles: [trainer]}
  - {code: P2, name: 乙, wecom_userid: %s, roles: [trainer]}
`
	if _, err := roster.Import(ctx, st, writeRoster(t, fmt.Sprintf(two, "wx-1", "wx-2"))); err != nil {
		t.Fatal(err)
	}
	_, err := roster.Import(ctx, st, writeRoster(t, fmt.Sprintf(two, "wx-2", "wx-1")))
	if err != nil {
		t.Fatalf("swapping two wecom_userids is refused (%v)", err)
	}
	p, err := st.FindPerson(ctx, "P1")
	if err != nil || p.WecomUserID.String != "wx-2" {
		t.Errorf("P1 = %+v, %v; want wecom_userid wx-2", p, err)
	}
}

// TestValidateCollectsEveryProblem: one run lists every problem, sorted by line.
func TestValidateCollectsEveryProblem(t *testing.T) {
	src := `communities:
  - {code: c1, name: ""}
alleys:
  - {code: a1, community: nowhere, name: 一巷, lat: 99, lon: 116.4, radius_m: 0}
people:
  - code: Q1
    name: 甲
    roles: [wizard]
  - code: Q1
    name: 乙
    roles: [department]
    patrols:
      - {alley: a9, days: [0], from: "25:00", to: "09:00"}
`
	path := writeRoster(t, src)
	f, err := roster.Parse(path)
	if err != nil {
		t.Fatal(err)
	}
	roles := []string{"steward", "coordinator", "department", "trainer", "supervisor", "admin"}
	err = roster.Validate(path, f, roles, []string{"sanitation"})
	var re *roster.Error
	if !errors.As(err, &re) {
		t.Fatalf("Validate = %v, want *roster.Error", err)
	}
	want := []roster.Problem{
		{Line: 2, Field: "communities[0].name"},
		{Line: 4, Field: "alleys[0].community"},
		{Line: 4, Field: "alleys[0].lat"},
		{Line: 4, Field: "alleys[0].radius_m"},
		{Line: 8, Field: "people[0].roles"},
		{Line: 9, Field: "people[1].code"},
		{Line: 11, Field: "people[1].department"},
		{Line: 12, Field: "people[1].patrols"},
		{Line: 13, Field: "people[1].patrols[0].alley"},
		{Line: 13, Field: "people[1].patrols[0].days"},
		{Line: 13, Field: "people[1].patrols[0].from"},
	}
	type lf struct {
		Line  int
		Field string
	}
	var got, wantLF []lf
	for _, p := range re.Problems {
		got = append(got, lf{p.Line, p.Field})
		if p.Msg == "" {
			t.Errorf("problem %+v has no message", p)
		}
	}
	for _, p := range want {
		wantLF = append(wantLF, lf{p.Line, p.Field})
	}
	// Problems on one line may come in any order; compare as sets per line
	// after checking the overall order by line.
	for i := 1; i < len(re.Problems); i++ {
		if re.Problems[i].Line < re.Problems[i-1].Line {
			t.Errorf("problems not sorted by line: %+v", re.Problems)
			break
		}
	}
	if !sameSet(got, wantLF) {
		t.Errorf("problems:\n got %v\nwant %v\n(%v)", got, wantLF, err)
	}
	if !strings.Contains(err.Error(), fmt.Sprintf("(%d problem(s))", len(want))) {
		t.Errorf("message does not count %d problems: %v", len(want), err)
	}
}

func sameSet[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[T]int{}
	for _, x := range a {
		m[x]++
	}
	for _, x := range b {
		m[x]--
		if m[x] < 0 {
			return false
		}
	}
	return true
}

func TestValidateAcceptsExample(t *testing.T) {
	f, err := roster.Parse(example)
	if err != nil {
		t.Fatal(err)
	}
	roles := []string{"steward", "coordinator", "department", "trainer", "supervisor", "admin", "assessor", "treasurer", "property", "volunteer"}
	if err := roster.Validate(example, f, roles, []string{"sanitation", "facilities", "order", "safety"}); err != nil {
		t.Fatal(err)
	}
	// Without the built-in categories, the example's categories are new and
	// lack names: Validate must say so for each.
	err = roster.Validate(example, f, roles, nil)
	var re *roster.Error
	if !errors.As(err, &re) || len(re.Problems) != 4 {
		t.Errorf("Validate without built-in categories = %v, want 4 problems", err)
	}
}

func TestParseErrors(t *testing.T) {
	if _, err := roster.Parse(filepath.Join(t.TempDir(), "missing.yaml")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Parse(missing) = %v, want os.ErrNotExist", err)
	}
	path := writeRoster(t, "people:\n  - code: [x\n")
	_, err := roster.Parse(path)
	if err == nil || !strings.Contains(err.Error(), path) || !roster.IsRosterError(err) {
		t.Errorf("Parse(bad YAML) = %v, want a roster error naming %s", err, path)
	}
	if roster.IsRosterError(errors.New("connection refused")) {
		t.Error("IsRosterError is true for a plain error")
	}
}

func TestImportInactivePerson(t *testing.T) {
	ctx := context.Background()
	st := freshStore(t)
	src := `people:
  - {code: Q1, name: 甲, roles: [trainer], active: false}
  - {code: Q2, name: 乙, roles: [trainer]}
`
	if _, err := roster.Import(ctx, st, writeRoster(t, src)); err != nil {
		t.Fatal(err)
	}
	for code, want := range map[string]bool{"Q1": false, "Q2": true} {
		p, err := st.FindPerson(ctx, code)
		if err != nil || p.Active != want {
			t.Errorf("%s active = %v, %v; want %v", code, p.Active, err, want)
		}
	}
}

func TestImportChatBindings(t *testing.T) {
	ctx := context.Background()
	st := freshStore(t)
	src := `chats:
  - {code: x, kind: exchange, title: 群, telegram_chat_id: "-100111", wecom_chat_id: wr1}
  - {code: y, kind: coordinators, title: 群二, telegram_chat_id: "-100222"}
`
	path := writeRoster(t, src)
	for i := 0; i < 2; i++ {
		if _, err := roster.Import(ctx, st, path); err != nil {
			t.Fatal(err)
		}
		if n := counts(t, st)["chat_bindings"]; n != 3 {
			t.Errorf("import %d: %d chat bindings, want 3", i+1, n)
		}
	}
	// Moving a Telegram group to another chat code follows the file.
	moved := strings.Replace(strings.Replace(src, `"-100111"`, `"-100333"`, 1), `"-100222"`, `"-100111"`, 1)
	if _, err := roster.Import(ctx, st, writeRoster(t, moved)); err != nil {
		t.Fatal(err)
	}
	var chat string
	if err := st.DB().GetContext(ctx, &chat, `SELECT c.code FROM chat_bindings b JOIN chats c ON c.id = b.chat_id
		WHERE b.platform = 'telegram' AND b.external_id = '-100111'`); err != nil || chat != "y" {
		t.Errorf("-100111 is bound to %q, %v; want y", chat, err)
	}
	if n := counts(t, st)["chat_bindings"]; n != 3 {
		t.Errorf("%d chat bindings after moving, want 3", n)
	}
}

// TestDuplicateSectionRefused: a roster with two people: sections (one
// appended at the end of the file) must not silently lose the first one.
func TestDuplicateSectionRefused(t *testing.T) {
	ctx := context.Background()
	st := freshStore(t)
	src := `people:
  - {code: Q1, name: 甲, roles: [trainer]}
chats:
  - {code: x, kind: exchange, title: 群}
people:
  - {code: Q2, name: 乙, roles: [trainer]}
`
	before := counts(t, st)
	_, err := roster.Import(ctx, st, writeRoster(t, src))
	if err == nil {
		_, q1 := st.FindPerson(ctx, "Q1")
		_, q2 := st.FindPerson(ctx, "Q2")
		t.Fatalf("a file with two people: sections is accepted (Q1: %v, Q2: %v)", q1, q2)
	}
	if !roster.IsRosterError(err) || !strings.Contains(err.Error(), ":5:") || !strings.Contains(err.Error(), "people") {
		t.Errorf("error %v should be a file error naming people at line 5", err)
	}
	if after := counts(t, st); !reflect.DeepEqual(before, after) {
		t.Errorf("counts changed:\nbefore %v\nafter  %v", before, after)
	}
}

// TestPatrolScheduleStart: a patrol window counts from when the roster gave
// it (valid_from): the import's time for a new one, kept by a re-import
// that leaves it unchanged, the import's time again for a changed one, and
// the roster's since date when it gives one.
func TestPatrolScheduleStart(t *testing.T) {
	ctx := context.Background()
	st := freshStore(t)
	validFrom := func() time.Time {
		t.Helper()
		var at time.Time
		if err := st.DB().Get(&at, `SELECT s.valid_from FROM patrol_schedules s JOIN people p ON p.id = s.person_id WHERE p.code = 'P1'`); err != nil {
			t.Fatal(err)
		}
		return at
	}
	before := time.Now().Add(-time.Second)
	if _, err := roster.Import(ctx, st, writeRoster(t, base)); err != nil {
		t.Fatal(err)
	}
	if first := validFrom(); first.Before(before) || first.After(time.Now().Add(time.Second)) {
		t.Errorf("a new window counts from %v, want the import's time", first)
	}
	// As if imported a week ago: an unchanged re-import keeps it.
	week := time.Now().AddDate(0, 0, -7).Truncate(time.Second)
	if _, err := st.DB().Exec(`UPDATE patrol_schedules SET valid_from = $1`, week); err != nil {
		t.Fatal(err)
	}
	if _, err := roster.Import(ctx, st, writeRoster(t, base)); err != nil {
		t.Fatal(err)
	}
	if got := validFrom(); !got.Equal(week) {
		t.Errorf("an unchanged window counts from %v after a re-import, want %v", got, week)
	}
	// Another weekday: a new window, from now.
	changed := strings.Replace(base, "days: [1, 2]", "days: [1, 2, 3]", 1)
	if _, err := roster.Import(ctx, st, writeRoster(t, changed)); err != nil {
		t.Fatal(err)
	}
	if got := validFrom(); !got.After(week.Add(time.Hour)) {
		t.Errorf("a changed window still counts from %v", got)
	}
	// since: the day given.
	since := strings.Replace(changed, "    patrols:\n", "    since: 2026-03-02\n    patrols:\n", 1)
	if _, err := roster.Import(ctx, st, writeRoster(t, since)); err != nil {
		t.Fatal(err)
	}
	var day string
	if err := st.DB().Get(&day, `SELECT to_char(valid_from, 'YYYY-MM-DD HH24:MI') FROM patrol_schedules`); err != nil {
		t.Fatal(err)
	}
	if day != "2026-03-02 00:00" {
		t.Errorf("since 2026-03-02 gives %s", day)
	}
	bad := strings.Replace(base, "    patrols:\n", "    since: 2026-13-01\n    patrols:\n", 1)
	if _, err := roster.Import(ctx, st, writeRoster(t, bad)); err == nil || !strings.Contains(err.Error(), "since") {
		t.Errorf("a bad since date: %v", err)
	}
}

// TestImportAssessor: the assessment group (四(一)1) is a role of the
// roster like the others, limited to a community when one is given.
func TestImportAssessor(t *testing.T) {
	ctx := context.Background()
	st := freshStore(t)
	withAssessor := strings.Replace(base, "chats:\n", `  - code: K1
    name: 丙
    roles: [assessor]
    community: c1
chats:
`, 1)
	if _, err := roster.Import(ctx, st, writeRoster(t, withAssessor)); err != nil {
		t.Fatal(err)
	}
	p, err := st.FindPerson(ctx, "K1")
	if err != nil {
		t.Fatal(err)
	}
	roles, err := st.RolesOf(ctx, p.ID)
	if err != nil || len(roles) != 1 || roles[0].Role != model.RoleAssessor || roles[0].CommunityName != "一社区" {
		t.Fatalf("K1's roles: %+v, %v", roles, err)
	}
}
