package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Reference: issue 23, "the demo resumes the same saved file twice, and an
// older copy of it". The demo keeps the latest place of the run it saved
// beside its key, and -resume refuses any saved file behind it.

// saveFull saves a full enrollment at its first code prompt, in a fresh
// configuration folder, and returns the saved file.
func saveFull(t *testing.T) string {
	t.Helper()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	file := filepath.Join(t.TempDir(), "run.json")
	code, out, errOut := runCLI(t, "", "demo", "-flow", "full", "-save", file)
	require.Equal(t, 0, code, out+errOut)
	require.Contains(t, out, "saved at awaiting_certification_code to "+file)
	return file
}

// placeFile is where the demo keeps the place, beside its key.
func placeFile() string {
	return filepath.Join(os.Getenv("XDG_CONFIG_HOME"), "enrollfsm", "demo-snapshot.place")
}

// copyRun copies a saved run and its server to a new file.
func copyRun(t *testing.T, file string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "copy.json")
	for _, ext := range []string{"", ".server"} {
		data, err := os.ReadFile(file + ext)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(dst+ext, data, 0o600))
	}
	return dst
}

// snapPlace is the place a saved file records: "run.seq".
func snapPlace(t *testing.T, file string) string {
	t.Helper()
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	var s struct {
		Run string `json:"run"`
		Seq uint64 `json:"seq"`
	}
	require.NoError(t, json.Unmarshal(data, &s))
	require.NotEmpty(t, s.Run)
	return s.Run + "." + strconv.FormatUint(s.Seq, 10)
}

// refused asserts a -resume of file is refused with exit 2, in words that
// say what happened and to start a new run, and returns what it said.
func refused(t *testing.T, file string, want ...string) string {
	t.Helper()
	code, out, errOut := runCLI(t, "", "demo", "-resume", file)
	assert.Equal(t, 2, code, out+errOut)
	assert.NotContains(t, out, "outcome:", "nothing runs")
	for _, w := range want {
		assert.Contains(t, errOut, w)
	}
	assert.Contains(t, errOut, "Start a new run: enroll demo -save "+file)
	assert.Equal(t, 1, strings.Count(errOut, "enroll demo:"), errOut)
	assert.NotContains(t, errOut, "snapshot:", "no engine jargon:\n%s", errOut)
	return errOut
}

// The place is kept beside the key, as the key is: 0600, the text form of
// the saved file's place.
func TestDemo_SaveKeepsThePlaceBesideTheKey(t *testing.T) {
	file := saveFull(t)
	info, err := os.Stat(placeFile())
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	data, err := os.ReadFile(placeFile())
	require.NoError(t, err)
	assert.Equal(t, snapPlace(t, file)+"\n", string(data))
	leftovers, err := filepath.Glob(filepath.Join(filepath.Dir(placeFile()), "*.tmp"))
	require.NoError(t, err)
	assert.Empty(t, leftovers, "written to a temporary file, then renamed")
}

// A run resumed to its end cannot be resumed again, from the same file or
// from a copy made before.
func TestDemo_FinishedRunIsRefused(t *testing.T) {
	file := saveFull(t)
	older := copyRun(t, file)
	code, out, errOut := runCLI(t, "", "demo", "-resume", file)
	require.Equal(t, 0, code, out+errOut)
	require.Contains(t, out, "outcome: enrolled")
	data, err := os.ReadFile(placeFile())
	require.NoError(t, err)
	assert.True(t, strings.HasSuffix(string(data), " ended enrolled\n"), "%q", data)

	refused(t, file, "the run saved in "+file+" has ended (enrolled)")
	refused(t, older, "the run saved in "+older+" has ended (enrolled)")
}

// A run cancelled at its first prompt made no call since it was saved: its
// place did not move, and it is refused all the same, as ended.
func TestDemo_RunCancelledWithoutACallIsRefused(t *testing.T) {
	file := saveFull(t)
	code, out, errOut := runCLI(t, "cancel\n", "demo", "-interactive", "yes", "-resume", file)
	require.Equal(t, 1, code, out+errOut)
	require.Contains(t, out, "outcome: cancelled")
	require.NotContains(t, out, "step ", "no call made")
	refused(t, file, "has ended (cancelled)")
}

// cancelAfter gives its lines, then cancels the run's context, as a Ctrl-C
// at the next prompt would, and blocks.
type cancelAfter struct {
	lines  *strings.Reader
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
}

func (r *cancelAfter) Read(p []byte) (int, error) {
	if r.lines.Len() > 0 {
		return r.lines.Read(p)
	}
	r.once.Do(r.cancel)
	<-r.done
	return 0, io.EOF
}

// resumeThenCtrlC resumes file, types lines, then stops it with Ctrl-C.
func resumeThenCtrlC(t *testing.T, file, lines string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	in := &cancelAfter{lines: strings.NewReader(lines), cancel: cancel, done: make(chan struct{})}
	t.Cleanup(func() { close(in.done) })
	var out, errOut bytes.Buffer
	code := run(ctx, []string{"demo", "-interactive", "yes", "-resume", file}, in, &out, &errOut)
	require.Equal(t, 130, code, out.String()+errOut.String())
	return out.String()
}

// A resumed run that made calls and was stopped has gone on: the file it
// was resumed from, and any older copy, are behind it.
func TestDemo_RunThatWentOnIsRefused(t *testing.T) {
	file := saveFull(t)
	older := copyRun(t, file)
	out := resumeThenCtrlC(t, file, "000000\n")
	require.Contains(t, out, "! That code is not right")
	require.Contains(t, out, "stopped by Ctrl-C")

	words := "the run saved in %s has gone on since it was saved (it was resumed, or this is an older copy)"
	refused(t, file, strings.Replace(words, "%s", file, 1), "would give back the tries it spent")
	refused(t, older, strings.Replace(words, "%s", older, 1))
}

// A run stopped before any call has not gone on: it resumes.
func TestDemo_RunStoppedBeforeACallResumes(t *testing.T) {
	file := saveFull(t)
	out := resumeThenCtrlC(t, file, "")
	require.NotContains(t, out, "step ")
	code, out, errOut := runCLI(t, "", "demo", "-resume", file)
	assert.Equal(t, 0, code, out+errOut)
	assert.Contains(t, out, "outcome: enrolled")
}

// Only the latest run saved can go on: saving another run supersedes it.
func TestDemo_AnEarlierRunIsRefused(t *testing.T) {
	first := saveFull(t)
	second := filepath.Join(t.TempDir(), "second.json")
	code, out, errOut := runCLI(t, "", "demo", "-flow", "full", "-save", second)
	require.Equal(t, 0, code, out+errOut)

	refused(t, first, "the run saved in "+first+" is not the latest run saved: another run has been saved since")
	code, out, errOut = runCLI(t, "", "demo", "-resume", second)
	assert.Equal(t, 0, code, out+errOut)
	assert.Contains(t, out, "outcome: enrolled")
}

// Decision 98: without the place, or with one that cannot be read, no saved
// file can be told from an older copy: -resume refuses, and the next -save
// writes the place anew.
func TestDemo_MissingOrUnreadablePlaceRefuses(t *testing.T) {
	file := saveFull(t)
	require.NoError(t, os.Remove(placeFile()))
	refused(t, file, "the demo keeps the place of the latest run it saved in "+placeFile()+", and it is missing")

	for _, bad := range []string{"", "garbage\n", snapPlace(t, file) + " ended\n", strings.Repeat("a", 4096)} {
		require.NoError(t, os.WriteFile(placeFile(), []byte(bad), 0o600))
		refused(t, file, placeFile()+", where the demo keeps the place of the latest run it saved, cannot be read")
	}
	require.NoError(t, os.Remove(placeFile()))
	require.NoError(t, os.Mkdir(placeFile(), 0o700))
	refused(t, file, "cannot be read")
	require.NoError(t, os.Remove(placeFile()))

	// A new run writes a new place, and goes on.
	require.NoError(t, os.WriteFile(placeFile(), []byte("garbage\n"), 0o600))
	again := filepath.Join(t.TempDir(), "again.json")
	code, out, errOut := runCLI(t, "", "demo", "-flow", "full", "-save", again)
	require.Equal(t, 0, code, out+errOut)
	code, out, errOut = runCLI(t, "", "demo", "-resume", again)
	assert.Equal(t, 0, code, out+errOut)
	assert.Contains(t, out, "outcome: enrolled")
}

// A save that cannot write its files changes no place: the run saved
// before still resumes.
func TestDemo_FailedSaveKeepsThePlace(t *testing.T) {
	file := saveFull(t)
	nowhere := filepath.Join(t.TempDir(), "no-such-folder", "run.json")
	code, out, errOut := runCLI(t, "", "demo", "-flow", "full", "-save", nowhere)
	require.Equal(t, 2, code, out+errOut)
	assert.Contains(t, errOut, "no such file or directory")
	code, out, errOut = runCLI(t, "", "demo", "-resume", file)
	assert.Equal(t, 0, code, out+errOut)
	assert.Contains(t, out, "outcome: enrolled")
}
