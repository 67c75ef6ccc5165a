package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"time"

	"github.com/lib/pq"

	"github.com/alleybot/alleybot/model"
)

// Training is a trainer's notice (五).
type Training struct {
	ID           int64                `db:"id"`
	Title        string               `db:"title"`
	Kind         string               `db:"kind"` // lecture | visit | online
	StartsAt     time.Time            `db:"starts_at"`
	Minutes      int                  `db:"minutes"`
	Place        string               `db:"place"`
	Link         string               `db:"link"`
	Capacity     sql.NullInt64        `db:"capacity"`
	Note         string               `db:"note"`
	Status       model.TrainingStatus `db:"status"`
	CreatedBy    sql.NullInt64        `db:"created_by"`
	SentTotal    int                  `db:"sent_total"`
	ProgressDone bool                 `db:"progress_done"`
}

const trainingCols = `id, title, kind, starts_at, minutes, place, link, capacity, note, status, created_by, sent_total, progress_done`

// CreateTraining publishes a training and invites people (one statement
// for all of them: a broadcast to thousands is two statements), returning
// its id and each invitee's link token, by person.
func (q *Queries) CreateTraining(ctx context.Context, t Training, people []int64) (int64, map[int64]string, error) {
	var id int64
	err := q.db.GetContext(ctx, &id, `INSERT INTO trainings (title, kind, starts_at, minutes, place, link, capacity, note, created_by, sent_total)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, nullif($9, 0), $10) RETURNING id`,
		t.Title, t.Kind, t.StartsAt, t.Minutes, t.Place, t.Link, t.Capacity, t.Note, t.CreatedBy.Int64, len(people))
	if err != nil {
		return 0, nil, wrap("create training", err)
	}
	tokens := make(pq.StringArray, len(people))
	out := make(map[int64]string, len(people))
	buf := make([]byte, 12)
	for i, p := range people {
		if _, err := rand.Read(buf); err != nil {
			return 0, nil, err
		}
		tokens[i] = hex.EncodeToString(buf)
		out[p] = tokens[i]
	}
	if _, err := q.db.ExecContext(ctx, `INSERT INTO training_invites (training_id, person_id, token)
		SELECT $1, p, t FROM unnest($2::bigint[], $3::text[]) AS x(p, t)`, id, pq.Int64Array(people), tokens); err != nil {
		return 0, nil, wrap("invite", err)
	}
	return id, out, nil
}

// TrainingByID reads a training.
func (q *Queries) TrainingByID(ctx context.Context, id int64) (Training, error) {
	var t Training
	err := q.db.GetContext(ctx, &t, `SELECT `+trainingCols+` FROM trainings WHERE id = $1`, id)
	return t, wrap("training", notFound(err))
}

// LockTraining reads a training FOR UPDATE (an answer against its capacity).
func (q *Queries) LockTraining(ctx context.Context, id int64) (Training, error) {
	var t Training
	err := q.db.GetContext(ctx, &t, `SELECT `+trainingCols+` FROM trainings WHERE id = $1 FOR UPDATE`, id)
	return t, wrap("lock training", notFound(err))
}

// Trainings lists trainings newest first (0: everyone's, else one trainer's).
func (q *Queries) Trainings(ctx context.Context, createdBy int64, limit int) ([]Training, error) {
	var ts []Training
	err := q.db.SelectContext(ctx, &ts, `SELECT `+trainingCols+` FROM trainings WHERE ($1 = 0 OR created_by = $1)
		ORDER BY starts_at DESC LIMIT $2`, createdBy, limit)
	return ts, wrap("trainings", err)
}

// Invitee is one person's row of a training.
type Invitee struct {
	TrainingID int64          `db:"training_id"`
	PersonID   int64          `db:"person_id"`
	Name       string         `db:"name"`
	Code       string         `db:"code"`
	Token      string         `db:"token"`
	Answer     model.Answer   `db:"answer"`
	Reason     string         `db:"reason"`
	OpenedAt   sql.NullTime   `db:"opened_at"`
	Attended   sql.NullBool   `db:"attended"`
	Community  sql.NullString `db:"community"`
}

// Invites lists a training's invitees by name (answers: only those; none: all).
func (q *Queries) Invites(ctx context.Context, trainingID int64, answers ...model.Answer) ([]Invitee, error) {
	var is []Invitee
	err := q.db.SelectContext(ctx, &is, `SELECT i.training_id, i.person_id, p.name, p.code, i.token, i.answer, i.reason,
			i.opened_at, i.attended,
			(SELECT string_agg(DISTINCT c.name, '、') FROM patrol_schedules s JOIN alleys a ON a.id = s.alley_id
				JOIN communities c ON c.id = a.community_id WHERE s.person_id = p.id) AS community
		FROM training_invites i JOIN people p ON p.id = i.person_id
		WHERE i.training_id = $1 AND (coalesce(cardinality($2::text[]), 0) = 0 OR i.answer = ANY($2))
		ORDER BY p.code`, trainingID, textArray(answers))
	return is, wrap("invites", err)
}

// InviteOf reads one person's invite.
func (q *Queries) InviteOf(ctx context.Context, trainingID, personID int64) (Invitee, error) {
	var i Invitee
	err := q.db.GetContext(ctx, &i, `SELECT i.training_id, i.person_id, p.name, p.code, i.token, i.answer, i.reason, i.opened_at,
			i.attended, NULL::text AS community
		FROM training_invites i JOIN people p ON p.id = i.person_id WHERE i.training_id = $1 AND i.person_id = $2`, trainingID, personID)
	return i, wrap("invite", notFound(err))
}

// SetAnswer records an answer (the caller checked the capacity under the
// training's lock).
func (q *Queries) SetAnswer(ctx context.Context, trainingID, personID int64, answer model.Answer, reason string, at time.Time) error {
	_, err := q.db.ExecContext(ctx, `UPDATE training_invites SET answer = $3, reason = $4, answered_at = $5
		WHERE training_id = $1 AND person_id = $2`, trainingID, personID, answer, reason, at)
	return wrap("set answer", err)
}

// Signed counts a training's sign-ups.
func (q *Queries) Signed(ctx context.Context, trainingID int64) (int, error) {
	var n int
	err := q.db.GetContext(ctx, &n, `SELECT count(*) FROM training_invites WHERE training_id = $1 AND answer = 'signed'`, trainingID)
	return n, wrap("signed", err)
}

// FirstWaiting is the earliest on a training's waiting list (0: none).
func (q *Queries) FirstWaiting(ctx context.Context, trainingID int64) (int64, error) {
	var ids []int64
	err := q.db.SelectContext(ctx, &ids, `SELECT person_id FROM training_invites WHERE training_id = $1 AND answer = 'waitlist'
		ORDER BY answered_at, person_id LIMIT 1`, trainingID)
	if err != nil || len(ids) == 0 {
		return 0, wrap("first waiting", err)
	}
	return ids[0], nil
}

// OpenLink records a course-link open by its token and returns the link
// (ErrNotFound: no such token, or a training in person, which has no
// course link: nothing is recorded as opened).
func (q *Queries) OpenLink(ctx context.Context, token string, at time.Time) (string, error) {
	var link string
	err := q.db.GetContext(ctx, &link, `UPDATE training_invites i SET opened_at = coalesce(i.opened_at, $2)
		FROM trainings t WHERE i.token = $1 AND t.id = i.training_id AND t.link <> ''
		RETURNING t.link`, token, at)
	return link, wrap("open link", notFound(err))
}

// SetTrainingStatus cancels a training (or publishes it again).
func (q *Queries) SetTrainingStatus(ctx context.Context, id int64, status model.TrainingStatus) error {
	_, err := q.db.ExecContext(ctx, `UPDATE trainings SET status = $2 WHERE id = $1`, id, status)
	return wrap("training status", err)
}

// SetAttendance marks who came: everyone signed up (all), then the given
// people as present or absent.
func (q *Queries) SetAttendance(ctx context.Context, trainingID int64, all bool, people []int64, came bool) error {
	if all {
		if _, err := q.db.ExecContext(ctx, `UPDATE training_invites SET attended = (answer = 'signed') WHERE training_id = $1`, trainingID); err != nil {
			return wrap("attendance", err)
		}
	}
	if len(people) == 0 {
		return nil
	}
	_, err := q.db.ExecContext(ctx, `UPDATE training_invites SET attended = $3 WHERE training_id = $1 AND person_id = ANY($2)`,
		trainingID, pq.Int64Array(people), came)
	return wrap("attendance", err)
}

// TrainingStats counts a training's answers.
type TrainingStats struct {
	Sent     int `db:"sent"`
	Read     int `db:"read"`
	Signed   int `db:"signed"`
	Waitlist int `db:"waitlist"`
	Leave    int `db:"leave"`
	Came     int `db:"came"`
	Opened   int `db:"opened"`
}

// StatsOf counts a training's invites by what their people did.
func (q *Queries) StatsOf(ctx context.Context, trainingID int64) (TrainingStats, error) {
	var s TrainingStats
	err := q.db.GetContext(ctx, &s, `SELECT count(*) AS sent,
			count(*) FILTER (WHERE answer <> 'none') AS read,
			count(*) FILTER (WHERE answer = 'signed') AS signed,
			count(*) FILTER (WHERE answer = 'waitlist') AS waitlist,
			count(*) FILTER (WHERE answer = 'leave') AS leave,
			count(*) FILTER (WHERE attended) AS came,
			count(*) FILTER (WHERE opened_at IS NOT NULL) AS opened
		FROM training_invites WHERE training_id = $1`, trainingID)
	return s, wrap("training stats", err)
}

// StewardsIn lists the active stewards of the given communities (none:
// all), by code.
func (q *Queries) StewardsIn(ctx context.Context, communities []int64) ([]int64, error) {
	var ids []int64
	err := q.db.SelectContext(ctx, &ids, `SELECT p.id FROM people p WHERE p.active
		AND EXISTS (SELECT 1 FROM person_roles r WHERE r.person_id = p.id AND r.role = 'steward')
		AND (coalesce(cardinality($1::bigint[]), 0) = 0
			OR EXISTS (SELECT 1 FROM person_roles r WHERE r.person_id = p.id AND r.community_id = ANY($1))
			OR EXISTS (SELECT 1 FROM patrol_schedules s JOIN alleys a ON a.id = s.alley_id WHERE s.person_id = p.id AND a.community_id = ANY($1)))
		ORDER BY p.code`, pq.Int64Array(communities))
	return ids, wrap("stewards in", err)
}

// BroadcastProgress counts a broadcast's queued messages: done (sent or
// given up), failed (refused or given up: not sent) and all.
func (q *Queries) BroadcastProgress(ctx context.Context, name string) (done, failed, total int, err error) {
	var row struct {
		Done   int `db:"done"`
		Failed int `db:"failed"`
		Total  int `db:"total"`
	}
	err = q.db.GetContext(ctx, &row, `SELECT count(*) FILTER (WHERE state <> 'pending') AS done,
			count(*) FILTER (WHERE state IN ('failed', 'dropped')) AS failed, count(*) AS total
		FROM outbox WHERE message ? 'Broadcast' AND message->>'Broadcast' = $1`, name)
	return row.Done, row.Failed, row.Total, wrap("broadcast progress", err)
}

// TrainingsInProgress lists trainings whose broadcast is still reported.
func (q *Queries) TrainingsInProgress(ctx context.Context) ([]Training, error) {
	var ts []Training
	err := q.db.SelectContext(ctx, &ts, `SELECT `+trainingCols+` FROM trainings WHERE NOT progress_done ORDER BY id FOR UPDATE SKIP LOCKED`)
	return ts, wrap("trainings in progress", err)
}

// SetTrainingSent records how many notices of a training were queued (its
// invitees' messenger accounts: someone with none gets nothing).
func (q *Queries) SetTrainingSent(ctx context.Context, id int64, n int) error {
	_, err := q.db.ExecContext(ctx, `UPDATE trainings SET sent_total = $2 WHERE id = $1`, id, n)
	return wrap("training sent", err)
}

// ProgressDone stops a training's progress reports.
func (q *Queries) ProgressDone(ctx context.Context, id int64) error {
	_, err := q.db.ExecContext(ctx, `UPDATE trainings SET progress_done = true WHERE id = $1`, id)
	return wrap("progress done", err)
}

// UpcomingTrainings lists published trainings starting within [from, to).
func (q *Queries) UpcomingTrainings(ctx context.Context, from, to time.Time) ([]Training, error) {
	var ts []Training
	err := q.db.SelectContext(ctx, &ts, `SELECT `+trainingCols+` FROM trainings WHERE status = 'published'
		AND starts_at >= $1 AND starts_at < $2 ORDER BY starts_at`, from, to)
	return ts, wrap("upcoming trainings", err)
}

// ExecAttendanceReset marks everyone of a training absent (before the
// ones who came are marked).
func (q *Queries) ExecAttendanceReset(ctx context.Context, trainingID int64) (int64, error) {
	res, err := q.db.ExecContext(ctx, `UPDATE training_invites SET attended = false WHERE training_id = $1`, trainingID)
	if err != nil {
		return 0, wrap("attendance reset", err)
	}
	return res.RowsAffected()
}

// RetimeTraining moves a training; its reminders are due again for the new
// time (their once-only keys name the start).
func (q *Queries) RetimeTraining(ctx context.Context, id int64, at time.Time) error {
	_, err := q.db.ExecContext(ctx, `UPDATE trainings SET starts_at = $2 WHERE id = $1`, id, at)
	return wrap("retime training", err)
}

// InvitedTraining is a training as one invitee sees it: with their answer.
type InvitedTraining struct {
	Training
	Answer model.Answer `db:"answer"`
	Token  string       `db:"token"`
}

// TrainingsOf lists the trainings a person was invited to that start after
// since, soonest first, at most limit.
func (q *Queries) TrainingsOf(ctx context.Context, personID int64, since time.Time, limit int) ([]InvitedTraining, error) {
	var ts []InvitedTraining
	err := q.db.SelectContext(ctx, &ts, `SELECT t.id, t.title, t.kind, t.starts_at, t.minutes, t.place, t.link, t.capacity, t.note,
			t.status, t.created_by, t.sent_total, t.progress_done, i.answer, i.token
		FROM training_invites i JOIN trainings t ON t.id = i.training_id
		WHERE i.person_id = $1 AND t.starts_at >= $2 ORDER BY t.starts_at, t.id LIMIT $3`, personID, since, limit)
	return ts, wrap("trainings of", err)
}
