package public_test

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/alleybot/alleybot/public"
)

// chromium is Debian's browser (scripts/chromium.sh installs it);
// ALLEYBOT_CHROMIUM names another.
func chromium(t *testing.T) string {
	bin := os.Getenv("ALLEYBOT_CHROMIUM")
	if bin == "" {
		bin = "/usr/bin/chromium"
	}
	if _, err := os.Stat(bin); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s: %v (run scripts/chromium.sh)", bin, err)
		}
		t.Skipf("%s: %v (run scripts/chromium.sh)", bin, err)
	}
	return bin
}

// TestScreenshot opens /public/ in headless Chromium on a phone's
// viewport (390×844, an iPhone 12 to 15) and checks the picture: a PNG
// about 390 pixels wide, not blank. PUBLIC_SCREENSHOT=FILE keeps it
// (docs/public-page.png is made so).
func TestScreenshot(t *testing.T) {
	bin := chromium(t)
	w := seed(t)
	srv := w.server(t, public.Options{})
	out := filepath.Join(t.TempDir(), "public.png")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
		"--no-first-run", "--user-data-dir="+t.TempDir(), "--window-size=390,844", "--screenshot="+out, srv.URL+"/public/")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", bin, err, msg)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the screenshot is not a PNG: %v", err)
	}
	b := img.Bounds()
	if b.Dx() < 380 || b.Dx() > 400 || b.Dy() < 600 {
		t.Errorf("screenshot %dx%d, want about 390x844", b.Dx(), b.Dy())
	}
	dark := 0
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r < 0xc000 || g < 0xc000 || bl < 0xc000 {
				dark++
			}
		}
	}
	// The red header alone is some 390×50 pixels (a quarter of them sampled).
	if dark < 3000 {
		t.Errorf("the screenshot is nearly blank: %d dark pixels sampled", dark)
	}
	if keep := os.Getenv("PUBLIC_SCREENSHOT"); keep != "" {
		if err := os.WriteFile(keep, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
