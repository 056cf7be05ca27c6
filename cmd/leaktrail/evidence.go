package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/leaktrail/leaktrail/evidence"
	"github.com/leaktrail/leaktrail/incident"
	"github.com/leaktrail/leaktrail/objstore"
	"github.com/leaktrail/leaktrail/server"
)

// errEvidenceProblems makes `evidence verify|reconcile` exit non-zero; the report was printed.
var errEvidenceProblems = errors.New("evidence problems found")

const evidenceUsage = "usage: leaktrail evidence verify [--incident LT-2026-0001] | leaktrail evidence reconcile"

// evidence runs the vault's maintenance by hand: the same jobs serve runs on a schedule.
func (c *CLI) evidence(ctx context.Context, args []string) error {
	if len(args) == 0 || (args[0] != "verify" && args[0] != "reconcile") {
		fmt.Fprintln(c.Stderr, evidenceUsage)
		return errUsage
	}
	var cfg server.Config
	var reference string
	fs := c.flags("evidence " + args[0])
	cfg.RegisterFlags(fs)
	if args[0] == "verify" {
		fs.StringVar(&reference, "incident", "", "verify only this incident's evidence")
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		fmt.Fprintln(c.Stderr, evidenceUsage)
		return errUsage
	}
	vault, err := cfg.Evidence()
	if err != nil {
		return err
	}
	db, err := openDatabase(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	objects, err := objstore.Open(ctx, cfg.S3)
	if err != nil {
		return err
	}
	incidents := incident.NewService(db)
	svc := evidence.NewService(db, incidents, objects, vault, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if args[0] == "reconcile" {
		r, err := svc.Reconcile(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(c.Stdout, "finished %d uploads, abandoned %d, removed %d redundant copies, aborted %d orphaned multipart uploads, "+
			"removed %d orphaned objects, applied retention to %d\n", r.Finished, r.Abandoned, r.Released, r.AbortedOrphans,
			r.RemovedOrphans, r.Retained)
		for _, key := range r.LockedOrphans {
			fmt.Fprintf(c.Stdout, "LOCKED orphan kept (retention or legal hold): %s\n", key)
		}
		for _, f := range r.FailedToCommit {
			fmt.Fprintf(c.Stdout, "FAILED to finish upload %s\n", f)
		}
		if len(r.LockedOrphans)+len(r.FailedToCommit) > 0 {
			return errEvidenceProblems
		}
		return nil
	}
	report, err := verify(ctx, svc, incidents, reference)
	if err != nil {
		return err
	}
	for _, p := range report.Problems {
		found := "none"
		if p.Found != nil {
			found = *p.Found
		}
		fmt.Fprintf(c.Stdout, "%s %s evidence %s %q object %s: expected sha256 %s, found %s\n", p.Fixity, p.Reference,
			p.Evidence.ID, p.Evidence.FileName, p.Evidence.ObjectKey, p.Evidence.SHA256, found)
	}
	fmt.Fprintf(c.Stdout, "checked %d objects: %d OK, %d MISMATCH, %d MISSING\n", report.Checked, report.OK, report.Mismatched, report.Missing)
	if report.Mismatched+report.Missing > 0 {
		return errEvidenceProblems
	}
	return nil
}

// verify checks one incident's evidence (by reference) or all of it, as Leaktrail itself.
func verify(ctx context.Context, svc *evidence.Service, incidents *incident.Service, reference string) (evidence.FixityReport, error) {
	if reference == "" {
		return svc.VerifyAll(ctx, nil)
	}
	id, err := incidents.Store.IDByReference(ctx, incidents.DB, reference)
	if err != nil {
		return evidence.FixityReport{}, err
	}
	return svc.VerifyAll(ctx, &id)
}
