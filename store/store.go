// Package store owns all SQL: the schema and its embedded migrations, and one
// file of queries per table group. It imports nothing of ours.
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// ErrNotFound is returned when a looked-up row does not exist.
var ErrNotFound = errors.New("not found")

// Store is the pool. Its embedded Queries run each query on its own; InTx
// hands a function a Tx whose Queries run inside one transaction.
type Store struct {
	Queries
	pool   *sqlx.DB
	stmts  *stmtCache
	roster *rosterCache
}

// Tx is one open transaction: the same queries as Store, bound to it. The
// handlers, flows and scheduler see only this, so a query of an update can
// not escape the update's transaction.
type Tx struct {
	Queries
	tx    *sqlx.Tx
	after []func()
	turn  *turnState // the update's own conversation (BeginTurn)

	roster  *rosterCache
	rosterV int64 // the roster version BeginTurn read (0: none, no cache)
}

// AfterCommit runs f once the transaction has committed (not after a
// rollback): a dispatcher is told of the messages it may now send.
func (t *Tx) AfterCommit(f func()) { t.after = append(t.after, f) }

// SQL is the transaction for River's InsertTx, the one caller outside this
// package that needs it.
func (t *Tx) SQL() *sql.Tx { return t.tx.Tx }

// Queries holds every query, over the pool or a transaction.
type Queries struct {
	db queryer
}

// queryer is what both *sqlx.DB and *sqlx.Tx offer that the queries use.
type queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	GetContext(ctx context.Context, dest any, query string, args ...any) error
	SelectContext(ctx context.Context, dest any, query string, args ...any) error
}

func newStore(db *sqlx.DB) *Store {
	c := newStmtCache(db)
	return &Store{Queries: Queries{db: prepared{base: db, cache: c}}, pool: db, stmts: c, roster: &rosterCache{}}
}

// Open connects and pings. A database that cannot be reached is reported in
// one line naming the URL (password masked) and what to do.
func Open(ctx context.Context, dsn string, maxOpen int) (*Store, error) {
	db, err := sqlx.Open("postgres", withBinaryParameters(dsn))
	if err != nil {
		return nil, fmt.Errorf("database.url %s: %w", MaskURL(dsn), err)
	}
	db.SetMaxOpenConns(maxOpen)
	db.SetMaxIdleConns(maxOpen)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, &UnreachableError{URL: MaskURL(dsn), Err: err}
	}
	return newStore(db), nil
}

// UnreachableError says which database could not be reached and what to do.
type UnreachableError struct {
	URL string
	Err error
}

// Error says which database and what to do.
func (e *UnreachableError) Error() string {
	var pqErr *pq.Error
	if errors.As(e.Err, &pqErr) && pqErr.Code == "3D000" {
		return fmt.Sprintf("database %s does not exist (%s): create it with scripts/db.sh or createdb, then run `alleybot migrate`", e.URL, pqErr.Message)
	}
	return fmt.Sprintf("cannot reach the database at %s (%v): start PostgreSQL (scripts/db.sh does) or set DATABASE_URL / database.url", e.URL, e.Err)
}

// Unwrap is the driver's error.
func (e *UnreachableError) Unwrap() error { return e.Err }

// New wraps an open pool (tests and benchmarks).
func New(db *sql.DB) *Store { return newStore(sqlx.NewDb(db, "postgres")) }

// DB is the pool for tests and tools that read tables directly.
func (s *Store) DB() *sqlx.DB { return s.pool }

// SQL is the pool for River, which brings its own driver over it.
func (s *Store) SQL() *sql.DB { return s.pool.DB }

// Close closes the pool.
func (s *Store) Close() error {
	s.stmts.close()
	return s.pool.Close()
}

// InTx runs fn in one transaction: commit on nil, roll back otherwise.
func (s *Store) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	tx, err := s.pool.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after commit
	t := &Tx{Queries: Queries{db: prepared{base: tx, tx: tx, cache: s.stmts}}, tx: tx, roster: s.roster}
	if err := fn(t); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	for _, f := range t.after {
		f()
	}
	return nil
}

// withBinaryParameters turns on lib/pq's binary_parameters unless the URL
// says otherwise: a query with arguments then takes one round trip instead
// of two (Parse+Bind+Execute together), which roughly halves the database
// time of an update. It requires jsonb arguments to be passed as strings,
// which every query here does.
func withBinaryParameters(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || !strings.Contains(dsn, "://") {
		return dsn
	}
	q := u.Query()
	if !q.Has("binary_parameters") {
		q.Set("binary_parameters", "yes")
		u.RawQuery = q.Encode()
	}
	return u.String()
}

func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// IsPermanent reports an error that the same input will meet again on a
// retry: PostgreSQL refused the data itself (class 22: an invalid byte
// sequence, a value out of range, a string too long) or a constraint other
// than a unique one (23502 not null, 23503 foreign key, 23514 check). A
// unique violation may be a race a retry resolves, and everything else (a
// connection lost, a serialization failure, a timeout) may pass.
func IsPermanent(err error) bool {
	var pqErr *pq.Error
	if !errors.As(err, &pqErr) {
		return false
	}
	return pqErr.Code.Class() == "22" || pqErr.Code == "23502" || pqErr.Code == "23503" || pqErr.Code == "23514"
}

// IsTransient reports an error that may pass if the same work runs again
// later: the database could not be reached or went away (connection
// refused or reset, the server starting up or shutting down, a dropped
// connection), the transaction lost a race (serialization failure,
// deadlock, a lock not available), it ran out of time (a statement or
// context timeout) or of resources (too many connections, disk full). The
// adapters retry such an update however many times it takes, and never
// give it up.
func IsTransient(err error) bool {
	if err == nil {
		return false
	}
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		switch pqErr.Code.Class() {
		case "08", // connection exception
			"40", // transaction rollback: serialization failure, deadlock
			"53", // insufficient resources: too many connections, disk full, out of memory
			"57", // operator intervention: shutdown, cannot connect now, statement timeout
			"58": // system error (an I/O error)
			return true
		}
		return pqErr.Code == "55P03" // lock not available (lock_timeout)
	}
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, net.ErrClosed) {
		return true
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return true
	}
	// An error that lost its type on the way (formatted with %v) is known
	// by its words.
	msg := err.Error()
	for _, s := range transientWords {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

var transientWords = []string{
	"connection refused", "connection reset", "broken pipe", "bad connection",
	"unexpected EOF", "the database system is", "terminating connection",
	"i/o timeout", "no such host", "server closed the connection",
}

// IsUniqueViolation reports a unique-constraint conflict (SQLSTATE 23505).
func IsUniqueViolation(err error) bool {
	var pqErr *pq.Error
	return errors.As(err, &pqErr) && pqErr.Code == "23505"
}

// TableCounts returns the row count of each roster table, for checks that an
// import run twice changes nothing.
func (q *Queries) TableCounts(ctx context.Context) (map[string]int, error) {
	out := map[string]int{}
	for _, t := range []string{"communities", "alleys", "departments", "categories", "roles", "people",
		"person_roles", "patrol_schedules", "chats", "chat_bindings", "identities", "schema_migrations"} {
		var n int
		if err := q.db.GetContext(ctx, &n, `SELECT count(*) FROM `+t); err != nil {
			return nil, wrap("count "+t, err)
		}
		out[t] = n
	}
	return out, nil
}

func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}
