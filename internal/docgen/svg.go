package docgen

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"time"
)

// The SVG pictures are rendered by Graphviz's dot, from Debian's graphviz
// package (.ci/run installs it, with fonts-liberation2, which measures the
// pictures' Helvetica). Its layout is deterministic for one version of
// Graphviz and its fonts; the version is written in each SVG, so a machine
// with another one can tell its output apart.

// ErrNoDot is returned when Graphviz's dot is not installed.
var ErrNoDot = errors.New("graphviz dot not found in PATH (apt-get install graphviz)")

var versionRe = regexp.MustCompile(`graphviz version ([0-9][^ \n]*(?: \([^)]*\))?)`)

// DotVersion returns the version of the installed dot, as written in the
// SVGs it renders.
func DotVersion() (string, error) {
	path, err := exec.LookPath("dot")
	if err != nil {
		return "", ErrNoDot
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, "-V").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("dot -V: %w: %s", err, out)
	}
	m := versionRe.FindSubmatch(out)
	if m == nil {
		return "", fmt.Errorf("dot -V: no version in %q", out)
	}
	return string(m[1]), nil
}

// SVGVersion returns the Graphviz version that rendered svg, or "".
func SVGVersion(svg []byte) string {
	if m := versionRe.FindSubmatch(svg); m != nil {
		return string(m[1])
	}
	return ""
}

// RenderSVG renders a DOT graph with dot -Tsvg.
func RenderSVG(dot string) ([]byte, error) {
	path, err := exec.LookPath("dot")
	if err != nil {
		return nil, ErrNoDot
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, "-Tsvg")
	cmd.Stdin = bytes.NewBufferString(dot)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("dot -Tsvg: %w: %s", err, stderr.Bytes())
	}
	return out.Bytes(), nil
}
