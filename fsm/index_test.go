package fsm_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm/enrollment"
	"github.com/enrollfsm/enrollfsm/fsm"
)

// States are found by index, names of one length told apart, and a
// machine's index follows it.
func TestDefinition_Index(t *testing.T) {
	d := fsm.MustDefine("idx", enrollment.Start, []fsm.Row{
		{Event: enrollment.Begin, Src: enrollment.Start, Dst: enrollment.CheckingPIN},
		{Event: "to_awaiting", Src: enrollment.CheckingPIN, Dst: enrollment.AwaitingPIN}, // both 12 letters
		{Event: "to_updating", Src: enrollment.AwaitingPIN, Dst: enrollment.UpdatingPIN}, // 12 too
		{Event: "end", Src: enrollment.UpdatingPIN, Dst: enrollment.Done},
	})
	for i, s := range d.States() {
		got, ok := d.Index(s)
		assert.True(t, ok, s)
		assert.Equal(t, i, got, s)
	}
	for _, s := range []enrollment.State{"", "awaiting_pix", enrollment.Enrolled, "a state whose name is longer than any of the table's"} {
		_, ok := d.Index(s)
		assert.False(t, ok, s)
		_, ok = d.Target(s, enrollment.Begin)
		assert.False(t, ok, s)
		assert.Empty(t, d.EventsFrom(s))
	}
	dst, ok := d.Target(enrollment.CheckingPIN, "to_awaiting")
	assert.True(t, ok)
	assert.Equal(t, enrollment.AwaitingPIN, dst)

	m := d.NewMachine()
	assert.Equal(t, 0, m.Index())
	for _, ev := range []enrollment.Event{enrollment.Begin, "to_awaiting", "to_updating"} {
		s, err := m.Fire(ev)
		require.NoError(t, err)
		want, _ := d.Index(s)
		assert.Equal(t, want, m.Index(), ev)
		assert.True(t, m.Can("end") == (s == enrollment.UpdatingPIN), ev)
	}
	at, err := d.NewMachineAt(enrollment.AwaitingPIN)
	require.NoError(t, err)
	want, _ := d.Index(enrollment.AwaitingPIN)
	assert.Equal(t, want, at.Index())
}
