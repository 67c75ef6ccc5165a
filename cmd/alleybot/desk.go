package main

import (
	"log/slog"
	"net"
	"net/http"
	"strings"

	"github.com/alleybot/alleybot/config"
	"github.com/alleybot/alleybot/desk"
	"github.com/alleybot/alleybot/store"
)

// mountDesk serves the web desk at /desk/ unless desk.enabled is off; a
// press there goes through router like a press in a chat.
func mountDesk(mux *http.ServeMux, cfg config.Config, st *store.Store, router desk.Presser, log *slog.Logger) {
	if !cfg.Desk.Enabled {
		return
	}
	mux.Handle("/desk/", desk.Handler(st, desk.Options{Router: router, PublicURL: cfg.HTTP.PublicURL,
		IdleTimeout: cfg.Desk.IdleTimeout, Lifetime: cfg.Desk.Lifetime, TileURL: cfg.Desk.TileURL, TileAttrib: cfg.Desk.TileAttribution,
		Location: cfg.Location(), Calendar: cfg.Calendar(), DefaultLang: defaultLang(cfg), Log: log}))
}

// deskURL is where /web's links point: http.public_url, else serve's
// listener on this machine (a console and a serve side by side), else
// none (the desk is off).
func deskURL(cfg config.Config) string {
	if !cfg.Desk.Enabled {
		return ""
	}
	if cfg.HTTP.PublicURL != "" {
		return strings.TrimRight(cfg.HTTP.PublicURL, "/")
	}
	host, port, err := net.SplitHostPort(cfg.HTTP.Listen)
	if err != nil || port == "" {
		return ""
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}
