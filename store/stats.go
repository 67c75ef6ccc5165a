package store

import (
	"context"
	"log/slog"
	"time"

	"github.com/lib/pq"
)

// growingTables are the tables an update reads by plans that depend on how
// many rows they hold (the duplicate check walks the open cases in order
// only when the planner knows there are many).
// Small tables that change in place (conversation_states, outbox_chats) are
// left to autovacuum: their plans do not depend on their size.
var growingTables = pq.StringArray{"cases", "case_categories", "case_events", "photos", "outbox", "processed_updates"}

// RefreshStats analyzes those of growingTables changed by more than a
// fifth of their rows (and 500 rows) since they were last analyzed, and
// says which. Autovacuum does the same once a minute at best; a young
// database grows from nothing much faster than that, and a plan made for
// an empty table reads every row of a full one.
func (s *Store) RefreshStats(ctx context.Context) ([]string, error) {
	var stale []string
	err := s.db.SelectContext(ctx, &stale, `
		SELECT relname FROM pg_stat_user_tables
		WHERE schemaname = current_schema() AND relname = ANY($1)
			AND n_mod_since_analyze > greatest(500, n_live_tup / 5)`, growingTables)
	if err != nil {
		return nil, wrap("table statistics", err)
	}
	for _, t := range stale {
		if _, err := s.pool.ExecContext(ctx, `ANALYZE `+pq.QuoteIdentifier(t)); err != nil {
			return stale, wrap("analyze "+t, err)
		}
	}
	return stale, nil
}

// KeepStatsFresh runs RefreshStats every interval until ctx ends.
func (s *Store) KeepStatsFresh(ctx context.Context, every time.Duration, log *slog.Logger) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if tables, err := s.RefreshStats(ctx); err != nil {
			log.Warn("refreshing table statistics", "err", err)
		} else if len(tables) > 0 {
			log.Debug("analyzed", "tables", tables)
		}
	}
}
