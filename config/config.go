// Package config owns alleybot's settings: the YAML file, the environment
// variables that override it, defaults and validation. Nothing here is global:
// cmd/alleybot loads one Config and passes what each part needs.
package config

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"
)

// DefaultDatabaseURL is the local database the README's run command starts.
const DefaultDatabaseURL = "postgres://postgres@127.0.0.1:5432/alleybot?sslmode=disable"

type Config struct {
	Database DatabaseConfig `yaml:"database"`
	Telegram TelegramConfig `yaml:"telegram"`
	Bot      BotConfig      `yaml:"bot"`
	Log      LogConfig      `yaml:"log"`

	// File is where the settings came from ("" when only defaults and the
	// environment were used); error messages name it.
	File string `yaml:"-"`
}

type DatabaseConfig struct {
	URL          string `yaml:"url"`
	MaxOpenConns int    `yaml:"max_open_conns"`
}

type TelegramConfig struct {
	Token       string `yaml:"token"`
	BotUsername string `yaml:"bot_username"`
	APIEndpoint string `yaml:"api_endpoint"`
}

type BotConfig struct {
	DefaultLanguage string        `yaml:"default_language"`
	Timezone        string        `yaml:"timezone"`
	InviteTTL       time.Duration `yaml:"invite_ttl"`
}

type LogConfig struct {
	Level string `yaml:"level"`
}

// Default returns the settings used where the file says nothing.
func Default() Config {
	return Config{
		Database: DatabaseConfig{URL: DefaultDatabaseURL, MaxOpenConns: 10},
		Telegram: TelegramConfig{APIEndpoint: "https://api.telegram.org"},
		Bot:      BotConfig{DefaultLanguage: "zh", Timezone: "Asia/Shanghai", InviteTTL: 7 * 24 * time.Hour},
		Log:      LogConfig{Level: "info"},
	}
}

// Load reads path (if not empty) over the defaults, then applies the
// environment: DATABASE_URL, TELEGRAM_TOKEN. Order of precedence: flags (applied
// by the caller) over environment over file over defaults.
func Load(path string, getenv func(string) string) (Config, error) {
	cfg := Default()
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return cfg, fmt.Errorf("config file %s: %w", path, err)
		}
		if err := DecodeStrict(path, data, &cfg); err != nil {
			return cfg, err
		}
		cfg.File = path
	}
	if v := getenv("DATABASE_URL"); v != "" {
		cfg.Database.URL = v
	}
	if v := getenv("TELEGRAM_TOKEN"); v != "" {
		cfg.Telegram.Token = v
	}
	return cfg, cfg.Validate()
}

// Validate checks values a type cannot: each error names the key and the file.
func (c Config) Validate() error {
	var errs []error
	bad := func(key, msg string) {
		file := c.File
		if file == "" {
			file = "(defaults and environment)"
		}
		errs = append(errs, &DecodeError{File: file, Key: key, Msg: msg})
	}
	if c.Database.URL == "" {
		bad("database.url", "must not be empty (or set DATABASE_URL)")
	} else if u, err := url.Parse(c.Database.URL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		bad("database.url", "must be a postgres:// URL")
	}
	if c.Database.MaxOpenConns < 1 {
		bad("database.max_open_conns", "must be at least 1")
	}
	switch c.Bot.DefaultLanguage {
	case "zh", "en":
	default:
		bad("bot.default_language", fmt.Sprintf("%q is not zh or en", c.Bot.DefaultLanguage))
	}
	if _, err := time.LoadLocation(c.Bot.Timezone); err != nil {
		bad("bot.timezone", fmt.Sprintf("%q is not a time zone (example: Asia/Shanghai)", c.Bot.Timezone))
	}
	if c.Bot.InviteTTL < time.Minute {
		bad("bot.invite_ttl", "must be at least 1m")
	}
	if u, err := url.Parse(c.Telegram.APIEndpoint); err != nil || u.Host == "" {
		bad("telegram.api_endpoint", "must be an http(s) URL")
	}
	if strings.HasPrefix(c.Telegram.BotUsername, "@") {
		bad("telegram.bot_username", "write it without the leading @")
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		bad("log.level", fmt.Sprintf("%q is not debug, info, warn or error", c.Log.Level))
	}
	return errors.Join(errs...)
}

// Location is the configured time zone; Validate has checked it.
func (c Config) Location() *time.Location {
	loc, err := time.LoadLocation(c.Bot.Timezone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// MaskURL hides the password of a database URL for messages and logs.
func MaskURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable URL)"
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
