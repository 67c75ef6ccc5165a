package desk

import (
	"net/http"

	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// The map: the open cases the viewer may see as points over the district
// drawn from the roster (SVG, offline, no script), coloured by status, red
// when overdue, each a link to its case. With desk.tile_url set, a tile
// map too (Leaflet, served by the desk itself), from the same points; the
// SVG stays for a browser without script.

func init() {
	page("GET /desk/map", (*handler).mapPage)
}

// mapLimit bounds the points drawn: the most urgent first.
const mapLimit = 2000

// mapView is the map page's Data.
type mapView struct {
	Map        *svgMap
	Count      int  // points drawn
	Cut        bool // more open cases than mapLimit
	Limit      int
	NoLocation int // open cases with neither a point nor an alley
	Legend     []legendItem
	Tiles      *tileData // nil: no tile URL set
}

type legendItem struct {
	Status string
	Name   string
}

// tileData is what the tile map's script reads (a JSON script element).
type tileData struct {
	URL    string      `json:"url"`
	Attrib string      `json:"attribution"`
	Bounds [4]float64  `json:"bounds"` // south, west, north, east: the district
	Alleys []tileAlley `json:"alleys"`
	Points []tilePoint `json:"points"`
}

// tileAlley is an alley over the tiles: a circle, or a line.
type tileAlley struct {
	Name    string       `json:"name"`
	Lat     float64      `json:"lat"`
	Lon     float64      `json:"lon"`
	RadiusM int          `json:"radius"`
	Line    [][2]float64 `json:"line,omitempty"`
}

type tilePoint struct {
	Lat     float64 `json:"lat"`
	Lon     float64 `json:"lon"`
	Number  string  `json:"number"`
	Title   string  `json:"title"`
	Status  string  `json:"status"`
	Overdue bool    `json:"overdue"`
}

func (h *handler) mapPage(w http.ResponseWriter, r *http.Request, v *viewer) {
	lang := h.langOf(r, v)
	all, depts, reporter := v.Scope()
	points, err := h.st.DeskMapPoints(r.Context(), all, depts, reporter, mapLimit+1)
	if err != nil {
		h.serverError(w, r, v, err)
		return
	}
	alleys, err := h.st.AllAlleys(r.Context())
	if err != nil {
		h.serverError(w, r, v, err)
		return
	}
	d := mapView{Limit: mapLimit}
	if len(points) > mapLimit {
		points, d.Cut = points[:mapLimit], true
	}
	for _, s := range []model.Status{model.StatusSubmitted, model.StatusReturned, model.StatusDispatched, model.StatusVerified, model.StatusFixed} {
		d.Legend = append(d.Legend, legendItem{Status: string(s), Name: i18n.T(lang, "status."+string(s))})
	}
	var b bounds
	d.Map, b, d.Count, d.NoLocation = h.districtMap(lang, alleys, points)
	if h.o.TileURL != "" {
		d.Tiles = &tileData{URL: h.o.TileURL, Attrib: h.o.TileAttrib, Points: []tilePoint{}, Alleys: []tileAlley{},
			Bounds: [4]float64{b.minLat, b.minLon, b.maxLat, b.maxLon}}
		for _, a := range alleys {
			ta := tileAlley{Name: a.Name, Lat: a.Lat, Lon: a.Lon, RadiusM: a.RadiusM}
			for i := 0; i+1 < len(a.Line); i += 2 {
				ta.Line = append(ta.Line, [2]float64{a.Line[i], a.Line[i+1]})
			}
			d.Tiles.Alleys = append(d.Tiles.Alleys, ta)
		}
		for _, p := range points {
			if p.Lat.Valid && p.Lon.Valid {
				d.Tiles.Points = append(d.Tiles.Points, tilePoint{Lat: p.Lat.Float64, Lon: p.Lon.Float64, Number: p.Number,
					Title: pointTitle(lang, p), Status: string(p.Status), Overdue: h.overdue(p)})
			}
		}
	}
	h.render(w, r, v, http.StatusOK, "map", view{Title: i18n.T(lang, "deskmap.title"), Nav: "map", Data: d})
}

// districtMap draws every alley and the points that have a place.
func (h *handler) districtMap(lang i18n.Lang, alleys []store.Alley, points []store.DeskPoint) (m *svgMap, b bounds, drawn, missing int) {
	for _, a := range alleys {
		b.addAlley(a)
	}
	for _, p := range points {
		if p.Lat.Valid && p.Lon.Valid {
			b.add(p.Lat.Float64, p.Lon.Float64, 30)
		}
	}
	m = &svgMap{W: 960, H: 640}
	if !b.any {
		return m, b, 0, len(points)
	}
	pr := b.fit(m.W, m.H, 32)
	for _, a := range alleys {
		m.Alleys = append(m.Alleys, pr.alley(a))
	}
	// The most urgent last, so that they are drawn on top.
	for i := len(points) - 1; i >= 0; i-- {
		p := points[i]
		if !p.Lat.Valid || !p.Lon.Valid {
			missing++
			continue
		}
		x, y := pr.xy(p.Lat.Float64, p.Lon.Float64)
		m.Points = append(m.Points, svgPoint{X: num(x), Y: num(y), Number: p.Number, Title: pointTitle(lang, p),
			Status: string(p.Status), Overdue: h.overdue(p)})
		drawn++
	}
	return m, b, drawn, missing
}

func (h *handler) overdue(p store.DeskPoint) bool {
	_, due, ok := p.RunningClock()
	return ok && h.o.Now().After(due)
}

// pointTitle is a point's tooltip: number, alley, status.
func pointTitle(lang i18n.Lang, p store.DeskPoint) string {
	return i18n.T(lang, "deskmap.point", "number", p.Number, "alley", p.AlleyName, "status", i18n.T(lang, "status."+string(p.Status)))
}
