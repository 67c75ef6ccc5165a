package store

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// Every point within the radius lies in one of nearbyCells' cells, counted
// as case_cell counts them (migration 0034), wherever the report is: by the
// equator, in Beijing, far north, by the antimeridian.
func TestNearbyCellsHoldTheRadius(t *testing.T) {
	r := rand.New(rand.NewPCG(26, 2))
	cellOf := func(lat, lon float64) int64 {
		return caseCell(int64(math.Floor(lat*cellsPerDegree)), int64(math.Floor(lon*cellsPerDegree)))
	}
	for _, c := range [][3]float64{{39.9399, 116.39995, 50}, {0, 0, 50}, {39.94, 179.99995, 50}, {39.94, -180, 50},
		{70.0005, 20.0005, 50}, {-33.8688, 151.2093, 120}, {39.94, 116.4, 0}} {
		lat, lon, radius := c[0], c[1], c[2]
		cells, ok := nearbyCells(lat, lon, radius)
		if !ok {
			t.Fatalf("(%v, %v) %v m: too many cells", lat, lon, radius)
		}
		for range 20000 {
			// A point in the square around the radius, kept when within it.
			dLat := (r.Float64()*2 - 1) * radius * 1.01 / (earthRadiusM * math.Pi / 180)
			dLon := (r.Float64()*2 - 1) * radius * 1.01 / (earthRadiusM * math.Pi / 180 * math.Cos(lat*math.Pi/180))
			plat, plon := lat+dLat, lon+dLon
			if plon > 180 {
				plon -= 360
			} else if plon < -180 {
				plon += 360
			}
			if haversine(lat, lon, plat, plon) > radius {
				continue
			}
			if !slices.Contains(cells, cellOf(plat, plon)) {
				t.Fatalf("(%v, %v) %v m: the point (%v, %v) at %.2f m is in cell %d, not in %v",
					lat, lon, radius, plat, plon, haversine(lat, lon, plat, plon), cellOf(plat, plon), cells)
			}
		}
	}
	for _, c := range [][3]float64{{39.94, 116.4, 2000}, {89.9999, 0, 50}, {91, 0, 50}, {math.NaN(), 0, 50}} {
		if _, ok := nearbyCells(c[0], c[1], c[2]); ok {
			t.Errorf("nearbyCells%v: cells, want the walk", c)
		}
	}
}
