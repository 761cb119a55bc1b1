// Command enroll runs device enrollments and account operations against the
// built-in simulator, and replays conformance scenarios.
//
//	enroll demo [flags]        one enrollment (or -op NAME) against the simulator
//	enroll replay PATH...      replay scenario files or folders (docs/contract.md §6)
//	enroll paths [-flow NAME]  the shortest path to every state, every simple path to an end
//	enroll explore [-addr A]   a page to walk a flow in a browser, step by step
//	enroll check [-flow NAME]  every reachable state explored, the contract's properties checked
//	enroll version             the release, the module and the contract versions
//	enroll export -format F    a flow's machine as XState (JSON or ES module) or SCXML
//	enroll help [COMMAND]      the list of commands, or one command's flags
//
// "enroll COMMAND -h" prints a command's flags on standard output, as
// "enroll help COMMAND" does. docs/cli.md describes each command.
//
// Exit codes, for every command:
//
//	0    done: the device enrolled, the operation done, every scenario passed; or help
//	1    the run ended otherwise (failed or cancelled), a scenario failed,
//	     check found a violation, or demo -save found no SMS code prompt to save at
//	2    the command could not run: an unknown command, a bad flag value,
//	     flags that contradict each other, a file that cannot be read or written,
//	     a saved run demo -resume refuses (edited, ended, gone on, not the latest)
//	130  demo, replay or check interrupted by Ctrl-C (demo -save saves the run first);
//	     explore, a server, ends at Ctrl-C with 0
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
)

const usage = `usage: enroll COMMAND [flags]

  demo [flags]        run one enrollment (or -op NAME) against the simulator
  replay PATH...      replay scenario files or folders
  paths [-flow NAME]  print the shortest path to every state and every simple
                      path to an end
  explore [-addr A]   serve a page to walk a flow in a browser (127.0.0.1:8080)
  check [-flow NAME]  explore every reachable state and check the contract's
                      properties; write each counterexample as a scenario
  version             print the release, the module's version and commit,
                      and the behaviour contract's version (also -version)
  export -format F    write a flow's machine as XState or SCXML (-flow NAME
                      to standard output, or -out DIR)
  help [COMMAND]      print this list, or a command's flags

Run "enroll COMMAND -h" for a command's flags.
Exit codes: 0 done, 1 the run, a scenario or a check failed, 2 usage or file
error, 130 interrupted.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	go func() {
		// A second Ctrl-C kills at once, should the first not end the run.
		<-ctx.Done()
		stop()
	}()
	invocation = commandName(os.Args[0])
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
		err = paths(args[1:], stdout)
	case "explore":
		err = exploreCmd(ctx, args[1:], stdout, stderr)
	case "check":
		err = check(ctx, args[1:], stdout)
	case "version", "-version", "--version":
		err = version(args[1:], stdout)
	case "export":
		err = exportCmd(args[1:], stdout)
	case "help", "-h", "-help", "--help":
		if len(args) > 1 && args[1] != "help" && !strings.HasPrefix(args[1], "-") {
			return run(ctx, []string{args[1], "-h"}, stdin, stdout, stderr)
		}
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "enroll: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	return exitCode(ctx, args[0], err, stderr)
}

// exitCode prints err once, if it has not been printed, and returns the
// exit code documented above.
func exitCode(ctx context.Context, cmd string, err error, stderr io.Writer) int {
	var (
		exit  exitError
		usage *usageError
	)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &exit):
		return int(exit)
	case ctx.Err() != nil && errors.Is(err, ctx.Err()):
		fmt.Fprintf(stderr, "enroll %s: interrupted\n", cmd)
		return 130
	case errors.As(err, &usage):
		fmt.Fprintf(stderr, "enroll %s: %v\nRun \"enroll %s -h\" for its flags.\n", cmd, usage.err, cmd)
		return 2
	default:
		fmt.Fprintf(stderr, "enroll %s: %v\n", cmd, err)
		return 2
	}
}

// exitError is an exit code whose reason has been printed already.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit %d", int(e)) }

// usageError is a command line the command cannot run: exit 2, with a
// pointer to the command's help.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// usagef returns a *usageError.
func usagef(format string, args ...any) error {
	return &usageError{err: fmt.Errorf(format, args...)}
}

// flags is a command's FlagSet whose help ("-h") goes to stdout, whole,
// and whose parse errors are left to exitCode, so that they print once.
type flags struct {
	*flag.FlagSet
	synopsis string
	stdout   io.Writer
}

func newFlags(name, synopsis string, stdout io.Writer) *flags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {} // flag calls it on errors too; parse prints the help
	return &flags{FlagSet: fs, synopsis: synopsis, stdout: stdout}
}

// parse parses args: -h prints the help and returns flag.ErrHelp; any other
// error is a *usageError.
func (f *flags) parse(args []string) error {
	err := f.Parse(args)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, flag.ErrHelp):
		f.SetOutput(f.stdout)
		fmt.Fprintln(f.stdout, f.synopsis)
		f.PrintDefaults()
		f.SetOutput(io.Discard)
		return err
	default:
		return &usageError{err: err}
	}
}

// given reports which flags the command line sets.
func (f *flags) given() map[string]bool {
	set := map[string]bool{}
	f.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	return set
}
