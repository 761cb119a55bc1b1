package docgen_test

import (
	"flag"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm/flows/full"
	"github.com/enrollfsm/enrollfsm/internal/docgen"
)

var update = flag.Bool("update", false, "rewrite the generated documentation")

// TestDocs_UpToDate regenerates the documentation and fails on any
// difference; `go generate ./...` (or -update) rewrites it.
func TestDocs_UpToDate(t *testing.T) {
	const readme = "../../README.md"
	old, err := os.ReadFile(readme)
	require.NoError(t, err)
	got, err := docgen.Splice(old, "full", docgen.CompactMermaid(full.Table))
	require.NoError(t, err)
	if *update {
		require.NoError(t, os.WriteFile(readme, got, 0o644))
		return
	}
	assert.Equal(t, string(got), string(old), "README.md's diagram is stale: run go generate ./...")
}

func TestSplice_NeedsMarkers(t *testing.T) {
	_, err := docgen.Splice([]byte("no markers"), "full", "x")
	assert.Error(t, err)
}
