package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/incident"
	"github.com/leaktrail/leaktrail/server"
	"github.com/leaktrail/leaktrail/spread"
)

// importChunk is how many forwards one transaction of an import records.
const importChunk = 10000

// importForwards checks that the user may record forwards on the incident,
// reads a CSV or JSONL file of forwards, validates all of it, then records it
// in chunks with a progress bar. Forward keys make it
// idempotent: after an interruption, running it again completes it.
func (c *CLI) importForwards(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "forwards" {
		fmt.Fprintln(c.Stderr, "usage: leaktrail import forwards --incident LT-2026-0001 --as USERNAME FILE.csv|FILE.jsonl")
		return errUsage
	}
	var cfg server.Config
	var reference, username, timeZone string
	fs := c.flags("import forwards")
	cfg.RegisterFlags(fs)
	fs.StringVar(&reference, "incident", "", "the incident's reference, e.g. LT-2026-0001")
	fs.StringVar(&username, "as", "", "the user recording the forwards (must be able to edit the incident)")
	fs.StringVar(&timeZone, "time-zone", spread.DefaultTimeZone, "the IANA zone of times written without an offset")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	loc, err := spread.LoadTimeZone(timeZone)
	if err != nil {
		return err
	}
	if reference == "" || username == "" || fs.NArg() != 1 {
		fmt.Fprintln(c.Stderr, "usage: leaktrail import forwards --incident LT-2026-0001 --as USERNAME FILE.csv|FILE.jsonl")
		return errUsage
	}
	db, err := openDatabase(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	authSvc := auth.NewService(db, 0)
	u, err := authSvc.UserByUsername(ctx, username)
	if err != nil {
		return err
	}
	ctx = auth.WithUser(ctx, u)
	incidents := incident.NewService(db)
	spreadSvc := spread.NewService(db, incidents)
	inc, err := incidents.GetByReference(ctx, reference)
	if err != nil {
		return err
	}
	if inc == nil {
		return fmt.Errorf("%s has no incident %s it may see", username, reference)
	}
	if err := spreadSvc.MayRecord(ctx, inc.ID); err != nil {
		return err
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	// The operator's own file, checked whole (every bad row at once) and
	// recorded in chunks: no bound on its rows.
	forwards, err := spread.ParseForwards(f, 0, loc)
	if err != nil {
		return describeBatchError(err)
	}
	for start := 0; start < len(forwards); start += importChunk {
		end := min(start+importChunk, len(forwards))
		if _, err := spreadSvc.RecordForwards(ctx, inc.ID, forwards[start:end]); err != nil {
			fmt.Fprintln(c.Stderr)
			return describeBatchError(offsetBatchError(err, start))
		}
		c.progress(end, len(forwards))
	}
	fmt.Fprintf(c.Stderr, "\nrecorded %d forwards into %s\n", len(forwards), reference)
	return nil
}

// progress draws a one-line progress bar on standard error.
func (c *CLI) progress(done, total int) {
	const width = 30
	filled := width * done / max(total, 1)
	fmt.Fprintf(c.Stderr, "\rforwards %s%s %d/%d (%d%%)", strings.Repeat("█", filled), strings.Repeat("░", width-filled),
		done, total, 100*done/max(total, 1))
}

// offsetBatchError renumbers a chunk's row errors to the whole file's rows.
func offsetBatchError(err error, offset int) error {
	e, ok := apperr.As(err)
	if !ok {
		return err
	}
	rows, ok := e.Extensions["errors"].([]spread.FieldError)
	if !ok || offset == 0 {
		return err
	}
	shifted := make([]spread.FieldError, len(rows))
	for i, r := range rows {
		r.Index += offset
		shifted[i] = r
	}
	return e.With("errors", shifted)
}

// describeBatchError lists a batch's bad rows, one a line, by their row in the file.
func describeBatchError(err error) error {
	e, ok := apperr.As(err)
	if !ok {
		return err
	}
	rows, ok := e.Extensions["errors"].([]spread.FieldError)
	if !ok {
		return err
	}
	var b strings.Builder
	b.WriteString(e.Message)
	for _, r := range rows {
		fmt.Fprintf(&b, "\n  row %d", r.Index+1)
		if r.Line > 0 {
			fmt.Fprintf(&b, " (line %d)", r.Line)
		}
		fmt.Fprintf(&b, ", %s: %s", r.Field, r.Message)
	}
	return errors.New(b.String())
}
