package store_test

import (
	"math"
	"testing"

	"github.com/alleybot/alleybot/store"
)

// TestAlleyDistance: a circle alley measures from its centre, a line alley
// from the nearest point of its line (a segment's end, or across it).
func TestAlleyDistance(t *testing.T) {
	// 帽儿胡同 as a line, west to east along 39.9378; and as a circle.
	line := store.Alley{Lat: 39.9378, Lon: 116.3983, RadiusM: 40, Line: []float64{39.9378, 116.3935, 39.9378, 116.3990}}
	circle := store.Alley{Lat: 39.9378, Lon: 116.3983, RadiusM: 220}
	northM := func(m float64) float64 { return m / 6371000 * 180 / math.Pi } // degrees of latitude for m metres
	tests := []struct {
		name     string
		a        store.Alley
		lat, lon float64
		want     float64
		inside   bool
	}{
		{"on the line, far west of the centre", line, 39.9378, 116.3945, 0, true},
		{"30 m north of the line", line, 39.9378 + northM(30), 116.3950, 30, true},
		{"50 m north of the line", line, 39.9378 + northM(50), 116.3950, 50, false},
		{"past the east end", line, 39.9378, 116.3990 + 100/(6371000*math.Cos(39.9378*math.Pi/180))*180/math.Pi, 100, false},
		{"the same point, from the circle's centre", circle, 39.9378, 116.3945, 325, false},
		{"near the circle's centre", circle, 39.9378 + northM(100), 116.3983, 100, true},
	}
	for _, tt := range tests {
		got := tt.a.DistanceM(tt.lat, tt.lon)
		if math.Abs(got-tt.want) > 2 {
			t.Errorf("%s: %.1f m, want %.0f", tt.name, got, tt.want)
		}
		if tt.a.Contains(tt.lat, tt.lon) != tt.inside {
			t.Errorf("%s: inside = %v", tt.name, !tt.inside)
		}
	}
}

// TestNearest: an alley that contains the point wins over a nearer one that
// does not; with none containing it, the nearest is given, not inside.
func TestNearest(t *testing.T) {
	small := store.Alley{ID: 1, Lat: 39.9, Lon: 116.4, RadiusM: 10}
	big := store.Alley{ID: 2, Lat: 39.9, Lon: 116.401, RadiusM: 200} // about 85 m east
	a, d, in := store.Nearest([]store.Alley{small, big}, 39.9, 116.4002)
	if a.ID != 2 || !in || d < 60 || d > 75 {
		t.Errorf("got %d at %.0f m (inside %v), want the big alley, inside", a.ID, d, in)
	}
	a, d, in = store.Nearest([]store.Alley{small, big}, 39.91, 116.4)
	if a.ID != 1 || in || d < 1100 || d > 1120 {
		t.Errorf("got %d at %.0f m (inside %v), want the small alley, 1.1 km, outside", a.ID, d, in)
	}
	if _, _, in := store.Nearest(nil, 39.9, 116.4); in {
		t.Error("no alleys: inside")
	}
}
