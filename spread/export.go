package spread

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"time"
)

// exportNode and exportForward are the JSON shapes of spread.json, with the
// same field names as the GraphQL types.
type exportNode struct {
	ID          string            `json:"id"`
	Key         string            `json:"key"`
	Kind        NodeKind          `json:"kind"`
	Name        string            `json:"name"`
	Exposure    Exposure          `json:"exposure"`
	Unit        string            `json:"unit,omitempty"`
	Position    string            `json:"position,omitempty"`
	Handles     []string          `json:"handles,omitempty"`
	Cleared     *bool             `json:"cleared,omitempty"`
	Platform    *Platform         `json:"platform,omitempty"`
	MemberCount *int              `json:"memberCount,omitempty"`
	Containment ContainmentStatus `json:"containment"`
	Origin      bool              `json:"origin"`
	Hops        *int              `json:"hops"`
}

type exportForward struct {
	ID          string       `json:"id"`
	Key         string       `json:"key"`
	From        string       `json:"from"`
	To          string       `json:"to"`
	By          string       `json:"by"`
	At          time.Time    `json:"at"`
	Method      Method       `json:"method"`
	Item        string       `json:"itemKey,omitempty"`
	Alterations []Alteration `json:"alterations,omitempty"`
	MisSent     bool         `json:"misSent"`
	RecalledAt  *time.Time   `json:"recalledAt,omitempty"`
	Confidence  Confidence   `json:"confidence"`
	Note        string       `json:"note,omitempty"`
}

// WriteJSON writes the graph (nodes keyed as in forwards by node key) with
// each node's hop count from the nearest origin.
func (a *Analysis) WriteJSON(w io.Writer, reference string) error {
	out := struct {
		Incident string          `json:"incident"`
		Nodes    []exportNode    `json:"nodes"`
		Forwards []exportForward `json:"forwards"`
		Summary  map[string]int  `json:"summary"`
	}{Incident: reference, Nodes: make([]exportNode, len(a.Nodes())), Forwards: make([]exportForward, a.ForwardCount()),
		Summary: map[string]int{"depth": a.Depth, "reachedNodes": a.ReachedNodes, "reachedVenues": a.ReachedVenues,
			"estimatedAudience": a.EstimatedAudience}}
	for i, n := range a.Nodes() {
		v := a.nodeIndex.of(n.ID) // the analysis arrays are in read order, the export in key order
		e := exportNode{ID: n.ID.String(), Key: n.Key, Kind: n.Kind, Name: n.Name, Exposure: n.Exposure, Unit: n.Unit,
			Position: n.Position, Handles: n.Handles, Cleared: n.Cleared, Platform: n.Platform, MemberCount: n.MemberCount,
			Containment: n.Containment.Status, Origin: a.isOrigin[v]}
		if h := int(a.hops[v]); h >= 0 {
			e.Hops = &h
		}
		out.Nodes[i] = e
	}
	for i, f := range a.Forwards() {
		e := exportForward{ID: f.ID.String(), Key: f.Key, From: a.nodeKey[a.from[i]], To: a.nodeKey[a.to[i]],
			By: a.nodeKey[a.by[i]], At: f.At.UTC(), Method: f.Method, Alterations: f.Alterations, MisSent: f.MisSent,
			RecalledAt: f.RecalledAt, Confidence: f.Confidence, Note: f.Note}
		if f.Item != nil {
			e.Item = f.Item.Key
		}
		out.Forwards[i] = e
	}
	return json.NewEncoder(w).Encode(out)
}

// WriteGraphML writes the graph as GraphML, for yEd, Gephi and Cytoscape desktop.
func (a *Analysis) WriteGraphML(w io.Writer) error {
	type data struct {
		Key   string `xml:"key,attr"`
		Value string `xml:",chardata"`
	}
	type node struct {
		ID   string `xml:"id,attr"`
		Data []data `xml:"data"`
	}
	type edge struct {
		ID     string `xml:"id,attr"`
		Source string `xml:"source,attr"`
		Target string `xml:"target,attr"`
		Data   []data `xml:"data"`
	}
	type key struct {
		ID   string `xml:"id,attr"`
		For  string `xml:"for,attr"`
		Name string `xml:"attr.name,attr"`
		Type string `xml:"attr.type,attr"`
	}
	doc := struct {
		XMLName xml.Name `xml:"graphml"`
		NS      string   `xml:"xmlns,attr"`
		Keys    []key    `xml:"key"`
		Graph   struct {
			ID      string `xml:"id,attr"`
			Default string `xml:"edgedefault,attr"`
			Nodes   []node `xml:"node"`
			Edges   []edge `xml:"edge"`
		} `xml:"graph"`
	}{NS: "http://graphml.graphdrawing.org/xmlns"}
	doc.Keys = []key{{"name", "node", "name", "string"}, {"kind", "node", "kind", "string"},
		{"exposure", "node", "exposure", "string"}, {"memberCount", "node", "memberCount", "int"},
		{"containment", "node", "containment", "string"}, {"at", "edge", "at", "string"},
		{"method", "edge", "method", "string"}, {"by", "edge", "by", "string"}}
	doc.Graph.ID, doc.Graph.Default = "spread", "directed"
	for _, n := range a.Nodes() {
		d := []data{{"name", n.Name}, {"kind", string(n.Kind)}, {"exposure", string(n.Exposure)},
			{"containment", string(n.Containment.Status)}}
		if n.MemberCount != nil {
			d = append(d, data{"memberCount", strconv.Itoa(*n.MemberCount)})
		}
		doc.Graph.Nodes = append(doc.Graph.Nodes, node{ID: n.Key, Data: d})
	}
	for i, f := range a.Forwards() {
		doc.Graph.Edges = append(doc.Graph.Edges, edge{ID: f.Key, Source: a.nodeKey[a.from[i]], Target: a.nodeKey[a.to[i]],
			Data: []data{{"at", f.At.UTC().Format(time.RFC3339)}, {"method", string(f.Method)}, {"by", a.nodeKey[a.by[i]]}}})
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", " ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("graphml: %w", err)
	}
	return enc.Flush()
}
