package server

import (
	"cmp"
	"context"
	"encoding/json"
	"time"

	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/database"
	"github.com/leaktrail/leaktrail/idempotency"
)

// job is a scheduled task; lock is its advisory lock key, so
// that across instances it runs on one at a time.
type job struct {
	lock int64
	run  func(m *Main, ctx context.Context) (any, error)
}

var jobs = map[string]job{
	"reconcile": {0x4c54_0001, func(m *Main, ctx context.Context) (any, error) { return m.Evidence.Reconcile(ctx) }},
	"fixity":    {0x4c54_0002, func(m *Main, ctx context.Context) (any, error) { return m.Evidence.VerifyAll(ctx, nil) }},
	"prune-idempotency-keys": {0x4c54_0003, func(m *Main, ctx context.Context) (any, error) {
		n, err := idempotency.Prune(ctx, m.DB)
		return map[string]int64{"pruned": n}, err
	}},
	"watch": {0x4c54_0004, func(m *Main, ctx context.Context) (any, error) { return m.Incidents.Watch(ctx) }},
}

// JobLock is the advisory lock key of a scheduled job.
func JobLock(name string) int64 { return jobs[name].lock }

// startJobs runs the vault's reconciler (at once, then on its interval),
// fixity checks (on theirs) and the pruning of old idempotency keys (hourly)
// until Close.
func (m *Main) startJobs() {
	ctx, cancel := context.WithCancel(context.Background())
	m.jobs = cancel
	m.every(ctx, m.Config.ReconcileInterval, true, "reconcile")
	m.every(ctx, m.Config.FixityInterval, false, "fixity")
	m.every(ctx, time.Hour, false, "prune-idempotency-keys")
	m.every(ctx, m.Config.WatchInterval, true, "watch")
	// Every instance fans out and delivers; SKIP LOCKED shares the work.
	m.jobsDone.Go(func() { m.Notify.Run(ctx, m.Live.Outbox(), cmp.Or(m.Config.NotifyPoll, 5*time.Second)) })
	// Chat exports are read as soon as they are queued (and, from other
	// instances' queues, within the poll).
	m.jobsDone.Go(func() { m.Chats.Work(ctx, 2*time.Second) })
	// Each instance counts its own refused sign-ins, so each writes its own.
	m.jobsDone.Go(func() {
		tick := time.NewTicker(auth.LimitedLogWindow / 4)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				m.Auth.FlushLimited(ctx, false)
			}
		}
	})
}

func (m *Main) every(ctx context.Context, interval time.Duration, now bool, name string) {
	if interval <= 0 {
		return
	}
	m.jobsDone.Go(func() {
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for first := now; ; first = false {
			if !first {
				select {
				case <-ctx.Done():
					return
				case <-tick.C:
				}
			}
			m.RunJob(ctx, name)
		}
	})
}

// RunJob runs the named scheduled job now unless another instance is running
// it, and tells whether it ran.
func (m *Main) RunJob(ctx context.Context, name string) (ran bool) {
	j := jobs[name]
	release, held, err := database.TryAdvisoryLock(ctx, m.DB, j.lock)
	if err != nil {
		m.Metrics.JobRun(name, "failed")
		m.Log.Warn("scheduled job: cannot take its lock", "job", name, "error", err)
		return false
	}
	if !held {
		m.Metrics.JobRun(name, "skipped")
		return false
	}
	defer release()
	report, err := j.run(m, ctx)
	if err != nil {
		m.Metrics.JobRun(name, "failed")
		m.Log.Warn("scheduled job failed", "job", name, "error", err)
		return true
	}
	m.Metrics.JobRun(name, "ok")
	out, _ := json.Marshal(report)
	m.Log.Info("scheduled job done", "job", name, "report", string(out))
	return true
}
