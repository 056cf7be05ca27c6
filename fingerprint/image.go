package fingerprint

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // the formats chat apps send: JPEG, PNG, GIF
	_ "image/jpeg"
	_ "image/png"
	"io"
	"math/bits"

	"github.com/corona10/goimagehash"
)

// Limits on an image to be hashed. The pixel bound is checked from the header before decoding,
// so a small file declaring a huge canvas (a decompression bomb) costs nothing.
const (
	MaxImageBytes  = 64 << 20
	MaxImagePixels = 50_000_000
)

// ErrImageTooLarge is returned for an image beyond MaxImageBytes or MaxImagePixels.
var ErrImageTooLarge = errors.New("fingerprint: image too large")

// ImageHashes are the perceptual hashes of an image. pHash (DCT) survives re-compression,
// resizing, small crops and brightness shifts and tells different pictures apart; dHash
// (gradients) is the second opinion. aHash is not taken: pHash alone already keeps copies and
// unrelated images apart in TestImageRobustness (the measured bounds are below).
type ImageHashes struct {
	PHash uint64
	DHash uint64
}

// Distances at or below which two images count as the same picture, and the distance-weighted
// score of a match. Chosen by TestImageRobustness (re-compressed, resized, cropped and
// brightness-shifted copies against unrelated images); see that test's log for the measured
// precision and recall. Measured: copies within pHash 10 and dHash 11; unrelated pictures at
// pHash 16 or more, different pages of text at 12 or more (the bound sits between); dHash of
// unrelated images came as close as 3, so it is only a second bound, never the test on its own.
const (
	PHashMaxDistance = 11
	DHashMaxDistance = 14
)

// HashImage decodes a JPEG, PNG or GIF from r and returns its perceptual hashes.
func HashImage(r io.Reader) (ImageHashes, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxImageBytes+1))
	if err != nil {
		return ImageHashes{}, err
	}
	if len(data) > MaxImageBytes {
		return ImageHashes{}, ErrImageTooLarge
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return ImageHashes{}, fmt.Errorf("fingerprint: %w", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > MaxImagePixels {
		return ImageHashes{}, ErrImageTooLarge
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return ImageHashes{}, fmt.Errorf("fingerprint: %w", err)
	}
	return HashDecoded(img)
}

// HashDecoded returns the perceptual hashes of a decoded image.
func HashDecoded(img image.Image) (ImageHashes, error) {
	p, err := goimagehash.PerceptionHash(img)
	if err != nil {
		return ImageHashes{}, err
	}
	d, err := goimagehash.DifferenceHash(img)
	if err != nil {
		return ImageHashes{}, err
	}
	return ImageHashes{PHash: p.GetHash(), DHash: d.GetHash()}, nil
}

// imageDistances returns the Hamming distances of two images' pHash and dHash.
func imageDistances(a, b ImageHashes) (p, d int) {
	return bits.OnesCount64(a.PHash ^ b.PHash), bits.OnesCount64(a.DHash ^ b.DHash)
}

// SimilarImages reports whether two images are the same picture and how sure that is (0..1):
// both hashes must be within their bounds, which keeps two different pages of text (alike to a
// single hash) apart.
func SimilarImages(a, b ImageHashes) (float64, bool) {
	p, d := imageDistances(a, b)
	if p > PHashMaxDistance || d > DHashMaxDistance {
		return 0, false
	}
	return 1 - float64(p+d)/128, true
}
