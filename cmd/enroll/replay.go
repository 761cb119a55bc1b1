package main

import (
	"context"
	"errors"
	"io"

	"github.com/enrollfsm/enrollfsm/scenario"
)

// replay runs the conformance runner of SPEC §6 over files and folders.
func replay(ctx context.Context, paths []string, stdout io.Writer) error {
	if len(paths) == 0 {
		return errors.New("replay needs at least one scenario file or folder")
	}
	all, err := scenario.Load(paths...)
	if err != nil {
		return err
	}
	if len(all) == 0 {
		return errors.New("no scenario found")
	}
	if scenario.Report(ctx, stdout, all) > 0 {
		return exitError(1)
	}
	return nil
}
