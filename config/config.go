// Package config owns alleybot's settings: the YAML file, the environment
// variables that override it, defaults and validation. Nothing here is global:
// cmd/alleybot loads one Config and passes what each part needs.
package config

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/alleybot/alleybot/worktime"
)

// DefaultDatabaseURL is the local database the README's run command starts.
const DefaultDatabaseURL = "postgres://postgres@127.0.0.1:5432/alleybot?sslmode=disable"

type Config struct {
	Database   DatabaseConfig   `yaml:"database"`
	Telegram   TelegramConfig   `yaml:"telegram"`
	WeCom      WeComConfig      `yaml:"wecom"`
	Bot        BotConfig        `yaml:"bot"`
	HTTP       HTTPConfig       `yaml:"http"`
	Jobs       JobsConfig       `yaml:"jobs"`
	WorkTime   WorkTimeConfig   `yaml:"worktime"`
	Cases      CasesConfig      `yaml:"cases"`
	Routine    RoutineConfig    `yaml:"routine"`
	Complaints ComplaintsConfig `yaml:"complaints"`
	Training   TrainingConfig   `yaml:"training"`
	Assessment AssessmentConfig `yaml:"assessment"`
	Reports    ReportsConfig    `yaml:"reports"`
	Public     PublicConfig     `yaml:"public"`
	Open311    Open311Config    `yaml:"open311"`
	Desk       DeskConfig       `yaml:"desk"`
	Log        LogConfig        `yaml:"log"`
	Publicity  PublicityConfig  `yaml:"publicity"`

	// File is where the settings came from ("" when only defaults and the
	// environment were used); error messages name it.
	File string `yaml:"-"`
}

type DatabaseConfig struct {
	URL          string `yaml:"url"`
	MaxOpenConns int    `yaml:"max_open_conns"`
}

type TelegramConfig struct {
	Token         string `yaml:"token"`
	BotUsername   string `yaml:"bot_username"`
	APIEndpoint   string `yaml:"api_endpoint"`
	Mode          string `yaml:"mode"` // polling | webhook
	WebhookURL    string `yaml:"webhook_url"`
	WebhookSecret string `yaml:"webhook_secret"`
	// Pacing: the average time between two sends to one private chat, to
	// one group, and by the bot as a whole (Telegram's published limits);
	// a chat takes at most its burst of sends in any burst×pace (a group's
	// 20 in any minute; a private chat's short burst, 3 in any 3 s).
	PacePrivate      time.Duration `yaml:"pace_private"`
	PacePrivateBurst int           `yaml:"pace_private_burst"`
	PaceGroup        time.Duration `yaml:"pace_group"`
	PaceGroupBurst   int           `yaml:"pace_group_burst"`
	PaceAll          time.Duration `yaml:"pace_all"`
}

// WeComConfig is the WeCom self-built application (企业微信自建应用) and,
// optionally, WeChat customer service (微信客服) for residents. Empty
// corp_id: no WeCom.
type WeComConfig struct {
	CorpID         string `yaml:"corp_id"`
	AgentID        string `yaml:"agent_id"`
	Secret         string `yaml:"secret"`
	Token          string `yaml:"token"`
	EncodingAESKey string `yaml:"encoding_aes_key"`
	// APIEndpoint replaces https://qyapi.weixin.qq.com (a test fake, a proxy).
	APIEndpoint string `yaml:"api_endpoint"`
	// KfSecret is WeChat customer service's secret; KfAccounts the
	// open_kfid of each account to read ("" : none).
	KfSecret   string   `yaml:"kf_secret"`
	KfAccounts []string `yaml:"kf_accounts"`
	// Pacing: average time between two app messages to one member, two
	// robot messages to one group, and all sends; at most the burst in any
	// burst×pace (30 a minute per member, 20 a minute per robot).
	PacePrivate      time.Duration `yaml:"pace_private"`
	PacePrivateBurst int           `yaml:"pace_private_burst"`
	PaceGroup        time.Duration `yaml:"pace_group"`
	PaceGroupBurst   int           `yaml:"pace_group_burst"`
	PaceAll          time.Duration `yaml:"pace_all"`
	// SpoolDir keeps callbacks that arrive while the database is away, a
	// file each, until it is back (relative to the working directory).
	SpoolDir string `yaml:"spool_dir"`
}

type BotConfig struct {
	DefaultLanguage  string        `yaml:"default_language"`
	Timezone         string        `yaml:"timezone"`
	InviteTTL        time.Duration `yaml:"invite_ttl"`
	DraftResumeAfter time.Duration `yaml:"draft_resume_after"`
	MaxPhotoMB       int           `yaml:"max_photo_mb"`
	// RatePerMinute and RateBurst limit each person (platform account):
	// RateBurst updates at once, then RatePerMinute a minute. 0: no limit.
	RatePerMinute int `yaml:"rate_per_minute"`
	RateBurst     int `yaml:"rate_burst"`
}

type HTTPConfig struct {
	Listen string `yaml:"listen"`
	// PublicURL is how the outside reaches http.listen (course links
	// {public_url}/l/<token> count opens); "" sends course links as they are.
	PublicURL       string        `yaml:"public_url"`
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout"`
}

type JobsConfig struct {
	ClockScanEvery time.Duration `yaml:"clock_scan_every"`
	PollInterval   time.Duration `yaml:"poll_interval"`
	RetryBase      time.Duration `yaml:"retry_base"`
	PhotoAttempts  int           `yaml:"photo_attempts"`
	// StepAside is how many failed attempts (network errors, 5xx) a group
	// post makes before the group's later messages go ahead of it.
	StepAside int `yaml:"step_aside"`
}

// WorkTimeConfig is the calendar the case clocks run on.
type WorkTimeConfig struct {
	Hours    []string `yaml:"hours"`
	Weekdays []int    `yaml:"weekdays"`
	Holidays []string `yaml:"holidays"`
	Workdays []string `yaml:"workdays"`
}

type CasesConfig struct {
	MaxSendbacks    int             `yaml:"max_sendbacks"`
	LowScore        int             `yaml:"low_score"`
	PingHalf        bool            `yaml:"ping_half"`
	PingBefore      []time.Duration `yaml:"ping_before"`
	ReminderAt      string          `yaml:"reminder_at"`
	SupervisorAfter int             `yaml:"supervisor_after"`
	// ImmediateFix is the fix clock of 立即整改 (working time; 0: the
	// category's fix time).
	ImmediateFix time.Duration `yaml:"immediate_fix"`
	// TellResidentsReported: residents' groups hear of a new report (they
	// always hear of its dispatch, progress and result).
	TellResidentsReported bool `yaml:"tell_residents_reported"`
	// ReopenReasonWithin: a resident's low score reopens the case only with
	// a reason given within this time (else it stays a low score).
	ReopenReasonWithin time.Duration `yaml:"reopen_reason_within"`
	// DuplicateRadiusM: an open case of the same kind this near a new
	// report is offered to the steward as the same problem.
	DuplicateRadiusM int `yaml:"duplicate_radius_m"`
}

// ComplaintsConfig is residents' complaints (七(二)).
type ComplaintsConfig struct {
	PerHour      int           `yaml:"per_hour"`      // per resident; 0: no limit
	AnswerWithin time.Duration `yaml:"answer_within"` // working time before the center is pinged; 0: never
	Hotline      string        `yaml:"hotline"`       // /contact
	Mailbox      string        `yaml:"mailbox"`
}

// TrainingConfig is trainings' reminders: this long before a training,
// those who signed up or have not answered are reminded.
type TrainingConfig struct {
	RemindBefore []time.Duration `yaml:"remind_before"`
}

// AssessmentConfig is the stewards' scorecards (seed 四(一)): the
// components' weights, the grade bands and the rules of the counts. A
// stored period keeps the settings it was computed with.
type AssessmentConfig struct {
	Weights struct {
		Attendance   float64 `yaml:"attendance"`
		Reports      float64 `yaml:"reports"`
		Efficiency   float64 `yaml:"efficiency"`
		Satisfaction float64 `yaml:"satisfaction"`
	} `yaml:"weights"`
	Bands struct {
		Excellent float64 `yaml:"excellent"` // 优秀: a total at least this
		Good      float64 `yaml:"good"`      // 良好
		Pass      float64 `yaml:"pass"`      // 合格; below: 不合格
	} `yaml:"bands"`
	RecheckWithin   time.Duration `yaml:"recheck_within"`   // a re-check this long after the fix is in time
	ReportsExpected int           `yaml:"reports_expected"` // reports a month for full marks on volume
	ComplaintCost   float64       `yaml:"complaint_cost"`   // satisfaction points per upheld complaint
	LateCounts      float64       `yaml:"late_counts"`      // a late patrol counts this much of one (0–1)
	OutsideCounts   float64       `yaml:"outside_counts"`   // one checked in outside the alley's radius (0–1); both: the smaller
	Periods         []string      `yaml:"periods"`          // computed by serve once ended: month, quarter, year
	// Discipline (四(三), issue 22 item 3): after WarningsToSuspend warnings
	// within WarningWindow, the steward's role is suspended.
	WarningsToSuspend int           `yaml:"warnings_to_suspend"`
	WarningWindow     time.Duration `yaml:"warning_window"`
	// Allowance (六(二)1, issue 22 item 5): the monthly 工作补贴 proposed
	// from the scorecard (config/allowance.go).
	Allowance AllowanceConfig `yaml:"allowance"`
	// RecognitionTop (四(二)): at most this many stewards graded 优秀 are
	// proposed each month to the coordinators for commendation; 0: none.
	RecognitionTop int `yaml:"recognition_top"`
}

// RoutineConfig is the daily routines of `serve`.
type RoutineConfig struct {
	KeepFor         time.Duration `yaml:"keep_for"`
	RemindBefore    time.Duration `yaml:"remind_before"`
	MissedSummaryAt string        `yaml:"missed_summary_at"`
	DigestAt        string        `yaml:"digest_at"`
}

// Minute turns "18:00" into minutes after midnight ("" or "off": -1).
func Minute(hhmm string) int {
	if hhmm == "" || hhmm == "off" {
		return -1
	}
	t, err := time.Parse("15:04", hhmm)
	if err != nil {
		return -1
	}
	return t.Hour()*60 + t.Minute()
}

// ReminderMinute is cases.reminder_at as minutes after midnight; Validate
// has checked it.
func (c Config) ReminderMinute() int {
	t, err := time.Parse("15:04", c.Cases.ReminderAt)
	if err != nil {
		return 9 * 60
	}
	return t.Hour()*60 + t.Minute()
}

// Calendar builds the working-time calendar; Validate has checked it.
func (c Config) Calendar() *worktime.Calendar {
	cal, err := worktime.New(worktime.Config(c.WorkTime), c.Location())
	if err != nil {
		return worktime.Default(c.Location())
	}
	return cal
}

// MaxPhotoBytes is the photo size limit in bytes.
func (c Config) MaxPhotoBytes() int64 { return int64(c.Bot.MaxPhotoMB) << 20 }

type LogConfig struct {
	Level string `yaml:"level"`
}

// Default returns the settings used where the file says nothing.
func Default() Config {
	return Config{
		Database: DatabaseConfig{URL: DefaultDatabaseURL, MaxOpenConns: 10},
		Telegram: TelegramConfig{APIEndpoint: "https://api.telegram.org", Mode: "polling",
			PacePrivate: 1005 * time.Millisecond, PacePrivateBurst: 3, PaceGroup: 3005 * time.Millisecond, PaceGroupBurst: 20,
			PaceAll: 33 * time.Millisecond},
		WeCom: WeComConfig{PacePrivate: 2005 * time.Millisecond, PacePrivateBurst: 30, PaceGroup: 3005 * time.Millisecond,
			PaceGroupBurst: 20, PaceAll: 33 * time.Millisecond,
			SpoolDir: "spool"},
		Bot: BotConfig{DefaultLanguage: "zh", Timezone: "Asia/Shanghai", InviteTTL: 7 * 24 * time.Hour,
			DraftResumeAfter: 30 * time.Minute, MaxPhotoMB: 10, RatePerMinute: 30, RateBurst: 20},
		HTTP: HTTPConfig{Listen: "127.0.0.1:8080", ShutdownTimeout: 20 * time.Second},
		Jobs: JobsConfig{ClockScanEvery: time.Minute, PollInterval: time.Second, RetryBase: 5 * time.Second, PhotoAttempts: 10,
			StepAside: 5},
		WorkTime: WorkTimeConfig{Hours: []string{"08:30-12:00", "13:30-17:30"}, Weekdays: []int{1, 2, 3, 4, 5}},
		Routine:  RoutineConfig{KeepFor: 30 * 24 * time.Hour, RemindBefore: 10 * time.Minute, MissedSummaryAt: "18:00", DigestAt: "18:00"},
		Cases: CasesConfig{MaxSendbacks: 2, LowScore: 2, PingHalf: true, PingBefore: []time.Duration{2 * time.Hour},
			ReminderAt: "09:00", SupervisorAfter: 3, ImmediateFix: 4 * time.Hour,
			TellResidentsReported: true, ReopenReasonWithin: 24 * time.Hour, DuplicateRadiusM: 50},
		Complaints: ComplaintsConfig{PerHour: 3, AnswerWithin: 8 * time.Hour},
		Training:   TrainingConfig{RemindBefore: []time.Duration{24 * time.Hour, time.Hour}},
		Assessment: defaultAssessment(),
		Reports:    ReportsConfig{Font: DefaultReportFont, Monthly: true},
		Public:     defaultPublic(),
		Open311:    defaultOpen311(),
		Desk:       defaultDesk(),
		Log:        LogConfig{Level: "info"},
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
	if v := getenv("TELEGRAM_WEBHOOK_SECRET"); v != "" {
		cfg.Telegram.WebhookSecret = v
	}
	if v := getenv("WECOM_SECRET"); v != "" {
		cfg.WeCom.Secret = v
	}
	if v := getenv("WECOM_KF_SECRET"); v != "" {
		cfg.WeCom.KfSecret = v
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
	if _, err := time.LoadLocation(c.Bot.Timezone); err != nil || c.Bot.Timezone == "" {
		bad("bot.timezone", fmt.Sprintf("%q is not a time zone (example: Asia/Shanghai)", c.Bot.Timezone))
	}
	if c.Bot.InviteTTL < time.Minute {
		bad("bot.invite_ttl", "must be at least 1m")
	}
	if c.Bot.RatePerMinute < 0 {
		bad("bot.rate_per_minute", "must be 0 (no limit) or more")
	}
	if c.Bot.RatePerMinute > 0 && c.Bot.RateBurst < 1 {
		bad("bot.rate_burst", "must be at least 1")
	}
	if u, err := url.Parse(c.Telegram.APIEndpoint); err != nil || u.Host == "" {
		bad("telegram.api_endpoint", "must be an http(s) URL")
	}
	switch c.Telegram.Mode {
	case "polling":
	case "webhook":
		if c.Telegram.Token != "" && c.Telegram.WebhookURL == "" {
			bad("telegram.webhook_url", "is required when telegram.mode is webhook")
		}
		if c.Telegram.Token != "" && len(c.Telegram.WebhookSecret) < 16 {
			bad("telegram.webhook_secret", "must be at least 16 characters in webhook mode (A-Z, a-z, 0-9, _ and -)")
		}
	default:
		bad("telegram.mode", fmt.Sprintf("%q is not polling or webhook", c.Telegram.Mode))
	}
	for _, r := range c.Telegram.WebhookSecret {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			bad("telegram.webhook_secret", "may only use A-Z, a-z, 0-9, _ and - (Telegram's rule)")
			break
		}
	}
	for key, d := range map[string]time.Duration{"telegram.pace_private": c.Telegram.PacePrivate,
		"telegram.pace_group": c.Telegram.PaceGroup, "telegram.pace_all": c.Telegram.PaceAll} {
		if d <= 0 {
			bad(key, "must be positive (Telegram: 1005ms per chat, 3005ms per group, 33ms in all)")
		}
	}
	for key, n := range map[string]int{"telegram.pace_private_burst": c.Telegram.PacePrivateBurst,
		"telegram.pace_group_burst": c.Telegram.PaceGroupBurst, "wecom.pace_private_burst": c.WeCom.PacePrivateBurst,
		"wecom.pace_group_burst": c.WeCom.PaceGroupBurst} {
		if n < 1 || n > 60 {
			bad(key, "must be 1 to 60 (sends in any burst×pace: Telegram 3 per chat and 20 per group, WeCom 30 per member and 20 per robot)")
		}
	}
	if w := c.WeCom; w.CorpID != "" {
		for key, v := range map[string]string{"wecom.agent_id": w.AgentID, "wecom.secret": w.Secret, "wecom.token": w.Token,
			"wecom.encoding_aes_key": w.EncodingAESKey} {
			if v == "" {
				bad(key, "must be set when wecom.corp_id is (WeCom admin → 应用管理 → the app; 接收消息 → API 接收)")
			}
		}
		if n, err := strconv.Atoi(strings.TrimSpace(w.AgentID)); w.AgentID != "" && (err != nil || n <= 0) {
			bad("wecom.agent_id", "must be the app's AgentId, a number such as 1000002 (应用管理 → the app)")
		}
		if w.EncodingAESKey != "" && len(w.EncodingAESKey) != 43 {
			bad("wecom.encoding_aes_key", "must be the 43 characters WeCom generates")
		}
		if w.APIEndpoint != "" {
			if u, err := url.Parse(w.APIEndpoint); err != nil || u.Host == "" {
				bad("wecom.api_endpoint", "must be a URL such as https://qyapi.weixin.qq.com")
			}
		}
		if len(w.KfAccounts) > 0 && w.KfSecret == "" {
			bad("wecom.kf_secret", "must be set when wecom.kf_accounts lists accounts (微信客服 → 开发配置)")
		}
		for key, d := range map[string]time.Duration{"wecom.pace_private": w.PacePrivate, "wecom.pace_group": w.PaceGroup, "wecom.pace_all": w.PaceAll} {
			if d <= 0 {
				bad(key, "must be positive (WeCom: 2005ms per member, 3005ms per robot, 33ms in all)")
			}
		}
	}
	for _, d := range c.Training.RemindBefore {
		if d <= 0 {
			bad("training.remind_before", "each must be positive (for example [24h, 1h])")
		}
	}
	if c.Assessment.WarningsToSuspend < 1 {
		bad("assessment.warnings_to_suspend", "must be at least 1 (for example 3)")
	}
	if c.Assessment.WarningWindow < 24*time.Hour {
		bad("assessment.warning_window", "must be at least 24h (for example 2160h, 90 days)")
	}
	if c.HTTP.PublicURL != "" {
		if u, err := url.Parse(c.HTTP.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("http.public_url", "must be an http(s) URL such as https://alley.example.org")
		}
	}
	if c.Complaints.PerHour < 0 {
		bad("complaints.per_hour", "must not be negative (0: no limit)")
	}
	if c.Complaints.AnswerWithin < 0 {
		bad("complaints.answer_within", "must not be negative (0: no reminder)")
	}
	if c.Bot.DraftResumeAfter < 0 {
		bad("bot.draft_resume_after", "must not be negative (0 turns the resume question off)")
	}
	if c.Bot.MaxPhotoMB < 1 || c.Bot.MaxPhotoMB > 20 {
		bad("bot.max_photo_mb", "must be between 1 and 20 (Telegram bots cannot download more than 20 MB)")
	}
	if c.HTTP.Listen == "" {
		bad("http.listen", "must not be empty (for example 127.0.0.1:8080)")
	}
	if c.HTTP.ShutdownTimeout < time.Second {
		bad("http.shutdown_timeout", "must be at least 1s")
	}
	if c.Jobs.PollInterval < 10*time.Millisecond {
		bad("jobs.poll_interval", "must be at least 10ms")
	}
	if c.Jobs.RetryBase < 10*time.Millisecond {
		bad("jobs.retry_base", "must be at least 10ms")
	}
	if c.Jobs.StepAside < 1 {
		bad("jobs.step_aside", "must be at least 1")
	}
	if c.Jobs.PhotoAttempts < 1 {
		bad("jobs.photo_attempts", "must be at least 1")
	}
	if _, err := worktime.New(worktime.Config(c.WorkTime), time.UTC); err != nil {
		bad("worktime."+strings.SplitN(err.Error(), ":", 2)[0], strings.TrimSpace(strings.SplitN(err.Error(), ":", 2)[1]))
	}
	if _, err := time.Parse("15:04", c.Cases.ReminderAt); err != nil {
		bad("cases.reminder_at", fmt.Sprintf("%q is not a time like 09:00", c.Cases.ReminderAt))
	}
	for _, d := range c.Cases.PingBefore {
		if d <= 0 {
			bad("cases.ping_before", "each entry must be a positive working time, e.g. 2h")
		}
	}
	if c.Cases.SupervisorAfter < 0 {
		bad("cases.supervisor_after", "must not be negative (0: never)")
	}
	for key, v := range map[string]string{"routine.missed_summary_at": c.Routine.MissedSummaryAt, "routine.digest_at": c.Routine.DigestAt} {
		if _, err := time.Parse("15:04", v); err != nil && v != "off" {
			bad(key, fmt.Sprintf("%q is not a time like 18:00 (or off)", v))
		}
	}
	if c.Routine.KeepFor != 0 && c.Routine.KeepFor < 24*time.Hour {
		bad("routine.keep_for", "must be at least 24h (or 0: keep everything)")
	}
	if c.Routine.RemindBefore < 0 {
		bad("routine.remind_before", "must not be negative")
	}
	if c.Jobs.ClockScanEvery < time.Second {
		bad("jobs.clock_scan_every", "must be at least 1s")
	}
	if c.Cases.MaxSendbacks < 1 {
		bad("cases.max_sendbacks", "must be at least 1")
	}
	if c.Cases.LowScore < 1 || c.Cases.LowScore > 4 {
		bad("cases.low_score", "must be between 1 and 4 (a score at or below it reopens the case)")
	}
	if strings.HasPrefix(c.Telegram.BotUsername, "@") {
		bad("telegram.bot_username", "write it without the leading @")
	}
	c.validateAssessment(bad)
	c.validatePublic(bad)
	c.validateOpen311(bad)
	c.validateDesk(bad)
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

func defaultAssessment() AssessmentConfig {
	var a AssessmentConfig
	a.Weights.Attendance, a.Weights.Reports, a.Weights.Efficiency, a.Weights.Satisfaction = 30, 30, 20, 20
	a.Bands.Excellent, a.Bands.Good, a.Bands.Pass = 90, 75, 60
	a.RecheckWithin, a.ReportsExpected, a.ComplaintCost = 24*time.Hour, 4, 10
	a.LateCounts, a.OutsideCounts = 1, 0.5
	a.Periods = []string{"month", "quarter", "year"}
	a.WarningsToSuspend, a.WarningWindow = 3, 90*24*time.Hour // discipline

	a.Allowance = AllowanceConfig{PerPatrol: "0.00", PerReport: "0.00", Base: "0.00", Cap: "0.00"} // off
	a.RecognitionTop = 3
	return a
}

// validateAssessment checks the assessment: section.
func (c Config) validateAssessment(bad func(key, msg string)) {
	a := c.Assessment
	w := a.Weights
	for key, v := range map[string]float64{"assessment.weights.attendance": w.Attendance, "assessment.weights.reports": w.Reports,
		"assessment.weights.efficiency": w.Efficiency, "assessment.weights.satisfaction": w.Satisfaction} {
		if v < 0 {
			bad(key, "must not be negative")
		}
	}
	if w.Attendance+w.Reports+w.Efficiency+w.Satisfaction <= 0 {
		bad("assessment.weights", "at least one weight must be positive (for example 30, 30, 20, 20)")
	}
	b := a.Bands
	if !(b.Pass > 0 && b.Pass < b.Good && b.Good < b.Excellent && b.Excellent <= 100) {
		bad("assessment.bands", fmt.Sprintf("need 0 < pass < good < excellent <= 100 (got pass %g, good %g, excellent %g)", b.Pass, b.Good, b.Excellent))
	}
	if a.RecheckWithin <= 0 {
		bad("assessment.recheck_within", "must be positive (for example 24h)")
	}
	if a.ReportsExpected < 0 {
		bad("assessment.reports_expected", "must not be negative (0: the number of reports does not count)")
	}
	if a.ComplaintCost < 0 || a.ComplaintCost > 100 {
		bad("assessment.complaint_cost", "must be between 0 and 100")
	}
	for key, v := range map[string]float64{"assessment.late_counts": a.LateCounts, "assessment.outside_counts": a.OutsideCounts} {
		if v < 0 || v > 1 {
			bad(key, fmt.Sprintf("must be a fraction between 0 and 1 (got %g; 1: counts fully, 0: not at all)", v))
		}
	}
	if a.RecognitionTop < 0 {
		bad("assessment.recognition_top", "must not be negative (0 turns the monthly recognition proposal off; for example 3)")
	}
	for _, p := range a.Periods {
		if p != "month" && p != "quarter" && p != "year" {
			bad("assessment.periods", fmt.Sprintf("%q is not month, quarter or year", p))
		}
	}
	a.Allowance.validate(bad)
}
