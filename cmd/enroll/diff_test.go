package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func lines(s ...string) []byte { return []byte(strings.Join(s, "\n") + "\n") }

// The hunks are those of diff -u (GNU diffutils), checked against it.
func TestUnifiedDiff_AsDiffU(t *testing.T) {
	alpha := strings.Split("a b c d e f g h i j k l m n", " ")
	for _, c := range []struct {
		name string
		a, b []byte
		want string
	}{
		{"changes six lines apart share a hunk", lines(alpha...),
			lines(append(append([]string{"x"}, alpha[:6]...), "G", "h", "i", "j", "k", "l", "m")...),
			"@@ -1,14 +1,14 @@\n+x\n a\n b\n c\n d\n e\n f\n-g\n+G\n h\n i\n j\n k\n l\n m\n-n\n"},
		{"changes seven lines apart do not", lines(alpha[:11]...),
			lines("a", "B", "c", "d", "e", "f", "g", "h", "i", "J", "k"),
			"@@ -1,5 +1,5 @@\n a\n-b\n+B\n c\n d\n e\n@@ -7,5 +7,5 @@\n g\n h\n i\n-j\n+J\n k\n"},
		{"into an empty file", nil, lines("one"), "@@ -0,0 +1 @@\n+one\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, "--- a\n+++ b\n"+c.want, unifiedDiff("a", "b", c.a, c.b))
		})
	}
	assert.Empty(t, unifiedDiff("a", "b", lines(alpha...), lines(alpha...)))
	assert.Equal(t, "--- a\n+++ b\n(the lines are the same; the line ends or the final newline differ)\n",
		unifiedDiff("a", "b", []byte("x"), []byte("x\n")))
}
