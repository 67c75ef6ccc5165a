package store

import (
	"context"
	"errors"
	"time"
)

// Login-link outcomes other than success (UseDeskLogin).
var (
	ErrLoginUsed    = errors.New("login link already used")
	ErrLoginExpired = errors.New("login link expired")
)

// CreateDeskLogin stores a login link's token hash for a person (/web).
func (q *Queries) CreateDeskLogin(ctx context.Context, tokenHash string, personID int64, now, expires time.Time) error {
	_, err := q.db.ExecContext(ctx, `INSERT INTO desk_logins (token_hash, person_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
		tokenHash, personID, now, expires)
	return wrap("create desk login", err)
}

// UseDeskLogin spends a login link: the person it was made for, once,
// before it expires; ErrLoginUsed, ErrLoginExpired or ErrNotFound
// otherwise. Expired links are forgotten on the way.
func (q *Queries) UseDeskLogin(ctx context.Context, tokenHash string, now time.Time) (int64, error) {
	var got struct {
		PersonID int64      `db:"person_id"`
		Used     bool       `db:"used"`
		Expires  time.Time  `db:"expires_at"`
		UsedAt   *time.Time `db:"used_at"`
	}
	// One statement: the link is marked used only if it was unused and
	// alive; the row comes back either way, saying what it was.
	err := q.db.GetContext(ctx, &got, `WITH spent AS (
			UPDATE desk_logins SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2
			RETURNING person_id)
		SELECT l.person_id, EXISTS (SELECT 1 FROM spent) AS used, l.expires_at, l.used_at
		FROM desk_logins l WHERE l.token_hash = $1`, tokenHash, now)
	if err != nil {
		return 0, wrap("use desk login", notFound(err))
	}
	switch {
	case got.Used:
		if _, err := q.db.ExecContext(ctx, `DELETE FROM desk_logins WHERE expires_at < $1::timestamptz - interval '1 day'`, now); err != nil {
			return 0, wrap("forget old desk logins", err)
		}
		return got.PersonID, nil
	case got.UsedAt != nil:
		return 0, ErrLoginUsed
	default:
		return 0, ErrLoginExpired
	}
}

// DeskSession is a signed-in person at the desk.
type DeskSession struct {
	IDHash     string    `db:"id_hash"`
	PersonID   int64     `db:"person_id"`
	CSRF       string    `db:"csrf"`
	CreatedAt  time.Time `db:"created_at"`
	LastSeenAt time.Time `db:"last_seen_at"`
	ExpiresAt  time.Time `db:"expires_at"`
	Person
}

// CreateDeskSession starts a session for a person.
func (q *Queries) CreateDeskSession(ctx context.Context, idHash string, personID int64, csrf string, now, expires time.Time) error {
	_, err := q.db.ExecContext(ctx, `INSERT INTO desk_sessions (id_hash, person_id, csrf, created_at, last_seen_at, expires_at)
		VALUES ($1, $2, $3, $4, $4, $5)`, idHash, personID, csrf, now, expires)
	return wrap("create desk session", err)
}

// DeskSessionFor is the live session with that id hash, its last use
// moved to now: not ended, within its lifetime, used within idle, its
// person active in the roster. ErrNotFound otherwise.
func (q *Queries) DeskSessionFor(ctx context.Context, idHash string, now time.Time, idle time.Duration) (DeskSession, error) {
	var s DeskSession
	err := q.db.GetContext(ctx, &s, `UPDATE desk_sessions s SET last_seen_at = $2
		FROM people p
		WHERE s.id_hash = $1 AND p.id = s.person_id AND s.ended_at IS NULL AND s.expires_at > $2
			AND s.last_seen_at > $2 - make_interval(secs => $3) AND p.active
		RETURNING s.id_hash, s.person_id, s.csrf, s.created_at, s.last_seen_at, s.expires_at,
			p.id, p.code, p.name, p.phone, p.wecom_userid, p.lang, p.active`, idHash, now, idle.Seconds())
	return s, wrap("desk session", notFound(err))
}

// EndDeskSession ends one session (退出), with the reason.
func (q *Queries) EndDeskSession(ctx context.Context, idHash string, now time.Time, reason string) error {
	_, err := q.db.ExecContext(ctx, `UPDATE desk_sessions SET ended_at = $2, end_reason = $3 WHERE id_hash = $1 AND ended_at IS NULL`,
		idHash, now, reason)
	return wrap("end desk session", err)
}

// EndDeskSessionsOf ends every session of a person (no desk role left).
func (q *Queries) EndDeskSessionsOf(ctx context.Context, personID int64, now time.Time, reason string) error {
	_, err := q.db.ExecContext(ctx, `UPDATE desk_sessions SET ended_at = $2, end_reason = $3 WHERE person_id = $1 AND ended_at IS NULL`,
		personID, now, reason)
	return wrap("end desk sessions", err)
}

// BindWeb makes the desk an account of the person (platform web, their
// roster code), so a press on the desk goes through the router like one
// in a chat.
func (q *Queries) BindWeb(ctx context.Context, personID int64) error {
	_, err := q.db.ExecContext(ctx, `INSERT INTO identities (platform, external_id, person_id)
		SELECT 'web', code, id FROM people WHERE id = $1 ON CONFLICT DO NOTHING`, personID)
	return wrap("bind web", err)
}
