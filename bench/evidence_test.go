package bench

import (
	"bufio"
	"bytes"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const evidenceFileSize = 1 << 30

// evidenceFile writes a 1 GiB file of random bytes (incompressible, as photos
// and archives are) and returns its path.
func evidenceFile(b *testing.B) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "evidence.bin")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	r := rand.NewChaCha8([32]byte{'l', 't'})
	if _, err := io.CopyN(w, r, evidenceFileSize); err != nil {
		b.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

// rssKiB reads a line (VmRSS or VmHWM) of /proc/self/status.
func rssKiB(b *testing.B, field string) int64 {
	b.Helper()
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				b.Fatal(err)
			}
			return n
		}
	}
	b.Fatalf("no %s in /proc/self/status", field)
	return 0
}

// resetPeakRSS makes VmHWM start again from the current RSS (Linux 4.0+).
func resetPeakRSS(b *testing.B) {
	b.Helper()
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkEvidenceUpload streams a 1 GiB file through Leaktrail's upload
// endpoint (one PUT: SHA-256 in the same pass, every part checked by the
// store on arrival, committed with its custody events) and reports the peak
// growth of the process's resident memory, which holds the server (the
// client only streams the file from disk).
func BenchmarkEvidenceUpload(b *testing.B) {
	f := newFixture(b)
	path := evidenceFile(b)
	var growth int64
	for b.Loop() {
		inc := f.openIncident(b)
		var begun struct{ BeginEvidenceUpload struct{ UploadURL string } }
		f.client.Must(b, `mutation($id: ID!) { beginEvidenceUpload(incidentId: $id, input: {fileName: "export.bin"}) { uploadUrl } }`,
			map[string]any{"id": inc.ID}, &begun)
		file, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		req, err := http.NewRequest(http.MethodPut, f.client.URL+begun.BeginEvidenceUpload.UploadURL, file)
		if err != nil {
			b.Fatal(err)
		}
		req.ContentLength = evidenceFileSize
		req.Header.Set("Authorization", "Bearer "+f.client.Token)
		resetPeakRSS(b)
		before := rssKiB(b, "VmRSS")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		file.Close()
		if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(`"sha256"`)) {
			b.Fatalf("upload: %d %s", resp.StatusCode, body)
		}
		growth = max(growth, rssKiB(b, "VmHWM")-before)
	}
	b.SetBytes(evidenceFileSize)
	b.ReportMetric(float64(growth)/1024, "MiB-peak-RSS-growth")
	note("upload.MBps", evidenceFileSize/secondsPerOp(b)/1e6)
	note("upload.rssGrowth.MiB", float64(growth)/1024)
}

// BenchmarkEvidenceUploadFloor is the floor: objstore's Put (minio-go's
// PutObject) of the same file straight to the same MinIO, with no hashing of
// its own or database.
func BenchmarkEvidenceUploadFloor(b *testing.B) {
	f := newFixture(b)
	path := evidenceFile(b)
	store := f.main.Objects
	for b.Loop() {
		file, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		if err := store.Put(f.ctx, "floor/evidence.bin", file, evidenceFileSize); err != nil {
			b.Fatal(err)
		}
		file.Close()
	}
	b.SetBytes(evidenceFileSize)
	note("uploadFloor.MBps", evidenceFileSize/secondsPerOp(b)/1e6)
}
