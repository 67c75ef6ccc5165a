package conversations_test

import (
	"testing"

	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/flows"
)

// Every family's buttons are found by their data, and nothing else is.
func TestButtonFamilies(t *testing.T) {
	e := conversations.New(conversations.Deps{}, flows.All(flows.Settings{})...)
	cases := []struct {
		data string
		want conversations.Pressed
		ok   bool
	}{
		{"c:dispatch:12", conversations.Pressed{Prefix: "c", Action: "dispatch", ID: 12}, true},
		{"c:rate:5:4", conversations.Pressed{Prefix: "c", Action: "rate", ID: 5, Arg: "4"}, true},
		{"k:answer:3", conversations.Pressed{Prefix: "k", Action: "answer", ID: 3}, true},
		{"t:sign:9", conversations.Pressed{Prefix: "t", Action: "sign", ID: 9}, true},
		{"ap:correct:4", conversations.Pressed{Prefix: "ap", Action: "correct", ID: 4}, true},
		{"ap:answer:4", conversations.Pressed{}, false},
		{"k:bogus:3", conversations.Pressed{}, false},
		{"k:answer:3:extra", conversations.Pressed{}, false},
		{"c:dispatch:x", conversations.Pressed{}, false},
		{"x:dispatch:1", conversations.Pressed{}, false},
		{"report|yes", conversations.Pressed{}, false},
	}
	for _, c := range cases {
		f, p, ok := e.Button(c.data)
		if ok != c.ok || p != c.want {
			t.Errorf("Button(%q) = %+v, %v; want %+v, %v", c.data, p, ok, c.want, c.ok)
			continue
		}
		if ok && (f.Prefix != p.Prefix || p.Data() != c.data) {
			t.Errorf("Button(%q): family %q, data back %q", c.data, f.Prefix, p.Data())
		}
	}
	if k := (conversations.Pressed{Prefix: "c", Action: "dispatch"}).Key(); k != "button:c:dispatch" {
		t.Errorf("permission key %q", k)
	}
	f, _, _ := e.Button("c:rate:1:5")
	if f == nil || !f.IsPublic("rate") || f.IsPublic("dispatch") {
		t.Errorf("the satisfaction question is public, dispatch is not")
	}
	// Every domain's family is registered once, under its own prefix.
	seen := map[string]bool{}
	for _, f := range e.Families() {
		if seen[f.Prefix] {
			t.Errorf("two families with the prefix %q", f.Prefix)
		}
		seen[f.Prefix] = true
	}
	for _, p := range []string{"c", "k", "t", "ap", "rg", "al"} { // case, complaint, training, appeal, recognition, allowance
		if !seen[p] {
			t.Errorf("no family %q among %v", p, seen)
		}
	}
}
