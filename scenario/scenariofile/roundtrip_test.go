package scenariofile_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm/scenario/scenariofile"
)

// Every file of testdata/scenarios is in the canonical style: parsed and
// written again, it comes back byte for byte.
func TestMarshal_RoundTripsEveryScenarioFile(t *testing.T) {
	files, err := filepath.Glob("../../testdata/scenarios/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		s, err := scenariofile.Parse(data)
		require.NoError(t, err, f)
		out, err := scenariofile.Marshal(s)
		require.NoError(t, err, f)
		assert.Equal(t, string(data), string(out), f)
	}
}
