package evidence

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/lib/pq"

	"github.com/leaktrail/leaktrail/database"
)

// Store is the SQL of the evidence vault.
type Store struct{}

const uploadColumns = `id, incident_id, object_key, s3_upload_id, state, parts, received, hash_state, head, details,
	object_released, created_by, created_at, updated_at`

func scanUpload(sc database.Scanner) (*Upload, error) {
	u := &Upload{}
	var parts, details []byte
	err := sc.Scan(&u.ID, &u.IncidentID, &u.ObjectKey, &u.S3UploadID, &u.State, &parts, &u.Received, &u.HashState,
		&u.Head, &details, &u.ObjectReleased, &u.CreatedBy, &u.CreatedAt, &u.UpdatedAt)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(parts, &u.Parts); err != nil {
		return nil, err
	}
	return u, json.Unmarshal(details, &u.Details)
}

// InsertUpload records an upload before any byte is stored.
func (Store) InsertUpload(ctx context.Context, ex database.Executor, u *Upload) error {
	details, err := json.Marshal(u.Details)
	if err != nil {
		return err
	}
	_, err = ex.ExecContext(ctx, `INSERT INTO evidence_uploads (id, incident_id, object_key, hash_state, details, created_by)
		VALUES ($1, $2, $3, $4, $5, $6)`, u.ID, u.IncidentID, u.ObjectKey, u.HashState, details, u.CreatedBy)
	return err
}

// SetS3Upload records the object store's id of the multipart upload.
func (Store) SetS3Upload(ctx context.Context, ex database.Executor, id uuid.UUID, s3UploadID string) error {
	_, err := ex.ExecContext(ctx, `UPDATE evidence_uploads SET s3_upload_id = $2, updated_at = now() WHERE id = $1`, id, s3UploadID)
	return err
}

// Upload returns an upload, locked for update when lock is set; nil when there is none.
func (Store) Upload(ctx context.Context, ex database.Executor, id uuid.UUID, lock bool) (*Upload, error) {
	q := `SELECT ` + uploadColumns + ` FROM evidence_uploads WHERE id = $1`
	if lock {
		q += ` FOR UPDATE`
	}
	u, err := scanUpload(ex.QueryRowxContext(ctx, q, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return u, err
}

// Lease takes the upload's sending lease for d; false when another request holds it.
func (Store) Lease(ctx context.Context, ex database.Executor, id uuid.UUID, d time.Duration) (bool, error) {
	res, err := ex.ExecContext(ctx, `UPDATE evidence_uploads SET receiving_until = now() + $2 * interval '1 microsecond'
		WHERE id = $1 AND state = 'UPLOADING' AND (receiving_until IS NULL OR receiving_until < now())`, id, d.Microseconds())
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Renew extends the sending lease its holder has.
func (Store) Renew(ctx context.Context, ex database.Executor, id uuid.UUID, d time.Duration) error {
	_, err := ex.ExecContext(ctx, `UPDATE evidence_uploads SET receiving_until = now() + $2 * interval '1 microsecond'
		WHERE id = $1 AND state = 'UPLOADING'`, id, d.Microseconds())
	return err
}

// Release gives the sending lease back.
func (Store) Release(ctx context.Context, ex database.Executor, id uuid.UUID) error {
	_, err := ex.ExecContext(ctx, `UPDATE evidence_uploads SET receiving_until = NULL WHERE id = $1`, id)
	return err
}

// AddPart records a stored part and the hash state after it, if the upload
// still expects that part (false otherwise: another request got there
// first), and renews the sending lease.
func (Store) AddPart(ctx context.Context, ex database.Executor, id uuid.UUID, p Part, hashState, head []byte, lease time.Duration) (bool, error) {
	part, err := json.Marshal([]Part{p})
	if err != nil {
		return false, err
	}
	res, err := ex.ExecContext(ctx, `UPDATE evidence_uploads SET parts = parts || $2::jsonb, received = received + $3,
		hash_state = $4, head = CASE WHEN $5::bytea IS NULL THEN head ELSE $5 END, updated_at = now(),
		receiving_until = now() + $7 * interval '1 microsecond'
		WHERE id = $1 AND state = 'UPLOADING' AND jsonb_array_length(parts) = $6`,
		id, part, p.Size, hashState, head, p.Number-1, lease.Microseconds())
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// SetUploadState moves an upload to a state.
func (Store) SetUploadState(ctx context.Context, ex database.Executor, id uuid.UUID, state UploadState) error {
	_, err := ex.ExecContext(ctx, `UPDATE evidence_uploads SET state = $2, updated_at = now() WHERE id = $1`, id, state)
	return err
}

// ReleaseObject notes that a committed upload's redundant object is gone.
func (Store) ReleaseObject(ctx context.Context, ex database.Executor, id uuid.UUID) error {
	_, err := ex.ExecContext(ctx, `UPDATE evidence_uploads SET object_released = true WHERE id = $1`, id)
	return err
}

// OpenUploads lists uploads not yet committed or abandoned.
func (Store) OpenUploads(ctx context.Context, ex database.Executor) ([]*Upload, error) {
	return queryUploads(ctx, ex, `SELECT `+uploadColumns+` FROM evidence_uploads WHERE state = 'UPLOADING' ORDER BY created_at`)
}

// UnreleasedDuplicates lists committed uploads whose own object is redundant
// (their content was already stored) and still to be removed.
func (Store) UnreleasedDuplicates(ctx context.Context, ex database.Executor) ([]*Upload, error) {
	return queryUploads(ctx, ex, `SELECT `+uploadColumns+` FROM evidence_uploads u WHERE state = 'COMMITTED'
		AND NOT object_released AND NOT EXISTS (SELECT 1 FROM evidence e WHERE e.object_key = u.object_key)`)
}

func queryUploads(ctx context.Context, ex database.Executor, q string, args ...any) ([]*Upload, error) {
	return database.QueryAll(ctx, ex, scanUpload, q, args...)
}

// TrackedKeys returns every object key the vault knows: its items' objects
// and those of uploads still in progress.
func (Store) TrackedKeys(ctx context.Context, ex database.Executor) (map[string]bool, error) {
	var keys []string
	if err := ex.SelectContext(ctx, &keys, `SELECT object_key FROM evidence
		UNION SELECT object_key FROM evidence_uploads WHERE state = 'UPLOADING'`); err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(keys))
	for _, k := range keys {
		out[k] = true
	}
	return out, nil
}

const evidenceColumns = `id, incident_id, upload_id, object_key, version_id, sha256, size, content_type, file_name,
	description, collected_from, collected_where, collected_how, collected_at, collected_zone, collected_by, time_zone,
	forward_id, node_id, task_id, duplicate_of, captured_at, device, legal_hold, retention_mode, retain_until, fixity, last_verified_at, uploaded_by,
	uploaded_at`

func scanEvidence(sc database.Scanner) (*Evidence, error) {
	e := &Evidence{}
	err := sc.Scan(&e.ID, &e.IncidentID, &e.UploadID, &e.ObjectKey, &e.VersionID, &e.SHA256, &e.Size, &e.ContentType,
		&e.FileName, &e.Description, &e.Acquisition.From, &e.Acquisition.Where, &e.Acquisition.How, &e.Acquisition.At,
		&e.Acquisition.Zone, &e.Acquisition.By, &e.TimeZone, &e.ForwardID, &e.NodeID, &e.TaskID, &e.DuplicateOf, &e.CapturedAt, &e.Device, &e.LegalHold,
		&e.RetentionMode, &e.RetainUntil, &e.Fixity, &e.LastVerifiedAt, &e.UploadedBy, &e.UploadedAt)
	return e, err
}

// InsertEvidence records a committed item.
func (Store) InsertEvidence(ctx context.Context, ex database.Executor, e *Evidence) error {
	_, err := ex.ExecContext(ctx, `INSERT INTO evidence (id, incident_id, upload_id, object_key, version_id, sha256, size,
		content_type, file_name, description, collected_from, collected_where, collected_how, collected_at, collected_zone,
		collected_by, time_zone, forward_id, node_id, task_id, duplicate_of, captured_at, device, uploaded_by, uploaded_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23,
		$24, $25)`,
		e.ID, e.IncidentID, e.UploadID, e.ObjectKey, e.VersionID, e.SHA256, e.Size, e.ContentType, e.FileName,
		e.Description, e.Acquisition.From, e.Acquisition.Where, e.Acquisition.How, e.Acquisition.At, e.Acquisition.Zone,
		e.Acquisition.By, e.TimeZone,
		e.ForwardID, e.NodeID, e.TaskID, e.DuplicateOf, e.CapturedAt, e.Device, e.UploadedBy, e.UploadedAt)
	return err
}

func queryEvidence(ctx context.Context, ex database.Executor, q string, args ...any) ([]*Evidence, error) {
	return database.QueryAll(ctx, ex, scanEvidence, `SELECT `+evidenceColumns+` FROM evidence `+q, args...)
}

// ByUpload returns the item an upload was committed as, or nil.
func (Store) ByUpload(ctx context.Context, ex database.Executor, uploadID uuid.UUID) (*Evidence, error) {
	return first(queryEvidence(ctx, ex, `WHERE upload_id = $1`, uploadID))
}

// Original returns the incident's item that stores this content, or nil.
func (Store) Original(ctx context.Context, ex database.Executor, incidentID uuid.UUID, sha256 string) (*Evidence, error) {
	return first(queryEvidence(ctx, ex, `WHERE incident_id = $1 AND sha256 = $2 AND duplicate_of IS NULL`, incidentID, sha256))
}

// Get returns one item, locked for update when lock is set; nil when there is none.
func (Store) Get(ctx context.Context, ex database.Executor, id uuid.UUID, lock bool) (*Evidence, error) {
	q := `WHERE id = $1`
	if lock {
		q += ` FOR UPDATE`
	}
	return first(queryEvidence(ctx, ex, q, id))
}

// ByIDs returns the items with these ids.
func (Store) ByIDs(ctx context.Context, ex database.Executor, ids []uuid.UUID) ([]*Evidence, error) {
	strs := make(pq.StringArray, len(ids))
	for i, id := range ids {
		strs[i] = id.String()
	}
	return queryEvidence(ctx, ex, `WHERE id = ANY($1::uuid[])`, strs)
}

// List returns an incident's items, oldest first.
func (Store) List(ctx context.Context, ex database.Executor, incidentID uuid.UUID) ([]*Evidence, error) {
	return queryEvidence(ctx, ex, `WHERE incident_id = $1 ORDER BY uploaded_at, id`, incidentID)
}

// Stored returns the items that own their object (not duplicates), of one
// incident or (nil) of all, for fixity checks.
func (Store) Stored(ctx context.Context, ex database.Executor, incidentID *uuid.UUID) ([]*Evidence, error) {
	return queryEvidence(ctx, ex, `WHERE duplicate_of IS NULL AND ($1::uuid IS NULL OR incident_id = $1) ORDER BY uploaded_at`, incidentID)
}

// Unretained returns stored items without retention applied yet.
func (Store) Unretained(ctx context.Context, ex database.Executor) ([]*Evidence, error) {
	return queryEvidence(ctx, ex, `WHERE duplicate_of IS NULL AND retain_until IS NULL`)
}

func first(items []*Evidence, err error) (*Evidence, error) {
	if err != nil || len(items) == 0 {
		return nil, err
	}
	return items[0], nil
}

// Count returns how many items an incident has.
func (Store) Count(ctx context.Context, ex database.Executor, incidentID uuid.UUID) (int, error) {
	var n int
	err := ex.GetContext(ctx, &n, `SELECT count(*) FROM evidence WHERE incident_id = $1`, incidentID)
	return n, err
}

// SetRetention records the retention applied to an object, on every item sharing it.
func (Store) SetRetention(ctx context.Context, ex database.Executor, objectKey, mode string, until time.Time) error {
	_, err := ex.ExecContext(ctx, `UPDATE evidence SET retention_mode = $2, retain_until = $3 WHERE object_key = $1`,
		objectKey, mode, until)
	return err
}

// SetLegalHold records a legal hold on an object, on every item sharing it.
func (Store) SetLegalHold(ctx context.Context, ex database.Executor, objectKey string, on bool) error {
	_, err := ex.ExecContext(ctx, `UPDATE evidence SET legal_hold = $2 WHERE object_key = $1`, objectKey, on)
	return err
}

// SetFixity records the outcome of a fixity check on every item sharing an object.
func (Store) SetFixity(ctx context.Context, ex database.Executor, objectKey string, f Fixity) error {
	_, err := ex.ExecContext(ctx, `UPDATE evidence SET fixity = $2, last_verified_at = now() WHERE object_key = $1`, objectKey, f)
	return err
}

// SharingObject returns the items whose content is the object.
func (Store) SharingObject(ctx context.Context, ex database.Executor, objectKey string) ([]*Evidence, error) {
	return queryEvidence(ctx, ex, `WHERE object_key = $1 ORDER BY uploaded_at`, objectKey)
}

// AppendCustody adds a custody event.
func (Store) AppendCustody(ctx context.Context, ex database.Executor, e *CustodyEvent) error {
	at := e.At
	if at.IsZero() {
		at = time.Now()
	}
	return ex.QueryRowxContext(ctx, `INSERT INTO custody_events (evidence_id, incident_id, action, actor_id, actor_name,
		at, time_zone, purpose, sha256, matched, transferred_to, collected_from)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
		RETURNING id, at`, e.EvidenceID, e.IncidentID, e.Action, e.ActorID, e.ActorName, at, e.TimeZone, e.Purpose,
		e.SHA256, e.Matched, e.TransferredTo, e.CollectedFrom).Scan(&e.ID, &e.At)
}

// LatestGrant returns the time of the newest custody event of this kind that
// gave this person access to this item for this purpose since since, if any.
func (Store) LatestGrant(ctx context.Context, ex database.Executor, e *CustodyEvent, since time.Time) (time.Time, bool, error) {
	var at sql.NullTime
	err := ex.GetContext(ctx, &at, `SELECT max(at) FROM custody_events WHERE evidence_id = $1 AND action = $2
		AND actor_id = $3 AND purpose = $4 AND time_zone = $5 AND at > $6`, e.EvidenceID, e.Action, e.ActorID, e.Purpose, e.TimeZone, since)
	return at.Time, at.Valid, err
}

// Custody returns the custody events of the items with these ids, in order.
func (Store) Custody(ctx context.Context, ex database.Executor, evidenceIDs []uuid.UUID) ([]*CustodyEvent, error) {
	strs := make(pq.StringArray, len(evidenceIDs))
	for i, id := range evidenceIDs {
		strs[i] = id.String()
	}
	var out []*CustodyEvent
	err := ex.SelectContext(ctx, &out, `SELECT id, evidence_id, incident_id, action, actor_id, actor_name, at, time_zone,
		purpose, sha256, matched, transferred_to, collected_from FROM custody_events WHERE evidence_id = ANY($1::uuid[]) ORDER BY id`, strs)
	return out, err
}

// RaiseAlert records an alert on an incident.
func (Store) RaiseAlert(ctx context.Context, ex database.Executor, a Alert) error {
	_, err := ex.ExecContext(ctx, `INSERT INTO incident_alerts (incident_id, kind, evidence_id, details) VALUES ($1, $2, $3, $4)`,
		a.IncidentID, a.Kind, a.EvidenceID, a.Details)
	return err
}

// Alerts returns an incident's alerts, newest first.
func (Store) Alerts(ctx context.Context, ex database.Executor, incidentID uuid.UUID) ([]*Alert, error) {
	var out []*Alert
	err := ex.SelectContext(ctx, &out, `SELECT id, incident_id, kind, evidence_id, details, raised_at FROM incident_alerts
		WHERE incident_id = $1 ORDER BY raised_at DESC, id DESC`, incidentID)
	return out, err
}

// LinksBelong reports whether the forward, node and task named (if any) are of the incident.
func (Store) LinksBelong(ctx context.Context, ex database.Executor, incidentID uuid.UUID, d Details) (forward, node, task bool, err error) {
	err = ex.QueryRowxContext(ctx, `SELECT
		$2::uuid IS NULL OR EXISTS (SELECT 1 FROM forwards WHERE id = $2 AND incident_id = $1),
		$3::uuid IS NULL OR EXISTS (SELECT 1 FROM spread_nodes WHERE id = $3 AND incident_id = $1),
		$4::uuid IS NULL OR EXISTS (SELECT 1 FROM tasks WHERE id = $4 AND incident_id = $1)`,
		incidentID, d.ForwardID, d.NodeID, d.TaskID).Scan(&forward, &node, &task)
	return forward, node, task, err
}
