package store

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/alleybot/alleybot/model"
)

// rosterCache keeps the roster's rarely changing rows an update reads —
// alleys, categories, group chats with their bindings, the alleys a steward
// patrols — for one roster version (migration 0015: every change to those
// tables moves roster_version.v on). A turn reads the version in its first
// statement (BeginTurn) and uses the cache only while it matches: a roster
// import or a group bound elsewhere is seen by the next update of every
// process, with no message between them.
type rosterCache struct {
	mu      sync.Mutex
	version int64
	m       map[string]any
}

// cached is load's result for key from the cache of t's roster version, or
// loads and keeps it. Outside a turn (no version read) it just loads.
func cached[T any](t *Tx, key string, load func() (T, error)) (T, error) {
	c := t.roster
	if c == nil || t.rosterV == 0 {
		return load()
	}
	c.mu.Lock()
	if c.version == t.rosterV {
		if v, ok := c.m[key]; ok {
			c.mu.Unlock()
			return v.(T), nil
		}
	}
	c.mu.Unlock()
	v, err := load()
	if err != nil {
		return v, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case t.rosterV > c.version:
		c.version, c.m = t.rosterV, map[string]any{}
	case t.rosterV < c.version:
		return v, nil // an older turn: its rows are not kept
	}
	c.m[key] = v
	return v, nil
}

// The slices handed out are copies: a caller may sort or append to them.

// Categories lists the categories (cached in a turn).
func (t *Tx) Categories(ctx context.Context) ([]Category, error) {
	cs, err := cached(t, "categories", func() ([]Category, error) { return t.Queries.Categories(ctx) })
	return slices.Clone(cs), err
}

// CategoryByID reads one category (cached in a turn).
func (t *Tx) CategoryByID(ctx context.Context, id int64) (Category, error) {
	return cached(t, fmt.Sprint("category:", id), func() (Category, error) { return t.Queries.CategoryByID(ctx, id) })
}

// AlleyByID reads one alley (cached in a turn).
func (t *Tx) AlleyByID(ctx context.Context, id int64) (Alley, error) {
	return cached(t, fmt.Sprint("alley:", id), func() (Alley, error) { return t.Queries.AlleyByID(ctx, id) })
}

// AllAlleys lists every alley by name (cached in a turn).
func (t *Tx) AllAlleys(ctx context.Context) ([]Alley, error) {
	as, err := cached(t, "alleys", func() ([]Alley, error) { return t.Queries.AllAlleys(ctx) })
	return slices.Clone(as), err
}

// AlleysOfSteward lists the alleys a steward patrols (cached in a turn).
func (t *Tx) AlleysOfSteward(ctx context.Context, personID int64) ([]Alley, error) {
	as, err := cached(t, fmt.Sprint("steward:", personID), func() ([]Alley, error) { return t.Queries.AlleysOfSteward(ctx, personID) })
	return slices.Clone(as), err
}

// ChatsFor finds group chats of a kind (cached in a turn).
func (t *Tx) ChatsFor(ctx context.Context, kind model.ChatKind, communityID, departmentID int64) ([]ChatTarget, error) {
	cs, err := cached(t, fmt.Sprint("chats:", kind, ":", communityID, ":", departmentID), func() ([]ChatTarget, error) {
		return t.Queries.ChatsFor(ctx, kind, communityID, departmentID)
	})
	return slices.Clone(cs), err
}

// NearestAlley is Queries.NearestAlley computed over the cached alleys in
// a turn (the same distances, the same ties: the first by name).
func (t *Tx) NearestAlley(ctx context.Context, lat, lon float64) (Alley, float64, error) {
	as, err := t.AllAlleys(ctx)
	if err != nil {
		return Alley{}, 0, err
	}
	a, dist, inside := Nearest(as, lat, lon)
	if !inside {
		return Alley{}, 0, ErrNotFound
	}
	return a, dist, nil
}

// ClosestAlley is the alley nearest to (lat, lon), whether or not it
// contains the point (inside says); ErrNotFound only when there are no
// alleys.
func (t *Tx) ClosestAlley(ctx context.Context, lat, lon float64) (a Alley, dist float64, inside bool, err error) {
	as, err := t.AllAlleys(ctx)
	if err != nil {
		return Alley{}, 0, false, err
	}
	if len(as) == 0 {
		return Alley{}, 0, false, ErrNotFound
	}
	a, dist, inside = Nearest(as, lat, lon)
	return a, dist, inside, nil
}

// RebindChat moves a group's binding (Queries.RebindChat); the rest of the
// turn reads the roster from the database, not the cache it changed.
func (t *Tx) RebindChat(ctx context.Context, platform, from, to string) (bool, error) {
	t.rosterV = 0
	return t.Queries.RebindChat(ctx, platform, from, to)
}
