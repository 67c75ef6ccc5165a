package handlers

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/alleybot/alleybot/bot"
)

// TestConsoleSpeakerAmbiguousName: two people with one name are not "not in
// the roster": the console is told who they are, to pick by code.
func TestConsoleSpeakerAmbiguousName(t *testing.T) {
	w := newWorld(t)
	if _, err := w.st.DB().Exec(`INSERT INTO people (code, name) VALUES ('S99', '王秀兰')`); err != nil {
		t.Fatal(err)
	}
	d := ConsoleRoster{Store: w.st}
	_, err := d.Speaker(context.Background(), "王秀兰")
	var none *bot.NoSpeakerError
	if !errors.As(err, &none) || !slices.Equal(none.Same, []string{"王秀兰(S01)", "王秀兰(S99)"}) {
		t.Fatalf("err = %v (%+v), want the two 王秀兰 named", err, none)
	}
	if sp, err := d.Speaker(context.Background(), "S99"); err != nil || sp.Code != "S99" {
		t.Errorf("by code: %+v, %v", sp, err)
	}
	_, err = d.Speaker(context.Background(), "不存在")
	if !errors.As(err, &none) || len(none.Same) != 0 || len(none.Names) == 0 {
		t.Errorf("unknown name: %v", err)
	}
}
