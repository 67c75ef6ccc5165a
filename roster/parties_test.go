package roster_test

import (
	"errors"
	"testing"

	"github.com/alleybot/alleybot/roster"
)

// A property manager names alleys of the roster; its contacts name a
// property manager of the roster; a volunteer names alleys: each problem
// is told with its line.
func TestValidatePropertyAndVolunteers(t *testing.T) {
	src := `communities:
  - {code: c1, name: 一社区}
alleys:
  - {code: a1, community: c1, name: 一巷, lat: 39.9, lon: 116.4, radius_m: 100}
departments:
  - {code: d1, name: 环卫}
property_managers:
  - {code: pm1, name: 一号物业, alleys: [a1, a9]}
  - {code: d1, name: 重名物业, alleys: [a1]}
people:
  - code: P1
    name: 甲
    roles: [property]
    property: pm9
  - code: P2
    name: 乙
    roles: [property]
  - code: Y1
    name: 丙
    roles: [volunteer]
    alleys: [a1, nowhere]
  - code: Y2
    name: 丁
    roles: [volunteer]
  - code: S1
    name: 戊
    roles: [steward]
    alleys: [a1]
`
	path := writeRoster(t, src)
	f, err := roster.Parse(path)
	if err != nil {
		t.Fatal(err)
	}
	roles := []string{"steward", "department", "property", "volunteer"}
	err = roster.Validate(path, f, roles, nil)
	var re *roster.Error
	if !errors.As(err, &re) {
		t.Fatalf("Validate = %v, want *roster.Error", err)
	}
	want := []roster.Problem{
		{Line: 8, Field: "property_managers[0].alleys", Msg: `"a9" is not an alley code of this roster`},
		{Line: 9, Field: "property_managers[1].code", Msg: `code "d1" is already a department's (line 6)`},
		{Line: 14, Field: "people[0].property", Msg: `"pm9" is not a property manager code of this roster`},
		{Line: 17, Field: "people[1].property", Msg: "a property manager's contact needs property:"},
		{Line: 21, Field: "people[2].alleys", Msg: `"nowhere" is not an alley code of this roster`},
		{Line: 24, Field: "people[3].alleys", Msg: "a volunteer needs alleys: (the alleys they help in)"},
		{Line: 28, Field: "people[4].alleys", Msg: "only a volunteer has alleys:"},
	}
	if len(re.Problems) != len(want) {
		t.Fatalf("problems:\n got %v\nwant %v", re.Problems, want)
	}
	for i := range want {
		if re.Problems[i] != want[i] {
			t.Errorf("problem %d = %+v, want %+v", i, re.Problems[i], want[i])
		}
	}
}
