package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/lib/pq"

	"github.com/alleybot/alleybot/model"
)

// The public page for residents (seed 六, 七): figures and closed cases with
// nothing personal in them. No query here reads a resident (complaints'
// senders, ratings' user ids), a phone or a note; a case that came from a
// resident's complaint has its description (the resident's own words) and
// its photos (the resident's) left out; a steward's name is read only when
// the caller asks for it (public.show_steward_names).

// PublicFigures are one month's figures: cases reported in it (merged
// duplicates left out), cases closed in it and those of them closed in
// time (fixed on the spot, or fixed by the fix deadline, extensions
// included), and the residents' ratings given in it.
type PublicFigures struct {
	Reported  int     `db:"reported"`
	Fixed     int     `db:"fixed"`
	InTime    int     `db:"in_time"`
	Ratings   int     `db:"ratings"`
	RatingAvg float64 `db:"rating_avg"`
}

// PublicFiguresOf counts PublicFigures in [from, to).
func (q *Queries) PublicFiguresOf(ctx context.Context, from, to time.Time) (PublicFigures, error) {
	var f PublicFigures
	err := q.db.GetContext(ctx, &f, `SELECT
		(SELECT count(*) FROM cases WHERE created_at >= $1 AND created_at < $2 AND status <> $3) AS reported,
		k.fixed, k.in_time, r.ratings, r.rating_avg
		FROM (SELECT count(*) AS fixed,
				count(*) FILTER (WHERE fixed_on_spot OR fix_by IS NULL OR coalesce(fixed_at, closed_at) <= fix_by) AS in_time
			FROM cases WHERE closed_at >= $1 AND closed_at < $2 AND status = $4) k,
			(SELECT count(score) AS ratings, coalesce(avg(score), 0)::float8 AS rating_avg
			FROM case_ratings WHERE at >= $1 AND at < $2) r`, from, to, model.StatusMerged, model.StatusClosed)
	return f, wrap("public figures", err)
}

// PublicCase is a case as the public page shows it. Description is ""
// for a case a resident's complaint became; Steward is the reporting
// steward's name, read only when asked for.
type PublicCase struct {
	ID            int64         `db:"id"`
	Number        string        `db:"number"`
	Status        model.Status  `db:"status"`
	AlleyCode     string        `db:"alley_code"`
	AlleyName     string        `db:"alley_name"`
	Category      string        `db:"category"`
	CategoryEn    string        `db:"category_en"`
	Department    string        `db:"department"`
	DepartmentEn  string        `db:"department_en"`
	Description   string        `db:"description"`
	FixedOnSpot   bool          `db:"fixed_on_spot"`
	CreatedAt     time.Time     `db:"created_at"`
	DispatchedAt  sql.NullTime  `db:"dispatched_at"`
	VerifiedAt    sql.NullTime  `db:"verified_at"`
	FixedAt       sql.NullTime  `db:"fixed_at"`
	ClosedAt      sql.NullTime  `db:"closed_at"`
	Steward       string        `db:"steward"`
	BeforePhotos  pq.Int64Array `db:"before_photos"`
	AfterPhotos   pq.Int64Array `db:"after_photos"`
	FromComplaint bool          `db:"from_complaint"` // a resident's complaint became it
}

// publicCaseSelect reads PublicCase; $1 says whether to read the
// steward's name. Photos are those of a closed case, before and after,
// downloaded, and not a resident's (photos.complaint_id).
const publicCaseSelect = `SELECT c.id, c.number, c.status, coalesce(a.code, '') AS alley_code, coalesce(a.name, '') AS alley_name,
	coalesce(g.name, '') AS category, coalesce(nullif(g.name_en, ''), g.name, '') AS category_en,
	coalesce(d.name, '') AS department, coalesce(nullif(d.name_en, ''), d.name, '') AS department_en,
	CASE WHEN c.source = 'complaint' THEN '' ELSE c.description END AS description, c.source = 'complaint' AS from_complaint,
	c.fixed_on_spot, c.created_at, c.dispatched_at, c.verified_at, c.fixed_at, c.closed_at,
	CASE WHEN $1::boolean THEN coalesce((SELECT p.name FROM people p WHERE p.id = c.reporter_id
		AND EXISTS (SELECT 1 FROM person_roles r WHERE r.person_id = p.id AND r.role = 'steward')), '') ELSE '' END AS steward,
	array(SELECT ph.id FROM photos ph WHERE ph.case_id = c.id AND c.status = 'closed' AND ph.kind = 'before'
		AND ph.sha256 IS NOT NULL AND ph.complaint_id IS NULL ORDER BY ph.id) AS before_photos,
	array(SELECT ph.id FROM photos ph WHERE ph.case_id = c.id AND c.status = 'closed' AND ph.kind = 'after'
		AND ph.sha256 IS NOT NULL AND ph.complaint_id IS NULL ORDER BY ph.id) AS after_photos
	FROM cases c
	LEFT JOIN alleys a ON a.id = c.alley_id
	LEFT JOIN departments d ON d.id = c.department_id
	LEFT JOIN LATERAL (SELECT cat.name, cat.name_en FROM case_categories cc JOIN categories cat ON cat.id = cc.category_id
		WHERE cc.case_id = c.id ORDER BY cc.lead DESC, cat.sort LIMIT 1) g ON true`

// PublicRecentClosed lists each alley's latest closed cases (at most
// perAlley, closed since since), alleys by name, newest first within one;
// cases with no alley last.
func (q *Queries) PublicRecentClosed(ctx context.Context, since time.Time, perAlley int, withNames bool) ([]PublicCase, error) {
	var cs []PublicCase
	err := q.db.SelectContext(ctx, &cs, `WITH k AS (
			SELECT id, row_number() OVER (PARTITION BY alley_id ORDER BY closed_at DESC, id DESC) AS n
			FROM cases WHERE status = $2 AND closed_at >= $3)
		`+publicCaseSelect+` JOIN k ON k.id = c.id AND k.n <= $4
		ORDER BY a.name IS NULL, a.name, c.closed_at DESC, c.id DESC`, withNames, model.StatusClosed, since, perAlley)
	return cs, wrap("public closed cases", err)
}

// PublicCaseByNumber reads one case (ErrNotFound for none, or a merged
// duplicate).
func (q *Queries) PublicCaseByNumber(ctx context.Context, number string, withNames bool) (PublicCase, error) {
	var c PublicCase
	err := q.db.GetContext(ctx, &c, publicCaseSelect+` WHERE c.number = $2 AND c.status <> $3`, withNames, number, model.StatusMerged)
	return c, wrap("public case "+number, notFound(err))
}

// PublicPhoto returns a photo's bytes and MIME type when the public page
// may show it: a before or after photo of a closed case, not a
// resident's; ErrNotFound otherwise.
func (q *Queries) PublicPhoto(ctx context.Context, id int64) ([]byte, string, error) {
	var row struct {
		Bytes []byte `db:"bytes"`
		MIME  string `db:"mime"`
	}
	err := q.db.GetContext(ctx, &row, `SELECT b.bytes, b.mime FROM photos p
		JOIN photo_blobs b ON b.sha256 = p.sha256 JOIN cases c ON c.id = p.case_id
		WHERE p.id = $1 AND c.status = $2 AND p.kind IN ('before', 'after') AND p.complaint_id IS NULL`, id, model.StatusClosed)
	return row.Bytes, row.MIME, wrap("public photo", notFound(err))
}

// PublicLedgerHead is the fund ledger's last entry (seq 0, "" for an
// empty ledger): its hash is the chain's head, which the page publishes
// so a reader can tell later that nothing before it was changed.
func (q *Queries) PublicLedgerHead(ctx context.Context) (int64, string, error) {
	var head struct {
		Seq  int64  `db:"seq"`
		Hash string `db:"hash"`
	}
	err := q.db.GetContext(ctx, &head, `SELECT seq, hash FROM ledger_entries ORDER BY seq DESC LIMIT 1`)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", nil
	}
	return head.Seq, head.Hash, wrap("ledger head", err)
}
