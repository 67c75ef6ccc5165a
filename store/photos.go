package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"time"

	"github.com/lib/pq"

	"github.com/alleybot/alleybot/model"
)

// Photo is a stored photo: its platform reference, and its bytes once fetched (SHA256 set).
type Photo struct {
	ID         int64           `db:"id"`
	CaseID     sql.NullInt64   `db:"case_id"`
	Kind       model.PhotoKind `db:"kind"`
	Platform   string          `db:"platform"`
	FileRef    string          `db:"file_ref"`
	FileSize   sql.NullInt64   `db:"file_size"`
	SHA256     []byte          `db:"sha256"`
	FetchError string          `db:"fetch_error"`
	CreatedAt  time.Time       `db:"created_at"`
	Document   bool            `db:"document"` // sent as a file, not as a photo
}

const photoCols = `id, case_id, kind, platform, file_ref, file_size, sha256, fetch_error, created_at, document`

// NewPhoto is a photo as a platform refers to it; Size 0 means unknown.
type NewPhoto struct {
	Kind     model.PhotoKind
	Platform string
	FileRef  string
	Size     int64
	Document bool // sent as a file (a Telegram document), not as a photo
}

// InsertPhoto records a photo's platform reference at once; its bytes come
// later (SetPhotoBytes), from a background download or, on the console, now.
func (q *Queries) InsertPhoto(ctx context.Context, p NewPhoto) (int64, error) {
	var id int64
	err := q.db.GetContext(ctx, &id, `INSERT INTO photos (kind, platform, file_ref, file_size, document) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		p.Kind, p.Platform, p.FileRef, sql.NullInt64{Int64: p.Size, Valid: p.Size > 0}, p.Document)
	return id, wrap("insert photo", err)
}

// SetPhotoBytes stores the bytes once per content and points the photo at them.
func (q *Queries) SetPhotoBytes(ctx context.Context, photoID int64, data []byte, mime string) error {
	sum := sha256.Sum256(data)
	if _, err := q.db.ExecContext(ctx, `INSERT INTO photo_blobs (sha256, bytes, mime, size) VALUES ($1, $2, $3, $4)
		ON CONFLICT (sha256) DO NOTHING`, sum[:], data, mime, len(data)); err != nil {
		return wrap("store photo bytes", err)
	}
	_, err := q.db.ExecContext(ctx, `UPDATE photos SET sha256 = $2, fetch_error = '' WHERE id = $1`, photoID, sum[:])
	return wrap("link photo bytes", err)
}

// SetPhotoFetchError records why a download failed (kept for /case and ops).
func (q *Queries) SetPhotoFetchError(ctx context.Context, photoID int64, msg string) error {
	_, err := q.db.ExecContext(ctx, `UPDATE photos SET fetch_error = $2 WHERE id = $1`, photoID, msg)
	return wrap("photo fetch error", err)
}

// PhotoByID reads one photo.
func (q *Queries) PhotoByID(ctx context.Context, id int64) (Photo, error) {
	var p Photo
	err := q.db.GetContext(ctx, &p, `SELECT `+photoCols+` FROM photos WHERE id = $1`, id)
	return p, wrap("photo", notFound(err))
}

// PhotoBytes returns a photo's stored bytes and MIME type, or ErrNotFound
// while they are not downloaded yet.
func (q *Queries) PhotoBytes(ctx context.Context, photoID int64) ([]byte, string, error) {
	var row struct {
		Bytes []byte `db:"bytes"`
		MIME  string `db:"mime"`
	}
	err := q.db.GetContext(ctx, &row, `SELECT b.bytes, b.mime FROM photos p JOIN photo_blobs b ON b.sha256 = p.sha256 WHERE p.id = $1`, photoID)
	return row.Bytes, row.MIME, wrap("photo bytes", notFound(err))
}

// CasePhotos lists a case's photos in the order they were sent.
func (q *Queries) CasePhotos(ctx context.Context, caseID int64) ([]Photo, error) {
	var ps []Photo
	err := q.db.SelectContext(ctx, &ps, `SELECT `+photoCols+` FROM photos WHERE case_id = $1 ORDER BY id`, caseID)
	return ps, wrap("case photos", err)
}

// PhotosByIDs returns the given photos in the given order.
func (q *Queries) PhotosByIDs(ctx context.Context, ids []int64) ([]Photo, error) {
	var ps []Photo
	err := q.db.SelectContext(ctx, &ps, `SELECT `+photoCols+` FROM photos WHERE id = ANY($1) ORDER BY array_position($1, id)`, pq.Int64Array(ids))
	return ps, wrap("photos", err)
}

// AttachPhotos links photos collected in a flow to a case event.
func (q *Queries) AttachPhotos(ctx context.Context, caseID, eventID int64, kind model.PhotoKind, ids []int64) error {
	_, err := q.db.ExecContext(ctx, `UPDATE photos SET case_id = $1, event_id = $2, kind = $3 WHERE id = ANY($4) AND case_id IS NULL`,
		caseID, eventID, kind, pq.Int64Array(ids))
	return wrap("attach photos", err)
}
