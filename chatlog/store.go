package chatlog

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/leaktrail/leaktrail/chatexport"
	"github.com/leaktrail/leaktrail/database"
	"github.com/leaktrail/leaktrail/fingerprint"
	"github.com/leaktrail/leaktrail/spread"
)

// Store is the SQL of the package.
type Store struct{}

const importColumns = `id, incident_id, evidence_id, format, chosen_format, time_zone, platform, mapping, day_first,
	state, bytes_total, bytes_read, messages, duplicates, problems, more_problems, media, failure, failure_message, failure_params,
	attempts, requested_by, created_at, started_at, finished_at`

func scanImport(sc interface{ Scan(...any) error }) (*Import, error) {
	im := &Import{}
	var mapping, problems, params []byte
	var media pq.StringArray
	err := sc.Scan(&im.ID, &im.IncidentID, &im.EvidenceID, &im.Format, &im.ChosenFormat, &im.TimeZone, &im.Platform,
		&mapping, &im.DayFirst, &im.State, &im.BytesTotal, &im.BytesRead, &im.Messages, &im.Duplicates, &problems,
		&im.MoreProblems, &media, &im.Failure, &im.FailureMessage, &params, &im.Attempts, &im.RequestedBy, &im.CreatedAt, &im.StartedAt,
		&im.FinishedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if len(mapping) > 0 && string(mapping) != "null" {
		im.Mapping = &chatexport.Mapping{}
		if err := json.Unmarshal(mapping, im.Mapping); err != nil {
			return nil, err
		}
	}
	if err := json.Unmarshal(problems, &im.Problems); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(params, &im.FailureParams); err != nil {
		return nil, err
	}
	for _, m := range media {
		im.Media = append(im.Media, uuid.MustParse(m))
	}
	return im, nil
}

func queryImports(ctx context.Context, ex database.Executor, q string, args ...any) ([]*Import, error) {
	rows, err := ex.QueryxContext(ctx, `SELECT `+importColumns+` FROM chat_imports `+q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Import
	for rows.Next() {
		im, err := scanImport(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, im)
	}
	return out, rows.Err()
}

// ImportOf returns the read of an evidence item, nil if there is none.
func (Store) ImportOf(ctx context.Context, ex database.Executor, evidenceID uuid.UUID, lock bool) (*Import, error) {
	q := `WHERE evidence_id = $1`
	if lock {
		q += ` FOR UPDATE`
	}
	return first(queryImports(ctx, ex, q, evidenceID))
}

// Import returns one read by id, nil if there is none.
func (Store) Import(ctx context.Context, ex database.Executor, id uuid.UUID) (*Import, error) {
	return first(queryImports(ctx, ex, `WHERE id = $1`, id))
}

// ImportsOfEvidence returns the reads of these evidence items.
func (Store) ImportsOfEvidence(ctx context.Context, ex database.Executor, ids []uuid.UUID) ([]*Import, error) {
	return queryImports(ctx, ex, `WHERE evidence_id = ANY($1)`, uuids(ids))
}

// Imports returns an incident's reads, newest first.
func (Store) Imports(ctx context.Context, ex database.Executor, incidentID uuid.UUID) ([]*Import, error) {
	return queryImports(ctx, ex, `WHERE incident_id = $1 ORDER BY created_at DESC, id`, incidentID)
}

func first[T any](rows []*T, err error) (*T, error) {
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	return rows[0], nil
}

func jsonOf(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only plain values of this package are marshalled
	}
	return b
}

// Queue writes a read waiting for a job, or queues a failed one again with new options.
func (Store) Queue(ctx context.Context, ex database.Executor, im *Import) error {
	var mapping []byte
	if im.Mapping != nil {
		mapping = jsonOf(im.Mapping)
	}
	_, err := ex.ExecContext(ctx, `INSERT INTO chat_imports (id, incident_id, evidence_id, chosen_format, time_zone,
		platform, mapping, day_first, state, bytes_total, requested_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'QUEUED', $9, $10)
		ON CONFLICT (evidence_id) DO UPDATE SET chosen_format = EXCLUDED.chosen_format, time_zone = EXCLUDED.time_zone,
			platform = EXCLUDED.platform, mapping = EXCLUDED.mapping, day_first = EXCLUDED.day_first, state = 'QUEUED',
			format = '', bytes_read = 0, messages = 0, duplicates = 0, problems = '[]', more_problems = 0, failure = '', failure_message = '',
			failure_params = '{}', lease_until = NULL, requested_by = EXCLUDED.requested_by, created_at = now(),
			started_at = NULL, finished_at = NULL`,
		im.ID, im.IncidentID, im.EvidenceID, im.ChosenFormat, im.TimeZone, im.Platform, mapping, im.DayFirst,
		im.BytesTotal, im.RequestedBy)
	return err
}

// Claim takes the oldest read waiting for a job, or one whose job's lease
// ran out, leasing it for lease; nil when there is none.
func (Store) Claim(ctx context.Context, ex database.Executor, lease time.Duration) (*Import, error) {
	rows, err := ex.QueryxContext(ctx, `UPDATE chat_imports SET state = 'RUNNING', attempts = attempts + 1,
			lease_until = now() + $1 * interval '1 millisecond', started_at = now(), bytes_read = 0
		WHERE id = (SELECT id FROM chat_imports WHERE state = 'QUEUED' OR (state = 'RUNNING' AND lease_until < now())
			ORDER BY created_at, id FOR UPDATE SKIP LOCKED LIMIT 1)
		RETURNING `+importColumns, lease.Milliseconds())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	if !rows.Next() {
		return nil, rows.Err()
	}
	return scanImport(rows)
}

// Progress records how far a job has read, renewing its lease.
func (Store) Progress(ctx context.Context, ex database.Executor, id uuid.UUID, read int64, format chatexport.Format, lease time.Duration) error {
	_, err := ex.ExecContext(ctx, `UPDATE chat_imports SET bytes_read = $2, format = $3,
		lease_until = now() + $4 * interval '1 millisecond' WHERE id = $1 AND state = 'RUNNING'`,
		id, read, format, lease.Milliseconds())
	return err
}

// Finish records the end of a read.
func (Store) Finish(ctx context.Context, ex database.Executor, im *Import) error {
	problems := im.Problems
	if problems == nil {
		problems = []chatexport.Problem{}
	}
	params := im.FailureParams
	if params == nil {
		params = map[string]any{}
	}
	_, err := ex.ExecContext(ctx, `UPDATE chat_imports SET state = $2, format = $3, bytes_read = $4, messages = $5,
		duplicates = $6, problems = $7, more_problems = $8, media = $9, failure = $10, failure_params = $11,
		failure_message = $12, platform = $13, lease_until = NULL, finished_at = now() WHERE id = $1`,
		im.ID, im.State, im.Format, im.BytesRead, im.Messages, im.Duplicates, jsonOf(problems), im.MoreProblems,
		uuids(im.Media), im.Failure, jsonOf(params), im.FailureMessage, im.Platform)
	return err
}

// Requeue gives a read back to the queue (its job stopped with the server).
func (Store) Requeue(ctx context.Context, ex database.Executor, id uuid.UUID) error {
	_, err := ex.ExecContext(ctx, `UPDATE chat_imports SET state = 'QUEUED', lease_until = NULL, bytes_read = 0
		WHERE id = $1 AND state = 'RUNNING'`, id)
	return err
}

func uuids(ids []uuid.UUID) pq.StringArray {
	out := make(pq.StringArray, len(ids))
	for i, id := range ids {
		out[i] = id.String()
	}
	return out
}

// PutChat returns the id of a chat, recording it the first time it is seen.
func (Store) PutChat(ctx context.Context, tx *sqlx.Tx, incidentID uuid.UUID, platform spread.Platform, c Chat) (uuid.UUID, error) {
	var id uuid.UUID
	err := tx.QueryRowxContext(ctx, `INSERT INTO chat_chats (id, incident_id, platform, key, name, direct, owner, partner)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (incident_id, platform, key) DO UPDATE SET name = CASE WHEN chat_chats.name = '' THEN EXCLUDED.name ELSE chat_chats.name END
		RETURNING id`, uuid.New(), incidentID, platform, c.Key, c.Name, c.Direct, c.Owner, c.Partner).Scan(&id)
	return id, err
}

// PutSender returns the id of a sender, recording them the first time they
// are seen and adding a handle not seen before.
func (Store) PutSender(ctx context.Context, tx *sqlx.Tx, incidentID uuid.UUID, platform spread.Platform, key, name string, handles []string) (uuid.UUID, error) {
	var id uuid.UUID
	err := tx.QueryRowxContext(ctx, `INSERT INTO chat_senders (id, incident_id, platform, key, name, handles)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (incident_id, platform, key) DO UPDATE SET handles = ARRAY(
			SELECT DISTINCT h FROM unnest(chat_senders.handles || EXCLUDED.handles) h ORDER BY h)
		RETURNING id`, uuid.New(), incidentID, platform, key, name, pq.StringArray(handles)).Scan(&id)
	return id, err
}

// row is a message on its way in, with its source.
type row struct {
	msg    Message
	digest string
	src    Source
}

// InsertMessages stores a batch: a message whose digest is known already
// gains a source; it tells how many were known.
func (Store) InsertMessages(ctx context.Context, tx *sqlx.Tx, incidentID, importID, evidenceID uuid.UUID, rows []row) (known int, err error) {
	n := len(rows)
	ids, chats, senders, kinds, texts, digests, raws := make(pq.StringArray, n), make(pq.StringArray, n),
		make(pq.StringArray, n), make(pq.StringArray, n), make(pq.StringArray, n), make(pq.StringArray, n), make(pq.StringArray, n)
	norms := make(pq.StringArray, n)
	ats, lines, offsets := make(pq.StringArray, n), make(pq.Int64Array, n), make(pq.Int64Array, n)
	details := make(pq.StringArray, n)
	for i, r := range rows {
		ids[i], chats[i], kinds[i], texts[i], digests[i] = r.msg.ID.String(), r.msg.ChatID.String(), string(r.msg.Kind), r.msg.Text, r.digest
		norms[i] = fingerprint.Normalize(r.msg.Text)
		if r.msg.SenderID != nil {
			senders[i] = r.msg.SenderID.String()
		}
		ats[i] = r.msg.At.UTC().Format(time.RFC3339Nano)
		details[i] = string(jsonOf(r.msg.Details))
		lines[i], offsets[i], raws[i] = int64(r.src.Line), r.src.Offset, r.src.Raw
	}
	var inserted int
	err = tx.QueryRowxContext(ctx, `WITH input AS (
			SELECT * FROM unnest($3::uuid[], $4::uuid[], $5::text[], $6::timestamptz[], $7::text[], $8::text[],
				$9::jsonb[], $10::text[], $11::int[], $12::bigint[], $13::text[], $15::text[])
				AS t(id, chat_id, sender_id, at, kind, text, details, digest, line, byte_offset, raw, norm)),
		fresh AS (
			INSERT INTO chat_messages (id, incident_id, chat_id, sender_id, at, kind, text, norm, details, digest)
			SELECT id, $1, chat_id, NULLIF(sender_id, '')::uuid, at, kind, text, norm, details, digest FROM input
			ON CONFLICT (incident_id, digest) DO NOTHING
			RETURNING id, digest),
		sources AS (
			INSERT INTO chat_message_sources (message_id, import_id, evidence_id, line, byte_offset, raw)
			SELECT COALESCE(f.id, m.id), $2, $14, i.line, i.byte_offset, i.raw FROM input i
			LEFT JOIN fresh f ON f.digest = i.digest
			LEFT JOIN chat_messages m ON m.incident_id = $1 AND m.digest = i.digest
			ON CONFLICT DO NOTHING)
		SELECT count(*) FROM fresh`,
		incidentID, importID, ids, chats, senders, ats, kinds, texts, details, digests, lines, offsets, raws, evidenceID, norms).Scan(&inserted)
	return n - inserted, err
}

// DropSources removes what an earlier run of a read stored (a read run
// again after it failed or with other options): its sources, and the
// messages no other export holds.
func (Store) DropSources(ctx context.Context, tx *sqlx.Tx, importID uuid.UUID) error {
	_, err := tx.ExecContext(ctx, `WITH gone AS (DELETE FROM chat_message_sources WHERE import_id = $1 RETURNING message_id)
		DELETE FROM chat_messages m WHERE m.id IN (SELECT message_id FROM gone)
			AND NOT EXISTS (SELECT 1 FROM chat_message_sources s WHERE s.message_id = m.id AND s.import_id <> $1)
			AND NOT EXISTS (SELECT 1 FROM forward_sources f WHERE f.message_id = m.id)
			AND NOT EXISTS (SELECT 1 FROM leak_marks l WHERE l.message_id = m.id)`, importID)
	return err
}

// EvidenceByName maps the base names of an incident's evidence files to
// their items (the oldest item of a name), for linking media by name.
func (Store) EvidenceByName(ctx context.Context, ex database.Executor, incidentID uuid.UUID) (map[string]uuid.UUID, error) {
	rows, err := ex.QueryxContext(ctx, `SELECT DISTINCT ON (file_name) file_name, id FROM evidence
		WHERE incident_id = $1 ORDER BY file_name, uploaded_at, id`, incidentID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]uuid.UUID{}
	for rows.Next() {
		var name string
		var id uuid.UUID
		if err := rows.Scan(&name, &id); err != nil {
			return nil, err
		}
		out[name] = id
	}
	return out, rows.Err()
}

const messageColumns = `m.id, m.incident_id, m.chat_id, m.sender_id, m.at, m.kind, m.text, m.details`

func scanMessage(sc interface{ Scan(...any) error }) (*Message, error) {
	m := &Message{}
	var details []byte
	if err := sc.Scan(&m.ID, &m.IncidentID, &m.ChatID, &m.SenderID, &m.At, &m.Kind, &m.Text, &details); err != nil {
		return nil, err
	}
	m.At = m.At.UTC()
	return m, json.Unmarshal(details, &m.Details)
}

func queryMessages(ctx context.Context, ex database.Executor, q string, args ...any) ([]*Message, error) {
	rows, err := ex.QueryxContext(ctx, `SELECT `+messageColumns+` FROM chat_messages m `+q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Message
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// MessagesByID returns the messages with these ids.
func (Store) MessagesByID(ctx context.Context, ex database.Executor, ids []uuid.UUID) ([]*Message, error) {
	return queryMessages(ctx, ex, `WHERE m.id = ANY($1)`, uuids(ids))
}

// EachMessage calls fn with every message of an incident, in time order,
// holding one batch in memory at a time.
func (Store) EachMessage(ctx context.Context, ex database.Executor, incidentID uuid.UUID, fn func(*Message) error) error {
	const batch = 5000
	var after *time.Time
	var afterID uuid.UUID
	for {
		var page []*Message
		var err error
		if after == nil {
			page, err = queryMessages(ctx, ex, `WHERE m.incident_id = $1 ORDER BY m.at, m.id LIMIT $2`, incidentID, batch)
		} else {
			page, err = queryMessages(ctx, ex, `WHERE m.incident_id = $1 AND (m.at, m.id) > ($2, $3) ORDER BY m.at, m.id LIMIT $4`,
				incidentID, *after, afterID, batch)
		}
		if err != nil {
			return err
		}
		for _, m := range page {
			if err := fn(m); err != nil {
				return err
			}
		}
		if len(page) < batch {
			return nil
		}
		last := page[len(page)-1]
		after, afterID = &last.At, last.ID
	}
}

// Search returns a page of an incident's messages matching f, after the
// cursor, and how many match (counted up to countCap).
func (Store) Search(ctx context.Context, ex database.Executor, incidentID uuid.UUID, f Filter, limit int, after *cursor, countCap int) ([]*Message, int, error) {
	where := []string{`m.incident_id = $1`}
	args := []any{incidentID}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.Text != "" {
		like := `m.text ILIKE ` + arg("%"+likeEscape(f.Text)+"%")
		if n := fingerprint.Normalize(f.Text); f.Fuzzy && n != "" {
			like = `(` + like + ` OR m.norm LIKE ` + arg("%"+likeEscape(n)+"%") + ` OR word_similarity(` + arg(n) +
				`, m.norm) >= ` + arg(fuzzyThreshold) + `)`
		}
		where = append(where, like)
	}
	if len(f.ChatIDs) > 0 {
		where = append(where, `m.chat_id = ANY(`+arg(uuids(f.ChatIDs))+`)`)
	}
	if len(f.SenderIDs) > 0 {
		where = append(where, `m.sender_id = ANY(`+arg(uuids(f.SenderIDs))+`)`)
	}
	if f.From != nil {
		where = append(where, `m.at >= `+arg(*f.From))
	}
	if f.To != nil {
		where = append(where, `m.at <= `+arg(*f.To))
	}
	if f.EvidenceID != nil {
		where = append(where, `EXISTS (SELECT 1 FROM chat_message_sources s WHERE s.message_id = m.id AND s.evidence_id = `+arg(*f.EvidenceID)+`)`)
	}
	cond := strings.Join(where, ` AND `)
	var total int
	if err := ex.QueryRowxContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM chat_messages m WHERE `+cond+` LIMIT `+arg(countCap)+`) x`,
		args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	args = args[:len(args)-1]
	page := cond
	if after != nil {
		page += ` AND (m.at, m.id) > (` + arg(after.At) + `, ` + arg(after.ID) + `)`
	}
	msgs, err := queryMessages(ctx, ex, `WHERE `+page+` ORDER BY m.at, m.id LIMIT `+arg(limit), args...)
	return msgs, total, err
}

// fuzzyThreshold is the trigram word similarity, between normalised texts,
// of a fuzzy match: a character more or less in a phrase (关于加强管理的通知
// in 关于加强保密管理的通知 is 0.57); two-character names of one surname
// (张某, 张三) are 0.33.
const fuzzyThreshold = 0.5

// cursor is a position in the time order of messages.
type cursor struct {
	At time.Time
	ID uuid.UUID
}

// Around returns the position of the message read from a line of an evidence item.
func (Store) Around(ctx context.Context, ex database.Executor, incidentID, evidenceID uuid.UUID, line int) (*cursor, error) {
	c := &cursor{}
	err := ex.QueryRowxContext(ctx, `SELECT m.at, m.id FROM chat_message_sources s JOIN chat_messages m ON m.id = s.message_id
		WHERE m.incident_id = $1 AND s.evidence_id = $2 AND s.line <= $3 ORDER BY s.line DESC LIMIT 1`,
		incidentID, evidenceID, line).Scan(&c.At, &c.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return c, err
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// Sources returns the sources of the messages, in line order.
func (Store) Sources(ctx context.Context, ex database.Executor, messageIDs []uuid.UUID) ([]Source, error) {
	var out []Source
	rows, err := ex.QueryxContext(ctx, `SELECT message_id, import_id, evidence_id, line, byte_offset, raw
		FROM chat_message_sources WHERE message_id = ANY($1) ORDER BY message_id, evidence_id, line`, uuids(messageIDs))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var s Source
		if err := rows.Scan(&s.MessageID, &s.ImportID, &s.EvidenceID, &s.Line, &s.Offset, &s.Raw); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// ExportedChats returns, per evidence item read as an export, the chats it holds.
func (Store) ExportedChats(ctx context.Context, ex database.Executor, incidentID uuid.UUID) (map[uuid.UUID][]uuid.UUID, error) {
	rows, err := ex.QueryxContext(ctx, `SELECT DISTINCT s.evidence_id, m.chat_id FROM chat_message_sources s
		JOIN chat_messages m ON m.id = s.message_id WHERE m.incident_id = $1 ORDER BY 1, 2`, incidentID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[uuid.UUID][]uuid.UUID{}
	for rows.Next() {
		var evidenceID, chatID uuid.UUID
		if err := rows.Scan(&evidenceID, &chatID); err != nil {
			return nil, err
		}
		out[evidenceID] = append(out[evidenceID], chatID)
	}
	return out, rows.Err()
}

// Recount sets the message and member counts of an incident's chats, in
// the transaction of a read that changed its messages. Every chat is
// counted, not only the read's: a sender a later export names can be the
// member an earlier export's join gave only by handle.
func (Store) Recount(ctx context.Context, tx *sqlx.Tx, incidentID uuid.UUID) error {
	_, err := tx.ExecContext(ctx, recount+` WHERE c.id = k.id AND c.incident_id = $1`, incidentID)
	return err
}

// recount counts the messages and members of the chats of incident $1
// (migration 0020 counted them first, the same way). Each CTE reads the messages once and
// is materialised, and the joins are between its small results: the
// planner has no statistics yet for the rows the read's transaction wrote,
// and with its guesses a join on the messages read the whole table once per
// sender, for minutes.
const recount = `WITH messages AS MATERIALIZED (
		SELECT chat_id, count(*) AS n FROM chat_messages WHERE incident_id = $1 GROUP BY chat_id),
	senders AS MATERIALIZED (
		SELECT DISTINCT chat_id, sender_id FROM chat_messages WHERE incident_id = $1 AND sender_id IS NOT NULL),
	joined AS MATERIALIZED (
		SELECT m.incident_id, m.chat_id, COALESCE(NULLIF(j->>'ID', ''), j->>'Name') AS key
		FROM chat_messages m CROSS JOIN LATERAL jsonb_array_elements(m.details->'members') j
		WHERE m.incident_id = $1 AND m.kind = 'JOIN'),
	members AS MATERIALIZED (
		SELECT chat_id, count(*) AS n FROM (
			SELECT chat_id, sender_id FROM senders
			UNION SELECT j.chat_id, s.id FROM joined j JOIN chat_chats c ON c.id = j.chat_id
				JOIN chat_senders s ON s.incident_id = j.incident_id AND s.platform = c.platform AND s.key = j.key) x
		GROUP BY chat_id)
	UPDATE chat_chats c SET message_count = COALESCE(messages.n, 0), member_count = COALESCE(members.n, 0)
	FROM chat_chats k LEFT JOIN messages ON messages.chat_id = k.id LEFT JOIN members ON members.chat_id = k.id`

// Chats returns an incident's chats with their counts, by name.
func (Store) Chats(ctx context.Context, ex database.Executor, incidentID uuid.UUID, ids []uuid.UUID) ([]*Chat, error) {
	q := `SELECT c.id, c.incident_id, c.platform, c.key, c.name, c.direct, c.owner, c.partner, c.message_count, c.member_count
		FROM chat_chats c WHERE `
	var rows *sqlx.Rows
	var err error
	if ids != nil {
		rows, err = ex.QueryxContext(ctx, q+`c.id = ANY($1) ORDER BY c.name, c.id`, uuids(ids))
	} else {
		rows, err = ex.QueryxContext(ctx, q+`c.incident_id = $1 ORDER BY c.name, c.id`, incidentID)
	}
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Chat
	for rows.Next() {
		c := &Chat{}
		if err := rows.Scan(&c.ID, &c.IncidentID, &c.Platform, &c.Key, &c.Name, &c.Direct, &c.Owner, &c.Partner, &c.MessageCount, &c.MemberCount); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Senders returns an incident's senders (or those with these ids), by name.
func (Store) Senders(ctx context.Context, ex database.Executor, incidentID uuid.UUID, ids []uuid.UUID) ([]*Sender, error) {
	q := `SELECT id, incident_id, platform, key, name, handles FROM chat_senders WHERE `
	var rows *sqlx.Rows
	var err error
	if ids != nil {
		rows, err = ex.QueryxContext(ctx, q+`id = ANY($1) ORDER BY name, id`, uuids(ids))
	} else {
		rows, err = ex.QueryxContext(ctx, q+`incident_id = $1 ORDER BY name, id`, incidentID)
	}
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Sender
	for rows.Next() {
		s := &Sender{}
		var handles pq.StringArray
		if err := rows.Scan(&s.ID, &s.IncidentID, &s.Platform, &s.Key, &s.Name, &handles); err != nil {
			return nil, err
		}
		s.Handles = handles
		out = append(out, s)
	}
	return out, rows.Err()
}

// InsertMark records a leak mark.
func (Store) InsertMark(ctx context.Context, ex database.Executor, m *Mark) error {
	_, err := ex.ExecContext(ctx, `INSERT INTO leak_marks (id, incident_id, evidence_id, message_id, text, fingerprints, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, m.ID, m.IncidentID, m.EvidenceID, m.MessageID, m.Text, jsonOf(m.Fingerprints), m.CreatedBy)
	return err
}

// DeleteMark removes a leak mark.
func (Store) DeleteMark(ctx context.Context, ex database.Executor, id uuid.UUID) error {
	_, err := ex.ExecContext(ctx, `DELETE FROM leak_marks WHERE id = $1`, id)
	return err
}

// Marks returns an incident's leak marks (or one by id), oldest first.
func (Store) Marks(ctx context.Context, ex database.Executor, incidentID *uuid.UUID, id *uuid.UUID) ([]*Mark, error) {
	rows, err := ex.QueryxContext(ctx, `SELECT id, incident_id, evidence_id, message_id, text, fingerprints, created_by, created_at
		FROM leak_marks WHERE ($1::uuid IS NULL OR incident_id = $1) AND ($2::uuid IS NULL OR id = $2) ORDER BY created_at, id`,
		incidentID, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Mark
	for rows.Next() {
		m := &Mark{}
		var fp []byte
		if err := rows.Scan(&m.ID, &m.IncidentID, &m.EvidenceID, &m.MessageID, &m.Text, &fp, &m.CreatedBy, &m.CreatedAt); err != nil {
			return nil, err
		}
		if err := json.Unmarshal(fp, &m.Fingerprints); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// storedPrint is an evidence item's digests and image hashes as cached.
type storedPrint struct {
	MD5   string
	Image *fingerprint.ImageHashes
}

// Prints returns the cached fingerprints of evidence items.
func (Store) Prints(ctx context.Context, ex database.Executor, ids []uuid.UUID) (map[uuid.UUID]storedPrint, error) {
	rows, err := ex.QueryxContext(ctx, `SELECT evidence_id, md5, image FROM evidence_fingerprints WHERE evidence_id = ANY($1)`, uuids(ids))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[uuid.UUID]storedPrint{}
	for rows.Next() {
		var id uuid.UUID
		var p storedPrint
		var image []byte
		if err := rows.Scan(&id, &p.MD5, &image); err != nil {
			return nil, err
		}
		if len(image) > 0 {
			p.Image = &fingerprint.ImageHashes{}
			if err := json.Unmarshal(image, p.Image); err != nil {
				return nil, err
			}
		}
		out[id] = p
	}
	return out, rows.Err()
}

// PutPrint caches an evidence item's fingerprints.
func (Store) PutPrint(ctx context.Context, ex database.Executor, id uuid.UUID, p storedPrint) error {
	var image []byte
	if p.Image != nil {
		image = jsonOf(p.Image)
	}
	_, err := ex.ExecContext(ctx, `INSERT INTO evidence_fingerprints (evidence_id, md5, image) VALUES ($1, $2, $3)
		ON CONFLICT (evidence_id) DO NOTHING`, id, p.MD5, image)
	return err
}

// PutProposals writes a run's proposals: one already made keeps its id and
// decision; those not made again are dropped unless decided or accepted.
func (Store) PutProposals(ctx context.Context, tx *sqlx.Tx, incidentID uuid.UUID, ps []*Proposal) error {
	keys := make(pq.StringArray, len(ps))
	for i, p := range ps {
		keys[i] = p.Key
		_, err := tx.ExecContext(ctx, `INSERT INTO forward_proposals (id, incident_id, key, from_node, to_node, by_node, at,
				method, confidence, reason, params, sources)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
			ON CONFLICT (incident_id, key) DO UPDATE SET from_node = EXCLUDED.from_node, to_node = EXCLUDED.to_node,
				by_node = EXCLUDED.by_node, at = EXCLUDED.at, method = EXCLUDED.method, confidence = EXCLUDED.confidence,
				reason = EXCLUDED.reason, params = EXCLUDED.params, sources = EXCLUDED.sources, proposed_at = now()`,
			p.ID, incidentID, p.Key, jsonOf(p.From), jsonOf(p.To), jsonOf(p.By), p.At, p.Method, p.Confidence, p.Reason,
			jsonOf(p.Params), jsonOf(p.Sources))
		if err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM forward_proposals p WHERE p.incident_id = $1 AND NOT p.key = ANY($2)
		AND NOT p.rejected AND NOT EXISTS (SELECT 1 FROM forwards f WHERE f.incident_id = p.incident_id AND f.key = p.key)`,
		incidentID, keys)
	return err
}

// Proposals returns an incident's proposals (or those with these ids) in time order.
func (Store) Proposals(ctx context.Context, ex database.Executor, incidentID uuid.UUID, ids []uuid.UUID) ([]*Proposal, error) {
	q := `WHERE p.incident_id = $1`
	args := []any{incidentID}
	if ids != nil {
		q += ` AND p.id = ANY($2)`
		args = append(args, uuids(ids))
	}
	return queryProposals(ctx, ex, q+` ORDER BY p.at, p.key`, args...)
}

// Proposal returns one proposal, nil if there is none.
func (Store) Proposal(ctx context.Context, ex database.Executor, id uuid.UUID) (*Proposal, error) {
	return first(queryProposals(ctx, ex, `WHERE p.id = $1`, id))
}

func queryProposals(ctx context.Context, ex database.Executor, q string, args ...any) ([]*Proposal, error) {
	rows, err := ex.QueryxContext(ctx, `SELECT p.id, p.incident_id, p.key, p.from_node, p.to_node, p.by_node, p.at, p.method,
			p.confidence, p.reason, p.params, p.sources, p.rejected, p.reject_reason, p.decided_by, p.decided_at, p.proposed_at,
			(SELECT f.id FROM forwards f WHERE f.incident_id = p.incident_id AND f.key = p.key)
		FROM forward_proposals p `+q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Proposal
	for rows.Next() {
		p := &Proposal{}
		var from, to, by, params, sources []byte
		if err := rows.Scan(&p.ID, &p.IncidentID, &p.Key, &from, &to, &by, &p.At, &p.Method, &p.Confidence, &p.Reason,
			&params, &sources, &p.Rejected, &p.RejectReason, &p.DecidedBy, &p.DecidedAt, &p.ProposedAt, &p.ForwardID); err != nil {
			return nil, err
		}
		for _, f := range []struct {
			b []byte
			v any
		}{{from, &p.From}, {to, &p.To}, {by, &p.By}, {params, &p.Params}, {sources, &p.Sources}} {
			if err := json.Unmarshal(f.b, f.v); err != nil {
				return nil, err
			}
		}
		p.At = p.At.UTC()
		out = append(out, p)
	}
	return out, rows.Err()
}

// Decide records who decided on proposals, and a rejection's reason.
func (Store) Decide(ctx context.Context, ex database.Executor, ids []uuid.UUID, by uuid.UUID, rejected bool, reason string) error {
	_, err := ex.ExecContext(ctx, `UPDATE forward_proposals SET decided_by = $2, decided_at = now(), rejected = $3,
		reject_reason = $4 WHERE id = ANY($1)`, uuids(ids), by, rejected, reason)
	return err
}

// Identify names a sender or chat as the investigator identified them.
func (Store) Identify(ctx context.Context, ex database.Executor, table string, id uuid.UUID, name string) error {
	_, err := ex.ExecContext(ctx, `UPDATE `+table+` SET name = $2 WHERE id = $1`, id, name)
	return err
}

// Citing returns the forwards that cite each message.
func (Store) Citing(ctx context.Context, ex database.Executor, messageIDs []uuid.UUID) (map[uuid.UUID][]uuid.UUID, error) {
	rows, err := ex.QueryxContext(ctx, `SELECT DISTINCT message_id, forward_id FROM forward_sources
		WHERE message_id = ANY($1) ORDER BY message_id, forward_id`, uuids(messageIDs))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[uuid.UUID][]uuid.UUID{}
	for rows.Next() {
		var m, f uuid.UUID
		if err := rows.Scan(&m, &f); err != nil {
			return nil, err
		}
		out[m] = append(out[m], f)
	}
	return out, rows.Err()
}
