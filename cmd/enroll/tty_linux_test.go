package main

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// /dev/null and /dev/zero are character devices but no terminal: the demo
// must answer by itself there, not wait for a line that never comes.
func TestIsTerminal_CharacterDevicesThatAreNoTerminal(t *testing.T) {
	for _, name := range []string{os.DevNull, "/dev/zero"} {
		f, err := os.Open(name)
		require.NoError(t, err)
		assert.False(t, isTerminal(f), name)
		f.Close()
	}
}
