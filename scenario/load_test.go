package scenario_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm/scenario"
)

const small = `{"name":"x","flow":"full","answers":[],"exchanges":[],"final":"cancelled"}`

// loadErrors splits Load's error into its *LoadError, one per path.
func loadErrors(t *testing.T, err error) map[string]error {
	t.Helper()
	out := map[string]error{}
	var joined interface{ Unwrap() []error }
	if !errors.As(err, &joined) {
		return out
	}
	for _, e := range joined.Unwrap() {
		var le *scenario.LoadError
		require.ErrorAs(t, e, &le)
		out[le.Path] = le.Err
	}
	return out
}

// Reference: issue 23, "enroll replay /dev/zero grows without bound, and a
// named pipe blocks it": only a regular file is read, at most MaxSize+1
// bytes of it.
func TestLoad_ReadsRegularFilesOnly(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.json")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	big := filepath.Join(dir, "big.json")
	require.NoError(t, os.WriteFile(big, bytes.Repeat([]byte(" "), scenario.MaxSize+1), 0o600))

	for path, want := range map[string]string{
		"/dev/zero": "not a regular file: it is a device",
		fifo:        "not a regular file: it is a named pipe",
		big:         "over the 1048576 bytes a scenario may have",
	} {
		all, err := scenario.Load(path)
		assert.Empty(t, all)
		require.Error(t, err, path)
		assert.Contains(t, err.Error(), path+": ")
		assert.Contains(t, err.Error(), want)
	}
}

// Reference: issue 27, "replaying a folder stops at the first bad file and
// reports nothing about the others; no scenario found does not name the
// folder".
func TestLoad_GoesOnPastABadFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o700))
		require.NoError(t, os.WriteFile(p, []byte(data), 0o600))
		return p
	}
	a := write("a.json", "{")
	write("b.json", strings.Replace(small, `"x"`, `"b"`, 1))
	c := write("c.json", `{"name":"c"}`)
	write("sub/d.json", strings.Replace(small, `"x"`, `"d"`, 1))
	write("notes.txt", "not a scenario")
	empty := filepath.Join(dir, "empty")
	require.NoError(t, os.Mkdir(empty, 0o700))

	all, err := scenario.Load(dir, empty, filepath.Join(dir, "missing.json"))
	var names []string
	for _, s := range all {
		names = append(names, s.Name)
	}
	assert.Equal(t, []string{"b", "d"}, names, "the good files are all read")
	errs := loadErrors(t, err)
	assert.Len(t, errs, 4, "%v", err)
	assert.ErrorIs(t, errs[a], scenario.ErrInvalid)
	assert.ErrorIs(t, errs[c], scenario.ErrInvalid)
	assert.ErrorIs(t, errs[empty], scenario.ErrNoScenario)
	assert.ErrorIs(t, errs[filepath.Join(dir, "missing.json")], os.ErrNotExist)
	assert.Contains(t, err.Error(), empty+": no scenario file (*.json) in this folder")
}

// Reference: issue 23, "duplicate keys are accepted (last wins)": in a
// scenario file, at any depth and in any case, they are refused.
func TestParse_RefusesDuplicateKeys(t *testing.T) {
	call1 := `{"op":"get","api":"pims.authentication.account","params":{"actionType":"strong","type":"isDeviceActivated"},`
	for _, doc := range []string{
		`{"name":"x","flow":"full","answers":[],"exchanges":[],"final":"failed","failure":"bad_reply","final":"cancelled"}`,
		`{"name":"x","flow":"full","answers":[],"exchanges":[],"final":"cancelled","Final":"enrolled"}`,
		`{"name":"x","flow":"full","answers":[],"exchanges":[` + call1 +
			`"reply":{"status":"FAILED","error":{"code":2317},"status":"SUCCEEDED","result":{"isDeviceActivated":true}}}],"final":"enrolled"}`,
		`{"name":"x","flow":"full","answers":[],"exchanges":[{"op":"get","api":"a","params":{"type":"a","type":"b"},"bridgeError":"x"}],"final":"cancelled"}`,
	} {
		_, err := scenario.Parse([]byte(doc))
		require.ErrorIs(t, err, scenario.ErrInvalid, doc)
		assert.Contains(t, err.Error(), "duplicate key", doc)
	}
	_, err := scenario.Parse([]byte(small))
	assert.NoError(t, err)
}

// Reference: issue 23, "ESC bytes in a scenario's name are printed raw, so
// a file can draw a fake PASS".
func TestReport_PrintsNamesEscaped(t *testing.T) {
	name := "x\x1b[2K\r\x1b[32mPASS everything\x1b[0m\u202e\xff"
	s, err := scenario.Parse([]byte(strings.Replace(small, `"x"`, `"x\u001b[2K\r\u001b[32mPASS everything\u001b[0m\u202e\ufffd"`, 1)))
	require.NoError(t, err)
	s.Name = name
	var out bytes.Buffer
	scenario.Report(context.Background(), &out, []*scenario.Scenario{s})
	assert.True(t, strings.HasPrefix(out.String(), `FAIL x\x1b[2K\r\x1b[32mPASS everything\x1b[0m\u202e\xff: `), out.String())
	assert.Equal(t, 2, strings.Count(out.String(), "\n"), "one line per scenario, then the counts")
	assert.NotContains(t, out.String(), "\x1b")
	assert.Equal(t, "café ✓ \\t", scenario.Printable("café ✓ \t")[:len("café ✓ \\t")])
}
