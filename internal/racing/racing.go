// Package racing tells tests whether the race detector is on. A test that
// measures a pure, single-goroutine computation at scale (a parser over
// 64 MiB, hundreds of generated cascades of images) runs its short form
// under -race, where it is ten times slower, finds no race, and takes the
// cores a browser test beside it needs; `make test` runs those packages at
// full scale again without -race.
package racing
