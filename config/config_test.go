package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// writeFile puts content in a file of its own temporary directory and
// returns the path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// env is a getenv built from a map, so no test depends on the real environment.
func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestDefaultIsValid(t *testing.T) {
	cfg := Default()
	if err := cfg.Validate(); err != nil {
		t.Fatalf("Default().Validate() = %v, want nil", err)
	}
	if cfg.Location().String() != "Asia/Shanghai" {
		t.Errorf("Location() = %s, want Asia/Shanghai", cfg.Location())
	}
}

// TestDecodeStrictErrors checks that every decoding mistake names the file,
// the line and the dotted key path.
func TestDecodeStrictErrors(t *testing.T) {
	tests := []struct {
		name     string
		yaml     string
		wantKey  string
		wantLine int
		wantMsg  string // a fragment of the message
	}{
		{
			name:     "unknown nested key",
			yaml:     "database:\n  urll: postgres://x/y\n",
			wantKey:  "database.urll",
			wantLine: 2,
			wantMsg:  "unknown key",
		},
		{
			name:     "unknown key lists the known ones",
			yaml:     "log:\n  level: info\n  lvl: debug\n",
			wantKey:  "log.lvl",
			wantLine: 3,
			wantMsg:  "known here: level",
		},
		{
			name:     "unknown top-level key",
			yaml:     "# settings\n\ndatabse:\n  url: postgres://x/y\n",
			wantKey:  "databse",
			wantLine: 3,
			wantMsg:  "unknown key",
		},
		{
			name:     "string for an integer",
			yaml:     "database:\n  max_open_conns: \"abc\"\n",
			wantKey:  "database.max_open_conns",
			wantLine: 2,
			wantMsg:  `"abc" is not a whole number`,
		},
		{
			name:     "true for an integer",
			yaml:     "database:\n  url: postgres://x/y\n  max_open_conns: true\n",
			wantKey:  "database.max_open_conns",
			wantLine: 3,
			wantMsg:  `"true" is not a whole number`,
		},
		{
			name:     "list for a string",
			yaml:     "telegram:\n  token: [a, b]\n",
			wantKey:  "telegram.token",
			wantLine: 2,
			wantMsg:  "is not a string",
		},
		{
			name:     "bad duration",
			yaml:     "bot:\n  timezone: Asia/Shanghai\n  invite_ttl: 5x\n",
			wantKey:  "bot.invite_ttl",
			wantLine: 3,
			wantMsg:  `"5x" is not a duration`,
		},
		{
			name:     "bare number is not a duration",
			yaml:     "bot:\n  invite_ttl: 5\n",
			wantKey:  "bot.invite_ttl",
			wantLine: 2,
			wantMsg:  "is not a duration",
		},
		{
			name:     "list for a duration",
			yaml:     "bot:\n  invite_ttl: [1h]\n",
			wantKey:  "bot.invite_ttl",
			wantLine: 2,
			wantMsg:  "expected a duration",
		},
		{
			name:     "scalar for a section",
			yaml:     "database: postgres://x/y\n",
			wantKey:  "database",
			wantLine: 1,
			wantMsg:  "expected a mapping",
		},
		{
			name:     "list at the top",
			yaml:     "- a\n- b\n",
			wantKey:  "",
			wantLine: 1,
			wantMsg:  "expected a mapping",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const file = "settings.yaml"
			cfg := Default()
			err := DecodeStrict(file, []byte(tt.yaml), &cfg)
			if err == nil {
				t.Fatalf("DecodeStrict accepted:\n%s", tt.yaml)
			}
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error %T %v is not a *DecodeError", err, err)
			}
			if de.File != file || de.Key != tt.wantKey || de.Line != tt.wantLine {
				t.Errorf("DecodeError{File: %q, Key: %q, Line: %d}, want {%q, %q, %d}",
					de.File, de.Key, de.Line, file, tt.wantKey, tt.wantLine)
			}
			msg := err.Error()
			wantLoc := file + ":" + strconv.Itoa(tt.wantLine) + ":"
			for _, frag := range []string{wantLoc, tt.wantKey, tt.wantMsg} {
				if !strings.Contains(msg, frag) {
					t.Errorf("message %q does not contain %q", msg, frag)
				}
			}
		})
	}
}

func TestDecodeStrictSyntaxError(t *testing.T) {
	cfg := Default()
	err := DecodeStrict("broken.yaml", []byte("database:\n  url: [unclosed\n"), &cfg)
	var de *DecodeError
	if !errors.As(err, &de) {
		t.Fatalf("error %v is not a *DecodeError", err)
	}
	if !strings.HasPrefix(err.Error(), "broken.yaml: ") {
		t.Errorf("message %q does not start with the file name", err)
	}
	if !strings.Contains(err.Error(), "line") {
		t.Errorf("message %q does not give a line", err)
	}
}

// TestDecodeStrictValues checks that what a file says ends up in the struct,
// and that what it does not say keeps its default.
func TestDecodeStrictValues(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want func(c *Config)
	}{
		{"empty file", "", func(c *Config) {}},
		{"only a comment", "# nothing yet\n", func(c *Config) {}},
		{"empty sections", "database:\nbot:\n", func(c *Config) {}},
		{"hours", "bot:\n  invite_ttl: 48h\n", func(c *Config) { c.Bot.InviteTTL = 48 * time.Hour }},
		{"minutes", "bot:\n  invite_ttl: 90m\n", func(c *Config) { c.Bot.InviteTTL = 90 * time.Minute }},
		{"compound duration", "bot:\n  invite_ttl: 1h30m\n", func(c *Config) { c.Bot.InviteTTL = 90 * time.Minute }},
		{"quoted duration", "bot:\n  invite_ttl: \"2h\"\n", func(c *Config) { c.Bot.InviteTTL = 2 * time.Hour }},
		{"integer", "database:\n  max_open_conns: 3\n", func(c *Config) { c.Database.MaxOpenConns = 3 }},
		{
			"several keys",
			"database:\n  url: postgres://a@db/x\ntelegram:\n  token: \"123:abc\"\n  bot_username: alley_bot\nlog:\n  level: debug\nbot:\n  default_language: en\n  timezone: Europe/Berlin\n",
			func(c *Config) {
				c.Database.URL = "postgres://a@db/x"
				c.Telegram.Token = "123:abc"
				c.Telegram.BotUsername = "alley_bot"
				c.Log.Level = "debug"
				c.Bot.DefaultLanguage = "en"
				c.Bot.Timezone = "Europe/Berlin"
			},
		},
		{"anchor and alias", "log:\n  level: &lvl warn\ntelegram:\n  bot_username: *lvl\n", func(c *Config) {
			c.Log.Level = "warn"
			c.Telegram.BotUsername = "warn"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Default()
			if err := DecodeStrict("s.yaml", []byte(tt.yaml), &got); err != nil {
				t.Fatalf("DecodeStrict: %v", err)
			}
			want := Default()
			tt.want(&want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
		})
	}
}

// TestDecodeStrictLines checks the Line and Lines fields that roster uses to
// report semantic errors.
func TestDecodeStrictLines(t *testing.T) {
	type item struct {
		Code  string         `yaml:"code"`
		Name  string         `yaml:"name"`
		Line  int            `yaml:"-"`
		Lines map[string]int `yaml:"-"`
	}
	type doc struct {
		Items []item          `yaml:"items"`
		ByKey map[string]item `yaml:"by_key"`
	}
	src := "items:\n  - code: a\n    name: A\n\n  - {code: b, name: B}\nby_key:\n  x:\n    code: c\n"
	var d doc
	if err := DecodeStrict("d.yaml", []byte(src), &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Items) != 2 {
		t.Fatalf("items = %+v, want 2", d.Items)
	}
	tests := []struct {
		name            string
		got             item
		line, codeLine  int
		nameLine        int
		wantCode, wantN string
	}{
		{"block mapping", d.Items[0], 2, 2, 3, "a", "A"},
		{"flow mapping", d.Items[1], 5, 5, 5, "b", "B"},
		{"map value", d.ByKey["x"], 8, 8, 0, "c", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got.Code != tt.wantCode || tt.got.Name != tt.wantN {
				t.Errorf("decoded %+v, want code %q name %q", tt.got, tt.wantCode, tt.wantN)
			}
			if tt.got.Line != tt.line {
				t.Errorf("Line = %d, want %d", tt.got.Line, tt.line)
			}
			if tt.got.Lines["code"] != tt.codeLine || tt.got.Lines["name"] != tt.nameLine {
				t.Errorf("Lines = %v, want code:%d name:%d", tt.got.Lines, tt.codeLine, tt.nameLine)
			}
		})
	}

	// A wrong type inside a list names the index.
	err := DecodeStrict("d.yaml", []byte("items:\n  - code: a\n  - code: b\n    nmae: B\n"), &d)
	var de *DecodeError
	if !errors.As(err, &de) || de.Key != "items[1].nmae" || de.Line != 4 {
		t.Errorf("error = %v, want items[1].nmae at line 4", err)
	}
	err = DecodeStrict("d.yaml", []byte("by_key:\n  x:\n    code: [1]\n"), &d)
	if !errors.As(err, &de) || de.Key != "by_key.x.code" || de.Line != 3 || !strings.Contains(err.Error(), "is not a string") {
		t.Errorf("error = %v, want by_key.x.code at line 3: is not a string", err)
	}
}

// TestDecodeStrictDuplicateKey: a key written twice in one mapping is almost
// always a copy-and-paste mistake (a second people: section replaces the
// first); it should be refused, not silently resolved to the last value.
func TestDecodeStrictDuplicateKey(t *testing.T) {
	cfg := Default()
	err := DecodeStrict("dup.yaml", []byte("log:\n  level: debug\n  level: error\n"), &cfg)
	if err == nil {
		t.Fatal("DecodeStrict accepts a duplicate key silently (last wins)")
	}
	if !strings.Contains(err.Error(), "log.level") || !strings.Contains(err.Error(), "dup.yaml:3") {
		t.Errorf("error %q should name log.level and dup.yaml:3", err)
	}
}

// TestDecodeStrictFraction: a fraction where a whole number is wanted should
// be refused like "abc" is, not truncated (1.5 connections, radius_m: 200.7).
func TestDecodeStrictFraction(t *testing.T) {
	cfg := Default()
	err := DecodeStrict("f.yaml", []byte("database:\n  max_open_conns: 1.5\n"), &cfg)
	if err == nil {
		t.Fatalf("DecodeStrict truncates 1.5 to %d instead of refusing it (yaml.v3 float-to-int)", cfg.Database.MaxOpenConns)
	}
	if !strings.Contains(err.Error(), "database.max_open_conns") || !strings.Contains(err.Error(), "f.yaml:2") {
		t.Errorf("error %q should name database.max_open_conns at f.yaml:2", err)
	}
}

func TestLoadFileErrors(t *testing.T) {
	tests := []struct {
		name    string
		yaml    string
		wantKey string
		line    string
	}{
		{"unknown key", "database:\n  url: postgres://x/y\n  urll: postgres://x/z\n", "database.urll", ":3:"},
		{"wrong type", "database:\n  max_open_conns: \"abc\"\n", "database.max_open_conns", ":2:"},
		{"bad duration", "bot:\n  invite_ttl: 5x\n", "bot.invite_ttl", ":2:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, "alleybot.yaml", tt.yaml)
			_, err := Load(path, env(nil))
			if err == nil {
				t.Fatal("Load accepted a bad file")
			}
			for _, frag := range []string{path + tt.line, tt.wantKey} {
				if !strings.Contains(err.Error(), frag) {
					t.Errorf("error %q does not contain %q", err, frag)
				}
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope.yaml")
	_, err := Load(path, env(nil))
	if err == nil {
		t.Fatal("Load of a missing file succeeded")
	}
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), path) {
		t.Errorf("error %v should wrap os.ErrNotExist and name %s", err, path)
	}
}

func TestLoadEmptyFileIsDefaults(t *testing.T) {
	path := writeFile(t, "empty.yaml", "")
	cfg, err := Load(path, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := Default()
	want.File = path
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("Load(empty) = %+v\nwant %+v", cfg, want)
	}
}

func TestLoadNoFile(t *testing.T) {
	cfg, err := Load("", env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cfg, Default()) {
		t.Errorf("Load(\"\") = %+v, want the defaults", cfg)
	}
}

// TestLoadPrecedence: default < file < environment.
func TestLoadPrecedence(t *testing.T) {
	const (
		fileURL = "postgres://file@db.example/alleybot?sslmode=disable"
		envURL  = "postgres://env@db.example/alleybot?sslmode=disable"
	)
	tests := []struct {
		name      string
		file      string // "" = no file
		env       map[string]string
		wantURL   string
		wantToken string
	}{
		{"defaults only", "", nil, DefaultDatabaseURL, ""},
		{"file over default", "database:\n  url: " + fileURL + "\ntelegram:\n  token: file-token\n", nil, fileURL, "file-token"},
		{"env over default", "", map[string]string{"DATABASE_URL": envURL, "TELEGRAM_TOKEN": "env-token"}, envURL, "env-token"},
		{"env over file", "database:\n  url: " + fileURL + "\ntelegram:\n  token: file-token\n",
			map[string]string{"DATABASE_URL": envURL, "TELEGRAM_TOKEN": "env-token"}, envURL, "env-token"},
		{"empty env does not override", "database:\n  url: " + fileURL + "\n",
			map[string]string{"DATABASE_URL": ""}, fileURL, ""},
		{"file without the key keeps the default", "log:\n  level: warn\n", nil, DefaultDatabaseURL, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := ""
			if tt.file != "" {
				path = writeFile(t, "alleybot.yaml", tt.file)
			}
			cfg, err := Load(path, env(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Database.URL != tt.wantURL {
				t.Errorf("database.url = %q, want %q", cfg.Database.URL, tt.wantURL)
			}
			if cfg.Telegram.Token != tt.wantToken {
				t.Errorf("telegram.token = %q, want %q", cfg.Telegram.Token, tt.wantToken)
			}
			if cfg.File != path {
				t.Errorf("File = %q, want %q", cfg.File, path)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(c *Config)
		wantKey string // "" = valid
		wantMsg string
	}{
		{"defaults", func(c *Config) {}, "", ""},
		{"postgresql scheme", func(c *Config) { c.Database.URL = "postgresql://u@h/db" }, "", ""},
		{"english", func(c *Config) { c.Bot.DefaultLanguage = "en" }, "", ""},
		{"UTC", func(c *Config) { c.Bot.Timezone = "UTC" }, "", ""},
		{"each log level", func(c *Config) { c.Log.Level = "error" }, "", ""},
		{"empty url", func(c *Config) { c.Database.URL = "" }, "database.url", "DATABASE_URL"},
		{"mysql url", func(c *Config) { c.Database.URL = "mysql://u@h/db" }, "database.url", "postgres://"},
		{"not a url", func(c *Config) { c.Database.URL = "host=localhost dbname=x" }, "database.url", "postgres://"},
		{"no connections", func(c *Config) { c.Database.MaxOpenConns = 0 }, "database.max_open_conns", "at least 1"},
		{"bad language", func(c *Config) { c.Bot.DefaultLanguage = "fr" }, "bot.default_language", `"fr"`},
		{"bad timezone", func(c *Config) { c.Bot.Timezone = "Mars/Olympus" }, "bot.timezone", `"Mars/Olympus"`},
		{"relative timezone path", func(c *Config) { c.Bot.Timezone = "../etc/passwd" }, "bot.timezone", "time zone"},
		{"short invite ttl", func(c *Config) { c.Bot.InviteTTL = 30 * time.Second }, "bot.invite_ttl", "at least 1m"},
		{"api endpoint without host", func(c *Config) { c.Telegram.APIEndpoint = "api.telegram.org" }, "telegram.api_endpoint", "http(s)"},
		{"bot username with @", func(c *Config) { c.Telegram.BotUsername = "@alley_bot" }, "telegram.bot_username", "@"},
		{"bad log level", func(c *Config) { c.Log.Level = "verbose" }, "log.level", `"verbose"`},
		{"no warnings to suspend", func(c *Config) { c.Assessment.WarningsToSuspend = 0 }, "assessment.warnings_to_suspend", "at least 1"},
		{"warning window under a day", func(c *Config) { c.Assessment.WarningWindow = time.Hour }, "assessment.warning_window", "at least 24h"},
		{"wecom agent_id not a number", func(c *Config) {
			c.WeCom.CorpID, c.WeCom.AgentID, c.WeCom.Secret, c.WeCom.Token = "ww1", "app-1", "s", "t"
			c.WeCom.EncodingAESKey = strings.Repeat("k", 43)
		}, "wecom.agent_id", "a number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			c.File = "alleybot.yaml"
			tt.mutate(&c)
			err := c.Validate()
			if tt.wantKey == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate() accepted it, want an error about %s", tt.wantKey)
			}
			var de *DecodeError
			if !errors.As(err, &de) || de.Key != tt.wantKey {
				t.Errorf("error %v: want a *DecodeError with Key %q", err, tt.wantKey)
			}
			for _, frag := range []string{"alleybot.yaml", tt.wantKey, tt.wantMsg} {
				if !strings.Contains(err.Error(), frag) {
					t.Errorf("error %q does not contain %q", err, frag)
				}
			}
		})
	}
}

// TestValidateEmptyTimezone: time.LoadLocation("") is UTC, so `timezone: ""`
// would silently move every deadline eight hours; it should be refused.
func TestValidateEmptyTimezone(t *testing.T) {
	c := Default()
	c.Bot.Timezone = ""
	if err := c.Validate(); err == nil {
		t.Fatal("Validate accepts an empty bot.timezone (time.LoadLocation(\"\") is UTC)")
	} else if !strings.Contains(err.Error(), "bot.timezone") {
		t.Errorf("error %q should name bot.timezone", err)
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	c := Default()
	c.Bot.Timezone = "Nowhere/Here"
	c.Bot.DefaultLanguage = "de"
	c.Log.Level = "loud"
	err := c.Validate()
	if err == nil {
		t.Fatal("Validate accepted three bad values")
	}
	for _, key := range []string{"bot.timezone", "bot.default_language", "log.level", "(defaults and environment)"} {
		if !strings.Contains(err.Error(), key) {
			t.Errorf("error %q does not mention %s", err, key)
		}
	}
}

// TestLoadValidates: Load returns Validate's errors, naming the file.
func TestLoadValidates(t *testing.T) {
	tests := []struct {
		name    string
		yaml    string
		env     map[string]string
		wantKey string
	}{
		{"bad timezone", "bot:\n  timezone: Asia/Shangai\n", nil, "bot.timezone"},
		{"bad language", "bot:\n  default_language: jp\n", nil, "bot.default_language"},
		{"bad log level", "log:\n  level: trace\n", nil, "log.level"},
		{"non-postgres url", "database:\n  url: mysql://root@localhost/alleybot\n", nil, "database.url"},
		{"non-postgres url from the environment", "", map[string]string{"DATABASE_URL": "sqlite:///tmp/x.db"}, "database.url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, "alleybot.yaml", tt.yaml)
			_, err := Load(path, env(tt.env))
			if err == nil {
				t.Fatal("Load accepted it")
			}
			for _, frag := range []string{path, tt.wantKey} {
				if !strings.Contains(err.Error(), frag) {
					t.Errorf("error %q does not contain %q", err, frag)
				}
			}
		})
	}
}

func TestDecodeErrorFormat(t *testing.T) {
	tests := []struct {
		err  DecodeError
		want string
	}{
		{DecodeError{File: "a.yaml", Line: 4, Key: "bot.x", Msg: "bad"}, "a.yaml:4: bot.x: bad"},
		{DecodeError{File: "a.yaml", Key: "bot.x", Msg: "bad"}, "a.yaml: bot.x: bad"},
		{DecodeError{File: "a.yaml", Line: 2, Msg: "bad"}, "a.yaml:2: bad"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

// TestExampleConfigIsTheDefaults: config.example.yaml documents every key
// with its default value, so loading it changes nothing, and every key of
// Config appears in it.
func TestExampleConfigIsTheDefaults(t *testing.T) {
	got, err := Load("../config.example.yaml", func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	got.File = ""
	if len(got.WorkTime.Holidays) == 0 && len(got.WorkTime.Workdays) == 0 {
		got.WorkTime.Holidays, got.WorkTime.Workdays = nil, nil // [] in YAML, nil by default
	}
	if len(got.WeCom.KfAccounts) == 0 {
		got.WeCom.KfAccounts = nil
	}
	want := Default()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("config.example.yaml differs from the defaults:\n got %+v\nwant %+v", got, want)
	}
	data, err := os.ReadFile("../config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var walk func(prefix string, typ reflect.Type)
	walk = func(prefix string, typ reflect.Type) {
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			tag := strings.Split(f.Tag.Get("yaml"), ",")[0]
			if tag == "" || tag == "-" {
				continue
			}
			if !strings.Contains(string(data), tag+":") {
				t.Errorf("config.example.yaml does not show %s%s", prefix, tag)
			}
			if f.Type.Kind() == reflect.Struct && f.Type != reflect.TypeOf(time.Duration(0)) {
				walk(prefix+tag+".", f.Type)
			}
		}
	}
	walk("", reflect.TypeOf(Config{}))
}

// TestAliasBombRefused: aliases that multiply (a "billion laughs": 9^8
// mappings from a few hundred bytes) are refused with the line, before they
// are expanded; a plain alias is still fine (TestDecodeStrictValues).
func TestAliasBombRefused(t *testing.T) {
	var b strings.Builder
	b.WriteString("a: &a [{name: x}, {name: x}, {name: x}, {name: x}, {name: x}, {name: x}, {name: x}, {name: x}, {name: x}]\n")
	for i, k := range "bcdefgh" {
		prev := string(rune('a' + i))
		anchor := "&" + string(k) + " "
		if k == 'h' {
			anchor = ""
		}
		fmt.Fprintf(&b, "%c: %s[%s]\n", k, anchor, strings.TrimSuffix(strings.Repeat("{items: *"+prev+"}, ", 9), ", "))
	}
	type item struct {
		Name  string `yaml:"name"`
		Items []item `yaml:"items"`
	}
	var doc struct {
		A []item `yaml:"a"`
		B []item `yaml:"b"`
		C []item `yaml:"c"`
		D []item `yaml:"d"`
		E []item `yaml:"e"`
		F []item `yaml:"f"`
		G []item `yaml:"g"`
		H []item `yaml:"h"`
	}
	err := DecodeStrict("bomb.yaml", []byte(b.String()), &doc)
	var de *DecodeError
	if !errors.As(err, &de) || !strings.Contains(de.Msg, "aliases") {
		t.Fatalf("err = %v, want the aliases refused", err)
	}
	if de.Line < 2 || de.Line > 8 {
		t.Errorf("refused at line %d, want a line that uses the aliases (2–8)", de.Line)
	}
	if len(doc.H) != 0 {
		t.Errorf("h was expanded to %d values", len(doc.H))
	}
}

func TestAssessmentValidation(t *testing.T) {
	for yaml, key := range map[string]string{
		"assessment:\n  bands: {excellent: 70, good: 80, pass: 60}\n":                           "assessment.bands",
		"assessment:\n  weights: {attendance: -1}\n":                                            "assessment.weights.attendance",
		"assessment:\n  weights: {attendance: 0, reports: 0, efficiency: 0, satisfaction: 0}\n": "assessment.weights",
		"assessment:\n  recheck_within: 0s\n":                                                   "assessment.recheck_within",
		"assessment:\n  periods: [week]\n":                                                      "assessment.periods",
		"assessment:\n  complaint_cost: 101\n":                                                  "assessment.complaint_cost",
		"assessment:\n  late_counts: 1.5\n":                                                     "assessment.late_counts",
		"assessment:\n  outside_counts: -0.1\n":                                                 "assessment.outside_counts",
		"assessment:\n  recognition_top: -1\n":                                                  "assessment.recognition_top",
	} {
		path := writeFile(t, "alleybot.yaml", yaml)
		_, err := Load(path, env(nil))
		if err == nil || !strings.Contains(err.Error(), key) || !strings.Contains(err.Error(), path) {
			t.Errorf("%q: error %v, want one naming %s and the file", yaml, err, key)
		}
	}
	path := writeFile(t, "alleybot.yaml", "assessment:\n  weights: {attendance: 50, reports: 20, efficiency: 20, satisfaction: 10}\n")
	cfg, err := Load(path, env(nil))
	if err != nil || cfg.Assessment.Weights.Attendance != 50 || cfg.Assessment.Bands.Good != 75 ||
		cfg.Assessment.LateCounts != 1 || cfg.Assessment.OutsideCounts != 0.5 || cfg.Assessment.RecognitionTop != 3 {
		t.Fatalf("Load = %+v, %v", cfg.Assessment, err)
	}
	// 0 turns the monthly recognition proposal off: valid, and kept (not
	// taken for "unset" and defaulted back to 3).
	path = writeFile(t, "alleybot.yaml", "assessment:\n  recognition_top: 0\n")
	if cfg, err = Load(path, env(nil)); err != nil || cfg.Assessment.RecognitionTop != 0 {
		t.Fatalf("recognition_top: 0: %d, %v", cfg.Assessment.RecognitionTop, err)
	}
}

func TestPublicConfig(t *testing.T) {
	cfg := Default()
	if !cfg.Public.Enabled || cfg.Public.ShowPhotos || cfg.Public.ShowStewardNames {
		t.Fatalf("default public = %+v, want enabled, no photos, no names", cfg.Public)
	}
	for yaml, key := range map[string]string{
		"public:\n  recent_per_alley: 0\n":                        "public.recent_per_alley",
		"public:\n  enabled: false\n  show_photos: true\n":        "public.enabled",
		"public:\n  show_photos: yes please\n":                    "public.show_photos",
		"public:\n  show_faces: true\n":                           "public.show_faces",
		"public:\n  enabled: false\n  show_steward_names: true\n": "public.enabled",
	} {
		path := writeFile(t, "alleybot.yaml", yaml)
		_, err := Load(path, env(nil))
		if err == nil || !strings.Contains(err.Error(), key) || !strings.Contains(err.Error(), path) {
			t.Errorf("%q: error %v, want one naming %s and the file", yaml, err, key)
		}
	}
	path := writeFile(t, "alleybot.yaml", "public:\n  show_photos: true\n")
	if cfg, err := Load(path, env(nil)); err != nil || !cfg.Public.ShowPhotos || !cfg.Public.Enabled || cfg.Public.RecentPerAlley != 5 {
		t.Fatalf("show_photos: true: %+v, %v", cfg.Public, err)
	}
}
