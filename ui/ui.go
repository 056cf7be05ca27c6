// Package ui serves Leaktrail's web front end from the build embedded in the
// binary. Until the React application lands, dist holds a placeholder page.
package ui

import (
	"embed"
	"io/fs"
	"net/http"
)

//go:embed dist
var dist embed.FS

// Handler serves the embedded build.
func Handler() http.Handler {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // "dist" is embedded above
	}
	return http.FileServerFS(sub)
}
