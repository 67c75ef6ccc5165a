package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

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

// Invite is a one-time code that binds a platform account to a person.
type Invite struct {
	Code      string    `db:"code"`
	PersonID  int64     `db:"person_id"`
	ExpiresAt time.Time `db:"expires_at"`
}

// inviteAlphabet leaves out 0/O and 1/I/L so a code read aloud is not misheard.
const inviteAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// CreateInvite makes a new one-time code for personID. Telegram deep-link
// payloads allow A-Z, a-z, 0-9, _ and -, so the code is safe in a link.
func (q *Queries) CreateInvite(ctx context.Context, personID int64, ttl time.Duration) (Invite, error) {
	b := make([]byte, 10)
	if _, err := rand.Read(b); err != nil {
		return Invite{}, err
	}
	code := make([]byte, len(b))
	for i, c := range b {
		code[i] = inviteAlphabet[int(c)%len(inviteAlphabet)]
	}
	inv := Invite{Code: string(code), PersonID: personID}
	err := q.db.GetContext(ctx, &inv.ExpiresAt, `
		INSERT INTO invites (code, person_id, expires_at) VALUES ($1, $2, now() + $3 * interval '1 second')
		RETURNING expires_at`, inv.Code, personID, int64(ttl.Seconds()))
	return inv, wrap("create invite", err)
}

// Errors of RedeemInvite, each with its own message for the person.
var (
	ErrInviteUnknown = errors.New("invite code unknown")
	ErrInviteUsed    = errors.New("invite code already used")
	ErrInviteExpired = errors.New("invite code expired")
)

// RedeemInvite binds (platform, externalID) to the invite's person inside tx.
// A person re-invited on a new account loses the old binding on that
// platform; an account bound to someone else is moved.
func (q *Queries) RedeemInvite(ctx context.Context, code, platform, externalID, username string) (Person, error) {
	var inv struct {
		PersonID int64          `db:"person_id"`
		Expired  bool           `db:"expired"`
		UsedAt   sql.NullTime   `db:"used_at"`
		UsedBy   sql.NullString `db:"used_by"`
	}
	err := q.db.GetContext(ctx, &inv, `
		SELECT person_id, expires_at < now() AS expired, used_at, used_by FROM invites WHERE code = $1 FOR UPDATE`,
		strings.ToUpper(strings.TrimSpace(code)))
	if errors.Is(err, sql.ErrNoRows) {
		return Person{}, ErrInviteUnknown
	}
	if err != nil {
		return Person{}, wrap("read invite", err)
	}
	by := platform + ":" + externalID
	if inv.UsedAt.Valid {
		if inv.UsedBy.String == by { // the same account pressing the link again
			return q.PersonByID(ctx, inv.PersonID)
		}
		return Person{}, ErrInviteUsed
	}
	if inv.Expired {
		return Person{}, ErrInviteExpired
	}
	if _, err := q.db.ExecContext(ctx, `UPDATE invites SET used_at = now(), used_by = $2 WHERE code = $1`,
		strings.ToUpper(strings.TrimSpace(code)), by); err != nil {
		return Person{}, wrap("use invite", err)
	}
	if _, err := q.db.ExecContext(ctx, `DELETE FROM identities WHERE (person_id = $1 AND platform = $2) OR (platform = $2 AND external_id = $3)`,
		inv.PersonID, platform, externalID); err != nil {
		return Person{}, wrap("clear identity", err)
	}
	if _, err := q.db.ExecContext(ctx, `INSERT INTO identities (platform, external_id, person_id, username) VALUES ($1, $2, $3, $4)`,
		platform, externalID, inv.PersonID, username); err != nil {
		return Person{}, wrap("bind identity", err)
	}
	var p Person
	err = q.db.GetContext(ctx, &p, `SELECT `+personCols+` FROM people WHERE id = $1`, inv.PersonID)
	return p, wrap("person", err)
}

// InviteHolder is the person an invite code is for, read without using
// it: a bound account redeeming someone else's code is refused first
// (handlers.redeemBound). An unusable code gives RedeemInvite's errors.
func (q *Queries) InviteHolder(ctx context.Context, code string) (Person, error) {
	var row struct {
		Person
		Expired bool `db:"expired"`
		Used    bool `db:"used"`
	}
	err := q.db.GetContext(ctx, &row, `SELECT `+prefixed("p", personCols)+`, i.expires_at < now() AS expired, i.used_at IS NOT NULL AS used
		FROM invites i JOIN people p ON p.id = i.person_id WHERE i.code = $1`, strings.ToUpper(strings.TrimSpace(code)))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return Person{}, ErrInviteUnknown
	case err != nil:
		return Person{}, wrap("invite holder", err)
	case row.Used:
		return row.Person, ErrInviteUsed
	case row.Expired:
		return row.Person, ErrInviteExpired
	}
	return row.Person, nil
}

// UnbindPerson removes a person's invited accounts (every platform but
// WeCom, whose accounts are the roster's wecom_userid, and the console,
// which binds everyone): an administrator moving an account deliberately
// (alleybot unbind). It returns the accounts removed, "platform id".
func (q *Queries) UnbindPerson(ctx context.Context, personID int64) ([]string, error) {
	var gone []string
	err := q.db.SelectContext(ctx, &gone, `DELETE FROM identities WHERE person_id = $1 AND platform NOT IN ('wecom', 'console')
		RETURNING platform || ' ' || external_id`, personID)
	return gone, wrap("unbind person", err)
}

// BindIdentity binds an account directly (the console, which is trusted).
func (q *Queries) BindIdentity(ctx context.Context, platform, externalID string, personID int64) error {
	_, err := q.db.ExecContext(ctx, `
		INSERT INTO identities (platform, external_id, person_id) VALUES ($1, $2, $3)
		ON CONFLICT (platform, external_id) DO UPDATE SET person_id = EXCLUDED.person_id`, platform, externalID, personID)
	return wrap("bind identity", err)
}

// MarkProcessed records an update's key inside the transaction of its
// effects. It reports false when the key was already there: the caller then
// rolls back and sends nothing.
func (q *Queries) MarkProcessed(ctx context.Context, platform, key string) (bool, error) {
	res, err := q.db.ExecContext(ctx, `
		INSERT INTO processed_updates (platform, update_key) VALUES ($1, $2) ON CONFLICT DO NOTHING`, platform, key)
	if err != nil {
		return false, wrap("mark processed", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// BindLocal makes a local platform (the console) an ordinary messenger:
// every person gets an account there under their roster code, and every
// roster group a chat under groupPrefix + its code.
func (q *Queries) BindLocal(ctx context.Context, platform, groupPrefix string) error {
	if _, err := q.db.ExecContext(ctx, `INSERT INTO identities (platform, external_id, person_id)
		SELECT $1, code, id FROM people ON CONFLICT DO NOTHING`, platform); err != nil {
		return wrap("bind people", err)
	}
	_, err := q.db.ExecContext(ctx, `INSERT INTO chat_bindings (platform, external_id, chat_id)
		SELECT $1, $2 || code, id FROM chats ON CONFLICT DO NOTHING`, platform, groupPrefix)
	return wrap("bind groups", err)
}

// NamesWithRole lists the names of the active people holding role (for a
// refusal that says whom to ask).
func (q *Queries) NamesWithRole(ctx context.Context, role model.Role) ([]string, error) {
	var names []string
	err := q.db.SelectContext(ctx, &names, `SELECT DISTINCT p.name FROM people p JOIN person_roles r ON r.person_id = p.id
		WHERE r.role = $1 AND p.active ORDER BY p.name`, role)
	return names, wrap("names with role", err)
}

// BindWecom makes each person's roster wecom_userid their WeCom account
// (no invitation on WeCom), and drops WeCom accounts the roster no longer
// names. serve runs it at start when WeCom is configured, so the flows
// write to WeCom people as to anyone bound.
func (q *Queries) BindWecom(ctx context.Context) error {
	if _, err := q.db.ExecContext(ctx, `DELETE FROM identities i USING people p
		WHERE i.platform = 'wecom' AND i.person_id = p.id AND i.external_id IS DISTINCT FROM p.wecom_userid`); err != nil {
		return wrap("unbind wecom", err)
	}
	_, err := q.db.ExecContext(ctx, `INSERT INTO identities (platform, external_id, person_id)
		SELECT 'wecom', wecom_userid, id FROM people WHERE coalesce(wecom_userid, '') <> '' ON CONFLICT DO NOTHING`)
	return wrap("bind wecom", err)
}

// speakerCTE is the person behind account $2 on platform $1 (the
// identity's; on WeCom, unbound, the roster's wecom_userid), and
// speakerRoles their roles as JSON (decodeRoles): an update's first question,
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
			WHERE r.person_id = p.id), '[]')::text AS roles`

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
