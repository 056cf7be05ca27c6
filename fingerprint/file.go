// Package fingerprint derives fingerprints of a leaked item (a file, an image, a text) and finds
// the messages of a case that match them. It knows nothing of the chat exports' types: the caller
// hands it plain text, digests and image hashes, so the parse job can wire it in later.
package fingerprint

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"io"
)

// FileSums are the exact fingerprints of a file. MD5 is kept beside SHA-256 because it is what
// some exports (WeChat's media index, WhatsApp's) record for an attachment.
type FileSums struct {
	SHA256 string // lower-case hex
	MD5    string // lower-case hex
	Size   int64
}

// SumFile hashes r as a stream, so a vault file of any size is read in constant memory.
func SumFile(r io.Reader) (FileSums, error) {
	s, m := sha256.New(), md5.New()
	n, err := io.Copy(io.MultiWriter(s, m), r)
	if err != nil {
		return FileSums{}, err
	}
	return FileSums{SHA256: hex.EncodeToString(s.Sum(nil)), MD5: hex.EncodeToString(m.Sum(nil)), Size: n}, nil
}
