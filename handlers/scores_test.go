package handlers

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/alleybot/alleybot/assessment"
	"github.com/alleybot/alleybot/scheduler"
)

// TestScorecardsInChat (四(一)): November has ended; 王秀兰 (S01) patrolled
// three times (once late, once outside the radius) and reported one case, fixed on the spot, that a resident rated 4.
// She sees her own card with the counts behind each figure, and nobody
// else's; a period not yet ended, in the future or mistyped is refused
// with the reason; the center ranks every steward, the assessment group
// of 菊儿社区 its own community's.
func TestScorecardsInChat(t *testing.T) {
	w := newWorldAt(t, time.Date(2026, 12, 5, 10, 0, 0, 0, cst))
	ctx := context.Background()
	db := w.st.DB()
	for _, q := range []string{
		`INSERT INTO patrol_checkins (person_id, alley_id, at, ended_at, ended_by)
			SELECT p.id, a.id, '2026-11-27 08:05+08', '2026-11-27 08:50+08', 'steward' FROM people p, alleys a WHERE p.code = 'S01' AND a.code = 'maoer'`,
		`INSERT INTO patrol_checkins (person_id, alley_id, at, ended_at, ended_by, outside)
			SELECT p.id, a.id, x.at, x.at, 'steward', x.outside FROM people p, alleys a,
				(VALUES ('2026-11-26 08:40+08'::timestamptz, false), ('2026-11-25 08:00+08', true)) x(at, outside)
			WHERE p.code = 'S01' AND a.code = 'maoer'`,
		`INSERT INTO cases (number, description, impact, status, reporter_id, source, fixed_on_spot, closed_at, fixed_at, created_at)
			SELECT 'J2026-11-0001', '垃圾', 'alley', 'closed', id, 'telegram', true, '2026-11-10 09:00+08', '2026-11-10 09:00+08', '2026-11-10 09:00+08' FROM people WHERE code = 'S01'`,
		`INSERT INTO case_ratings (case_id, closing, platform, user_id, score, at)
			SELECT id, closed_at, 'telegram', 'r1', 4, '2026-11-11 09:00+08' FROM cases WHERE number = 'J2026-11-0001'`,
		`INSERT INTO people (code, name) VALUES ('K01', '菊儿考核组')`,
		`INSERT INTO person_roles (person_id, role, community_id) SELECT p.id, 'assessor', c.id FROM people p, communities c WHERE p.code = 'K01' AND c.code = 'juer'`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	nov, _ := assessment.Parse("2026-11")
	if n, err := scheduler.AssessPeriod(ctx, &w.st.Queries, nov, assessment.Default(), cst, w.now, scheduler.By{}, 0); err != nil || n != 8 {
		t.Fatalf("assessed %d, %v", n, err)
	}

	s := w.person(t, "S01", "7801")
	s.text("/myscore")
	// 帽儿胡同 Mon–Fri (21 days) and 雨儿胡同 Mon, Wed, Fri (13) in November.
	s.expect("2026-11 考核", "巡查 3/34 次(迟到 1,范围外 1)", "上报 1 件(当场解决 1 件),被采纳 1 件", "居民平均评分 4.0(1 次)", "考核期结束后自动计算")
	for _, g := range []string{"优秀", "良好", "合格", "不合格"} {
		if strings.Contains(s.said(), " · "+g) {
			goto graded
		}
	}
	t.Errorf("no grade band in %q", s.said())
graded:
	if strings.Contains(s.said(), "李建国") {
		t.Errorf("a steward sees another's score: %q", s.said())
	}
	s.text("/myscore 2026-12")
	s.expect("2026-12 还没有结束")
	s.text("/myscore 2027-03")
	s.expect("2027-03 还没有到")
	s.text("/myscore 十一月")
	s.expect("不是考核期")
	s.text("/scores")
	s.expect("考核小组") // refused, naming who may

	c := w.person(t, "C01", "7802")
	c.text("/scores")
	c.expect("2026-11 考核排名(8 人)", "王秀兰 · 南锣鼓巷社区", "陈国强 · 菊儿社区")
	k := w.person(t, "K01", "7803")
	k.text("/scores 2026-11")
	k.expect("考核排名(4 人)", "陈国强 · 菊儿社区")
	if strings.Contains(k.said(), "王秀兰") {
		t.Errorf("the assessment group of 菊儿社区 sees another community: %q", k.said())
	}
	k.text("/myscore")
	k.expect("小巷管家") // not a steward: refused
}
