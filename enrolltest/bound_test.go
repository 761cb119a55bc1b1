package enrolltest_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/enrollment"
	"github.com/enrollfsm/enrollfsm/enrolltest"
	"github.com/enrollfsm/enrollfsm/flows"
	"github.com/enrollfsm/enrollfsm/steps"
)

// TestCallBound_DefaultLimits: the longest chains of calls, by hand. Full
// and shortcut: 1, 2, 3 (three attempts each), 5 refused with 2317 and
// removed automatically, A, 3 (three attempts), 5 = 15; as long: a
// verification (3), 7, 8 refused after that resend, a verification (3), 7,
// 8, A, 3 (3), 5.
// Reference: docs/contract.md §4 "Every run ends or waits for the user after a bounded number of calls".
func TestCallBound_DefaultLimits(t *testing.T) {
	want := map[enrollfsm.Flow]int{
		enrollfsm.FlowFull: 15, enrollfsm.FlowShortcut: 15,
		enrollfsm.FlowRemoveEnrollments: 1, enrollfsm.FlowRemoveVehicle: 1,
		enrollfsm.FlowResetPIN: 4, enrollfsm.FlowUpdatePIN: 3, enrollfsm.FlowModifyPhone: 6,
	}
	for flow, table := range enrollfsm.Tables() {
		got, err := enrolltest.CallBound(table, enrollfsm.DefaultLimits())
		require.NoError(t, err, flow)
		assert.Equal(t, want[flow], got, flow)
	}
}

// TestCallBound_FollowsTheLimits: the longest chain starts at a
// verification after an unknown outcome: verification, 7 sent again, 8
// refused with 2317 after that resend, verification, 7 and 8 again (the
// bound lets a verification resume any enrollment call) = 6 calls with one
// attempt per read; each removal allowed adds A, 3, 5; each read attempt
// adds one call per read on the chain.
func TestCallBound_FollowsTheLimits(t *testing.T) {
	full := enrollfsm.Tables()[enrollfsm.FlowFull]
	for _, tc := range []struct{ reads, removals, want int }{
		{1, 0, 6},  // verification, 7, 8, verification, 7, 8
		{1, 1, 9},  // ... A, 3, 5
		{1, 2, 12}, // ... A, 3, 5
		{2, 0, 8},  // both verifications twice
	} {
		got, err := enrolltest.CallBound(full, enrollfsm.Limits{ReadAttempts: tc.reads, Removals: tc.removals})
		require.NoError(t, err)
		assert.Equal(t, tc.want, got, "reads %d, removals %d", tc.reads, tc.removals)
	}
}

// TestCallBound_RefusesALoop: a table where two calls lead to each other
// would run without end; CallBound says so.
func TestCallBound_RefusesALoop(t *testing.T) {
	loop, err := flows.Compile(flows.Spec{
		About: flows.About{Name: "loop"}, Success: enrollment.Done, OnEveryCall: flows.OperationCalls,
		States: flows.Join(
			[]flows.State{
				flows.Begin(enrollment.CheckingEnrollment),
				flows.Call(enrollment.CheckingEnrollment, steps.CheckEnrollment,
					flows.On(enrollment.DeviceActivated, enrollment.CheckingPhone), flows.On(enrollment.DeviceNotActivated, enrollment.Done)),
				flows.Call(enrollment.CheckingPhone, steps.CheckPhone,
					flows.On(enrollment.PhonePresent, enrollment.CheckingEnrollment), flows.On(enrollment.PhoneAbsent, enrollment.Done)),
			},
			flows.Interruption(), flows.Ends(enrollment.Done)),
	})
	require.NoError(t, err)
	_, err = enrolltest.CallBound(loop, enrollfsm.DefaultLimits())
	assert.ErrorContains(t, err, "loop of calls")
}
