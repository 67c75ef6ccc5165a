package config

import "fmt"

// PublicConfig is the public page for residents that serve answers at
// /public/ (no login): the district's figures, recent closed cases and
// the fund ledger. Photos (faces and number plates are not blurred yet)
// and stewards' names are shown only when turned on here; residents are
// never shown.
type PublicConfig struct {
	Enabled          bool `yaml:"enabled"`
	ShowPhotos       bool `yaml:"show_photos"`
	ShowStewardNames bool `yaml:"show_steward_names"`
	// RecentPerAlley is how many of an alley's latest closed cases the
	// page lists (closed within the last 90 days).
	RecentPerAlley int `yaml:"recent_per_alley"`
}

func defaultPublic() PublicConfig { return PublicConfig{Enabled: true, RecentPerAlley: 5} }

func (c Config) validatePublic(bad func(key, msg string)) {
	if n := c.Public.RecentPerAlley; n < 1 || n > 50 {
		bad("public.recent_per_alley", fmt.Sprintf("must be between 1 and 50 (got %d)", n))
	}
	if !c.Public.Enabled && (c.Public.ShowPhotos || c.Public.ShowStewardNames) {
		bad("public.enabled", "is false, yet public.show_photos or public.show_steward_names is on: turn the page on, or those off")
	}
}
