package console

import (
	"math"
	"strings"
	"testing"
)

// FuzzParseLatLon: whatever is typed after /loc, a point accepted is a
// point on Earth (never NaN or infinite).
func FuzzParseLatLon(f *testing.F) {
	for _, s := range []string{"39.9366,116.4034", "３９．９，１１６．４", "NaN,116", "39.9,+Inf", "91,0", "0x1p-2,1e2", ",", "39.9、116.4", " -0 , -0 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l, ok := parseLatLon(s)
		if ok && (!l.Valid() || math.IsNaN(l.Lat) || math.IsNaN(l.Lon)) {
			t.Errorf("parseLatLon(%q) accepted %+v", s, l)
		}
		if !ok && (l.Lat != 0 || l.Lon != 0) {
			t.Errorf("parseLatLon(%q) refused but returned %+v", s, l)
		}
		if ok && !strings.ContainsAny(s, "0123456789０１２３４５６７８９") {
			t.Errorf("parseLatLon(%q) accepted a point without digits", s)
		}
	})
}
