package i18n

import "testing"

// TestNoKeyDefinedTwice: the domains' literals share no key (merge would
// refuse to start), and merge refuses one defined twice.
func TestNoKeyDefinedTwice(t *testing.T) {
	seen, n := map[string]int{}, 0
	for i, part := range catalogs {
		for k := range part {
			if j, dup := seen[k]; dup {
				t.Errorf("%q is defined in literals %d and %d", k, j, i)
			}
			seen[k] = i
			n++
		}
	}
	if n != len(catalog) {
		t.Errorf("the literals have %d keys, the catalog %d", n, len(catalog))
	}
	defer func() {
		if recover() == nil {
			t.Error("merge took a key defined twice")
		}
	}()
	merge(map[string]msg{"x": {"甲", "x"}}, map[string]msg{"x": {"乙", "y"}})
}
