// Package docs holds the generated documentation: the pages, and the
// pictures Graphviz renders from the tables. It exposes them to programs
// that serve them, such as `enroll explore`, since go:embed cannot reach
// this folder from another one.
package docs

import "embed"

// Files holds the generated pictures (every table's SVG) and the Markdown
// pages, by file name.
//
//go:embed *.svg *.md
var Files embed.FS
