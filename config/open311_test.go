package config

import (
	"strings"
	"testing"
)

func TestOpen311Config(t *testing.T) {
	if cfg := Default(); !cfg.Open311.Enabled || len(cfg.Open311.Clients) != 0 {
		t.Fatalf("default open311 = %+v, want enabled, no clients", cfg.Open311)
	}
	const k1, k2 = "0123456789abcdef0123", "fedcba9876543210fedc"
	for yaml, key := range map[string]string{
		"open311:\n  clients:\n    - {name: city, api_key: short}\n":                                         "open311.clients[0].api_key",
		"open311:\n  clients:\n    - {api_key: " + k1 + "}\n":                                                "open311.clients[0].name",
		"open311:\n  clients:\n    - {name: a, api_key: " + k1 + "}\n    - {name: a, api_key: " + k2 + "}\n": "open311.clients[1].name",
		"open311:\n  clients:\n    - {name: a, api_key: " + k1 + "}\n    - {name: b, api_key: " + k1 + "}\n": "open311.clients[1].api_key",
		"open311:\n  enabled: false\n  clients:\n    - {name: a, api_key: " + k1 + "}\n":                     "open311.enabled",
		"open311:\n  clients:\n    - {name: a, key: " + k1 + "}\n":                                           "key",
	} {
		path := writeFile(t, "alleybot.yaml", yaml)
		_, err := Load(path, env(nil))
		if err == nil || !strings.Contains(err.Error(), key) || !strings.Contains(err.Error(), path) {
			t.Errorf("%q: error %v, want one naming %s and the file", yaml, err, key)
		}
	}
	path := writeFile(t, "alleybot.yaml", "open311:\n  clients:\n    - {name: city, api_key: "+k1+"}\n")
	if cfg, err := Load(path, env(nil)); err != nil || len(cfg.Open311.Clients) != 1 || cfg.Open311.Clients[0].APIKey != k1 {
		t.Fatalf("one client: %+v, %v", cfg.Open311, err)
	}
}
