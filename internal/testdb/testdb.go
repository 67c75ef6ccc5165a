// Package testdb gives each test package (or test) a fresh PostgreSQL
// database that it creates, migrates and drops. The server comes from
// $ALLEYBOT_TEST_DATABASE_URL (default: the local one scripts/db.sh starts).
// Under CI=true a missing server fails the run; elsewhere the tests skip.
package testdb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	_ "github.com/lib/pq"

	"github.com/alleybot/alleybot/scheduler"
	"github.com/alleybot/alleybot/store"
)

const defaultAdminURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

func adminURL() string {
	if u := os.Getenv("ALLEYBOT_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return defaultAdminURL
}

// Main wraps m.Run for a package: it creates the package's database,
// migrates it, hands its URL to setURL, runs the tests and drops it.
func Main(m *testing.M, pkg string, setURL func(url string)) int {
	dbURL, drop, err := create(pkg, true)
	if err != nil {
		if os.Getenv("CI") == "true" {
			fmt.Fprintf(os.Stderr, "testdb: %v (CI=true: a missing database is a failure; run scripts/db.sh)\n", err)
			return 1
		}
		fmt.Fprintf(os.Stderr, "testdb: %v: skipping the %s tests (run scripts/db.sh)\n", err, pkg)
		return 0
	}
	setURL(dbURL)
	code := m.Run()
	drop()
	return code
}

// Fresh makes a database for one test, dropped when the test ends;
// migrated says whether to apply the migrations (ours and River's) first.
func Fresh(t testing.TB, migrated bool) string {
	t.Helper()
	dbURL, drop, err := create(strings.ToLower(t.Name()), migrated)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("testdb: %v", err)
		}
		t.Skipf("testdb: %v", err)
	}
	t.Cleanup(drop)
	return dbURL
}

// Open connects to dbURL as a store, closed when the test ends.
func Open(t testing.TB, dbURL string) *store.Store { return OpenPool(t, dbURL, 8) }

// OpenPool is Open with a pool of size conns. Handler tests use one
// connection: a query that escapes the update's transaction then blocks
// forever instead of passing by luck (under load it would exhaust the pool).
func OpenPool(t testing.TB, dbURL string, conns int) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), dbURL, conns)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func create(label string, migrated bool) (string, func(), error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := store.Open(ctx, adminURL(), 2)
	if err != nil {
		return "", nil, err
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	name := "alleybot_test_" + sanitize(label) + "_" + hex.EncodeToString(b)
	if _, err := admin.DB().ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("create database %s: %w", name, err)
	}
	u, _ := url.Parse(adminURL())
	u.Path = "/" + name
	dbURL := u.String()
	drop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, _ = admin.DB().ExecContext(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
		admin.Close()
	}
	if migrated {
		st, err := store.Open(ctx, dbURL, 2)
		if err == nil {
			_, err = st.Migrate(ctx)
			if err == nil {
				_, err = scheduler.Migrate(ctx, st.SQL())
			}
			st.Close()
		}
		if err != nil {
			drop()
			return "", nil, fmt.Errorf("migrate %s: %w", name, err)
		}
	}
	return dbURL, drop, nil
}

func sanitize(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
		if b.Len() >= 30 {
			break
		}
	}
	return b.String()
}
