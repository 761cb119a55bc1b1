package fsm_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm/fsm"
)

var rows = []fsm.Row{
	{Event: fsm.Begin, Src: fsm.Start, Dst: fsm.CheckingEnrollment},
	{Event: fsm.ReadRetried, Src: fsm.CheckingEnrollment, Dst: fsm.CheckingEnrollment},
	{Event: fsm.DeviceActivated, Src: fsm.CheckingEnrollment, Dst: fsm.Enrolled},
}

func TestDefine_RefusesBadTables(t *testing.T) {
	cases := map[string][]fsm.Row{
		"reserved state": {{Event: "go", Src: fsm.Start, Dst: "state"}},
		"reserved event": {{Event: "event", Src: fsm.Start, Dst: fsm.Done}},
		"empty name":     {{Event: "", Src: fsm.Start, Dst: fsm.Done}},
		"two destinations": {
			{Event: "go", Src: fsm.Start, Dst: fsm.Done},
			{Event: "go", Src: fsm.Start, Dst: fsm.Failed},
		},
	}
	for name, rs := range cases {
		_, err := fsm.Define(name, fsm.Start, rs)
		assert.ErrorIs(t, err, fsm.ErrInvalidTable, name)
	}
	_, err := fsm.Define("no initial", "", rows)
	assert.ErrorIs(t, err, fsm.ErrInvalidTable)
	assert.Panics(t, func() { fsm.MustDefine("bad", fsm.Start, cases["reserved state"]) })
}

func TestDefine_KeepsAnExactDuplicateOnce(t *testing.T) {
	d, err := fsm.Define("dup", fsm.Start, append(rows, rows[0]))
	require.NoError(t, err)
	assert.Len(t, d.Rows(), len(rows))
	assert.Equal(t, []fsm.State{fsm.Start, fsm.CheckingEnrollment, fsm.Enrolled}, d.States())
}

func TestMachine_FiresAllowedEventsOnly(t *testing.T) {
	d := fsm.MustDefine("t", fsm.Start, rows)
	m := d.NewMachine()
	assert.Equal(t, fsm.Start, m.Current())
	to, err := m.Fire(fsm.DeviceActivated)
	var te *fsm.TransitionError
	require.ErrorAs(t, err, &te)
	assert.ErrorIs(t, err, fsm.ErrInvalidTransition)
	assert.Equal(t, fsm.Start, to, "a refused event leaves the machine where it was")
	assert.Equal(t, fsm.Start, m.Current())

	to, err = m.Fire(fsm.Begin)
	require.NoError(t, err)
	assert.Equal(t, fsm.CheckingEnrollment, to)
}

// looplab returns NoTransitionError for a self-loop; the wrapper treats it
// as the success it is.
func TestMachine_SelfLoopIsASuccess(t *testing.T) {
	m := fsm.MustDefine("t", fsm.Start, rows).NewMachine()
	_, err := m.Fire(fsm.Begin)
	require.NoError(t, err)
	to, err := m.Fire(fsm.ReadRetried)
	require.NoError(t, err)
	assert.Equal(t, fsm.CheckingEnrollment, to)
	assert.True(t, m.Can(fsm.DeviceActivated))
	assert.False(t, m.Can(fsm.Begin))
}

func TestNewMachineAt(t *testing.T) {
	d := fsm.MustDefine("t", fsm.Start, rows)
	m, err := d.NewMachineAt(fsm.CheckingEnrollment)
	require.NoError(t, err)
	assert.Equal(t, fsm.CheckingEnrollment, m.Current())
	_, err = d.NewMachineAt(fsm.AwaitingPIN)
	assert.Error(t, err)
}

func TestMermaid_FreshMachineStartsAtStart(t *testing.T) {
	out, err := fsm.MustDefine("t", fsm.Start, rows).Mermaid()
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(out, "stateDiagram-v2\n    [*] --> start\n"), out)
	assert.Contains(t, out, "checking_enrollment --> enrolled: device_activated")
}

func TestRetryAndResumeEvents(t *testing.T) {
	s, ok := fsm.RetryTarget(fsm.RetryEvent(fsm.CheckingPhone))
	assert.True(t, ok)
	assert.Equal(t, fsm.CheckingPhone, s)
	s, ok = fsm.ResumeTarget(fsm.ResumeEvent(fsm.EnrollingDevice))
	assert.True(t, ok)
	assert.Equal(t, fsm.EnrollingDevice, s)
	_, ok = fsm.RetryTarget(fsm.Begin)
	assert.False(t, ok)
}

// Machines of one Definition share its looplab machines; each keeps its own
// state.
func TestMachine_ConcurrentMachinesOfOneDefinition(t *testing.T) {
	d := fsm.MustDefine("t", fsm.Start, rows)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 500; j++ {
				m := d.NewMachine()
				for _, ev := range []fsm.Event{fsm.Begin, fsm.ReadRetried, fsm.DeviceActivated} {
					if _, err := m.Fire(ev); err != nil {
						t.Error(err)
						return
					}
				}
				if m.Current() != fsm.Enrolled {
					t.Errorf("machine ended in %s", m.Current())
					return
				}
			}
		}()
	}
	wg.Wait()
}
