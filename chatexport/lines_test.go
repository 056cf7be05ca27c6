package chatexport

import (
	"bufio"
	"io"
	"strings"
	"testing"
)

func TestLinesKeepNumbersAndOffsets(t *testing.T) {
	t.Parallel()
	in := "\xef\xbb\xbf第一行\r\n" + strings.Repeat("x", MaxLine+1) + "\n\nlast"
	l := newLines(bufio.NewReaderSize(strings.NewReader(in), 16))
	type got struct {
		text   string
		line   int
		offset int64
		err    error
	}
	var all []got
	for {
		b, err := l.read()
		if err == io.EOF {
			break
		}
		all = append(all, got{string(b), l.line, l.offset, err})
	}
	want := []got{
		{"第一行", 1, 0, nil},
		{"", 2, 14, errTooLong},
		{"", 3, 14 + MaxLine + 2, nil},
		{"last", 4, 14 + MaxLine + 3, nil},
	}
	if len(all) != len(want) {
		t.Fatalf("read %d lines, want %d: %+v", len(all), len(want), all)
	}
	for i := range want {
		if all[i] != want[i] {
			t.Errorf("line %d: %+v, want %+v", i+1, all[i], want[i])
		}
	}
}
