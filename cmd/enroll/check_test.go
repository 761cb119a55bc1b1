package main

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheck_OneFlowPrintsALinePerSetting(t *testing.T) {
	code, out, _ := runCLI(t, "", "check", "-flow", "update_pin", "-platform", "ios", "-out", t.TempDir())
	assert.Equal(t, 0, code, out)
	assert.Regexp(t, `(?m)^update_pin ios: \d+ states, \d+ edges, at most \d+ calls between waits \(the contract allows 3\), longest run without retry \d+, every edge taken, 0 violations$`, out)
	assert.Regexp(t, `(?m)^update_pin ios sealed: `, out)
	assert.Regexp(t, `(?m)^2 settings, \d+ states in [0-9.]+s, [0-9.]+ CPU-seconds \(\d+ states per CPU-second\), peak heap \d+ MiB$`, out)
}

// A host's own limits are the ones the engine runs with and is judged
// against: fewer PIN attempts is a smaller machine, and each line says the
// limits it proved.
func TestCheck_TheHostsLimits(t *testing.T) {
	states := func(args ...string) string {
		code, out, _ := runCLI(t, "", append([]string{"check", "-flow", "update_pin", "-platform", "ios", "-out", t.TempDir()}, args...)...)
		assert.Equal(t, 0, code, out)
		m := regexp.MustCompile(`(?m)^update_pin ios(?: limits \S+)?: (\d+) states`).FindStringSubmatch(out)
		require.NotNil(t, m, out)
		return m[1]
	}
	contract := states()
	code, out, _ := runCLI(t, "", "check", "-flow", "update_pin", "-platform", "ios", "-limits", "pins=2", "-out", t.TempDir())
	assert.Equal(t, 0, code, out)
	assert.Contains(t, out, "update_pin ios limits codes=3,resends=3,pins=2,removals=1,reads=3,backoff=500ms,ttl=10m0s: ")
	assert.NotEqual(t, contract, states("-limits", "pins=2"), "two PIN attempts explore fewer states than five")
	assert.Equal(t, contract, states("-limits", "pins=5"), "the contract's own values, given, change nothing")

	// one attempt per read rules read_retried out: said, not failed
	code, out, _ = runCLI(t, "", "check", "-flow", "reset_pin", "-platform", "android", "-limits", "reads=1", "-out", t.TempDir())
	assert.Equal(t, 0, code, out)
	assert.Contains(t, out, "reset_pin: no setting takes read_retried from checking_enrollment to checking_enrollment on android alone and under these limits (not a failure")
}

func TestCheck_StopsAFlowThatDoesNotClose(t *testing.T) {
	code, out, _ := runCLI(t, "", "check", "-flow", "reset_pin", "-platform", "android", "-max-states", "20")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "reset_pin android: did not close: ")
}

func TestCheck_UsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"check", "-flow", "nope"},
		{"check", "-platform", "windows"},
		{"check", "-max-states", "0"},
		{"check", "extra"},
		{"check", "-limits", "pins"},
		{"check", "-limits", "pins=2,pins=3"},
		{"check", "-limits", "tries=2"},
		{"check", "-limits", "pins=0"},
		{"check", "-limits", "ttl=forever"},
	} {
		code, _, errOut := runCLI(t, "", args...)
		assert.Equal(t, 2, code, args)
		assert.Contains(t, errOut, "enroll check: ", args)
	}
	code, out, _ := runCLI(t, "", "check", "-h")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "usage: enroll check")
}
