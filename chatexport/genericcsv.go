package chatexport

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"
)

// A CSV of any shape read through a column mapping the investigator chose
// (Options.Mapping): DingTalk and Lark audit exports have no documented
// layout, so nothing is guessed and the format is never detected.

func init() {
	register(GenericCSV, parser{
		detect: func([]byte) bool { return false },
		parse:  parseGenericCSV,
	})
}

// ErrNoMapping is returned for a GenericCSV export read without a mapping.
var ErrNoMapping = errors.New("a generic CSV needs a column mapping")

func parseGenericCSV(r *bufio.Reader, o Options, emit func(*Message) error, report func(Problem)) error {
	mp := o.Mapping
	if mp == nil {
		return ErrNoMapping
	}
	if mp.Time == "" {
		return errors.New("the column mapping names no time column")
	}
	if mp.Text == "" && mp.Media == "" {
		return errors.New("the column mapping names neither a text nor a media column")
	}
	c := newCSVRows(r, genericSeparator(r))
	header, err := c.header()
	if err != nil {
		return err
	}
	idx := make([]int, 7)
	for i, name := range []string{mp.Chat, mp.ChatID, mp.Sender, mp.SenderID, mp.Time, mp.Text, mp.Media} {
		idx[i] = -1
		if name == "" {
			continue
		}
		if idx[i] = csvIndex(header, strings.TrimSpace(name)); idx[i] < 0 {
			return fmt.Errorf("line 1: no column %q (the mapping's %s column)", name,
				[]string{"chat", "chat id", "sender", "sender id", "time", "text", "media"}[i])
		}
	}
	iChat, iChatID, iSender, iSenderID, iTime, iText, iMedia := idx[0], idx[1], idx[2], idx[3], idx[4], idx[5], idx[6]
	for {
		rec, err := c.read()
		if err == io.EOF {
			return nil
		}
		if errors.As(err, new(errCSVRow)) {
			report(c.problem("BAD_ROW", err))
			continue
		}
		if err != nil {
			if errors.Is(err, errRecordTooLong) {
				report(c.problem("TOO_LONG", err))
			}
			return err
		}
		at, err := genericTime(strings.TrimSpace(rec[iTime]), mp.TimeLayout, o.Zone)
		if err != nil {
			report(c.problem("BAD_TIME", err))
			continue
		}
		m := &Message{
			Chat:   Chat{ID: strings.TrimSpace(csvField(rec, iChatID)), Name: strings.TrimSpace(csvField(rec, iChat))},
			Sender: Party{ID: strings.TrimSpace(csvField(rec, iSenderID)), Name: strings.TrimSpace(csvField(rec, iSender))},
			At:     at,
			Kind:   Text,
			Text:   csvField(rec, iText),
			Source: Source{Line: c.Line, Offset: c.Offset, Raw: string(clipBytes(c.Raw))},
		}
		if name := strings.TrimSpace(csvField(rec, iMedia)); name != "" {
			m.Kind = mediaKind(name)
			m.Media = []Media{{Name: name}}
		}
		if err := emit(m); err != nil {
			return err
		}
	}
}

// genericSeparator is a tab when the header line has tabs and no commas
// (spreadsheets export "CSV" as tab-separated text), else a comma.
func genericSeparator(r *bufio.Reader) rune {
	head, _ := r.Peek(8 << 10)
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	if bytes.IndexByte(head, '\t') >= 0 && bytes.IndexByte(head, ',') < 0 {
		return '\t'
	}
	return ','
}

// genericTime reads a time by the mapping's layout (in zone unless the
// layout has one); without a layout RFC 3339, epoch seconds or
// milliseconds (Lark's audit log), or a local "2006-01-02 15:04:05".
func genericTime(s, layout string, zone *time.Location) (time.Time, error) {
	if layout != "" {
		t, err := time.ParseInLocation(layout, s, zone)
		if err != nil {
			return time.Time{}, fmt.Errorf("time %q does not match the layout %q", clip(s), layout)
		}
		return t.UTC(), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	if t, ok := epochSecondsOrMillis(s); ok {
		return t, nil
	}
	if t, err := time.ParseInLocation(time.DateTime, s, zone); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, fmt.Errorf("time %q is not RFC 3339, epoch or 2006-01-02 15:04:05; give a layout", clip(s))
}

// mediaKind guesses a media message's kind from its file name.
func mediaKind(name string) Kind {
	switch strings.ToLower(path.Ext(strings.ReplaceAll(name, `\`, "/"))) {
	case ".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".bmp":
		return Image
	case ".mp4", ".mov", ".avi", ".mkv":
		return Video
	case ".amr", ".silk", ".mp3", ".m4a", ".wav", ".opus", ".ogg":
		return Voice
	}
	return File
}
