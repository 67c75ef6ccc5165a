package handlers

import (
	"io"
	"log/slog"
	"testing"

	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/flows"
	"github.com/alleybot/alleybot/i18n"
)

// TestSharedButton: a case card's buttons are a shared card's (Telegram
// keeps its keyboard after a press); a complaint's, a training's and a
// flow step's are not.
func TestSharedButton(t *testing.T) {
	r := New(nil, conversations.New(conversations.Deps{DefaultLang: i18n.ZH}, flows.All(flows.Settings{})...), slog.New(slog.NewTextHandler(io.Discard, nil)), i18n.ZH)
	for data, want := range map[string]bool{
		"c:dispatch:1": true, "c:rate:7:5": true,
		"k:case:3": false, "t:sign:2": false, "report.kind|sanitation": false, "c:nonsense": false,
	} {
		if got := r.SharedButton(data); got != want {
			t.Errorf("SharedButton(%q) = %v, want %v", data, got, want)
		}
	}
	for _, data := range []string{"k:case:3", "t:sign:2"} {
		if _, _, ok := r.flows.Button(data); !ok {
			t.Errorf("%q is no family's press: the test says nothing of it", data)
		}
	}
}
