package simulator_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/enrolltest"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/simulator"
)

// user answers the engine's prompts as a person reading the simulator's SMS
// would. pins are the answers to the pin prompt, in order (the last repeats).
type user struct {
	sim     *simulator.Simulator
	pins    []string
	answers []enrollfsm.Answer
	forgot  bool // answer forgot_pin at the first pin prompt
}

func (u *user) Answer(_ context.Context, p enrollfsm.Pending) (enrollfsm.Answer, error) {
	if len(u.answers) > 300 {
		return enrollfsm.Answer{}, errors.New("too many answers")
	}
	a := u.answer(p)
	u.answers = append(u.answers, a)
	return a, nil
}

func (u *user) answer(p enrollfsm.Pending) enrollfsm.Answer {
	v := func(s string) enrollfsm.Answer { return enrollfsm.Value(p.Prompt, s) }
	switch p.Prompt {
	case enrollfsm.PromptPhoneNumber:
		return v(ph)
	case enrollfsm.PromptCertificationCode:
		c, _ := u.sim.LastCode(simulator.KindCertification)
		return v(c)
	case enrollfsm.PromptEnrollmentCode:
		c, _ := u.sim.LastCode(simulator.KindEnrollment)
		return v(c)
	case enrollfsm.PromptNewPIN:
		return v(newPIN)
	case enrollfsm.PromptPIN, enrollfsm.PromptOldPIN:
		if u.forgot && p.Prompt == enrollfsm.PromptPIN {
			u.forgot = false
			return enrollfsm.Act(p.Prompt, enrollfsm.ActionForgotPIN)
		}
		pin := simulator.DefaultPIN
		if len(u.pins) > 0 {
			pin = u.pins[0]
			if len(u.pins) > 1 {
				u.pins = u.pins[1:]
			}
		}
		return v(pin)
	case enrollfsm.PromptConfirmRemoval:
		return enrollfsm.Act(p.Prompt, enrollfsm.ActionYes)
	}
	return enrollfsm.Act(p.Prompt, enrollfsm.ActionRetry)
}

// TestEngineAgainstSimulator runs the engine's flows end to end: the
// simulator must answer each as the tutorial's server would.
func TestEngineAgainstSimulator(t *testing.T) {
	cases := []struct {
		name   string
		flow   enrollfsm.Flow
		sit    simulator.Situation
		ios    bool
		pins   []string
		forgot bool
		lock   int // the server's wrong-PIN lock, when not the engine's
		want   enrollfsm.State
		check  func(t *testing.T, a simulator.Account)
	}{
		{name: "full from a new account", flow: enrollfsm.FlowFull, sit: simulator.SituationNew, want: enrollfsm.Enrolled,
			check: func(t *testing.T, a simulator.Account) { assert.Equal(t, ph, a.Phone); assert.Equal(t, newPIN, a.PIN) }},
		{name: "full from a new account on iOS", flow: enrollfsm.FlowFull, sit: simulator.SituationNew, ios: true, want: enrollfsm.Enrolled},
		{name: "shortcut from a new account", flow: enrollfsm.FlowShortcut, sit: simulator.SituationNew, want: enrollfsm.Enrolled,
			check: func(t *testing.T, a simulator.Account) { assert.Equal(t, ph, a.Phone); assert.Equal(t, newPIN, a.PIN) }},
		{name: "shortcut with a phone", flow: enrollfsm.FlowShortcut, sit: simulator.SituationHasPhone, ios: true, want: enrollfsm.Enrolled},
		{name: "full with a PIN", flow: enrollfsm.FlowFull, sit: simulator.SituationPINExists, want: enrollfsm.Enrolled,
			check: func(t *testing.T, a simulator.Account) { assert.Equal(t, 1, a.OtherDevices) }},
		{name: "full with a PIN, one wrong", flow: enrollfsm.FlowFull, sit: simulator.SituationPINExists, pins: []string{"0000", simulator.DefaultPIN}, want: enrollfsm.Enrolled},
		{name: "full with a PIN, forgotten", flow: enrollfsm.FlowFull, sit: simulator.SituationPINExists, forgot: true, want: enrollfsm.Enrolled,
			check: func(t *testing.T, a simulator.Account) { assert.Equal(t, newPIN, a.PIN) }},
		{name: "full, five wrong PINs end the run as the server locks the PIN", flow: enrollfsm.FlowFull, sit: simulator.SituationPINExists,
			pins: []string{"0000", "0001", "0002", "0003", "0004"}, want: enrollfsm.Failed,
			check: func(t *testing.T, a simulator.Account) { assert.Equal(t, simulator.PINBlocked, a.Blocked) }},
		{name: "update PIN, five wrong PINs end the run as the server locks the PIN", flow: enrollfsm.FlowUpdatePIN, sit: simulator.SituationEnrolled,
			pins: []string{"0000", "0001", "0002", "0003", "0004"}, want: enrollfsm.Failed,
			check: func(t *testing.T, a simulator.Account) { assert.Equal(t, simulator.PINBlocked, a.Blocked) }},
		{name: "full, a server that locks the PIN first, removal, new PIN", flow: enrollfsm.FlowFull, sit: simulator.SituationPINExists,
			pins: []string{"0000", "0001", "0002"}, lock: 2, want: enrollfsm.Enrolled,
			check: func(t *testing.T, a simulator.Account) {
				assert.Equal(t, newPIN, a.PIN)
				assert.Zero(t, a.OtherDevices)
				assert.Equal(t, simulator.NotBlocked, a.Blocked)
			}},
		{name: "full from a blocked account", flow: enrollfsm.FlowFull, sit: simulator.SituationBlocked, want: enrollfsm.Enrolled,
			check: func(t *testing.T, a simulator.Account) {
				assert.Zero(t, a.OtherDevices)
				assert.Equal(t, newPIN, a.PIN)
			}},
		{name: "full from a PIN-blocked account", flow: enrollfsm.FlowFull, sit: simulator.SituationPINBlocked, ios: true, want: enrollfsm.Enrolled},
		{name: "full when enrolled", flow: enrollfsm.FlowFull, sit: simulator.SituationEnrolled, want: enrollfsm.Enrolled},
		{name: "reset PIN", flow: enrollfsm.FlowResetPIN, sit: simulator.SituationEnrolled, want: enrollfsm.Done,
			check: func(t *testing.T, a simulator.Account) { assert.Equal(t, newPIN, a.PIN) }},
		{name: "reset PIN on iOS", flow: enrollfsm.FlowResetPIN, sit: simulator.SituationEnrolled, ios: true, want: enrollfsm.Done},
		{name: "reset PIN, not enrolled", flow: enrollfsm.FlowResetPIN, sit: simulator.SituationPINExists, want: enrollfsm.Failed},
		{name: "update PIN", flow: enrollfsm.FlowUpdatePIN, sit: simulator.SituationEnrolled, want: enrollfsm.Done,
			check: func(t *testing.T, a simulator.Account) { assert.Equal(t, newPIN, a.PIN) }},
		{name: "modify phone", flow: enrollfsm.FlowModifyPhone, sit: simulator.SituationEnrolled, want: enrollfsm.Done,
			check: func(t *testing.T, a simulator.Account) { assert.Equal(t, ph, a.Phone) }},
		{name: "remove enrollments", flow: enrollfsm.FlowRemoveEnrollments, sit: simulator.SituationEnrolled, want: enrollfsm.Done,
			check: func(t *testing.T, a simulator.Account) { assert.False(t, a.DeviceActivated); assert.Empty(t, a.PIN) }},
		{name: "remove vehicle", flow: enrollfsm.FlowRemoveVehicle, sit: simulator.SituationEnrolled, want: enrollfsm.Done,
			check: func(t *testing.T, a simulator.Account) { assert.Empty(t, a.Vehicles) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clk := enrolltest.NewClock(enrolltest.Epoch)
			simOpts := []simulator.Option{simulator.WithSituation(tc.sit), simulator.WithNow(clk.Now)}
			if tc.lock > 0 {
				simOpts = append(simOpts, simulator.WithMaxWrongPINs(tc.lock))
			}
			engOpts := []enrollfsm.Option{enrollfsm.WithClock(clk), enrollfsm.WithVIN(simulator.DefaultVIN)}
			if tc.ios {
				simOpts = append(simOpts, simulator.WithPlatform(simulator.IOS))
				engOpts = append(engOpts, enrollfsm.WithPlatform(enrollfsm.IOS))
			}
			sim := simulator.MustNew(simOpts...)
			eng, err := enrollfsm.New(tc.flow, engOpts...)
			require.NoError(t, err)
			u := &user{sim: sim, pins: tc.pins, forgot: tc.forgot}
			out, err := eng.Run(context.Background(), sim, u)
			require.NoError(t, err)
			require.Equal(t, tc.want, out.State, "failure %s: %v; answers %v", out.Failure, out.Err, u.answers)
			assert.Empty(t, out.Warnings)
			if tc.flow == enrollfsm.FlowFull || tc.flow == enrollfsm.FlowShortcut {
				assert.Equal(t, tc.want == enrollfsm.Enrolled, sim.DeviceActivated())
			}
			if tc.check != nil {
				tc.check(t, sim.Account())
			}
		})
	}
}

// TestEngineUnderFaults: with transient faults, bridge errors and lost
// replies drawn at random, and a user who always retries, every run ends,
// and the engine says enrolled exactly when the simulator's device is.
func TestEngineUnderFaults(t *testing.T) {
	transient := []pimserr.Code{pimserr.CodeTimeout, pimserr.CodeNoInternet, pimserr.CodeServerError, pimserr.CodeNoService}
	enrolled := 0
	for seed := int64(1); seed <= 24; seed++ {
		for _, flow := range []enrollfsm.Flow{enrollfsm.FlowFull, enrollfsm.FlowShortcut} {
			t.Run(fmt.Sprintf("%s/%d", flow, seed), func(t *testing.T) {
				clk := enrolltest.NewClock(enrolltest.Epoch)
				sit := simulator.Situations()[int(seed)%len(simulator.Situations())]
				sim := simulator.MustNew(simulator.WithSeed(seed), simulator.WithSituation(sit), simulator.WithNow(clk.Now),
					simulator.WithFaults(simulator.Faults{Rate: 0.25, Codes: transient, Bridge: true, Lost: true}))
				eng, err := enrollfsm.New(flow, enrollfsm.WithClock(clk), enrollfsm.WithAutoRemove(true))
				require.NoError(t, err)
				u := &user{sim: sim}
				out, err := eng.Run(context.Background(), sim, u)
				require.NoError(t, err)
				if out.State == enrollfsm.Enrolled {
					enrolled++
					assert.True(t, sim.DeviceActivated())
				} else {
					assert.Equal(t, enrollfsm.Failed, out.State)
					t.Logf("%s from %s: %s (%v)", flow, sit, out.Failure, out.Err)
				}
			})
		}
	}
	assert.Greater(t, enrolled, 40, "most runs enroll")
}

// Reference: issue 27, "the demo promises tries the server does not give":
// the server locks the PIN at the engine's own bound, not before.
func TestDefaultPINLockIsTheEnginesBound(t *testing.T) {
	assert.Equal(t, enrollfsm.DefaultLimits().PINAttempts, simulator.DefaultMaxWrongPINs)
}
