package evaluation_test

import (
	"bytes"
	"image/color"
	"image/png"
	"os"
	"testing"

	"github.com/alleybot/alleybot/config"
	"github.com/alleybot/alleybot/evaluation"
)

// TestBarChart: BarChart draws a PNG of one row per bar, each group in its
// own colour (blue for group 0, orange for group 2).
func TestBarChart(t *testing.T) {
	if _, err := os.Stat(config.DefaultReportFont); err != nil {
		t.Skipf("no CJK font (scripts/fonts.sh installs it): %v", err)
	}
	f, err := evaluation.LoadFont(config.DefaultReportFont)
	if err != nil {
		t.Fatal(err)
	}
	b, err := f.BarChart("收入与支出", "金额(元)", []evaluation.Bar{{Label: "收入 · 政府财政拨款", Value: 600, Text: "¥600.00"},
		{Label: "支出 · 培训", Value: 300, Text: "¥300.00", Group: 2}, {Label: "支出 · 其他", Value: 0, Text: "¥0.00", Group: 2}})
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds().Dx() < 600 || img.Bounds().Dy() < 200 {
		t.Errorf("size %v", img.Bounds())
	}
	seen := map[color.RGBA]int{}
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			seen[color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 0xff}]++
		}
	}
	blue, orange := color.RGBA{0x4e, 0x79, 0xa7, 0xff}, color.RGBA{0xf2, 0x8e, 0x2b, 0xff}
	// The income bar is twice the spending bar: about twice the pixels.
	if seen[blue] < 1000 || seen[orange] < 500 || seen[blue] < seen[orange]*3/2 {
		t.Errorf("blue %d pixels, orange %d", seen[blue], seen[orange])
	}
}
