// Package chatexport reads the chat exports investigators receive — a
// person's WeChat, WeCom, QQ, LINE, Telegram or WhatsApp history, or any CSV
// with a column mapping — into one model of messages, streaming: a parser
// holds one message at a time, whatever the file's size. Every message keeps
// where it came from (line, byte offset, the raw text), so a forward rebuilt
// from it can cite its lines. What the formats say and where they come from
// is in ../shared/CHAT-EXPORTS.md beside the project.
package chatexport

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"
)

// Format names an export format.
type Format string

// The formats read.
const (
	WeChatPyWxDump Format = "WECHAT_PYWXDUMP_CSV"
	WeChatMemo     Format = "WECHAT_MEMOTRACE_CSV"
	WeCom          Format = "WECOM_ARCHIVE_JSONL"
	QQ             Format = "QQ_TXT"
	LINE           Format = "LINE_TXT"
	Telegram       Format = "TELEGRAM_JSON"
	WhatsApp       Format = "WHATSAPP_TXT"
	GenericCSV     Format = "GENERIC_CSV"
)

// Kind is what a message is.
type Kind string

// The kinds of message.
const (
	Text   Kind = "TEXT"
	Image  Kind = "IMAGE"
	File   Kind = "FILE"
	Voice  Kind = "VOICE"
	Video  Kind = "VIDEO"
	Link   Kind = "LINK"
	Bundle Kind = "BUNDLE" // a merged forward: its messages are in Items
	Join   Kind = "JOIN"   // Members joined (Sender, when known, added them)
	Leave  Kind = "LEAVE"  // Members left or were removed
	Recall Kind = "RECALL" // Sender recalled a message
	System Kind = "SYSTEM"
	Other  Kind = "OTHER"
)

// Party is a person (or a channel) as an export names them: an id when it
// has one (wxid, QQ number, Telegram from_id, WeCom user id) and the
// display name.
type Party struct {
	ID   string
	Name string
}

// Chat is the conversation a message was posted in.
type Chat struct {
	ID     string
	Name   string
	Direct bool // a one-to-one chat, not a group
}

// Media is a file a message carries, as the export refers to it.
type Media struct {
	Name string // the path or file name the export gives; empty for a bare placeholder
	MD5  string // lower-case hex, when the export has it (WeCom)
	Size int64  // bytes, when the export has it; 0 when unknown
	// Omitted is set when the export has only a placeholder ([照片], <Media omitted>).
	Omitted bool
}

// Source is where a message is in its export.
type Source struct {
	Line   int   // first line, from 1
	Offset int64 // byte offset of that line
	Raw    string
}

// Message is one message of an export. At is UTC.
type Message struct {
	Chat   Chat
	Sender Party // empty for a system message
	At     time.Time
	Kind   Kind
	Text   string
	Media  []Media
	// ForwardedFrom is whom the export says the message was forwarded from
	// (Telegram's forwarded_from); nil when it does not say.
	ForwardedFrom *Party
	// Quote is the earlier message it quotes (WeChat's refermsg), if any.
	Quote *Quoted
	// Items are a merged forward's messages, each with its own sender and time.
	Items []Message
	// Members joined or left, for Join and Leave.
	Members []Party
	// ID is the export's own id of the message (WeCom's msgid, Telegram's
	// id), when it has one: the key that finds the same message again.
	ID string
	// Recalled is the ID of the message a Recall withdrew, when the export says.
	Recalled string
	Source   Source
}

// Quoted is a quoted message as the quote gives it.
type Quoted struct {
	Sender Party
	At     time.Time // zero when the quote does not say
	Text   string
}

// Problem is a part of an export that could not be read; the rest is read.
type Problem struct {
	Line   int
	Offset int64
	// Reason is a stable code (BAD_TIME, BAD_ROW, TOO_LONG, …), Detail says more.
	Reason string
	Detail string
	Raw    string
}

// Options say how to read an export.
type Options struct {
	// Format overrides detection.
	Format Format
	// Zone reads times written without one (nil: UTC).
	Zone *time.Location
	// Mapping is the column mapping of a GenericCSV export.
	Mapping *Mapping
	// DayFirst says whether a WhatsApp export's numeric dates are day/month
	// (true) or month/day (false), for a file whose dates do not settle it;
	// nil reads them day first.
	DayFirst *bool
}

// Mapping names the columns of a generic CSV: each field's header name.
type Mapping struct {
	Chat, ChatID, Sender, SenderID, Time, Text, Media string
	// TimeLayout is a Go layout for Time; empty tries RFC 3339 and
	// "2006-01-02 15:04:05".
	TimeLayout string
}

// Limits of what one export may hold.
const (
	MaxLine    = 1 << 20 // bytes in one line (or one JSON message)
	MaxRaw     = 4 << 10 // bytes of a message's raw text kept as its source
	MaxProblem = 1000    // problems listed; further ones are counted only
)

// ErrUnknownFormat is returned when detection finds no format and none is given.
var ErrUnknownFormat = errors.New("the export's format is not recognised; choose it")

// parser reads one format, emitting messages in file order and reporting
// problems as it goes.
type parser struct {
	detect func(head []byte) bool
	parse  func(r *bufio.Reader, o Options, emit func(*Message) error, report func(Problem)) error
}

// parsers are registered by each format's file, in detection order.
var (
	parsers = map[Format]parser{}
	order   []Format
)

func register(f Format, p parser) {
	parsers[f] = p
	order = append(order, f)
}

// Detect names the format of an export from its first bytes.
func Detect(head []byte) (Format, bool) {
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	for _, f := range order {
		if p := parsers[f]; p.detect != nil && p.detect(head) {
			return f, true
		}
	}
	return "", false
}

// Formats lists the formats read, in detection order.
func Formats() []Format { return slices.Clone(order) }

// Result sums up a parse.
type Result struct {
	Format   Format
	Messages int
	Problems []Problem
	// MoreProblems counts problems beyond MaxProblem.
	MoreProblems int
}

// Parse reads an export from r, calling emit for each message in file
// order. A malformed message is reported and skipped; an error from emit
// or from reading stops the parse.
func Parse(r io.Reader, o Options, emit func(*Message) error) (Result, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	format := o.Format
	if format == "" {
		head, _ := br.Peek(8 << 10)
		var ok bool
		if format, ok = Detect(head); !ok {
			return Result{}, ErrUnknownFormat
		}
	}
	p, ok := parsers[format]
	if !ok {
		return Result{}, fmt.Errorf("%w: %q", ErrUnknownFormat, format)
	}
	if o.Zone == nil {
		o.Zone = time.UTC
	}
	res := Result{Format: format}
	count := func(m *Message) error {
		res.Messages++
		return emit(m)
	}
	report := func(pr Problem) {
		if len(res.Problems) < MaxProblem {
			pr.Raw = clip(pr.Raw)
			res.Problems = append(res.Problems, pr)
		} else {
			res.MoreProblems++
		}
	}
	err := p.parse(br, o, count, report)
	return res, err
}

// clip bounds a raw text kept as a source, at a rune boundary.
func clip(s string) string {
	if len(s) <= MaxRaw {
		return s
	}
	cut := MaxRaw
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut]
}
