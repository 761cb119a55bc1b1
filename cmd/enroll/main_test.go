package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMain keeps the demo's key and place, and those of the processes the
// tests start, out of the user's own configuration folder.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "enroll-config")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_CONFIG_HOME", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestReplay_PassesTheSuiteAndFailsABrokenScenario(t *testing.T) {
	code, out, _ := runCLI(t, "", "replay", "../../testdata/scenarios")
	assert.Equal(t, 0, code)
	assert.Regexp(t, `(?m)^\d+ passed, 0 failed$`, out)

	data, err := os.ReadFile("../../testdata/scenarios/full_already_enrolled.json")
	require.NoError(t, err)
	broken := filepath.Join(t.TempDir(), "broken.json")
	require.NoError(t, os.WriteFile(broken, bytes.Replace(data, []byte(`"final": "enrolled"`), []byte(`"final": "cancelled"`), 1), 0o644))
	code, out, _ = runCLI(t, "", "replay", broken)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "FAIL full: the device is enrolled already: expected final cancelled, got enrolled")
	assert.Contains(t, out, "0 passed, 1 failed")

	code, out, _ = runCLI(t, "", "replay", "no/such/file.json")
	assert.Equal(t, 2, code)
	assert.Contains(t, out, "ERROR no/such/file.json: no such file")
}

// The main job: an enrollment against the simulator, answered by the
// program itself when no terminal is attached.
func TestDemo_EnrollsInEverySituation(t *testing.T) {
	for _, args := range [][]string{
		{"demo"},
		{"demo", "-flow", "full", "-platform", "ios"},
		{"demo", "-flow", "shortcut", "-situation", "has_phone"},
		{"demo", "-situation", "pin_exists"},
		{"demo", "-situation", "blocked"},
		{"demo", "-situation", "pin_blocked", "-auto-remove"},
		{"demo", "-situation", "enrolled"},
		{"demo", "-flow", "auto", "-sdk", "2.0.1"},
		{"demo", "-faults", "0.3", "-seed", "7"},
	} {
		code, out, errOut := runCLI(t, "", args...)
		assert.Equal(t, 0, code, "%v\n%s%s", args, out, errOut)
		assert.Contains(t, out, "outcome: enrolled", args)
	}
}

func TestDemo_RunsEveryAccountOperation(t *testing.T) {
	for _, op := range []string{"remove_enrollments", "reset_pin", "update_pin", "modify_phone", "remove_vehicle"} {
		code, out, errOut := runCLI(t, "", "demo", "-op", op)
		assert.Equal(t, 0, code, "%s\n%s%s", op, out, errOut)
		assert.Contains(t, out, "outcome: done", op)
	}
	code, out, _ := runCLI(t, "", "demo", "-op", "update_pin", "-situation", "new")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "outcome: failed: this device is not enrolled")
	assert.Equal(t, 1, strings.Count(out, "not_enrolled"), "the failure is said once")
	code, out, _ = runCLI(t, "", "demo", "-op", "remove_vehicle", "-vin", "WVWZZZ1JZXW000001")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "outcome: failed: the server refused: step E (set pims.subscription.vehicle): pims 2102")
}

func TestDemo_PrintsNoSecret(t *testing.T) {
	_, out, _ := runCLI(t, "", "demo", "-flow", "full", "-platform", "ios")
	assert.NotContains(t, out, "4321", "the bot's PIN")
	assert.NotContains(t, out, "0612345678")
	assert.Contains(t, out, "pinCode=••••")
}

func TestDemo_AsksAPerson(t *testing.T) {
	// A person who types a malformed number, then cancels.
	code, out, _ := runCLI(t, "12\ncancel\n", "demo", "-interactive", "yes")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "! That is not a valid phone number: it must have 6 to 15 digits.")
	assert.Contains(t, out, "outcome: cancelled")
}

func TestUsageErrors(t *testing.T) {
	code, _, errOut := runCLI(t, "")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "usage")
	code, _, _ = runCLI(t, "", "bake")
	assert.Equal(t, 2, code)
	code, _, errOut = runCLI(t, "", "demo", "-situation", "haunted")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, `-situation "haunted": want new, has_phone, pin_exists, blocked, pin_blocked or enrolled`)
	code, _, errOut = runCLI(t, "", "demo", "-flow", "shortcut", "-sdk", "2.0.0")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "shortcut flow needs SDK 2.1.0")
	code, _, _ = runCLI(t, "", "demo", "-h")
	assert.Equal(t, 0, code)
}

// Reference: issue 6, "demo --save FILE / --resume FILE show a kill-and-resume".
func TestDemo_SaveThenResume(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir()) // where the demo keeps its snapshot key
	file := filepath.Join(t.TempDir(), "run.json")
	code, out, errOut := runCLI(t, "", "demo", "-flow", "full", "-platform", "ios", "-situation", "pin_exists", "-save", file)
	require.Equal(t, 0, code, out+errOut)
	assert.Contains(t, out, "saved at awaiting_enrollment_code to "+file)
	assert.NotContains(t, out, "outcome:")
	snap, err := os.ReadFile(file)
	require.NoError(t, err)
	assert.NotContains(t, string(snap), `"1234"`, "the account's PIN is no value of the snapshot")

	code, out, errOut = runCLI(t, "", "demo", "-resume", file)
	require.Equal(t, 0, code, out+errOut)
	assert.Contains(t, out, "resumed full on ios at awaiting_enrollment_code")
	assert.Contains(t, out, "outcome: enrolled")

	code, _, errOut = runCLI(t, "", "demo", "-resume", filepath.Join(t.TempDir(), "none.json"))
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "no such file")
}

// A saved run is sealed with a key kept apart from it: an edited file, or one
// sealed under another key, does not resume.
func TestDemo_ResumeRefusesAnEditedRun(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	file := filepath.Join(t.TempDir(), "run.json")
	code, out, errOut := runCLI(t, "", "demo", "-flow", "full", "-save", file)
	require.Equal(t, 0, code, out+errOut)
	snap, err := os.ReadFile(file)
	require.NoError(t, err)
	assert.Contains(t, string(snap), `"seal":"`)
	edited := strings.Replace(string(snap), `"calls":4`, `"calls":3`, 1)
	require.NotEqual(t, string(snap), edited)
	require.NoError(t, os.WriteFile(file, []byte(edited), 0o600))
	code, _, errOut = runCLI(t, "", "demo", "-resume", file)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "seal does not match")

	require.NoError(t, os.WriteFile(file, snap, 0o600))
	t.Setenv("XDG_CONFIG_HOME", t.TempDir()) // another key
	code, _, errOut = runCLI(t, "", "demo", "-resume", file)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "seal does not match")
}
