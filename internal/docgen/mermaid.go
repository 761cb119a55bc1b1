// Package docgen writes the documentation of the machines from their tables,
// so that it cannot drift from the code.
package docgen

import (
	"fmt"
	"strings"

	"github.com/enrollfsm/enrollfsm/flows"
	"github.com/enrollfsm/enrollfsm/fsm"
)

// CompactMermaid is a stateDiagram-v2 of the tutorial's path: the edges
// written in the table's spec and the verification of an unknown outcome.
// It leaves out what every state shares, which the diagram's note names:
// cancel at every prompt, the edges every call has (interrupted, failed,
// removal), and the retry of each call from interrupted.
func CompactMermaid(t *flows.Table) string {
	var b strings.Builder
	b.WriteString("stateDiagram-v2\n")
	for _, r := range t.Def.Rows() {
		_, resume := fsm.ResumeTarget(r.Event)
		shown := (t.Declared(r) && r.Event != fsm.CancelRequested) || resume || r.Event == fsm.VerifyRequested
		if !shown {
			continue
		}
		src := string(r.Src)
		if r.Src == fsm.Start {
			src = "[*]"
		}
		fmt.Fprintf(&b, "    %s --> %s: %s\n", src, r.Dst, label(r.Event))
	}
	fmt.Fprintf(&b, "    %s --> [*]\n", t.Success)
	fmt.Fprintf(&b, "    note right of %s\n        every call may also take:\n", firstCall(t))
	for _, e := range t.OnEveryCall {
		fmt.Fprintf(&b, "        %s → %s\n", e.Event, e.Dst)
	}
	b.WriteString("        every prompt: cancel_requested → cancelled\n")
	b.WriteString("        interrupted: retry → the interrupted call\n    end note\n")
	return b.String()
}

func firstCall(t *flows.Table) fsm.State {
	dst, _ := t.Def.Target(fsm.Start, fsm.Begin)
	return dst
}

// label names an event, with the codes behind it where there are some.
func label(ev fsm.Event) string {
	switch ev {
	case fsm.InputRejected:
		return "input_rejected (2102, 2308)"
	case fsm.ReadRetried:
		return "read_retried (2201, 2202, 2204, 2314)"
	}
	return string(ev)
}
