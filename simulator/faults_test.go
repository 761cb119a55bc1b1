package simulator_test

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/pims"
	"github.com/enrollfsm/enrollfsm/simulator"
)

func TestInjectNextEveryCode(t *testing.T) {
	for _, c := range append(pimserr.Codes(), 9999) {
		t.Run(c.String(), func(t *testing.T) {
			s := simulator.MustNew(simulator.WithSituation(simulator.SituationHasPhone))
			s.InjectNext(c)
			m := do(t, s, reqEnrSMS)
			assert.Equal(t, pims.Failure("sim-000001", c), m)
			assert.Equal(t, c.Label(), m.Error.Label)
			if c == pimserr.CodePostSyncFailed {
				assert.Len(t, s.Outbox(), 1, "2316: the server acted")
			} else {
				assert.Empty(t, s.Outbox(), "a get that fails does not act")
			}
			assert.Equal(t, pims.Succeeded, do(t, s, reqEnrSMS).Status, "one call only")
		})
	}
}

func TestInjectNextQueues(t *testing.T) {
	s := simulator.MustNew()
	s.InjectNext(pimserr.CodeNoInternet)
	s.InjectBridgeError()
	s.InjectNext(pimserr.CodeServerError)
	assert.Equal(t, pimserr.CodeNoInternet, code(do(t, s, reqPhone)))
	_, err := s.Call(context.Background(), reqPhone)
	assert.ErrorIs(t, err, simulator.ErrBridge)
	assert.Equal(t, pimserr.CodeServerError, code(do(t, s, reqPhone)))
	assert.Equal(t, pims.Succeeded, do(t, s, reqPhone).Status)
}

func TestInjectedFaultsOnSetCalls(t *testing.T) {
	newSim := func(seed int64) *simulator.Simulator {
		s := simulator.MustNew(simulator.WithSeed(seed), simulator.WithSituation(simulator.SituationPINExists))
		ok(t, s, reqEnrSMS, reqCheckPIN)
		return s
	}

	t.Run("plain code does not act", func(t *testing.T) {
		s := newSim(1)
		s.InjectNext(pimserr.CodeServerError)
		assert.Equal(t, pimserr.CodeServerError, code(do(t, s, reqEnroll(simulator.DefaultPIN))))
		assert.False(t, s.DeviceActivated())
	})
	t.Run("2316 acts", func(t *testing.T) {
		s := newSim(1)
		s.InjectNext(pimserr.CodePostSyncFailed)
		assert.Equal(t, pimserr.CodePostSyncFailed, code(do(t, s, reqEnroll(simulator.DefaultPIN))))
		assert.True(t, s.DeviceActivated())
	})
	t.Run("2316 on a refused call gives the refusal", func(t *testing.T) {
		s := newSim(1)
		s.InjectNext(pimserr.CodePostSyncFailed)
		assert.Equal(t, pimserr.CodeAccessRefused, code(do(t, s, reqEnroll("0000"))))
		assert.False(t, s.DeviceActivated())
	})
	t.Run("2201 on a set acts half the time", func(t *testing.T) {
		acted := map[bool]int{}
		for seed := int64(1); seed <= 40; seed++ {
			s := newSim(seed)
			s.InjectNext(pimserr.CodeTimeout)
			assert.Equal(t, pimserr.CodeTimeout, code(do(t, s, reqEnroll(simulator.DefaultPIN))))
			acted[s.DeviceActivated()]++

			again := newSim(seed) // the same seed, the same outcome
			again.InjectNext(pimserr.CodeTimeout)
			do(t, again, reqEnroll(simulator.DefaultPIN))
			assert.Equal(t, s.DeviceActivated(), again.DeviceActivated(), "seed %d", seed)
		}
		assert.Greater(t, acted[true], 5)
		assert.Greater(t, acted[false], 5)
	})
	t.Run("2201 on a get never acts", func(t *testing.T) {
		for seed := int64(1); seed <= 10; seed++ {
			s := simulator.MustNew(simulator.WithSeed(seed))
			s.InjectNext(pimserr.CodeTimeout)
			assert.Equal(t, pimserr.CodeTimeout, code(do(t, s, reqCertSMS(ph))))
			assert.Empty(t, s.Outbox())
		}
	})
	t.Run("bridge error does not act", func(t *testing.T) {
		s := newSim(1)
		s.InjectBridgeError()
		m, err := s.Call(context.Background(), reqEnroll(simulator.DefaultPIN))
		assert.ErrorIs(t, err, simulator.ErrBridge)
		assert.Equal(t, pims.Message{}, m)
		assert.False(t, s.DeviceActivated())
		var perr *pimserr.ProtocolError
		assert.False(t, errors.As(err, &perr), "not a bad reply: no message came back")
	})
	t.Run("lost reply acts", func(t *testing.T) {
		s := newSim(1)
		s.InjectLostReply()
		m, err := s.Call(context.Background(), reqEnroll(simulator.DefaultPIN))
		assert.ErrorIs(t, err, simulator.ErrLostReply)
		assert.Equal(t, pims.Message{}, m)
		assert.True(t, s.DeviceActivated())
		assert.Equal(t, pimserr.CodeForbidden, code(do(t, s, reqEnroll(simulator.DefaultPIN))), "a blind retry is refused")
	})
	t.Run("lost reply of an SMS request sends it", func(t *testing.T) {
		s := newSim(1)
		s.InjectLostReply()
		_, err := s.Call(context.Background(), reqEnrSMS)
		assert.ErrorIs(t, err, simulator.ErrLostReply)
		assert.Len(t, s.Outbox(), 2)
	})
}

func TestDrawnFaults(t *testing.T) {
	t.Run("rate 1 with one code", func(t *testing.T) {
		s := simulator.MustNew(simulator.WithSituation(simulator.SituationHasPhone),
			simulator.WithFaults(simulator.Faults{Rate: 1, Codes: []pimserr.Code{pimserr.CodeServerError}}))
		for _, r := range []pims.Request{reqActivated, reqBlocked, reqPhone, reqEnrSMS, reqCheckPIN, reqRemove} {
			assert.Equal(t, pimserr.CodeServerError, code(do(t, s, r)))
		}
		assert.Empty(t, s.Outbox())
		assert.Equal(t, simulator.DefaultPhone, s.Account().Phone)
	})
	t.Run("rate 1 with every code", func(t *testing.T) {
		s := simulator.MustNew(simulator.WithFaults(simulator.Faults{Rate: 1}))
		seen := map[pimserr.Code]bool{}
		for i := 0; i < 400; i++ {
			m := do(t, s, reqActivated)
			require.Equal(t, pims.Failed, m.Status)
			c := code(m)
			assert.True(t, c.Known(), "%d", c)
			assert.Equal(t, c.Label(), m.Error.Label)
			seen[c] = true
		}
		assert.Len(t, seen, len(pimserr.Codes()), "every documented code is drawn")
	})
	t.Run("rate 1, bridge and lost only", func(t *testing.T) {
		s := simulator.MustNew(simulator.WithSituation(simulator.SituationHasPhone),
			simulator.WithFaults(simulator.Faults{Rate: 1, Codes: []pimserr.Code{}, Bridge: true, Lost: true}))
		seen := map[error]int{}
		for i := 0; i < 40; i++ {
			m, err := s.Call(context.Background(), reqEnrSMS)
			require.Error(t, err)
			assert.Equal(t, pims.Message{}, m)
			seen[err]++
		}
		assert.Greater(t, seen[simulator.ErrBridge], 0)
		assert.Greater(t, seen[simulator.ErrLostReply], 0)
		assert.Len(t, s.Outbox(), seen[simulator.ErrLostReply], "only lost replies acted")
	})
	t.Run("rate 1, nothing to draw", func(t *testing.T) {
		s := simulator.MustNew(simulator.WithFaults(simulator.Faults{Rate: 1, Codes: []pimserr.Code{}}))
		assert.Equal(t, pims.Succeeded, do(t, s, reqActivated).Status)
	})
	t.Run("rate out of range", func(t *testing.T) {
		s := simulator.MustNew(simulator.WithFaults(simulator.Faults{Rate: 7, Codes: []pimserr.Code{pimserr.CodeNoService}}))
		assert.Equal(t, pimserr.CodeNoService, code(do(t, s, reqActivated)))
		s = simulator.MustNew(simulator.WithFaults(simulator.Faults{Rate: math.NaN(), Bridge: true}))
		assert.Equal(t, pims.Succeeded, do(t, s, reqActivated).Status)
	})
	t.Run("rate 0 never", func(t *testing.T) {
		s := simulator.MustNew(simulator.WithFaults(simulator.Faults{Rate: 0, Bridge: true}))
		for i := 0; i < 50; i++ {
			assert.Equal(t, pims.Succeeded, do(t, s, reqActivated).Status)
		}
	})
	t.Run("rate 0.5 about half", func(t *testing.T) {
		s := simulator.MustNew(simulator.WithFaults(simulator.Faults{Rate: 0.5, Codes: []pimserr.Code{pimserr.CodeNoService}}))
		failed := 0
		for i := 0; i < 400; i++ {
			if do(t, s, reqActivated).Status == pims.Failed {
				failed++
			}
		}
		assert.InDelta(t, 200, failed, 50)
	})
	t.Run("injected before drawn", func(t *testing.T) {
		s := simulator.MustNew(simulator.WithFaults(simulator.Faults{Rate: 1, Codes: []pimserr.Code{pimserr.CodeNoService}}))
		s.InjectNext(pimserr.CodeVersionError)
		assert.Equal(t, pimserr.CodeVersionError, code(do(t, s, reqActivated)))
		assert.Equal(t, pimserr.CodeNoService, code(do(t, s, reqActivated)))
	})
}

func TestLatency(t *testing.T) {
	t.Run("seeded waits within bounds", func(t *testing.T) {
		var slept []time.Duration
		s := simulator.MustNew(simulator.WithLatency(10*time.Millisecond, 50*time.Millisecond),
			simulator.WithSleep(func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil }))
		for i := 0; i < 30; i++ {
			do(t, s, reqActivated)
		}
		require.Len(t, slept, 30)
		distinct := map[time.Duration]bool{}
		for _, d := range slept {
			assert.GreaterOrEqual(t, d, 10*time.Millisecond)
			assert.LessOrEqual(t, d, 50*time.Millisecond)
			distinct[d] = true
		}
		assert.Greater(t, len(distinct), 1)
	})
	t.Run("fixed", func(t *testing.T) {
		var slept []time.Duration
		s := simulator.MustNew(simulator.WithLatency(time.Second, 0), // max below min: min
			simulator.WithSleep(func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil }))
		do(t, s, reqActivated)
		assert.Equal(t, []time.Duration{time.Second}, slept)
	})
	t.Run("none: sleep not called", func(t *testing.T) {
		s := simulator.MustNew(simulator.WithSleep(func(context.Context, time.Duration) error { t.Fatal("slept"); return nil }))
		do(t, s, reqActivated)
	})
	t.Run("cancelled during the wait: nothing done", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		s := simulator.MustNew(simulator.WithSituation(simulator.SituationHasPhone), simulator.WithLatency(time.Second, time.Second),
			simulator.WithSleep(func(ctx context.Context, _ time.Duration) error { cancel(); return ctx.Err() }))
		s.InjectLostReply()
		m, err := s.Call(ctx, reqEnrSMS)
		assert.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, pims.Message{}, m)
		assert.Empty(t, s.Outbox())
		assert.Len(t, s.Requests(), 1, "received, not served")

		// The injection waits for the next call that reaches the server.
		_, err = s.Call(context.Background(), reqEnrSMS)
		assert.ErrorIs(t, err, simulator.ErrLostReply)
		assert.Len(t, s.Outbox(), 1)
	})
	t.Run("real timer honours ctx", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		s := simulator.MustNew(simulator.WithSituation(simulator.SituationHasPhone), simulator.WithLatency(time.Hour, time.Hour))
		start := time.Now()
		_, err := s.Call(ctx, reqEnrSMS)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Less(t, time.Since(start), 10*time.Second)
		assert.Empty(t, s.Outbox())
	})
	t.Run("real timer waits", func(t *testing.T) {
		s := simulator.MustNew(simulator.WithLatency(2*time.Millisecond, 2*time.Millisecond))
		start := time.Now()
		do(t, s, reqActivated)
		assert.GreaterOrEqual(t, time.Since(start), 2*time.Millisecond)
	})
	t.Run("ctx already done, no latency", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		s := simulator.MustNew(simulator.WithSituation(simulator.SituationHasPhone))
		_, err := s.Call(ctx, reqEnrSMS)
		assert.ErrorIs(t, err, context.Canceled)
		assert.Empty(t, s.Outbox())
	})
	t.Run("a sleep error without ctx is returned", func(t *testing.T) {
		boom := errors.New("boom")
		s := simulator.MustNew(simulator.WithLatency(time.Second, time.Second),
			simulator.WithSleep(func(context.Context, time.Duration) error { return boom }))
		_, err := s.Call(context.Background(), reqActivated)
		assert.ErrorIs(t, err, boom)
	})
}
