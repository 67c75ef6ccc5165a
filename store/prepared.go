package store

import (
	"context"
	"database/sql"
	"sync"

	"github.com/jmoiron/sqlx"
)

// Plans are reused: every query with arguments runs as a statement
// prepared once per connection (database/sql keeps one per connection and
// Tx.StmtContext reuses it), so PostgreSQL parses it once per connection and,
// after a few runs, keeps a generic plan instead of planning each call. A
// query without arguments runs as it is (it may be several statements, as
// a migration is). The cache holds at most maxPrepared texts; past that a
// query runs unprepared, so a query built from values cannot grow it
// without bound.
const maxPrepared = 1000

type stmtCache struct {
	pool   *sqlx.DB
	mu     sync.RWMutex
	m      map[string]*sql.Stmt // nil: being prepared, or not to be
	failed map[string]int
	closed bool
}

func newStmtCache(pool *sqlx.DB) *stmtCache {
	return &stmtCache{pool: pool, m: map[string]*sql.Stmt{}, failed: map[string]int{}}
}

// get is the pool's statement for query (prepared on each connection by
// database/sql when first used there), or nil while it is being prepared,
// when the cache is full, or when the query cannot be prepared: the query
// then runs unprepared. The first preparation needs a connection of its
// own, so it runs in the background: a caller inside a transaction never
// waits for a second connection (a pool of one would wait for ever).
func (c *stmtCache) get(query string) *sql.Stmt {
	c.mu.RLock()
	s, ok := c.m[query]
	c.mu.RUnlock()
	if ok {
		return s
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[query]; ok || len(c.m) >= maxPrepared || c.closed {
		return nil
	}
	c.m[query] = nil // being prepared
	go func() {
		// No deadline: a context that ends makes lib/pq send the server a
		// cancel request, which could reach the connection after it went
		// back to the pool and cancel someone else's statement.
		s, err := c.pool.PrepareContext(context.Background(), query)
		c.mu.Lock()
		defer c.mu.Unlock()
		switch {
		case err != nil:
			// Left nil: a query that cannot be prepared (a table that is
			// not there yet) runs unprepared and reports its own error.
			delete(c.m, query)
			if IsTransient(err) {
				return // the database was away: prepared at a later use
			}
			if len(c.failed) < maxPrepared {
				c.failed[query]++
				if c.failed[query] < 3 {
					return
				}
			}
			c.m[query] = nil // never again
		case c.closed:
			s.Close()
		default:
			c.m[query] = s
		}
	}()
	return nil
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	for _, s := range c.m {
		if s != nil {
			s.Close()
		}
	}
	c.m = map[string]*sql.Stmt{}
}

// prepared runs queries with arguments as prepared statements on the pool
// (tx nil) or inside tx.
type prepared struct {
	base  queryer
	tx    *sqlx.Tx
	cache *stmtCache
}

func (p prepared) stmt(ctx context.Context, query string, args []any) *sqlx.Stmt {
	if len(args) == 0 || p.cache == nil {
		return nil
	}
	s := p.cache.get(query)
	if s == nil {
		return nil
	}
	if p.tx != nil {
		return p.tx.StmtxContext(ctx, s)
	}
	return &sqlx.Stmt{Stmt: s, Mapper: p.cache.pool.Mapper}
}

func (p prepared) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s := p.stmt(ctx, query, args); s != nil {
		return s.ExecContext(ctx, args...)
	}
	return p.base.ExecContext(ctx, query, args...)
}

func (p prepared) GetContext(ctx context.Context, dest any, query string, args ...any) error {
	if s := p.stmt(ctx, query, args); s != nil {
		return s.GetContext(ctx, dest, args...)
	}
	return p.base.GetContext(ctx, dest, query, args...)
}

func (p prepared) SelectContext(ctx context.Context, dest any, query string, args ...any) error {
	if s := p.stmt(ctx, query, args); s != nil {
		return s.SelectContext(ctx, dest, args...)
	}
	return p.base.SelectContext(ctx, dest, query, args...)
}
