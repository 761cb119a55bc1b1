package fsm_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm/enrollment"
	"github.com/enrollfsm/enrollfsm/fsm"
)

var rows = []fsm.Row{
	{Event: enrollment.Begin, Src: enrollment.Start, Dst: enrollment.CheckingEnrollment},
	{Event: enrollment.ReadRetried, Src: enrollment.CheckingEnrollment, Dst: enrollment.CheckingEnrollment},
	{Event: enrollment.DeviceActivated, Src: enrollment.CheckingEnrollment, Dst: enrollment.Enrolled},
}

func TestDefine_RefusesBadTables(t *testing.T) {
	cases := map[string][]fsm.Row{
		"reserved state": {{Event: "go", Src: enrollment.Start, Dst: "state"}},
		"reserved event": {{Event: "event", Src: enrollment.Start, Dst: enrollment.Done}},
		"empty name":     {{Event: "", Src: enrollment.Start, Dst: enrollment.Done}},
		"two destinations": {
			{Event: "go", Src: enrollment.Start, Dst: enrollment.Done},
			{Event: "go", Src: enrollment.Start, Dst: enrollment.Failed},
		},
	}
	for name, rs := range cases {
		_, err := fsm.Define(name, enrollment.Start, rs)
		assert.ErrorIs(t, err, fsm.ErrInvalidTable, name)
	}
	_, err := fsm.Define("no initial", "", rows)
	assert.ErrorIs(t, err, fsm.ErrInvalidTable)
	assert.Panics(t, func() { fsm.MustDefine("bad", enrollment.Start, cases["reserved state"]) })
}

func TestDefine_KeepsAnExactDuplicateOnce(t *testing.T) {
	d, err := fsm.Define("dup", enrollment.Start, append(rows, rows[0]))
	require.NoError(t, err)
	assert.Len(t, d.Rows(), len(rows))
	assert.Equal(t, []enrollment.State{enrollment.Start, enrollment.CheckingEnrollment, enrollment.Enrolled}, d.States())
}

func TestMachine_FiresAllowedEventsOnly(t *testing.T) {
	d := fsm.MustDefine("t", enrollment.Start, rows)
	m := d.NewMachine()
	assert.Equal(t, enrollment.Start, m.Current())
	to, err := m.Fire(enrollment.DeviceActivated)
	var te *fsm.TransitionError
	require.ErrorAs(t, err, &te)
	assert.ErrorIs(t, err, fsm.ErrInvalidTransition)
	assert.Equal(t, enrollment.Start, to, "a refused event leaves the machine where it was")
	assert.Equal(t, enrollment.Start, m.Current())

	to, err = m.Fire(enrollment.Begin)
	require.NoError(t, err)
	assert.Equal(t, enrollment.CheckingEnrollment, to)
}

// looplab returns NoTransitionError for a self-loop; the wrapper treats it
// as the success it is.
func TestMachine_SelfLoopIsASuccess(t *testing.T) {
	m := fsm.MustDefine("t", enrollment.Start, rows).NewMachine()
	_, err := m.Fire(enrollment.Begin)
	require.NoError(t, err)
	to, err := m.Fire(enrollment.ReadRetried)
	require.NoError(t, err)
	assert.Equal(t, enrollment.CheckingEnrollment, to)
	assert.True(t, m.Can(enrollment.DeviceActivated))
	assert.False(t, m.Can(enrollment.Begin))
}

func TestNewMachineAt(t *testing.T) {
	d := fsm.MustDefine("t", enrollment.Start, rows)
	m, err := d.NewMachineAt(enrollment.CheckingEnrollment)
	require.NoError(t, err)
	assert.Equal(t, enrollment.CheckingEnrollment, m.Current())
	_, err = d.NewMachineAt(enrollment.AwaitingPIN)
	assert.Error(t, err)
}

func TestMermaid_FreshMachineStartsAtStart(t *testing.T) {
	out, err := fsm.MustDefine("t", enrollment.Start, rows).Mermaid()
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(out, "stateDiagram-v2\n    [*] --> start\n"), out)
	assert.Contains(t, out, "checking_enrollment --> enrolled: device_activated")
}

func TestRetryAndResumeEvents(t *testing.T) {
	s, ok := enrollment.RetryTarget(enrollment.RetryEvent(enrollment.CheckingPhone))
	assert.True(t, ok)
	assert.Equal(t, enrollment.CheckingPhone, s)
	s, ok = enrollment.ResumeTarget(enrollment.ResumeEvent(enrollment.EnrollingDevice))
	assert.True(t, ok)
	assert.Equal(t, enrollment.EnrollingDevice, s)
	_, ok = enrollment.RetryTarget(enrollment.Begin)
	assert.False(t, ok)
}

// Machines of one Definition share its looplab machines; each keeps its own
// state.
func TestMachine_ConcurrentMachinesOfOneDefinition(t *testing.T) {
	d := fsm.MustDefine("t", enrollment.Start, rows)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 500; j++ {
				m := d.NewMachine()
				for _, ev := range []enrollment.Event{enrollment.Begin, enrollment.ReadRetried, enrollment.DeviceActivated} {
					if _, err := m.Fire(ev); err != nil {
						t.Error(err)
						return
					}
				}
				if m.Current() != enrollment.Enrolled {
					t.Errorf("machine ended in %s", m.Current())
					return
				}
			}
		}()
	}
	wg.Wait()
}

// Machines that take turns on the Definition's looplab machine each fire
// from their own state, whatever the other left it in, an event refused
// included.
func TestMachine_TakingTurnsOnOneLooplabMachine(t *testing.T) {
	d := fsm.MustDefine("t", enrollment.Start, rows)
	a, b := d.NewMachine(), d.NewMachine()
	_, err := a.Fire(enrollment.Begin)
	require.NoError(t, err)
	_, err = b.Fire(enrollment.DeviceActivated)
	assert.ErrorIs(t, err, fsm.ErrInvalidTransition, "b is still at start, where a left from")
	to, err := b.Fire(enrollment.Begin)
	require.NoError(t, err)
	assert.Equal(t, enrollment.CheckingEnrollment, to)
	to, err = a.Fire(enrollment.DeviceActivated)
	require.NoError(t, err)
	assert.Equal(t, enrollment.Enrolled, to)
	to, err = b.Fire(enrollment.ReadRetried)
	require.NoError(t, err, "b fires from checking_enrollment, not from where a left looplab")
	assert.Equal(t, enrollment.CheckingEnrollment, to)
	_, err = a.Fire(enrollment.Begin)
	assert.ErrorIs(t, err, fsm.ErrInvalidTransition, "a is enrolled")
	to, err = b.Fire(enrollment.DeviceActivated)
	require.NoError(t, err)
	assert.Equal(t, enrollment.Enrolled, to)
	assert.Equal(t, enrollment.Enrolled, a.Current())
}

// The zero Machine answers rather than panics.
func TestMachine_ZeroHasNoState(t *testing.T) {
	var m fsm.Machine
	assert.Equal(t, fsm.State(""), m.Current())
	assert.False(t, m.Can("begin"))
	_, err := m.Fire("begin")
	assert.ErrorIs(t, err, fsm.ErrInvalidTransition)
	var nilMachine *fsm.Machine
	assert.Equal(t, fsm.State(""), nilMachine.Current())
}
