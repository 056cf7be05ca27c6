// Command leaktrail is the Leaktrail server and its administration commands.
package main

import (
	"os"

	"github.com/leaktrail/leaktrail/server"
)

func main() {
	cli := &server.CLI{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}
	os.Exit(cli.Run(os.Args[1:]))
}
