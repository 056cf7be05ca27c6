//go:build race

package racing

// Enabled is true when the race detector is on.
const Enabled = true
