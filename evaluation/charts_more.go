package evaluation

import (
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/store"
)

// hoursChart is a department's median and p90 hours to verify and to fix,
// four bars per department, the hours at each bar's end.
func (f *Font) hoursChart(title string, r Report, lang i18n.Lang) ([]byte, error) {
	p := f.newPlot(title)
	p.X.Label.Text = i18n.T(lang, "evaluation.axis.hours")
	var deps []store.EvalDepartment
	for _, d := range r.Departments {
		if d.Code != "" { // the cases never dispatched have no times
			deps = append(deps, d)
		}
	}
	var names []string
	series := make([]plotter.Values, 4)
	texts := make([][]countBar, 4)
	top := 0.0
	// The plot's Y grows upwards: the first department goes last.
	for i := len(deps) - 1; i >= 0; i-- {
		d := deps[i]
		name := d.Name
		if lang != i18n.ZH && d.NameEn != "" {
			name = d.NameEn
		}
		names = append(names, name)
		for k, v := range []struct {
			h  float64
			ok bool
		}{{d.VerifyMedian.Float64, d.VerifyMedian.Valid}, {d.VerifyP90.Float64, d.VerifyP90.Valid},
			{d.FixMedian.Float64, d.FixMedian.Valid}, {d.FixP90.Float64, d.FixP90.Valid}} {
			series[k] = append(series[k], v.h)
			t := "–"
			if v.ok {
				t = strconv.FormatFloat(v.h, 'f', 1, 64)
			}
			texts[k] = append(texts[k], countBar{N: v.h, Text: t})
			top = max(top, v.h)
		}
	}
	if len(names) == 0 {
		names = []string{"–"}
		for k := range series {
			series[k] = plotter.Values{0}
		}
	}
	const bar = 11.0
	legend := []string{"evaluation.legend.verify_median", "evaluation.legend.verify_p90", "evaluation.legend.fix_median", "evaluation.legend.fix_p90"}
	for k := range 4 { // top down in each group, as the legend lists them
		b, err := plotter.NewBarChart(series[k], vg.Points(bar))
		if err != nil {
			return nil, err
		}
		b.Horizontal, b.Color, b.LineStyle.Width = true, palette[k], 0
		b.Offset = vg.Points(bar * (1.5 - float64(k)))
		p.Add(b)
		p.Legend.Add(i18n.T(lang, legend[k]), b)
		if err := f.addLabels(p, texts[k], b.Offset); err != nil {
			return nil, err
		}
	}
	p.NominalY(names...)
	p.X.Min, p.X.Max = 0, max(1, top*1.15)
	p.X.Tick.Marker = plainTicks{}
	return render(p, vg.Points(780), vg.Points(float64(110+groupHeight*len(names))), vg.Points(170))
}

// groupHeight is the height of a department's four bars and the gap.
const groupHeight = 62

// ratesChart is the month's rates as bars from 0 to 100%, each with its
// fraction; satisfaction as its average out of 5; the complaints below.
func (f *Font) ratesChart(title string, r Report, lang i18n.Lang) ([]byte, error) {
	p := f.newPlot(title)
	o := r.Others
	p.X.Label.Text = i18n.T(lang, "evaluation.axis.rates", "complaints", o.Complaints, "upheld", o.Upheld)
	frac := func(key string, x Rate) countBar {
		return countBar{Label: i18n.T(lang, key), N: 100 * x.Value(),
			Text: x.Percent() + " (" + strconv.Itoa(x.N) + "/" + strconv.Itoa(x.Of) + ")"}
	}
	sat := countBar{Label: i18n.T(lang, "evaluation.rate.satisfaction"), N: 100 * o.RatingAvg / 5,
		Text: i18n.T(lang, "evaluation.rate.satisfaction_value", "avg", r.Satisfaction(), "n", o.Ratings)}
	bars := []countBar{frac("evaluation.rate.overdue", r.Overdue()), frac("evaluation.rate.send_back", r.SendBack()),
		frac("evaluation.rate.returned", r.Returned()), frac("evaluation.rate.patrols", r.PatrolAttendance()),
		frac("evaluation.rate.trainings", r.TrainingAttendance()), sat}
	var vals plotter.Values
	var labels []string
	var texts []countBar
	for i := len(bars) - 1; i >= 0; i-- {
		vals, labels, texts = append(vals, bars[i].N), append(labels, bars[i].Label), append(texts, bars[i])
	}
	b, err := plotter.NewBarChart(vals, vg.Points(rowHeight*0.7))
	if err != nil {
		return nil, err
	}
	b.Horizontal, b.Color, b.LineStyle.Width = true, palette[4], 0
	p.Add(b)
	p.NominalY(labels...)
	p.X.Min, p.X.Max = 0, 140 // room for the fractions right of a full bar
	p.X.Tick.Marker = percentTicks{}
	if err := f.addLabels(p, texts, 0); err != nil {
		return nil, err
	}
	w, h := size(len(bars))
	return render(p, w, h, 0)
}

// percentTicks marks 0–100% every 20.
type percentTicks struct{}

func (percentTicks) Ticks(_, _ float64) []plot.Tick {
	var ts []plot.Tick
	for v := 0; v <= 100; v += 20 {
		ts = append(ts, plot.Tick{Value: float64(v), Label: strconv.Itoa(v) + "%"})
	}
	return ts
}
