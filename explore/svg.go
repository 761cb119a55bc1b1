package explore

import (
	"html"
	"regexp"
	"strings"
)

// Graphviz writes each node and edge as a group whose title names it:
//
//	<g id="node2" class="node">
//	<title>checking_enrollment</title>
//
//	<g id="edge3" class="edge">
//	<title>checking_enrollment&#45;&gt;checking_account</title>
var svgGroup = regexp.MustCompile(`<g id="(node|edge)(\d+)" class="(node|edge)">\s*<title>([^<]*)</title>`)

// The compact view's pseudo-states: the edges every call or every prompt
// shares are drawn once, from them.
const (
	anyCall   = "any_call"
	anyPrompt = "any_prompt"
)

// highlight returns the flow's SVG with the current state's node marked
// (class "current"), the edges it can take marked (class "out"), and each
// node and edge given the address of its row in the generated docs
// (data-docs). calling and waiting say
// whether the current state makes a call or holds a prompt, so that the
// shared edges from "any call" or "any prompt" are marked too.
func highlight(svg []byte, current, docs string, calling, waiting bool) string {
	s := string(svg)
	// Drop the XML prologue: the picture goes inline, inside HTML.
	if i := strings.Index(s, "<svg"); i > 0 {
		s = s[i:]
	}
	var b strings.Builder
	last := 0
	for _, m := range svgGroup.FindAllStringSubmatchIndex(s, -1) {
		kind := s[m[2]:m[3]]
		title := html.UnescapeString(s[m[8]:m[9]])
		b.WriteString(s[last:m[0]])
		last = m[1]
		switch kind {
		case "node":
			class := "node"
			if title == current {
				class += " current"
			}
			b.WriteString(`<g id="node` + s[m[4]:m[5]] + `" class="` + class + `" data-state="` + html.EscapeString(title) + `"`)
			if title != anyCall && title != anyPrompt {
				b.WriteString(` data-docs="` + html.EscapeString(docs+"#"+title) + `"`)
			}
			b.WriteString(`><title>` + html.EscapeString(title) + `</title>`)
		case "edge":
			src, dst, _ := strings.Cut(title, "->")
			class := "edge"
			if src == current || (src == anyCall && calling) || (src == anyPrompt && waiting) {
				class += " out"
			}
			b.WriteString(`<g id="edge` + s[m[4]:m[5]] + `" class="` + class + `" data-src="` + html.EscapeString(src) + `" data-dst="` + html.EscapeString(dst) + `"`)
			if src != anyCall && src != anyPrompt {
				// an edge's row is in its source state's table
				b.WriteString(` data-docs="` + html.EscapeString(docs+"#"+src) + `"`)
			}
			b.WriteString(`>`)
			b.WriteString(`<title>` + html.EscapeString(title) + `</title>`)
		}
	}
	b.WriteString(s[last:])
	return b.String()
}
