package weblogin

import (
	"net/url"
	"strings"

	"github.com/alleybot/alleybot/conversations"
)

// PrintURL is the desk's printable work order of a case (issue 25,
// 三(三)2), for the committee's copy: "" when the desk has no address.
// Opening it needs a desk session (/web).
func PrintURL(e *conversations.Engine, number string) string {
	s := conversations.SettingsOf[Settings](e)
	if s == nil || s.BaseURL == "" {
		return ""
	}
	return strings.TrimRight(s.BaseURL, "/") + "/desk/case/" + url.PathEscape(number) + "/print"
}
