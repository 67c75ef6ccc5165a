package store

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// Every point within the radius lies in one of nearbyCells' cells, counted
// as case_cell counts them (migration 0034), wherever the report is: in
// Beijing, by the equator, far north and south, by the antimeridian. The
// points tried are on the circle itself (where a bound too tight misses)
// and inside it.
func TestNearbyCellsHoldTheRadius(t *testing.T) {
	r := rand.New(rand.NewPCG(26, 2))
	rad := math.Pi / 180
	cellOf := func(lat, lon float64) int64 {
		return caseCell(int64(math.Floor(lat*cellsPerDegree)), int64(math.Floor(lon*cellsPerDegree)))
	}
	// The point d metres from (lat, lon) at bearing θ (radians).
	dest := func(lat, lon, d, θ float64) (float64, float64) {
		δ, φ1 := d/earthRadiusM, lat*rad
		φ2 := math.Asin(math.Sin(φ1)*math.Cos(δ) + math.Cos(φ1)*math.Sin(δ)*math.Cos(θ))
		λ := lon*rad + math.Atan2(math.Sin(θ)*math.Sin(δ)*math.Cos(φ1), math.Cos(δ)-math.Sin(φ1)*math.Sin(φ2))
		lon2 := λ / rad
		if lon2 > 180 {
			lon2 -= 360
		} else if lon2 < -180 {
			lon2 += 360
		}
		return φ2 / rad, lon2
	}
	centres := [][3]float64{{39.9399, 116.39995, 50}, {39.93956, 116.4, 50}, {0, 0, 50}, {39.94, 179.99995, 50},
		{39.94, -180, 50}, {39.94, 180, 50}, {70.0005, 20.0005, 50}, {-33.8688, 151.2093, 120}, {39.94, 116.4, 0}}
	for range 300 {
		lon := r.Float64()*360 - 180
		if r.IntN(4) == 0 {
			lon = math.Copysign(180-r.Float64()*0.002, lon)
		}
		centres = append(centres, [3]float64{r.Float64()*160 - 80, lon, 1 + r.Float64()*150})
	}
	tried := 0
	for _, c := range centres {
		lat, lon, radius := c[0], c[1], c[2]
		cells, ok := nearbyCells(lat, lon, radius)
		if !ok {
			continue // too many cells: the walk
		}
		for i := range 400 {
			d := radius * (1 - 1e-9)
			if i%2 == 1 {
				d = radius * r.Float64()
			}
			plat, plon := dest(lat, lon, d, r.Float64()*2*math.Pi)
			if haversine(lat, lon, plat, plon) > radius {
				continue
			}
			tried++
			if !slices.Contains(cells, cellOf(plat, plon)) {
				t.Fatalf("(%v, %v) %v m: the point (%v, %v) at %.4f m is in cell %d, not in %v",
					lat, lon, radius, plat, plon, haversine(lat, lon, plat, plon), cellOf(plat, plon), cells)
			}
		}
	}
	if tried < 100_000 {
		t.Errorf("only %d points tried", tried)
	}
	for _, c := range [][3]float64{{39.94, 116.4, 2000}, {89.9999, 0, 50}, {91, 0, 50}, {math.NaN(), 0, 50}} {
		if _, ok := nearbyCells(c[0], c[1], c[2]); ok {
			t.Errorf("nearbyCells%v: cells, want the walk", c)
		}
	}
}
