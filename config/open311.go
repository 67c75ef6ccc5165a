package config

import (
	"fmt"
	"strings"
)

// Open311Config is the Open311 GeoReport v2 interface that serve answers
// at /open311/v2/: the categories as services, the cases as requests
// (nothing personal in them), and new requests from the city's systems,
// each client with its own api_key.
type Open311Config struct {
	Enabled bool            `yaml:"enabled"`
	Clients []Open311Client `yaml:"clients"`
}

// Open311Client is a system allowed to POST requests.
type Open311Client struct {
	Name   string `yaml:"name"`
	APIKey string `yaml:"api_key"`
}

// open311MinKey is the shortest api_key accepted: a key is a secret.
const open311MinKey = 16

func defaultOpen311() Open311Config { return Open311Config{Enabled: true} }

func (c Config) validateOpen311(bad func(key, msg string)) {
	names, keys := map[string]bool{}, map[string]bool{}
	for i, cl := range c.Open311.Clients {
		key := fmt.Sprintf("open311.clients[%d]", i)
		switch {
		case strings.TrimSpace(cl.Name) == "":
			bad(key+".name", "is empty: name the client")
		case names[cl.Name]:
			bad(key+".name", fmt.Sprintf("%q is given twice", cl.Name))
		}
		switch {
		case len(cl.APIKey) < open311MinKey:
			bad(key+".api_key", fmt.Sprintf("must be at least %d characters (e.g. openssl rand -hex 16)", open311MinKey))
		case keys[cl.APIKey]:
			bad(key+".api_key", "is the same as another client's: give each client its own")
		}
		names[cl.Name], keys[cl.APIKey] = true, true
	}
	if len(c.Open311.Clients) > 0 && !c.Open311.Enabled {
		bad("open311.enabled", "is false, yet open311.clients are given: turn it on, or remove them")
	}
}
