package main

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/enrollfsm/enrollfsm"
)

// demoDir is the demo's folder in the user's configuration folder, where it
// keeps the snapshot key and the place of the latest run it saved.
func demoDir() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "enrollfsm"), nil
}

// demoKey returns the key that seals the demo's saved runs, creating it on
// first use. It lives in the user's configuration folder, apart from the
// saved file, as an app keeps its key in the Android Keystore or the iOS
// Keychain: whoever edits a saved run cannot seal it again.
func demoKey() ([]byte, error) {
	dir, err := demoDir()
	if err != nil {
		return nil, fmt.Errorf("the snapshot key: %w", err)
	}
	path := filepath.Join(dir, "demo-snapshot.key")
	key, err := os.ReadFile(path)
	switch {
	case err == nil && len(key) == 32:
		return key, nil
	case err == nil:
		return nil, fmt.Errorf("the snapshot key %s is not 32 bytes: remove it to make a new one", path)
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("the snapshot key: %w", err)
	}
	key = make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("the snapshot key: %w", err)
	}
	if err := os.WriteFile(path, key, 0o600); err != nil {
		return nil, fmt.Errorf("the snapshot key: %w", err)
	}
	return key, nil
}

// demoPlace is the place of the latest run the demo saved, kept beside the
// key as an app keeps it beside its own (docs/snapshots.md): -resume gives
// it to Restore, which refuses an older saved file of that run and any
// other run's. The file holds the place's text form, "run.seq", and once
// the run has ended " ended STATE": a run that ended with no call since its
// last save has not moved, and only that word refuses it.
type demoPlace struct {
	enrollfsm.Place
	Ended enrollfsm.State
}

// maxPlaceFile bounds what is read of the place file: "run.seq ended STATE"
// is under 100 bytes.
const maxPlaceFile = 256

func placePath() (string, error) {
	dir, err := demoDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "demo-snapshot.place"), nil
}

// readPlace reads the place file. A missing file is an error that matches
// fs.ErrNotExist; a file that is not a place, errPlaceUnreadable.
func readPlace(path string) (demoPlace, error) {
	f, err := os.Open(path)
	if err != nil {
		return demoPlace{}, unpath(err)
	}
	defer f.Close()
	if info, err := f.Stat(); err != nil || !info.Mode().IsRegular() {
		return demoPlace{}, fmt.Errorf("%w: it is not a regular file", errPlaceUnreadable)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxPlaceFile+1))
	if err != nil {
		return demoPlace{}, unpath(err)
	}
	var p demoPlace
	text, ok := strings.CutSuffix(string(data), "\n")
	fields := strings.Split(text, " ")
	switch {
	case !ok || len(data) > maxPlaceFile:
		return demoPlace{}, errPlaceUnreadable
	case len(fields) == 3 && fields[1] == "ended" && stateName(fields[2]):
		p.Ended = enrollfsm.State(fields[2])
	case len(fields) != 1:
		return demoPlace{}, errPlaceUnreadable
	}
	if err := p.Place.UnmarshalText([]byte(fields[0])); err != nil || p.IsZero() {
		return demoPlace{}, errPlaceUnreadable
	}
	return p, nil
}

var errPlaceUnreadable = errors.New(`it does not hold one line "run.seq" or "run.seq ended STATE"`)

// unpath drops the path from err, said already.
func unpath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && !errors.Is(err, fs.ErrNotExist) {
		return pe.Err
	}
	return err
}

// stateName reports whether s can be a state's name: snake_case, short.
func stateName(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && r != '_' {
			return false
		}
	}
	return true
}

// writePlace keeps p, with the same care as the key: 0600, in the demo's
// folder, written whole or not at all.
func writePlace(p demoPlace) error {
	path, err := placePath()
	if err != nil {
		return fmt.Errorf("the run's place: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("the run's place: %w", err)
	}
	text := p.String()
	if p.Ended != "" {
		text += " ended " + string(p.Ended)
	}
	if err := writeAtomic(path, []byte(text+"\n")); err != nil {
		return fmt.Errorf("the run's place: %w", err)
	}
	return nil
}
