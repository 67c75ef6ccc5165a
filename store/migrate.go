package store

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

func migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number and _", e.Name())
		}
		b, err := migrationFiles.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// LatestVersion is the schema version this binary needs.
func LatestVersion() int {
	ms, err := migrations()
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

// Migrate applies the migrations not yet applied, each in its own
// transaction, under an advisory lock so two processes never race. It returns
// the names applied; running it again applies nothing.
func (s *Store) Migrate(ctx context.Context) ([]string, error) {
	return s.migrateTo(ctx, LatestVersion())
}

// migrateTo applies the migrations up to version last (a test of an
// upgrade starts from an older schema).
func (s *Store) migrateTo(ctx context.Context, last int) ([]string, error) {
	ms, err := migrations()
	if err != nil {
		return nil, err
	}
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}
	var applied []string
	for _, m := range ms {
		if m.version > last {
			break
		}
		done := false
		err := s.InTx(ctx, func(tx *Tx) error {
			// The lock is per transaction; a second migrator waits here and
			// then sees the version already applied.
			if _, err := tx.tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7412001)`); err != nil {
				return err
			}
			var n int
			if err := tx.tx.GetContext(ctx, &n, `SELECT count(*) FROM schema_migrations WHERE version = $1`, m.version); err != nil {
				return err
			}
			if n > 0 {
				done = true
				return nil
			}
			if _, err := tx.tx.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
			_, err := tx.tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, m.version, m.name)
			return err
		})
		if err != nil {
			return applied, err
		}
		if !done {
			applied = append(applied, m.name)
		}
	}
	return applied, nil
}

// ErrSchemaOutdated means the database is behind this binary.
var ErrSchemaOutdated = errors.New("database schema is out of date")

// SchemaVersion is the highest migration applied (0 for an empty database).
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var exists bool
	if err := s.db.GetContext(ctx, &exists, `SELECT to_regclass('schema_migrations') IS NOT NULL`); err != nil {
		return 0, err
	}
	if !exists {
		return 0, nil
	}
	var v int
	err := s.db.GetContext(ctx, &v, `SELECT coalesce(max(version), 0) FROM schema_migrations`)
	return v, err
}

// CheckSchema refuses a database whose schema is older (or newer) than the
// binary, telling the person what to run.
func (s *Store) CheckSchema(ctx context.Context) error {
	have, err := s.SchemaVersion(ctx)
	if err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	want := LatestVersion()
	switch {
	case have < want:
		return fmt.Errorf("%w: it is at version %d, this alleybot needs %d: run `alleybot migrate`", ErrSchemaOutdated, have, want)
	case have > want:
		return fmt.Errorf("database schema is at version %d, newer than this alleybot (%d): upgrade alleybot", have, want)
	}
	return nil
}
