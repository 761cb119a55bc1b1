package enrolltest

import (
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/flows"
	"github.com/enrollfsm/enrollfsm/fsm"
)

// TestModel_AgreesWithEveryTable compares the reference model with the
// engine's tables edge by edge, both ways: the two were written apart, from
// docs/contract.md §3–§4, so a difference is a bug in one of them.
// Reference: docs/contract.md §3, §4; docs/decisions.md 8, 10, 11.
func TestModel_AgreesWithEveryTable(t *testing.T) {
	tables := enrollfsm.Tables()
	require.Len(t, tables, len(models), "one model per table")
	for flow, table := range tables {
		t.Run(string(flow), func(t *testing.T) {
			m, ok := modelFor(flow)
			require.True(t, ok)
			var missing, extra []string
			for _, s := range table.Def.States() {
				assert.True(t, m.states[s], "state %s is in the table, not in the model", s)
				for _, ev := range table.Def.EventsFrom(s) {
					got, _ := table.Def.Target(s, ev)
					if want, ok := m.target(s, ev); !ok || want != got {
						missing = append(missing, string(s)+" "+string(ev)+" "+string(got))
					}
				}
			}
			for e, dst := range m.next {
				if got, ok := table.Def.Target(e.src, e.ev); !ok || got != dst {
					extra = append(extra, string(e.src)+" "+string(e.ev)+" "+string(dst))
				}
			}
			sort.Strings(missing)
			sort.Strings(extra)
			assert.Empty(t, missing, "edges of the table the model lacks or sends elsewhere")
			assert.Empty(t, extra, "edges of the model the table lacks")
			for s := range m.states {
				st, ok := table.State(s)
				if !assert.True(t, ok, "model state %s", s) {
					continue
				}
				switch st.Kind {
				case flows.Calling:
					assert.Equal(t, callOf[s], st.Step.ID, "step of %s", s)
				case flows.Waiting:
					assert.Equal(t, promptOf[s], st.Prompt, "prompt of %s", s)
				case flows.Terminal:
					assert.True(t, isTerminal(s), s)
				}
			}
			for e, f := range m.fails {
				got, ok := table.EdgeFailure(flowsRow(e, m.next[e]))
				assert.True(t, ok, "failure edge %v", e)
				assert.Equal(t, f, got)
			}
		})
	}
}

func flowsRow(e edge, dst enrollfsm.State) fsm.Row { return fsm.Row{Event: e.ev, Src: e.src, Dst: dst} }
