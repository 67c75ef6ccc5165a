package handlers

import (
	"slices"
	"strings"
	"testing"

	"github.com/alleybot/alleybot/conversations"
)

// TestPermissionKeysMatchFamilies: every action of every registered button
// family has an entry in the permission table or is public (deliberately
// open), a public one has no entry, and no button entry names an action no
// family has.
func TestPermissionKeysMatchFamilies(t *testing.T) {
	r, _ := setup(t)
	families := r.flows.Families()
	if len(families) == 0 {
		t.Fatal("the engine has no button families")
	}
	keys := map[string]bool{}
	for _, f := range families {
		for _, a := range f.Public {
			if !slices.Contains(f.Actions, a) {
				t.Errorf("family %s: public action %s is not one of its actions", f.Prefix, a)
			}
		}
		for _, a := range f.Actions {
			key := conversations.ButtonKey(f.Prefix, a)
			keys[key] = true
			_, entry := permissions[key]
			switch {
			case f.IsPublic(a) && entry:
				t.Errorf("%s is public and also in the permission table: which is it?", key)
			case !f.IsPublic(a) && !entry:
				t.Errorf("%s has no entry in the permission table: decide who may press it (nil: every bound person)", key)
			}
		}
	}
	for key := range permissions {
		if strings.HasPrefix(key, "button:") && !keys[key] {
			t.Errorf("the permission table names %s, an action no button family has", key)
		}
	}
}
