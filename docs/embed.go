// Package docs holds the generated documentation: the pages, and the
// pictures Graphviz renders from the tables. It exposes them to programs
// that serve them, such as `enroll explore`, since go:embed cannot reach
// this folder from another one.
package docs

import "embed"

// Files holds the Markdown pages and every file they link to, by file name:
// the generated pictures (every table's SVG), the diagrams' sources (DOT and
// Mermaid), the explorer's screenshot and the exported machines (export/).
//
//go:embed *.svg *.md *.png *.dot *.mmd export/*.json export/*.mjs export/*.scxml
var Files embed.FS
