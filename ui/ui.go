// Package ui serves Leaktrail's web front end from the build embedded in the
// binary: the React application that `make` builds from ui/web into
// dist/app, or, in a binary built without it, the placeholder dist/index.html.
package ui

import (
	"embed"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

//go:embed all:dist
var dist embed.FS

// Handler serves the built files, and the application's index.html for any
// other path (the application routes by URL), so a deep link or a reload of
// /incidents/LT-2026-0001 works. Hashed assets are cached for good.
func Handler() http.Handler {
	root, err := fs.Sub(dist, "dist/app")
	if _, statErr := fs.Stat(dist, "dist/app/index.html"); err != nil || statErr != nil {
		root, _ = fs.Sub(dist, "dist") // "dist" is embedded above
	}
	files := http.FileServerFS(root)
	index, _ := fs.ReadFile(root, "index.html")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		if name != "" && name != "index.html" {
			if _, err := fs.Stat(root, name); err == nil {
				if strings.HasPrefix(name, "assets/") {
					w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
				}
				files.ServeHTTP(w, r)
				return
			}
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		w.Write(index) //nolint:errcheck // the client went away
	})
}
