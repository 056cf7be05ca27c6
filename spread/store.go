package spread

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/leaktrail/leaktrail/database"
)

// Store is the SQL for the spread chain. Batches travel by COPY. Writes to
// one incident's chain are serialised by its incident row lock, so a batch
// can look up which keys are new and then COPY just those.
type Store struct{}

// InsertNodes adds new nodes by COPY. The caller holds the incident's row
// lock, under which it found none of their keys recorded.
func (s Store) InsertNodes(ctx context.Context, tx *sqlx.Tx, nodes []*Node) error {
	if err := copyRows(ctx, tx, "spread_nodes", []copyColumn{{name: "id"}, {name: "incident_id"}, {name: "key"}, {name: "kind"},
		{name: "name"}, {name: "exposure"},
		{"unit", func(i int) bool { return nodes[i].Unit != "" }},
		{"position", func(i int) bool { return nodes[i].Position != "" }},
		{"handles", func(i int) bool { return len(nodes[i].Handles) > 0 }},
		{"cleared", func(i int) bool { return nodes[i].Cleared != nil }},
		{"platform", func(i int) bool { return nodes[i].Platform != nil }},
		{"member_count", func(i int) bool { return nodes[i].MemberCount != nil }},
	}, len(nodes), func(i int, row []any) {
		n := nodes[i]
		row[0], row[1], row[2], row[3], row[4], row[5] = n.ID, n.IncidentID, n.Key, n.Kind, n.Name, n.Exposure
		row[6], row[7], row[8] = n.Unit, n.Position, pq.StringArray(append([]string{}, n.Handles...))
		row[9], row[10], row[11] = n.Cleared, n.Platform, n.MemberCount
	}); err != nil || len(nodes) == 0 {
		return err
	}
	var r records
	for _, n := range nodes {
		r.node(n)
	}
	return s.appendSnapshot(ctx, tx, nodes[0].IncidentID, &r)
}

// copyColumn is a column of a COPY. An optional one (set is not nil) is left
// out when no row sets it, and PostgreSQL fills in its default, which is what
// those rows would have written: every column costs it parsing on every row.
type copyColumn struct {
	name string
	set  func(i int) bool
}

// copyRows COPYs n rows into table: the cheapest way to bring many rows into
// PostgreSQL. row puts row i's value of every column in order into its slice.
func copyRows(ctx context.Context, tx *sqlx.Tx, table string, columns []copyColumn, n int, row func(i int, values []any)) error {
	if n == 0 {
		return nil
	}
	var names []string
	var kept []int
	for c, col := range columns {
		if col.set == nil || anyRow(n, col.set) {
			names, kept = append(names, col.name), append(kept, c)
		}
	}
	stmt, err := tx.PrepareContext(ctx, `COPY `+table+` (`+strings.Join(names, ", ")+`) FROM STDIN`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	values, args := make([]any, len(columns)), make([]any, len(kept))
	for i := range n {
		row(i, values)
		for a, c := range kept {
			args[a] = values[c]
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return err
		}
	}
	_, err = stmt.ExecContext(ctx)
	return err
}

func anyRow(n int, set func(i int) bool) bool {
	for i := range n {
		if set(i) {
			return true
		}
	}
	return false
}

// Recorded tells whether the incident has any nodes and any forwards: a batch
// into an empty chain (the usual first import) need not look up its keys.
func (Store) Recorded(ctx context.Context, ex database.Executor, incidentID uuid.UUID) (nodes, forwards bool, err error) {
	err = ex.QueryRowxContext(ctx, `SELECT EXISTS (SELECT 1 FROM spread_nodes WHERE incident_id = $1),
		EXISTS (SELECT 1 FROM forwards WHERE incident_id = $1)`, incidentID).Scan(&nodes, &forwards)
	return nodes, forwards, err
}

// RecordedForwardKeys returns which of the keys the incident's forwards already have.
func (Store) RecordedForwardKeys(ctx context.Context, ex database.Executor, incidentID uuid.UUID, keys []string) (map[string]bool, error) {
	var found []string
	if err := ex.SelectContext(ctx, &found, `SELECT key FROM forwards WHERE incident_id = $1 AND key = ANY($2)`,
		incidentID, pq.StringArray(keys)); err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(found))
	for _, k := range found {
		out[k] = true
	}
	return out, nil
}

// InsertForwards adds new forwards by COPY. The caller holds the incident's
// row lock, under which it found none of their keys recorded.
func (s Store) InsertForwards(ctx context.Context, tx *sqlx.Tx, rows []*Forward, createdBy uuid.UUID) error {
	if err := copyRows(ctx, tx, "forwards", []copyColumn{{name: "id"}, {name: "incident_id"}, {name: "key"},
		{name: "from_node"}, {name: "to_node"}, {name: "by_node"}, {name: "at"}, {name: "method"}, {name: "created_by"},
		{"item_id", func(i int) bool { return rows[i].ItemID != nil }},
		{"alterations", func(i int) bool { return len(rows[i].Alterations) > 0 }},
		{"mis_sent", func(i int) bool { return rows[i].MisSent }},
		{"recalled_at", func(i int) bool { return rows[i].RecalledAt != nil }},
		{"confidence", func(i int) bool { return rows[i].Confidence != "CONFIRMED" }},
		{"note", func(i int) bool { return rows[i].Note != "" }},
	}, len(rows), func(i int, row []any) {
		f := rows[i]
		alterations := make(pq.StringArray, len(f.Alterations))
		for j, a := range f.Alterations {
			alterations[j] = string(a)
		}
		row[0], row[1], row[2], row[3], row[4], row[5] = f.ID, f.IncidentID, f.Key, f.From, f.To, f.By
		row[6], row[7], row[8] = f.At, f.Method, createdBy
		row[9], row[10], row[11], row[12], row[13], row[14] = f.ItemID, alterations, f.MisSent, f.RecalledAt, f.Confidence, f.Note
	}); err != nil || len(rows) == 0 {
		return err
	}
	var r records
	for _, f := range rows {
		r.forward(recordForward, f)
	}
	if err := s.appendSnapshot(ctx, tx, rows[0].IncidentID, &r); err != nil {
		return err
	}
	return insertSources(ctx, tx, rows)
}

// insertSources records the lines the forwards rest on. A citation of an
// evidence item of another incident is dropped by the join, never stored.
func insertSources(ctx context.Context, tx *sqlx.Tx, rows []*Forward) error {
	var forwards, evidence, messages pq.StringArray
	var lines pq.Int64Array
	for _, f := range rows {
		for _, c := range f.Sources {
			forwards = append(forwards, f.ID.String())
			evidence = append(evidence, c.EvidenceID.String())
			lines = append(lines, int64(c.Line))
			m := ""
			if c.MessageID != nil {
				m = c.MessageID.String()
			}
			messages = append(messages, m)
		}
	}
	if len(forwards) == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO forward_sources (forward_id, evidence_id, line, message_id)
		SELECT s.f, s.e, s.l, NULLIF(s.m, '')::uuid
		FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::text[]) AS s(f, e, l, m)
		JOIN forwards fw ON fw.id = s.f
		JOIN evidence ev ON ev.id = s.e AND ev.incident_id = fw.incident_id
		ON CONFLICT DO NOTHING`, forwards, evidence, lines, messages)
	return err
}

// Sources returns the citations of the forwards with these ids, by forward.
func (Store) Sources(ctx context.Context, ex database.Executor, ids []uuid.UUID) (map[uuid.UUID][]Citation, error) {
	rows, err := ex.QueryxContext(ctx, `SELECT forward_id, evidence_id, line, message_id FROM forward_sources
		WHERE forward_id = ANY($1) ORDER BY forward_id, evidence_id, line`, uuidArray(ids))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[uuid.UUID][]Citation{}
	for rows.Next() {
		var f uuid.UUID
		var c Citation
		if err := rows.Scan(&f, &c.EvidenceID, &c.Line, &c.MessageID); err != nil {
			return nil, err
		}
		out[f] = append(out[f], c)
	}
	return out, rows.Err()
}

const nodeColumns = `id, incident_id, key, kind, name, exposure, unit, position, handles, cleared, platform,
	member_count, containment_status, containment_requested_to, containment_requested_at, containment_note,
	containment_updated_at`

func scanNode(sc scanner) (*Node, error) {
	n := &Node{}
	var handles pq.StringArray
	err := sc.Scan(&n.ID, &n.IncidentID, &n.Key, &n.Kind, &n.Name, &n.Exposure, &n.Unit, &n.Position, &handles,
		&n.Cleared, &n.Platform, &n.MemberCount, &n.Containment.Status, &n.Containment.RequestedTo,
		&n.Containment.RequestedAt, &n.Containment.Note, &n.Containment.UpdatedAt)
	n.Handles = handles
	return n, err
}

// Nodes returns the incident's nodes, all of them or those with the given keys, in no particular order.
func (Store) Nodes(ctx context.Context, ex database.Executor, incidentID uuid.UUID, keys []string) ([]*Node, error) {
	return queryAll(ctx, ex, scanNode, byKeys(`SELECT `+nodeColumns+` FROM spread_nodes`, incidentID, keys))
}

// NodesNamed returns the incident's nodes with any of the given names.
func (Store) NodesNamed(ctx context.Context, ex database.Executor, incidentID uuid.UUID, names []string) ([]*Node, error) {
	return queryAll(ctx, ex, scanNode, statement{`SELECT ` + nodeColumns + ` FROM spread_nodes WHERE incident_id = $1 AND name = ANY($2)`,
		[]any{incidentID, pq.StringArray(names)}})
}

// ForwardsByID returns the forwards with the given ids.
func (Store) ForwardsByID(ctx context.Context, ex database.Executor, ids []uuid.UUID) ([]*Forward, error) {
	return queryAll(ctx, ex, scanForward, statement{`SELECT ` + forwardColumns + ` FROM forwards WHERE id = ANY($1::uuid[])`,
		[]any{uuidArray(ids)}})
}

func uuidArray(ids []uuid.UUID) pq.StringArray {
	strs := make(pq.StringArray, len(ids))
	for i, id := range ids {
		strs[i] = id.String()
	}
	return strs
}

type scanner = database.Scanner

// statement is a query with its arguments.
type statement struct {
	query string
	args  []any
}

// byKeys selects an incident's rows, or only those with the given keys.
func byKeys(query string, incidentID uuid.UUID, keys []string) statement {
	if keys == nil {
		return statement{query + ` WHERE incident_id = $1`, []any{incidentID}}
	}
	return statement{query + ` WHERE incident_id = $1 AND key = ANY($2)`, []any{incidentID, pq.StringArray(keys)}}
}

// queryAll runs a statement and scans every row it returns.
func queryAll[T any](ctx context.Context, ex database.Executor, scan func(scanner) (*T, error), st statement) ([]*T, error) {
	return database.QueryAll(ctx, ex, scan, st.query, st.args...)
}

// NodesByID returns the nodes with the given ids.
func (Store) NodesByID(ctx context.Context, ex database.Executor, ids []uuid.UUID) ([]*Node, error) {
	return queryAll(ctx, ex, scanNode, statement{`SELECT ` + nodeColumns + ` FROM spread_nodes WHERE id = ANY($1::uuid[])`,
		[]any{uuidArray(ids)}})
}

// Node returns one node by id; sql.ErrNoRows when there is none.
func (Store) Node(ctx context.Context, ex database.Executor, id uuid.UUID) (*Node, error) {
	return scanNode(ex.QueryRowxContext(ctx, `SELECT `+nodeColumns+` FROM spread_nodes WHERE id = $1`, id))
}

// forwardColumns read times as microseconds since the epoch: integers scan
// several times faster than timestamp text, which matters for 100,000 rows.
const forwardColumns = `id, incident_id, key, from_node, to_node, by_node, (extract(epoch from at) * 1000000)::bigint,
	method, item_id, alterations, mis_sent, (extract(epoch from recalled_at) * 1000000)::bigint, confidence, note`

func scanForward(sc scanner) (*Forward, error) {
	f := &Forward{}
	var alterations pq.StringArray
	var at int64
	var recalledAt *int64
	err := sc.Scan(&f.ID, &f.IncidentID, &f.Key, &f.From, &f.To, &f.By, &at, &f.Method, &f.ItemID, &alterations,
		&f.MisSent, &recalledAt, &f.Confidence, &f.Note)
	f.At = time.UnixMicro(at).UTC()
	if recalledAt != nil {
		t := time.UnixMicro(*recalledAt).UTC()
		f.RecalledAt = &t
	}
	f.Alterations = make([]Alteration, len(alterations))
	for i, a := range alterations {
		f.Alterations[i] = Alteration(a)
	}
	return f, err
}

// Forwards returns the incident's forwards, all of them or those with the given keys, in no particular order.
func (Store) Forwards(ctx context.Context, ex database.Executor, incidentID uuid.UUID, keys []string) ([]*Forward, error) {
	return queryAll(ctx, ex, scanForward, byKeys(`SELECT `+forwardColumns+` FROM forwards`, incidentID, keys))
}

// Forward returns one forward by id; sql.ErrNoRows when there is none.
func (Store) Forward(ctx context.Context, ex database.Executor, id uuid.UUID) (*Forward, error) {
	return scanForward(ex.QueryRowxContext(ctx, `SELECT `+forwardColumns+` FROM forwards WHERE id = $1`, id))
}

// noRow is nil for a change that found no row (it changed nothing, as an
// UPDATE of no row does), else err.
func noRow(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	return err
}

// UpdateForward writes a forward's editable fields. Its key, ends and maker
// never change, so the snapshot takes the whole forward again.
func (s Store) UpdateForward(ctx context.Context, ex database.Executor, f *Forward) error {
	alterations := make(pq.StringArray, len(f.Alterations))
	for i, a := range f.Alterations {
		alterations[i] = string(a)
	}
	var incidentID uuid.UUID
	if err := ex.QueryRowxContext(ctx, `UPDATE forwards SET at = $2, method = $3, alterations = $4, mis_sent = $5,
		recalled_at = $6, confidence = $7, note = $8 WHERE id = $1 RETURNING incident_id`,
		f.ID, f.At, f.Method, alterations, f.MisSent, f.RecalledAt, f.Confidence, f.Note).Scan(&incidentID); err != nil {
		return noRow(err)
	}
	var r records
	r.forward(recordForwardEdit, f)
	return s.appendSnapshot(ctx, ex, incidentID, &r)
}

// DeleteForward removes one forward.
func (s Store) DeleteForward(ctx context.Context, ex database.Executor, id uuid.UUID) error {
	var incidentID uuid.UUID
	if err := ex.QueryRowxContext(ctx, `DELETE FROM forwards WHERE id = $1 RETURNING incident_id`, id).Scan(&incidentID); err != nil {
		return noRow(err)
	}
	var r records
	r.deleted(id)
	return s.appendSnapshot(ctx, ex, incidentID, &r)
}

// UpdateNode writes a node's details (not its key, kind or containment); the
// snapshot takes the ones the analysis reads, not the containment the node
// was read with, which may be older than the row.
func (s Store) UpdateNode(ctx context.Context, ex database.Executor, n *Node) error {
	var incidentID uuid.UUID
	if err := ex.QueryRowxContext(ctx, `UPDATE spread_nodes SET name = $2, exposure = $3, member_count = $4, unit = $5,
		position = $6, handles = $7, cleared = $8, platform = $9 WHERE id = $1 RETURNING incident_id`,
		n.ID, n.Name, n.Exposure, n.MemberCount, n.Unit, n.Position, pq.StringArray(append([]string{}, n.Handles...)),
		n.Cleared, n.Platform).Scan(&incidentID); err != nil {
		return noRow(err)
	}
	var r records
	r.details(n)
	return s.appendSnapshot(ctx, ex, incidentID, &r)
}

// SetContainment records a venue's takedown state.
func (s Store) SetContainment(ctx context.Context, ex database.Executor, id uuid.UUID, c Containment) error {
	var incidentID uuid.UUID
	if err := ex.QueryRowxContext(ctx, `UPDATE spread_nodes SET containment_status = $2, containment_requested_to = $3,
		containment_requested_at = $4, containment_note = $5, containment_updated_at = now() WHERE id = $1
		RETURNING incident_id`, id, c.Status, c.RequestedTo, c.RequestedAt, c.Note).Scan(&incidentID); err != nil {
		return noRow(err)
	}
	var r records
	r.containment(id, c.Status)
	return s.appendSnapshot(ctx, ex, incidentID, &r)
}

const itemColumns = `id, incident_id, key, title, kind, classification, document_number, alterations, created_at`

func scanItem(sc scanner) (*Item, error) {
	it := &Item{}
	var alterations pq.StringArray
	err := sc.Scan(&it.ID, &it.IncidentID, &it.Key, &it.Title, &it.Kind, &it.Classification, &it.DocumentNumber,
		&alterations, &it.CreatedAt)
	for _, a := range alterations {
		it.Alterations = append(it.Alterations, Alteration(a))
	}
	return it, err
}

// PutItem records a leaked item, or returns the one the incident already has with that key.
func (Store) PutItem(ctx context.Context, ex database.Executor, it Item, createdBy uuid.UUID) (*Item, error) {
	alterations := make(pq.StringArray, len(it.Alterations))
	for i, a := range it.Alterations {
		alterations[i] = string(a)
	}
	if _, err := ex.ExecContext(ctx, `INSERT INTO leaked_items (id, incident_id, key, title, kind, classification,
		document_number, alterations, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (incident_id, key) DO NOTHING`,
		it.ID, it.IncidentID, it.Key, it.Title, it.Kind, it.Classification, it.DocumentNumber, alterations, createdBy); err != nil {
		return nil, err
	}
	return scanItem(ex.QueryRowxContext(ctx, `SELECT `+itemColumns+` FROM leaked_items WHERE incident_id = $1 AND key = $2`,
		it.IncidentID, it.Key))
}

// Items returns the incident's leaked items.
func (Store) Items(ctx context.Context, ex database.Executor, incidentID uuid.UUID) ([]*Item, error) {
	return queryAll(ctx, ex, scanItem, byKeys(`SELECT `+itemColumns+` FROM leaked_items`, incidentID, nil))
}

// Summary is what the gates need to know of an incident's spread.
type Summary struct {
	Forwards        int  `db:"forwards"`
	HasOrigin       bool `db:"has_origin"`
	VenuesContained int  `db:"venues_contained"`
	// Uncontained counts EXTERNAL or PUBLIC venues with no takedown step.
	Uncontained int `db:"uncontained"`
}

// Summary counts an incident's forwards, whether some sender received from
// nobody (an origin), and the venues with a containment step taken.
func (Store) Summary(ctx context.Context, ex database.Executor, incidentID uuid.UUID) (Summary, error) {
	var s Summary
	err := ex.GetContext(ctx, &s, `SELECT
		(SELECT count(*) FROM forwards WHERE incident_id = $1) AS forwards,
		EXISTS (SELECT 1 FROM forwards f WHERE f.incident_id = $1
			AND NOT EXISTS (SELECT 1 FROM forwards g WHERE g.incident_id = $1 AND g.to_node = f.from_node)) AS has_origin,
		(SELECT count(*) FROM spread_nodes WHERE incident_id = $1 AND containment_status <> 'NONE') AS venues_contained,
		(SELECT count(*) FROM spread_nodes WHERE incident_id = $1 AND kind <> 'PERSON'
			AND exposure IN ('EXTERNAL', 'PUBLIC') AND containment_status = 'NONE') AS uncontained`,
		incidentID)
	return s, err
}

// BumpVersion marks the incident's spread chain as changed.
func (Store) BumpVersion(ctx context.Context, ex database.Executor, incidentID uuid.UUID) error {
	_, err := ex.ExecContext(ctx, `UPDATE incidents SET spread_version = spread_version + 1 WHERE id = $1`, incidentID)
	return err
}

// Version returns the incident's spread chain version.
func (Store) Version(ctx context.Context, ex database.Executor, incidentID uuid.UUID) (int64, error) {
	var v int64
	err := ex.GetContext(ctx, &v, `SELECT spread_version FROM incidents WHERE id = $1`, incidentID)
	return v, err
}
