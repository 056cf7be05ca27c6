package chatexport

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// lines reads an export line by line, keeping each line's number and byte
// offset; a line longer than MaxLine is reported and skipped, never held.
type lines struct {
	r      *bufio.Reader
	line   int   // number of the line last read, from 1
	offset int64 // byte offset of the line last read
	next   int64 // byte offset of the line after it
	buf    []byte
}

func newLines(r *bufio.Reader) *lines { return &lines{r: r} }

// errTooLong is returned by read for a line over MaxLine (it is skipped).
var errTooLong = errors.New("line too long")

// read returns the next line without its line ending (LF or CRLF), valid
// until the next call; io.EOF after the last one.
func (l *lines) read() ([]byte, error) {
	l.buf = l.buf[:0]
	l.offset = l.next
	tooLong := false
	for {
		chunk, err := l.r.ReadSlice('\n')
		l.next += int64(len(chunk))
		if !tooLong {
			if len(l.buf)+len(chunk) > MaxLine {
				tooLong, l.buf = true, l.buf[:0]
			} else {
				l.buf = append(l.buf, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err == io.EOF && l.next == l.offset {
			return nil, io.EOF
		}
		if err != nil && err != io.EOF {
			return nil, err
		}
		l.line++
		if tooLong {
			return nil, errTooLong
		}
		line := bytes.TrimSuffix(l.buf, []byte("\n"))
		line = bytes.TrimSuffix(line, []byte("\r"))
		if l.line == 1 {
			line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
		}
		return line, nil
	}
}
