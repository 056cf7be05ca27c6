// Package chainfixture holds the seed chains of the domain notes (000 case
// 5, 003, 001) as the chat exports the people in them would hold: one folder
// per chain with the exports as the tools write them (a chat file and the
// media it references, or a zip of that folder), the leaked photo, and a
// manifest of the hops the exports show. The tests of the pure pipeline,
// of chatlog, the server and the browser import the same files.
package chainfixture

import (
	"embed"
	"encoding/json"
	"io/fs"
	"slices"

	"github.com/leaktrail/leaktrail/chatexport"
)

//go:embed luo-family-group shi-he-xu-2021 yang-zhang-tao-fax
var files embed.FS

// Chain is one seed chain's folder.
type Chain struct {
	Name     string
	FS       fs.FS // the chain's folder
	Manifest Manifest
}

// Manifest says what a chain's folder holds and what must be rebuilt from it.
type Manifest struct {
	Case string `json:"case"`
	// Leak is the path of the leaked photo, as the investigator marks it.
	Leak string `json:"leak"`
	// Text is the leaked document's text as the investigator marks it
	// (its number and title), matched against the messages' text.
	Text    string   `json:"text"`
	Exports []Export `json:"exports"`
	// Hops are the forwards the exports show, by the node keys reconstruct gives.
	Hops []Hop `json:"hops"`
}

// Export is one person's export.
type Export struct {
	// Path is the chat file, or a zip of the export's folder.
	Path string `json:"path"`
	// File is the chat file inside the zip, when Path is one.
	File string `json:"file,omitempty"`
	// Chat names the chat when the export does not (WhatsApp's _chat.txt:
	// the zip's name gives it).
	Chat          string            `json:"chat,omitempty"`
	Format        chatexport.Format `json:"format"`
	Zone          string            `json:"zone"` // IANA, for times the export writes without one
	CollectedFrom string            `json:"collectedFrom"`
	// Names are who or what the export's ids and names are (wxid_…, a
	// WeCom room id, a local chat number, a name spelt otherwise), as the
	// investigator identified them. Two people of one name are told apart
	// by a suffix, 张某#镇办: the part before # is the name shown.
	Names map[string]string `json:"names,omitempty"`
}

// Hop is a forward by node keys.
type Hop struct {
	From string `json:"from"`
	To   string `json:"to"`
	By   string `json:"by"`
}

// Chains returns every chain, by name.
func Chains() []Chain {
	dirs, err := fs.ReadDir(files, ".")
	if err != nil {
		panic(err)
	}
	var out []Chain
	for _, d := range dirs {
		sub, err := fs.Sub(files, d.Name())
		if err != nil {
			panic(err)
		}
		data, err := fs.ReadFile(sub, "manifest.json")
		if err != nil {
			panic(err)
		}
		c := Chain{Name: d.Name(), FS: sub}
		if err := json.Unmarshal(data, &c.Manifest); err != nil {
			panic(d.Name() + ": " + err.Error())
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b Chain) int {
		if a.Name < b.Name {
			return -1
		}
		return 1
	})
	return out
}
