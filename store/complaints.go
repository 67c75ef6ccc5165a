package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/lib/pq"

	"github.com/alleybot/alleybot/model"
)

// Complaint is a resident's complaint (七(二)).
type Complaint struct {
	ID           int64                 `db:"id"`
	Number       string                `db:"number"`
	Platform     string                `db:"platform"`
	UserID       string                `db:"user_id"`
	ChatID       string                `db:"chat_id"`
	ResidentName string                `db:"resident_name"`
	Anonymous    bool                  `db:"anonymous"`
	AboutStaff   bool                  `db:"about_staff"`
	AboutText    string                `db:"about_text"`
	Description  string                `db:"description"`
	AlleyID      sql.NullInt64         `db:"alley_id"`
	AlleyName    string                `db:"alley_name"`
	CommunityID  sql.NullInt64         `db:"community_id"`
	Lat          sql.NullFloat64       `db:"lat"`
	Lon          sql.NullFloat64       `db:"lon"`
	Status       model.ComplaintStatus `db:"status"`
	CaseID       sql.NullInt64         `db:"case_id"`
	Answer       string                `db:"answer"`
	Verdict      sql.NullString        `db:"verdict"` // a settled complaint about the staff: model.ComplaintVerdict
	AnswerBy     sql.NullTime          `db:"answer_by"`
	CreatedAt    time.Time             `db:"created_at"`
	Photos       pq.Int64Array         `db:"photos"`
}

const complaintCols = `k.id, k.number, k.platform, k.user_id, k.chat_id, k.resident_name, k.anonymous, k.about_staff, k.about_text,
	k.description, k.alley_id, coalesce(a.name, '') AS alley_name, k.community_id, k.lat, k.lon, k.status, k.case_id, k.answer,
	k.verdict, k.answer_by, k.created_at, array(SELECT p.id FROM photos p WHERE p.complaint_id = k.id ORDER BY p.id) AS photos`

// NewComplaint is what the complaint flow files.
type NewComplaint struct {
	Platform, UserID, ChatID, ResidentName string
	Anonymous, AboutStaff                  bool
	AboutText, Description                 string
	AlleyID                                int64
	CommunityID                            int64 // the residents' group it was asked from (0: none); the alley's wins
	Lat, Lon                               *float64
	PhotoIDs                               []int64
	At, AnswerBy                           time.Time
}

// CreateComplaint files a complaint with its number (T2026-000042).
func (q *Queries) CreateComplaint(ctx context.Context, n NewComplaint) (Complaint, error) {
	year := n.At.Year()
	var seq int
	if err := q.db.GetContext(ctx, &seq, `INSERT INTO complaint_counters (year, last) VALUES ($1, 1)
		ON CONFLICT (year) DO UPDATE SET last = complaint_counters.last + 1 RETURNING last`, year); err != nil {
		return Complaint{}, wrap("complaint number", err)
	}
	var id int64
	err := q.db.GetContext(ctx, &id, `INSERT INTO complaints (number, platform, user_id, chat_id, resident_name, anonymous, about_staff,
			about_text, description, alley_id, community_id, lat, lon, created_at, answer_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, nullif($10, 0), coalesce((SELECT community_id FROM alleys WHERE id = $10), nullif($15, 0)), $11, $12, $13, $14)
		RETURNING id`,
		fmt.Sprintf("T%d-%06d", year, seq), n.Platform, n.UserID, n.ChatID, n.ResidentName, n.Anonymous, n.AboutStaff,
		n.AboutText, n.Description, n.AlleyID, n.Lat, n.Lon, n.At, sql.NullTime{Time: n.AnswerBy, Valid: !n.AnswerBy.IsZero()}, n.CommunityID)
	if err != nil {
		return Complaint{}, wrap("insert complaint", err)
	}
	if len(n.PhotoIDs) > 0 {
		if _, err := q.db.ExecContext(ctx, `UPDATE photos SET complaint_id = $1 WHERE id = ANY($2) AND complaint_id IS NULL AND case_id IS NULL`,
			id, pq.Int64Array(n.PhotoIDs)); err != nil {
			return Complaint{}, wrap("complaint photos", err)
		}
	}
	return q.ComplaintByID(ctx, id)
}

// ComplaintByID reads a complaint.
func (q *Queries) ComplaintByID(ctx context.Context, id int64) (Complaint, error) {
	var c Complaint
	err := q.db.GetContext(ctx, &c, `SELECT `+complaintCols+` FROM complaints k LEFT JOIN alleys a ON a.id = k.alley_id WHERE k.id = $1`, id)
	return c, wrap("complaint", notFound(err))
}

// ComplaintByNumber reads a complaint by its number (T2026-000042).
func (q *Queries) ComplaintByNumber(ctx context.Context, number string) (Complaint, error) {
	var c Complaint
	err := q.db.GetContext(ctx, &c, `SELECT `+complaintCols+` FROM complaints k LEFT JOIN alleys a ON a.id = k.alley_id WHERE k.number = $1`, number)
	return c, wrap("complaint", notFound(err))
}

// LockComplaint reads a complaint FOR UPDATE (a decision on it).
func (q *Queries) LockComplaint(ctx context.Context, id int64) (Complaint, error) {
	if _, err := q.db.ExecContext(ctx, `SELECT 1 FROM complaints WHERE id = $1 FOR UPDATE`, id); err != nil {
		return Complaint{}, wrap("lock complaint", err)
	}
	return q.ComplaintByID(ctx, id)
}

// ComplaintsOfCase lists the complaints that became a case (their
// residents follow it).
func (q *Queries) ComplaintsOfCase(ctx context.Context, caseID int64) ([]Complaint, error) {
	var cs []Complaint
	err := q.db.SelectContext(ctx, &cs, `SELECT `+complaintCols+` FROM complaints k LEFT JOIN alleys a ON a.id = k.alley_id
		WHERE k.case_id = $1 ORDER BY k.id`, caseID)
	return cs, wrap("complaints of case", err)
}

// DecideComplaint records the center's (or a supervisor's) decision.
func (q *Queries) DecideComplaint(ctx context.Context, id int64, status model.ComplaintStatus, answer string, by int64, caseID int64, at time.Time) error {
	_, err := q.db.ExecContext(ctx, `UPDATE complaints SET status = $2, answer = $3, handled_by = nullif($4, 0), case_id = nullif($5, 0),
		handled_at = $6 WHERE id = $1`, id, status, answer, by, caseID, at)
	return wrap("decide complaint", err)
}

// ComplaintsSince counts a sender's complaints since a time (the per-hour
// limit) and returns the oldest of them.
func (q *Queries) ComplaintsSince(ctx context.Context, platform, userID string, since time.Time) (int, time.Time, error) {
	var row struct {
		N      int          `db:"n"`
		Oldest sql.NullTime `db:"oldest"`
	}
	err := q.db.GetContext(ctx, &row, `SELECT count(*) AS n, min(created_at) AS oldest FROM complaints
		WHERE platform = $1 AND user_id = $2 AND created_at >= $3`, platform, userID, since)
	return row.N, row.Oldest.Time, wrap("complaints since", err)
}

// Banned reports whether a sender may not complain now.
func (q *Queries) Banned(ctx context.Context, platform, userID string, now time.Time) (bool, error) {
	var n int
	err := q.db.GetContext(ctx, &n, `SELECT count(*) FROM complaint_bans WHERE platform = $1 AND user_id = $2 AND until > $3`, platform, userID, now)
	return n > 0, wrap("banned", err)
}

// ComplaintLink makes a deep-link token for a resident who asked in a group.
func (q *Queries) ComplaintLink(ctx context.Context, platform, userID string, communityID int64, description string, ttl time.Duration, now time.Time) (string, error) {
	b := make([]byte, 9)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	token := hex.EncodeToString(b)
	_, err := q.db.ExecContext(ctx, `INSERT INTO complaint_links (token, platform, user_id, community_id, created_at, expires_at, description)
		VALUES ($1, $2, $3, nullif($4, 0), $5, $6, $7)`, token, platform, userID, communityID, now, now.Add(ttl), description)
	return token, wrap("complaint link", err)
}

// ComplaintLinkInfo is what a deep-link token was made with.
type ComplaintLinkInfo struct {
	UserID      string        `db:"user_id"`
	CommunityID sql.NullInt64 `db:"community_id"`
	ExpiresAt   time.Time     `db:"expires_at"`
	// Description is the text written after 投诉 in the group ("" none).
	Description string `db:"description"`
}

// LinkOf reads a deep-link token (ErrNotFound: no such token).
func (q *Queries) LinkOf(ctx context.Context, token string) (ComplaintLinkInfo, error) {
	var row ComplaintLinkInfo
	err := q.db.GetContext(ctx, &row, `SELECT user_id, community_id, expires_at, description FROM complaint_links WHERE token = $1`, token)
	return row, wrap("complaint link", notFound(err))
}

// DueComplaints lists open complaints past their answer time not yet
// pinged, locking them (SKIP LOCKED), and marks them pinged: at most 100,
// the longest overdue first (a backlog after a stop is sent over the next
// scans).
func (q *Queries) DueComplaints(ctx context.Context, now time.Time) ([]Complaint, error) {
	var ids []int64
	err := q.db.SelectContext(ctx, &ids, `UPDATE complaints SET pinged = true WHERE id IN (
		SELECT id FROM complaints WHERE status = 'open' AND NOT pinged AND answer_by <= $1
		ORDER BY answer_by LIMIT 100 FOR UPDATE SKIP LOCKED) RETURNING id`, now)
	if err != nil || len(ids) == 0 {
		return nil, wrap("due complaints", err)
	}
	var cs []Complaint
	err = q.db.SelectContext(ctx, &cs, `SELECT `+complaintCols+` FROM complaints k LEFT JOIN alleys a ON a.id = k.alley_id
		WHERE k.id = ANY($1) ORDER BY k.id`, pq.Int64Array(ids))
	return cs, wrap("due complaints", err)
}

// OpenComplaints lists the open complaints, oldest first (staff: those
// about the staff too, for the supervisors; else the center's only), at
// most limit, and how many there are in all.
func (q *Queries) OpenComplaints(ctx context.Context, staff bool, limit int) ([]Complaint, int, error) {
	var n int
	if err := q.db.GetContext(ctx, &n, `SELECT count(*) FROM complaints WHERE status = 'open' AND ($1 OR NOT about_staff)`, staff); err != nil {
		return nil, 0, wrap("open complaints", err)
	}
	if limit <= 0 || n == 0 { // the count alone (/queue)
		return nil, n, nil
	}
	var cs []Complaint
	err := q.db.SelectContext(ctx, &cs, `SELECT `+complaintCols+` FROM complaints k LEFT JOIN alleys a ON a.id = k.alley_id
		WHERE k.status = 'open' AND ($1 OR NOT k.about_staff) ORDER BY k.created_at, k.id`+fmt.Sprintf(` LIMIT %d`, limit), staff)
	return cs, n, wrap("open complaints", err)
}
