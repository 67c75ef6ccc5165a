package main

import (
	"log/slog"
	"net/http"

	"github.com/alleybot/alleybot/config"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/public"
	"github.com/alleybot/alleybot/store"
)

// mountPublic serves the residents' public page at /public/ unless
// public.enabled is off. It is in Chinese unless a reader asks ?lang=en,
// whatever bot.default_language says: it is written for the residents.
func mountPublic(mux *http.ServeMux, cfg config.Config, st *store.Store, log *slog.Logger) {
	if !cfg.Public.Enabled {
		return
	}
	mux.Handle("/public/", public.Handler(st, public.Options{ShowPhotos: cfg.Public.ShowPhotos,
		ShowStewardNames: cfg.Public.ShowStewardNames, RecentPerAlley: cfg.Public.RecentPerAlley,
		Location: cfg.Location(), DefaultLang: i18n.ZH, Log: log}))
}
