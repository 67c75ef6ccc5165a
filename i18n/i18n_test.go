package i18n

import (
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
)

var placeholderRe = regexp.MustCompile(`\{([a-z_]+)\}`)

func placeholders(s string) []string {
	var out []string
	for _, m := range placeholderRe.FindAllStringSubmatch(s, -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	sort.Strings(out)
	return out
}

func sortedKeys() []string {
	ks := Keys()
	sort.Strings(ks)
	return ks
}

func TestCatalogNotEmpty(t *testing.T) {
	if len(Keys()) < 10 {
		t.Fatalf("the catalog has %d keys", len(Keys()))
	}
	for _, k := range sortedKeys() {
		zh, en := Both(k)
		if strings.TrimSpace(zh) == "" {
			t.Errorf("%s: the zh text is empty", k)
		}
		if strings.TrimSpace(en) == "" {
			t.Errorf("%s: the en text is empty", k)
		}
		if !Has(k) {
			t.Errorf("Has(%q) = false for a key Keys() lists", k)
		}
	}
}

// TestPlaceholdersMatch: both languages of a message use the same {names},
// and every brace belongs to a well-formed placeholder (a full-width ｛ or a
// typo such as {name would be left unfilled in front of a person).
func TestPlaceholdersMatch(t *testing.T) {
	for _, k := range sortedKeys() {
		zh, en := Both(k)
		if pz, pe := placeholders(zh), placeholders(en); !slices.Equal(pz, pe) {
			t.Errorf("%s: zh has placeholders %v, en has %v", k, pz, pe)
		}
		for lang, text := range map[string]string{"zh": zh, "en": en} {
			rest := placeholderRe.ReplaceAllString(text, "")
			if strings.ContainsAny(rest, "{}｛｝") {
				t.Errorf("%s (%s): stray brace in %q", k, lang, text)
			}
		}
	}
}

// TestZhIsChinese: a zh text with any letters in it has Chinese characters,
// so an English text pasted in the zh slot shows up. Texts made only of
// placeholders and punctuation (a list separator, "{role}（{scope}）") are
// exempt.
func TestZhIsChinese(t *testing.T) {
	var exempt []string
	for _, k := range sortedKeys() {
		zh, en := Both(k)
		rest := placeholderRe.ReplaceAllString(zh, "")
		hasLetter, hasHan := false, false
		for _, r := range rest {
			if unicode.Is(unicode.Han, r) {
				hasHan = true
			}
			if unicode.IsLetter(r) {
				hasLetter = true
			}
		}
		if !hasLetter {
			exempt = append(exempt, k)
			continue
		}
		if !hasHan {
			t.Errorf("%s: the zh text %q has no Chinese character", k, zh)
		}
		if zh == en {
			t.Errorf("%s: zh and en are the same text %q", k, zh)
		}
	}
	// The exemption must stay the exception.
	if len(exempt) > 5 {
		t.Errorf("%d keys have no letters in zh: %v", len(exempt), exempt)
	}
	t.Logf("exempt (no letters in zh): %v", exempt)
}

func TestT(t *testing.T) {
	tests := []struct {
		name string
		lang Lang
		key  string
		args []any
		want string
	}{
		{"zh fill", ZH, "help.header", []any{"name", "王秀兰"}, "王秀兰,您可以使用这些命令:"},
		{"en fill", EN, "help.header", []any{"name", "Wang"}, "Wang, these are your commands:"},
		{"several placeholders", EN, "whoami.body", []any{"name", "Li", "code", "S02", "roles", "alley steward"},
			"Name: Li\nCode: S02\nRoles: alley steward"},
		{"argument order does not matter", EN, "whoami.body", []any{"roles", "r", "code", "c", "name", "n"},
			"Name: n\nCode: c\nRoles: r"},
		{"non-string values", EN, "console.photo_large", []any{"path", "a.jpg", "size", 12, "max", 3.5},
			"The image a.jpg is 12, over the 3.5 limit; please send a smaller one."},
		{"a value that looks like a placeholder is not filled again", EN, "role.scoped", []any{"role", "{scope}", "scope", "x"},
			"{scope} (x)"},
		{"no args leaves placeholders", EN, "help.header", nil, "{name}, these are your commands:"},
		{"unknown lang is zh", Lang("fr"), "cancel.nothing", nil, "目前没有进行中的操作。"},
		{"missing key shows the key", EN, "no.such.key", []any{"name", "x"}, "no.such.key"},
		{"odd argument is ignored", EN, "help.header", []any{"name", "A", "dangling"}, "A, these are your commands:"},
		{"unused argument is ignored", ZH, "cancel.nothing", []any{"name", "A"}, "目前没有进行中的操作。"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := T(tt.lang, tt.key, tt.args...); got != tt.want {
				t.Errorf("T(%s, %s, %v) = %q, want %q", tt.lang, tt.key, tt.args, got, tt.want)
			}
		})
	}
}

// TestTFillsEveryPlaceholder renders every key in both languages with a
// value for each placeholder and checks that none is left.
func TestTFillsEveryPlaceholder(t *testing.T) {
	for _, k := range sortedKeys() {
		zh, _ := Both(k)
		var args []any
		for _, p := range placeholders(zh) {
			args = append(args, p, "<"+p+">")
		}
		for _, lang := range []Lang{ZH, EN} {
			got := T(lang, k, args...)
			if placeholderRe.MatchString(got) {
				t.Errorf("T(%s, %s) = %q still has a placeholder", lang, k, got)
			}
			for _, p := range placeholders(zh) {
				if !strings.Contains(got, "<"+p+">") {
					t.Errorf("T(%s, %s) = %q does not contain the value of {%s}", lang, k, got, p)
				}
			}
		}
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		def  Lang
		want Lang
	}{
		{"zh", EN, ZH},
		{"zh-hans", EN, ZH},
		{"zh-Hant-TW", EN, ZH},
		{"ZH_CN", EN, ZH},
		{"中文", EN, ZH},
		{"cn", EN, ZH},
		{"en", ZH, EN},
		{"en-GB", ZH, EN},
		{"en-us", ZH, EN},
		{"  EN  ", ZH, EN},
		{"English", ZH, EN},
		{"", ZH, ZH},
		{"", EN, EN},
		{"   ", EN, EN},
		{"fr", ZH, ZH},
		{"de-DE", EN, EN},
		{"ja", ZH, ZH},
	}
	for _, tt := range tests {
		t.Run(tt.in+"/"+string(tt.def), func(t *testing.T) {
			if got := Parse(tt.in, tt.def); got != tt.want {
				t.Errorf("Parse(%q, %s) = %s, want %s", tt.in, tt.def, got, tt.want)
			}
		})
	}
}

func TestFixedKeyFamilies(t *testing.T) {
	// Keys the handlers build at run time ("weekday.%d", "role."+code)
	// must all exist.
	var want []string
	for d := 1; d <= 7; d++ {
		want = append(want, "weekday."+strconv.Itoa(d))
	}
	for _, r := range []string{"steward", "coordinator", "department", "trainer", "supervisor", "admin"} {
		want = append(want, "role."+r)
	}
	want = append(want, "weekday.all", "weekday.work", "list.sep", "role.scoped")
	for _, k := range want {
		if !Has(k) {
			t.Errorf("the catalog has no %s", k)
		}
	}
	if Has("no.such.key") {
		t.Error("Has(no.such.key) = true")
	}
}

func TestDuration(t *testing.T) {
	for _, tc := range []struct {
		d      time.Duration
		zh, en string
	}{
		{0, "不到 1 分钟", "under a minute"},
		{40 * time.Minute, "40 分钟", "40 min"},
		{2*time.Hour + 10*time.Minute + 20*time.Second, "2 小时 10 分", "2 h 10 min"},
		{2 * time.Hour, "2 小时", "2 h"},
		{-90 * time.Minute, "1 小时 30 分", "1 h 30 min"},
	} {
		if got := Duration(ZH, tc.d); got != tc.zh {
			t.Errorf("Duration(zh, %v) = %q, want %q", tc.d, got, tc.zh)
		}
		if got := Duration(EN, tc.d); got != tc.en {
			t.Errorf("Duration(en, %v) = %q, want %q", tc.d, got, tc.en)
		}
	}
}

// TestWorkingTime: a long span of working time is said in working days.
func TestWorkingTime(t *testing.T) {
	day := 7*time.Hour + 30*time.Minute
	for _, tc := range []struct {
		d      time.Duration
		zh, en string
	}{
		{135 * time.Hour, "18 个工作日左右", "about 18 working days"},
		{2 * day, "2 个工作日左右", "about 2 working days"},
		{2*day - time.Minute, "14 小时 59 分", "14 h 59 min"},
		{40 * time.Minute, "40 分钟", "40 min"},
	} {
		if got := WorkingTime(ZH, tc.d, day); got != tc.zh {
			t.Errorf("WorkingTime(zh, %v) = %q, want %q", tc.d, got, tc.zh)
		}
		if got := WorkingTime(EN, tc.d, day); got != tc.en {
			t.Errorf("WorkingTime(en, %v) = %q, want %q", tc.d, got, tc.en)
		}
	}
}

func TestEnglishPlurals(t *testing.T) {
	if got := T(EN, "report.photos.early", "n", 1); !strings.HasPrefix(got, "1 photo received") {
		t.Errorf("one: %q", got)
	}
	if got := T(EN, "report.photos.early", "n", 3); !strings.HasPrefix(got, "3 photos received") {
		t.Errorf("three: %q", got)
	}
	if got := T(EN, "console.queued", "n", 2, "platforms", "telegram"); !strings.Contains(got, "2 more messages queued") {
		t.Errorf("two: %q", got)
	}
	if got := T(EN, "training.link.bad"); !strings.Contains(got, "http(s)") {
		t.Errorf("http(s) is no plural: %q", got)
	}
}
