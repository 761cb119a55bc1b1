package docgen_test

import (
	"errors"
	"flag"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm/internal/docgen"
	"github.com/enrollfsm/enrollfsm/internal/docgen/checkdoc"
)

var update = flag.Bool("update", false, "rewrite docs/ and the README's generated sections")

const (
	root   = "../.."
	docs   = root + "/docs"
	readme = root + "/README.md"
)

// TestDocs_UpToDate regenerates docs/ into a temporary folder and fails on
// any difference with what is committed; -update (as go generate ./...)
// rewrites it. The SVG pictures need Graphviz's dot: without it, or with
// another version than the one that rendered them, only their comparison
// is skipped, except on CI, which installs it.
func TestDocs_UpToDate(t *testing.T) {
	files, err := docgen.Files(root, checkdoc.Page)
	require.NoError(t, err)
	old, err := os.ReadFile(readme)
	require.NoError(t, err)
	newReadme, err := docgen.Readme(old)
	require.NoError(t, err)

	if *update {
		err := docgen.Update(root, checkdoc.Page)
		if errors.Is(err, docgen.ErrNoDot) {
			t.Log(err)
			return
		}
		require.NoError(t, err)
		return
	}
	svgs, svgErr := pictures(files)

	tmp := t.TempDir()
	require.NoError(t, docgen.Write(tmp, files))
	assert.Equal(t, string(newReadme), string(old), "README.md's generated sections are stale: run go generate ./...")
	for _, name := range names(tmp) {
		compare(t, filepath.Join(tmp, name), filepath.Join(docs, name))
	}
	t.Run("svg", func(t *testing.T) {
		if svgErr != nil {
			skipOrFail(t, svgErr.Error())
		}
		for name := range files {
			base, ok := strings.CutSuffix(name, ".dot")
			if !ok {
				continue
			}
			committed, err := os.ReadFile(filepath.Join(docs, base+".svg"))
			require.NoError(t, err, "docs/%s.svg is missing: run go generate ./...", base)
			if have, want := docgen.SVGVersion(svgs[base+".svg"]), docgen.SVGVersion(committed); have != want {
				skipOrFail(t, "docs/"+base+".svg was rendered by graphviz "+want+", this machine has "+have)
			}
		}
		require.NoError(t, docgen.Write(tmp, svgs))
		for name := range svgs {
			compare(t, filepath.Join(tmp, name), filepath.Join(docs, name))
		}
	})

	generated := map[string]bool{}
	for name := range files {
		generated[name] = true
		if base, ok := strings.CutSuffix(name, ".dot"); ok {
			generated[base+".svg"] = true
		}
	}
	// A page written by hand is welcome; a generated one that is no longer
	// generated is stale.
	for _, name := range names(docs) {
		if !generated[name] && looksGenerated(filepath.Join(docs, name)) {
			t.Errorf("docs/%s is no longer generated: delete it", name)
		}
	}
}

func looksGenerated(path string) bool {
	if strings.HasPrefix(path, filepath.Join(docs, docgen.ExportDir)+string(filepath.Separator)) {
		return true // the folder holds exported machines only
	}
	switch filepath.Ext(path) {
	case ".mmd", ".dot", ".svg":
		return true
	}
	data, err := os.ReadFile(path)
	return err == nil && strings.HasPrefix(string(data), docgen.Header)
}

func pictures(files map[string][]byte) (map[string][]byte, error) {
	if _, err := docgen.DotVersion(); err != nil {
		return nil, err
	}
	return docgen.Pictures(files)
}

func skipOrFail(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("%s: CI must compare the SVG pictures (.ci/run installs graphviz)", why)
	}
	t.Skipf("SVG pictures not compared: %s", why)
}

func compare(t *testing.T, got, committed string) {
	t.Helper()
	want, err := os.ReadFile(committed)
	if errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s is missing: run go generate ./...", committed)
		return
	}
	require.NoError(t, err)
	have, err := os.ReadFile(got)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(have), "%s is stale: run go generate ./...", committed)
}

// names lists the files of dir and of its export folder, by their path
// from dir with slashes, as Files names them.
func names(dir string) []string {
	var out []string
	for _, sub := range []string{"", docgen.ExportDir} {
		entries, err := os.ReadDir(filepath.Join(dir, sub))
		if err != nil {
			continue
		}
		for _, e := range entries {
			if !e.IsDir() {
				out = append(out, path.Join(sub, e.Name()))
			}
		}
	}
	sort.Strings(out)
	return out
}

func TestSplice_NeedsMarkers(t *testing.T) {
	_, err := docgen.Splice([]byte("no markers"), "full", "x")
	assert.Error(t, err)
	got, err := docgen.SpliceText([]byte("a\n<!-- m -->\nold\n<!-- /m -->\nb"), "m", "new\n")
	require.NoError(t, err)
	assert.Equal(t, "a\n<!-- m -->\nnew\n<!-- /m -->\nb", string(got))
}
