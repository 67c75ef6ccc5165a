package scheduler_test

import (
	"context"
	"database/sql"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/bot/telegram"
	"github.com/alleybot/alleybot/internal/backoff"
	"github.com/alleybot/alleybot/internal/testdb"
	"github.com/alleybot/alleybot/internal/tgfake"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/scheduler"
	"github.com/alleybot/alleybot/store"
)

var dbURL string

func TestMain(m *testing.M) {
	os.Exit(testdb.Main(m, "scheduler", func(u string) { dbURL = u }))
}

// TestBackoff: a photo download's retries (NextRetry) wait backoff.Of.
func TestBackoff(t *testing.T) {
	cases := []struct {
		attempt int
		want    time.Duration
	}{{1, time.Second}, {2, 2 * time.Second}, {3, 4 * time.Second}, {5, 16 * time.Second}, {12, time.Minute}, {40, time.Minute}}
	for _, c := range cases {
		for i := 0; i < 50; i++ {
			got := backoff.Of(time.Second, time.Minute, c.attempt)
			lo, hi := time.Duration(float64(c.want)*0.8), time.Duration(float64(c.want)*1.2)
			if got < lo || got > hi {
				t.Fatalf("attempt %d: %v, want within ±20%% of %v", c.attempt, got, c.want)
			}
		}
	}
}

// rig is a running scheduler whose Telegram downloads go to the fake.
func rig(t *testing.T, attempts int) (*store.Store, *tgfake.Server, *scheduler.Scheduler) {
	t.Helper()
	st := testdb.Open(t, testdb.Fresh(t, true))
	fake := tgfake.New(t, "")
	tg, err := telegram.New(context.Background(), telegram.Options{Token: fake.Token, APIEndpoint: fake.URL, MaxPhotoBytes: 1000})
	if err != nil {
		t.Fatal(err)
	}
	s, err := scheduler.New(st, scheduler.Options{PollInterval: 20 * time.Millisecond, RetryBase: 20 * time.Millisecond,
		RetryMax: 100 * time.Millisecond, PhotoAttempts: attempts, FileFetchers: map[bot.Platform]scheduler.FileFetcher{bot.Telegram: tg}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = s.Stop(ctx)
	})
	return st, fake, s
}

// addPhoto inserts a photo row and its download job in one transaction, as
// the report flow does.
func addPhoto(t *testing.T, st *store.Store, s *scheduler.Scheduler, platform bot.Platform, ref string) int64 {
	t.Helper()
	var id int64
	err := st.InTx(context.Background(), func(tx *store.Tx) error {
		var err error
		id, err = tx.InsertPhoto(context.Background(), store.NewPhoto{Kind: model.PhotoBefore, Platform: string(platform), FileRef: ref})
		if err != nil {
			return err
		}
		return s.EnqueuePhotoFetch(context.Background(), tx, id)
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// jobState waits until the photo's job reaches a final state and returns it.
func jobState(t *testing.T, st *store.Store, photoID int64) (string, int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		var row struct {
			State   string `db:"state"`
			Attempt int    `db:"attempt"`
		}
		err := st.DB().Get(&row, `SELECT state, attempt FROM river_job WHERE kind = 'photo_fetch' AND (args->>'photo_id')::bigint = $1`, photoID)
		if err != nil && err != sql.ErrNoRows {
			t.Fatal(err)
		}
		switch row.State {
		case "completed", "cancelled", "discarded":
			return row.State, row.Attempt
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the job never finished")
	return "", 0
}

func TestPhotoFetch(t *testing.T) {
	cases := []struct {
		name      string
		platform  bot.Platform
		ref       string
		setup     func(f *tgfake.Server)
		wantState string
		wantTries int
		wantBytes string
		wantError string
	}{
		{name: "downloads", platform: bot.Telegram, ref: "ok",
			setup:     func(f *tgfake.Server) { f.AddFile("ok", "p/ok.jpg", []byte("jpeg bytes")) },
			wantState: "completed", wantTries: 1, wantBytes: "jpeg bytes"},
		{name: "download fails twice then succeeds", platform: bot.Telegram, ref: "flaky",
			setup: func(f *tgfake.Server) {
				f.AddFile("flaky", "p/flaky.jpg", []byte("flaky bytes"))
				f.FailNext(tgfake.Download, 2, http.StatusBadGateway)
			},
			wantState: "completed", wantTries: 3, wantBytes: "flaky bytes"},
		{name: "getFile answers 500 every time: gives up after the attempts", platform: bot.Telegram, ref: "down",
			setup: func(f *tgfake.Server) {
				f.AddFile("down", "p/down.jpg", []byte("x"))
				f.FailNext("getFile", 100, http.StatusInternalServerError)
			},
			wantState: "discarded", wantTries: 3, wantError: "attempt 3"},
		{name: "too large is refused at once", platform: bot.Telegram, ref: "big",
			setup:     func(f *tgfake.Server) { f.AddFile("big", "p/big.jpg", make([]byte, 5000)) },
			wantState: "cancelled", wantTries: 1, wantError: "too large"},
		{name: "an unknown file id is permanent", platform: bot.Telegram, ref: "nonexistent",
			wantState: "cancelled", wantTries: 1, wantError: "file"},
		{name: "a platform without a downloader", platform: "wecom", ref: "media-1",
			wantState: "cancelled", wantTries: 1, wantError: "no downloader for platform wecom"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st, fake, s := rig(t, 3)
			if c.setup != nil {
				c.setup(fake)
			}
			id := addPhoto(t, st, s, c.platform, c.ref)
			state, tries := jobState(t, st, id)
			if state != c.wantState || tries != c.wantTries {
				t.Errorf("job %s after %d attempts; want %s after %d", state, tries, c.wantState, c.wantTries)
			}
			p, err := st.PhotoByID(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			data, _, err := st.PhotoBytes(context.Background(), id)
			if c.wantBytes != "" && (err != nil || string(data) != c.wantBytes || p.FetchError != "") {
				t.Errorf("bytes %q (err %v), fetch_error %q; want %q", data, err, p.FetchError, c.wantBytes)
			}
			if c.wantBytes == "" && err == nil {
				t.Errorf("bytes stored for a failed download: %q", data)
			}
			if !strings.Contains(p.FetchError, c.wantError) {
				t.Errorf("fetch_error %q lacks %q", p.FetchError, c.wantError)
			}
		})
	}
}

// TestSameBytesStoredOnce: two photos with the same content share one blob.
func TestSameBytesStoredOnce(t *testing.T) {
	st, fake, s := rig(t, 3)
	fake.AddFile("a", "p/a.jpg", []byte("same"))
	fake.AddFile("b", "p/b.jpg", []byte("same"))
	a := addPhoto(t, st, s, bot.Telegram, "a")
	b := addPhoto(t, st, s, bot.Telegram, "b")
	jobState(t, st, a)
	jobState(t, st, b)
	var blobs int
	if err := st.DB().Get(&blobs, `SELECT count(*) FROM photo_blobs`); err != nil {
		t.Fatal(err)
	}
	if blobs != 1 {
		t.Errorf("blobs: %d, want 1", blobs)
	}
}
