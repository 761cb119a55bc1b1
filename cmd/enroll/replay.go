package main

import (
	"context"
	"errors"
	"io"

	"github.com/enrollfsm/enrollfsm/scenario"
)

// replay runs the conformance runner of docs/contract.md §6 over files and
// folders: exit 1 when a scenario fails, 2 when a file cannot be read.
func replay(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("replay", `usage: enroll replay PATH...

Replays scenario files, or every *.json file of a folder, against the engine
(the format is docs/contract.md §6). Prints PASS or FAIL per scenario, then
the counts. Exit 0 when all pass, 1 when one fails, 2 when a file cannot be
read or is not a scenario.`, stdout)
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("replay needs at least one scenario file or folder")
	}
	all, err := scenario.Load(fs.Args()...)
	if err != nil {
		return err
	}
	if len(all) == 0 {
		return errors.New("no scenario found")
	}
	failed := scenario.Report(ctx, stdout, all)
	if err := ctx.Err(); err != nil {
		return err // interrupted: the failures may be the interruption's
	}
	if failed > 0 {
		return exitError(1)
	}
	return nil
}
