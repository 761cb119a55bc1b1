package enrolltest_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/enrolltest"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/internal/hooks"
	"github.com/enrollfsm/enrollfsm/pims"
	"github.com/enrollfsm/enrollfsm/scenario"
)

// small are limits that keep the enrollment flows' state spaces small.
var small = enrollfsm.Limits{CodeAttempts: 1, Resends: 1, PINAttempts: 2, Removals: 1, ReadAttempts: 2,
	Backoff: time.Second, CodeTTL: 10 * time.Minute}

func TestCheck_AccountOperationsCloseCleanWithEveryEdgeTaken(t *testing.T) {
	ops := []enrollfsm.Flow{enrollfsm.FlowRemoveEnrollments, enrollfsm.FlowResetPIN, enrollfsm.FlowUpdatePIN,
		enrollfsm.FlowModifyPhone, enrollfsm.FlowRemoveVehicle}
	var lines []string
	rep, err := enrolltest.Check(context.Background(), enrolltest.Settings(ops, nil),
		enrolltest.CheckOptions{Progress: func(r enrolltest.CheckResult) { lines = append(lines, r.String()) }})
	require.NoError(t, err)
	assert.True(t, rep.OK(), "%v", rep.Untaken)
	require.Len(t, rep.Results, len(ops)*4) // two platforms, automatic removal off and on
	assert.Len(t, lines, len(rep.Results))
	for _, r := range rep.Results {
		assert.True(t, r.Closed, r.Setting.String())
		assert.Nil(t, r.Violation, r.Setting.String())
		assert.Equal(t, r.Rows, r.Taken, r.Setting.String())
		assert.Positive(t, r.Bound, r.Setting.String())
		assert.Positive(t, r.Longest, r.Setting.String())
		assert.Regexp(t, `^\w+ (android|ios)( auto-removal)?: \d+ states, \d+ edges, at most \d+ calls? between waits, longest run without retry \d+, every edge taken, 0 violations$`, r.String())
	}
}

func TestCheck_EnrollmentFlowsCloseCleanWithinTheDerivedBound(t *testing.T) {
	settings := append(enrolltest.Settings([]enrollfsm.Flow{enrollfsm.FlowFull, enrollfsm.FlowShortcut}, nil),
		enrolltest.Settings([]enrollfsm.Flow{enrollfsm.FlowAuto}, []enrollfsm.Platform{enrollfsm.Android})...)
	rep, err := enrolltest.Check(context.Background(), settings, enrolltest.CheckOptions{Limits: small})
	require.NoError(t, err)
	assert.True(t, rep.OK(), "%v", rep.Untaken)
	for _, r := range rep.Results {
		require.Nil(t, r.Violation, "%v", r.Violation)
		assert.True(t, r.Closed, r.Setting.String())
		bound, err := enrolltest.CallBound(enrollfsm.Tables()[r.Flow], small)
		require.NoError(t, err)
		assert.LessOrEqual(t, r.Bound, bound, r.Setting.String())
		assert.Positive(t, r.PeakHeap)
	}
	// auto resolves by SDK version, and explores the same states
	byName := map[string]enrolltest.CheckResult{}
	for _, r := range rep.Results {
		byName[r.Setting.String()] = r
	}
	assert.Equal(t, enrollfsm.FlowFull, byName["auto android sdk 2.0.0"].Flow)
	assert.Equal(t, byName["full android"].States, byName["auto android sdk 2.0.0"].States)
	assert.Equal(t, byName["shortcut android auto-removal"].Edges, byName["auto android sdk 2.1.0 auto-removal"].Edges)
}

func TestCheckSetting_ReportsAFlowThatDidNotClose(t *testing.T) {
	r, err := enrolltest.CheckSetting(context.Background(), enrolltest.Setting{Flow: enrollfsm.FlowFull}, enrolltest.CheckOptions{MaxStates: 50})
	require.NoError(t, err)
	assert.False(t, r.Closed)
	assert.Nil(t, r.Violation)
	assert.Contains(t, r.String(), "full android: did not close: ")
}

func TestCheckSetting_RefusesASettingTheEngineRefuses(t *testing.T) {
	_, err := enrolltest.CheckSetting(context.Background(), enrolltest.Setting{Flow: enrollfsm.FlowShortcut, SDKVersion: "2.0.0"}, enrolltest.CheckOptions{})
	assert.ErrorIs(t, err, pimserr.ErrShortcutUnsupported)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = enrolltest.CheckSetting(ctx, enrolltest.Setting{Flow: enrollfsm.FlowFull}, enrolltest.CheckOptions{})
	assert.ErrorIs(t, err, context.Canceled)
}

func TestCounterexampleScenario_ReplaysTheExploredPathExactly(t *testing.T) {
	for _, s := range []enrolltest.Setting{{Flow: enrollfsm.FlowFull, Platform: enrollfsm.IOS}, {Flow: enrollfsm.FlowShortcut}} {
		data, steps, err := enrolltest.DeepScenario(s)
		require.NoError(t, err, s.String())
		assert.Contains(t, steps, "save and restore")
		assert.Contains(t, steps, "wait 11m0s")
		var raw map[string]any
		require.NoError(t, json.Unmarshal(data, &raw))
		assert.NotEmpty(t, raw["restartAfter"])
		sc, err := scenario.Parse(data)
		require.NoError(t, err, string(data))
		r := scenario.Run(context.Background(), sc)
		assert.NoError(t, r.Err, string(data))
	}
}

// toEnrollingDevice drives a real full-flow engine, watched by m, to the
// pending step 8.
func toEnrollingDevice(t *testing.T, m *enrolltest.Monitor) (*enrollfsm.Engine, enrollfsm.Pending) {
	t.Helper()
	e, err := enrollfsm.New(enrollfsm.FlowFull, enrollfsm.WithObserver(m.Observer()))
	require.NoError(t, err)
	for _, result := range []map[string]any{{"isDeviceActivated": false}, {"isAccountBlocked": "NotBlocked"}, {"phoneNumber": "0612345678"}, nil} {
		p := e.Next()
		require.NoError(t, e.Deliver(p.Call.ID, pims.Success("t", result), nil))
	}
	require.NoError(t, e.Answer(enrollfsm.Value(enrollfsm.PromptEnrollmentCode, "246810")))
	p := e.Next()
	require.NoError(t, e.Deliver(p.Call.ID, pims.Success("t", map[string]any{"status": "AlreadyEnrolled"}), nil))
	require.NoError(t, e.Answer(enrollfsm.Value(enrollfsm.PromptPIN, "1357")))
	m.Settle(e)
	require.NoError(t, m.Err())
	p = e.Next()
	require.Equal(t, enrollfsm.State("enrolling_device"), p.State)
	return e, p
}

func propertyOf(t *testing.T, err error) enrolltest.Property {
	t.Helper()
	var pe *enrolltest.PropertyError
	require.ErrorAs(t, err, &pe)
	assert.ErrorIs(t, err, enrolltest.ErrViolation)
	assert.NotContains(t, err.Error(), "1357")
	return pe.Property
}

func TestMonitor_RealRunIsClean(t *testing.T) {
	m := enrolltest.NewMonitor(enrollfsm.Settings{Flow: enrollfsm.FlowFull}, enrollfsm.Limits{})
	e, p := toEnrollingDevice(t, m)
	require.NoError(t, e.Deliver(p.Call.ID, pims.Failure("t", pimserr.CodeForbidden), nil))
	m.Settle(e)
	assert.NoError(t, m.Err())
	assert.Equal(t, enrollfsm.State("confirming_removal"), e.State())
}

func TestMonitor_FlagsA2317NotRoutedToRemoval(t *testing.T) {
	m := enrolltest.NewMonitor(enrollfsm.Settings{Flow: enrollfsm.FlowFull}, enrollfsm.Limits{})
	_, p := toEnrollingDevice(t, m)
	obs := m.Observer()
	obs.Call(enrollfsm.CallRecord{ID: p.Call.ID, State: p.State, Step: "8", Request: p.Call.Request,
		Status: pims.Failed, Code: 2317, Reply: pims.Failure("t", pimserr.CodeForbidden)})
	obs.Transition(enrollfsm.Transition{From: "enrolling_device", To: "awaiting_pin", Event: "input_rejected"})
	assert.Equal(t, enrolltest.PropertyBlocked, propertyOf(t, m.Err()))
}

func TestMonitor_FlagsAnUnknownOutcomeSentAgain(t *testing.T) {
	m := enrolltest.NewMonitor(enrollfsm.Settings{Flow: enrollfsm.FlowFull}, enrollfsm.Limits{})
	_, p := toEnrollingDevice(t, m)
	obs := m.Observer()
	rec := enrollfsm.CallRecord{ID: p.Call.ID, State: p.State, Step: "8", Request: p.Call.Request,
		Status: pims.Failed, Code: 2201, Reply: pims.Failure("t", pimserr.CodeTimeout)}
	obs.Call(rec)
	obs.Transition(enrollfsm.Transition{From: "enrolling_device", To: "interrupted", Event: "call_interrupted"})
	obs.Transition(enrollfsm.Transition{From: "interrupted", To: "enrolling_device", Event: "retry_enrolling_device"})
	require.NoError(t, m.Err())
	obs.Call(rec)
	assert.Equal(t, enrolltest.PropertyVerify, propertyOf(t, m.Err()))
}

func TestMonitor_FlagsAWrongRequestAndAnEdgeNotInTheTable(t *testing.T) {
	m := enrolltest.NewMonitor(enrollfsm.Settings{Flow: enrollfsm.FlowFull, Platform: enrollfsm.IOS}, enrollfsm.Limits{})
	_, p := toEnrollingDevice(t, m)
	// iOS sends the enrollment code with step 8: a request without it is wrong
	req := p.Call.Request
	req.Params = pims.Pairs("action", "enroll", "pinCode", "1357")
	m.Observer().Call(enrollfsm.CallRecord{ID: p.Call.ID, State: p.State, Step: "8", Request: req, Status: pims.Succeeded})
	assert.Equal(t, enrolltest.PropertyRequest, propertyOf(t, m.Err()))

	m = enrolltest.NewMonitor(enrollfsm.Settings{Flow: enrollfsm.FlowFull}, enrollfsm.Limits{})
	m.Observer().Transition(enrollfsm.Transition{From: "start", To: "awaiting_pin", Event: "begin"})
	assert.Equal(t, enrolltest.PropertyTable, propertyOf(t, m.Err()))
}

func TestMonitor_FlagsASnapshotThatHoldsASecret(t *testing.T) {
	m := enrolltest.NewMonitor(enrollfsm.Settings{Flow: enrollfsm.FlowFull}, enrollfsm.Limits{})
	e, _ := toEnrollingDevice(t, m)
	p := e.Next()
	require.NoError(t, e.Deliver(p.Call.ID, pims.Failure("t", pimserr.CodeTimeout), nil))
	data, err := e.Snapshot()
	require.NoError(t, err)
	restored, err := enrollfsm.Restore(data)
	require.NoError(t, err)
	m.Restored(e, restored, data)
	require.NoError(t, m.Err())
	m.Restored(e, restored, append(data[:len(data)-1], []byte(`,"note":"pin 1357"}`)...))
	assert.Equal(t, enrolltest.PropertySnapshot, propertyOf(t, m.Err()))
}

func TestProperty_Names(t *testing.T) {
	assert.Equal(t, "blocked", enrolltest.PropertyBlocked.String())
	assert.Equal(t, "table", enrolltest.PropertyTable.String())
	assert.Equal(t, "Property(9)", enrolltest.Property(9).String())
	assert.Equal(t, "auto ios sdk 2.0.0 auto-removal", enrolltest.Setting{Flow: enrollfsm.FlowAuto, Platform: enrollfsm.IOS, SDKVersion: "2.0.0", AutoRemove: true}.String())
	assert.Len(t, enrolltest.Settings(nil, nil), 36)
}

func TestHooks_ACopyGoesOnAlone(t *testing.T) {
	m := enrolltest.NewMonitor(enrollfsm.Settings{Flow: enrollfsm.FlowFull}, enrollfsm.Limits{})
	e, p := toEnrollingDevice(t, m)
	require.NoError(t, e.Deliver(p.Call.ID, pims.Failure("t", pimserr.CodePostSyncFailed), nil))
	before, ok := hooks.State(e)
	require.True(t, ok)
	require.Equal(t, "enrolled", before.State)
	require.Len(t, before.Warnings, 1)

	// the engine runs on the system clock: code ages are left aside
	state := func(e *enrollfsm.Engine) hooks.RunState {
		r, _ := hooks.State(e)
		r.CodeAge = [2]time.Duration{}
		return r
	}
	e2, _ := toEnrollingDevice(t, enrolltest.NewMonitor(enrollfsm.Settings{Flow: enrollfsm.FlowFull}, enrollfsm.Limits{}))
	saved := state(e2)
	c, ok := hooks.Clone(e2).(*enrollfsm.Engine)
	require.True(t, ok)
	assert.Equal(t, saved, state(c))
	p = c.Next()
	require.NoError(t, c.Deliver(p.Call.ID, pims.Failure("t", pimserr.CodeAccessRefused), nil))
	require.NoError(t, c.Answer(enrollfsm.Value(enrollfsm.PromptPIN, "2468")))
	assert.Equal(t, saved, state(e2), "the original did not move")
	assert.Equal(t, 1, state(c).Counters[1], "the copy counted a wrong PIN")
	assert.Equal(t, e2.Counters().Calls+1, c.Counters().Calls, "steps 1, 2, 3, 5 and 6, then 8 for the copy only")
	assert.Nil(t, hooks.Clone("not an engine"))
	_, ok = hooks.State(42)
	assert.False(t, ok)
}
