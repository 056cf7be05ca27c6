// Command leaktrail is the Leaktrail binary: `serve` and `dev` run the
// server (package server), the other commands are the operator's one-off
// tasks against the database and object store (migrations, users, the audit
// chain, forward imports, the evidence vault's checks). The command line is
// parsed here; the work is done by the domain packages.
package main

import "os"

func main() {
	cli := &CLI{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}
	os.Exit(cli.Run(os.Args[1:]))
}
