package fsm_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm/fsm"
)

// States are found by index, names of one length told apart, and a
// machine's index follows it.
func TestDefinition_Index(t *testing.T) {
	d := fsm.MustDefine("idx", fsm.Start, []fsm.Row{
		{Event: fsm.Begin, Src: fsm.Start, Dst: fsm.CheckingPIN},
		{Event: "to_awaiting", Src: fsm.CheckingPIN, Dst: fsm.AwaitingPIN}, // both 12 letters
		{Event: "to_updating", Src: fsm.AwaitingPIN, Dst: fsm.UpdatingPIN}, // 12 too
		{Event: "end", Src: fsm.UpdatingPIN, Dst: fsm.Done},
	})
	for i, s := range d.States() {
		got, ok := d.Index(s)
		assert.True(t, ok, s)
		assert.Equal(t, i, got, s)
	}
	for _, s := range []fsm.State{"", "awaiting_pix", fsm.Enrolled, "a state whose name is longer than any of the table's"} {
		_, ok := d.Index(s)
		assert.False(t, ok, s)
		_, ok = d.Target(s, fsm.Begin)
		assert.False(t, ok, s)
		assert.Empty(t, d.EventsFrom(s))
	}
	dst, ok := d.Target(fsm.CheckingPIN, "to_awaiting")
	assert.True(t, ok)
	assert.Equal(t, fsm.AwaitingPIN, dst)

	m := d.NewMachine()
	assert.Equal(t, 0, m.Index())
	for _, ev := range []fsm.Event{fsm.Begin, "to_awaiting", "to_updating"} {
		s, err := m.Fire(ev)
		require.NoError(t, err)
		want, _ := d.Index(s)
		assert.Equal(t, want, m.Index(), ev)
		assert.True(t, m.Can("end") == (s == fsm.UpdatingPIN), ev)
	}
	at, err := d.NewMachineAt(fsm.AwaitingPIN)
	require.NoError(t, err)
	want, _ := d.Index(fsm.AwaitingPIN)
	assert.Equal(t, want, at.Index())
}
