// Package docs holds the generated documentation: the pages, and the
// pictures Graphviz renders from the tables. It exposes them to programs
// that serve them, such as `enroll explore`, since go:embed cannot reach
// this folder from another one.
package docs

import "embed"

// Files holds the Markdown pages and every file they link to, by file name:
// the generated pictures (every table's SVG), the diagrams' sources (DOT and
// Mermaid) and the explorer's screenshot.
//
//go:embed *.svg *.md *.png *.dot *.mmd
var Files embed.FS
