package evidence

import (
	"context"
	"io"
	"iter"
	"time"
)

// ObjectStore is where the vault keeps its files: a bucket of objects by key,
// each upload sent as numbered parts and assembled. objstore.Store is the
// S3 one; tests also wrap it to inject faults.
//
// Errors are apperr errors: NOT_FOUND when the key, version or multipart
// upload is not there; CONFLICT when retention or a legal hold keeps an
// object from removal; UNAVAILABLE when the store did not answer or refused.
// The vault never shows them as they are: it logs them and answers with its
// own UNAVAILABLE naming what it was doing.
type ObjectStore interface {
	// StartUpload begins a multipart upload to key and returns its id.
	StartUpload(ctx context.Context, key string) (uploadID string, err error)
	// PutPart stores part number n of an upload, size bytes read from data.
	// The part travels with its CRC-32C (base64, big-endian), which the
	// store checks on arrival and refuses the part when it differs.
	PutPart(ctx context.Context, key, uploadID string, n int, data io.Reader, size int64, crc32c string) (etag string, err error)
	// CompleteUpload assembles the parts, in order, into the object at key
	// and returns the version it became.
	CompleteUpload(ctx context.Context, key, uploadID string, parts []Part) (versionID string, err error)
	// AbortUpload drops a multipart upload and its parts.
	AbortUpload(ctx context.Context, key, uploadID string) error
	// UploadsOf lists the ids of the multipart uploads to exactly key.
	UploadsOf(ctx context.Context, key string) iter.Seq2[string, error]
	// Uploads lists the multipart uploads to every key under prefix. Not
	// every store can: MinIO lists only those of an exact key.
	Uploads(ctx context.Context, prefix string) iter.Seq2[MultipartUpload, error]

	// Get reads the object at key, its current version.
	Get(ctx context.Context, key string) (io.ReadCloser, error)
	// Stat returns the current version of the object at key.
	Stat(ctx context.Context, key string) (StoredObject, error)
	// List lists the objects under prefix, their current versions.
	List(ctx context.Context, prefix string) iter.Seq2[StoredObject, error]
	// Remove deletes one version of the object at key for good.
	Remove(ctx context.Context, key, versionID string) error

	// Locking reports whether the store can lock objects, which Retain and
	// Hold need.
	Locking() bool
	// Retain locks a version of an object against deletion and overwriting.
	Retain(ctx context.Context, key, versionID string, lock RetentionLock) error
	// Hold puts a version of an object under legal hold (on) or lifts it.
	Hold(ctx context.Context, key, versionID string, on bool) error
	// Presign returns a URL anyone may fetch a version of the object at key
	// from, served as d says, until ttl has passed.
	Presign(ctx context.Context, key string, d Download, ttl time.Duration) (string, error)
}

// StoredObject is one version of an object in the store.
type StoredObject struct {
	Key       string
	VersionID string // "" when the bucket keeps no versions
}

// MultipartUpload is an upload the store holds parts of, not yet assembled.
type MultipartUpload struct {
	Key string
	ID  string
}

// RetentionLock is retention as the store applies it: an object locked in
// Mode ("GOVERNANCE" or "COMPLIANCE") until Until.
type RetentionLock struct {
	Mode  string
	Until time.Time
}

// Download says how a presigned link serves an object.
type Download struct {
	VersionID   string // "" for the current version
	ContentType string // sent as the response's Content-Type
	Disposition string // sent as the response's Content-Disposition
}
