package main

import (
	"os"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPaths_PrintsOneTable(t *testing.T) {
	code, out, _ := runCLI(t, "", "paths", "-flow", "update_pin")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "update_pin: 9 states")
	assert.Contains(t, out, "  done (5): start -begin-> checking_enrollment -device_activated-> awaiting_old_pin -old_pin_given-> awaiting_new_pin -new_pin_given-> updating_pin -pin_updated-> done\n")
	assert.Contains(t, out, "update_pin-2: start -begin-> checking_enrollment -device_not_activated-> failed\n")
	assert.NotContains(t, out, "full")
}

// The command prints the paths of docs/paths.md, with the same names.
func TestPaths_MatchesTheTestPlan(t *testing.T) {
	code, out, _ := runCLI(t, "", "paths")
	require.Equal(t, 0, code)
	page, err := os.ReadFile("../../docs/paths.md")
	require.NoError(t, err)
	line := regexp.MustCompile(`(?m)^  ([a-z_]+-\d+): (.*)$`)
	found := line.FindAllStringSubmatch(out, -1)
	require.NotEmpty(t, found)
	for _, m := range found {
		assert.Contains(t, string(page), "- **"+m[1]+"**: `"+m[2]+"`\n")
	}
	listed := regexp.MustCompile(`(?m)^- \*\*[a-z_]+-\d+\*\*: `).FindAllString(string(page), -1)
	assert.Len(t, listed, len(found), "paths.md and the command list as many paths")
}

func TestPaths_UsageErrors(t *testing.T) {
	code, _, errOut := runCLI(t, "", "paths", "-flow", "auto")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, `unknown flow "auto"`)
	code, _, _ = runCLI(t, "", "paths", "extra")
	assert.Equal(t, 2, code)
	code, _, _ = runCLI(t, "", "paths", "-h")
	assert.Equal(t, 0, code)
}
