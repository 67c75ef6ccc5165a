package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/lib/pq"
)

// Stewards' publicity (seed 二(四)1) and activities with residents'
// sign-ups (二(四)2): migration 0030.

// PublicityRequest is a steward's notice waiting for a coordinator.
type PublicityRequest struct {
	ID          int64         `db:"id"`
	PersonID    int64         `db:"person_id"`
	PersonName  string        `db:"person_name"`
	CommunityID int64         `db:"community_id"`
	Text        string        `db:"text"`
	PhotoID     sql.NullInt64 `db:"photo_id"`
	Status      string        `db:"status"`
}

// AddPublicityRequest stores a steward's notice for approval.
func (q *Queries) AddPublicityRequest(ctx context.Context, personID, communityID int64, text string, photoID int64, at time.Time) (int64, error) {
	var id int64
	err := q.db.GetContext(ctx, &id, `INSERT INTO publicity_requests (person_id, community_id, text, photo_id, created_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, personID, communityID, text, sql.NullInt64{Int64: photoID, Valid: photoID != 0}, at)
	return id, wrap("add publicity request", err)
}

// DecidePublicityRequest approves or rejects a pending request and returns
// it; ErrNotFound when there is none pending (decided already).
func (q *Queries) DecidePublicityRequest(ctx context.Context, id int64, approved bool, by int64, at time.Time) (PublicityRequest, error) {
	status := "rejected"
	if approved {
		status = "approved"
	}
	var r PublicityRequest
	err := q.db.GetContext(ctx, &r, `UPDATE publicity_requests r SET status = $2, decided_by = $3, decided_at = $4
		FROM people p WHERE r.id = $1 AND r.status = 'pending' AND p.id = r.person_id
		RETURNING r.id, r.person_id, p.name AS person_name, r.community_id, r.text, r.photo_id, r.status`, id, status, by, at)
	return r, wrap("decide publicity request", notFound(err))
}

// Activity is a posted activity.
type Activity struct {
	ID          int64         `db:"id"`
	OrganiserID int64         `db:"organiser_id"`
	Title       string        `db:"title"`
	StartsAt    time.Time     `db:"starts_at"`
	Place       string        `db:"place"`
	Places      int           `db:"places"`
	Communities pq.Int64Array `db:"communities"`
	Attended    sql.NullInt64 `db:"attended"`
}

const activityCols = `id, organiser_id, title, starts_at, place, places, communities, attended`

// AddActivity stores an activity.
func (q *Queries) AddActivity(ctx context.Context, a Activity, at time.Time) (int64, error) {
	var id int64
	err := q.db.GetContext(ctx, &id, `INSERT INTO activities (organiser_id, title, starts_at, place, places, communities, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, a.OrganiserID, a.Title, a.StartsAt, a.Place, a.Places, a.Communities, at)
	return id, wrap("add activity", err)
}

// ActivityByID reads an activity FOR UPDATE (sign-ups are decided under it).
func (q *Queries) ActivityByID(ctx context.Context, id int64) (Activity, error) {
	var a Activity
	err := q.db.GetContext(ctx, &a, `SELECT `+activityCols+` FROM activities WHERE id = $1 FOR UPDATE`, id)
	return a, wrap("activity", notFound(err))
}

// Signup is one resident's live sign-up, in order.
type Signup struct {
	ID       int64  `db:"id"`
	Platform string `db:"platform"`
	UserID   string `db:"user_id"`
	Name     string `db:"name"`
	Attended bool   `db:"attended"`
}

// Signups lists an activity's live sign-ups in order: the first places are
// in, the rest wait.
func (q *Queries) Signups(ctx context.Context, activityID int64) ([]Signup, error) {
	var ss []Signup
	err := q.db.SelectContext(ctx, &ss, `SELECT id, platform, user_id, name, attended FROM activity_signups
		WHERE activity_id = $1 AND cancelled_at IS NULL ORDER BY id`, activityID)
	return ss, wrap("signups", err)
}

// SignUp adds a resident; false when they are signed up already.
func (q *Queries) SignUp(ctx context.Context, activityID int64, platform, userID, name string, at time.Time) (bool, error) {
	res, err := q.db.ExecContext(ctx, `INSERT INTO activity_signups (activity_id, platform, user_id, name, created_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (activity_id, platform, user_id) WHERE cancelled_at IS NULL DO NOTHING`,
		activityID, platform, userID, name, at)
	if err != nil {
		return false, wrap("sign up", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// CancelSignup cancels a resident's sign-up; false when they had none.
func (q *Queries) CancelSignup(ctx context.Context, activityID int64, platform, userID string, at time.Time) (bool, error) {
	res, err := q.db.ExecContext(ctx, `UPDATE activity_signups SET cancelled_at = $4
		WHERE activity_id = $1 AND platform = $2 AND user_id = $3 AND cancelled_at IS NULL`, activityID, platform, userID, at)
	if err != nil {
		return false, wrap("cancel signup", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// SignupByID reads a live sign-up and its activity.
func (q *Queries) SignupByID(ctx context.Context, id int64) (Signup, int64, error) {
	var r struct {
		Signup
		ActivityID int64 `db:"activity_id"`
	}
	err := q.db.GetContext(ctx, &r, `SELECT id, platform, user_id, name, attended, activity_id FROM activity_signups
		WHERE id = $1 AND cancelled_at IS NULL`, id)
	return r.Signup, r.ActivityID, wrap("signup", notFound(err))
}

// MarkAttended marks one sign-up present and returns the activity's count
// of those marked, which it records.
func (q *Queries) MarkAttended(ctx context.Context, activityID, signupID int64) (int, error) {
	if _, err := q.db.ExecContext(ctx, `UPDATE activity_signups SET attended = true WHERE id = $1 AND activity_id = $2`, signupID, activityID); err != nil {
		return 0, wrap("mark attended", err)
	}
	var n int
	err := q.db.GetContext(ctx, &n, `UPDATE activities SET attended = (SELECT count(*) FROM activity_signups
		WHERE activity_id = $1 AND attended AND cancelled_at IS NULL) WHERE id = $1 RETURNING attended`, activityID)
	return n, wrap("mark attended", err)
}

// SetActivityAttendance records how many came.
func (q *Queries) SetActivityAttendance(ctx context.Context, activityID int64, n int) error {
	_, err := q.db.ExecContext(ctx, `UPDATE activities SET attended = $2 WHERE id = $1`, activityID, n)
	return wrap("set activity attendance", err)
}

// ActivitiesToRemind lists the activities whose day-before (within 24 h;
// none for one posted less than a day ahead, its post is fresh) or
// hour-before reminder is due at now, and marks them reminded.
func (q *Queries) ActivitiesToRemind(ctx context.Context, now time.Time) (day, hour []Activity, err error) {
	err = q.db.SelectContext(ctx, &hour, `UPDATE activities SET reminded_hour = true, reminded_day = true
		WHERE NOT reminded_hour AND starts_at > $1::timestamptz AND starts_at <= $1::timestamptz + interval '1 hour'
		RETURNING `+activityCols, now)
	if err != nil {
		return nil, nil, wrap("activities to remind", err)
	}
	err = q.db.SelectContext(ctx, &day, `UPDATE activities SET reminded_day = true
		WHERE NOT reminded_day AND starts_at > $1::timestamptz + interval '1 hour' AND starts_at <= $1::timestamptz + interval '24 hours'
			AND created_at <= starts_at - interval '24 hours'
		RETURNING `+activityCols, now)
	return day, hour, wrap("activities to remind", err)
}

// ActivitiesStarted lists the activities started by now whose organiser
// has not been asked for the attendance, and marks them asked.
func (q *Queries) ActivitiesStarted(ctx context.Context, now time.Time) ([]Activity, error) {
	var as []Activity
	err := q.db.SelectContext(ctx, &as, `UPDATE activities SET asked_attendance = true, reminded_day = true, reminded_hour = true
		WHERE NOT asked_attendance AND starts_at <= $1 RETURNING `+activityCols, now)
	return as, wrap("activities started", err)
}

// ActivityRecord is an organised activity on the organiser's record.
type ActivityRecord struct {
	At       time.Time     `db:"starts_at"`
	Title    string        `db:"title"`
	SignedUp int           `db:"signed_up"`
	Attended sql.NullInt64 `db:"attended"`
}

// ActivitiesOrganisedBy lists a person's organised activities, oldest first.
func (q *Queries) ActivitiesOrganisedBy(ctx context.Context, personID int64) ([]ActivityRecord, error) {
	var rs []ActivityRecord
	err := q.db.SelectContext(ctx, &rs, `SELECT a.starts_at, a.title, a.attended,
		(SELECT count(*) FROM activity_signups s WHERE s.activity_id = a.id AND s.cancelled_at IS NULL) AS signed_up
		FROM activities a WHERE a.organiser_id = $1 ORDER BY a.starts_at, a.id`, personID)
	return rs, wrap("activities organised", err)
}
