// Package objstore is Leaktrail's S3-compatible object storage (MinIO locally,
// any S3 in production), where evidence files live. It is the one package that
// speaks S3: Store implements the evidence vault's port (evidence.ObjectStore)
// with minio-go, and no minio type leaves it. Its errors are apperr errors:
// NOT_FOUND for a missing key or multipart upload, CONFLICT for an object that
// retention or a legal hold keeps, UNAVAILABLE for anything else the store
// answered or failed to answer, each wrapping the store's own error for the log.
package objstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/evidence"
)

// Config locates the store.
type Config struct {
	Endpoint  string // host:port
	AccessKey string
	SecretKey string
	Bucket    string
	TLS       bool
	Region    string
}

// Store is a connected bucket.
type Store struct {
	Bucket string

	client  *minio.Client
	core    minio.Core // the same client, for multipart uploads part by part
	locking bool
}

var _ evidence.ObjectStore = (*Store)(nil)

// Open connects to the store and creates the bucket when it is missing.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	switch {
	case cfg.Endpoint == "":
		return nil, errors.New("no S3 endpoint configured (LEAKTRAIL_S3_ENDPOINT)")
	case cfg.Bucket == "":
		return nil, errors.New("no S3 bucket configured (LEAKTRAIL_S3_BUCKET)")
	}
	client, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure: cfg.TLS,
		Region: cfg.Region,
	})
	if err != nil {
		return nil, fmt.Errorf("S3 endpoint %q: %w", cfg.Endpoint, err)
	}
	s := &Store{client: client, core: minio.Core{Client: client}, Bucket: cfg.Bucket}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	exists, err := client.BucketExists(ctx, cfg.Bucket)
	if err != nil {
		return nil, fmt.Errorf("cannot reach S3 at %s: %w", cfg.Endpoint, err)
	}
	if !exists {
		// Locking can only be turned on when a bucket is made, so it always is:
		// objects are then locked only when retention or a legal hold asks.
		if err := client.MakeBucket(ctx, cfg.Bucket, minio.MakeBucketOptions{Region: cfg.Region, ObjectLocking: true}); err != nil {
			return nil, fmt.Errorf("create bucket %q: %w", cfg.Bucket, err)
		}
	}
	lock, _, _, _, err := client.GetObjectLockConfig(ctx, cfg.Bucket)
	s.locking = err == nil && lock == "Enabled"
	return s, nil
}

// Ping checks that the bucket is reachable.
func (s *Store) Ping(ctx context.Context) error {
	ok, err := s.client.BucketExists(ctx, s.Bucket)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("bucket %q is missing", s.Bucket)
	}
	return nil
}

// Locking reports whether the bucket has S3 object locking, which retention
// and legal holds need.
func (s *Store) Locking() bool { return s.locking }

// Put stores a whole object in one call, as minio-go does best (in parallel
// parts when it is large): the floor the vault's own uploads are measured
// against.
func (s *Store) Put(ctx context.Context, key string, data io.Reader, size int64) error {
	_, err := s.client.PutObject(ctx, s.Bucket, key, data, size, minio.PutObjectOptions{})
	return failed("put an object", err)
}

// StartUpload begins a multipart upload to key.
func (s *Store) StartUpload(ctx context.Context, key string) (string, error) {
	id, err := s.core.NewMultipartUpload(ctx, s.Bucket, key, minio.PutObjectOptions{})
	return id, failed("start a multipart upload", err)
}

// PutPart stores part n of an upload, checked on arrival against its CRC-32C
// (instead of a SHA-256 of the part, which costs far more to compute).
func (s *Store) PutPart(ctx context.Context, key, uploadID string, n int, data io.Reader, size int64, crc32c string) (string, error) {
	part, err := s.core.PutObjectPart(ctx, s.Bucket, key, uploadID, n, data, size, minio.PutObjectPartOptions{
		DisableContentSha256: true, CustomHeader: http.Header{"X-Amz-Checksum-Crc32c": {crc32c}}})
	return part.ETag, failed("store a part", err)
}

// CompleteUpload assembles an upload's parts into its object.
func (s *Store) CompleteUpload(ctx context.Context, key, uploadID string, parts []evidence.Part) (string, error) {
	complete := make([]minio.CompletePart, len(parts))
	for i, p := range parts {
		complete[i] = minio.CompletePart{PartNumber: p.Number, ETag: p.ETag}
	}
	info, err := s.core.CompleteMultipartUpload(ctx, s.Bucket, key, uploadID, complete, minio.PutObjectOptions{})
	return info.VersionID, failed("complete a multipart upload", err)
}

// AbortUpload drops a multipart upload and its parts.
func (s *Store) AbortUpload(ctx context.Context, key, uploadID string) error {
	return failed("abort a multipart upload", s.core.AbortMultipartUpload(ctx, s.Bucket, key, uploadID))
}

// UploadsOf lists the ids of the multipart uploads to exactly key.
func (s *Store) UploadsOf(ctx context.Context, key string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		for mp, err := range s.uploads(ctx, key, false) {
			if err != nil {
				yield("", err)
				return
			}
			if mp.Key == key && !yield(mp.ID, nil) {
				return
			}
		}
	}
}

// Uploads lists the multipart uploads to every key under prefix.
func (s *Store) Uploads(ctx context.Context, prefix string) iter.Seq2[evidence.MultipartUpload, error] {
	return s.uploads(ctx, prefix, true)
}

func (s *Store) uploads(ctx context.Context, prefix string, recursive bool) iter.Seq2[evidence.MultipartUpload, error] {
	return func(yield func(evidence.MultipartUpload, error) bool) {
		ctx, cancel := context.WithCancel(ctx) // stops the listing when the caller does
		defer cancel()
		for mp := range s.client.ListIncompleteUploads(ctx, s.Bucket, prefix, recursive) {
			if mp.Err != nil {
				yield(evidence.MultipartUpload{}, failed("list multipart uploads", mp.Err))
				return
			}
			if !yield(evidence.MultipartUpload{Key: mp.Key, ID: mp.UploadID}, nil) {
				return
			}
		}
	}
}

// Get reads the current version of the object at key. The store is asked
// on the first read, so a missing object shows there, as NOT_FOUND.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	obj, err := s.client.GetObject(ctx, s.Bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, failed("read an object", err)
	}
	return reader{obj}, nil
}

// reader is an object being read, its errors made apperr errors.
type reader struct{ obj *minio.Object }

func (r reader) Read(p []byte) (int, error) {
	n, err := r.obj.Read(p)
	if err == io.EOF {
		return n, err
	}
	return n, failed("read an object", err)
}

func (r reader) Close() error { return r.obj.Close() }

// Stat returns the current version of the object at key.
func (s *Store) Stat(ctx context.Context, key string) (evidence.StoredObject, error) {
	info, err := s.client.StatObject(ctx, s.Bucket, key, minio.StatObjectOptions{})
	return evidence.StoredObject{Key: key, VersionID: info.VersionID}, failed("look up an object", err)
}

// List lists the current versions of the objects under prefix.
func (s *Store) List(ctx context.Context, prefix string) iter.Seq2[evidence.StoredObject, error] {
	return func(yield func(evidence.StoredObject, error) bool) {
		ctx, cancel := context.WithCancel(ctx) // stops the listing when the caller does
		defer cancel()
		for obj := range s.client.ListObjects(ctx, s.Bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
			if obj.Err != nil {
				yield(evidence.StoredObject{}, failed("list objects", obj.Err))
				return
			}
			if !yield(evidence.StoredObject{Key: obj.Key, VersionID: obj.VersionID}, nil) {
				return
			}
		}
	}
}

// Remove deletes one version of the object at key.
func (s *Store) Remove(ctx context.Context, key, versionID string) error {
	err := s.client.RemoveObject(ctx, s.Bucket, key, minio.RemoveObjectOptions{VersionID: versionID})
	switch minio.ToErrorResponse(err).Code {
	// What S3 and MinIO answer for an object that retention or a legal hold keeps.
	case "AccessDenied", "ObjectLocked", "InvalidRequest":
		return fmt.Errorf("%w: %w", apperr.Errorf(apperr.Conflict, "retention or a legal hold keeps the object"), err)
	}
	return failed("remove an object", err)
}

// Retain locks a version of an object with retention.
func (s *Store) Retain(ctx context.Context, key, versionID string, lock evidence.RetentionLock) error {
	mode := minio.RetentionMode(lock.Mode)
	return failed("apply retention", s.client.PutObjectRetention(ctx, s.Bucket, key, minio.PutObjectRetentionOptions{
		Mode: &mode, RetainUntilDate: &lock.Until, VersionID: versionID}))
}

// Hold puts a version of an object under legal hold, or lifts it.
func (s *Store) Hold(ctx context.Context, key, versionID string, on bool) error {
	status := minio.LegalHoldDisabled
	if on {
		status = minio.LegalHoldEnabled
	}
	return failed("set a legal hold", s.client.PutObjectLegalHold(ctx, s.Bucket, key,
		minio.PutObjectLegalHoldOptions{VersionID: versionID, Status: &status}))
}

// Presign signs a URL to fetch a version of the object at key, served with
// the content type and disposition d gives.
func (s *Store) Presign(ctx context.Context, key string, d evidence.Download, ttl time.Duration) (string, error) {
	params := url.Values{
		"response-content-disposition": {d.Disposition},
		"response-content-type":        {d.ContentType},
	}
	if d.VersionID != "" {
		params.Set("versionId", d.VersionID)
	}
	u, err := s.client.PresignedGetObject(ctx, s.Bucket, key, ttl, params)
	if err != nil {
		return "", failed("sign a link", err)
	}
	return u.String(), nil
}

// failed makes the store's error an apperr error (see the package comment), or nil.
func failed(op string, err error) error {
	if err == nil {
		return nil
	}
	switch minio.ToErrorResponse(err).Code {
	case "NoSuchKey", "NoSuchUpload":
		return fmt.Errorf("%w: %w", apperr.Errorf(apperr.NotFound, "the object store has no such object or upload (%s)", apperr.Detail(op)), err)
	}
	return fmt.Errorf("%w: %w", apperr.Errorf(apperr.Unavailable, "the object store did not answer (%s)", apperr.Detail(op)), err)
}
