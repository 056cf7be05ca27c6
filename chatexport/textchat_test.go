package chatexport

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/leaktrail/leaktrail/internal/racing"
)

// Test helpers shared by the QQ, LINE and WhatsApp tests.

var shanghai = func() *time.Location {
	z, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return z
}()

// txtGolden is one text fixture and what it must read as.
type txtGolden struct {
	file     string
	opts     Options
	want     []string // txtSummary of each message
	problems []string // "line REASON" of each problem
}

// txtSummary is a message on one line: line, UTC time, chat, sender, kind,
// text, media and members.
func txtSummary(m *Message) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s", m.Source.Line, m.At.Format("2006-01-02T15:04:05Z07:00"))
	chat := m.Chat.Name
	if m.Chat.Direct {
		chat += "(1:1)"
	}
	fmt.Fprintf(&b, " [%s] %s", chat, m.Sender.Name)
	if m.Sender.ID != "" {
		fmt.Fprintf(&b, "#%s", m.Sender.ID)
	}
	fmt.Fprintf(&b, " %s %q", m.Kind, m.Text)
	for _, md := range m.Media {
		fmt.Fprintf(&b, " media(%s", md.Name)
		if md.Omitted {
			b.WriteString(",omitted")
		}
		b.WriteString(")")
	}
	for _, p := range m.Members {
		fmt.Fprintf(&b, " member(%s)", p.Name)
	}
	return b.String()
}

// runGolden parses each fixture by detection (or the option's format) and
// checks its messages, problems and sources.
func runGolden(t *testing.T, format Format, cases []txtGolden) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", c.file))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			var msgs []*Message
			res, err := Parse(bytes.NewReader(data), c.opts, func(m *Message) error {
				msgs = append(msgs, m)
				got = append(got, txtSummary(m))
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if res.Format != format {
				t.Errorf("format %s, want %s", res.Format, format)
			}
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("messages:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
			var probs []string
			for _, p := range res.Problems {
				probs = append(probs, fmt.Sprintf("%d %s", p.Line, p.Reason))
			}
			if strings.Join(probs, "\n") != strings.Join(c.problems, "\n") {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(probs, "\n"), strings.Join(c.problems, "\n"))
			}
			checkTxtSources(t, data, msgs, res.Problems)
		})
	}
}

// checkTxtSources checks that each message's and problem's offset is the
// start of its line and its raw text begins there.
func checkTxtSources(t *testing.T, data []byte, msgs []*Message, probs []Problem) {
	t.Helper()
	check := func(what string, line int, off int64, raw string) {
		if off < 0 || off > int64(len(data)) {
			t.Errorf("%s: offset %d out of the file", what, off)
			return
		}
		if n := bytes.Count(data[:off], []byte("\n")) + 1; n != line {
			t.Errorf("%s: offset %d is on line %d, not %d", what, off, n, line)
		}
		if off > 0 && data[off-1] != '\n' {
			t.Errorf("%s: offset %d is not a line start", what, off)
		}
		first, _, _ := strings.Cut(raw, "\n")
		rest := bytes.TrimPrefix(data[off:], []byte("\xef\xbb\xbf"))
		if !bytes.HasPrefix(rest, []byte(strings.TrimRight(first, "\r"))) {
			t.Errorf("%s: raw %q is not at offset %d", what, first, off)
		}
	}
	for _, m := range msgs {
		check(txtSummary(m), m.Source.Line, m.Source.Offset, m.Source.Raw)
	}
	for _, p := range probs {
		if p.Line < 1 {
			t.Errorf("problem %+v has no line", p)
		}
		check(p.Reason, p.Line, p.Offset, p.Raw)
	}
}

// fuzzText checks what every text parser promises on any input: no panic,
// every problem on a line, every message with a line.
func fuzzText(f *testing.F, format Format, dir string) {
	files, _ := filepath.Glob(filepath.Join("testdata", dir, "*.txt"))
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, _ := Parse(bytes.NewReader(data), Options{Format: format}, func(m *Message) error {
			if m.Source.Line < 1 || m.At.IsZero() || m.Kind == "" {
				t.Fatalf("message without a line, time or kind: %+v", m)
			}
			return nil
		})
		for _, p := range res.Problems {
			if p.Line < 1 || p.Reason == "" {
				t.Fatalf("problem without a line or reason: %+v", p)
			}
		}
	})
}

// benchText parses a generated export of n messages, beside the bare line
// scan of the same bytes (the floor), reporting messages per second.
func benchText(b *testing.B, format Format, data []byte, n int) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		res, err := Parse(bytes.NewReader(data), Options{Format: format, Zone: shanghai}, func(*Message) error { return nil })
		if err != nil || res.Messages != n || len(res.Problems) > 0 {
			b.Fatalf("read %d of %d messages, %d problems: %v", res.Messages, n, len(res.Problems), err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

func benchScan(b *testing.B, data []byte, n int) {
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(make([]byte, 64<<10), MaxLine)
		lines := 0
		for sc.Scan() {
			lines++
		}
		if lines < n {
			b.Fatal("short")
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// genReader streams a generated export: a head, then rows made by row(i)
// until size bytes, never holding the whole.
type genReader struct {
	buf  []byte
	i    int
	left int64
	row  func(i int, b []byte) []byte
}

func (g *genReader) Read(p []byte) (int, error) {
	for len(g.buf) == 0 {
		if g.left <= 0 {
			return 0, io.EOF
		}
		g.buf = g.row(g.i, g.buf[:0])
		g.i++
		g.left -= int64(len(g.buf))
	}
	n := copy(p, g.buf)
	g.buf = g.buf[n:]
	return n, nil
}

// heapCheck parses a generated export of about size bytes and checks that
// the heap grew by less than 64 MiB.
func heapCheck(t *testing.T, format Format, head string, size int64, row func(i int, b []byte) []byte) {
	if testing.Short() || racing.Enabled {
		t.Skip("64 MiB parse")
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	g := &genReader{buf: []byte(head), left: size, row: row}
	var peak uint64
	count := 0
	res, err := Parse(g, Options{Format: format, Zone: shanghai}, func(*Message) error {
		count++
		if count%50000 == 0 {
			runtime.GC()
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapAlloc)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	peak = max(peak, after.HeapAlloc)
	if res.Messages < 100000 || len(res.Problems) > 0 {
		t.Fatalf("read %d messages, %d problems (%v)", res.Messages, len(res.Problems), res.Problems)
	}
	if grew := int64(peak) - int64(before.HeapAlloc); grew > 64<<20 {
		t.Errorf("heap grew by %d MiB reading %d MiB", grew>>20, size>>20)
	}
}
