// Package objstore is Leaktrail's S3-compatible object storage (MinIO locally,
// any S3 in production), where evidence files live.
package objstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
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
	Client *minio.Client
	Core   minio.Core // the same client, for multipart uploads part by part
	Bucket string
	// Locking is true when the bucket has S3 object locking, which retention
	// and legal holds need.
	Locking bool
}

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
	s := &Store{Client: client, Core: minio.Core{Client: client}, Bucket: cfg.Bucket}
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
	s.Locking = err == nil && lock == "Enabled"
	return s, nil
}

// Ping checks that the bucket is reachable.
func (s *Store) Ping(ctx context.Context) error {
	ok, err := s.Client.BucketExists(ctx, s.Bucket)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("bucket %q is missing", s.Bucket)
	}
	return nil
}
