package flows_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm/enrollment"
	"github.com/enrollfsm/enrollfsm/flows"
	"github.com/enrollfsm/enrollfsm/flows/full"
	"github.com/enrollfsm/enrollfsm/flows/shortcut"
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
