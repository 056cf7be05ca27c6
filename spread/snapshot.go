package spread

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/leaktrail/leaktrail/database"
)

// The snapshot is a compact copy of what the analysis reads of an incident's
// chain, kept in step with spread_nodes and forwards: every Store method that
// changes them appends the records it changed, in the same transaction, so a
// cold analysis reads a few rows of bytes instead of a row per node and
// forward. migrations/0019_spread_snapshot.sql describes the records and
// rebuilds them in SQL (spread_snapshot_rebuild), which must encode as this
// file does.
const (
	recordNode        = 'N'
	recordDetails     = 'D'
	recordContainment = 'C'
	recordForward     = 'F'
	recordForwardEdit = 'G'
	recordDeleted     = 'X'
)

// partBytes is where records are cut into a new part: a part is one row, and
// rows of a few MiB keep the reader's buffers small at a million forwards.
const partBytes = 4 << 20

// records encodes snapshot records, cut into parts.
type records struct {
	parts [][]byte
	cur   []byte
}

func (r *records) start(tag byte, id uuid.UUID) {
	if len(r.cur) >= partBytes {
		r.parts, r.cur = append(r.parts, r.cur), nil
	}
	r.cur = append(append(r.cur, tag), id[:]...)
}

func (r *records) s8(s string) { r.cur = append(append(r.cur, byte(len(s))), s...) }

func (r *records) s32(s string) {
	r.cur = append(binary.BigEndian.AppendUint32(r.cur, uint32(len(s))), s...)
}

func (r *records) count(c *int) {
	v := int32(-1)
	if c != nil {
		v = int32(*c)
	}
	r.cur = binary.BigEndian.AppendUint32(r.cur, uint32(v))
}

func (r *records) node(n *Node) {
	r.start(recordNode, n.ID)
	r.s8(string(n.Kind))
	r.s8(string(n.Exposure))
	r.s8(string(cmp.Or(n.Containment.Status, NoContainment)))
	r.count(n.MemberCount)
	r.s32(n.Key)
	r.s32(n.Name)
}

func (r *records) details(n *Node) {
	r.start(recordDetails, n.ID)
	r.s8(string(n.Exposure))
	r.count(n.MemberCount)
	r.s32(n.Name)
}

func (r *records) containment(id uuid.UUID, status ContainmentStatus) {
	r.start(recordContainment, id)
	r.s8(string(status))
}

func (r *records) forward(tag byte, f *Forward) {
	r.start(tag, f.ID)
	r.cur = append(append(append(r.cur, f.From[:]...), f.To[:]...), f.By[:]...)
	r.cur = binary.BigEndian.AppendUint64(r.cur, uint64(storedMicros(f.At)))
	r.s8(string(f.Method))
	r.s32(f.Key)
}

func (r *records) deleted(id uuid.UUID) { r.start(recordDeleted, id) }

func (r *records) done() [][]byte {
	if len(r.cur) > 0 {
		r.parts, r.cur = append(r.parts, r.cur), nil
	}
	return r.parts
}

// storedMicros is the time as PostgreSQL stores it, in microseconds since
// 1970: lib/pq sends nanoseconds as text (trailing zeros trimmed) and the
// server rounds the fraction with rint(strtod(fraction) * 1e6), so a time
// with sub-microsecond digits is rounded here the same way.
func storedMicros(t time.Time) int64 {
	sec, ns := t.Unix(), t.Nanosecond()
	if ns%1000 == 0 {
		return sec*1e6 + int64(ns/1000)
	}
	frac, _ := strconv.ParseFloat(strings.TrimRight(fmt.Sprintf("0.%09d", ns), "0"), 64)
	return sec*1e6 + int64(math.RoundToEven(frac*1e6))
}

// appendSnapshot adds records to the incident's snapshot; a writer holds the
// incident's row lock, so parts are numbered in the order they commit. When
// the parts have grown to more than twice what a rewrite would write (edits
// appended one by one), they are rewritten with one record per node and
// forward.
func (s Store) appendSnapshot(ctx context.Context, ex database.Executor, incidentID uuid.UUID, r *records) error {
	if err := insertParts(ctx, ex, incidentID, r.done()); err != nil {
		return err
	}
	var count, size int64
	if err := ex.QueryRowxContext(ctx, `SELECT count(*), coalesce(sum(octet_length(data)), 0)
		FROM spread_snapshot_parts WHERE incident_id = $1`, incidentID).Scan(&count, &size); err != nil {
		return err
	}
	if count <= 2*(size/partBytes)+32 {
		return nil
	}
	// Rewritten here rather than by spread_snapshot_rebuild, which encodes
	// row by row in SQL and takes seconds where this takes a cold read.
	c, err := s.snapshotColumns(ctx, ex, incidentID)
	if err != nil {
		return err
	}
	var all records
	var n Node
	for i := range int32(c.nodeCount()) {
		c.fillNode(i, &n)
		all.node(&n)
	}
	var f Forward
	for i := range int32(len(c.at)) {
		c.fillForward(i, &f)
		all.forward(recordForward, &f)
	}
	if _, err := ex.ExecContext(ctx, `DELETE FROM spread_snapshot_parts WHERE incident_id = $1`, incidentID); err != nil {
		return err
	}
	return insertParts(ctx, ex, incidentID, all.done())
}

// insertParts numbers parts after the incident's last.
func insertParts(ctx context.Context, ex database.Executor, incidentID uuid.UUID, parts [][]byte) error {
	for _, p := range parts {
		if _, err := ex.ExecContext(ctx, `INSERT INTO spread_snapshot_parts (incident_id, seq, data)
			SELECT $1, coalesce(max(seq), 0) + 1, $2 FROM spread_snapshot_parts WHERE incident_id = $1`, incidentID, p); err != nil {
			return err
		}
	}
	return nil
}

// Snapshot returns the incident's nodes and forwards with what the analysis
// needs (Partial), read from its snapshot.
func (s Store) Snapshot(ctx context.Context, ex database.Executor, incidentID uuid.UUID) ([]*Node, []*Forward, error) {
	c, err := s.snapshotColumns(ctx, ex, incidentID)
	if err != nil {
		return nil, nil, err
	}
	return c.nodes(span(0, c.nodeCount())), c.forwards(span(0, len(c.at))), nil
}

// snapshotColumns reads the incident's snapshot into columns.
func (Store) snapshotColumns(ctx context.Context, ex database.Executor, incidentID uuid.UUID) (*columns, error) {
	rows, err := ex.QueryContext(ctx, `SELECT data FROM spread_snapshot_parts WHERE incident_id = $1 ORDER BY seq`, incidentID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	d := decoder{c: &columns{incidentID: incidentID}}
	for rows.Next() {
		// The driver's buffer, reused for the next part: nothing of a part is
		// kept but the text copied out of it.
		var part sql.RawBytes
		if err := rows.Scan(&part); err != nil {
			return nil, err
		}
		if err := d.part(part); err != nil {
			return nil, fmt.Errorf("spread snapshot of %s: %w", incidentID, err)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := d.result(); err != nil {
		return nil, fmt.Errorf("spread snapshot of %s: %w", incidentID, err)
	}
	return d.c, nil
}

// decoder applies snapshot parts in order to columns.
type decoder struct {
	c       *columns
	deleted []bool // per forward, made on the first deletion
	// By id, built on the first record that changes an earlier forward.
	forwardAt map[uuid.UUID]int
	// Ends of forwards recorded before their node, found once every node is read.
	later []laterEnd

	// The part's keys and names are copied into one string, which they share.
	text    []byte
	strings []pendingString
	b       []byte
	err     error
}

type pendingString struct {
	column     *[]string
	place      int
	start, end int
}

type laterEnd struct {
	column *[]int32
	place  int
	id     uuid.UUID
}

func (d *decoder) part(b []byte) error {
	c := d.c
	d.b, d.text, d.strings = b, d.text[:0], d.strings[:0]
	if cap(d.text) < len(b) { // the part's text is a fraction of it: no growing
		d.text, d.strings = make([]byte, 0, len(b)), make([]pendingString, 0, len(b)/16)
	}
	for len(d.b) > 0 && d.err == nil {
		tag := d.take(1)[0]
		id := uuid.UUID(d.take(16))
		switch tag {
		case recordNode:
			kind, exposure := enumPlace(d, NodeKinds, d.s8()), enumPlace(d, Exposures, d.s8())
			containment := enumPlace(d, ContainmentStatuses, d.s8())
			i := c.nodeCount()
			c.addNode(id, "", "", kind, exposure, containment, nil)
			c.members[i] = d.count()
			key := d.bytes32()
			d.pending(&c.nodeKey, i, key)
			if name := d.bytes32(); string(name) != string(key) {
				c.setName(i, "")
				d.pending(&c.nodeName, i, name)
			}
		case recordDetails:
			if i := d.node(id); i >= 0 {
				c.exposure[i] = enumPlace(d, Exposures, d.s8())
				c.members[i] = d.count()
				c.setName(i, "")
				d.s32(&c.nodeName, i)
			}
		case recordContainment:
			if i := d.node(id); i >= 0 {
				c.containment[i] = enumPlace(d, ContainmentStatuses, d.s8())
			}
		case recordForward, recordForwardEdit:
			i := len(c.forwardID)
			if tag == recordForwardEdit {
				if i = d.forward(id); i < 0 {
					break
				}
				// An end still to be found no longer applies.
				d.later = slices.DeleteFunc(d.later, func(e laterEnd) bool { return e.place == i })
			} else {
				if d.forwardAt != nil {
					d.forwardAt[id] = i
				}
				c.addForward(id)
				if d.deleted != nil {
					d.deleted = append(d.deleted, false)
				}
			}
			from := d.end(&c.from, i)
			d.end(&c.to, i)
			if by := uuid.UUID(d.take(16)); by == from && c.from[i] >= 0 { // a person sending their own
				c.by[i] = c.from[i]
			} else {
				d.resolve(&c.by, i, by)
			}
			c.at[i] = int64(binary.BigEndian.Uint64(d.take(8))) * 1000
			c.method[i] = enumPlace(d, Methods, d.s8())
			d.s32(&c.forwardKey, i)
		case recordDeleted:
			if i := d.forward(id); i >= 0 {
				if d.deleted == nil {
					d.deleted = make([]bool, len(c.forwardID))
				}
				d.deleted[i] = true
			}
		default:
			d.fail("unknown record %q", tag)
		}
	}
	if d.err != nil {
		return d.err
	}
	text := string(d.text)
	for _, s := range d.strings {
		(*s.column)[s.place] = text[s.start:s.end]
	}
	return nil
}

// end reads a forward's end into its column and returns its id.
func (d *decoder) end(column *[]int32, i int) uuid.UUID {
	id := uuid.UUID(d.take(16))
	d.resolve(column, i, id)
	return id
}

// resolve puts the node's place in the column, -1 until found if it comes later.
func (d *decoder) resolve(column *[]int32, i int, id uuid.UUID) {
	v := d.c.nodeIndex.of(id)
	if v < 0 {
		d.later = append(d.later, laterEnd{column, i, id})
	}
	(*column)[i] = int32(v)
}

func (d *decoder) result() error {
	if d.err != nil {
		return d.err
	}
	c := d.c
	for _, e := range d.later {
		v := c.nodeIndex.of(e.id)
		if v < 0 {
			return fmt.Errorf("no node %s", e.id)
		}
		(*e.column)[e.place] = int32(v)
	}
	if d.deleted != nil {
		kept := 0
		for i, gone := range d.deleted {
			if gone {
				continue
			}
			c.forwardID[kept], c.forwardKey[kept] = c.forwardID[i], c.forwardKey[i]
			c.from[kept], c.to[kept], c.by[kept] = c.from[i], c.to[i], c.by[i]
			c.at[kept], c.method[kept] = c.at[i], c.method[i]
			kept++
		}
		c.forwardID, c.forwardKey = c.forwardID[:kept], c.forwardKey[:kept]
		c.from, c.to, c.by, c.at, c.method = c.from[:kept], c.to[:kept], c.by[:kept], c.at[:kept], c.method[:kept]
	}
	c.fit()
	return nil
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf(format, args...)
	}
	d.b = nil
}

// take returns the next n bytes of the part (zeros past its end, with an error).
func (d *decoder) take(n int) []byte {
	if len(d.b) < n {
		return d.short(n)
	}
	out := d.b[:n:n]
	d.b = d.b[n:]
	return out
}

func (d *decoder) short(n int) []byte {
	d.fail("a record is cut short")
	return make([]byte, n)
}

func (d *decoder) s8() []byte { return d.take(int(d.take(1)[0])) }

// s32 reads a string into the column's place once the part is read.
func (d *decoder) s32(column *[]string, i int) { d.pending(column, i, d.bytes32()) }

func (d *decoder) bytes32() []byte { return d.take(int(binary.BigEndian.Uint32(d.take(4)))) }

// pending copies b into the part's text, for the column's place.
func (d *decoder) pending(column *[]string, i int, b []byte) {
	d.strings = append(d.strings, pendingString{column, i, len(d.text), len(d.text) + len(b)})
	d.text = append(d.text, b...)
}

func (d *decoder) count() int32 {
	return int32(binary.BigEndian.Uint32(d.take(4)))
}

// node is the place of the node recorded with that id, -1 if none; a
// record changing a node follows its 'N'.
func (d *decoder) node(id uuid.UUID) int {
	i := d.c.nodeIndex.of(id)
	if i < 0 {
		d.fail("no node %s", id)
	}
	return i
}

// forward is the place of the forward recorded with that id, -1 if none.
func (d *decoder) forward(id uuid.UUID) int {
	if d.forwardAt == nil {
		d.forwardAt = make(map[uuid.UUID]int, len(d.c.forwardID))
		for i, f := range d.c.forwardID {
			d.forwardAt[f] = i
		}
	}
	i, ok := d.forwardAt[id]
	if !ok {
		d.fail("no forward %s", id)
		return -1
	}
	return i
}

// enumPlace is the place of the known value spelled b, matched without allocating.
func enumPlace[T ~string](d *decoder, values []T, b []byte) uint8 {
	for i, v := range values {
		if string(v) == string(b) {
			return uint8(i)
		}
	}
	d.fail("unknown value %q", b)
	return 0
}
