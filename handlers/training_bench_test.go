package handlers

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/flows"
	"github.com/alleybot/alleybot/flows/trainings"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/internal/testdb"
	"github.com/alleybot/alleybot/outbox"
	"github.com/alleybot/alleybot/roster"
	"github.com/alleybot/alleybot/store"
)

// queueOnly queues sends as serve does (the outbox), without a dispatcher.
type queueOnly struct{}

func (queueOnly) EnqueueSends(ctx context.Context, tx *store.Tx, msgs []bot.Message) error {
	return outbox.Enqueue(ctx, tx, msgs)
}

// BenchmarkTrainingPublish publishes a training to BROADCAST_STEWARDS
// (20,000) stewards, each with a Telegram account, through the router and
// the outbox as serve does, and reports how long the trainer's 发布 takes
// to return (everything queued) and the rows written per recipient.
// bench/broadcast.sh runs it; the sending itself is bench/pacing.sh's
// (20,000 messages at the global 30 a second).
func BenchmarkTrainingPublish(b *testing.B) {
	n := 20000
	if v, err := strconv.Atoi(os.Getenv("BROADCAST_STEWARDS")); err == nil && v > 0 {
		n = v
	}
	for range b.N {
		b.StopTimer()
		url := testdb.Fresh(b, true)
		st := testdb.Open(b, url)
		ctx := context.Background()
		if _, err := roster.Import(ctx, st, "../examples/roster.yaml"); err != nil {
			b.Fatal(err)
		}
		for _, q := range []string{
			`INSERT INTO people (code, name) SELECT 'B' || g, '管家' || g FROM generate_series(1, $1) g`,
			`INSERT INTO person_roles (person_id, role) SELECT id, 'steward' FROM people WHERE code LIKE 'B%'`,
			`INSERT INTO identities (platform, external_id, person_id) SELECT 'telegram', (1000000 + id)::text, id FROM people WHERE code LIKE 'B%'`,
			`INSERT INTO identities (platform, external_id, person_id) SELECT 'telegram', '7401', id FROM people WHERE code = 'T01'`,
			`ANALYZE`,
		} {
			var err error
			if containsArg(q) {
				_, err = st.DB().Exec(q, n)
			} else {
				_, err = st.DB().Exec(q)
			}
			if err != nil {
				b.Fatal(err)
			}
		}
		now := time.Date(2026, 11, 27, 10, 0, 0, 0, cst)
		flows := conversations.New(conversations.Deps{DefaultLang: i18n.ZH, Location: cst, Now: func() time.Time { return now }},
			flows.All(flows.Settings{Trainings: trainings.Settings{BroadcastPace: 33 * time.Millisecond}})...)
		r := New(st, flows, slog.New(slog.NewTextHandler(io.Discard, nil)), i18n.ZH).WithOutbox(queueOnly{})
		tr := &chatter{t: &testing.T{}, r: r, platform: bot.Telegram, chat: "7401", kind: bot.Private, user: "7401"}
		for _, step := range []string{"/training", "全站培训", "讲座", "12-05 14:00", "60", "街道办三楼", "全部小巷管家", "不限", "跳过"} {
			msgs, err := r.Handle(ctx, bot.Update{Platform: bot.Telegram, ChatID: tr.chat, ChatKind: bot.Private, UserID: tr.user,
				Key: "k" + step + strconv.Itoa(n), Text: step})
			if err != nil {
				b.Fatal(err)
			}
			_ = msgs
		}
		publish := bot.Update{Platform: bot.Telegram, ChatID: tr.chat, ChatKind: bot.Private, UserID: tr.user, Key: "publish", Text: "发布"}
		b.StartTimer()
		start := time.Now()
		if _, err := r.Handle(ctx, publish); err != nil {
			b.Fatal(err)
		}
		var said []string
		_ = st.DB().Select(&said, `SELECT message->>'Text' FROM outbox WHERE chat_id = '7401' ORDER BY id`)
		took := time.Since(start)
		b.StopTimer()
		var queued, invites int
		_ = st.DB().Get(&queued, `SELECT count(*) FROM outbox WHERE message->>'Broadcast' IS NOT NULL`)
		_ = st.DB().Get(&invites, `SELECT count(*) FROM training_invites`)
		if queued < n {
			b.Fatalf("%d notices queued for %d stewards; the trainer was told %q", queued, n, said)
		}
		b.ReportMetric(took.Seconds(), "publish_s")
		b.ReportMetric(float64(queued+invites)/float64(n), "rows/recipient")
		b.ReportMetric(float64(n), "recipients")
	}
}

func containsArg(q string) bool {
	for i := 0; i+1 < len(q); i++ {
		if q[i] == '$' && q[i+1] == '1' {
			return true
		}
	}
	return false
}
