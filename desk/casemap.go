package desk

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/alleybot/alleybot/store"
)

// The maps of the desk, drawn as SVG from the roster's alleys (their
// centres and radii, or their lines): no tiles, no script, nothing from
// outside. An equirectangular projection fitted to the bounds is exact
// enough for a subdistrict a few kilometres wide.

func init() {
	funcs["mapArgs"] = func(m *svgMap, label string) mapArgs { return mapArgs{M: m, Label: label} }
}

// mapArgs are the map partial's: the map and its label.
type mapArgs struct {
	M     *svgMap
	Label string
}

// svgMap is a drawn map: its size, the alleys and the points.
type svgMap struct {
	W, H   int
	Alleys []svgAlley
	Points []svgPoint
}

// svgAlley is an alley: a circle (R > 0) or a line (Line, in SVG's
// points syntax, drawn as wide as the alley's radius).
type svgAlley struct {
	Name         string
	CX, CY, R    string
	Line         string
	Width        string // a line's stroke, the alley's radius on each side
	LabelX, LabY string
	Current      bool // the case's own alley
}

// svgPoint is a case on the map.
type svgPoint struct {
	X, Y    string
	Number  string
	Title   string
	Status  string
	Overdue bool
}

// projection maps (lat, lon) into a W×H box with a margin.
type projection struct {
	lat0, lon0, k, scale, offX, offY float64
}

// metresPerDegree is a degree of latitude in metres.
const metresPerDegree = 111320.0

// bounds are a box of latitudes and longitudes, grown point by point.
type bounds struct {
	minLat, maxLat, minLon, maxLon float64
	any                            bool
}

func (b *bounds) add(lat, lon, radiusM float64) {
	dLat := radiusM / metresPerDegree
	dLon := radiusM / (metresPerDegree * math.Max(math.Cos(lat*math.Pi/180), 0.01))
	if !b.any {
		b.minLat, b.maxLat, b.minLon, b.maxLon, b.any = lat-dLat, lat+dLat, lon-dLon, lon+dLon, true
		return
	}
	b.minLat, b.maxLat = math.Min(b.minLat, lat-dLat), math.Max(b.maxLat, lat+dLat)
	b.minLon, b.maxLon = math.Min(b.minLon, lon-dLon), math.Max(b.maxLon, lon+dLon)
}

func (b *bounds) addAlley(a store.Alley) {
	b.add(a.Lat, a.Lon, float64(a.RadiusM))
	for i := 0; i+1 < len(a.Line); i += 2 {
		b.add(a.Line[i], a.Line[i+1], float64(a.RadiusM))
	}
}

// fit is the projection of b into w×h, margin pixels on each side, north
// up, the same scale both ways.
func (b bounds) fit(w, h, margin int) projection {
	lat0 := (b.minLat + b.maxLat) / 2
	p := projection{lat0: b.maxLat, lon0: b.minLon, k: math.Cos(lat0 * math.Pi / 180)}
	spanX := math.Max((b.maxLon-b.minLon)*p.k, 1e-6)
	spanY := math.Max(b.maxLat-b.minLat, 1e-6)
	innerW, innerH := float64(w-2*margin), float64(h-2*margin)
	p.scale = math.Min(innerW/spanX, innerH/spanY)
	p.offX = float64(margin) + (innerW-spanX*p.scale)/2
	p.offY = float64(margin) + (innerH-spanY*p.scale)/2
	return p
}

func (p projection) xy(lat, lon float64) (float64, float64) {
	return p.offX + (lon-p.lon0)*p.k*p.scale, p.offY + (p.lat0-lat)*p.scale
}

// px is a distance in metres in pixels.
func (p projection) px(m float64) float64 { return m / metresPerDegree * p.scale }

func num(f float64) string { return fmt.Sprintf("%.1f", f) }

// alley draws a roster alley.
func (p projection) alley(a store.Alley) svgAlley {
	x, y := p.xy(a.Lat, a.Lon)
	out := svgAlley{Name: a.Name, LabelX: num(x), LabY: num(y - 10)}
	if len(a.Line) >= 4 {
		var pts []string
		for i := 0; i+1 < len(a.Line); i += 2 {
			lx, ly := p.xy(a.Line[i], a.Line[i+1])
			pts = append(pts, num(lx)+","+num(ly))
		}
		out.Line, out.Width = strings.Join(pts, " "), num(math.Max(2*p.px(float64(a.RadiusM)), 2))
		return out
	}
	out.CX, out.CY, out.R = num(x), num(y), num(math.Max(p.px(float64(a.RadiusM)), 2))
	return out
}

// caseMap is a case's place: its alley (and those around it, faint) and
// its point (the steward's, else the alley's centre); nil when the case
// has neither.
func (h *handler) caseMap(ctx context.Context, c store.CaseView) (*svgMap, error) {
	if !c.AlleyID.Valid && !c.Lat.Valid {
		return nil, nil
	}
	var b bounds
	var own store.Alley
	if c.AlleyID.Valid {
		a, err := h.st.AlleyByID(ctx, c.AlleyID.Int64)
		if err != nil {
			return nil, err
		}
		own = a
		b.addAlley(a)
	}
	lat, lon := own.Lat, own.Lon
	if c.Lat.Valid && c.Lon.Valid {
		lat, lon = c.Lat.Float64, c.Lon.Float64
		b.add(lat, lon, 60)
	}
	m := &svgMap{W: 360, H: 240}
	p := b.fit(m.W, m.H, 24)
	if c.AlleyID.Valid {
		as, err := h.st.AllAlleys(ctx)
		if err != nil {
			return nil, err
		}
		for _, a := range as {
			if a.ID != own.ID && !near(b, a) {
				continue
			}
			d := p.alley(a)
			d.Current = a.ID == own.ID
			m.Alleys = append(m.Alleys, d)
		}
	}
	x, y := p.xy(lat, lon)
	m.Points = []svgPoint{{X: num(x), Y: num(y), Number: c.Number, Status: string(c.Status)}}
	return m, nil
}

// near reports whether alley a's centre falls within b.
func near(b bounds, a store.Alley) bool {
	return a.Lat >= b.minLat && a.Lat <= b.maxLat && a.Lon >= b.minLon && a.Lon <= b.maxLon
}
