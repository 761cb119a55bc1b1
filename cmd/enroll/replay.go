package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/enrollfsm/enrollfsm/scenario"
)

// replay runs the conformance runner of docs/contract.md §6 over files and
// folders: exit 1 when a scenario fails, 2 when a file cannot be read.
func replay(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("replay", `usage: enroll replay PATH...

Replays scenario files, or every *.json file of a folder, against the engine
(the format is docs/contract.md §6). Prints PASS or FAIL per scenario, then
the counts. A file that cannot be read or is not a scenario is reported and
skipped, and the others are replayed. Exit 0 when all pass, 1 when one
fails, 2 when a file cannot be read or is not a scenario, or a folder holds
none.`, stdout)
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("replay needs at least one scenario file or folder")
	}
	all, err := scenario.Load(fs.Args()...)
	// Each path that could not be read is listed with the results, and the
	// others are replayed all the same.
	unread := loadErrors(err)
	for _, e := range unread {
		fmt.Fprintf(stdout, "ERROR %s\n", scenario.Printable(e.Error()))
	}
	failed := 0
	if len(all) > 0 {
		failed = scenario.Report(ctx, stdout, all)
	}
	if err := ctx.Err(); err != nil {
		return err // interrupted: the failures may be the interruption's
	}
	if len(unread) > 0 {
		fmt.Fprintf(stdout, "%s could not be read (ERROR above)\n", count(len(unread), "path"))
		return exitError(2)
	}
	if failed > 0 {
		return exitError(1)
	}
	return nil
}

// loadErrors lists the paths scenario.Load could not read, each once.
func loadErrors(err error) []error {
	if err == nil {
		return nil
	}
	var joined interface{ Unwrap() []error }
	if errors.As(err, &joined) {
		return joined.Unwrap()
	}
	return []error{err}
}
