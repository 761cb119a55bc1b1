package mobile_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm/mobile"
)

// The constant, the VERSION file, the newest CHANGELOG entry and the version
// of the library go.mod requires agree.
func TestVersionMatchesTheRelease(t *testing.T) {
	file, err := os.ReadFile("../VERSION")
	require.NoError(t, err)
	assert.Equal(t, strings.TrimSpace(string(file)), mobile.Version)
	assert.Regexp(t, `^\d+\.\d+\.\d+$`, mobile.Version)

	log, err := os.ReadFile("../CHANGELOG.md")
	require.NoError(t, err)
	newest := regexp.MustCompile(`(?m)^## \[(\d+\.\d+\.\d+)\]`).FindStringSubmatch(string(log))
	require.NotNil(t, newest, "CHANGELOG.md has a release entry")
	assert.Equal(t, mobile.Version, newest[1], "the newest CHANGELOG entry")

	// The module requires the library of its own release, as tagged (vX.Y.Z and mobile/vX.Y.Z
	// at one commit), and never replaces it: go.work does that in a checkout.
	mod, err := os.ReadFile("go.mod")
	require.NoError(t, err)
	assert.Regexp(t, `(?m)^\s*github\.com/enrollfsm/enrollfsm v`+regexp.QuoteMeta(mobile.Version)+`$`, string(mod))
	assert.NotRegexp(t, `(?m)^replace\b`, string(mod), "go.mod replaces a module: nobody else could fetch it")
}
