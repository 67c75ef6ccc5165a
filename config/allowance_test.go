package config

import (
	"strings"
	"testing"

	"github.com/alleybot/alleybot/assessment"
)

// TestAllowanceConfig: amounts in yuan are read exactly into fen, quoted
// or not; more than two decimals, a negative amount or a word is refused
// naming the key and the file; nothing set is off.
func TestAllowanceConfig(t *testing.T) {
	if r := Default().Assessment.Allowance.Rule(); r != (assessment.AllowanceRule{}) || r.On() {
		t.Fatalf("default rule %+v, want off", r)
	}
	path := writeFile(t, "alleybot.yaml", "assessment:\n  allowance:\n    per_patrol: \"20.00\"\n    per_report: 15.5\n    base: 100.01\n    cap: 800\n")
	cfg, err := Load(path, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if r := cfg.Assessment.Allowance.Rule(); r != (assessment.AllowanceRule{PerPatrol: 2000, PerReport: 1550, Base: 10001, Cap: 80000}) {
		t.Fatalf("rule %+v", r)
	}
	// 0.29 and 0.57 are not exact in binary floating point: the fen must be.
	path = writeFile(t, "alleybot.yaml", "assessment:\n  allowance: {per_patrol: 0.29, per_report: \"0.57\", base: 1.15}\n")
	if cfg, err = Load(path, env(nil)); err != nil {
		t.Fatal(err)
	}
	if r := cfg.Assessment.Allowance.Rule(); r.PerPatrol != 29 || r.PerReport != 57 || r.Base != 115 || r.Cap != 0 {
		t.Fatalf("rule %+v", r)
	}
	for yaml, want := range map[string][]string{
		"assessment:\n  allowance: {per_patrol: \"20.005\"}\n": {"assessment.allowance.per_patrol", "more than two decimals"},
		"assessment:\n  allowance: {per_report: -5}\n":         {"assessment.allowance.per_report", "negative"},
		"assessment:\n  allowance: {base: \"-0.01\"}\n":        {"assessment.allowance.base", "negative"},
		"assessment:\n  allowance: {cap: 一百}\n":                {"assessment.allowance.cap", "not an amount"},
		"assessment:\n  allowance: {cap: 1e3}\n":               {"assessment.allowance.cap", "not an amount"},
		"assessment:\n  allowance: {bonus: 5}\n":               {"assessment.allowance.bonus", "unknown key"},
	} {
		path := writeFile(t, "alleybot.yaml", yaml)
		_, err := Load(path, env(nil))
		for _, w := range append(want, path) {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%q: error %v, want one with %q", yaml, err, w)
			}
		}
	}
}
