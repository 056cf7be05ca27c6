package evidence

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"

	"github.com/leaktrail/leaktrail/database"
	"github.com/leaktrail/leaktrail/incident"
	"github.com/leaktrail/leaktrail/internal/text"
)

// manifest lists an evidence package: every item with its hash and custody log.
type manifest struct {
	Incident    string         `json:"incident"`
	GeneratedAt time.Time      `json:"generatedAt"`
	GeneratedBy string         `json:"generatedBy"`
	Items       []manifestItem `json:"items"`
}

type manifestItem struct {
	*Evidence
	Path    string          `json:"path"`
	Custody []*CustodyEvent `json:"custody"`
}

// Export writes an incident's sealed evidence package to w as a zip, streamed:
// the files, a manifest (manifest.json, and manifest.txt to read) listing
// hashes and custody logs, and manifest.json's own SHA-256 in
// manifest.sha256. That hash is recorded as an EXPORTED custody event on
// every item before any file is written. A file whose content no longer
// matches its hash stops the export.
func (s *Service) Export(ctx context.Context, inc incident.Incident, w io.Writer) error {
	actor, err := s.allowed(ctx, inc.ID, incident.PermRead)
	if err != nil {
		return err
	}
	items, err := s.Store.List(ctx, s.DB, inc.ID)
	if err != nil {
		return err
	}
	ids := make([]uuid.UUID, len(items))
	for i, e := range items {
		ids[i] = e.ID
	}
	custody, err := s.Store.Custody(ctx, s.DB, ids)
	if err != nil {
		return err
	}
	m := manifest{Incident: inc.Reference, GeneratedAt: time.Now().UTC(), GeneratedBy: actor.Username}
	pathOf := map[string]string{} // object key → its path in the zip: copies share one file
	for _, e := range items {
		if _, ok := pathOf[e.ObjectKey]; !ok {
			// Names stored before they were checked may hold controls or text-direction characters.
			pathOf[e.ObjectKey] = fmt.Sprintf("files/%s-%s", e.ID, text.Clean(e.FileName))
		}
		item := manifestItem{Evidence: e, Path: pathOf[e.ObjectKey]}
		for _, c := range custody {
			if c.EvidenceID == e.ID {
				item.Custody = append(item.Custody, c)
			}
		}
		m.Items = append(m.Items, item)
	}
	manifestJSON, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	sum := sha256.Sum256(manifestJSON)
	manifestHash := hex.EncodeToString(sum[:])
	err = database.WithTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		for _, e := range items {
			if err := s.Store.AppendCustody(ctx, tx, &CustodyEvent{EvidenceID: e.ID, IncidentID: e.IncidentID, Action: Exported,
				ActorID: &actor.ID, ActorName: actor.DisplayName, TimeZone: "UTC", Purpose: "sealed evidence package",
				SHA256: &manifestHash}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	z := zip.NewWriter(w)
	for name, body := range map[string][]byte{
		"manifest.json":   manifestJSON,
		"manifest.sha256": []byte(manifestHash + "  manifest.json\n"),
		"manifest.txt":    readableManifest(m, manifestHash),
	} {
		f, err := z.Create(name)
		if err != nil {
			return err
		}
		if _, err := f.Write(body); err != nil {
			return err
		}
	}
	written := map[string]bool{}
	for _, item := range m.Items {
		if written[item.Path] {
			continue
		}
		written[item.Path] = true
		if err := s.copyVerified(ctx, z, item.Evidence, item.Path); err != nil {
			return err
		}
	}
	return z.Close()
}

// copyVerified streams an object into the zip, checking its hash on the way.
func (s *Service) copyVerified(ctx context.Context, z *zip.Writer, e *Evidence, path string) error {
	obj, err := s.Objects.Get(ctx, e.ObjectKey)
	if err != nil {
		return s.unavailable(ctx, "read an object", err)
	}
	defer obj.Close()
	f, err := z.CreateHeader(&zip.FileHeader{Name: path, Method: zip.Store, Modified: e.UploadedAt})
	if err != nil {
		return err
	}
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(f, h), obj); err != nil {
		return fmt.Errorf("export %s: %w", e.ID, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != e.SHA256 {
		return fmt.Errorf("export stopped: %s hashes to %s, recorded %s; run a fixity check", e.ID, got, e.SHA256)
	}
	return nil
}

// readableManifest is the manifest for people: one block per item.
func readableManifest(m manifest, hash string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "Evidence package of %s\nGenerated %s by %s\nmanifest.json SHA-256: %s\n\n",
		m.Incident, m.GeneratedAt.Format(time.RFC3339), m.GeneratedBy, hash)
	for _, item := range m.Items {
		tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
		fmt.Fprintf(tw, "File\t%s\nPath\t%s\nSHA-256\t%s\nSize\t%d bytes\nType\t%s\nUploaded\t%s\n",
			text.Clean(item.FileName), item.Path, item.SHA256, item.Size, item.ContentType, item.UploadedAt.UTC().Format(time.RFC3339))
		if item.DuplicateOf != nil {
			fmt.Fprintf(tw, "Same content as\t%s\n", item.DuplicateOf)
		}
		tw.Flush()
		b.WriteString("Custody:\n")
		for _, c := range item.Custody {
			fmt.Fprintf(&b, "  %s  %-14s %s (%s) %s", c.At.UTC().Format(time.RFC3339), c.Action, c.ActorName, c.TimeZone, text.Clean(c.Purpose))
			if c.CollectedFrom != "" {
				fmt.Fprintf(&b, " (from %s)", text.Clean(c.CollectedFrom))
			}
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}
	return []byte(b.String())
}
