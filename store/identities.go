package store

import (
	"context"

	"github.com/lib/pq"
)

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

// Identity is where a person can be reached.
type Identity struct {
	Platform   string `db:"platform"`
	ExternalID string `db:"external_id"`
}

// IdentitiesOf lists a person's accounts, by platform.
func (q *Queries) IdentitiesOf(ctx context.Context, personID int64) ([]Identity, error) {
	var ids []Identity
	err := q.db.SelectContext(ctx, &ids, `SELECT platform, external_id FROM identities WHERE person_id = $1 ORDER BY platform`, personID)
	return ids, wrap("identities", err)
}

// Account is one messenger account of a person, with what a message to
// them needs.
type Account struct {
	PersonID int64  `db:"person_id"`
	Name     string `db:"name"`
	Lang     string `db:"lang"`
	Platform string `db:"platform"`
	ChatID   string `db:"external_id"`
}

// AccountsOf lists the accounts of many people in one statement (a
// broadcast), by person.
func (q *Queries) AccountsOf(ctx context.Context, people []int64) ([]Account, error) {
	var as []Account
	err := q.db.SelectContext(ctx, &as, `SELECT p.id AS person_id, p.name, p.lang, i.platform, i.external_id
		FROM people p JOIN identities i ON i.person_id = p.id WHERE p.id = ANY($1) AND p.active ORDER BY p.code, i.platform`,
		pq.Int64Array(people))
	return as, wrap("accounts", err)
}
