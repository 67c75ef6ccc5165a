package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/lib/pq"

	"github.com/alleybot/alleybot/model"
)

// Community is a residents' community (社区) of the subdistrict.
type Community struct {
	ID     int64  `db:"id"`
	Code   string `db:"code"`
	Name   string `db:"name"`
	NameEn string `db:"name_en"`
}

// Alley is a patrolled alley: a centre point and a radius.
type Alley struct {
	ID          int64   `db:"id"`
	Code        string  `db:"code"`
	CommunityID int64   `db:"community_id"`
	Name        string  `db:"name"`
	Lat         float64 `db:"lat"`
	Lon         float64 `db:"lon"`
	RadiusM     int     `db:"radius_m"`
	// Aliases are other names people write for the alley.
	Aliases pq.StringArray `db:"aliases"`
	// Line is a long alley's line: lat, lon, lat, lon … (empty: a circle
	// around Lat, Lon). See DistanceM.
	Line pq.Float64Array `db:"line"`
}

// Department is a responsible department (职能部门).
type Department struct {
	ID     int64  `db:"id"`
	Code   string `db:"code"`
	Name   string `db:"name"`
	NameEn string `db:"name_en"`
}

// Category is a class of problem, with its default department and its clocks.
type Category struct {
	ID                  int64         `db:"id"`
	Code                string        `db:"code"`
	Name                string        `db:"name"`
	NameEn              string        `db:"name_en"`
	DepartmentID        sql.NullInt64 `db:"department_id"`
	VerifyWithinMinutes int           `db:"verify_within_minutes"`
	FixWithinMinutes    int           `db:"fix_within_minutes"`
	Sort                int           `db:"sort"`
}

// Chat is a roster group chat (chats.kind says what for).
type Chat struct {
	ID           int64          `db:"id"`
	Code         string         `db:"code"`
	Kind         model.ChatKind `db:"kind"`
	Title        string         `db:"title"`
	CommunityID  sql.NullInt64  `db:"community_id"`
	AlleyID      sql.NullInt64  `db:"alley_id"`
	DepartmentID sql.NullInt64  `db:"department_id"`
	// NotifyReports: a residents' group told of each new report (false:
	// only of dispatch, progress and the result).
	NotifyReports bool `db:"notify_reports"`
}

// PatrolSchedule is one weekly patrol window of a steward in an alley.
type PatrolSchedule struct {
	AlleyID  int64         `db:"alley_id"`
	Weekdays pq.Int64Array `db:"weekdays"`
	StartsAt string        `db:"starts_at"`
	EndsAt   string        `db:"ends_at"`
}

// UpsertCommunity inserts or updates a community by code.
func (q *Queries) UpsertCommunity(ctx context.Context, c Community) (int64, error) {
	var id int64
	err := q.db.GetContext(ctx, &id, `
		INSERT INTO communities (code, name, name_en) VALUES ($1, $2, $3)
		ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, name_en = EXCLUDED.name_en, updated_at = now()
		RETURNING id`, c.Code, c.Name, c.NameEn)
	return id, wrap("upsert community "+c.Code, err)
}

// UpsertAlley inserts or updates an alley by code.
func (q *Queries) UpsertAlley(ctx context.Context, a Alley) (int64, error) {
	var id int64
	err := q.db.GetContext(ctx, &id, `
		INSERT INTO alleys (code, community_id, name, lat, lon, radius_m, aliases, line) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (code) DO UPDATE SET community_id = EXCLUDED.community_id, name = EXCLUDED.name,
			lat = EXCLUDED.lat, lon = EXCLUDED.lon, radius_m = EXCLUDED.radius_m, aliases = EXCLUDED.aliases, line = EXCLUDED.line,
			updated_at = now()
		RETURNING id`, a.Code, a.CommunityID, a.Name, a.Lat, a.Lon, a.RadiusM, aliasesOf(a.Aliases), lineOf(a.Line))
	return id, wrap("upsert alley "+a.Code, err)
}

// UpsertDepartment inserts or updates a department by code.
func (q *Queries) UpsertDepartment(ctx context.Context, d Department) (int64, error) {
	var id int64
	err := q.db.GetContext(ctx, &id, `
		INSERT INTO departments (code, name, name_en) VALUES ($1, $2, $3)
		ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, name_en = EXCLUDED.name_en, updated_at = now()
		RETURNING id`, d.Code, d.Name, d.NameEn)
	return id, wrap("upsert department "+d.Code, err)
}

// UpsertCategory inserts or updates a category by code.
func (q *Queries) UpsertCategory(ctx context.Context, c Category) (int64, error) {
	var id int64
	err := q.db.GetContext(ctx, &id, `
		INSERT INTO categories (code, name, name_en, department_id, verify_within_minutes, fix_within_minutes, sort)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, name_en = EXCLUDED.name_en,
			department_id = EXCLUDED.department_id, verify_within_minutes = EXCLUDED.verify_within_minutes,
			fix_within_minutes = EXCLUDED.fix_within_minutes, sort = EXCLUDED.sort, updated_at = now()
		RETURNING id`, c.Code, c.Name, c.NameEn, c.DepartmentID, c.VerifyWithinMinutes, c.FixWithinMinutes, c.Sort)
	return id, wrap("upsert category "+c.Code, err)
}

// UpsertChat inserts or updates a group chat by code.
func (q *Queries) UpsertChat(ctx context.Context, c Chat) (int64, error) {
	var id int64
	err := q.db.GetContext(ctx, &id, `
		INSERT INTO chats (code, kind, title, community_id, alley_id, department_id, notify_reports) VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (code) DO UPDATE SET kind = EXCLUDED.kind, title = EXCLUDED.title, community_id = EXCLUDED.community_id,
			alley_id = EXCLUDED.alley_id, department_id = EXCLUDED.department_id, notify_reports = EXCLUDED.notify_reports, updated_at = now()
		RETURNING id`, c.Code, c.Kind, c.Title, c.CommunityID, c.AlleyID, c.DepartmentID, c.NotifyReports)
	return id, wrap("upsert chat "+c.Code, err)
}

// BindChat records where a chat lives on a platform, replacing an older binding.
func (q *Queries) BindChat(ctx context.Context, chatID int64, platform, externalID string) error {
	if _, err := q.db.ExecContext(ctx, `DELETE FROM chat_bindings WHERE chat_id = $1 AND platform = $2`, chatID, platform); err != nil {
		return wrap("unbind chat", err)
	}
	_, err := q.db.ExecContext(ctx, `
		INSERT INTO chat_bindings (platform, external_id, chat_id) VALUES ($1, $2, $3)
		ON CONFLICT (platform, external_id) DO UPDATE SET chat_id = EXCLUDED.chat_id`, platform, externalID, chatID)
	return wrap("bind chat", err)
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

// ReplacePatrolSchedules sets a steward's patrol windows to exactly ps.
func (q *Queries) ReplacePatrolSchedules(ctx context.Context, personID int64, ps []PatrolSchedule) error {
	if _, err := q.db.ExecContext(ctx, `DELETE FROM patrol_schedules WHERE person_id = $1`, personID); err != nil {
		return wrap("clear patrols", err)
	}
	for _, p := range ps {
		if _, err := q.db.ExecContext(ctx, `
			INSERT INTO patrol_schedules (person_id, alley_id, weekdays, starts_at, ends_at) VALUES ($1, $2, $3, $4, $5)`,
			personID, p.AlleyID, p.Weekdays, p.StartsAt, p.EndsAt); err != nil {
			return wrap("insert patrol", err)
		}
	}
	return nil
}

// Categories lists the categories in their sort order.
func (q *Queries) Categories(ctx context.Context) ([]Category, error) {
	var cs []Category
	err := q.db.SelectContext(ctx, &cs, `
		SELECT id, code, name, name_en, department_id, verify_within_minutes, fix_within_minutes, sort
		FROM categories ORDER BY sort, id`)
	return cs, wrap("list categories", err)
}

// AlleysOfSteward lists the alleys a steward patrols, by name.
func (q *Queries) AlleysOfSteward(ctx context.Context, personID int64) ([]Alley, error) {
	var as []Alley
	err := q.db.SelectContext(ctx, &as, `
		SELECT DISTINCT a.id, a.code, a.community_id, a.name, a.lat, a.lon, a.radius_m, a.aliases, a.line
		FROM alleys a JOIN patrol_schedules p ON p.alley_id = a.id
		WHERE p.person_id = $1 ORDER BY a.name`, personID)
	return as, wrap("alleys of steward", err)
}

// PatrolsOf lists a steward's patrol windows with the alley names.
func (q *Queries) PatrolsOf(ctx context.Context, personID int64) ([]PatrolView, error) {
	var ps []PatrolView
	err := q.db.SelectContext(ctx, &ps, `
		SELECT a.name AS alley, p.weekdays, to_char(p.starts_at, 'HH24:MI') AS starts_at, to_char(p.ends_at, 'HH24:MI') AS ends_at
		FROM patrol_schedules p JOIN alleys a ON a.id = p.alley_id
		WHERE p.person_id = $1 ORDER BY p.starts_at, a.name`, personID)
	return ps, wrap("patrols of person", err)
}

// PatrolView is a patrol schedule with the alley's name.
type PatrolView struct {
	Alley    string        `db:"alley"`
	Weekdays pq.Int64Array `db:"weekdays"`
	StartsAt string        `db:"starts_at"`
	EndsAt   string        `db:"ends_at"`
}

// ChatByCode finds a group chat by its roster code.
func (q *Queries) ChatByCode(ctx context.Context, code string) (Chat, error) {
	var c Chat
	err := q.db.GetContext(ctx, &c, `SELECT id, code, kind, title, community_id, alley_id, department_id FROM chats WHERE code = $1`, code)
	return c, wrap("chat "+code, notFound(err))
}

// Chats lists the roster's chats, by code.
func (q *Queries) Chats(ctx context.Context) ([]Chat, error) {
	var cs []Chat
	err := q.db.SelectContext(ctx, &cs, `SELECT id, code, kind, title, community_id, alley_id, department_id FROM chats ORDER BY code`)
	return cs, wrap("chats", err)
}

// TableCounts returns the row count of each roster table, for checks that an
// import run twice changes nothing.
func (q *Queries) TableCounts(ctx context.Context) (map[string]int, error) {
	out := map[string]int{}
	for _, t := range []string{"communities", "alleys", "departments", "categories", "roles", "people",
		"person_roles", "patrol_schedules", "chats", "chat_bindings", "identities", "schema_migrations"} {
		var n int
		if err := q.db.GetContext(ctx, &n, `SELECT count(*) FROM `+t); err != nil {
			return nil, wrap("count "+t, err)
		}
		out[t] = n
	}
	return out, nil
}

func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}

// ClearWecomUserIDs blanks the WeCom userids of the given people (before a
// roster import sets them again).
func (q *Queries) ClearWecomUserIDs(ctx context.Context, codes []string) error {
	_, err := q.db.ExecContext(ctx, `UPDATE people SET wecom_userid = NULL WHERE code = ANY($1)`, pq.StringArray(codes))
	return wrap("clear wecom userids", err)
}

// lineOf is never NULL (the column is NOT NULL, '{}' for none).
func lineOf(l []float64) pq.Float64Array {
	if l == nil {
		return pq.Float64Array{}
	}
	return l
}

// aliasesOf is never NULL (the column is NOT NULL, '{}' for none).
func aliasesOf(as []string) pq.StringArray {
	if as == nil {
		return pq.StringArray{}
	}
	return pq.StringArray(as)
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
	var pw, pf, pt pq.StringArray
	for _, p := range ps {
		id := ids[p.Code]
		for _, r := range p.Roles {
			rp, rr, rd, rc = append(rp, id), append(rr, string(r.Role)), append(rd, r.DepartmentID.Int64), append(rc, r.CommunityID.Int64)
		}
		for _, s := range p.Patrols {
			pp, pa, pw, pf, pt = append(pp, id), append(pa, s.AlleyID), append(pw, arrayLiteral(s.Weekdays)), append(pf, s.StartsAt), append(pt, s.EndsAt)
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
	if _, err := q.db.ExecContext(ctx, `DELETE FROM patrol_schedules WHERE person_id = ANY($1::bigint[])`, all); err != nil {
		return nil, wrap("clear patrols", err)
	}
	if _, err := q.db.ExecContext(ctx, `
		INSERT INTO patrol_schedules (person_id, alley_id, weekdays, starts_at, ends_at)
		SELECT person_id, alley_id, weekdays::smallint[], starts_at::time, ends_at::time
		FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[]) AS p(person_id, alley_id, weekdays, starts_at, ends_at)`,
		pp, pa, pw, pf, pt); err != nil {
		return nil, wrap("insert patrols", err)
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
