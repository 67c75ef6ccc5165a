package handlers

import (
	"os"
	"strings"
	"testing"
)

// TestReadmeListsEveryCommand: the README's table of chat commands names
// every command of the router's table, with its Chinese words and, where
// permissions.go limits it, who may use it.
func TestReadmeListsEveryCommand(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "\n### Chat commands\n")
	if !ok {
		t.Fatal("README.md has no ### Chat commands section")
	}
	if i := strings.Index(section, "\n#"); i >= 0 {
		section = section[:i]
	}
	rows := map[string]string{} // command → its table row
	for _, line := range strings.Split(section, "\n") {
		if !strings.HasPrefix(line, "| `/") {
			continue
		}
		cells := strings.Split(line, " | ")
		for _, f := range strings.Split(cells[0], ",") {
			name, _, _ := strings.Cut(strings.Trim(strings.TrimSpace(strings.TrimPrefix(f, "|")), "`"), " ")
			rows[name] = line
		}
	}
	for _, c := range (&Router{}).commandTable() {
		row, ok := rows["/"+c.Name]
		if !ok {
			t.Errorf("README's command table lacks /%s", c.Name)
			continue
		}
		for _, a := range c.Aliases {
			if a != "language" && !strings.Contains(row, a) {
				t.Errorf("README's row of /%s lacks its word %s: %s", c.Name, a, row)
			}
		}
		for _, role := range permissions["/"+c.Name] {
			if !strings.Contains(row, readmeRole[string(role)]) {
				t.Errorf("README's row of /%s does not say %s may use it: %s", c.Name, role, row)
			}
		}
	}
}

// readmeRole is how the README's table names a role.
var readmeRole = map[string]string{"steward": "stewards", "coordinator": "coordinators", "supervisor": "supervisors",
	"department": "department", "trainer": "trainers", "admin": "admin"}
