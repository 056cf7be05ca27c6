package graph

import (
	"bytes"
	"context"
	"io"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/graph/model"
	"github.com/leaktrail/leaktrail/graph/scalar"
	"github.com/leaktrail/leaktrail/incident"
	"github.com/leaktrail/leaktrail/spread"
	"github.com/leaktrail/leaktrail/workflow"
)

// The incident list is the busiest read, and gqlgen's executor spent more on
// its page than the SQL behind it: a field context, a context value and a
// chain of closures for each of the page's 1,500 fields, and goroutines
// for the rows; recordForwards' answer to a batch of 100,000 started a
// goroutine per forward (docs/performance.md). So the @handWritten directive
// writes such a field's JSON here when every field asked is one written
// below: the same resolvers give the values, and the same scalar marshalers
// write them. Anything else — another field, @defer, a value missing or
// failing — leaves the answer to gqlgen, which answers as ever.
// TestHandWrittenListIsGqlgens and TestHandWrittenForwardsAreGqlgens compare
// the two answers.

// handWrittenFields are the fields written here, by type, each with the
// object type it holds ("" for a scalar or enum).
var handWrittenFields = map[string]map[string]string{
	"IncidentConnection": {"edges": "IncidentEdge", "pageInfo": "PageInfo", "totalCount": ""},
	"IncidentEdge":       {"cursor": "", "node": "Incident"},
	"PageInfo":           {"hasNextPage": "", "endCursor": ""},
	"Incident": {"id": "", "reference": "", "title": "", "stage": "", "classification": "", "jurisdiction": "",
		"detectedAt": "", "frozenAt": "", "lead": "User", "reportUpward": "ReportUpward", "nextClock": "Clock",
		"counts": "IncidentCounts"},
	"User":            {"id": "", "displayName": ""},
	"ReportUpward":    {"required": "", "deadline": "", "notifiedAt": ""},
	"Clock":           {"definition": "ClockDefinition", "status": "", "startedAt": "", "dueAt": ""},
	"ClockDefinition": {"id": ""},
	"IncidentCounts":  {"tasks": "", "openTasks": "", "evidence": "", "forwards": ""},
	"Forward":         {"id": "", "key": "", "at": "", "method": ""},
}

// planned is a field of the answer: its key as written, its name, and the
// fields asked of its object.
type planned struct {
	key    string
	name   string
	fields []planned
}

// plan collects the fields asked of an object of type typ, as gqlgen does
// (fragments, @skip and @include); ok is false when one is not written here.
func plan(oc *graphql.OperationContext, typ string, sel ast.SelectionSet) (fields []planned, ok bool) {
	known := handWrittenFields[typ]
	for _, f := range graphql.CollectFields(oc, sel, []string{typ}) {
		holds, written := known[f.Name]
		if len(f.Deferrables) > 0 || !written && f.Name != "__typename" {
			return nil, false
		}
		p := planned{key: string(quoted(f.Alias)) + ":", name: f.Name}
		if holds != "" {
			if p.fields, ok = plan(oc, holds, f.Selections); !ok {
				return nil, false
			}
		}
		fields = append(fields, p)
	}
	return fields, true
}

func quoted(s string) []byte {
	var b bytes.Buffer
	graphql.MarshalString(s).MarshalGQL(&b)
	return b.Bytes()
}

// handWritten is the @handWritten directive: the answer written here when
// it can be, else the resolver's value for gqlgen to write.
func (r *Resolver) handWritten(ctx context.Context, _ any, next graphql.Resolver) (any, error) {
	res, err := next(ctx)
	if err != nil {
		return res, err
	}
	oc, sel := graphql.GetOperationContext(ctx), graphql.GetFieldContext(ctx).Field.Selections
	w := &answerWriter{r: r, ctx: ctx}
	if !w.answer(oc, sel, res) {
		return res, nil
	}
	return writtenAnswer(w.buf.Bytes()), nil
}

// answer writes res when it can. A panic on the way (in a resolver, say)
// leaves res to gqlgen too, which meets it where it always did: at the
// field it comes from, nulling only what it must.
func (w *answerWriter) answer(oc *graphql.OperationContext, sel ast.SelectionSet, res any) (written bool) {
	defer func() {
		if recover() != nil {
			written = false
		}
	}()
	switch v := res.(type) {
	case *incident.Page:
		fields, ok := plan(oc, "IncidentConnection", sel)
		return ok && w.connection(fields, v)
	case []*spread.Forward:
		fields, ok := plan(oc, "Forward", sel)
		return ok && w.forwards(fields, v)
	}
	return false
}

// writtenAnswer is JSON written already.
type writtenAnswer []byte

func (a writtenAnswer) MarshalGQL(w io.Writer) { w.Write(a) } //nolint:errcheck

// answerWriter writes an answer; each method says false when it
// cannot, the answer then left to gqlgen.
type answerWriter struct {
	r   *Resolver
	ctx context.Context
	buf bytes.Buffer
}

// object writes the fields of an object of type typ, value writing each
// field's value.
func (w *answerWriter) object(fields []planned, typ string, value func(f *planned) bool) bool {
	w.buf.WriteByte('{')
	for i := range fields {
		f := &fields[i]
		if i > 0 {
			w.buf.WriteByte(',')
		}
		w.buf.WriteString(f.key)
		if f.name == "__typename" {
			w.write(graphql.MarshalString(typ))
		} else if !value(f) {
			return false
		}
	}
	w.buf.WriteByte('}')
	return true
}

func (w *answerWriter) write(m graphql.Marshaler) { m.MarshalGQL(&w.buf) }

// nonNull writes the value of a non-null field; false when it is null.
func (w *answerWriter) nonNull(m graphql.Marshaler) bool {
	if m == graphql.Null {
		return false
	}
	w.write(m)
	return true
}

func (w *answerWriter) connection(fields []planned, page *incident.Page) bool {
	c := w.r.IncidentConnection()
	return w.object(fields, "IncidentConnection", func(f *planned) bool {
		switch f.name {
		case "edges":
			edges, err := c.Edges(w.ctx, page)
			if err != nil {
				return false
			}
			w.buf.WriteByte('[')
			for i, e := range edges {
				if i > 0 {
					w.buf.WriteByte(',')
				}
				if !w.edge(f.fields, e) {
					return false
				}
			}
			w.buf.WriteByte(']')
			return true
		case "pageInfo":
			info, err := c.PageInfo(w.ctx, page)
			return err == nil && w.pageInfo(f.fields, info)
		default: // totalCount
			n, err := c.TotalCount(w.ctx, page)
			return err == nil && w.nonNull(graphql.MarshalInt(n))
		}
	})
}

func (w *answerWriter) edge(fields []planned, e *model.IncidentEdge) bool {
	return w.object(fields, "IncidentEdge", func(f *planned) bool {
		if f.name == "cursor" {
			return w.nonNull(graphql.MarshalString(e.Cursor))
		}
		return e.Node != nil && w.incident(f.fields, e.Node)
	})
}

func (w *answerWriter) pageInfo(fields []planned, info *model.PageInfo) bool {
	return w.object(fields, "PageInfo", func(f *planned) bool {
		if f.name == "hasNextPage" {
			return w.nonNull(graphql.MarshalBoolean(info.HasNextPage))
		}
		if info.EndCursor == nil {
			w.write(graphql.Null)
		} else {
			w.write(graphql.MarshalString(*info.EndCursor))
		}
		return true
	})
}

func (w *answerWriter) incident(fields []planned, inc *incident.Incident) bool {
	r := w.r.Incident()
	return w.object(fields, "Incident", func(f *planned) bool {
		switch f.name {
		case "id":
			return w.nonNull(scalar.MarshalUUID(inc.ID))
		case "reference":
			return w.nonNull(graphql.MarshalString(inc.Reference))
		case "title":
			return w.nonNull(graphql.MarshalString(inc.Title))
		case "stage":
			return w.nonNull(graphql.MarshalString(string(inc.Stage)))
		case "classification":
			return w.nonNull(graphql.MarshalString(string(inc.Classification)))
		case "jurisdiction":
			return w.nonNull(graphql.MarshalString(string(inc.Jurisdiction)))
		case "detectedAt":
			return w.nonNull(scalar.MarshalTime(inc.DetectedAt))
		case "frozenAt":
			if inc.FrozenAt == nil {
				w.write(graphql.Null)
			} else {
				w.write(scalar.MarshalTime(*inc.FrozenAt))
			}
			return true
		case "lead":
			u, err := r.Lead(w.ctx, inc)
			if err != nil {
				return false
			}
			if u == nil {
				w.write(graphql.Null)
				return true
			}
			return w.user(f.fields, u)
		case "reportUpward":
			ru, err := r.ReportUpward(w.ctx, inc)
			return err == nil && ru != nil && w.reportUpward(f.fields, ru)
		case "nextClock":
			c, err := r.NextClock(w.ctx, inc)
			if err != nil {
				return false
			}
			if c == nil {
				w.write(graphql.Null)
				return true
			}
			return w.clock(f.fields, c)
		default: // counts
			c, err := r.Counts(w.ctx, inc)
			return err == nil && c != nil && w.counts(f.fields, c)
		}
	})
}

func (w *answerWriter) user(fields []planned, u *auth.User) bool {
	return w.object(fields, "User", func(f *planned) bool {
		if f.name == "id" {
			return w.nonNull(scalar.MarshalUUID(u.ID))
		}
		return w.nonNull(graphql.MarshalString(u.DisplayName))
	})
}

func (w *answerWriter) reportUpward(fields []planned, ru *workflow.ReportUpwardClock) bool {
	return w.object(fields, "ReportUpward", func(f *planned) bool {
		switch f.name {
		case "required":
			return w.nonNull(graphql.MarshalBoolean(ru.Required))
		case "deadline":
			w.write(scalar.MarshalTime(ru.Deadline))
		default: // notifiedAt
			w.write(scalar.MarshalTime(ru.NotifiedAt))
		}
		return true
	})
}

func (w *answerWriter) clock(fields []planned, c *incident.Clock) bool {
	return w.object(fields, "Clock", func(f *planned) bool {
		switch f.name {
		case "definition":
			return w.object(f.fields, "ClockDefinition", func(*planned) bool {
				return w.nonNull(graphql.MarshalString(c.Definition().ID))
			})
		case "status":
			return w.nonNull(graphql.MarshalString(string(c.Status)))
		case "startedAt":
			w.write(scalar.MarshalTime(c.StartedAt))
		default: // dueAt
			w.write(scalar.MarshalTime(c.DueAt))
		}
		return true
	})
}

func (w *answerWriter) counts(fields []planned, c *incident.Counts) bool {
	return w.object(fields, "IncidentCounts", func(f *planned) bool {
		n := c.Forwards
		switch f.name {
		case "tasks":
			n = c.Tasks
		case "openTasks":
			n = c.OpenTasks
		case "evidence":
			n = c.Evidence
		}
		return w.nonNull(graphql.MarshalInt(n))
	})
}

func (w *answerWriter) forwards(fields []planned, forwards []*spread.Forward) bool {
	w.buf.Grow(len(forwards) * (len(fields) * 48))
	w.buf.WriteByte('[')
	for i, f := range forwards {
		if i > 0 {
			w.buf.WriteByte(',')
		}
		if f == nil || !w.forward(fields, f) {
			return false
		}
	}
	w.buf.WriteByte(']')
	return true
}

func (w *answerWriter) forward(fields []planned, f *spread.Forward) bool {
	return w.object(fields, "Forward", func(p *planned) bool {
		switch p.name {
		case "id":
			return w.nonNull(scalar.MarshalUUID(f.ID))
		case "key":
			return w.nonNull(graphql.MarshalString(f.Key))
		case "at":
			return w.nonNull(scalar.MarshalTime(f.At))
		default: // method
			return w.nonNull(graphql.MarshalString(string(f.Method)))
		}
	})
}
