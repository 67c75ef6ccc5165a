package evaluation

import (
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// Bar is one labelled horizontal bar of a chart drawn by BarChart.
type Bar struct {
	Label string
	Value float64
	Text  string // written at the bar's end ("" for none)
	Group int    // bars of a group share a colour (0, 1, … of the report's palette)
}

// BarChart draws bars as a horizontal bar chart in f, the first bar on
// top, titled, the value axis named axis, each group of bars in its
// colour: the evaluation report's bars, for other packages' charts (the
// ledger's monthly statement).
func (f *Font) BarChart(title, axis string, bars []Bar) ([]byte, error) {
	if len(bars) == 0 {
		bars = []Bar{{Label: "–"}}
	}
	p := f.newPlot(title)
	p.X.Label.Text = axis
	// The plot's Y grows upwards: the first bar goes last.
	n := len(bars)
	labels, texts, top := make([]string, n), make([]countBar, n), 0.0
	groups := map[int]plotter.Values{}
	for i, b := range bars {
		row := n - 1 - i
		labels[row], texts[row] = b.Label, countBar{N: b.Value, Text: b.Text}
		top = max(top, b.Value)
		if groups[b.Group] == nil {
			groups[b.Group] = make(plotter.Values, n)
		}
		groups[b.Group][row] = b.Value
	}
	for g := range len(palette) {
		vals, ok := groups[g]
		if !ok {
			continue
		}
		c, err := plotter.NewBarChart(vals, vg.Points(rowHeight*0.7))
		if err != nil {
			return nil, err
		}
		c.Horizontal, c.Color, c.LineStyle.Width = true, palette[g], 0
		p.Add(c)
	}
	p.NominalY(labels...)
	p.X.Min, p.X.Max = 0, max(1, top*1.15)
	p.X.Tick.Marker = plainTicks{}
	if err := f.addLabels(p, texts, 0); err != nil {
		return nil, err
	}
	w, h := size(n)
	return render(p, w, h, 0)
}
