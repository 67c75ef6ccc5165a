// Package i18n owns every text a person sees: one catalog, zh-CN first and
// English second. Code refers to messages by key; nothing is written inline.
package i18n

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Lang is a language the catalog speaks.
type Lang string

const (
	ZH Lang = "zh"
	EN Lang = "en"
)

// Parse maps a platform language hint (Telegram's language_code, "zh-hans",
// "en-GB", ...) to a catalog language, falling back to def.
func Parse(s string, def Lang) Lang {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case strings.HasPrefix(s, "zh"), s == "中文", s == "cn":
		return ZH
	case strings.HasPrefix(s, "en"), s == "english":
		return EN
	}
	return def
}

// T renders key in lang with {name} placeholders filled from args, given as
// name, value pairs. A missing key renders as the key itself, so a mistake is
// visible rather than silent; the catalog test makes sure none is missing.
func T(lang Lang, key string, args ...any) string {
	m, ok := catalog[key]
	if !ok {
		return key
	}
	text := m.zh
	if lang == EN {
		text = m.en
	}
	if len(args) == 0 {
		return text
	}
	pairs := make([]string, 0, len(args))
	for i := 0; i+1 < len(args); i += 2 {
		pairs = append(pairs, "{"+fmt.Sprint(args[i])+"}", fmt.Sprint(args[i+1]))
	}
	text = strings.NewReplacer(pairs...).Replace(text)
	if lang == EN && strings.Contains(text, "(s)") {
		// "1 photo(s)" → "1 photo", "3 more message(s)" → "3 more messages".
		text = pluralRe.ReplaceAllStringFunc(text, func(m string) string {
			g := pluralRe.FindStringSubmatch(m)
			if g[1] == "1" {
				return g[1] + g[2]
			}
			return g[1] + g[2] + "s"
		})
	}
	return text
}

var pluralRe = regexp.MustCompile(`\b(\d+)((?: [A-Za-z]+)+?)\(s\)`)

// Has reports whether key is in the catalog.
func Has(key string) bool {
	_, ok := catalog[key]
	return ok
}

// Keys lists every key (for tests).
func Keys() []string {
	out := make([]string, 0, len(catalog))
	for k := range catalog {
		out = append(out, k)
	}
	return out
}

// Both returns the zh and en texts of key, unfilled (for tests).
func Both(key string) (zh, en string) {
	m := catalog[key]
	return m.zh, m.en
}

type msg struct{ zh, en string }

// Narrow turns the full-width forms a Chinese keyboard types (１２／５,
// ３９．９，１１６．４, the ideographic space) into their ASCII forms, so
// dates, numbers and coordinates parse however they were typed.
func Narrow(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			return r - 0xFEE0
		case r == 0x3000:
			return ' '
		}
		return r
	}, s)
}

// Duration says a span as a person would: 「2 小时 10 分」, 「40 分钟」,
// 「不到 1 分钟」 (English: "2 h 10 min", "40 min", "under a minute"),
// rounded to the minute.
func Duration(lang Lang, d time.Duration) string {
	if d < 0 {
		d = -d
	}
	m := int((d + 30*time.Second) / time.Minute)
	h, m := m/60, m%60
	switch {
	case h == 0 && m == 0:
		return T(lang, "duration.none")
	case h == 0:
		return T(lang, "duration.m", "m", m)
	case m == 0:
		return T(lang, "duration.h", "h", h)
	}
	return T(lang, "duration.hm", "h", h, "m", m)
}

// Month names a month as the catalog's {month} takes it: 「12」 before 月
// in Chinese, "December" in English (not "month 12").
func Month(lang Lang, m time.Month) string {
	if lang == EN {
		return m.String()
	}
	return fmt.Sprint(int(m))
}

// Heading is a list's heading for n items: without its closing colon when
// the list is empty (「未办结 0 件」, not 「未办结 0 件:」).
func Heading(text string, n int) string {
	if n == 0 {
		return strings.TrimRight(text, ":\uff1a")
	}
	return text
}

// WorkingTime says a span of working time whose working day lasts day: in
// hours and minutes up to two working days, past that in working days
// (「18 个工作日左右」, not 「135 小时」).
func WorkingTime(lang Lang, d, day time.Duration) string {
	if d < 0 {
		d = -d
	}
	if day <= 0 || d < 2*day {
		return Duration(lang, d)
	}
	return T(lang, "duration.workdays", "n", int((d+day/2)/day))
}
