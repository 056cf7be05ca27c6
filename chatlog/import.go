package chatlog

import (
	"archive/zip"
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"slices"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/audit"
	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/chatexport"
	"github.com/leaktrail/leaktrail/database"
	"github.com/leaktrail/leaktrail/evidence"
	"github.com/leaktrail/leaktrail/fingerprint"
	"github.com/leaktrail/leaktrail/incident"
	"github.com/leaktrail/leaktrail/internal/zone"
	"github.com/leaktrail/leaktrail/notify"
	"github.com/leaktrail/leaktrail/spread"
)

// platformOf is the platform of each format's chats.
var platformOf = map[chatexport.Format]spread.Platform{
	chatexport.WeChatPyWxDump: "WECHAT", chatexport.WeChatMemo: "WECHAT", chatexport.WeCom: "WECOM",
	chatexport.QQ: "QQ", chatexport.LINE: "LINE", chatexport.Telegram: "TELEGRAM", chatexport.WhatsApp: "WHATSAPP",
	chatexport.GenericCSV: "OTHER",
}

// Limits of a read: the files of a zip of an export folder, and the time
// one read may take (a 1 GiB export takes minutes).
const (
	MaxZipEntries = 20000
	MaxReadTime   = 2 * time.Hour
	// batchSize messages are written at once.
	batchSize = 1000
)

// Read queues an evidence item to be read as a chat export. An item is read
// once: asking again returns its read, unless that failed, when it is read
// again with the options given now.
func (s *Service) Read(ctx context.Context, evidenceID uuid.UUID, in ImportInput) (*Import, error) {
	actor, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	e, err := s.Evidence.Get(ctx, evidenceID)
	if err != nil {
		return nil, err
	}
	if e == nil {
		return nil, apperr.Errorf(apperr.NotFound, "no such evidence item")
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	var out *Import
	err = s.Incidents.Change(ctx, e.IncidentID, incident.PermEdit, func(tx *sqlx.Tx, inc incident.Incident, _ auth.User) (audit.Entry, error) {
		if out, err = s.Store.ImportOf(ctx, tx, evidenceID, true); err != nil {
			return audit.Entry{}, err
		}
		if out != nil && out.State != Failed {
			return audit.Entry{}, nil
		}
		im := &Import{ID: uuid.New(), IncidentID: inc.ID, EvidenceID: evidenceID, ChosenFormat: in.Format,
			TimeZone: cmp.Or(in.TimeZone, inc.TimeZone), Platform: in.Platform, Mapping: in.Mapping, DayFirst: in.DayFirst,
			State: Queued, BytesTotal: e.Size, RequestedBy: actor.ID}
		if out != nil {
			im.ID = out.ID
		}
		if err := s.Store.Queue(ctx, tx, im); err != nil {
			return audit.Entry{}, err
		}
		if out, err = s.Store.Import(ctx, tx, im.ID); err != nil {
			return audit.Entry{}, err
		}
		return audit.Entry{Action: "chatlog.read", TargetType: "evidence", TargetID: evidenceID.String(),
			Changes: map[string]any{"format": in.Format, "timeZone": im.TimeZone, "platform": in.Platform}}, nil
	})
	if err != nil {
		return nil, err
	}
	s.Wake()
	return out, nil
}

func (in *ImportInput) validate() error {
	if in.Format != "" && !slices.Contains(chatexport.Formats(), in.Format) && in.Format != chatexport.GenericCSV {
		return apperr.Invalid("input.format", "unknown export format %s", in.Format)
	}
	if in.Format == chatexport.GenericCSV {
		m := in.Mapping
		if m == nil || strings.TrimSpace(m.Sender) == "" || strings.TrimSpace(m.Time) == "" || strings.TrimSpace(m.Text) == "" {
			return apperr.Invalid("input.mapping", "a generic CSV needs the columns of the sender, the time and the text")
		}
		for _, c := range []string{m.Chat, m.ChatID, m.Sender, m.SenderID, m.Time, m.Text, m.Media, m.TimeLayout} {
			if utf8.RuneCountInString(c) > 200 {
				return apperr.Invalid("input.mapping", "a column name is at most %d characters", 200)
			}
		}
	} else if in.Mapping != nil {
		return apperr.Invalid("input.mapping", "a column mapping is only for a generic CSV")
	}
	if in.Platform != "" && !slices.Contains(spread.Platforms, in.Platform) {
		return apperr.Invalid("input.platform", "unknown platform %s", in.Platform)
	}
	if in.TimeZone != "" {
		zone, err := evidence.ZoneOf(in.TimeZone, "input.timeZone")
		if err != nil {
			return err
		}
		in.TimeZone = zone
	}
	return nil
}

// Wake tells the job a read is waiting.
func (s *Service) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Work reads the waiting exports, one at a time, until ctx ends; poll is
// how often it looks for work queued by another instance.
func (s *Service) Work(ctx context.Context, poll time.Duration) {
	tick := time.NewTicker(poll)
	defer tick.Stop()
	for {
		for s.RunOne(ctx) {
		}
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		case <-tick.C:
		}
	}
}

var errReadTooLong = errors.New("chatlog: the read took too long")

// RunOne reads one waiting export, telling whether there was one.
func (s *Service) RunOne(ctx context.Context) bool {
	if ctx.Err() != nil {
		return false
	}
	im, err := s.Store.Claim(ctx, s.DB, s.Lease)
	if err != nil {
		if ctx.Err() == nil {
			s.Log.Warn("chat export reads: cannot claim one", "error", err)
		}
		return false
	}
	if im == nil {
		return false
	}
	runCtx, cancel := context.WithTimeoutCause(ctx, MaxReadTime, errReadTooLong)
	err = s.run(runCtx, im)
	if errors.Is(context.Cause(runCtx), errReadTooLong) {
		err = apperr.Errorf(apperr.InvalidInput, "the read took longer than %d hours; split the export", int(MaxReadTime.Hours()))
	}
	cancel()
	switch {
	case ctx.Err() != nil:
		// The server is stopping: the read goes back to the queue, whole.
		if err := s.Store.Requeue(context.WithoutCancel(ctx), s.DB, im.ID); err != nil {
			s.Log.Warn("chat export read: cannot queue it again", "import", im.ID, "error", err)
		}
	case err != nil:
		im.State = Failed
		e, ok := apperr.As(err)
		if !ok || e.Code == apperr.Internal {
			s.Log.Error("chat export read failed", "import", im.ID, "error", err)
			e = apperr.Errorf(apperr.Unavailable, "the export could not be read; try again")
		}
		im.Failure, im.FailureParams, im.FailureMessage = e.Reason, e.Params, e.Message
		if im.Failure == "" {
			im.Failure = apperr.ReasonOf(e.Message)
		}
		im.Problems, im.Messages, im.Duplicates, im.MoreProblems, im.Media = nil, 0, 0, 0, nil
		if err := s.Store.Finish(context.WithoutCancel(ctx), s.DB, im); err != nil {
			s.Log.Warn("chat export read: cannot record its failure", "import", im.ID, "error", err)
		} else if err := notify.Emit(context.WithoutCancel(ctx), s.DB, importFinished(im)); err != nil {
			s.Log.Warn("chat export read: cannot tell of its failure", "import", im.ID, "error", err)
		}
	}
	return true
}

// run reads one export as the person who asked for it, writing every
// message in one transaction.
func (s *Service) run(ctx context.Context, im *Import) error {
	users, err := s.UsersByIDs(ctx, []uuid.UUID{im.RequestedBy})
	if err != nil {
		return err
	}
	if len(users) == 0 || users[0].Disabled {
		return apperr.Errorf(apperr.Forbidden, "the person who asked for the read may no longer act")
	}
	ctx = auth.WithUser(ctx, users[0])
	if _, _, err := s.Incidents.Allowed(ctx, im.IncidentID, incident.PermEdit); err != nil {
		return err
	}
	zone, err := zone.Load(im.TimeZone)
	if err != nil {
		return apperr.Invalid("input.timeZone", "unknown time zone %s", im.TimeZone)
	}
	e, rc, err := s.Evidence.Open(ctx, im.EvidenceID, "read as a chat export", im.TimeZone)
	if err != nil {
		return err
	}
	defer rc.Close()
	progress := &counter{r: rc}
	done := s.reportProgress(ctx, im, progress)
	defer done()

	chat := io.Reader(progress)
	names, err := s.Store.EvidenceByName(ctx, s.DB, im.IncidentID)
	if err != nil {
		return err
	}
	media, byMD5 := map[string]uuid.UUID{}, map[string]uuid.UUID{}
	chatName := e.FileName
	if isZip(e) {
		var cleanup func()
		chat, chatName, media, byMD5, cleanup, err = s.unzip(ctx, im, e, progress)
		if cleanup != nil {
			defer cleanup()
		}
		if err != nil {
			return err
		}
		for _, id := range media {
			im.Media = append(im.Media, id)
		}
		slices.SortFunc(im.Media, func(a, b uuid.UUID) int { return strings.Compare(a.String(), b.String()) })
		im.Media = slices.Compact(im.Media)
	}
	br := bufio.NewReaderSize(chat, 64<<10)
	format := im.ChosenFormat
	if format == "" {
		head, _ := br.Peek(8 << 10)
		var ok bool
		if format, ok = chatexport.Detect(head); !ok {
			return parseError(chatexport.ErrUnknownFormat)
		}
	}
	progress.format.Store(&format)
	return database.WithTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		if err := s.Store.DropSources(ctx, tx, im.ID); err != nil {
			return err
		}
		im.Platform = cmp.Or(im.Platform, platformOf[format])
		w := &writer{s: s, tx: tx, im: im, platform: im.Platform,
			fallbackChat: strings.TrimSuffix(path.Base(chatName), path.Ext(chatName)), owner: e.Acquisition.From,
			stems: stems(names), chats: map[string]uuid.UUID{}, senders: map[string]uuid.UUID{}, media: media, byMD5: byMD5, names: names,
			seen: map[string]int{}}
		opts := chatexport.Options{Format: format, Zone: zone, Mapping: im.Mapping, DayFirst: im.DayFirst}
		res, err := chatexport.Parse(br, opts, func(m *chatexport.Message) error { return w.add(ctx, m) })
		if err != nil {
			return parseError(err)
		}
		if err := w.flush(ctx); err != nil {
			return err
		}
		im.Format, im.Problems, im.MoreProblems = res.Format, res.Problems, res.MoreProblems
		im.Messages, im.Duplicates, im.BytesRead, im.State = w.count, w.known, progress.n.Load(), Done
		// The rights of the person the job acts for, at the moment it writes.
		if _, _, err := s.Incidents.LockFor(ctx, tx, im.IncidentID, incident.PermEdit); err != nil {
			return err
		}
		if err := s.Store.Recount(ctx, tx, im.IncidentID); err != nil {
			return err
		}
		if err := s.Store.Finish(ctx, tx, im); err != nil {
			return err
		}
		return notify.Emit(ctx, tx, importFinished(im))
	})
}

// importFinished tells the team, and the one who asked, that a read ended.
func importFinished(im *Import) notify.Event {
	return notify.Event{Kind: notify.ImportFinished, IncidentID: &im.IncidentID, ActorID: &im.RequestedBy,
		Data: map[string]string{"state": string(im.State)}}
}

func parseError(err error) error {
	if _, ok := apperr.As(err); ok {
		return err
	}
	if errors.Is(err, chatexport.ErrUnknownFormat) {
		return apperr.Invalid("input.format", "the export's format is not recognised; choose it")
	}
	return apperr.Invalid("file", "the export cannot be read: %s", apperr.Detail(err.Error()))
}

func isZip(e *evidence.Evidence) bool {
	return e.ContentType == "application/zip" || strings.HasSuffix(strings.ToLower(e.FileName), ".zip")
}

// counter counts the bytes read through it.
type counter struct {
	r      io.Reader
	n      atomic.Int64
	format atomic.Pointer[chatexport.Format]
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// reportProgress records how far the read is, every half second, on its own
// connection (the read's transaction commits only at the end).
func (s *Service) reportProgress(ctx context.Context, im *Import, c *counter) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(500 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				var f chatexport.Format
				if p := c.format.Load(); p != nil {
					f = *p
				}
				if err := s.Store.Progress(ctx, s.DB, im.ID, c.n.Load(), f, s.Lease); err != nil && ctx.Err() == nil {
					s.Log.Warn("chat export read: cannot record progress", "import", im.ID, "error", err)
				}
			}
		}
	}()
	return func() { cancel(); <-done }
}

// unzip stores the media of a zipped export folder as evidence items of
// their own (an item already in the case is used as it is) and returns its
// chat file. The zip is spooled to a temporary file: a zip is read from its end.
func (s *Service) unzip(ctx context.Context, im *Import, zipItem *evidence.Evidence, c *counter) (
	chat io.Reader, chatName string, media, byMD5 map[string]uuid.UUID, cleanup func(), err error) {
	f, err := os.CreateTemp("", "leaktrail-export-*.zip")
	if err != nil {
		return nil, "", nil, nil, nil, err
	}
	cleanup = func() { f.Close(); os.Remove(f.Name()) }
	n, err := io.Copy(f, c)
	if err != nil {
		return nil, "", nil, nil, cleanup, err
	}
	zr, err := zip.NewReader(f, n)
	if err != nil {
		return nil, "", nil, nil, cleanup, badZip(err)
	}
	if len(zr.File) > MaxZipEntries {
		return nil, "", nil, nil, cleanup, apperr.Invalid("file", "a zip holds at most %d files", MaxZipEntries)
	}
	var chatFile *zip.File
	var files []*zip.File
	for _, zf := range zr.File {
		if zf.FileInfo().IsDir() || strings.HasPrefix(path.Base(zf.Name), ".") || strings.HasPrefix(zf.Name, "__MACOSX/") {
			continue
		}
		files = append(files, zf)
		if chatFile == nil && s.isChatFile(zf) {
			chatFile = zf
		}
	}
	if chatFile == nil {
		return nil, "", nil, nil, cleanup, apperr.Invalid("file", "the zip holds no chat file of a known format")
	}
	media, byMD5 = map[string]uuid.UUID{}, map[string]uuid.UUID{}
	dir := path.Dir(chatFile.Name)
	for _, zf := range files {
		if zf == chatFile {
			continue
		}
		id, md5sum, err := s.storeMedia(ctx, im, zipItem, zf)
		if err != nil {
			return nil, "", nil, nil, cleanup, err
		}
		// Paths in a chat file are relative to its folder.
		rel := strings.TrimPrefix(strings.TrimPrefix(zf.Name, dir), "/")
		media[rel], byMD5[md5sum] = id, id
	}
	rc, err := chatFile.Open()
	if err != nil {
		return nil, "", nil, nil, cleanup, badZip(err)
	}
	removeFile := cleanup
	return rc, chatFile.Name, media, byMD5, func() { rc.Close(); removeFile() }, nil
}

func stems(names map[string]uuid.UUID) map[string]uuid.UUID {
	out := make(map[string]uuid.UUID, len(names))
	for name, id := range names {
		out[strings.ToLower(strings.TrimSuffix(name, path.Ext(name)))] = id
	}
	return out
}

func badZip(err error) error {
	return apperr.Invalid("file", "the zip cannot be read: %s", apperr.Detail(err.Error()))
}

func (s *Service) isChatFile(zf *zip.File) bool {
	rc, err := zf.Open()
	if err != nil {
		return false
	}
	defer rc.Close()
	head := make([]byte, 8<<10)
	n, _ := io.ReadFull(rc, head)
	_, ok := chatexport.Detect(head[:n])
	return ok
}

// storeMedia stores a file of a zip as an evidence item, unless the case
// holds its content already.
func (s *Service) storeMedia(ctx context.Context, im *Import, zipItem *evidence.Evidence, zf *zip.File) (uuid.UUID, string, error) {
	rc, err := zf.Open()
	if err != nil {
		return uuid.Nil, "", badZip(err)
	}
	sums, err := fingerprint.SumFile(rc)
	rc.Close()
	if err != nil {
		return uuid.Nil, "", badZip(err)
	}
	if sums.Size == 0 {
		return uuid.Nil, "", nil
	}
	if id, found, err := s.Evidence.Holding(ctx, im.IncidentID, sums.SHA256); err != nil || found {
		return id, sums.MD5, err
	}
	name := path.Base(zf.Name)
	// A file of the zip was collected with it: from whom, where and when the zip was.
	acq := zipItem.Acquisition
	if acq.From != "" && acq.At != nil {
		acq.How = strings.TrimSpace(acq.How + " (" + zipItem.FileName + ")")
		acq.ByID = nil
	} else {
		acq = evidence.Acquisition{}
	}
	up, err := s.Evidence.Begin(ctx, im.IncidentID, evidence.Details{FileName: name, TimeZone: im.TimeZone,
		Description: fmt.Sprintf("%s ⟶ %s", zipItem.FileName, zf.Name), Acquisition: acq})
	if err != nil {
		return uuid.Nil, "", err
	}
	rc, err = zf.Open()
	if err != nil {
		return uuid.Nil, "", badZip(err)
	}
	defer rc.Close()
	item, err := s.Evidence.Put(ctx, up.ID, rc)
	if err != nil {
		return uuid.Nil, "", err
	}
	return item.ID, sums.MD5, nil
}
