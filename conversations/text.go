package conversations

import (
	"unicode"
)

// MaxReason is the most a reason or a note may say (a return, a send-back,
// an extension, a fix note), in characters: enough for any real reason, and
// a case card stays one message.
const MaxReason = 500

// Visible counts the characters of s a reader sees: not spaces, not
// control characters, not format characters (zero-width spaces and
// joiners, bidi marks, a BOM). Four zero-width spaces are no description.
func Visible(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			continue
		}
		n++
	}
	return n
}
