package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// enroll export prints what docs/export holds, file for file.
func TestExport_MatchesTheDocsCopies(t *testing.T) {
	code, out, _ := runCLI(t, "", "export", "-format", "xstate", "-flow", "full")
	require.Equal(t, 0, code)
	want, err := os.ReadFile("../../docs/export/full.xstate.json")
	require.NoError(t, err)
	assert.Equal(t, string(want), out)

	dir := t.TempDir()
	for _, f := range []string{"xstate", "xstate-js", "scxml"} {
		code, out, _ = runCLI(t, "", "export", "-format", f, "-out", dir)
		require.Equal(t, 0, code)
		assert.Empty(t, out)
	}
	files, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, files, 21, "7 flows, 3 formats")
	for _, f := range files {
		got, err := os.ReadFile(filepath.Join(dir, f.Name()))
		require.NoError(t, err)
		want, err := os.ReadFile(filepath.Join("../../docs/export", f.Name()))
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got), f.Name())
	}
}

func TestExport_UsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-flow", "full"}, "-format is required"},
		{[]string{"-format", "yaml", "-flow", "full"}, `-format "yaml": want xstate, xstate-js or scxml`},
		{[]string{"-format", "scxml"}, "name a table with -flow, or write every table with -out DIR"},
		{[]string{"-format", "scxml", "-flow", "auto"}, `unknown flow "auto"`},
		{[]string{"-format", "scxml", "-flow", "full", "extra"}, "export takes no arguments"},
		{[]string{"-format", "scxml", "-color"}, "flag provided but not defined: -color"},
	} {
		code, out, errOut := runCLI(t, "", append([]string{"export"}, tc.args...)...)
		assert.Equal(t, 2, code, "%v", tc.args)
		assert.Empty(t, out)
		assert.Contains(t, errOut, tc.want, "%v", tc.args)
	}
	code, out, _ := runCLI(t, "", "export", "-h")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "usage: enroll export -format FORMAT -flow NAME")
}

// enroll paths -json holds the figures the text prints, per table.
func TestPaths_JSON(t *testing.T) {
	code, out, _ := runCLI(t, "", "paths", "-json")
	require.Equal(t, 0, code)
	var tables []struct {
		Flow            string `json:"flow"`
		Edges           []any  `json:"edges"`
		Declared        int    `json:"declared"`
		Representatives int    `json:"representatives"`
		Shortest        []struct {
			State string `json:"state"`
			Steps []any  `json:"steps"`
		} `json:"shortest"`
		Simple []struct {
			ID   string `json:"id"`
			Text string `json:"text"`
		} `json:"simple"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &tables))
	require.Len(t, tables, 7)
	full := tables[0]
	assert.Equal(t, "full", full.Flow)
	assert.Equal(t, []int{51, 42, 9, 23, 77}, []int{len(full.Edges), full.Declared, full.Representatives, len(full.Shortest), len(full.Simple)})
	assert.Equal(t, "full-1", full.Simple[0].ID)
	assert.Equal(t, "start -begin-> checking_enrollment -device_activated-> enrolled", full.Simple[0].Text)

	code, out, _ = runCLI(t, "", "paths", "-json", "-flow", "update_pin")
	require.Equal(t, 0, code)
	require.NoError(t, json.Unmarshal([]byte(out), &tables))
	require.Len(t, tables, 1)
	assert.Len(t, tables[0].Simple, 6)
}
