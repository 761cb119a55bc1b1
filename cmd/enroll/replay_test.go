package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Reference: issue 27, "replaying a folder stops at the first bad file and
// reports nothing about the others; no scenario found does not name the
// folder".
func TestReplay_GoesOnPastABadFileAndNamesAnEmptyFolder(t *testing.T) {
	dir := t.TempDir()
	good, err := os.ReadFile("../../testdata/scenarios/full_already_enrolled.json")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a_broken.json"), []byte("{"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "b_good.json"), good, 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "c_no_final.json"), []byte(`{"name":"c","flow":"full","answers":[],"exchanges":[]}`), 0o600))
	empty := filepath.Join(t.TempDir(), "nothing here")
	require.NoError(t, os.Mkdir(empty, 0o700))

	code, out, _ := runCLI(t, "", "replay", dir, empty)
	assert.Equal(t, 2, code, out)
	assert.Equal(t, []string{
		"ERROR " + filepath.Join(dir, "a_broken.json") + ": invalid scenario: unexpected EOF",
		"ERROR " + filepath.Join(dir, "c_no_final.json") + `: invalid scenario: c: final "" is not a terminal state`,
		"ERROR " + empty + ": no scenario file (*.json) in this folder",
		"PASS full: the device is enrolled already",
		"1 passed, 0 failed",
		"3 paths could not be read (ERROR above)",
	}, strings.Split(strings.TrimSpace(out), "\n"))

	code, out, _ = runCLI(t, "", "replay", empty)
	assert.Equal(t, 2, code)
	assert.Contains(t, out, "ERROR "+empty+": no scenario file (*.json) in this folder")
}

// Reference: issue 23, "enroll replay /dev/zero grows without bound, and a
// named pipe blocks it"; "ESC bytes in a scenario's name are printed raw".
func TestReplay_RefusesWhatIsNotARegularFileAndEscapesNames(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "pipe.json")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	for _, path := range []string{"/dev/zero", fifo} {
		code, out, _ := runCLI(t, "", "replay", path)
		assert.Equal(t, 2, code, path)
		assert.Contains(t, out, "ERROR "+path+": not a regular file: it is a ", path)
	}

	good, err := os.ReadFile("../../testdata/scenarios/full_already_enrolled.json")
	require.NoError(t, err)
	forged := strings.Replace(string(good), `"name": "full: the device is enrolled already"`,
		`"name": "x: FAIL\u001b[2K\r\u001b[32mPASS all good\u001b[0m"`, 1)
	require.NotEqual(t, string(good), forged)
	file := filepath.Join(t.TempDir(), "forged.json")
	require.NoError(t, os.WriteFile(file, []byte(forged), 0o600))
	code, out, _ := runCLI(t, "", "replay", file)
	assert.Equal(t, 0, code)
	assert.Equal(t, `PASS x: FAIL\x1b[2K\r\x1b[32mPASS all good\x1b[0m`+"\n1 passed, 0 failed\n", out)
}
