package bot

import (
	"fmt"
	"net/http"
	"strings"
)

// KeepAliveTransport is the default transport keeping up to 64 idle
// connections to one host (net/http keeps 2): the outbox sends to many
// chats at once, and a connection closed after each send would mean a new
// TCP and TLS handshake for the next.
func KeepAliveTransport() *http.Transport {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	tr.MaxIdleConns = 128
	return tr
}

// Clean makes a text from a platform safe to store and to show: valid
// UTF-8, without NUL and the other control characters (but tab and line
// breaks), and without the bidirectional overrides that turn a group
// message's text around.
func Clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return r
		case r < 0x20 || r == 0x7f:
			return -1
		case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			return -1
		}
		return r
	}, s)
}

// HumanBytes renders a size as 9.5 MB.
func HumanBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
