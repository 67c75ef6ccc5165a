package store

import "math"

// Distances on the ground, in metres, for the alleys' shapes.

const earthRadiusM = 6371000.0

func haversine(lat1, lon1, lat2, lon2 float64) float64 {
	rad := math.Pi / 180
	s1 := math.Sin((lat1 - lat2) * rad / 2)
	s2 := math.Sin((lon1 - lon2) * rad / 2)
	return 2 * earthRadiusM * math.Asin(math.Sqrt(s1*s1+math.Cos(lat2*rad)*math.Cos(lat1*rad)*s2*s2))
}

// Points are the alley's line as (lat, lon) pairs; none for a circle.
func (a Alley) Points() [][2]float64 {
	var ps [][2]float64
	for i := 0; i+1 < len(a.Line); i += 2 {
		ps = append(ps, [2]float64{a.Line[i], a.Line[i+1]})
	}
	return ps
}

// DistanceM is how far (lat, lon) is from the alley, in metres: from its
// line when it has one (a long hutong), else from its centre. The point is
// inside the alley when this is at most RadiusM.
func (a Alley) DistanceM(lat, lon float64) float64 {
	ps := a.Points()
	if len(ps) == 0 {
		return haversine(lat, lon, a.Lat, a.Lon)
	}
	if len(ps) == 1 {
		return haversine(lat, lon, ps[0][0], ps[0][1])
	}
	best := math.Inf(1)
	for i := 0; i+1 < len(ps); i++ {
		best = math.Min(best, SegmentDistanceM(lat, lon, ps[i], ps[i+1]))
	}
	return best
}

// Contains reports whether (lat, lon) is within the alley's radius (of its
// centre, or of its line).
func (a Alley) Contains(lat, lon float64) bool { return a.DistanceM(lat, lon) <= float64(a.RadiusM) }

// SegmentDistanceM is the distance in metres from (lat, lon) to the segment
// from a to b, each (lat, lon). The ground around the point is taken as
// flat (an equirectangular projection centred on it): at an alley's scale
// (hundreds of metres) the error is far below a phone's GPS error.
func SegmentDistanceM(lat, lon float64, a, b [2]float64) float64 {
	rad := math.Pi / 180
	k := math.Cos(lat * rad)
	// Metres east (x) and north (y) of the point.
	ax, ay := (a[1]-lon)*rad*k*earthRadiusM, (a[0]-lat)*rad*earthRadiusM
	bx, by := (b[1]-lon)*rad*k*earthRadiusM, (b[0]-lat)*rad*earthRadiusM
	dx, dy := bx-ax, by-ay
	t := 0.0
	if l2 := dx*dx + dy*dy; l2 > 0 {
		t = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l2))
	}
	return math.Hypot(ax+t*dx, ay+t*dy)
}

// Nearest is, of as, the alley nearest to (lat, lon) among those that
// contain it (inside true), or else the nearest of all (inside false), with
// its distance. Ties go to the first in as. With no alleys it is the zero
// Alley, not inside.
func Nearest(as []Alley, lat, lon float64) (Alley, float64, bool) {
	best, bestDist, bestInside := -1, 0.0, false
	for i, a := range as {
		d := a.DistanceM(lat, lon)
		in := d <= float64(a.RadiusM)
		switch {
		case best < 0, in && !bestInside, in == bestInside && d < bestDist:
			best, bestDist, bestInside = i, d, in
		}
	}
	if best < 0 {
		return Alley{}, 0, false
	}
	return as[best], bestDist, bestInside
}
