// Package scenario loads and replays conformance scenarios (docs/contract.md §6): one
// run of a flow, with the user's answers, every exchange with the backend,
// and the end it must reach, checked exactly. The file format itself is
// package scenariofile, which the test kit writes through.
package scenario

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/enrollfsm/enrollfsm/scenario/scenariofile"
)

// The scenario file's types, from package scenariofile: a scenario loaded
// here is the one the test kit writes.
type (
	// Scenario is one scenario file.
	Scenario = scenariofile.Scenario
	// Answer is one scripted answer, or a wait.
	Answer = scenariofile.Answer
	// Exchange is one expected request and its reply or bridge error.
	Exchange = scenariofile.Exchange
	// Params are an exchange's parameters, in the file's order.
	Params = scenariofile.Params
	// Param is one parameter.
	Param = scenariofile.Param
	// Error is a scenario file refused: where and why.
	Error = scenariofile.Error
)

// MaxSize bounds a scenario file; the largest of the suite is a few KiB.
const MaxSize = scenariofile.MaxSize

// ErrInvalid matches every error of Parse and Load about a file's content.
var ErrInvalid = scenariofile.ErrInvalid

func invalid(format string, args ...any) error {
	return &scenariofile.Error{Reason: fmt.Sprintf(format, args...)}
}

// Parse decodes and checks one scenario (scenariofile.Parse): unknown and
// duplicate keys and bad values are refused with an *Error.
func Parse(data []byte) (*Scenario, error) { return scenariofile.Parse(data) }

// Marshal writes a scenario in the canonical style of testdata/scenarios
// (scenariofile.Marshal).
func Marshal(s *Scenario) ([]byte, error) { return scenariofile.Marshal(s) }

// LoadError is a file or folder Load could not take a scenario from.
type LoadError struct {
	Path string
	Err  error
}

func (e *LoadError) Error() string { return e.Path + ": " + e.Err.Error() }
func (e *LoadError) Unwrap() error { return e.Err }

// ErrNoScenario: a folder holds no *.json file.
var ErrNoScenario = errors.New("no scenario file (*.json) in this folder")

// Load reads scenarios from files and folders (every *.json in a folder,
// recursively), sorted by path within each folder. It goes on past a file or
// folder it cannot use: the scenarios it could read come back with an error
// that joins one *LoadError for each of the others (a folder without a
// scenario file included).
//
// Only regular files are read, at most MaxSize+1 bytes of each: a named
// pipe, a device or a socket is refused without reading from it.
func Load(paths ...string) ([]*Scenario, error) {
	var (
		out  []*Scenario
		errs []error
	)
	fail := func(path string, err error) { errs = append(errs, &LoadError{Path: path, Err: err}) }
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			fail(p, unwrapPath(err))
			continue
		}
		files := []string{p}
		if info.IsDir() {
			files = nil
			err := filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
				switch {
				case err != nil:
					fail(path, unwrapPath(err))
					if d != nil && d.IsDir() && path != p {
						return fs.SkipDir
					}
				case !d.IsDir() && strings.HasSuffix(path, ".json"):
					files = append(files, path)
				}
				return nil
			})
			if err != nil {
				fail(p, err)
			}
			if len(files) == 0 && err == nil {
				fail(p, ErrNoScenario)
			}
			sort.Strings(files)
		}
		for _, f := range files {
			data, err := readRegular(f)
			if err != nil {
				fail(f, err)
				continue
			}
			s, err := Parse(data)
			if err != nil {
				fail(f, err)
				continue
			}
			s.File = f
			out = append(out, s)
		}
	}
	return out, errors.Join(errs...)
}

// unwrapPath drops the *fs.PathError's own path: a LoadError names it.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// ReadFile reads a scenario file's bytes as Load does: a regular file of
// at most MaxSize bytes, anything else refused before a byte is read.
func ReadFile(name string) ([]byte, error) { return readRegular(name) }

// readRegular reads a regular file of at most MaxSize bytes; anything else
// is refused before a byte is read, and a longer file after MaxSize+1.
func readRegular(name string) ([]byte, error) {
	info, err := os.Stat(name)
	if err != nil {
		return nil, unwrapPath(err)
	}
	if err := regular(info); err != nil {
		return nil, err
	}
	// Opened without blocking, in case a named pipe took the file's place
	// since the Stat; the open file is checked again.
	f, err := openNoBlock(name)
	if err != nil {
		return nil, unwrapPath(err)
	}
	defer f.Close()
	info, err = f.Stat()
	if err != nil {
		return nil, unwrapPath(err)
	}
	if err := regular(info); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, unwrapPath(err)
	}
	if len(data) > MaxSize {
		return nil, invalid("over the %d bytes a scenario may have", MaxSize)
	}
	return data, nil
}

// regular refuses anything but a regular file, naming what it is.
func regular(info fs.FileInfo) error {
	m := info.Mode()
	var what string
	switch {
	case m.IsRegular():
		return nil
	case m.IsDir():
		what = "a folder"
	case m&fs.ModeNamedPipe != 0:
		what = "a named pipe"
	case m&fs.ModeSocket != 0:
		what = "a socket"
	case m&fs.ModeDevice != 0:
		what = "a device"
	default:
		what = "a special file"
	}
	return fmt.Errorf("%w: it is %s", ErrNotAFile, what)
}

// ErrNotAFile: Load reads regular files only.
var ErrNotAFile = errors.New("not a regular file")
