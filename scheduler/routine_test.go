package scheduler_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/bot/console"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/scheduler"
	"github.com/alleybot/alleybot/store"
)

// TestRoutines: on Friday 2026-11-27, 王秀兰 (S01) patrols 帽儿胡同 08:00–09:00
// and 雨儿胡同 16:00–17:00 (examples/roster.yaml).
func TestRoutines(t *testing.T) {
	r := newPingRig(t) // one case, dispatched Friday 10:00, verify-by 12:00
	db := r.st.DB()
	if _, err := db.Exec(`INSERT INTO identities (platform, external_id, person_id) SELECT 'telegram', '7001', id FROM people WHERE code = 'S01'`); err != nil {
		t.Fatal(err)
	}
	c, _ := r.st.ChatByCode(context.Background(), "center")
	if err := r.st.BindChat(context.Background(), c.ID, "telegram", "-1003"); err != nil {
		t.Fatal(err)
	}
	s, err := scheduler.New(r.st, scheduler.Options{InsertOnly: true, Pings: r.opts,
		Routine: scheduler.RoutineOptions{RemindBefore: 10 * 60e9, SummaryAt: 18 * 60, DigestAt: 18 * 60}})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		now  string
		chat string
		want string // "" = nothing at all
	}{
		{now: "2026-11-27 07:40"},
		{now: "2026-11-27 07:50", chat: "7001", want: "今天 08:00–09:00 巡查帽儿胡同"},
		{now: "2026-11-27 07:55"},
		{now: "2026-11-27 09:00", chat: "7001", want: "08:00–09:00 帽儿胡同的巡查还没有签到记录"},
		{now: "2026-11-27 15:55", chat: "7001", want: "巡查雨儿胡同"},
		{now: "2026-11-27 17:05"}, // checked in (below): no missed notice
		{now: "2026-11-27 18:00", chat: "-1003", want: "未签到的巡查"},
		{now: "2026-11-27 18:01"},
	}
	for _, st := range steps {
		if st.now == "2026-11-27 17:05" {
			if _, err := db.Exec(`INSERT INTO patrol_checkins (person_id, alley_id, at)
				SELECT p.id, a.id, $1 FROM people p, alleys a WHERE p.code = 'S01' AND a.code = 'yuer'`, at("2026-11-27 16:20")); err != nil {
				t.Fatal(err)
			}
		}
		r.set(st.now)
		if err := s.ScanRoutines(context.Background()); err != nil {
			t.Fatal(err)
		}
		q := r.queued(t)
		got := strings.Join(q[st.chat], "\n")
		switch {
		case st.want == "" && len(q) > 0:
			t.Errorf("%s: unexpected %v", st.now, q)
		case st.want != "" && !strings.Contains(got, st.want):
			t.Errorf("%s: %s was told %q, want %q (all: %v)", st.now, st.chat, got, st.want, q)
		}
		if st.now == "2026-11-27 18:00" {
			summary := strings.Join(q["-1003"], "\n")
			if !strings.Contains(summary, "王秀兰 · 帽儿胡同 · 08:00–09:00") || strings.Contains(summary, "王秀兰 · 雨儿胡同") || !strings.Contains(summary, "6 次") {
				t.Errorf("missed summary: %q", summary)
			}
			digest := strings.Join(q["-1001"], "\n")
			if !strings.Contains(digest, "小结:新上报 1 件,办结 0 件,超时 1 件") || !strings.Contains(digest, "交道口街道环卫所:新 1") {
				t.Errorf("digest: %q", digest)
			}
		}
	}
}

// TestSuspendedStewardIsNotReminded (四(三)): 王秀兰's steward role is
// suspended: her patrols are not reminded; restored, they are again.
func TestSuspendedStewardIsNotReminded(t *testing.T) {
	r := newPingRig(t)
	db := r.st.DB()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.Exec(q, args...); err != nil {
			t.Fatal(err)
		}
	}
	exec(`INSERT INTO identities (platform, external_id, person_id) SELECT 'telegram', '7001', id FROM people WHERE code = 'S01'`)
	exec(`INSERT INTO steward_record (person_id, kind, reason, at) SELECT id, 'suspension', '3', $1 FROM people WHERE code = 'S01'`, at("2026-11-26 10:00"))
	s, err := scheduler.New(r.st, scheduler.Options{InsertOnly: true, Pings: r.opts,
		Routine: scheduler.RoutineOptions{RemindBefore: 10 * 60e9, SummaryAt: -1, DigestAt: -1}})
	if err != nil {
		t.Fatal(err)
	}
	r.set("2026-11-27 07:50")
	if err := s.ScanRoutines(context.Background()); err != nil {
		t.Fatal(err)
	}
	if q := r.queued(t); len(q["7001"]) > 0 {
		t.Errorf("a suspended steward was reminded: %v", q["7001"])
	}
	exec(`INSERT INTO steward_record (person_id, kind, reason, at) SELECT id, 'restoration', '已整改', $1 FROM people WHERE code = 'S01'`, at("2026-11-27 12:00"))
	r.set("2026-11-27 15:55")
	if err := s.ScanRoutines(context.Background()); err != nil {
		t.Fatal(err)
	}
	if q := r.queued(t); !strings.Contains(strings.Join(q["7001"], "\n"), "巡查雨儿胡同") {
		t.Errorf("restored, she should be reminded again: %v", q)
	}
}

// TestCleanup: once a day, old update keys, abandoned drafts and their
// photos go; a case's photos and a live draft stay.
func TestCleanup(t *testing.T) {
	r := newPingRig(t)
	db := r.st.DB()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.Exec(q, args...); err != nil {
			t.Fatal(err)
		}
	}
	old, fresh := at("2026-10-01 10:00"), at("2026-11-27 09:00")
	exec(`INSERT INTO processed_updates (platform, update_key, processed_at) VALUES ('telegram', 'old', $1), ('telegram', 'new', $2)`, old, fresh)
	exec(`INSERT INTO conversation_states (platform, chat_id, user_id, flow, step, updated_at) VALUES
		('telegram', '1', '1', 'report', 'photos', $1), ('telegram', '2', '2', 'report', 'photos', $2)`, old, fresh)
	exec(`INSERT INTO photos (platform, file_ref, created_at) VALUES ('telegram', 'abandoned', $1), ('telegram', 'in-a-live-draft', $2)`, old, fresh)
	exec(`INSERT INTO photos (platform, file_ref, created_at, case_id) VALUES ('telegram', 'of-a-case', $1, $2)`, old, r.id)
	s, err := scheduler.New(r.st, scheduler.Options{InsertOnly: true, Pings: r.opts,
		Routine: scheduler.RoutineOptions{KeepFor: 30 * 24 * 3600e9, SummaryAt: -1, DigestAt: -1}})
	if err != nil {
		t.Fatal(err)
	}
	r.set("2026-11-27 10:00")
	if err := s.ScanRoutines(context.Background()); err != nil {
		t.Fatal(err)
	}
	var keys, drafts []string
	var photos []string
	_ = db.Select(&keys, `SELECT update_key FROM processed_updates ORDER BY 1`)
	_ = db.Select(&drafts, `SELECT chat_id FROM conversation_states ORDER BY 1`)
	_ = db.Select(&photos, `SELECT file_ref FROM photos ORDER BY 1`)
	if strings.Join(keys, ",") != "new" || strings.Join(drafts, ",") != "2" || strings.Join(photos, ",") != "in-a-live-draft,of-a-case" {
		t.Errorf("after cleanup: keys %v, drafts %v, photos %v", keys, drafts, photos)
	}
}

// TestLeftPatrolClosed: a patrol left open is ended at the end of its
// window, recorded as not ended by the steward, who is told.
func TestLeftPatrolClosed(t *testing.T) {
	r := newPingRig(t)
	db := r.st.DB()
	if _, err := db.Exec(`INSERT INTO identities (platform, external_id, person_id) SELECT 'telegram', '7001', id FROM people WHERE code = 'S01'`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO patrol_checkins (person_id, alley_id, schedule_id, at)
		SELECT s.person_id, s.alley_id, s.id, $1 FROM patrol_schedules s JOIN people p ON p.id = s.person_id JOIN alleys a ON a.id = s.alley_id
		WHERE p.code = 'S01' AND a.code = 'maoer'`, at("2026-11-27 08:10")); err != nil {
		t.Fatal(err)
	}
	s, err := scheduler.New(r.st, scheduler.Options{InsertOnly: true, Pings: r.opts,
		Routine: scheduler.RoutineOptions{RemindBefore: 10 * 60e9, SummaryAt: -1, DigestAt: -1}})
	if err != nil {
		t.Fatal(err)
	}
	r.set("2026-11-27 08:59")
	if err := s.ScanRoutines(context.Background()); err != nil {
		t.Fatal(err)
	}
	var open int
	_ = db.Get(&open, `SELECT count(*) FROM patrol_checkins WHERE ended_at IS NULL`)
	if open != 1 {
		t.Fatalf("closed before the end of its window")
	}
	r.set("2026-11-27 09:01")
	if err := s.ScanRoutines(context.Background()); err != nil {
		t.Fatal(err)
	}
	var by string
	_ = db.Get(&by, `SELECT coalesce(ended_by, '') FROM patrol_checkins`)
	if by != "scheduler" {
		t.Errorf("ended by %q, want scheduler", by)
	}
	if got := strings.Join(r.queued(t)["7001"], "\n"); !strings.Contains(got, "自动结束") {
		t.Errorf("the steward was told %q", got)
	}
}

// TestTrainingRemindersAndProgress: those who signed up or have not
// answered are reminded once at each configured time before a training
// (not those on leave); the trainer hears the broadcast's progress, then
// that it is all out.
func TestTrainingRemindersAndProgress(t *testing.T) {
	r := newPingRig(t)
	db := r.st.DB()
	ctx := context.Background()
	for code, ext := range map[string]string{"S01": "7001", "S02": "7002", "S03": "7003", "T01": "7401"} {
		if _, err := db.Exec(`INSERT INTO identities (platform, external_id, person_id) SELECT 'telegram', $2, id FROM people WHERE code = $1`, code, ext); err != nil {
			t.Fatal(err)
		}
	}
	var ids []int64
	_ = db.Select(&ids, `SELECT id FROM people WHERE code IN ('S01', 'S02', 'S03') ORDER BY code`)
	var trainer int64
	_ = db.Get(&trainer, `SELECT id FROM people WHERE code = 'T01'`)
	var trID int64
	err := r.st.InTx(ctx, func(tx *store.Tx) error {
		tr := store.Training{Title: "垃圾分类实操", Kind: "lecture", StartsAt: at("2026-11-27 14:00"), Minutes: 60, Place: "街道办"}
		tr.CreatedBy.Int64, tr.CreatedBy.Valid = trainer, true
		var err error
		trID, _, err = tx.CreateTraining(ctx, tr, ids)
		if err != nil {
			return err
		}
		if err := tx.SetAnswer(ctx, trID, ids[0], model.AnswerSigned, "", at("2026-11-27 09:00")); err != nil {
			return err
		}
		return tx.SetAnswer(ctx, trID, ids[2], model.AnswerLeave, "有事", at("2026-11-27 09:00"))
	})
	if err != nil {
		t.Fatal(err)
	}
	// One of the broadcast's three notices is still queued.
	if _, err := db.Exec(`INSERT INTO outbox (platform, chat_id, seq, message, state) VALUES
		('telegram', '7001', 9001, '{"Broadcast": "training:` + strconv.FormatInt(trID, 10) + `", "Text": "x"}', 'sent'),
		('telegram', '7002', 9001, '{"Broadcast": "training:` + strconv.FormatInt(trID, 10) + `", "Text": "x"}', 'sent'),
		('telegram', '7003', 9001, '{"Broadcast": "training:` + strconv.FormatInt(trID, 10) + `", "Text": "x"}', 'pending')`); err != nil {
		t.Fatal(err)
	}
	s, err := scheduler.New(r.st, scheduler.Options{InsertOnly: true, Pings: r.opts,
		Routine: scheduler.RoutineOptions{SummaryAt: -1, DigestAt: -1, TrainingRemind: []time.Duration{24 * time.Hour, time.Hour}}})
	if err != nil {
		t.Fatal(err)
	}
	r.set("2026-11-27 10:00")
	if err := s.ScanRoutines(ctx); err != nil {
		t.Fatal(err)
	}
	q := r.queued(t) // (this also empties the outbox: the broadcast is "done")
	if got := strings.Join(q["7401"], "\n"); !strings.Contains(got, "已发送 2 / 3") {
		t.Errorf("the trainer was told %q", got)
	}
	reminded := func(q map[string][]string, chat string) int {
		return strings.Count(strings.Join(q[chat], "\n"), "培训提醒")
	}
	if reminded(q, "7001") != 1 || reminded(q, "7002") != 1 || reminded(q, "7003") != 0 {
		t.Errorf("the day-before reminder (S03 is on leave): %v", q)
	}
	r.set("2026-11-27 10:30")
	if err := s.ScanRoutines(ctx); err != nil {
		t.Fatal(err)
	}
	q = r.queued(t)
	if reminded(q, "7001") != 0 || !strings.Contains(strings.Join(q["7401"], ""), "全部发出") {
		t.Errorf("10:30: %v", q)
	}
	r.set("2026-11-27 13:05")
	if err := s.ScanRoutines(ctx); err != nil {
		t.Fatal(err)
	}
	q = r.queued(t)
	if reminded(q, "7001") != 1 || reminded(q, "7002") != 1 || reminded(q, "7003") != 0 || len(q["7401"]) != 0 {
		t.Errorf("the hour-before reminder: %v", q)
	}
}

// TestTrainingProgressCountsWhatWasSent: the last progress line counts the
// notices really queued (one invitee of three had no account) and says how
// many could not be delivered.
func TestTrainingProgressCountsWhatWasSent(t *testing.T) {
	r := newPingRig(t)
	db := r.st.DB()
	ctx := context.Background()
	if _, err := db.Exec(`INSERT INTO identities (platform, external_id, person_id) SELECT 'telegram', '7401', id FROM people WHERE code = 'T01'`); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	_ = db.Select(&ids, `SELECT id FROM people WHERE code IN ('S01', 'S02', 'S03') ORDER BY code`)
	var trainer int64
	_ = db.Get(&trainer, `SELECT id FROM people WHERE code = 'T01'`)
	var trID int64
	err := r.st.InTx(ctx, func(tx *store.Tx) error {
		tr := store.Training{Title: "垃圾分类实操", Kind: "lecture", StartsAt: at("2026-11-30 14:00"), Minutes: 60, Place: "街道办"}
		tr.CreatedBy.Int64, tr.CreatedBy.Valid = trainer, true
		var err error
		if trID, _, err = tx.CreateTraining(ctx, tr, ids); err != nil {
			return err
		}
		return tx.SetTrainingSent(ctx, trID, 2) // S03 has no account
	})
	if err != nil {
		t.Fatal(err)
	}
	b := `{"Broadcast": "training:` + strconv.FormatInt(trID, 10) + `", "Text": "x"}`
	if _, err := db.Exec(`INSERT INTO outbox (platform, chat_id, seq, message, state) VALUES
		('telegram', '7001', 9001, $1, 'sent'), ('telegram', '7002', 9001, $1, 'failed')`, b); err != nil {
		t.Fatal(err)
	}
	s, err := scheduler.New(r.st, scheduler.Options{InsertOnly: true, Pings: r.opts,
		Routine: scheduler.RoutineOptions{SummaryAt: -1, DigestAt: -1}})
	if err != nil {
		t.Fatal(err)
	}
	r.set("2026-11-27 10:00")
	if err := s.ScanRoutines(ctx); err != nil {
		t.Fatal(err)
	}
	q := r.queued(t)
	if got := strings.Join(q["7401"], "\n"); !strings.Contains(got, "发出 1 条,1 条发送失败") {
		t.Errorf("the trainer was told %q", got)
	}
}

// recorder is an Outbox that keeps what it is given.
type recorder struct{ msgs []bot.Message }

func (r *recorder) EnqueueSends(_ context.Context, _ *store.Tx, msgs []bot.Message) error {
	r.msgs = append(r.msgs, msgs...)
	return nil
}

func (r *recorder) take(p bot.Platform) map[string][]string {
	out := map[string][]string{}
	for _, m := range r.msgs {
		if m.Platform == p {
			to := m.ChatTitle
			if to == "" {
				to = m.Recipient
			}
			out[to] = append(out[to], m.Text)
		}
	}
	r.msgs = nil
	return out
}

// TestConsoleOnlyScheduler: with no messenger (serve sets Options.Local to
// the console), the pings, the patrol reminder and the digest reach the
// console's people and groups, as a serve process prints them; without it
// (a serve process with a messenger) the console hears none of them.
func TestConsoleOnlyScheduler(t *testing.T) {
	r := newPingRig(t) // one case, dispatched Friday 10:00, verify-by 12:00
	ctx := context.Background()
	if err := r.st.BindLocal(ctx, string(bot.Console), console.GroupPrefix); err != nil {
		t.Fatal(err)
	}
	routine := scheduler.RoutineOptions{RemindBefore: 10 * time.Minute, SummaryAt: 18 * 60, DigestAt: 18 * 60}
	for _, local := range []bot.Platform{"", bot.Console} {
		rec := &recorder{}
		s, err := scheduler.New(r.st, scheduler.Options{InsertOnly: true, Pings: r.opts, Routine: routine, Outbox: rec, Local: local})
		if err != nil {
			t.Fatal(err)
		}
		steps := []struct{ now, to, want string }{
			{"2026-11-27 07:50", "王秀兰", "今天 08:00–09:00 巡查帽儿胡同"},
			{"2026-11-27 11:00", "环卫所工作群", "2026-000001"},
			{"2026-11-27 18:00", "交道口街道小巷管家工作交流群", "小结:新上报 1 件,办结 0 件,超时 1 件"},
		}
		for _, st := range steps {
			r.set(st.now)
			if _, err := s.ScanClocks(ctx); err != nil {
				t.Fatal(err)
			}
			if err := s.ScanRoutines(ctx); err != nil {
				t.Fatal(err)
			}
			got := rec.take(bot.Console)
			if local == "" {
				if len(got) > 0 {
					t.Errorf("%s: a scheduler with a messenger wrote to the console: %v", st.now, got)
				}
				continue
			}
			if !strings.Contains(strings.Join(got[st.to], "\n"), st.want) {
				t.Errorf("%s: the console's %s was told %q, want %q (all: %v)", st.now, st.to, got[st.to], st.want, got)
			}
		}
		// The next scheduler starts from the same day again: its notices
		// and pings were recorded once, so forget them.
		if _, err := r.st.DB().Exec(`TRUNCATE notices, case_pings`); err != nil {
			t.Fatal(err)
		}
		if _, err := r.st.DB().Exec(`UPDATE cases SET next_ping_at = $1`, at("2026-11-27 10:00")); err != nil {
			t.Fatal(err)
		}
	}
}

// TestMissedSummaryCountsFromTheSchedule: a window that ended before its
// steward's schedule existed is not missed: 李建国, whose patrols begin at
// 09:00 today, is not in the summary of 07:30–08:30; 王秀兰's begin
// tomorrow, so she has no reminder today either.
func TestMissedSummaryCountsFromTheSchedule(t *testing.T) {
	r := newPingRig(t)
	db := r.st.DB()
	c, _ := r.st.ChatByCode(context.Background(), "center")
	if err := r.st.BindChat(context.Background(), c.ID, "telegram", "-1003"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO identities (platform, external_id, person_id) SELECT 'telegram', '7001', id FROM people WHERE code = 'S01'`); err != nil {
		t.Fatal(err)
	}
	for code, from := range map[string]string{"S02": "2026-11-27 09:00", "S01": "2026-11-28 00:00"} {
		if _, err := db.Exec(`UPDATE patrol_schedules SET valid_from = $1 WHERE person_id = (SELECT id FROM people WHERE code = $2)`, at(from), code); err != nil {
			t.Fatal(err)
		}
	}
	s, err := scheduler.New(r.st, scheduler.Options{InsertOnly: true, Pings: r.opts,
		Routine: scheduler.RoutineOptions{RemindBefore: 10 * time.Minute, SummaryAt: 18 * 60, DigestAt: -1}})
	if err != nil {
		t.Fatal(err)
	}
	r.set("2026-11-27 07:50")
	if err := s.ScanRoutines(context.Background()); err != nil {
		t.Fatal(err)
	}
	if q := r.queued(t); len(q["7001"]) > 0 {
		t.Errorf("a steward whose patrols begin tomorrow is reminded today: %v", q["7001"])
	}
	r.set("2026-11-27 18:00")
	if err := s.ScanRoutines(context.Background()); err != nil {
		t.Fatal(err)
	}
	summary := strings.Join(r.queued(t)["-1003"], "\n")
	if !strings.Contains(summary, "未签到的巡查") || strings.Contains(summary, "李建国") || strings.Contains(summary, "王秀兰") {
		t.Errorf("missed summary: %q", summary)
	}
	if !strings.Contains(summary, "陈国强 · 菊儿胡同") {
		t.Errorf("the others' missed patrols are still summed up: %q", summary)
	}
}

// TestMissedSummarySkipsSuspended (四(三)): 王秀兰's steward role is
// suspended: her patrols of the day, unattended, are not in the
// coordinators' summary of missed patrols; the others' still are.
func TestMissedSummarySkipsSuspended(t *testing.T) {
	r := newPingRig(t)
	db := r.st.DB()
	c, _ := r.st.ChatByCode(context.Background(), "center")
	if err := r.st.BindChat(context.Background(), c.ID, "telegram", "-1003"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO steward_record (person_id, kind, reason, at) SELECT id, 'suspension', '3', $1 FROM people WHERE code = 'S01'`,
		at("2026-11-26 10:00")); err != nil {
		t.Fatal(err)
	}
	s, err := scheduler.New(r.st, scheduler.Options{InsertOnly: true, Pings: r.opts,
		Routine: scheduler.RoutineOptions{RemindBefore: 10 * time.Minute, SummaryAt: 18 * 60, DigestAt: -1}})
	if err != nil {
		t.Fatal(err)
	}
	r.set("2026-11-27 18:00")
	if err := s.ScanRoutines(context.Background()); err != nil {
		t.Fatal(err)
	}
	summary := strings.Join(r.queued(t)["-1003"], "\n")
	if !strings.Contains(summary, "未签到的巡查") || strings.Contains(summary, "王秀兰") {
		t.Errorf("a suspended steward's patrols are listed as missed: %q", summary)
	}
	if !strings.Contains(summary, "陈国强 · 菊儿胡同") {
		t.Errorf("the others' missed patrols are not summed up: %q", summary)
	}
}
