package config

import (
	"strings"
	"testing"
)

// TestPublicityConfig: publicity.needs_approval is off by default, read
// when set, and a wrong value or an unknown key is refused naming it.
func TestPublicityConfig(t *testing.T) {
	if Default().Publicity.NeedsApproval {
		t.Fatal("needs_approval is on by default")
	}
	for yaml, key := range map[string]string{
		"publicity:\n  needs_approval: maybe\n": "publicity.needs_approval",
		"publicity:\n  needs_aproval: true\n":   "publicity.needs_aproval",
	} {
		path := writeFile(t, "alleybot.yaml", yaml)
		_, err := Load(path, env(nil))
		if err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("%q: error %v, want one naming %s", yaml, err, key)
		}
	}
	path := writeFile(t, "alleybot.yaml", "publicity:\n  needs_approval: true\n")
	if cfg, err := Load(path, env(nil)); err != nil || !cfg.Publicity.NeedsApproval {
		t.Fatalf("needs_approval: true: %+v, %v", cfg.Publicity, err)
	}
}
