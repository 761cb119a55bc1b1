package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCheck_OneFlowPrintsALinePerSetting(t *testing.T) {
	code, out, _ := runCLI(t, "", "check", "-flow", "update_pin", "-platform", "ios", "-out", t.TempDir())
	assert.Equal(t, 0, code, out)
	assert.Regexp(t, `(?m)^update_pin ios: \d+ states, \d+ edges, at most \d+ calls between waits \(the contract allows 3\), longest run without retry \d+, every edge taken, 0 violations$`, out)
	assert.Regexp(t, `(?m)^update_pin ios sealed: `, out)
	assert.Regexp(t, `(?m)^2 settings, \d+ states in [0-9.]+s \(\d+ states/s\), peak heap \d+ MiB$`, out)
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
	} {
		code, _, errOut := runCLI(t, "", args...)
		assert.Equal(t, 2, code, args)
		assert.Contains(t, errOut, "enroll check: ", args)
	}
	code, out, _ := runCLI(t, "", "check", "-h")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "usage: enroll check")
}
