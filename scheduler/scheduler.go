// Package scheduler owns background and scheduled work on River, over the
// same lib/pq pool as the store (riverdatabasesql, poll mode): photo
// downloads, deadline pings, patrol reminders, the daily summaries and
// cleanup. Jobs are inserted in the transaction of the change that causes
// them; the messages they cause go to the outbox (package outbox).
package scheduler

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/internal/backoff"
	"github.com/alleybot/alleybot/outbox"
	"github.com/alleybot/alleybot/store"
	"github.com/alleybot/alleybot/worktime"
)

// Migrate applies River's own migrations (its job tables) to db.
func Migrate(ctx context.Context, db *sql.DB) (int, error) {
	m, err := rivermigrate.New(riverdatabasesql.New(db), nil)
	if err != nil {
		return 0, err
	}
	res, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return 0, fmt.Errorf("river migrations: %w", err)
	}
	return len(res.Versions), nil
}

// CheckSchema refuses a database without River's current tables.
func CheckSchema(ctx context.Context, db *sql.DB) error {
	m, err := rivermigrate.New(riverdatabasesql.New(db), nil)
	if err != nil {
		return err
	}
	all := m.AllVersions()
	have, err := m.ExistingVersions(ctx)
	if err != nil || len(have) < len(all) {
		return fmt.Errorf("%w: the job queue tables are missing or old: run `alleybot migrate`", store.ErrSchemaOutdated)
	}
	return nil
}

// Options tune the scheduler; zero values take the defaults.
type Options struct {
	PollInterval  time.Duration // how often idle workers look for jobs (default 1s)
	RetryBase     time.Duration // first retry delay; doubles each attempt (default 5s)
	RetryMax      time.Duration // longest retry delay (default 10m)
	PhotoAttempts int           // downloads tried before giving up (default 10)
	Workers       int           // concurrent jobs per queue (default 4)
	Log           *slog.Logger
	FileFetchers  map[bot.Platform]FileFetcher // by platform
	Outbox        Outbox                       // queues the messages of pings and routines (default: outbox.Enqueue, no wake-up)
	InsertOnly    bool                         // a client that enqueues but works nothing
	Pings         PingOptions                  // deadline pings; zero Every: no periodic scan
	Routine       RoutineOptions               // patrol reminders, summaries, the digest
	Assess        AssessOptions                // scorecards once each period has ended
	Reports       ReportOptions                // the monthly evaluation report once each month has ended

	// Local is a local platform (the console) whose bindings the pings and
	// routines reach too: serve with no messenger sets it, and its Outbox
	// prints those messages. Empty: background work never reaches the
	// console (nobody would read it).
	Local bot.Platform
}

// Outbox queues messages in a transaction (an *outbox.Dispatcher, which
// also sends them as soon as the transaction commits).
type Outbox interface {
	EnqueueSends(ctx context.Context, tx *store.Tx, msgs []bot.Message) error
}

// queueOnly queues messages for whichever dispatcher polls first.
type queueOnly struct{}

func (queueOnly) EnqueueSends(ctx context.Context, tx *store.Tx, msgs []bot.Message) error {
	return outbox.Enqueue(ctx, tx, msgs)
}

// FileFetcher downloads a platform file by its reference.
type FileFetcher interface {
	FetchFile(ctx context.Context, fileRef string) ([]byte, string, error)
}

// Scheduler is the River client and its workers.
type Scheduler struct {
	client *river.Client[*sql.Tx]
	store  *store.Store
	opts   Options
}

const queueMedia = "media"

// New builds the River client and its workers (not started).
func New(st *store.Store, opts Options) (*Scheduler, error) {
	if opts.PollInterval == 0 {
		opts.PollInterval = time.Second
	}
	if opts.RetryBase == 0 {
		opts.RetryBase = 5 * time.Second
	}
	if opts.RetryMax == 0 {
		opts.RetryMax = 10 * time.Minute
	}
	if opts.PhotoAttempts == 0 {
		opts.PhotoAttempts = 10
	}
	if opts.Workers == 0 {
		opts.Workers = 4
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.Outbox == nil {
		opts.Outbox = queueOnly{}
	}
	cfg := &river.Config{
		Logger:            opts.Log,
		PollOnly:          true, // lib/pq has no LISTEN for River; polling shares one pool
		FetchPollInterval: opts.PollInterval,
		FetchCooldown:     min(opts.PollInterval, 100*time.Millisecond),
	}
	if opts.Pings.Now == nil {
		opts.Pings.Now = time.Now
	}
	if opts.Pings.Calendar == nil {
		opts.Pings.Calendar = worktime.Default(time.UTC)
	}
	if opts.Pings.Lang == "" {
		opts.Pings.Lang = i18n.ZH
	}
	s := &Scheduler{opts: opts, store: st}
	if !opts.InsertOnly {
		workers := river.NewWorkers()
		river.AddWorker(workers, &PhotoFetchWorker{store: st, opts: &s.opts})
		river.AddWorker(workers, &clockScanWorker{s: s})
		if opts.Pings.Every > 0 {
			cfg.PeriodicJobs = []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(opts.Pings.Every),
				func() (river.JobArgs, *river.InsertOpts) { return ClockScanArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true})}
		}
		cfg.Workers = workers
		cfg.Queues = map[string]river.QueueConfig{
			queueMedia:         {MaxWorkers: opts.Workers},
			river.QueueDefault: {MaxWorkers: opts.Workers},
		}
	}
	client, err := river.NewClient(riverdatabasesql.New(st.DB().DB), cfg)
	if err != nil {
		return nil, fmt.Errorf("river client: %w", err)
	}
	s.client = client
	return s, nil
}

// Start runs the workers and, on the elected leader, the periodic scans.
func (s *Scheduler) Start(ctx context.Context) error { return s.client.Start(ctx) }

// Stop lets running jobs finish (until ctx ends, then cancels them).
func (s *Scheduler) Stop(ctx context.Context) error {
	err := s.client.Stop(ctx)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return s.client.StopAndCancel(context.Background())
	}
	return err
}

// Client exposes the River client (tests subscribe to its events).
func (s *Scheduler) Client() *river.Client[*sql.Tx] { return s.client }

// EnqueuePhotoFetch inserts a download of photoID inside tx, so the job
// exists exactly when the photo row does.
func (s *Scheduler) EnqueuePhotoFetch(ctx context.Context, tx *store.Tx, photoID int64) error {
	_, err := s.client.InsertTx(ctx, tx.SQL(), PhotoFetchArgs{PhotoID: photoID}, &river.InsertOpts{MaxAttempts: s.opts.PhotoAttempts})
	return err
}

// PhotoFetchArgs asks for a photo's bytes to be downloaded and stored.
type PhotoFetchArgs struct {
	PhotoID int64 `json:"photo_id"`
}

// Kind names the job for River.
func (PhotoFetchArgs) Kind() string { return "photo_fetch" }

// InsertOpts puts downloads on their own queue.
func (PhotoFetchArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queueMedia, MaxAttempts: 10}
}

// PhotoFetchWorker downloads a photo from its platform and stores its bytes
// (deduplicated by sha256). A failure retries with exponential backoff; a
// photo over the limit, or from a platform with no fetcher, is recorded and
// not retried.
type PhotoFetchWorker struct {
	river.WorkerDefaults[PhotoFetchArgs]
	store *store.Store
	opts  *Options
}

// Work downloads one photo and stores its bytes.
func (w *PhotoFetchWorker) Work(ctx context.Context, job *river.Job[PhotoFetchArgs]) error {
	p, err := w.store.PhotoByID(ctx, job.Args.PhotoID)
	if errors.Is(err, store.ErrNotFound) {
		return river.JobCancel(fmt.Errorf("photo %d does not exist", job.Args.PhotoID))
	}
	if err != nil {
		return err
	}
	if len(p.SHA256) > 0 {
		return nil // already stored (a retried job after a lost ack)
	}
	f, ok := w.opts.FileFetchers[bot.Platform(p.Platform)]
	if !ok {
		_ = w.store.SetPhotoFetchError(ctx, p.ID, "no downloader for platform "+p.Platform)
		return river.JobCancel(fmt.Errorf("no file fetcher for platform %q", p.Platform))
	}
	data, mime, err := f.FetchFile(ctx, p.FileRef)
	var perm *bot.PermanentError
	if errors.Is(err, bot.ErrTooLarge) || errors.As(err, &perm) {
		_ = w.store.SetPhotoFetchError(ctx, p.ID, err.Error())
		return river.JobCancel(err)
	}
	if err != nil {
		_ = w.store.SetPhotoFetchError(ctx, p.ID, fmt.Sprintf("attempt %d: %v", job.Attempt, err))
		w.opts.Log.Warn("photo download failed", "photo", p.ID, "attempt", job.Attempt, "err", err)
		return err
	}
	return w.store.SetPhotoBytes(ctx, p.ID, data, mime)
}

// NextRetry doubles from RetryBase up to RetryMax, with ±20% jitter so many
// failed downloads do not retry in lockstep.
func (w *PhotoFetchWorker) NextRetry(job *river.Job[PhotoFetchArgs]) time.Time {
	return time.Now().Add(backoff.Of(w.opts.RetryBase, w.opts.RetryMax, job.Attempt))
}
