package store

import (
	"context"
	"database/sql"

	"github.com/lib/pq"

	"github.com/alleybot/alleybot/model"
)

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

// ChatTarget is a group chat with its platform bindings.
type ChatTarget struct {
	Chat
	Bindings []ChatBinding
}

// ChatBinding is where a roster group lives on one messenger.
type ChatBinding struct {
	Platform   string `db:"platform"`
	ExternalID string `db:"external_id"`
}

// ChatsFor finds the group chats of a kind, optionally narrowed to a
// community or department (0 = any), with where each lives, in one query.
func (q *Queries) ChatsFor(ctx context.Context, kind model.ChatKind, communityID, departmentID int64) ([]ChatTarget, error) {
	var rows []struct {
		Chat
		Platforms   pq.StringArray `db:"platforms"`
		ExternalIDs pq.StringArray `db:"external_ids"`
	}
	err := q.db.SelectContext(ctx, &rows, `
		SELECT c.id, c.code, c.kind, c.title, c.community_id, c.alley_id, c.department_id, c.notify_reports,
			array(SELECT b.platform FROM chat_bindings b WHERE b.chat_id = c.id ORDER BY b.platform) AS platforms,
			array(SELECT b.external_id FROM chat_bindings b WHERE b.chat_id = c.id ORDER BY b.platform) AS external_ids
		FROM chats c
		WHERE c.kind = $1 AND ($2 = 0 OR c.community_id = $2 OR c.community_id IS NULL)
			AND ($3 = 0 OR c.department_id = $3)
		ORDER BY c.id`, kind, communityID, departmentID)
	if err != nil {
		return nil, wrap("chats", err)
	}
	out := make([]ChatTarget, len(rows))
	for i, r := range rows {
		out[i].Chat = r.Chat
		for j := range r.Platforms {
			out[i].Bindings = append(out[i].Bindings, ChatBinding{Platform: r.Platforms[j], ExternalID: r.ExternalIDs[j]})
		}
	}
	return out, nil
}

// ChatByBinding finds the group a platform chat is bound to.
func (q *Queries) ChatByBinding(ctx context.Context, platform, externalID string) (Chat, error) {
	var c Chat
	err := q.db.GetContext(ctx, &c, `SELECT c.id, c.code, c.kind, c.title, c.community_id, c.alley_id, c.department_id
		FROM chats c JOIN chat_bindings b ON b.chat_id = c.id WHERE b.platform = $1 AND b.external_id = $2`, platform, externalID)
	return c, wrap("chat binding", notFound(err))
}

// WecomMembers lists the WeCom userids of the active people a group of
// kind stands for: the coordinators for the center's group, a
// department's members for its group (departmentID); nobody for the other
// kinds. A WeCom group is reached by a robot, which cannot carry buttons:
// its cards go to these people too.
func (q *Queries) WecomMembers(ctx context.Context, kind model.ChatKind, communityID, departmentID int64) ([]string, error) {
	role := map[model.ChatKind]model.Role{model.ChatCoordinators: model.RoleCoordinator, model.ChatDepartment: model.RoleDepartment}[kind]
	if role == "" {
		return nil, nil
	}
	var ids []string
	err := q.db.SelectContext(ctx, &ids, `
		SELECT DISTINCT i.external_id FROM identities i
		JOIN people p ON p.id = i.person_id AND p.active
		JOIN person_roles r ON r.person_id = p.id AND r.role = $1
		WHERE i.platform = 'wecom' AND ($2 = 0 OR r.department_id = $2)
			AND ($3 = 0 OR r.community_id IS NULL OR r.community_id = $3)
		ORDER BY i.external_id`, role, departmentID, communityID)
	return ids, wrap("wecom members", err)
}
