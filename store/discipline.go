package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/alleybot/alleybot/model"
)

// RecordEntry is one entry of a steward's record (steward_record).
type RecordEntry struct {
	ID        int64            `db:"id"`
	PersonID  int64            `db:"person_id"`
	Kind      model.RecordKind `db:"kind"`
	Reason    string           `db:"reason"`
	Reward    string           `db:"reward"`
	Announced bool             `db:"announced"`
	By        sql.NullInt64    `db:"by_person"`
	ByName    string           `db:"by_name"` // "" for the bot or the command line
	At        time.Time        `db:"at"`
}

// AddRecord appends an entry to a steward's record.
func (q *Queries) AddRecord(ctx context.Context, e RecordEntry) (int64, error) {
	var id int64
	err := q.db.GetContext(ctx, &id, `INSERT INTO steward_record (person_id, kind, reason, reward, announced, by_person, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, e.PersonID, e.Kind, e.Reason, e.Reward, e.Announced, e.By, e.At)
	return id, wrap("add record entry", err)
}

// RecordOf is a steward's record, oldest first.
func (q *Queries) RecordOf(ctx context.Context, personID int64) ([]RecordEntry, error) {
	var es []RecordEntry
	err := q.db.SelectContext(ctx, &es, `SELECT r.id, r.person_id, r.kind, r.reason, r.reward, r.announced, r.by_person,
			coalesce(b.name, '') AS by_name, r.at
		FROM steward_record r LEFT JOIN people b ON b.id = r.by_person WHERE r.person_id = $1 ORDER BY r.id`, personID)
	return es, wrap("record", err)
}

// WarningsSince counts a steward's warnings at or after since that came
// after their last restoration (a restored steward starts afresh).
func (q *Queries) WarningsSince(ctx context.Context, personID int64, since time.Time) (int, error) {
	var n int
	err := q.db.GetContext(ctx, &n, `SELECT count(*) FROM steward_record r WHERE r.person_id = $1 AND r.kind = 'warning' AND r.at >= $2
		AND r.id > coalesce((SELECT max(id) FROM steward_record WHERE person_id = $1 AND kind = 'restoration'), 0)`, personID, since)
	return n, wrap("warnings since", err)
}

// Suspended reports whether a steward's role is suspended now (a
// suspended steward's turns see no steward role: speakerRoles).
func (q *Queries) Suspended(ctx context.Context, personID int64) (bool, error) {
	var ok bool
	err := q.db.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM suspended_stewards s
		JOIN person_roles r ON r.person_id = s.person_id AND r.role = 'steward' WHERE s.person_id = $1)`, personID)
	return ok, wrap("suspended", err)
}

// SuspendedStewards are the people whose steward role is suspended now.
func (q *Queries) SuspendedStewards(ctx context.Context) (map[int64]bool, error) {
	var ids []int64
	if err := q.db.SelectContext(ctx, &ids, `SELECT person_id FROM suspended_stewards`); err != nil {
		return nil, wrap("suspended stewards", err)
	}
	out := make(map[int64]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}
