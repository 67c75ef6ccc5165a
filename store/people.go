package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/lib/pq"

	"github.com/alleybot/alleybot/model"
)

// Person is someone of the roster.
type Person struct {
	ID          int64          `db:"id"`
	Code        string         `db:"code"`
	Name        string         `db:"name"`
	Phone       string         `db:"phone"`
	WecomUserID sql.NullString `db:"wecom_userid"`
	Lang        string         `db:"lang"`
	Active      bool           `db:"active"`
}

// PersonRole is one role of a person, scoped to a department or community.
type PersonRole struct {
	Role           model.Role    `db:"role"`
	DepartmentID   sql.NullInt64 `db:"department_id"`
	CommunityID    sql.NullInt64 `db:"community_id"`
	DepartmentName string        `db:"department_name"`
	CommunityName  string        `db:"community_name"`
}

const personCols = `id, code, name, phone, wecom_userid, lang, active`

// PersonByID reads one person.
func (q *Queries) PersonByID(ctx context.Context, id int64) (Person, error) {
	var p Person
	err := q.db.GetContext(ctx, &p, `SELECT `+personCols+` FROM people WHERE id = $1`, id)
	return p, wrap("person", notFound(err))
}

// ErrAmbiguous means a name matched several people; the error lists their codes.
var ErrAmbiguous = errors.New("ambiguous name")

// FindPerson looks a person up by roster code, then by exact name.
func (q *Queries) FindPerson(ctx context.Context, codeOrName string) (Person, error) {
	var ps []Person
	if err := q.db.SelectContext(ctx, &ps, `SELECT `+personCols+` FROM people WHERE code = $1`, codeOrName); err != nil {
		return Person{}, wrap("find person", err)
	}
	if len(ps) == 1 {
		return ps[0], nil
	}
	if err := q.db.SelectContext(ctx, &ps, `SELECT `+personCols+` FROM people WHERE name = $1 ORDER BY code`, codeOrName); err != nil {
		return Person{}, wrap("find person", err)
	}
	switch len(ps) {
	case 0:
		return Person{}, ErrNotFound
	case 1:
		return ps[0], nil
	}
	codes := make([]string, len(ps))
	for i, p := range ps {
		codes[i] = p.Code
	}
	return Person{}, fmt.Errorf("%w: %q is %s; use the code", ErrAmbiguous, codeOrName, strings.Join(codes, ", "))
}

// People lists everyone, by code (for the console's person list).
func (q *Queries) People(ctx context.Context) ([]Person, error) {
	var ps []Person
	err := q.db.SelectContext(ctx, &ps, `SELECT `+personCols+` FROM people ORDER BY code`)
	return ps, wrap("list people", err)
}

// NamesOf lists the names of people, by roster code.
func (q *Queries) NamesOf(ctx context.Context, ids []int64) ([]string, error) {
	var names []string
	err := q.db.SelectContext(ctx, &names, `SELECT name FROM people WHERE id = ANY($1) ORDER BY code`, pq.Int64Array(ids))
	return names, wrap("names of", err)
}

// FirstSteward is the active steward with the lowest roster code.
func (q *Queries) FirstSteward(ctx context.Context) (Person, error) {
	var p Person
	err := q.db.GetContext(ctx, &p, `
		SELECT `+personCols+` FROM people
		WHERE active AND id IN (SELECT person_id FROM person_roles WHERE role = $1)
		ORDER BY code LIMIT 1`, model.RoleSteward)
	return p, wrap("first steward", notFound(err))
}

// RolesOf lists a person's roles with the names of their scopes.
func (q *Queries) RolesOf(ctx context.Context, personID int64) ([]PersonRole, error) {
	var rs []PersonRole
	err := q.db.SelectContext(ctx, &rs, `
		SELECT r.role, r.department_id, r.community_id,
			coalesce(d.name, '') AS department_name, coalesce(c.name, '') AS community_name
		FROM person_roles r
		JOIN roles ro ON ro.code = r.role
		LEFT JOIN departments d ON d.id = r.department_id
		LEFT JOIN communities c ON c.id = r.community_id
		WHERE r.person_id = $1 ORDER BY ro.sort, d.name, c.name`, personID)
	return rs, wrap("roles of person", err)
}

// RoleCodes lists the roles table's codes, in their sort order.
func (q *Queries) RoleCodes(ctx context.Context) ([]string, error) {
	var cs []string
	err := q.db.SelectContext(ctx, &cs, `SELECT code FROM roles ORDER BY sort`)
	return cs, wrap("list roles", err)
}

// SetLang records the language a person chose (/lang).
func (q *Queries) SetLang(ctx context.Context, personID int64, lang string) error {
	_, err := q.db.ExecContext(ctx, `UPDATE people SET lang = $2, updated_at = now() WHERE id = $1`, personID, lang)
	return wrap("set language", err)
}

// PersonByIdentity finds who a platform account belongs to. WeCom accounts
// are matched by the roster's userid without an invitation.
func (q *Queries) PersonByIdentity(ctx context.Context, platform, externalID string) (Person, error) {
	var p Person
	err := q.db.GetContext(ctx, &p, `
		SELECT `+prefixed("p", personCols)+` FROM people p
		JOIN identities i ON i.person_id = p.id
		WHERE i.platform = $1 AND i.external_id = $2`, platform, externalID)
	if errors.Is(err, sql.ErrNoRows) && platform == "wecom" {
		err = q.db.GetContext(ctx, &p, `SELECT `+personCols+` FROM people WHERE wecom_userid = $1`, externalID)
	}
	return p, wrap("person by identity", notFound(err))
}

func prefixed(alias, cols string) string {
	parts := strings.Split(cols, ", ")
	for i := range parts {
		parts[i] = alias + "." + parts[i]
	}
	return strings.Join(parts, ", ")
}

// NamesWithRole lists the names of the active people holding role (for a
// refusal that says whom to ask).
func (q *Queries) NamesWithRole(ctx context.Context, role model.Role) ([]string, error) {
	var names []string
	err := q.db.SelectContext(ctx, &names, `SELECT DISTINCT p.name FROM people p JOIN person_roles r ON r.person_id = p.id
		WHERE r.role = $1 AND p.active ORDER BY p.name`, role)
	return names, wrap("names with role", err)
}

// speakerCTE is the person behind account $2 on platform $1 (the
// identity's; on WeCom, unbound, the roster's wecom_userid), and
// speakerRoles their roles as JSON (decodeRoles; a suspended steward's
// steward role left out: suspended_stewards, 0020): an update's first question,
// asked on every update (Speaker, BeginTurn). Each platform kind has its own
// text, so a prepared statement's generic plan is as cheap as a custom one.
func speakerCTE(platform string) string {
	q := `p AS (
			SELECT ` + prefixed("p", personCols) + ` FROM people p JOIN identities i ON i.person_id = p.id
			WHERE i.platform = $1 AND i.external_id = $2`
	if platform == "wecom" {
		q += `
			UNION ALL
			SELECT ` + personCols + ` FROM people WHERE wecom_userid = $2
				AND NOT EXISTS (SELECT 1 FROM identities WHERE platform = $1 AND external_id = $2)`
	}
	return q + `
			LIMIT 1)`
}

const speakerRoles = `coalesce((SELECT json_agg(json_build_object('role', r.role, 'department_id', r.department_id,
				'community_id', r.community_id, 'department_name', coalesce(dp.name, ''), 'community_name', coalesce(c.name, ''))
				ORDER BY ro.sort, dp.name, c.name)
			FROM person_roles r JOIN roles ro ON ro.code = r.role
			LEFT JOIN departments dp ON dp.id = r.department_id LEFT JOIN communities c ON c.id = r.community_id
			WHERE r.person_id = p.id
				AND NOT (r.role = 'steward' AND EXISTS (SELECT 1 FROM suspended_stewards s WHERE s.person_id = p.id))), '[]')::text AS roles`

// Speaker is the person behind a platform account and their roles, read in
// one statement.
func (q *Queries) Speaker(ctx context.Context, platform, externalID string) (Person, []PersonRole, error) {
	var row struct {
		Person
		Roles []byte `db:"roles"`
	}
	err := q.db.GetContext(ctx, &row, `WITH `+speakerCTE(platform)+` SELECT p.*, `+speakerRoles+` FROM p`, platform, externalID)
	if err != nil {
		return Person{}, nil, wrap("speaker", notFound(err))
	}
	roles, err := decodeRoles(row.Roles)
	return row.Person, roles, err
}

// PeopleWithRole lists the active holders of a role.
func (q *Queries) PeopleWithRole(ctx context.Context, role model.Role) ([]Person, error) {
	var ps []Person
	err := q.db.SelectContext(ctx, &ps, `SELECT `+prefixed("p", personCols)+` FROM people p
		WHERE p.active AND EXISTS (SELECT 1 FROM person_roles r WHERE r.person_id = p.id AND r.role = $1) ORDER BY p.code`, role)
	return ps, wrap("people with role", err)
}

// StewardsOfAlley lists the active stewards who patrol an alley.
func (q *Queries) StewardsOfAlley(ctx context.Context, alleyID int64) ([]Person, error) {
	var ps []Person
	err := q.db.SelectContext(ctx, &ps, `SELECT `+prefixed("p", personCols)+` FROM people p
		WHERE p.active AND EXISTS (SELECT 1 FROM patrol_schedules ps WHERE ps.person_id = p.id AND ps.alley_id = $1)
		ORDER BY p.code`, alleyID)
	return ps, wrap("stewards of alley", err)
}

// UpsertPerson creates or updates a person by roster code.
func (q *Queries) UpsertPerson(ctx context.Context, p Person) (int64, error) {
	var id int64
	err := q.db.GetContext(ctx, &id, `
		INSERT INTO people (code, name, phone, wecom_userid, lang, active) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, phone = EXCLUDED.phone,
			wecom_userid = EXCLUDED.wecom_userid, active = EXCLUDED.active, updated_at = now()
		RETURNING id`, p.Code, p.Name, p.Phone, p.WecomUserID, p.Lang, p.Active)
	return id, wrap("upsert person "+p.Code, err)
}

// ReplacePersonRoles sets a person's roles to exactly roles.
func (q *Queries) ReplacePersonRoles(ctx context.Context, personID int64, roles []PersonRole) error {
	if _, err := q.db.ExecContext(ctx, `DELETE FROM person_roles WHERE person_id = $1`, personID); err != nil {
		return wrap("clear roles", err)
	}
	for _, r := range roles {
		if _, err := q.db.ExecContext(ctx, `
			INSERT INTO person_roles (person_id, role, department_id, community_id) VALUES ($1, $2, $3, $4)
			ON CONFLICT DO NOTHING`, personID, r.Role, r.DepartmentID, r.CommunityID); err != nil {
			return wrap("insert role "+string(r.Role), err)
		}
	}
	return nil
}

// ClearWecomUserIDs blanks the WeCom userids of the given people (before a
// roster import sets them again).
func (q *Queries) ClearWecomUserIDs(ctx context.Context, codes []string) error {
	_, err := q.db.ExecContext(ctx, `UPDATE people SET wecom_userid = NULL WHERE code = ANY($1)`, pq.StringArray(codes))
	return wrap("clear wecom userids", err)
}

// RosterPerson is one person of a roster import with exactly the roles
// and patrol windows they are to have.
type RosterPerson struct {
	Person
	Roles   []PersonRole
	Patrols []PatrolSchedule
}

// ImportPeople upserts people by roster code (a person's chosen language
// is kept) and sets each one's roles and patrol windows to exactly those
// given: five statements for the whole roster, whatever its size (arrays
// unnested), where a statement per person made a 50,000-person roster
// take minutes. It returns each person's id by code.
func (q *Queries) ImportPeople(ctx context.Context, ps []RosterPerson) (map[string]int64, error) {
	n := len(ps)
	codes, names, phones, wecom, langs := make(pq.StringArray, n), make(pq.StringArray, n), make(pq.StringArray, n),
		make(pq.StringArray, n), make(pq.StringArray, n)
	active := make(pq.BoolArray, n)
	for i, p := range ps {
		codes[i], names[i], phones[i], wecom[i], langs[i], active[i] = p.Code, p.Name, p.Phone, p.WecomUserID.String, p.Lang, p.Active
	}
	var rows []struct {
		ID   int64  `db:"id"`
		Code string `db:"code"`
	}
	if err := q.db.SelectContext(ctx, &rows, `
		INSERT INTO people (code, name, phone, wecom_userid, lang, active)
		SELECT code, name, phone, nullif(wecom, ''), lang, active
		FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bool[]) AS p(code, name, phone, wecom, lang, active)
		ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, phone = EXCLUDED.phone,
			wecom_userid = EXCLUDED.wecom_userid, active = EXCLUDED.active, updated_at = now()
		RETURNING id, code`, codes, names, phones, wecom, langs, active); err != nil {
		return nil, wrap("upsert people", err)
	}
	ids := make(map[string]int64, len(rows))
	all := make(pq.Int64Array, 0, len(rows))
	for _, r := range rows {
		ids[r.Code] = r.ID
		all = append(all, r.ID)
	}
	var rp, rd, rc pq.Int64Array
	var rr pq.StringArray
	var pp, pa pq.Int64Array
	var pw, pf, pt, ps0 pq.StringArray
	for _, p := range ps {
		id := ids[p.Code]
		for _, r := range p.Roles {
			rp, rr, rd, rc = append(rp, id), append(rr, string(r.Role)), append(rd, r.DepartmentID.Int64), append(rc, r.CommunityID.Int64)
		}
		for _, s := range p.Patrols {
			pp, pa, pw, pf, pt = append(pp, id), append(pa, s.AlleyID), append(pw, arrayLiteral(s.Weekdays)), append(pf, s.StartsAt), append(pt, s.EndsAt)
			ps0 = append(ps0, s.Since)
		}
	}
	if _, err := q.db.ExecContext(ctx, `DELETE FROM person_roles WHERE person_id = ANY($1::bigint[])`, all); err != nil {
		return nil, wrap("clear roles", err)
	}
	if _, err := q.db.ExecContext(ctx, `
		INSERT INTO person_roles (person_id, role, department_id, community_id)
		SELECT person_id, role, nullif(department_id, 0), nullif(community_id, 0)
		FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[]) AS r(person_id, role, department_id, community_id)
		ON CONFLICT DO NOTHING`, rp, rr, rd, rc); err != nil {
		return nil, wrap("insert roles", err)
	}
	// A window unchanged keeps its row (its id and valid_from: it counts
	// from when it began); a changed or new one counts from now, or from
	// the roster's since date.
	if _, err := q.db.ExecContext(ctx, `
		DELETE FROM patrol_schedules s WHERE s.person_id = ANY($1::bigint[]) AND NOT EXISTS (
			SELECT 1 FROM unnest($2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[]) AS p(person_id, alley_id, weekdays, starts_at, ends_at)
			WHERE p.person_id = s.person_id AND p.alley_id = s.alley_id AND p.weekdays::smallint[] = s.weekdays
				AND p.starts_at::time = s.starts_at AND p.ends_at::time = s.ends_at)`, all, pp, pa, pw, pf, pt); err != nil {
		return nil, wrap("clear patrols", err)
	}
	if _, err := q.db.ExecContext(ctx, `
		INSERT INTO patrol_schedules (person_id, alley_id, weekdays, starts_at, ends_at, valid_from)
		SELECT person_id, alley_id, weekdays::smallint[], starts_at::time, ends_at::time, coalesce(nullif(since, '')::date::timestamptz, now())
		FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[]) AS p(person_id, alley_id, weekdays, starts_at, ends_at, since)
		ON CONFLICT (person_id, alley_id, starts_at) DO NOTHING`, pp, pa, pw, pf, pt, ps0); err != nil {
		return nil, wrap("insert patrols", err)
	}
	if _, err := q.db.ExecContext(ctx, `
		UPDATE patrol_schedules s SET valid_from = p.since::date::timestamptz
		FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[]) AS p(person_id, alley_id, since, starts_at)
		WHERE p.since <> '' AND s.person_id = p.person_id AND s.alley_id = p.alley_id AND s.starts_at = p.starts_at::time
			AND s.valid_from <> p.since::date::timestamptz`, pp, pa, ps0, pf); err != nil {
		return nil, wrap("patrols since", err)
	}
	return ids, nil
}

// arrayLiteral is an int array as PostgreSQL reads it: {1,2,3}.
func arrayLiteral(xs []int64) string {
	var b strings.Builder
	b.WriteByte('{')
	for i, x := range xs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(x, 10))
	}
	b.WriteByte('}')
	return b.String()
}
