package flows_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm/enrollment"
	"github.com/enrollfsm/enrollfsm/flows"
	"github.com/enrollfsm/enrollfsm/flows/full"
	"github.com/enrollfsm/enrollfsm/flows/shortcut"
	"github.com/enrollfsm/enrollfsm/fsm"
)

// A state looked up by name and by a machine's index is the same
// declaration; the offered actions are shared and cannot be appended to in
// place; only edges to failed record a failure.
func TestTable_LookupsAgree(t *testing.T) {
	for _, table := range []*flows.Table{full.Table, shortcut.Table} {
		for _, name := range table.Def.States() {
			st, ok := table.State(name)
			require.True(t, ok, name)
			assert.Equal(t, name, st.Name)
			m, err := table.Def.NewMachineAt(name)
			require.NoError(t, err)
			assert.Same(t, st, table.At(m), name)

			actions := table.Actions(name)
			assert.Equal(t, len(actions), cap(actions), name)
			assert.Equal(t, actions, table.ActionsAt(m), "by index as by name: %s", name)
			if st.Kind != flows.Waiting {
				assert.Empty(t, actions, name)
			}
		}
		_, ok := table.State("no_such_state")
		assert.False(t, ok)
		assert.Nil(t, table.Actions("no_such_state"))
		assert.Nil(t, table.ActionsAt(nil))
		other := shortcut.Table
		if table == shortcut.Table {
			other = full.Table
		}
		assert.Nil(t, table.ActionsAt(other.Def.NewMachine()), "a machine of another table")
		assert.Nil(t, table.At(other.Def.NewMachine()), "a machine of another table")
		assert.Nil(t, table.At(nil))
		for _, r := range table.Def.Rows() {
			f, ok := table.EdgeFailure(r)
			if r.Dst != enrollment.Failed {
				assert.False(t, ok, r)
				assert.Empty(t, f, r)
			}
		}
	}
	assert.Equal(t, []enrollment.Action{enrollment.ActionCancel}, full.Table.Actions(enrollment.AwaitingPhoneNumber))
}

// The edge a move took is the state's edge at the row Move returns: the
// engine reads it there, without looking the event up again. A repeated
// edge is kept once, as Define keeps its row.
func TestTable_MoveNamesTheEdgeTaken(t *testing.T) {
	for _, name := range sortedFlows() {
		table := tables[name]
		for _, st := range table.Spec.States {
			for k, e := range st.Edges {
				m, err := table.Def.NewMachineAt(st.Name)
				if st.Name == enrollment.Start {
					m = table.Def.NewMachine()
				}
				require.NoError(t, err)
				row, err := m.Move(e.Event)
				require.NoError(t, err, "%s: %s from %s", name, e.Event, st.Name)
				assert.Equal(t, k, row, "%s: %s from %s", name, e.Event, st.Name)
				assert.Equal(t, e.Dst, m.Current(), "%s: %s from %s", name, e.Event, st.Name)
			}
		}
	}
	twice := flows.On(enrollment.CancelRequested, enrollment.Cancelled)
	table, err := flows.Compile(flows.Spec{About: flows.About{Name: "twice"}, States: []flows.State{
		flows.Begin("asking"),
		flows.Wait("asking", enrollment.PromptPhoneNumber, twice, twice),
		flows.End(enrollment.Cancelled),
	}})
	require.NoError(t, err)
	st, _ := table.State("asking")
	assert.Len(t, st.Edges, 1)
	_, err = flows.Compile(flows.Spec{About: flows.About{Name: "two ways"}, States: []flows.State{
		flows.Begin("asking"),
		flows.Wait("asking", enrollment.PromptPhoneNumber, twice, flows.On(enrollment.CancelRequested, enrollment.Failed)),
		flows.End(enrollment.Cancelled), flows.End(enrollment.Failed),
	}})
	assert.ErrorIs(t, err, fsm.ErrInvalidTable, "an event with two destinations is still refused")
}
