package docgen

import (
	"fmt"
	"io"
	"strings"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/enrollment"
	"github.com/enrollfsm/enrollfsm/flows"
	"github.com/enrollfsm/enrollfsm/fsm"
)

// PathsTest names the test that checks every enumerated path is exercised.
const PathsTest = "TestPaths_EveryPathIsExercised"

// PathsPage writes the test plan: for every table, a shortest path to every
// state and every simple path from start to a terminal state.
func PathsPage(order []enrollfsm.Flow, tables map[enrollfsm.Flow]*flows.Table) string {
	var b strings.Builder
	b.WriteString(Header)
	b.WriteString("# Paths: a test plan\n\n")
	b.WriteString("For every flow and account operation: a shortest path to every state, and every simple path " +
		"(no state entered twice) from `start` to a terminal state. `go run ./cmd/enroll paths [-flow NAME]` prints the same.\n\n")
	b.WriteString("## How the paths are enumerated\n\n")
	b.WriteString("- **Shortest paths** are found breadth first over the complete table, edges in table order, so the first of equal length is kept.\n")
	b.WriteString("- **Simple paths** are not enumerated over the complete table: `flows.Compile` gives every call the same " +
		"edges (interrupted, failed, removal) and `interrupted` a retry to every call, so its simple paths are hundreds of variations " +
		"of the same few routes. They are enumerated over the edges written in the table plus **one representative of each family** " +
		"Compile adds: the edge from the first call in table order that has it; the retry of that call; for the verification, the first " +
		"call that may enroll, its interruption, `verify_requested` and its resume edge. A read retry is a self-loop, so it is in no simple path.\n")
	b.WriteString("- As in a run, `interrupted` leads back only to the call it interrupted (or to its verification, when that call may " +
		"enroll), and `verifying_enrollment` resumes only the call it verifies; a path that breaks this is not enumerated. " +
		"The [exported machines](export.md) hold the same rule as context and guards, and CI checks that @xstate/graph finds " +
		"the same shortest and simple paths in them.\n")
	b.WriteString("- `device_maybe_enrolled` (step 8 refused with 2317 after a step 7 sent again) is left out: it needs step 7 twice " +
		"in the run, which no simple path has. The scenarios `full_step7_resent_then_8_forbidden_verified` and " +
		"`shortcut_step7_resent_then_8_forbidden_verified` take it.\n")
	fmt.Fprintf(&b, "- Bound: at most %d simple paths per table, depth first in table order; a table with more is marked truncated, and the paths test fails on it.\n\n", PathBound)
	b.WriteString("## How they are checked\n\n")
	fmt.Fprintf(&b, "`%s` ([`internal/docgen/paths_test.go`](../internal/docgen/paths_test.go)) replays every scenario of "+
		"`testdata/scenarios` and compares each path with the transitions of each run, self-loops aside: a scenario that makes exactly "+
		"those transitions exercises the path. It then drives the engine along every path, choosing for each call the reply its "+
		"interpreter turns into the path's next event and for each prompt the answer that fires it, and checks that the run makes "+
		"exactly the path's transitions. It fails on any path that neither a scenario nor the drive exercises, and lists the paths "+
		"no scenario follows, with their count.\n\n", PathsTest)
	b.WriteString("| table | states | transitions | edges enumerated | simple paths | shortest paths |\n|---|---|---|---|---|---|\n")
	all := make([]*Paths, len(order))
	for i, f := range order {
		all[i] = Enumerate(tables[f])
		p := all[i]
		n := fmt.Sprint(len(p.Simple))
		if p.Truncated {
			n += " (truncated)"
		}
		fmt.Fprintf(&b, "| [`%s`](#%s) | %d | %d | %d (%d declared) | %s | %d |\n", f, f, len(p.Table.Spec.States), len(p.Table.Def.Rows()), len(p.Graph), p.Declared, n, len(p.Shortest)-1)
	}
	b.WriteString("\n")
	for i, f := range order {
		writePaths(&b, string(f), all[i])
	}
	return b.String()
}

func writePaths(b *strings.Builder, flow string, p *Paths) {
	fmt.Fprintf(b, "## %s\n\n", flow)
	leftOut := ""
	if p.LeftOut > 0 {
		leftOut = fmt.Sprintf(" (%d more, `device_maybe_enrolled`, left out)", p.LeftOut)
	}
	fmt.Fprintf(b, "Page: [%s.md](%s.md). Enumerated over %d edges: the %d written in the table%s and these %d representatives of the families `flows.Compile` adds.\n\n",
		flow, flow, len(p.Graph), p.Declared, leftOut, p.Representatives())
	b.WriteString("| family | edges in the table | kept |\n|---|---|---|\n")
	for _, f := range p.Families {
		var kept []string
		for _, r := range f.Kept {
			kept = append(kept, "`"+rowText(r)+"`")
		}
		fmt.Fprintf(b, "| %s | %d | %s |\n", f.Name, f.Members, strings.Join(kept, "<br>"))
	}
	b.WriteString("\n### Shortest path to every state\n\n| state | transitions | path |\n|---|---|---|\n")
	for i, s := range p.Table.Spec.States {
		if s.Name == enrollment.Start {
			continue
		}
		sp := p.Shortest[i]
		if sp == nil {
			fmt.Fprintf(b, "| `%s` | — | unreachable |\n", s.Name)
			continue
		}
		fmt.Fprintf(b, "| `%s` | %d | `%s` |\n", s.Name, len(sp), sp)
	}
	fmt.Fprintf(b, "\n### Simple paths to a terminal state (%d)\n", len(p.Simple))
	var end enrollment.State
	for i, sp := range p.Simple {
		if sp.End() != end {
			end = sp.End()
			fmt.Fprintf(b, "\nTo `%s`:\n\n", end)
		}
		fmt.Fprintf(b, "- **%s**: `%s`\n", ID(flow, i), sp)
	}
	if p.Truncated {
		fmt.Fprintf(b, "\nTruncated at %d paths.\n", PathBound)
	}
	b.WriteString("\n")
}

func rowText(r fsm.Row) string { return fmt.Sprintf("%s -%s-> %s", r.Src, r.Event, r.Dst) }

// WritePaths prints the paths of one table as text, for the paths command.
func WritePaths(w io.Writer, flow string, p *Paths) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d states, %d transitions; %d simple paths over %d edges (%d declared, %d representatives)\n",
		flow, len(p.Table.Spec.States), len(p.Table.Def.Rows()), len(p.Simple), len(p.Graph), p.Declared, p.Representatives())
	b.WriteString("shortest path to every state:\n")
	for i, s := range p.Table.Spec.States {
		if s.Name == enrollment.Start {
			continue
		}
		if p.Shortest[i] == nil {
			fmt.Fprintf(&b, "  %s: unreachable\n", s.Name)
			continue
		}
		fmt.Fprintf(&b, "  %s (%d): %s\n", s.Name, len(p.Shortest[i]), p.Shortest[i])
	}
	b.WriteString("simple paths from start to a terminal state:\n")
	for i, sp := range p.Simple {
		fmt.Fprintf(&b, "  %s: %s\n", ID(flow, i), sp)
	}
	if p.Truncated {
		fmt.Fprintf(&b, "  truncated at %d paths\n", PathBound)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// PathsJSON is the path enumeration of one table as `enroll paths -json`
// prints it, for tools that compare their own traversal with it.
type PathsJSON struct {
	Flow        string `json:"flow"`
	States      int    `json:"states"`
	Transitions int    `json:"transitions"`
	// Edges is the graph the simple paths are enumerated over: the
	// declared edges and the representatives.
	Edges           []StepJSON     `json:"edges"`
	Declared        int            `json:"declared"`
	Representatives int            `json:"representatives"`
	Shortest        []ShortestJSON `json:"shortest"`
	Simple          []SimpleJSON   `json:"simple"`
	Truncated       bool           `json:"truncated"`
}

// StepJSON is one transition of a path.
type StepJSON struct {
	From  enrollment.State `json:"from"`
	Event enrollment.Event `json:"event"`
	To    enrollment.State `json:"to"`
}

// ShortestJSON is a shortest path to State; Steps is null when State is
// unreachable.
type ShortestJSON struct {
	State enrollment.State `json:"state"`
	Steps []StepJSON       `json:"steps"`
	Text  string           `json:"text,omitempty"`
}

// SimpleJSON is a simple path from start to a terminal state.
type SimpleJSON struct {
	ID    string     `json:"id"`
	Steps []StepJSON `json:"steps"`
	Text  string     `json:"text"`
}

func stepsJSON(rows []fsm.Row) []StepJSON {
	out := make([]StepJSON, len(rows))
	for i, r := range rows {
		out[i] = StepJSON{From: r.Src, Event: r.Event, To: r.Dst}
	}
	return out
}

// JSON returns the enumeration of flow as PathsJSON.
func (p *Paths) JSON(flow string) PathsJSON {
	out := PathsJSON{
		Flow: flow, States: len(p.Table.Spec.States), Transitions: len(p.Table.Def.Rows()),
		Edges: stepsJSON(p.Graph), Declared: p.Declared, Representatives: p.Representatives(),
		Shortest: []ShortestJSON{}, Simple: []SimpleJSON{}, Truncated: p.Truncated,
	}
	for i, s := range p.Table.Spec.States {
		if s.Name == enrollment.Start {
			continue
		}
		sp := ShortestJSON{State: s.Name}
		if p.Shortest[i] != nil {
			sp.Steps, sp.Text = stepsJSON(p.Shortest[i]), p.Shortest[i].String()
		}
		out.Shortest = append(out.Shortest, sp)
	}
	for i, sp := range p.Simple {
		out.Simple = append(out.Simple, SimpleJSON{ID: ID(flow, i), Steps: stepsJSON(sp), Text: sp.String()})
	}
	return out
}
