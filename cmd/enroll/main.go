// Command enroll runs device enrollments and account operations against the
// built-in simulator, and replays conformance scenarios.
//
//	enroll demo [flags]        one enrollment against the simulator
//	enroll replay PATH...      replay scenario files or folders (SPEC §6)
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
)

const usage = `usage:
  enroll demo [flags]      run one enrollment (or -op NAME) against the simulator
  enroll replay PATH...    replay scenario files or folders; exit 1 on any failure
  enroll paths [-flow F]    print the shortest path to every state and every simple path to an end

Run "enroll demo -h" for the demo's flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run is main without the process: it returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "demo":
		err = demo(ctx, args[1:], stdin, stdout, stderr)
	case "replay":
		err = replay(ctx, args[1:], stdout)
	case "paths":
		err = paths(args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "enroll: unknown command %q\n%s", args[0], usage)
		return 2
	}
	var exit exitError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &exit):
		return int(exit)
	default:
		fmt.Fprintf(stderr, "enroll: %v\n", err)
		return 2
	}
}

// exitError is an exit code whose reason has been printed already.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit %d", int(e)) }
