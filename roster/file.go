package roster

import (
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/alleybot/alleybot/config"
)

// File is the whole roster of a subdistrict.
type File struct {
	Communities []Community  `yaml:"communities"`
	Alleys      []Alley      `yaml:"alleys"`
	Departments []Department `yaml:"departments"`
	Categories  []Category   `yaml:"categories"`
	People      []Person     `yaml:"people"`
	Chats       []Chat       `yaml:"chats"`
	// PropertyManagers are the property management companies (物业公司, seed 二(三)2).
	PropertyManagers []PropertyManager `yaml:"property_managers"`
}

type Community struct {
	Code   string         `yaml:"code"`
	Name   string         `yaml:"name"`
	NameEn string         `yaml:"name_en"`
	Line   int            `yaml:"-"`
	Lines  map[string]int `yaml:"-"`
}

type Alley struct {
	Code      string         `yaml:"code"`
	Community string         `yaml:"community"`
	Name      string         `yaml:"name"`
	Lat       float64        `yaml:"lat"`
	Lon       float64        `yaml:"lon"`
	RadiusM   int            `yaml:"radius_m"`
	Aliases   []string       `yaml:"aliases"` // other names people write (菊儿, 菊儿胡同北口)
	Points    []Point        `yaml:"line"`    // a long alley's line, end to end (optional): inside is within radius_m of it
	Line      int            `yaml:"-"`
	Lines     map[string]int `yaml:"-"`
}

// Point is one point of an alley's line.
type Point struct {
	Lat   float64        `yaml:"lat"`
	Lon   float64        `yaml:"lon"`
	Line  int            `yaml:"-"`
	Lines map[string]int `yaml:"-"`
}

type Department struct {
	Code   string         `yaml:"code"`
	Name   string         `yaml:"name"`
	NameEn string         `yaml:"name_en"`
	Line   int            `yaml:"-"`
	Lines  map[string]int `yaml:"-"`
}

type Category struct {
	Code         string         `yaml:"code"`
	Name         string         `yaml:"name"`
	NameEn       string         `yaml:"name_en"`
	Department   string         `yaml:"department"`
	VerifyWithin time.Duration  `yaml:"verify_within"`
	FixWithin    time.Duration  `yaml:"fix_within"`
	Sort         int            `yaml:"sort"`
	Line         int            `yaml:"-"`
	Lines        map[string]int `yaml:"-"`
}

type Person struct {
	Code        string         `yaml:"code"`
	Name        string         `yaml:"name"`
	Phone       string         `yaml:"phone"`
	WecomUserID string         `yaml:"wecom_userid"`
	Lang        string         `yaml:"lang"`
	Active      *bool          `yaml:"active"`
	Roles       []string       `yaml:"roles"`
	Department  string         `yaml:"department"`
	Community   string         `yaml:"community"`
	Patrols     []Patrol       `yaml:"patrols"`
	Since       string         `yaml:"since"`    // YYYY-MM-DD: the patrols count from that day (default: from the import)
	Property    string         `yaml:"property"` // role property: the property manager's code
	Alleys      []string       `yaml:"alleys"`   // role volunteer: the alleys they help in
	Line        int            `yaml:"-"`
	Lines       map[string]int `yaml:"-"`
}

type Patrol struct {
	Alley string         `yaml:"alley"`
	Days  []int          `yaml:"days"`
	From  string         `yaml:"from"`
	To    string         `yaml:"to"`
	Line  int            `yaml:"-"`
	Lines map[string]int `yaml:"-"`
}

type Chat struct {
	Code           string `yaml:"code"`
	Kind           string `yaml:"kind"`
	Title          string `yaml:"title"`
	Community      string `yaml:"community"`
	Alley          string `yaml:"alley"`
	Department     string `yaml:"department"`
	TelegramChatID string `yaml:"telegram_chat_id"`
	WecomChatID    string `yaml:"wecom_chat_id"` // a group chat the app created (appchat)
	// WecomRobot is the group robot's webhook URL (…/webhook/send?key=…) or
	// its key: how the bot posts to a WeCom group.
	WecomRobot string `yaml:"wecom_robot"`
	// NotifyReports: a residents' group hears of each new report (default
	// true); false: only of its dispatch, progress and result.
	NotifyReports *bool          `yaml:"notify_reports"`
	Line          int            `yaml:"-"`
	Lines         map[string]int `yaml:"-"`
}

// Parse reads and strictly decodes a roster file (no validation against the
// database yet).
func Parse(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Decode(path, data)
}

// Decode strictly decodes a roster file's bytes; path names it in errors.
func Decode(path string, data []byte) (*File, error) {
	var f File
	if err := config.DecodeStrict(path, data, &f); err != nil {
		return nil, err
	}
	return &f, nil
}

// RobotKey is the key of a group robot given as its webhook URL or as the
// key itself ("" when it is neither).
func RobotKey(s string) string {
	s = strings.TrimSpace(s)
	if u, err := url.Parse(s); err == nil && u.Scheme != "" {
		if !strings.HasSuffix(u.Path, "/webhook/send") {
			return ""
		}
		s = u.Query().Get("key")
	}
	if !robotKeyRe.MatchString(s) {
		return ""
	}
	return s
}

var robotKeyRe = regexp.MustCompile(`^[A-Za-z0-9-]{8,64}$`)
