package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Suggestion is a resident's suggestion (二(三)1).
type Suggestion struct {
	ID           int64          `db:"id"`
	Number       string         `db:"number"`
	Text         string         `db:"text"`
	Platform     string         `db:"platform"`
	UserID       string         `db:"user_id"`
	ChatID       string         `db:"chat_id"`
	ResidentName string         `db:"resident_name"`
	CommunityID  sql.NullInt64  `db:"community_id"`
	AlleyID      sql.NullInt64  `db:"alley_id"`
	AlleyName    string         `db:"alley_name"`
	Status       string         `db:"status"` // new, converted, answered, recorded
	CaseID       sql.NullInt64  `db:"case_id"`
	Answer       string         `db:"answer"`
	HandledBy    sql.NullString `db:"handled_by"` // the name of who acted
	HandledAt    sql.NullTime   `db:"handled_at"`
	CreatedAt    time.Time      `db:"created_at"`
}

const suggestionCols = `s.id, s.number, s.text, s.platform, s.user_id, s.chat_id, s.resident_name, s.community_id, s.alley_id,
	coalesce(a.name, '') AS alley_name, s.status, s.case_id, s.answer, p.name AS handled_by, s.handled_at, s.created_at`

const suggestionFrom = ` FROM suggestions s LEFT JOIN alleys a ON a.id = s.alley_id LEFT JOIN people p ON p.id = s.handled_by`

// NewSuggestion is what a resident's 建议 files.
type NewSuggestion struct {
	Text, Platform, UserID, ChatID, ResidentName string
	CommunityID, AlleyID                         int64 // from the group's binding (0: none); the alley's community wins
	At                                           time.Time
}

// CreateSuggestion files a suggestion with its number (J2026-000001).
func (q *Queries) CreateSuggestion(ctx context.Context, n NewSuggestion) (Suggestion, error) {
	year := n.At.Year()
	var seq int
	if err := q.db.GetContext(ctx, &seq, `INSERT INTO suggestion_counters (year, last) VALUES ($1, 1)
		ON CONFLICT (year) DO UPDATE SET last = suggestion_counters.last + 1 RETURNING last`, year); err != nil {
		return Suggestion{}, wrap("suggestion number", err)
	}
	var id int64
	err := q.db.GetContext(ctx, &id, `INSERT INTO suggestions (number, text, platform, user_id, chat_id, resident_name, alley_id, community_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, nullif($7, 0), coalesce((SELECT community_id FROM alleys WHERE id = $7), nullif($8, 0)), $9)
		RETURNING id`,
		fmt.Sprintf("J%d-%06d", year, seq), n.Text, n.Platform, n.UserID, n.ChatID, n.ResidentName, n.AlleyID, n.CommunityID, n.At)
	if err != nil {
		return Suggestion{}, wrap("insert suggestion", err)
	}
	return q.SuggestionByID(ctx, id)
}

// SuggestionByID reads a suggestion.
func (q *Queries) SuggestionByID(ctx context.Context, id int64) (Suggestion, error) {
	var s Suggestion
	err := q.db.GetContext(ctx, &s, `SELECT `+suggestionCols+suggestionFrom+` WHERE s.id = $1`, id)
	return s, wrap("suggestion", notFound(err))
}

// LockSuggestion reads a suggestion FOR UPDATE (a decision on it).
func (q *Queries) LockSuggestion(ctx context.Context, id int64) (Suggestion, error) {
	if _, err := q.db.ExecContext(ctx, `SELECT 1 FROM suggestions WHERE id = $1 FOR UPDATE`, id); err != nil {
		return Suggestion{}, wrap("lock suggestion", err)
	}
	return q.SuggestionByID(ctx, id)
}

// DecideSuggestion records what was done with a suggestion (status
// converted, answered or recorded), by whom and when.
func (q *Queries) DecideSuggestion(ctx context.Context, id int64, status, answer string, by, caseID int64, at time.Time) error {
	_, err := q.db.ExecContext(ctx, `UPDATE suggestions SET status = $2, answer = $3, handled_by = nullif($4, 0),
		case_id = nullif($5, 0), handled_at = $6 WHERE id = $1`, id, status, answer, by, caseID, at)
	return wrap("decide suggestion", err)
}

// SuggestionCounts is a month's suggestions: received, turned into cases,
// answered (evaluation).
type SuggestionCounts struct {
	Received  int `db:"received"`
	Converted int `db:"converted"`
	Answered  int `db:"answered"`
}

// SuggestionsBetween counts the suggestions received in [from, to) by
// what became of them.
func (q *Queries) SuggestionsBetween(ctx context.Context, from, to time.Time) (SuggestionCounts, error) {
	var c SuggestionCounts
	err := q.db.GetContext(ctx, &c, `SELECT count(*) AS received,
		count(*) FILTER (WHERE status = 'converted') AS converted,
		count(*) FILTER (WHERE status = 'answered') AS answered
		FROM suggestions WHERE created_at >= $1 AND created_at < $2`, from, to)
	return c, wrap("suggestions between", err)
}
