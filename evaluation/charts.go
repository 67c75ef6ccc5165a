package evaluation

import (
	"bytes"
	"fmt"
	"image/color"
	"os"
	"strconv"

	"golang.org/x/image/font/opentype"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/alleybot/alleybot/i18n"
)

// Font is the CJK typeface the charts are drawn in (a .ttf, .otf or a
// .ttc collection, whose first face is used).
type Font struct {
	handler text.Handler
	face    font.Font
}

// LoadFont reads a font file.
func LoadFont(path string) (*Font, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	one, err := standalone(data, 0)
	if err != nil {
		return nil, fmt.Errorf("font %s: %w", path, err)
	}
	f, err := opentype.Parse(one)
	if err != nil {
		return nil, fmt.Errorf("font %s: %w", path, err)
	}
	face := font.Font{Typeface: "report"}
	return &Font{handler: text.Plain{Fonts: font.NewCache(font.Collection{{Font: face, Face: f}})}, face: face}, nil
}

// style is the font at size points.
func (f *Font) style(size float64) text.Style {
	return text.Style{Color: color.Black, Font: font.From(f.face, vg.Points(size)), Handler: f.handler}
}

// newPlot is a plot drawn entirely in f, titled.
func (f *Font) newPlot(title string) *plot.Plot {
	p := plot.New()
	p.TextHandler = f.handler
	keep := func(s *text.Style, size float64) {
		n := f.style(size)
		n.XAlign, n.YAlign, n.Rotation = s.XAlign, s.YAlign, s.Rotation
		*s = n
	}
	keep(&p.Title.TextStyle, 16)
	keep(&p.X.Label.TextStyle, 12)
	keep(&p.Y.Label.TextStyle, 12)
	keep(&p.X.Tick.Label, 11)
	keep(&p.Y.Tick.Label, 11)
	keep(&p.Legend.TextStyle, 11)
	p.Title.Text = title
	p.Title.Padding = vg.Points(10)
	return p
}

// Chart is one PNG of the report.
type Chart struct {
	Name  string // file name without .png: "monthly-cases-by-category"
	Title string
	PNG   []byte
}

// The charts' colours: a qualitative palette readable in print.
var palette = []color.Color{
	color.RGBA{0x4e, 0x79, 0xa7, 0xff}, color.RGBA{0xa0, 0xcb, 0xe8, 0xff},
	color.RGBA{0xf2, 0x8e, 0x2b, 0xff}, color.RGBA{0xff, 0xbe, 0x7d, 0xff},
	color.RGBA{0x59, 0xa1, 0x4f, 0xff}, color.RGBA{0xe1, 0x57, 0x59, 0xff},
}

// Charts draws the report's four charts in lang's titles and labels.
func Charts(r Report, f *Font, lang i18n.Lang) ([]Chart, error) {
	p := r.Period.String()
	var charts []Chart
	add := func(name, title string, draw func(string) ([]byte, error)) error {
		png, err := draw(title)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		charts = append(charts, Chart{Name: name, Title: title, PNG: png})
		return nil
	}
	cats, alleys := categoryBars(r, lang), alleyBars(r, lang)
	if err := add("monthly-cases-by-category", i18n.T(lang, "evaluation.chart.category", "period", p, "n", r.Cases),
		func(t string) ([]byte, error) { return f.countChart(t, i18n.T(lang, "evaluation.axis.cases"), cats) }); err != nil {
		return nil, err
	}
	if err := add("monthly-cases-by-alley", i18n.T(lang, "evaluation.chart.alley", "period", p, "n", r.Cases),
		func(t string) ([]byte, error) { return f.countChart(t, i18n.T(lang, "evaluation.axis.cases"), alleys) }); err != nil {
		return nil, err
	}
	if err := add("monthly-department-hours", i18n.T(lang, "evaluation.chart.hours", "period", p),
		func(t string) ([]byte, error) { return f.hoursChart(t, r, lang) }); err != nil {
		return nil, err
	}
	if err := add("monthly-rates", i18n.T(lang, "evaluation.chart.rates", "period", p),
		func(t string) ([]byte, error) { return f.ratesChart(t, r, lang) }); err != nil {
		return nil, err
	}
	return charts, nil
}

// countBar is one labelled bar.
type countBar struct {
	Label string
	N     float64
	Text  string // drawn at the bar's end
}

func categoryBars(r Report, lang i18n.Lang) []countBar {
	var bs []countBar
	for _, c := range r.ByCategory {
		name := c.Name
		if c.Key == "" {
			name = i18n.T(lang, "evaluation.none.category")
		} else if lang == i18n.ZH && c.NameEn != "" {
			name += " " + c.NameEn
		} else if c.NameEn != "" {
			name = c.NameEn
		}
		bs = append(bs, countBar{name, float64(c.N), strconv.Itoa(c.N)})
	}
	return bs
}

func alleyBars(r Report, lang i18n.Lang) []countBar {
	var bs []countBar
	for _, c := range r.ByAlley {
		name := c.Name
		if c.Key == "" {
			name = i18n.T(lang, "evaluation.none.alley")
		}
		bs = append(bs, countBar{name, float64(c.N), strconv.Itoa(c.N)})
	}
	return bs
}

// rowHeight is the height each horizontal bar (or group) takes.
const rowHeight = 34

// size is a chart's width and height for rows of bars.
func size(rows int) (vg.Length, vg.Length) {
	return vg.Points(640), vg.Points(float64(120 + rowHeight*max(rows, 1)))
}

// countChart is a horizontal bar chart, the largest bar on top, the count
// at each bar's end.
func (f *Font) countChart(title, axis string, bars []countBar) ([]byte, error) {
	p := f.newPlot(title)
	p.X.Label.Text = axis
	if len(bars) == 0 {
		bars = []countBar{{Label: "–"}}
	}
	// The plot's Y grows upwards: the first bar goes last.
	var vals plotter.Values
	var labels []string
	top := 0.0
	for i := len(bars) - 1; i >= 0; i-- {
		vals = append(vals, bars[i].N)
		labels = append(labels, bars[i].Label)
		top = max(top, bars[i].N)
	}
	b, err := plotter.NewBarChart(vals, vg.Points(rowHeight*0.7))
	if err != nil {
		return nil, err
	}
	b.Horizontal, b.Color, b.LineStyle.Width = true, palette[0], 0
	p.Add(b)
	p.NominalY(labels...)
	p.X.Min, p.X.Max = 0, max(1, top*1.15)
	p.X.Tick.Marker = plainTicks{}
	var texts []countBar
	for i := len(bars) - 1; i >= 0; i-- {
		texts = append(texts, bars[i])
	}
	if err := f.addLabels(p, texts, 0); err != nil {
		return nil, err
	}
	w, h := size(len(bars))
	return render(p, w, h, 0)
}

// addLabels writes each bar's Text just after its end (row i at y = i,
// moved dy points up: a grouped bar's offset).
func (f *Font) addLabels(p *plot.Plot, bars []countBar, dy vg.Length) error {
	var xys plotter.XYs
	var ls []string
	for i, b := range bars {
		if b.Text == "" {
			continue
		}
		xys = append(xys, plotter.XY{X: b.N, Y: float64(i)})
		ls = append(ls, b.Text)
	}
	if len(xys) == 0 {
		return nil
	}
	l, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: ls})
	if err != nil {
		return err
	}
	for i := range l.TextStyle {
		l.TextStyle[i] = f.style(10)
		l.TextStyle[i].YAlign = draw.YCenter
	}
	l.Offset = vg.Point{X: vg.Points(4), Y: dy + vg.Points(1.5)} // digits have no descent: centre them on the bar
	p.Add(l)
	return nil
}

// render draws p on a white w×h PNG with a margin; legendW > 0 keeps a
// column that wide on the right for the legend, clear of the bars.
func render(p *plot.Plot, w, h, legendW vg.Length) ([]byte, error) {
	legend := p.Legend
	if legendW > 0 {
		p.Legend = plot.NewLegend() // drawn outside the plot below
	}
	c := vgimg.New(w, h)
	dc := draw.New(c)
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	inner := draw.Crop(dc, vg.Points(14), vg.Points(-14), vg.Points(6), vg.Points(-8))
	p.Draw(draw.Crop(inner, 0, -legendW, 0, 0))
	if legendW > 0 {
		legend.Top, legend.Left, legend.Padding = true, true, vg.Points(5)
		legend.YOffs = -p.Title.TextStyle.Height(p.Title.Text) - p.Title.Padding - vg.Points(8)
		legend.Draw(draw.Crop(inner, inner.Size().X-legendW+vg.Points(10), 0, 0, 0))
	}
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// plainTicks are the default ticks labelled without needless decimals.
type plainTicks struct{}

func (plainTicks) Ticks(lo, hi float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(lo, hi)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = strconv.FormatFloat(ts[i].Value, 'f', -1, 64)
		}
	}
	return ts
}
