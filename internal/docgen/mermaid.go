package docgen

import (
	"fmt"
	"strings"

	"github.com/enrollfsm/enrollfsm/enrollment"
	"github.com/enrollfsm/enrollfsm/flows"
)

// CompactMermaid is a stateDiagram-v2 of the compact view of t: every edge
// written in its spec but cancel, the read retries and the verification,
// with the edges every call and every prompt share drawn once from the
// pseudo-states "any call" and "any prompt". Error edges carry their codes.
func CompactMermaid(t *flows.Table) string {
	var b strings.Builder
	b.WriteString("stateDiagram-v2\n")
	fmt.Fprintf(&b, "    state \"any call\" as %s\n    state \"any prompt\" as %s\n", AnyCall, AnyPrompt)
	for _, e := range compact(t) {
		from := e.from
		if from == string(enrollment.Start) {
			from = "[*]"
		}
		fmt.Fprintf(&b, "    %s --> %s: %s\n", from, e.to, e.label())
	}
	fmt.Fprintf(&b, "    %s --> [*]\n", t.Success)
	return b.String()
}
