package desk

import (
	"strconv"
	"strings"
	"testing"

	"github.com/lib/pq"

	"github.com/alleybot/alleybot/store"
)

// TestProjection: the fitted projection keeps north up and east right,
// one scale both ways (a degree of longitude shorter by cos(latitude)),
// everything inside the box; a line alley is a polyline as wide as its
// radius on each side.
func TestProjection(t *testing.T) {
	circle := store.Alley{Name: "帽儿胡同", Lat: 39.9378, Lon: 116.3983, RadiusM: 100}
	line := store.Alley{Name: "南锣鼓巷", Lat: 39.9370, Lon: 116.4030, RadiusM: 30, Line: pq.Float64Array{39.9330, 116.4030, 39.9410, 116.4030}}
	var b bounds
	b.addAlley(circle)
	b.addAlley(line)
	p := b.fit(400, 300, 20)
	x1, y1 := p.xy(circle.Lat, circle.Lon)
	x2, y2 := p.xy(39.9410, 116.4030)
	if x2 <= x1 || y2 >= y1 {
		t.Errorf("north-east is not up and right: (%.1f,%.1f) → (%.1f,%.1f)", x1, y1, x2, y2)
	}
	for _, pt := range [][2]float64{{b.minLat, b.minLon}, {b.maxLat, b.maxLon}} {
		x, y := p.xy(pt[0], pt[1])
		if x < 19.9 || x > 380.1 || y < 19.9 || y > 280.1 {
			t.Errorf("corner %v at (%.1f,%.1f): outside the box", pt, x, y)
		}
	}
	// 100 m north and 100 m east are as long on the map.
	_, yn := p.xy(circle.Lat+100/metresPerDegree, circle.Lon)
	xe, _ := p.xy(circle.Lat, circle.Lon+100/(metresPerDegree*p.k))
	if d := (y1 - yn) - (xe - x1); d > 0.01 || d < -0.01 {
		t.Errorf("100 m north is %.2f px, 100 m east %.2f px", y1-yn, xe-x1)
	}
	c := p.alley(circle)
	if r, _ := strconv.ParseFloat(c.R, 64); c.Line != "" || r < p.px(100)-0.1 || r > p.px(100)+0.1 {
		t.Errorf("circle alley drawn %+v, radius %.1f px", c, p.px(100))
	}
	l := p.alley(line)
	if l.R != "" || len(strings.Fields(l.Line)) != 2 || l.Width != num(2*p.px(30)) {
		t.Errorf("line alley drawn %+v", l)
	}
}
