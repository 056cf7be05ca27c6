// Package locales is Leaktrail's one catalog of labels: the web UI imports
// these JSON files, and the server words its reports from the same ones, so
// a term is changed once and reads the same on screen and on paper.
package locales

import (
	"embed"
	"encoding/json"
	"fmt"
	"strings"
)

// Languages are the languages Leaktrail is written in.
var Languages = []string{"zh-CN", "zh-TW", "en"}

//go:embed zh-CN.json zh-TW.json en.json
var files embed.FS

// catalogs holds each language's labels by dotted key ("stage.CLOSED").
var catalogs = load()

func load() map[string]map[string]string {
	all := map[string]map[string]string{}
	for _, lang := range Languages {
		body, err := files.ReadFile(lang + ".json")
		if err != nil {
			panic(err) // embedded above
		}
		var tree map[string]any
		if err := json.Unmarshal(body, &tree); err != nil {
			panic(fmt.Sprintf("locales: %s.json: %v", lang, err))
		}
		flat := map[string]string{}
		flatten(tree, "", flat)
		all[lang] = flat
	}
	return all
}

func flatten(tree map[string]any, prefix string, into map[string]string) {
	for k, v := range tree {
		switch v := v.(type) {
		case string:
			into[prefix+k] = v
		case map[string]any:
			flatten(v, prefix+k+".", into)
		}
	}
}

// Keys are the keys of lang's catalog.
func Keys(lang string) []string {
	keys := make([]string, 0, len(catalogs[lang]))
	for k := range catalogs[lang] {
		keys = append(keys, k)
	}
	return keys
}

// Has reports whether lang's catalog holds key.
func Has(lang, key string) bool {
	_, ok := catalogs[lang][key]
	return ok
}

// Label is key's label in lang, with {{name}} placeholders filled from
// params (given as name, value pairs). A key missing from lang falls back
// to English, then to the key itself, so a gap shows rather than hides.
func Label(lang, key string, params ...string) string {
	s, ok := catalogs[lang][key]
	if !ok {
		if s, ok = catalogs["en"][key]; !ok {
			return key
		}
	}
	for i := 0; i+1 < len(params); i += 2 {
		s = strings.ReplaceAll(s, "{{"+params[i]+"}}", params[i+1])
	}
	return s
}
