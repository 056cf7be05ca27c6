package chatexport

import (
	"bufio"
	"bytes"
	"io"
	"runtime"
	"testing"
)

// jsonScanLines is the floor the JSON parsers are measured against: a bare
// bufio.Scanner over the same bytes.
func jsonScanLines(b *testing.B, data []byte, n int) {
	s := bufio.NewScanner(bytes.NewReader(data))
	s.Buffer(make([]byte, 64<<10), MaxLine)
	lines := 0
	for s.Scan() {
		lines++
	}
	if s.Err() != nil || lines < n {
		b.Fatal(s.Err(), lines)
	}
}

// jsonCountingWriter counts the bytes a generator writes.
type jsonCountingWriter struct {
	w io.Writer
	n int64
}

func (c *jsonCountingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// jsonHeapGrowth parses a generated export of about size bytes, never
// held whole, and returns the largest live heap growth seen while parsing.
func jsonHeapGrowth(t *testing.T, format Format, size int64, gen func(w io.Writer, n int)) (growth uint64, msgs int, written int64) {
	t.Helper()
	var sample bytes.Buffer
	gen(&sample, 1000)
	n := int(size/int64(sample.Len()/1000)) + 1
	pr, pw := io.Pipe()
	cw := &jsonCountingWriter{w: pw}
	go func() {
		bw := bufio.NewWriterSize(cw, 64<<10)
		gen(bw, n)
		bw.Flush()
		pw.Close()
	}()
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	measure := func() {
		runtime.GC()
		runtime.ReadMemStats(&ms)
		if ms.HeapAlloc > base && ms.HeapAlloc-base > growth {
			growth = ms.HeapAlloc - base
		}
	}
	res, err := Parse(pr, Options{Format: format}, func(*Message) error {
		if msgs++; msgs%50_000 == 0 {
			measure()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Messages != n {
		t.Fatalf("%d messages, want %d", res.Messages, n)
	}
	measure()
	if len(res.Problems) > 0 {
		t.Fatalf("problems: %+v", res.Problems[0])
	}
	return growth, msgs, cw.n
}
