package store

import (
	"context"
	"time"
)

// CacheGet returns a cached value that has not expired.
func (q *Queries) CacheGet(ctx context.Context, key string) (string, bool, error) {
	var v []string
	err := q.db.SelectContext(ctx, &v, `SELECT value FROM kv_cache WHERE key = $1 AND expires_at > now()`, key)
	if err != nil || len(v) == 0 {
		return "", false, wrap("cache get", err)
	}
	return v[0], true, nil
}

// CacheSet stores a value for ttl.
func (q *Queries) CacheSet(ctx context.Context, key, value string, ttl time.Duration) error {
	_, err := q.db.ExecContext(ctx, `INSERT INTO kv_cache (key, value, expires_at)
		VALUES ($1, $2, now() + $3 * interval '1 microsecond')
		ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at`,
		key, value, ttl.Microseconds())
	return wrap("cache set", err)
}

// CacheDelete forgets a value (an access token the platform refused).
func (q *Queries) CacheDelete(ctx context.Context, key string) error {
	_, err := q.db.ExecContext(ctx, `DELETE FROM kv_cache WHERE key = $1`, key)
	return wrap("cache delete", err)
}
