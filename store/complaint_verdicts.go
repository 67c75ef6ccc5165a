package store

import (
	"context"
	"errors"
	"time"

	"github.com/alleybot/alleybot/model"
)

// ErrComplaintDecided is returned when the complaint was decided (settled, answered, ...)
// before this decision.
var ErrComplaintDecided = errors.New("complaint already decided")

// SettleComplaint records a supervisor's outcome of a complaint about the
// staff in one statement: settled, the verdict, the person it is about
// (aboutPerson, 0 for none: a complaint not upheld may name nobody) and
// the outcome. A complaint no longer open is refused (ErrComplaintDecided).
func (q *Queries) SettleComplaint(ctx context.Context, id int64, verdict model.ComplaintVerdict, aboutPerson int64, answer string, by int64, at time.Time) error {
	res, err := q.db.ExecContext(ctx, `UPDATE complaints SET status = $2, verdict = $3, about_person = nullif($4, 0), answer = $5,
		handled_by = nullif($6, 0), handled_at = $7 WHERE id = $1 AND status = $8`,
		id, model.ComplaintSettled, verdict, aboutPerson, answer, by, at, model.ComplaintOpen)
	if err != nil {
		return wrap("settle complaint", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return wrap("settle complaint", errors.Join(err, ErrComplaintDecided))
	}
	return nil
}

// ComplaintCandidates are the people a complaint about the staff may be
// about: named, whose name appears in what the resident wrote (whom it is
// about, what happened); staff, the active stewards, departments' and
// coordinators' people of the complaint's community or of none (at most
// limit of them; none offered when there are more). By code.
func (q *Queries) ComplaintCandidates(ctx context.Context, complaintID int64, limit int) (named, staff []Person, err error) {
	var rows []struct {
		Person
		Named bool `db:"named"`
	}
	err = q.db.SelectContext(ctx, &rows, `SELECT p.id, p.code, p.name, p.phone, p.wecom_userid, p.lang, p.active,
			length(p.name) >= 2 AND strpos(k.about_text || ' ' || k.description, p.name) > 0 AS named
		FROM people p, complaints k WHERE k.id = $1 AND p.active AND (
			(length(p.name) >= 2 AND strpos(k.about_text || ' ' || k.description, p.name) > 0)
			OR EXISTS (SELECT 1 FROM person_roles r WHERE r.person_id = p.id AND r.role IN ($2, $3, $4)
				AND (r.community_id IS NULL OR r.community_id = k.community_id)))
		ORDER BY p.code`, complaintID, model.RoleSteward, model.RoleDepartment, model.RoleCoordinator)
	if err != nil {
		return nil, nil, wrap("complaint candidates", err)
	}
	for _, r := range rows {
		if r.Named {
			named = append(named, r.Person)
		} else {
			staff = append(staff, r.Person)
		}
	}
	if len(staff) > limit {
		staff = nil
	}
	return named, staff, nil
}

// UpheldComplaint is a complaint upheld about a person, as their record
// lists it: no resident in it.
type UpheldComplaint struct {
	Number string    `db:"number"`
	Answer string    `db:"answer"`
	ByName string    `db:"by_name"`
	At     time.Time `db:"at"`
}

// UpheldComplaintsAbout lists the complaints upheld about a person, oldest
// first (their /record).
func (q *Queries) UpheldComplaintsAbout(ctx context.Context, personID int64) ([]UpheldComplaint, error) {
	var ks []UpheldComplaint
	err := q.db.SelectContext(ctx, &ks, `SELECT k.number, k.answer, coalesce(b.name, '') AS by_name, k.handled_at AS at
		FROM complaints k LEFT JOIN people b ON b.id = k.handled_by
		WHERE k.about_person = $1 AND k.verdict = $2 AND k.status = $3 AND k.handled_at IS NOT NULL ORDER BY k.handled_at, k.id`,
		personID, model.ComplaintUpheld, model.ComplaintSettled)
	return ks, wrap("upheld complaints", err)
}
