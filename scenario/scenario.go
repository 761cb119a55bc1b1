// Package scenario loads and replays conformance scenarios (docs/contract.md §6): one
// run of a flow, with the user's answers, every exchange with the backend,
// and the end it must reach, checked exactly.
package scenario

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/enrollment"
	"github.com/enrollfsm/enrollfsm/internal/jsonkeys"
)

// Scenario is one scenario file.
type Scenario struct {
	Name       string            `json:"name"`
	Flow       string            `json:"flow"`
	Platform   string            `json:"platform,omitempty"`
	SDKVersion string            `json:"sdkVersion,omitempty"`
	Inputs     map[string]string `json:"inputs,omitempty"`
	AutoRemove bool              `json:"autoRemove,omitempty"`
	Answers    []Answer          `json:"answers"`
	Exchanges  []Exchange        `json:"exchanges"`
	Final      string            `json:"final"`
	Failure    string            `json:"failure,omitempty"`
	Path       []string          `json:"path,omitempty"`
	// RestartAfter lists answer numbers (from 1; waits count) after which
	// the engine is saved, discarded and restored once it waits again; 0
	// restores it at the first prompt, before any answer.
	RestartAfter []int `json:"restartAfter,omitempty"`

	// File is where the scenario was loaded from.
	File string `json:"-"`
}

// Answer is one scripted answer: the prompt it expects, and a value or an
// action. An entry with Wait instead (a Go duration, "11m") moves the
// runner's clock forward before the next answer, so that a code can expire.
type Answer struct {
	Prompt string  `json:"prompt,omitempty"`
	Value  *string `json:"value,omitempty"`
	Action string  `json:"action,omitempty"`
	Wait   string  `json:"wait,omitempty"`
}

// wait returns the entry's wait, and false for an answer.
func (a Answer) wait() (time.Duration, bool) {
	if a.Wait == "" {
		return 0, false
	}
	d, err := time.ParseDuration(a.Wait)
	return d, err == nil
}

// Exchange is one expected request and the reply it gets, or the bridge
// error the port returns instead.
type Exchange struct {
	Op          string            `json:"op"`
	API         string            `json:"api"`
	Params      map[string]string `json:"params"`
	Reply       json.RawMessage   `json:"reply,omitempty"`
	BridgeError string            `json:"bridgeError,omitempty"`
}

// MaxSize bounds a scenario file; the largest of the suite is a few KiB.
const MaxSize = 1 << 20

// ErrInvalid matches every error of Parse and Load about a file's content.
var ErrInvalid = errors.New("invalid scenario")

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

// Parse decodes and checks one scenario. Unknown fields are refused, so a
// misspelt key cannot silently weaken a check, and so is a key given twice
// in one object (in any case), whose last value would silently win.
func Parse(data []byte) (*Scenario, error) {
	if len(data) > MaxSize {
		return nil, invalid("%d bytes, over the %d a scenario may have", len(data), MaxSize)
	}
	if err := jsonkeys.Unique(data); errors.Is(err, jsonkeys.ErrDuplicate) {
		return nil, invalid("%v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var s Scenario
	if err := dec.Decode(&s); err != nil {
		return nil, invalid("%v", err)
	}
	if dec.More() {
		return nil, invalid("trailing data after the scenario object")
	}
	if err := s.check(); err != nil {
		return nil, err
	}
	return &s, nil
}

var actions = func() map[string]bool {
	m := map[string]bool{}
	for _, a := range enrollment.Actions() {
		m[string(a)] = true
	}
	return m
}()

func (s *Scenario) check() error {
	if strings.TrimSpace(s.Name) == "" {
		return invalid("no name")
	}
	known := false
	for _, f := range enrollfsm.Flows() {
		known = known || string(f) == s.Flow
	}
	if !known {
		return invalid("%s: unknown flow %q", s.Name, s.Flow)
	}
	if s.Platform != "" && s.Platform != "android" && s.Platform != "ios" {
		return invalid("%s: unknown platform %q", s.Name, s.Platform)
	}
	for k := range s.Inputs {
		if k != "vin" {
			return invalid("%s: unknown input %q (only vin is given at start)", s.Name, k)
		}
	}
	for i, a := range s.Answers {
		if a.Wait != "" {
			if d, ok := a.wait(); !ok || d <= 0 || a.Prompt != "" || a.Value != nil || a.Action != "" {
				return invalid("%s: answer %d: a wait is a positive Go duration (\"11m\") and nothing else", s.Name, i+1)
			}
			continue
		}
		if a.Prompt == "" {
			return invalid("%s: answer %d names no prompt", s.Name, i+1)
		}
		if (a.Value == nil) == (a.Action == "") {
			return invalid("%s: answer %d needs a value or an action, not both", s.Name, i+1)
		}
		if a.Action != "" && !actions[a.Action] {
			return invalid("%s: answer %d has unknown action %q", s.Name, i+1, a.Action)
		}
	}
	for i, x := range s.Exchanges {
		if x.Op != "get" && x.Op != "set" {
			return invalid("%s: exchange %d has op %q (want get or set)", s.Name, i+1, x.Op)
		}
		if x.API == "" {
			return invalid("%s: exchange %d names no api", s.Name, i+1)
		}
		if (len(x.Reply) == 0) == (x.BridgeError == "") {
			return invalid("%s: exchange %d needs a reply or a bridgeError, not both", s.Name, i+1)
		}
	}
	switch enrollfsm.State(s.Final) {
	case enrollfsm.Enrolled, enrollfsm.Done, enrollfsm.Cancelled:
		if s.Failure != "" {
			return invalid("%s: failure given for final %s", s.Name, s.Final)
		}
	case enrollfsm.Failed:
		if s.Failure == "" {
			return invalid("%s: final failed needs a failure", s.Name)
		}
	default:
		return invalid("%s: final %q is not a terminal state", s.Name, s.Final)
	}
	for _, n := range s.RestartAfter {
		if n < 0 || n > len(s.Answers) {
			return invalid("%s: restartAfter %d is not an answer number", s.Name, n)
		}
	}
	return nil
}

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
