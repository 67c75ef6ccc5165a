package evaluation

// Bar is one labelled horizontal bar of a chart drawn by BarChart.
type Bar struct {
	Label string
	Value float64
	Text  string // written at the bar's end ("" for none)
}

// BarChart draws bars as a horizontal bar chart in f, the first bar on
// top, titled, the value axis named axis: the evaluation report's chart,
// for other packages' charts (the ledger's monthly statement).
func (f *Font) BarChart(title, axis string, bars []Bar) ([]byte, error) {
	cs := make([]countBar, len(bars))
	for i, b := range bars {
		cs[i] = countBar{Label: b.Label, N: b.Value, Text: b.Text}
	}
	return f.countChart(title, axis, cs)
}
