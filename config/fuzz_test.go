package config

import (
	"errors"
	"os"
	"strings"
	"testing"
)

// FuzzConfig feeds the config loader any file: it never panics, every
// refusal names the file, and a config it accepts passes Validate.
func FuzzConfig(f *testing.F) {
	example, err := os.ReadFile("../config.example.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(example)
	for _, s := range []string{"log:\n  level: &l warn\ntelegram:\n  bot_username: *l\n", "http:\n  shutdown_timeout: -5s\n",
		"database:\n  max_open_conns: 1.5\n", "bot:\n  timezone: Mars/Olympus\n", "x: [", "telegram: *nope\n", ""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg := Default()
		cfg.File = "fuzz.yaml"
		if err := DecodeStrict("fuzz.yaml", data, &cfg); err != nil {
			var de *DecodeError
			if !errors.As(err, &de) || de.File != "fuzz.yaml" {
				t.Errorf("a refusal that does not name the file: %v", err)
			}
			return
		}
		if err := cfg.Validate(); err != nil && !strings.Contains(err.Error(), "fuzz.yaml") {
			t.Errorf("a validation error that does not name the file: %v", err)
		}
	})
}
