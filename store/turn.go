package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/lib/pq"

	"github.com/alleybot/alleybot/model"
)

// An update's transaction in few round trips (issue 15): BeginTurn fetches
// in one statement everything an update needs first — the person-in-chat
// lock, the update's dedupe key, the speaker with their roles, and the
// conversation state (locked) — and from then on the Tx keeps that state in
// memory: ConversationFor, SaveConversation and DeleteConversation on the
// turn's own chat user read and change the copy, and the write goes out
// with the update's queued messages in one statement at the end
// (EnqueueMessages, or FinishState when nothing is queued).

// Begun is what an update's first statement found.
type Begun struct {
	First  bool    // false: the update was handled before
	Person *Person // nil: nobody of the roster uses this account
	Roles  []PersonRole
}

// turnState is the turn's own conversation: loaded under its row lock (or
// found missing), changed in memory, written once by Finish.
type turnState struct {
	platform, chatID, userID string
	existed                  bool               // the row was there (and is locked)
	cur                      *ConversationState // nil: no running flow
	dirty                    bool
	base                     int64 // from the version sequence, once per turn
	saves                    int64 // saves so far in the turn
}

// versionsPerTurn: a turn takes one number from conversation_versions and
// gives its saves base×16, base×16+1 …; Queries.SaveConversation gives
// nextval×16 likewise, so the two never meet.
const versionsPerTurn = 16

// ErrTurnRace means a conversation row appeared after the update's first
// statement read it as missing (two updates of one person in a race the
// lock could not order): the update is run again from the start.
var ErrTurnRace = errors.New("conversation started by a concurrent update")

// BeginTurn opens an update's work in one statement: it takes the lock that
// serialises one person's updates in one chat, records key (unless empty;
// First false means the update came before), and returns the speaker
// (the identity's person, or on WeCom the roster's wecom_userid) with their
// roles; the conversation state is kept in the Tx for the turn.
func (t *Tx) BeginTurn(ctx context.Context, platform, chatID, userID, key string) (Begun, error) {
	var row struct {
		First       bool           `db:"first"`
		NextVersion int64          `db:"next_version"`
		Plans       string         `db:"plans"`
		Roster      int64          `db:"roster_version"`
		ID          sql.NullInt64  `db:"id"`
		Code        sql.NullString `db:"code"`
		Name        sql.NullString `db:"name"`
		Phone       sql.NullString `db:"phone"`
		WecomUserID sql.NullString `db:"wecom_userid"`
		Lang        sql.NullString `db:"lang"`
		Active      sql.NullBool   `db:"active"`
		Roles       []byte         `db:"roles"`
		Flow        sql.NullString `db:"flow"`
		Step        sql.NullString `db:"step"`
		Data        []byte         `db:"data"`
		History     pq.StringArray `db:"history"`
		Pending     []byte         `db:"pending"`
		StartedAt   sql.NullTime   `db:"started_at"`
		UpdatedAt   sql.NullTime   `db:"updated_at"`
		Version     sql.NullInt64  `db:"version"`
	}
	// The rest of the turn runs its prepared statements on their generic
	// plans: planned once per connection, again after an ANALYZE (which
	// Store.RefreshStats runs as the tables grow).
	// The person-in-chat lock (l) is taken first; turn_conversation
	// (migration 0015, VOLATILE), called for l's row, then reads the
	// conversation with a snapshot taken after it: a flow the update it
	// waited for has just started is seen. Should a row
	// appear anyway (written without the lock), Finish's INSERT fails and
	// the update runs again.
	err := t.db.GetContext(ctx, &row, `
		WITH l AS (SELECT pg_advisory_xact_lock(hashtextextended($1 || E'\x1f' || $3 || E'\x1f' || $2, 7412)) AS locked),
		s AS (SELECT cs.flow, cs.step, cs.data, cs.history, cs.pending, cs.started_at, cs.updated_at, cs.version
			FROM l, LATERAL turn_conversation($1, $3, $2) cs),
		d AS (INSERT INTO processed_updates (platform, update_key) SELECT $1, $4 WHERE $4 <> '' ON CONFLICT DO NOTHING RETURNING 1),
		`+speakerCTE(platform)+`
		SELECT $4 = '' OR EXISTS (SELECT 1 FROM d) AS first, nextval('conversation_versions') AS next_version,
			set_config('plan_cache_mode', 'force_generic_plan', true) AS plans,
			(SELECT v FROM roster_version) AS roster_version,
			p.id, p.code, p.name, p.phone, p.wecom_userid, p.lang, p.active, `+speakerRoles+`,
			s.flow, s.step, s.data::text AS data, s.history, s.pending::text AS pending, s.started_at, s.updated_at, s.version
		FROM (SELECT 1) one LEFT JOIN p ON true LEFT JOIN s ON true`,
		platform, userID, chatID, key)
	if err != nil {
		return Begun{}, wrap("begin update", err)
	}
	b := Begun{First: row.First}
	if !b.First {
		return b, nil
	}
	ts := &turnState{platform: platform, chatID: chatID, userID: userID, base: row.NextVersion}
	if row.Flow.Valid {
		ts.existed = true
		ts.cur = &ConversationState{Platform: platform, ChatID: chatID, UserID: userID, Flow: row.Flow.String, Step: row.Step.String,
			Data: json.RawMessage(row.Data), History: row.History, Pending: row.Pending, StartedAt: row.StartedAt.Time,
			UpdatedAt: row.UpdatedAt.Time, Version: row.Version.Int64}
	}
	t.turn, t.rosterV = ts, row.Roster
	if row.ID.Valid {
		b.Person = &Person{ID: row.ID.Int64, Code: row.Code.String, Name: row.Name.String, Phone: row.Phone.String,
			WecomUserID: row.WecomUserID, Lang: row.Lang.String, Active: row.Active.Bool}
		if b.Roles, err = decodeRoles(row.Roles); err != nil {
			return Begun{}, err
		}
	}
	return b, nil
}

func decodeRoles(b []byte) ([]PersonRole, error) {
	var raw []struct {
		Role           model.Role `json:"role"`
		DepartmentID   *int64     `json:"department_id"`
		CommunityID    *int64     `json:"community_id"`
		DepartmentName string     `json:"department_name"`
		CommunityName  string     `json:"community_name"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("speaker roles: %w", err)
	}
	roles := make([]PersonRole, len(raw))
	for i, r := range raw {
		roles[i] = PersonRole{Role: r.Role, DepartmentName: r.DepartmentName, CommunityName: r.CommunityName}
		if r.DepartmentID != nil {
			roles[i].DepartmentID = sql.NullInt64{Int64: *r.DepartmentID, Valid: true}
		}
		if r.CommunityID != nil {
			roles[i].CommunityID = sql.NullInt64{Int64: *r.CommunityID, Valid: true}
		}
	}
	return roles, nil
}

// mine reports whether (platform, chat, user) is the turn's own
// conversation, kept in memory.
func (t *Tx) mine(platform, chatID, userID string) bool {
	return t.turn != nil && t.turn.platform == platform && t.turn.chatID == chatID && t.turn.userID == userID
}

// ConversationFor is the turn's own state from memory (read under its lock
// by BeginTurn); any other chat user's is read and locked.
func (t *Tx) ConversationFor(ctx context.Context, platform, chatID, userID string) (ConversationState, error) {
	if !t.mine(platform, chatID, userID) {
		return t.Queries.ConversationFor(ctx, platform, chatID, userID)
	}
	if t.turn.cur == nil {
		return ConversationState{}, wrap("conversation", ErrNotFound)
	}
	st := *t.turn.cur
	st.History = append(pq.StringArray(nil), st.History...)
	return st, nil
}

// SaveConversation keeps the turn's own state for Finish and returns the
// version it will have; any other is written at once.
func (t *Tx) SaveConversation(ctx context.Context, st ConversationState) (int64, error) {
	if !t.mine(st.Platform, st.ChatID, st.UserID) {
		return t.Queries.SaveConversation(ctx, st)
	}
	now := time.Now()
	if st.StartedAt.IsZero() {
		st.StartedAt = now
	}
	st.UpdatedAt = now
	// Each save gives a new version, as a save of its own did: a question
	// asked before a later save of the same turn is stale. One number from
	// the sequence per turn makes 16 (base×16+k, all above the numbers
	// the sequence gave before it was used so); more saves than that take
	// numbers of their own.
	if t.turn.saves < versionsPerTurn {
		st.Version = t.turn.base*versionsPerTurn + t.turn.saves
	} else if err := t.db.GetContext(ctx, &st.Version, `SELECT nextval('conversation_versions') * $1`, versionsPerTurn); err != nil {
		return 0, wrap("save conversation", err)
	}
	t.turn.saves++
	st.History = append(pq.StringArray(nil), st.History...)
	t.turn.cur, t.turn.dirty = &st, true
	return st.Version, nil
}

// DeleteConversation ends the turn's own flow at Finish; any other at once.
func (t *Tx) DeleteConversation(ctx context.Context, platform, chatID, userID string) error {
	if !t.mine(platform, chatID, userID) {
		return t.Queries.DeleteConversation(ctx, platform, chatID, userID)
	}
	t.turn.cur, t.turn.dirty = nil, true
	return nil
}

// stateWrite is the turn's conversation write as a statement (a CTE when
// messages follow): its SQL with parameters numbered from first, and its
// arguments; "" when there is nothing to write.
func (t *Tx) stateWrite(first int) (string, []any) {
	ts := t.turn
	if ts == nil || !ts.dirty {
		return "", nil
	}
	p := func(i int) string { return "$" + strconv.Itoa(first+i) }
	key := []any{ts.platform, ts.chatID, ts.userID}
	where := ` WHERE platform = ` + p(0) + ` AND chat_id = ` + p(1) + ` AND user_id = ` + p(2)
	st := ts.cur
	if st == nil {
		if !ts.existed {
			return "", nil
		}
		return `DELETE FROM conversation_states` + where, key
	}
	data := st.Data
	if data == nil {
		data = json.RawMessage(`{}`)
	}
	var pending sql.NullString
	if len(st.Pending) > 0 {
		pending = sql.NullString{String: string(st.Pending), Valid: true}
	}
	args := append(key, st.Flow, st.Step, string(data), pq.StringArray(append([]string{}, st.History...)), pending, st.StartedAt, st.Version)
	if ts.existed {
		return `UPDATE conversation_states SET flow = ` + p(3) + `, step = ` + p(4) + `, data = ` + p(5) + `::jsonb, history = ` + p(6) +
			`, pending = ` + p(7) + `::jsonb, started_at = ` + p(8) + `, updated_at = now(), version = ` + p(9) + where, args
	}
	// No row when BeginTurn looked: one appearing since is a race (the
	// unique violation aborts the update, which runs again and sees it).
	return `INSERT INTO conversation_states (platform, chat_id, user_id, flow, step, data, history, pending, started_at, updated_at, version)
		VALUES (` + p(0) + `, ` + p(1) + `, ` + p(2) + `, ` + p(3) + `, ` + p(4) + `, ` + p(5) + `::jsonb, ` + p(6) + `, ` + p(7) + `::jsonb, ` +
		p(8) + `, now(), ` + p(9) + `)`, args
}

// FinishState writes the turn's conversation, when Finish has not already
// (an update that queued nothing).
func (t *Tx) FinishState(ctx context.Context) error {
	q, args := t.stateWrite(1)
	if q == "" {
		return nil
	}
	_, err := t.db.ExecContext(ctx, q, args...)
	if err != nil {
		return wrap("save conversation", raced(err))
	}
	t.turn.written()
	return nil
}

// written records that the turn's state is in the table as it is in
// memory: a later save in the turn updates (or deletes) that row.
func (ts *turnState) written() {
	ts.dirty, ts.existed = false, ts.cur != nil
}

func raced(err error) error {
	var pqErr *pq.Error
	if errors.As(err, &pqErr) && pqErr.Code == "23505" && pqErr.Constraint == "conversation_states_pkey" {
		return fmt.Errorf("%w: %w", ErrTurnRace, err)
	}
	return err
}

// EnqueueMessages queues msgs (Queries.EnqueueMessages) and writes the
// turn's conversation in the same statement.
func (t *Tx) EnqueueMessages(ctx context.Context, msgs []OutboxMessage) ([]OutboxChat, error) {
	if len(msgs) == 0 {
		return nil, t.FinishState(ctx)
	}
	q, args := t.stateWrite(7)
	if q == "" {
		return t.Queries.EnqueueMessages(ctx, msgs)
	}
	queued, err := t.enqueue(ctx, "WITH st AS ("+q+"),", args, msgs)
	if err != nil {
		return nil, raced(err)
	}
	t.turn.written()
	return queued, nil
}
