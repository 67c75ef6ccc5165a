package store

import (
	"context"

	"github.com/lib/pq"

	"github.com/alleybot/alleybot/model"
)

// NearestAlley is the alley nearest to (lat, lon) among those that
// contain it (within radius_m of its centre, or of its line); ErrNotFound
// when none does. A subdistrict has hundreds of alleys at most, so a scan
// is cheap.
func (q *Queries) NearestAlley(ctx context.Context, lat, lon float64) (Alley, float64, error) {
	as, err := q.AllAlleys(ctx)
	if err != nil {
		return Alley{}, 0, err
	}
	a, dist, inside := Nearest(as, lat, lon)
	if !inside {
		return Alley{}, 0, ErrNotFound
	}
	return a, dist, nil
}

// AlleyByID reads one alley.
func (q *Queries) AlleyByID(ctx context.Context, id int64) (Alley, error) {
	var a Alley
	err := q.db.GetContext(ctx, &a, `SELECT id, code, community_id, name, lat, lon, radius_m, aliases, line FROM alleys WHERE id = $1`, id)
	return a, wrap("alley", notFound(err))
}

// AllAlleys lists every alley by name (for people who patrol none).
func (q *Queries) AllAlleys(ctx context.Context) ([]Alley, error) {
	var as []Alley
	err := q.db.SelectContext(ctx, &as, `SELECT id, code, community_id, name, lat, lon, radius_m, aliases, line FROM alleys ORDER BY name`)
	return as, wrap("alleys", err)
}

// CategoryByID reads one problem category.
func (q *Queries) CategoryByID(ctx context.Context, id int64) (Category, error) {
	var c Category
	err := q.db.GetContext(ctx, &c, `SELECT id, code, name, name_en, department_id, verify_within_minutes, fix_within_minutes, sort
		FROM categories WHERE id = $1`, id)
	return c, wrap("category", notFound(err))
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
