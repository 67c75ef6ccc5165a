package roster_test

import (
	"errors"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/alleybot/alleybot/config"
	"github.com/alleybot/alleybot/roster"
)

// FuzzRoster feeds the loader any file: it never panics, a refusal is a
// located error (a decode error or a roster error with lines), and a file
// it accepts can go into the database as it is: every coordinate a real
// number in range, no NUL or other control character in any name.
func FuzzRoster(f *testing.F) {
	example, err := os.ReadFile("../examples/roster.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(example)
	for _, s := range []string{
		"communities:\n  - {code: c1, name: 一社区}\nalleys:\n  - {code: a1, community: c1, name: 一巷, lat: .nan, lon: 116.4, radius_m: 100}\n",
		"people:\n  - {code: Q1, name: \"甲\\0乙\", roles: [trainer]}\n",
		"chats:\n  - {code: g1, kind: resident, title: 一群, telegram_chat_id: \"-100123\"}\n  - {code: g2, kind: resident, title: 二群, telegram_chat_id: \"-100123\"}\n",
		"a: &a [1, 1]\nb: [*a, *a]\n",
		"people: *x\n", "- 1\n", "",
	} {
		f.Add([]byte(s))
	}
	roles := []string{"steward", "coordinator", "department", "trainer", "supervisor", "admin"}
	cats := []string{"sanitation", "facilities", "order", "safety"}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := roster.Decode("fuzz.yaml", data)
		if err != nil {
			var de *config.DecodeError
			if !errors.As(err, &de) && !strings.Contains(err.Error(), "fuzz.yaml") {
				t.Errorf("a decode error that does not name the file: %v", err)
			}
			return
		}
		if err := roster.Validate("fuzz.yaml", file, roles, cats); err != nil {
			var re *roster.Error
			if !errors.As(err, &re) || len(re.Problems) == 0 {
				t.Errorf("a refusal without its problems: %v", err)
			}
			return
		}
		for _, a := range file.Alleys {
			if math.IsNaN(a.Lat) || math.IsNaN(a.Lon) || math.IsInf(a.Lat, 0) || math.IsInf(a.Lon, 0) {
				t.Errorf("accepted alley %s at %v,%v", a.Code, a.Lat, a.Lon)
			}
		}
		for _, p := range file.People {
			if strings.ContainsRune(p.Name, 0) || strings.ContainsRune(p.Phone, 0) {
				t.Errorf("accepted a NUL in person %s", p.Code)
			}
		}
		for _, c := range file.Chats {
			if strings.ContainsRune(c.Title, 0) {
				t.Errorf("accepted a NUL in chat %s", c.Code)
			}
		}
	})
}
