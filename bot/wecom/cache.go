package wecom

import (
	"context"
	"time"

	"github.com/silenceper/wechat/v2/cache"
)

// KV is a key-value store shared by every serve process (store.Store's
// kv_cache table).
type KV interface {
	CacheGet(ctx context.Context, key string) (string, bool, error)
	CacheSet(ctx context.Context, key, value string, ttl time.Duration) error
	CacheDelete(ctx context.Context, key string) error
}

// NewCache adapts kv to the library's cache interface, so the access
// token (and the uploaded media ids) are fetched once for all processes.
// The library's calls carry no context: each gets a 5 s one.
func NewCache(kv KV) cache.Cache { return kvCache{kv} }

type kvCache struct{ kv KV }

const cacheTimeout = 5 * time.Second

func (c kvCache) Get(key string) any {
	ctx, cancel := context.WithTimeout(context.Background(), cacheTimeout)
	defer cancel()
	v, ok, err := c.kv.CacheGet(ctx, key)
	if err != nil || !ok {
		return nil
	}
	return v
}

func (c kvCache) Set(key string, val any, timeout time.Duration) error {
	s, _ := val.(string)
	ctx, cancel := context.WithTimeout(context.Background(), cacheTimeout)
	defer cancel()
	return c.kv.CacheSet(ctx, key, s, timeout)
}

func (c kvCache) IsExist(key string) bool { return c.Get(key) != nil }

func (c kvCache) Delete(key string) error {
	ctx, cancel := context.WithTimeout(context.Background(), cacheTimeout)
	defer cancel()
	return c.kv.CacheDelete(ctx, key)
}
