package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

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

// copyScenario writes the suite's file name, changed by each old, new pair,
// into a new folder, and returns its path.
func copyScenario(t *testing.T, name string, replace ...string) string {
	t.Helper()
	data, err := os.ReadFile("../../testdata/scenarios/" + name)
	require.NoError(t, err)
	changed := string(data)
	for i := 0; i+1 < len(replace); i += 2 {
		require.Contains(t, changed, replace[i])
		changed = strings.Replace(changed, replace[i], replace[i+1], 1)
	}
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, []byte(changed), 0o640))
	return path
}

// A scenario whose path and a request's parameters are stale (as after a
// deliberate change of the contract) is written again from the engine,
// its inputs kept, and the diff printed; then it replays.
func TestReplayUpdate_RewritesAStaleScenarioAndPrintsTheDiff(t *testing.T) {
	good, err := os.ReadFile("../../testdata/scenarios/full_phone_present_pin_exists_one_wrong_pin.json")
	require.NoError(t, err)
	stale := copyScenario(t, "full_phone_present_pin_exists_one_wrong_pin.json",
		`"params": {"actionType": "strong", "type": "isDeviceActivated"}`, `"params": {"type": "isActivated"}`,
		`"checking_pin", "awaiting_pin", "enrolling_device"`, `"checking_pin", "enrolling_device"`)
	code, out, _ := runCLI(t, "", "replay", stale)
	require.Equal(t, 1, code, "the stale file fails before the update: %s", out)

	code, out, errOut := runCLI(t, "", "replay", "-update", stale)
	assert.Equal(t, 0, code, out+errOut)
	now, err := os.ReadFile(stale)
	require.NoError(t, err)
	assert.Equal(t, string(good), string(now), "the engine's requests and path, the inputs kept")
	info, err := os.Stat(stale)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o640), info.Mode().Perm(), "the file keeps its permissions")
	assert.Contains(t, out, "UPDATED "+stale+" (full: phone present, PIN exists, one wrong PIN)\n"+
		"--- "+stale+"\n+++ "+stale+" (re-recorded)\n@@ -9,7 +9,7 @@\n")
	assert.Contains(t, out, "\n-    {\"op\": \"get\", \"api\": \"pims.authentication.account\", \"params\": {\"type\": \"isActivated\"}, \"reply\"")
	assert.Contains(t, out, "\n+    {\"op\": \"get\", \"api\": \"pims.authentication.account\", \"params\": {\"actionType\": \"strong\", \"type\": \"isDeviceActivated\"}, \"reply\"")
	assert.Regexp(t, `\n-  "path": \[[^\n]*"checking_pin", "enrolling_device"`, out)
	assert.Regexp(t, `\n\+  "path": \[[^\n]*"checking_pin", "awaiting_pin", "enrolling_device"`, out)
	assert.True(t, strings.HasSuffix(out, "\n1 updated, 0 unchanged, 0 refused\n"), out)

	code, out, _ = runCLI(t, "", "replay", stale)
	assert.Equal(t, 0, code, out)
	code, out, _ = runCLI(t, "", "replay", "-update", stale)
	assert.Equal(t, 0, code)
	assert.Equal(t, "UNCHANGED full: phone present, PIN exists, one wrong PIN\n0 updated, 1 unchanged, 0 refused\n", out)
}

// A scenario the engine plays as written is not touched: not its bytes, not
// its time.
func TestReplayUpdate_LeavesAnUnchangedScenarioAlone(t *testing.T) {
	path := copyScenario(t, "restart_at_confirming_removal.json")
	old := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	require.NoError(t, os.Chtimes(path, old, old))
	before, err := os.ReadFile(path)
	require.NoError(t, err)

	code, out, _ := runCLI(t, "", "replay", "-update", path)
	assert.Equal(t, 0, code, out)
	assert.Equal(t, "UNCHANGED restart: step 6 finds the account blocked; killed at the removal question, then yes\n0 updated, 1 unchanged, 0 refused\n", out)
	after, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(before), string(after))
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.True(t, info.ModTime().Equal(old), "written again at %s", info.ModTime())
	entries, err := os.ReadDir(filepath.Dir(path))
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no file left beside it")
}

// A scenario whose answers and replies no longer take the run to its end is
// refused, file and reason named, and left as it is; the others are updated.
func TestReplayUpdate_RefusesWhenTheInputsDoNotSuffice(t *testing.T) {
	for _, c := range []struct {
		name    string
		replace []string
		why     string
	}{
		{"an exchange missing", []string{
			",\n    {\"op\": \"set\", \"api\": \"pims.authentication.enrollment\", \"params\": {\"action\": \"enroll\", \"pinCode\": \"1234\"}, \"reply\": {\"transactionId\": \"t7\", \"status\": \"SUCCEEDED\", \"result\": null}}", ""},
			"the file's inputs no longer suffice: call 7 (set pims.authentication.enrollment) has no exchange left to reply (engine in interrupted)"},
		{"an answer missing", []string{",\n    {\"prompt\": \"pin\", \"value\": \"1234\"}", ""},
			"the file's inputs no longer suffice: engine waits at prompt pin (state awaiting_pin) but no answer is left"},
		{"an answer for another prompt", []string{`{"prompt": "pin", "value": "0000"}`, `{"prompt": "new_pin", "value": "0000"}`},
			"the file's inputs no longer suffice: answer 2 expects prompt new_pin, engine asks pin (state awaiting_pin)"},
		{"an answer left over", []string{`{"prompt": "pin", "value": "1234"}`, `{"prompt": "pin", "value": "1234"}, {"prompt": "pin", "value": "5678"}`},
			"the file's inputs no longer suffice: the run ended (enrolled) with 1 answer(s) not used (from answer 4)"},
		{"an exchange left over", []string{`"reply": {"transactionId": "t1", "status": "SUCCEEDED", "result": {"isDeviceActivated": false}}`,
			`"reply": {"transactionId": "t1", "status": "SUCCEEDED", "result": {"isDeviceActivated": true}}`},
			"the file's inputs no longer suffice: the run ended (enrolled) with 6 exchange(s) not used (from exchange 2: get pims.authentication.account) and 3 answer(s) not used (from answer 1)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := copyScenario(t, "full_phone_present_pin_exists_one_wrong_pin.json", c.replace...)
			before, err := os.ReadFile(path)
			require.NoError(t, err)
			stale := copyScenario(t, "full_phone_present_pin_exists_one_wrong_pin.json", `"checking_pin", "awaiting_pin"`, `"checking_pin"`)

			code, out, _ := runCLI(t, "", "replay", "-update", path, stale)
			assert.Equal(t, 1, code, out)
			assert.Contains(t, out, "REFUSED "+path+" (full: phone present, PIN exists, one wrong PIN): "+c.why+"\n")
			assert.Contains(t, out, "UPDATED "+stale+" ")
			assert.True(t, strings.HasSuffix(out, "\n1 updated, 0 unchanged, 1 refused\n"), out)
			after, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, string(before), string(after), "a refused file is not written")
		})
	}
}

// -update reports a file it cannot write, and exits 2.
func TestReplayUpdate_SaysWhatItCannotWrite(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes into a read-only folder")
	}
	stale := copyScenario(t, "full_phone_present_pin_exists_one_wrong_pin.json", `"checking_pin", "awaiting_pin"`, `"checking_pin"`)
	dir := filepath.Dir(stale)
	require.NoError(t, os.Chmod(dir, 0o500))
	t.Cleanup(func() { _ = os.Chmod(dir, 0o700) })
	code, out, _ := runCLI(t, "", "replay", "-update", stale)
	assert.Equal(t, 2, code, out)
	assert.Contains(t, out, "ERROR "+stale+": not written: ")
	assert.Contains(t, out, "1 path could not be read or written (ERROR above)")
}
