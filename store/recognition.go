package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/lib/pq"

	"github.com/alleybot/alleybot/model"
)

// RecognitionProposal is a month's proposal of stewards to commend, for
// one community (recognition_proposals).
type RecognitionProposal struct {
	ID              int64         `db:"id"`
	Period          string        `db:"period"`
	CommunityID     sql.NullInt64 `db:"community_id"`
	CommunityName   string        `db:"community_name"`
	CreatedAt       time.Time     `db:"created_at"`
	Status          string        `db:"status"` // proposed, confirmed
	ConfirmedBy     sql.NullInt64 `db:"confirmed_by"`
	ConfirmedByName string        `db:"confirmed_by_name"`
	ConfirmedAt     sql.NullTime  `db:"confirmed_at"`
}

// Confirmed reports whether the proposal's commendations are recorded.
func (p RecognitionProposal) Confirmed() bool { return p.Status == "confirmed" }

// RecognitionCandidate is a steward on a proposal; Included says whether
// the coordinators' list commends them.
type RecognitionCandidate struct {
	PersonID int64           `db:"person_id"`
	Code     string          `db:"code"`
	Name     string          `db:"name"`
	Total    sql.NullFloat64 `db:"total"` // NULL: added by a coordinator, no scorecard
	Grade    string          `db:"grade"`
	Included bool            `db:"included"`
}

// AddRecognitionProposal stores a period's proposal for a community with
// its candidates, once: false when that period and community has one.
func (q *Queries) AddRecognitionProposal(ctx context.Context, period string, communityID sql.NullInt64, at time.Time,
	cs []RecognitionCandidate) (int64, bool, error) {
	var ids []int64
	if err := q.db.SelectContext(ctx, &ids, `INSERT INTO recognition_proposals (period, community_id, created_at)
		VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING id`, period, communityID, at); err != nil {
		return 0, false, wrap("add recognition proposal", err)
	}
	if len(ids) == 0 {
		return 0, false, nil
	}
	for _, c := range cs {
		if _, err := q.db.ExecContext(ctx, `INSERT INTO recognition_candidates (proposal_id, person_id, total, grade, included)
			VALUES ($1, $2, $3, $4, $5)`, ids[0], c.PersonID, c.Total, c.Grade, c.Included); err != nil {
			return 0, false, wrap("add recognition candidate", err)
		}
	}
	return ids[0], true, nil
}

const proposalCols = `r.id, r.period, r.community_id, coalesce(c.name, '') AS community_name, r.created_at, r.status,
	r.confirmed_by, coalesce(b.name, '') AS confirmed_by_name, r.confirmed_at
	FROM recognition_proposals r LEFT JOIN communities c ON c.id = r.community_id LEFT JOIN people b ON b.id = r.confirmed_by`

// LockRecognitionProposal reads a proposal and locks it until the
// transaction ends (a confirmation and an edit do not cross).
func (q *Queries) LockRecognitionProposal(ctx context.Context, id int64) (RecognitionProposal, error) {
	var p RecognitionProposal
	err := q.db.GetContext(ctx, &p, `SELECT `+proposalCols+` WHERE r.id = $1 FOR UPDATE OF r`, id)
	return p, wrap("recognition proposal", notFound(err))
}

// RecognitionCandidates lists a proposal's stewards, best total first
// (those added without a scorecard last), then by code.
func (q *Queries) RecognitionCandidates(ctx context.Context, proposalID int64) ([]RecognitionCandidate, error) {
	var cs []RecognitionCandidate
	err := q.db.SelectContext(ctx, &cs, `SELECT rc.person_id, p.code, p.name, rc.total, rc.grade, rc.included
		FROM recognition_candidates rc JOIN people p ON p.id = rc.person_id
		WHERE rc.proposal_id = $1 ORDER BY rc.total DESC NULLS LAST, p.code`, proposalID)
	return cs, wrap("recognition candidates", err)
}

// SetRecognitionList makes the people of include (and only them) the
// proposal's included candidates; those not on it yet are added with
// their period's latest scorecard, if any.
func (q *Queries) SetRecognitionList(ctx context.Context, proposalID int64, include []int64) error {
	ids := pq.Int64Array(append([]int64{}, include...))
	if _, err := q.db.ExecContext(ctx, `UPDATE recognition_candidates SET included = (person_id = ANY($2))
		WHERE proposal_id = $1`, proposalID, ids); err != nil {
		return wrap("set recognition list", err)
	}
	_, err := q.db.ExecContext(ctx, `INSERT INTO recognition_candidates (proposal_id, person_id, total, grade, included)
		SELECT r.id, x.id, a.total, coalesce(a.grade, ''), true
		FROM recognition_proposals r CROSS JOIN unnest($2::bigint[]) AS x(id)
		LEFT JOIN LATERAL (SELECT total, grade FROM assessment_periods
			WHERE person_id = x.id AND period = r.period ORDER BY revision DESC LIMIT 1) a ON true
		WHERE r.id = $1 ON CONFLICT (proposal_id, person_id) DO NOTHING`, proposalID, ids)
	return wrap("add to recognition list", err)
}

// ConfirmRecognition marks a proposal confirmed by a person.
func (q *Queries) ConfirmRecognition(ctx context.Context, proposalID, by int64, at time.Time) error {
	_, err := q.db.ExecContext(ctx, `UPDATE recognition_proposals SET status = 'confirmed', confirmed_by = $2, confirmed_at = $3
		WHERE id = $1`, proposalID, sql.NullInt64{Int64: by, Valid: by != 0}, at)
	return wrap("confirm recognition", err)
}

// CoordinatorsOf lists the active coordinators whose role covers a
// community: scoped to it or to none (communityID 0: those scoped to none).
func (q *Queries) CoordinatorsOf(ctx context.Context, communityID int64) ([]Person, error) {
	var ps []Person
	err := q.db.SelectContext(ctx, &ps, `SELECT `+prefixed("p", personCols)+` FROM people p
		WHERE p.active AND EXISTS (SELECT 1 FROM person_roles r WHERE r.person_id = p.id AND r.role = $1
			AND (r.community_id IS NULL OR r.community_id = $2)) ORDER BY p.code`, model.RoleCoordinator, communityID)
	return ps, wrap("coordinators of community", err)
}

// StewardsOfCommunity lists the active stewards whose steward role is in a
// community (0: in none), by code.
func (q *Queries) StewardsOfCommunity(ctx context.Context, communityID int64) ([]Person, error) {
	var ps []Person
	err := q.db.SelectContext(ctx, &ps, `SELECT `+prefixed("p", personCols)+` FROM people p
		WHERE p.active AND EXISTS (SELECT 1 FROM person_roles r WHERE r.person_id = p.id AND r.role = $1
			AND coalesce(r.community_id, 0) = $2) ORDER BY p.code`, model.RoleSteward, communityID)
	return ps, wrap("stewards of community", err)
}
