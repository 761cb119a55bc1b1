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

// The constant, the VERSION file and the newest CHANGELOG entry agree.
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
}
