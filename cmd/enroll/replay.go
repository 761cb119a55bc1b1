package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/enrollfsm/enrollfsm/scenario"
)

// replay runs the conformance runner of docs/contract.md §6 over files and
// folders: exit 1 when a scenario fails, 2 when a file cannot be read. With
// -update it re-records them instead.
func replay(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("replay", `usage: enroll replay [-update] PATH...

Replays scenario files, or every *.json file of a folder, against the engine
(the format is docs/contract.md §6). Prints PASS or FAIL per scenario, then
the counts. A file that cannot be read or is not a scenario is reported and
skipped, and the others are replayed. Exit 0 when all pass, 1 when one
fails, 2 when a file cannot be read or is not a scenario, or a folder holds
none.

-update re-records each file after a deliberate change of the contract: it
plays the file's answers and replies on the engine, and writes again what
the engine determines (each request's op, api and parameters, the path, the
final state and the failure), keeping the inputs. A changed file is
rewritten and its diff printed (UPDATED); an unchanged one is not touched
(UNCHANGED). A file whose answers and replies no longer drive the run to its
end, or whose run breaks a property of the contract, is not written
(REFUSED, with why): exit 1. Exit 2 when a file cannot be read or written.`, stdout)
	update := fs.Bool("update", false, "re-record each file from the engine; print the diff of each change")
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
	if *update {
		return rerecord(ctx, all, len(unread), stdout)
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

// rerecord is replay -update: one line per scenario, UPDATED (then its
// diff), UNCHANGED or REFUSED, then the counts.
func rerecord(ctx context.Context, all []*scenario.Scenario, unread int, stdout io.Writer) error {
	var updated, same, refused, unwritten int
	done := map[string]bool{}
	for _, s := range all {
		if err := ctx.Err(); err != nil {
			return err
		}
		if done[s.File] {
			continue // named twice: re-recorded once
		}
		done[s.File] = true
		file, name := scenario.Printable(s.File), scenario.Printable(s.Name)
		next, err := scenario.Rerecord(ctx, s)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			refused++
			fmt.Fprintf(stdout, "REFUSED %s (%s): %s\n", file, name, scenario.Printable(err.Error()))
			continue
		}
		was, err := scenario.Marshal(s)
		if err != nil {
			return err // Load checked it: a bug
		}
		now, err := scenario.Marshal(next)
		if err != nil {
			refused++
			fmt.Fprintf(stdout, "REFUSED %s (%s): %s\n", file, name, scenario.Printable(err.Error()))
			continue
		}
		if bytes.Equal(was, now) {
			same++
			fmt.Fprintf(stdout, "UNCHANGED %s\n", name)
			continue
		}
		old, err := scenario.ReadFile(s.File)
		if err == nil {
			err = writeInPlace(s.File, now)
		}
		if err != nil {
			unwritten++
			fmt.Fprintf(stdout, "ERROR %s: not written: %s\n", file, scenario.Printable(err.Error()))
			continue
		}
		updated++
		fmt.Fprintf(stdout, "UPDATED %s (%s)\n", file, name)
		diff := unifiedDiff(s.File, s.File+" (re-recorded)", old, now)
		for _, line := range strings.SplitAfter(diff, "\n") {
			if line != "" {
				fmt.Fprintln(stdout, scenario.Printable(strings.TrimSuffix(line, "\n")))
			}
		}
	}
	fmt.Fprintf(stdout, "%d updated, %d unchanged, %d refused\n", updated, same, refused)
	switch {
	case unread > 0 || unwritten > 0:
		fmt.Fprintf(stdout, "%s could not be read or written (ERROR above)\n", count(unread+unwritten, "path"))
		return exitError(2)
	case refused > 0:
		return exitError(1)
	}
	return nil
}

// writeInPlace replaces the file at path with data, at once: a new file
// beside it, with the old one's permissions, renamed over it, so that an
// interrupted write leaves the old file whole. A symbolic link is followed,
// and the file it names replaced.
func writeInPlace(path string, data []byte) error {
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return err
	}
	info, err := os.Stat(target)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(info.Mode().Perm())
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), target)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
	}
	return err
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
