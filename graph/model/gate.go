// Package model holds GraphQL types that have no domain type of their own.
package model

import "github.com/leaktrail/leaktrail/workflow"

// Gate is the gate of an incident's current stage, evaluated.
type Gate struct {
	Stage        workflow.Stage
	Requirements workflow.Evaluation
}

// Met reports whether every requirement holds.
func (g Gate) Met() bool { return g.Requirements.Met() }
