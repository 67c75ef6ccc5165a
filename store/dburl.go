package store

import (
	"net/url"
	"strings"
)

// MaskURL hides the password of a postgres URL, in its user part and in a
// ?password= parameter. A string that is not a URL (a key=value DSN) is
// replaced whole, since it may hold a password anywhere.
func MaskURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || !strings.Contains(raw, "://") {
		return "(connection string hidden)"
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.String()
}
