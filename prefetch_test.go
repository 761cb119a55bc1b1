package enrollfsm_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/enrollment"
	"github.com/enrollfsm/enrollfsm/pims"
	"github.com/enrollfsm/enrollfsm/simulator"
)

func TestPrefetch_AsksForCalls2And3WithCall1(t *testing.T) {
	var path []enrollfsm.State
	e, err := enrollfsm.New(enrollfsm.FlowFull, enrollfsm.WithPrefetch(true), enrollfsm.WithObserver(enrollfsm.Observer{
		Transition: func(tr enrollfsm.Transition) { path = append(path, tr.To) },
	}))
	require.NoError(t, err)
	p := e.Next()
	require.Equal(t, call1, p.Call.Request)
	require.Len(t, p.Also, 2)
	assert.Equal(t, call2, p.Also[0].Request)
	assert.Equal(t, call3, p.Also[1].Request)

	// Replies in any order: 3, then 2, then 1.
	require.NoError(t, e.Deliver(p.Also[1].ID, pims.Success("t3", map[string]any{"phoneNumber": nil}), nil))
	assert.Len(t, e.Next().Also, 1, "a delivered call is no longer listed")
	require.NoError(t, e.Deliver(p.Also[0].ID, pims.Success("t2", map[string]any{"isAccountBlocked": "NotBlocked"}), nil))
	require.NoError(t, e.Deliver(p.Call.ID, pims.Success("t1", map[string]any{"isDeviceActivated": false}), nil))

	assert.Equal(t, enrollfsm.PromptPhoneNumber, e.Next().Prompt)
	assert.Equal(t, []enrollfsm.State{enrollment.CheckingEnrollment, enrollment.CheckingAccount, enrollment.CheckingPhone, enrollment.AwaitingPhoneNumber}, path,
		"the machine passes through each check, reading each reply in turn")
	assert.Equal(t, 3, e.Counters().Calls)
}

func TestPrefetch_WaitsForAReplyNotYetIn(t *testing.T) {
	e, err := enrollfsm.New(enrollfsm.FlowFull, enrollfsm.WithPrefetch(true))
	require.NoError(t, err)
	p := e.Next()
	require.NoError(t, e.Deliver(p.Call.ID, pims.Success("t1", map[string]any{"isDeviceActivated": false}), nil))
	q := e.Next()
	assert.Equal(t, p.Also[0].ID, q.Call.ID, "call 2, already made, is pending: only its reply is awaited")
	assert.True(t, q.Call.Ahead)
	assert.Len(t, q.Also, 1)
	require.NoError(t, e.Deliver(q.Call.ID, pims.Success("t2", map[string]any{"isAccountBlocked": "NotBlocked"}), nil))
	require.NoError(t, e.Deliver(p.Also[1].ID, pims.Success("t3", map[string]any{"phoneNumber": "0612345678"}), nil))
	assert.Equal(t, "5", e.Next().Call.Step)
}

// The cost: with the device enrolled already, calls 2 and 3 were made for
// nothing; their replies are taken and ignored.
func TestPrefetch_AlreadyEnrolledWastesTwoCalls(t *testing.T) {
	e, err := enrollfsm.New(enrollfsm.FlowShortcut, enrollfsm.WithPrefetch(true))
	require.NoError(t, err)
	p := e.Next()
	require.NoError(t, e.Deliver(p.Call.ID, pims.Success("t1", map[string]any{"isDeviceActivated": true}), nil))
	out, _ := e.Outcome()
	assert.Equal(t, enrollfsm.Enrolled, out.State)
	for _, c := range p.Also {
		assert.NoError(t, e.Deliver(c.ID, pims.Success("t", map[string]any{}), nil), "a late reply to a call made ahead is taken")
	}
	assert.Equal(t, 3, e.Counters().Calls)
	assert.ErrorIs(t, e.Deliver(p.Also[0].ID, pims.Success("t", nil), nil), errNoCall)
}

// A prefetched reply is used only on the straight path: after a removal,
// call 3 is made again, since the account changed.
func TestPrefetch_DroppedOffTheStraightPath(t *testing.T) {
	e, err := enrollfsm.New(enrollfsm.FlowFull, enrollfsm.WithPrefetch(true), enrollfsm.WithAutoRemove(true))
	require.NoError(t, err)
	p := e.Next()
	require.NoError(t, e.Deliver(p.Call.ID, pims.Success("t1", map[string]any{"isDeviceActivated": false}), nil))
	require.NoError(t, e.Deliver(p.Also[0].ID, pims.Success("t2", map[string]any{"isAccountBlocked": "AccountBlocked"}), nil))
	require.NoError(t, e.Deliver(p.Also[1].ID, pims.Success("t3", map[string]any{"phoneNumber": nil}), nil))
	q := e.Next()
	require.Equal(t, enrollment.RemovingEnrollments, q.State)
	require.NoError(t, e.Deliver(q.Call.ID, pims.Success("tA", nil), nil))
	q = e.Next()
	assert.Equal(t, enrollment.CheckingPhone, q.State)
	assert.False(t, q.Call.Ahead, "call 3 is made again after the removal")
	assert.Equal(t, call3, q.Call.Request)
}

func TestPrefetch_AccountOperationsIgnoreIt(t *testing.T) {
	e, err := enrollfsm.New(enrollfsm.FlowUpdatePIN, enrollfsm.WithPrefetch(true))
	require.NoError(t, err)
	assert.Empty(t, e.Next().Also)
}

// depthBackend measures the critical path in round trips: a call's depth is
// one more than the deepest call that had come back when it started.
type depthBackend struct {
	pims.Backend
	latency time.Duration
	mu      sync.Mutex
	done    int // deepest completed
	max     int
	calls   int
}

func (d *depthBackend) Call(ctx context.Context, r pims.Request) (pims.Message, error) {
	d.mu.Lock()
	depth := d.done + 1
	d.calls++
	d.mu.Unlock()
	time.Sleep(d.latency)
	msg, err := d.Backend.Call(ctx, r)
	d.mu.Lock()
	d.done = max(d.done, depth)
	d.max = max(d.max, depth)
	d.mu.Unlock()
	return msg, err
}

// roundTrips runs to the first prompt (or the end) and returns the round
// trips on the critical path and the calls made.
func roundTrips(t testing.TB, prefetch bool, sit simulator.Situation, latency time.Duration) (int, int) {
	sim := simulator.MustNew(simulator.WithSituation(sit))
	b := &depthBackend{Backend: sim, latency: latency}
	e, err := enrollfsm.New(enrollfsm.FlowFull, enrollfsm.WithPrefetch(prefetch))
	require.NoError(t, err)
	_, err = e.Advance(context.Background(), b)
	require.NoError(t, err)
	return b.max, b.calls
}

func TestPrefetch_OneRoundTripBeforeTheFirstPrompt(t *testing.T) {
	trips, calls := roundTrips(t, false, simulator.SituationNew, 5*time.Millisecond)
	assert.Equal(t, 3, trips)
	assert.Equal(t, 3, calls)
	trips, calls = roundTrips(t, true, simulator.SituationNew, 5*time.Millisecond)
	assert.Equal(t, 1, trips)
	assert.Equal(t, 3, calls)
	trips, calls = roundTrips(t, true, simulator.SituationEnrolled, 5*time.Millisecond)
	assert.Equal(t, 1, trips)
	assert.Equal(t, 3, calls, "two calls wasted on an enrolled device")
}

func TestPrefetch_CancelDuringTheCalls(t *testing.T) {
	e, err := enrollfsm.New(enrollfsm.FlowFull, enrollfsm.WithPrefetch(true))
	require.NoError(t, err)
	started := make(chan struct{}, 3)
	b := pims.BackendFunc(func(ctx context.Context, _ pims.Request) (pims.Message, error) {
		started <- struct{}{}
		<-ctx.Done()
		return pims.Message{}, ctx.Err()
	})
	done := make(chan enrollfsm.Pending)
	go func() {
		p, _ := e.Advance(context.Background(), b)
		done <- p
	}()
	for i := 0; i < 3; i++ {
		<-started
	}
	require.NoError(t, e.Cancel())
	p := <-done
	assert.Equal(t, enrollfsm.PendingNone, p.Kind)
	assert.Equal(t, enrollfsm.Cancelled, e.State())
	assert.Equal(t, 3, e.Counters().Calls)
}
