package desk_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/alleybot/alleybot/bot/console"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/flows"
	"github.com/alleybot/alleybot/flows/weblogin"
	"github.com/alleybot/alleybot/handlers"
	"github.com/alleybot/alleybot/i18n"
)

// chromium is Debian's browser (scripts/chromium.sh installs it);
// ALLEYBOT_CHROMIUM names another. In CI a missing browser fails.
func chromium(t *testing.T) string {
	bin := os.Getenv("ALLEYBOT_CHROMIUM")
	if bin == "" {
		bin = "/usr/bin/chromium"
	}
	if _, err := exec.LookPath(bin); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s: %v (run scripts/chromium.sh)", bin, err)
		}
		t.Skipf("%s: %v (run scripts/chromium.sh)", bin, err)
	}
	return bin
}

// consoleLink is what the console prints for /web typed by who.
func (w *world) consoleLink(t *testing.T, who string) string {
	t.Helper()
	engine := conversations.New(conversations.Deps{DefaultLang: i18n.ZH, Location: w.loc, Now: w.clock},
		flows.All(flows.Settings{Web: weblogin.Settings{BaseURL: w.srv.URL}})...)
	var out bytes.Buffer
	ch := &console.Channel{People: handlers.ConsoleRoster{Store: w.st, Flows: engine}, Handler: w.router,
		In: strings.NewReader("/web\n"), Out: &out, DefaultLang: i18n.ZH}
	if err := ch.Run(context.Background(), who); err != nil {
		t.Fatal(err)
	}
	link := linkRE.FindString(out.String())
	if link == "" {
		t.Fatalf("the console printed no link: %s", out.String())
	}
	return link
}

// shot saves a screenshot as name in the test's directory (and in
// DESK_SCREENSHOTS when set: `DESK_SCREENSHOTS=$PWD/docs go test -run
// TestBrowser ./desk/` makes the README's pictures) and checks it is a
// picture of the size asked for, not blank.
func shot(t *testing.T, dir, name string, b []byte, width int) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if got := img.Bounds().Dx(); got < width-20 || got > width+20 {
		t.Errorf("%s is %d wide, want about %d", name, got, width)
	}
	if blank(img) {
		t.Errorf("%s is blank", name)
	}
	for _, d := range []string{dir, os.Getenv("DESK_SCREENSHOTS")} {
		if d == "" {
			continue
		}
		if err := os.WriteFile(filepath.Join(d, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// blank: one colour everywhere sampled.
func blank(img image.Image) bool {
	b := img.Bounds()
	r0, g0, b0, _ := img.At(b.Min.X, b.Min.Y).RGBA()
	for y := b.Min.Y; y < b.Max.Y; y += 7 {
		for x := b.Min.X; x < b.Max.X; x += 7 {
			if r, g, bb, _ := img.At(x, y).RGBA(); r != r0 || g != g0 || bb != b0 {
				return false
			}
		}
	}
	return true
}

// TestBrowser: headless Chromium signs in through the link the console
// printed, filters the queue, opens a case and dispatches it; the chat
// side (the department's Telegram group) gets the card once and the
// timeline has the dispatch once. Screenshots at a desk's 1280×800 and a
// phone's 390×844.
func TestBrowser(t *testing.T) {
	bin := chromium(t)
	w := queueWorld(t)
	dir := t.TempDir()
	link := w.consoleLink(t, "C01")

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(bin), chromedp.NoSandbox,
		chromedp.WindowSize(1280, 800), chromedp.Flag("lang", "zh-CN"))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	defer cancel()

	step := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("browser: %s: %v", what, err)
		}
	}
	screenshot := func(what string) []byte {
		t.Helper()
		b, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatalf("browser: screenshot of %s: %v", what, err)
		}
		return b
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("browser: text of %s: %v", sel, err)
		}
		return s
	}
	step("sign in through the console's link", chromedp.EmulateViewport(1280, 800), chromedp.Navigate(link),
		chromedp.Click(chromedp.CSS("#login")), chromedp.WaitVisible(chromedp.CSS("#queue")))
	queue := screenshot("the queue")
	step("filter the submitted cases", chromedp.SetValue(chromedp.CSS(`select[name="status"]`), "submitted"),
		chromedp.Click(chromedp.CSS("#apply")), chromedp.WaitVisible(chromedp.CSS("a.count.on")))
	listed := text("#queue tbody")
	step("a phone's viewport", chromedp.EmulateViewport(390, 844))
	phone := screenshot("the queue on a phone")
	step("open the case", chromedp.EmulateViewport(1280, 800), chromedp.Click(chromedp.CSS(`#queue a[href="/desk/case/2026-000001"]`)),
		chromedp.WaitVisible(chromedp.CSS("form.press")))
	casePage := screenshot("the case page")
	step("派单", chromedp.Click(chromedp.Search(`//form[contains(@class,"press")]//button[contains(., "派单给")]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	status := text(".flash")
	step("the map", chromedp.Navigate(w.srv.URL+"/desk/map"), chromedp.WaitVisible(chromedp.CSS("svg")))
	mapPage := screenshot("the map")
	if !strings.Contains(listed, "2026-000001") || strings.Contains(listed, "2026-000002") {
		t.Errorf("the filtered queue lists %q", listed)
	}
	if !strings.Contains(status, "已派单") {
		t.Errorf("after 派单 the page says %q", status)
	}
	if got := w.count(`SELECT count(*) FROM cases WHERE number = '2026-000001' AND status = 'dispatched'`); got != 1 {
		t.Errorf("the case is not dispatched")
	}
	if got := w.count(`SELECT count(*) FROM case_events e JOIN cases c ON c.id = e.case_id WHERE c.number = '2026-000001' AND e.kind = 'dispatched'`); got != 1 {
		t.Errorf("%d dispatch events, want 1", got)
	}
	if got := w.count(`SELECT count(*) FROM outbox WHERE chat_id = $1 AND message->>'Text' LIKE '%2026-000001%'`, telegramGroups["dept-huanwei"]); got != 1 {
		t.Errorf("the department's group got the case %d times, want once", got)
	}
	shot(t, dir, "desk-queue.png", queue, 1280)
	shot(t, dir, "desk-queue-phone.png", phone, 390)
	shot(t, dir, "desk-case.png", casePage, 1280)
	shot(t, dir, "desk-map.png", mapPage, 1280)
}
