package simulator_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/pims"
	"github.com/enrollfsm/enrollfsm/simulator"
)

func TestSituations(t *testing.T) {
	vins := []string{simulator.DefaultVIN}
	cases := []struct {
		sit       simulator.Situation
		account   simulator.Account
		activated bool
		blocked   string
		phone     any
	}{
		{simulator.SituationNew, simulator.Account{Blocked: simulator.NotBlocked, Vehicles: vins}, false, simulator.NotBlocked, nil},
		{simulator.SituationHasPhone, simulator.Account{Phone: simulator.DefaultPhone, Blocked: simulator.NotBlocked, Vehicles: vins},
			false, simulator.NotBlocked, simulator.DefaultPhone},
		{simulator.SituationPINExists, simulator.Account{Phone: simulator.DefaultPhone, PIN: simulator.DefaultPIN, Blocked: simulator.NotBlocked,
			OtherDevices: 1, Vehicles: vins}, false, simulator.NotBlocked, simulator.DefaultPhone},
		{simulator.SituationBlocked, simulator.Account{Phone: simulator.DefaultPhone, PIN: simulator.DefaultPIN, Blocked: simulator.AccountBlocked,
			OtherDevices: simulator.DefaultMaxDevices, Vehicles: vins}, false, simulator.AccountBlocked, simulator.DefaultPhone},
		{simulator.SituationPINBlocked, simulator.Account{Phone: simulator.DefaultPhone, PIN: simulator.DefaultPIN, Blocked: simulator.PINBlocked,
			OtherDevices: 1, Vehicles: vins}, false, simulator.PINBlocked, simulator.DefaultPhone},
		{simulator.SituationEnrolled, simulator.Account{Phone: simulator.DefaultPhone, PIN: simulator.DefaultPIN, Blocked: simulator.NotBlocked,
			DeviceActivated: true, Vehicles: vins}, true, simulator.NotBlocked, simulator.DefaultPhone},
	}
	require.Len(t, cases, len(simulator.Situations()))
	for i, tc := range cases {
		t.Run(string(tc.sit), func(t *testing.T) {
			require.Equal(t, simulator.Situations()[i], tc.sit)
			s := simulator.MustNew(simulator.WithSituation(tc.sit))
			assert.Equal(t, tc.account, s.Account())
			assert.Equal(t, tc.activated, s.DeviceActivated())
			assert.Equal(t, map[string]any{"isDeviceActivated": tc.activated}, do(t, s, reqActivated).Result) // 1
			assert.Equal(t, map[string]any{"isAccountBlocked": tc.blocked}, do(t, s, reqBlocked).Result)      // 2
			assert.Equal(t, map[string]any{"phoneNumber": tc.phone}, do(t, s, reqPhone).Result)               // 3
		})
	}
}

func TestNewDefaultsAndOrder(t *testing.T) {
	// The blocked preset fills the device limit, whatever the option order.
	a := simulator.MustNew(simulator.WithSituation(simulator.SituationBlocked), simulator.WithMaxDevices(2)).Account()
	b := simulator.MustNew(simulator.WithMaxDevices(2), simulator.WithSituation(simulator.SituationBlocked)).Account()
	assert.Equal(t, 2, a.OtherDevices)
	assert.Equal(t, a, b)

	// The last of WithSituation and WithAccount wins.
	s := simulator.MustNew(simulator.WithAccount(simulator.Account{Phone: ph}), simulator.WithSituation(simulator.SituationEnrolled))
	assert.True(t, s.DeviceActivated())
	s = simulator.MustNew(simulator.WithSituation(simulator.SituationEnrolled), simulator.WithAccount(simulator.Account{Phone: ph}))
	assert.Equal(t, simulator.Account{Phone: ph, Blocked: simulator.NotBlocked, Vehicles: []string{simulator.DefaultVIN}}, s.Account())

	// WithAccount keeps its own copy; Account returns one.
	vins := []string{otherVIN}
	s = simulator.MustNew(simulator.WithAccount(simulator.Account{Vehicles: vins}))
	vins[0] = "changed"
	got := s.Account()
	assert.Equal(t, []string{otherVIN}, got.Vehicles)
	got.Vehicles[0] = "changed"
	assert.Equal(t, []string{otherVIN}, s.Account().Vehicles)
}

func TestNewPanicsOnBadOptions(t *testing.T) {
	for name, opt := range map[string]simulator.Option{
		"platform":       simulator.WithPlatform("windows"),
		"situation":      simulator.WithSituation("gone"),
		"blocked":        simulator.WithAccount(simulator.Account{Blocked: "Blocked"}),
		"other devices":  simulator.WithAccount(simulator.Account{OtherDevices: -1}),
		"max devices":    simulator.WithMaxDevices(0),
		"max wrong PINs": simulator.WithMaxWrongPINs(0),
		"nil clock":      simulator.WithNow(nil),
	} {
		assert.Panics(t, func() { simulator.MustNew(opt) }, name)
	}
}

func TestTransactionIDsAndRequests(t *testing.T) {
	s := simulator.MustNew(simulator.WithSituation(simulator.SituationHasPhone))
	r := req(pims.Get, simulator.APIAccount, "actionType", "strong", "type", "isDeviceActivated")
	for i := 1; i <= 3; i++ {
		m, err := s.Call(context.Background(), r)
		require.NoError(t, err)
		assert.Equal(t, fmt.Sprintf("sim-%06d", i), m.TransactionID)
	}
	m := do(t, s, req(pims.Get, "nope"))
	assert.Equal(t, "sim-000004", m.TransactionID, "a refused call has one too")

	got := s.Requests()
	require.Len(t, got, 4)
	assert.Equal(t, "isDeviceActivated", got[0].Params.Value("type"))
	got[1] = pims.Request{}
	assert.Equal(t, "isDeviceActivated", s.Requests()[1].Params.Value("type"), "Requests returns a copy of the list")
	assert.Zero(t, got[3].Params.Len(), "a request without parameters is recorded with none")
}

func TestDeterministicForASeed(t *testing.T) {
	run := func(seed int64) ([]pims.Message, []error, []simulator.SMS, []time.Duration) {
		var slept []time.Duration
		s := simulator.MustNew(
			simulator.WithSeed(seed),
			simulator.WithNow(newClock().Now),
			simulator.WithLatency(time.Millisecond, time.Second),
			simulator.WithSleep(func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil }),
			simulator.WithFaults(simulator.Faults{Rate: 0.3, Bridge: true, Lost: true}),
		)
		var msgs []pims.Message
		var errs []error
		for i := 0; i < 40; i++ {
			for _, r := range []pims.Request{reqActivated, reqBlocked, reqPhone, reqCertSMS(ph), reqAddPhone(ph, certCode), reqEnrSMS, reqCheckPIN, reqEnroll(newPIN), reqRemove} {
				m, err := s.Call(context.Background(), fill(s, r))
				msgs, errs = append(msgs, m), append(errs, err)
			}
		}
		return msgs, errs, s.Outbox(), slept
	}
	m1, e1, o1, l1 := run(7)
	m2, e2, o2, l2 := run(7)
	assert.Equal(t, m1, m2)
	assert.Equal(t, e1, e2)
	assert.Equal(t, o1, o2)
	assert.Equal(t, l1, l2)
	require.NotEmpty(t, o1)

	_, _, o3, l3 := run(8)
	assert.NotEqual(t, l1, l3, "another seed, other latencies")
	require.NotEmpty(t, o3)
	assert.NotEqual(t, o1[0].Code, o3[0].Code, "another seed, other codes")

	// The default seed is 1.
	firstCode := func(opts ...simulator.Option) string {
		s := simulator.MustNew(opts...)
		ok(t, s, reqCertSMS(ph))
		c, _ := s.LastCode(simulator.KindCertification)
		return c
	}
	assert.Equal(t, firstCode(simulator.WithSeed(1)), firstCode())
}

func TestSMSStringMasksCodeAndPhone(t *testing.T) {
	for seed := int64(1); seed <= 20; seed++ {
		s := simulator.MustNew(simulator.WithSeed(seed), simulator.WithSituation(simulator.SituationHasPhone))
		ok(t, s, reqCertSMS("+33611223344"), reqEnrSMS)
		for _, m := range s.Outbox() {
			var logged bytes.Buffer
			slog.New(slog.NewJSONHandler(&logged, nil)).Info("sent", "sms", m)
			for _, out := range []string{m.String(), fmt.Sprint(m), fmt.Sprintf("%v %+v %#v %s %q %d", m, m, m, m, m, m),
				fmt.Sprint([]simulator.SMS{m}), logged.String()} {
				assert.NotContains(t, out, m.Code)
				assert.NotContains(t, out, m.To)
				assert.NotContains(t, out, m.To[3:9], "the middle digits of the phone")
			}
		}
	}
	s := simulator.MustNew(simulator.WithSituation(simulator.SituationHasPhone))
	ok(t, s, reqEnrSMS, reqCertSMS("+33611223344"))
	out := s.Outbox()
	assert.Equal(t, "SMS to 06••••••78: enrollment code ••••", out[0].String())
	assert.Equal(t, "SMS to +33•••••••44: phoneNumberCertification code ••••", out[1].String())
}

func TestSMSCallback(t *testing.T) {
	var got []simulator.SMS
	var s *simulator.Simulator
	s = simulator.MustNew(simulator.WithSituation(simulator.SituationHasPhone), simulator.WithSMS(func(m simulator.SMS) {
		// Called outside the lock: reading the simulator must not deadlock.
		c, found := s.LastCode(m.Kind)
		assert.True(t, found)
		assert.Equal(t, m.Code, c)
		got = append(got, m)
	}))
	ok(t, s, reqActivated, reqEnrSMS, reqCertSMS(ph))
	assert.Equal(t, s.Outbox(), got)
	require.Len(t, got, 2)
	assert.Equal(t, simulator.DefaultPhone, got[0].To)
	assert.Equal(t, ph, got[1].To)
}

func TestConcurrentCalls(t *testing.T) {
	var mu sync.Mutex
	sent := 0
	s := simulator.MustNew(
		simulator.WithSituation(simulator.SituationPINExists),
		simulator.WithFaults(simulator.Faults{Rate: 0.2, Bridge: true, Lost: true}),
		simulator.WithLatency(0, time.Microsecond),
		simulator.WithSMS(func(simulator.SMS) { mu.Lock(); sent++; mu.Unlock() }),
	)
	const workers, calls = 8, 40
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rs := []pims.Request{reqActivated, reqBlocked, reqPhone, reqEnrSMS, reqCheckPIN, reqEnroll(simulator.DefaultPIN), reqRemove, reqCertSMS(ph)}
			for i := 0; i < calls; i++ {
				m, err := s.Call(context.Background(), fill(s, rs[(w+i)%len(rs)]))
				if err == nil {
					assert.NoError(t, m.Check())
				}
				_ = s.Account()
				_ = s.Outbox()
				_ = s.DeviceActivated()
				if i%10 == 0 {
					s.InjectNext(pimserr.CodeServerError)
				}
			}
		}()
	}
	wg.Wait()
	assert.Len(t, s.Requests(), workers*calls)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, len(s.Outbox()), sent)
	assert.Contains(t, []string{simulator.NotBlocked, simulator.AccountBlocked, simulator.PINBlocked}, s.Account().Blocked)
}

func TestCallRecordsEvenUnknownRequests(t *testing.T) {
	s := simulator.MustNew()
	m := do(t, s, pims.Request{Op: pims.Get, API: simulator.APITrustedPhone})
	assert.Equal(t, pims.Succeeded, m.Status, "nil params are no params")
	assert.True(t, strings.HasPrefix(m.TransactionID, "sim-"))
}
