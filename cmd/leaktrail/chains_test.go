package main_test

import (
	"testing"

	"github.com/leaktrail/leaktrail/internal/chainfixture"
	"github.com/leaktrail/leaktrail/internal/chainflow"
	"github.com/leaktrail/leaktrail/internal/testgql"
)

// The seed chains of ../shared/DOMAIN.md rebuilt from their exports alone
// through the built binary's API: each in a case of its own, uploaded, read
// by the binary's job, identified, marked, reconstructed and accepted, every
// hop citing its lines.
func TestSeedChainsThroughTheBinary(t *testing.T) {
	t.Parallel()
	e := testEnv(t)
	const pw = "correct horse battery staple"
	if _, stderr, code := run(t, e, pw+"\n", "user", "add", "--username", "lin", "--display-name", "调查员林某",
		"--role", "investigator", "--password-stdin"); code != 0 {
		t.Fatalf("user add: %s", stderr)
	}
	srv := serve(t, e)
	c := &testgql.Client{URL: srv.URL}
	c.Login(t, "lin", pw)
	for _, chain := range chainfixture.Chains() {
		t.Run(chain.Name, func(t *testing.T) { chainflow.Rebuild(t, c, chain) })
	}
}
