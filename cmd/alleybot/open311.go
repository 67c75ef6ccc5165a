package main

import (
	"log/slog"
	"net/http"

	"github.com/alleybot/alleybot/config"
	"github.com/alleybot/alleybot/open311"
	"github.com/alleybot/alleybot/store"
)

// mountOpen311 serves Open311 GeoReport v2 at /open311/v2/ unless
// open311.enabled is off; POST only for the clients of open311.clients.
// A posted case's card goes to the center through out.
func mountOpen311(mux *http.ServeMux, cfg config.Config, st *store.Store, out open311.Outbox, log *slog.Logger) {
	if !cfg.Open311.Enabled {
		return
	}
	var clients []open311.Client
	for _, c := range cfg.Open311.Clients {
		clients = append(clients, open311.Client{Name: c.Name, APIKey: c.APIKey})
	}
	mux.Handle("/open311/v2/", open311.Handler(st, open311.Options{Clients: clients,
		ShowPhotos: cfg.Public.Enabled && cfg.Public.ShowPhotos, PublicURL: cfg.HTTP.PublicURL, Location: cfg.Location(), Lang: defaultLang(cfg), Outbox: out, Log: log}))
}
