package config

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// DeskConfig is the web desk of the acceptance center and the departments
// that serve answers at /desk/ (issue 24). People sign in with a link /web
// sends them in a private chat; their session is kept in PostgreSQL.
type DeskConfig struct {
	Enabled bool `yaml:"enabled"`
	// IdleTimeout ends a session not used for this long; Lifetime ends it
	// this long after signing in, used or not.
	IdleTimeout time.Duration `yaml:"idle_timeout"`
	Lifetime    time.Duration `yaml:"lifetime"`
	// TileURL is a map-tile URL template ({z}/{x}/{y}, e.g. a city's own
	// tile server); "" draws the map from the roster's alley coordinates
	// alone (works offline). TileAttribution is shown under the map.
	TileURL         string `yaml:"tile_url"`
	TileAttribution string `yaml:"tile_attribution"`
}

func defaultDesk() DeskConfig {
	return DeskConfig{Enabled: true, IdleTimeout: 2 * time.Hour, Lifetime: 12 * time.Hour}
}

func (c Config) validateDesk(bad func(key, msg string)) {
	d := c.Desk
	if d.IdleTimeout < time.Minute || d.IdleTimeout > 7*24*time.Hour {
		bad("desk.idle_timeout", fmt.Sprintf("must be between 1m and 168h (got %s)", d.IdleTimeout))
	}
	if d.Lifetime < d.IdleTimeout || d.Lifetime > 30*24*time.Hour {
		bad("desk.lifetime", fmt.Sprintf("must be at least desk.idle_timeout and at most 720h (got %s)", d.Lifetime))
	}
	if d.TileURL != "" {
		u, err := url.Parse(strings.NewReplacer("{z}", "0", "{x}", "0", "{y}", "0", "{s}", "a").Replace(d.TileURL))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !strings.Contains(d.TileURL, "{z}") ||
			!strings.Contains(d.TileURL, "{x}") || !strings.Contains(d.TileURL, "{y}") {
			bad("desk.tile_url", "must be an http(s) URL template with {z}, {x} and {y}, such as https://tiles.example.org/{z}/{x}/{y}.png")
		}
	}
}
