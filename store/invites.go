package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"strings"
	"time"
)

// Invite is a one-time code that binds a platform account to a person.
type Invite struct {
	Code      string    `db:"code"`
	PersonID  int64     `db:"person_id"`
	ExpiresAt time.Time `db:"expires_at"`
}

// inviteAlphabet leaves out 0/O and 1/I/L so a code read aloud is not misheard.
const inviteAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// CreateInvite makes a new one-time code for personID. Telegram deep-link
// payloads allow A-Z, a-z, 0-9, _ and -, so the code is safe in a link.
func (q *Queries) CreateInvite(ctx context.Context, personID int64, ttl time.Duration) (Invite, error) {
	b := make([]byte, 10)
	if _, err := rand.Read(b); err != nil {
		return Invite{}, err
	}
	code := make([]byte, len(b))
	for i, c := range b {
		code[i] = inviteAlphabet[int(c)%len(inviteAlphabet)]
	}
	inv := Invite{Code: string(code), PersonID: personID}
	err := q.db.GetContext(ctx, &inv.ExpiresAt, `
		INSERT INTO invites (code, person_id, expires_at) VALUES ($1, $2, now() + $3 * interval '1 second')
		RETURNING expires_at`, inv.Code, personID, int64(ttl.Seconds()))
	return inv, wrap("create invite", err)
}

// Errors of RedeemInvite, each with its own message for the person.
var (
	ErrInviteUnknown = errors.New("invite code unknown")
	ErrInviteUsed    = errors.New("invite code already used")
	ErrInviteExpired = errors.New("invite code expired")
)

// RedeemInvite binds (platform, externalID) to the invite's person inside tx.
// A person re-invited on a new account loses the old binding on that
// platform; an account bound to someone else is moved.
func (q *Queries) RedeemInvite(ctx context.Context, code, platform, externalID, username string) (Person, error) {
	var inv struct {
		PersonID int64          `db:"person_id"`
		Expired  bool           `db:"expired"`
		UsedAt   sql.NullTime   `db:"used_at"`
		UsedBy   sql.NullString `db:"used_by"`
	}
	err := q.db.GetContext(ctx, &inv, `
		SELECT person_id, expires_at < now() AS expired, used_at, used_by FROM invites WHERE code = $1 FOR UPDATE`,
		strings.ToUpper(strings.TrimSpace(code)))
	if errors.Is(err, sql.ErrNoRows) {
		return Person{}, ErrInviteUnknown
	}
	if err != nil {
		return Person{}, wrap("read invite", err)
	}
	by := platform + ":" + externalID
	if inv.UsedAt.Valid {
		if inv.UsedBy.String == by { // the same account pressing the link again
			return q.PersonByID(ctx, inv.PersonID)
		}
		return Person{}, ErrInviteUsed
	}
	if inv.Expired {
		return Person{}, ErrInviteExpired
	}
	if _, err := q.db.ExecContext(ctx, `UPDATE invites SET used_at = now(), used_by = $2 WHERE code = $1`,
		strings.ToUpper(strings.TrimSpace(code)), by); err != nil {
		return Person{}, wrap("use invite", err)
	}
	if _, err := q.db.ExecContext(ctx, `DELETE FROM identities WHERE (person_id = $1 AND platform = $2) OR (platform = $2 AND external_id = $3)`,
		inv.PersonID, platform, externalID); err != nil {
		return Person{}, wrap("clear identity", err)
	}
	if _, err := q.db.ExecContext(ctx, `INSERT INTO identities (platform, external_id, person_id, username) VALUES ($1, $2, $3, $4)`,
		platform, externalID, inv.PersonID, username); err != nil {
		return Person{}, wrap("bind identity", err)
	}
	var p Person
	err = q.db.GetContext(ctx, &p, `SELECT `+personCols+` FROM people WHERE id = $1`, inv.PersonID)
	return p, wrap("person", err)
}

// InviteHolder is the person an invite code is for, read without using
// it: a bound account redeeming someone else's code is refused first
// (handlers.redeemBound). An unusable code gives RedeemInvite's errors.
func (q *Queries) InviteHolder(ctx context.Context, code string) (Person, error) {
	var row struct {
		Person
		Expired bool `db:"expired"`
		Used    bool `db:"used"`
	}
	err := q.db.GetContext(ctx, &row, `SELECT `+prefixed("p", personCols)+`, i.expires_at < now() AS expired, i.used_at IS NOT NULL AS used
		FROM invites i JOIN people p ON p.id = i.person_id WHERE i.code = $1`, strings.ToUpper(strings.TrimSpace(code)))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return Person{}, ErrInviteUnknown
	case err != nil:
		return Person{}, wrap("invite holder", err)
	case row.Used:
		return row.Person, ErrInviteUsed
	case row.Expired:
		return row.Person, ErrInviteExpired
	}
	return row.Person, nil
}
