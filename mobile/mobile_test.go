package mobile_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm/mobile"
	"github.com/enrollfsm/enrollfsm/pims"
	"github.com/enrollfsm/enrollfsm/simulator"
)

// app plays the host app: its bridge turns the request JSON into a call of
// the simulator and the reply into the message JSON, as a Kotlin or Swift
// bridge does with pims.get / pims.set; its user reads the simulated SMS.
type app struct {
	t   *testing.T
	sim *simulator.Simulator

	pin, oldPIN string
	// before, if set, runs before each call the app makes (pull style).
	before func(p *mobile.Pending)
	// answer, if set, answers before the default user does; ok=false
	// falls through.
	answer func(p *mobile.Pending) (value, action string, ok bool)

	mu      sync.Mutex
	prompts []string
	typed   []string // the PINs typed
	seen    []string // everything the app printed or logged, for the secret canary
}

func newApp(t *testing.T, sim *simulator.Simulator) *app {
	return &app{t: t, sim: sim, pin: "4321", oldPIN: simulator.DefaultPIN}
}

func (a *app) print(s string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.seen = append(a.seen, s)
}

// Call is the push-style bridge (mobile.Backend).
func (a *app) Call(request string) ([]byte, error) {
	var req struct {
		Op     string            `json:"op"`
		API    string            `json:"api"`
		Params map[string]string `json:"params"`
	}
	if err := json.Unmarshal([]byte(request), &req); err != nil {
		return nil, err
	}
	msg, err := a.sim.Call(context.Background(), pims.Request{Op: pims.Op(req.Op), API: req.API, Params: pims.ParamsFrom(req.Params)})
	if err != nil {
		return nil, err
	}
	return json.Marshal(msg)
}

// Log is the app's mobile.Logger.
func (a *app) Log(level, message, attrs string) {
	require.True(a.t, json.Valid([]byte(attrs)), attrs)
	a.print(level + " " + message + " " + attrs)
}

// reply is the user's answer to a prompt.
func (a *app) reply(p *mobile.Pending) (value, action string) {
	a.mu.Lock()
	a.prompts = append(a.prompts, p.Prompt)
	a.mu.Unlock()
	a.print(p.String())
	if p.Reason != nil {
		a.print(p.Reason.JSON())
	}
	if a.answer != nil {
		if v, act, ok := a.answer(p); ok {
			return v, act
		}
	}
	code := func(kind string) string {
		c, ok := a.sim.LastCode(kind)
		require.True(a.t, ok, "no %s SMS was sent", kind)
		return c
	}
	switch p.Prompt {
	case mobile.PromptPhoneNumber:
		return "06 12 34 56 78", ""
	case mobile.PromptCertificationCode:
		return code(simulator.KindCertification), ""
	case mobile.PromptEnrollmentCode:
		return code(simulator.KindEnrollment), ""
	case mobile.PromptPIN, mobile.PromptNewPIN:
		return a.pin, ""
	case mobile.PromptOldPIN:
		return a.oldPIN, ""
	case mobile.PromptConfirmRemoval:
		return "", mobile.ActionYes
	case mobile.PromptRetry:
		return "", mobile.ActionRetry
	}
	a.t.Fatalf("unexpected prompt %q", p.Prompt)
	return "", ""
}

func (a *app) give(e *mobile.Engine, p *mobile.Pending) {
	v, act := a.reply(p)
	if strings.Contains(p.Prompt, "pin") && v != "" {
		a.mu.Lock()
		a.typed = append(a.typed, v)
		a.mu.Unlock()
	}
	var err error
	if act != "" {
		err = e.Act(p.Prompt, act)
	} else {
		err = e.Answer(p.Prompt, v)
	}
	if err != nil {
		a.print(err.Error())
	}
}

// push drives e with Advance until the run ends.
func (a *app) push(e *mobile.Engine) *mobile.Outcome {
	a.pushUntil(e, "")
	return a.outcome(e)
}

// pushUntil drives e with Advance until the run ends or stop is prompted,
// and returns what is then pending.
func (a *app) pushUntil(e *mobile.Engine, stop string) *mobile.Pending {
	for range 100 {
		p, err := e.Advance(a)
		require.NoError(a.t, err)
		a.print(p.String())
		if p.Kind == mobile.PendingNone || (stop != "" && p.Prompt == stop) {
			return p
		}
		require.Equal(a.t, mobile.PendingPrompt, p.Kind)
		a.give(e, p)
	}
	a.t.Fatal("the run did not end in 100 rounds")
	return nil
}

// pull drives e with Next and Deliver until the run ends, making each call
// itself, as an app whose SDK answers through a callback.
func (a *app) pull(e *mobile.Engine) *mobile.Outcome {
	a.pullUntil(e, "")
	return a.outcome(e)
}

// pullUntil is pushUntil in the pull style.
func (a *app) pullUntil(e *mobile.Engine, stop string) *mobile.Pending {
	for range 200 {
		p := e.Next()
		a.print(p.String())
		switch p.Kind {
		case mobile.PendingCall:
			if a.before != nil {
				a.before(p)
			}
			msg, err := a.Call(p.Request())
			if err != nil {
				require.NoError(a.t, e.DeliverError(p.CallID, err.Error()))
			} else {
				require.NoError(a.t, e.Deliver(p.CallID, msg))
			}
		case mobile.PendingPrompt:
			if p.Prompt == stop {
				return p
			}
			a.give(e, p)
		case mobile.PendingNone:
			return p
		default:
			a.t.Fatalf("unknown pending kind %q", p.Kind)
		}
	}
	a.t.Fatal("the run did not end in 200 rounds")
	return nil
}

func (a *app) outcome(e *mobile.Engine) *mobile.Outcome {
	out := e.Outcome()
	require.NotNil(a.t, out, "a run with nothing pending has an outcome")
	a.print(out.Warnings)
	if out.Error != nil {
		a.print(out.Error.JSON())
	}
	return out
}

// secrets are the PINs typed and every SMS code the simulator sent.
func (a *app) secrets() []string {
	a.mu.Lock()
	s := append([]string(nil), a.typed...)
	a.mu.Unlock()
	for _, m := range a.sim.Outbox() {
		s = append(s, m.Code)
	}
	return s
}

// assertNoSecret checks that nothing the app printed or logged holds a PIN
// or an SMS code, nor the whole phone number.
func (a *app) assertNoSecret() {
	secrets := a.secrets()
	a.mu.Lock()
	defer a.mu.Unlock()
	require.NotEmpty(a.t, a.seen)
	for _, s := range a.seen {
		for _, secret := range secrets {
			assert.NotContains(a.t, s, secret)
		}
		assert.NotContains(a.t, s, simulator.DefaultPhone)
	}
}

type style struct {
	name  string
	drive func(*app, *mobile.Engine) *mobile.Outcome
	until func(*app, *mobile.Engine, string) *mobile.Pending
}

var styles = []style{{"push", (*app).push, (*app).pushUntil}, {"pull", (*app).pull, (*app).pullUntil}}

func start(t *testing.T, cfg *mobile.Config) *mobile.Engine {
	t.Helper()
	e, err := cfg.Start()
	require.NoError(t, err)
	return e
}

// Whole runs through the mobile API only, in both styles: both enrollment
// flows on both platforms, and account operations.
func TestEndToEnd(t *testing.T) {
	cases := []struct {
		name      string
		cfg       mobile.Config
		situation simulator.Situation
		pin       string
		prompts   []string
		final     string
		check     func(t *testing.T, sim *simulator.Simulator)
	}{
		{
			name: "full android, new account", cfg: mobile.Config{Flow: mobile.FlowFull},
			situation: simulator.SituationNew, final: mobile.StateEnrolled,
			prompts: []string{"phone_number", "certification_code", "enrollment_code", "new_pin"},
		},
		{
			name: "full ios, PIN exists", cfg: mobile.Config{Flow: mobile.FlowFull, Platform: mobile.PlatformIOS},
			situation: simulator.SituationPINExists, pin: simulator.DefaultPIN, final: mobile.StateEnrolled,
			prompts: []string{"enrollment_code", "pin"},
		},
		{
			name: "shortcut android, new account", cfg: mobile.Config{Flow: mobile.FlowShortcut},
			situation: simulator.SituationNew, final: mobile.StateEnrolled,
			prompts: []string{"phone_number", "certification_code", "new_pin"},
		},
		{
			name: "auto ios, SDK 2.1.0, new account: the shortcut", cfg: mobile.Config{Platform: mobile.PlatformIOS, SDKVersion: "2.1.0"},
			situation: simulator.SituationNew, final: mobile.StateEnrolled,
			prompts: []string{"phone_number", "certification_code", "new_pin"},
		},
		{
			name: "full ios, new account", cfg: mobile.Config{Flow: mobile.FlowFull, Platform: mobile.PlatformIOS},
			situation: simulator.SituationNew, final: mobile.StateEnrolled,
			prompts: []string{"phone_number", "certification_code", "enrollment_code", "new_pin"},
		},
		{
			name: "blocked account, removal confirmed", cfg: mobile.Config{Flow: mobile.FlowFull},
			situation: simulator.SituationBlocked, pin: simulator.DefaultPIN, final: mobile.StateEnrolled,
			prompts: []string{"confirm_removal", "enrollment_code", "new_pin"},
		},
		{
			name: "update_pin", cfg: mobile.Config{Flow: mobile.FlowUpdatePIN},
			situation: simulator.SituationEnrolled, pin: "5678", final: mobile.StateDone,
			prompts: []string{"old_pin", "new_pin"},
			check:   func(t *testing.T, sim *simulator.Simulator) { assert.Equal(t, "5678", sim.Account().PIN) },
		},
		{
			name: "remove_vehicle", cfg: mobile.Config{Flow: mobile.FlowRemoveVehicle, VIN: strings.ToLower(simulator.DefaultVIN)},
			situation: simulator.SituationEnrolled, final: mobile.StateDone,
			check: func(t *testing.T, sim *simulator.Simulator) { assert.Empty(t, sim.Account().Vehicles) },
		},
	}
	for _, c := range cases {
		for _, s := range styles {
			t.Run(s.name+"/"+c.name, func(t *testing.T) {
				platform := simulator.Android
				if c.cfg.Platform == mobile.PlatformIOS {
					platform = simulator.IOS
				}
				sim := simulator.MustNew(simulator.WithSituation(c.situation), simulator.WithPlatform(platform))
				a := newApp(t, sim)
				if c.pin != "" {
					a.pin = c.pin
				}
				cfg := c.cfg
				cfg.Logger = a
				out := s.drive(a, start(t, &cfg))

				assert.Equal(t, c.final, out.State)
				assert.True(t, out.OK)
				assert.Empty(t, out.Failure)
				assert.Nil(t, out.Error)
				assert.Equal(t, "[]", out.Warnings)
				assert.Equal(t, c.prompts, a.prompts)
				if c.final == mobile.StateEnrolled {
					assert.True(t, sim.DeviceActivated())
				}
				if c.check != nil {
					c.check(t, sim)
				}
				a.assertNoSecret()
			})
		}
	}
}

// The app is killed at the new_pin prompt of an iOS enrollment and
// restarted; the server keeps its state. The snapshot holds no code, so the
// restored engine goes back to the enrollment code prompt (iOS sends the
// code with step 7) and asks the new PIN after it.
func TestSnapshotRestoreInTheMiddle(t *testing.T) {
	for _, s := range styles {
		t.Run(s.name, func(t *testing.T) {
			sim := simulator.MustNew(simulator.WithSituation(simulator.SituationHasPhone), simulator.WithPlatform(simulator.IOS))
			a := newApp(t, sim)
			e := start(t, &mobile.Config{Platform: mobile.PlatformIOS, Logger: a})
			p := s.until(a, e, mobile.PromptNewPIN)
			require.Equal(t, mobile.PromptNewPIN, p.Prompt)
			snap, err := e.Snapshot()
			require.NoError(t, err)
			for _, secret := range a.secrets() {
				assert.NotContains(t, string(snap), secret)
			}
			// The process dies here.

			_, err = (&mobile.Config{Platform: mobile.PlatformAndroid}).Restore(snap)
			assertError(t, err, mobile.ErrorConfig)
			_, err = (&mobile.Config{Flow: mobile.FlowUpdatePIN}).Restore(snap)
			assertError(t, err, mobile.ErrorConfig)
			_, err = (&mobile.Config{}).Restore([]byte(`{"v":99}`))
			assertError(t, err, mobile.ErrorSnapshot)

			restored, err := (&mobile.Config{Flow: mobile.FlowAuto, Logger: a}).Restore(snap)
			require.NoError(t, err)
			settings := restored.Settings()
			assert.Equal(t, mobile.FlowShortcut, settings.Flow, "auto resolved")
			assert.Equal(t, mobile.PlatformIOS, settings.Platform)
			assert.Equal(t, "awaiting_enrollment_code", restored.State(), "back to the code the snapshot does not hold")

			p = restored.Next()
			require.Equal(t, mobile.PendingPrompt, p.Kind)
			assert.Equal(t, mobile.PromptEnrollmentCode, p.Prompt)
			require.NotNil(t, p.Reason)
			assert.Equal(t, mobile.ErrorAskedAgain, p.Reason.Kind)
			assert.True(t, p.Offers(mobile.ActionCancel))

			a.prompts = nil
			out := s.drive(a, restored)
			assert.Equal(t, mobile.StateEnrolled, out.State)
			assert.Equal(t, []string{"enrollment_code", "new_pin"}, a.prompts)
			assert.True(t, sim.DeviceActivated())
			a.assertNoSecret()
		})
	}
}

func assertError(t *testing.T, err error, kind string) *mobile.EngineError {
	t.Helper()
	require.Error(t, err)
	info := mobile.ParseError(err.Error())
	require.NotNil(t, info, "not a JSON error: %v", err)
	assert.Equal(t, kind, info.Kind, err.Error())
	assert.NotEmpty(t, info.Message)
	return info
}

// The app keeps Place beside the key after every snapshot and at the end,
// and restores with it as Latest: an older snapshot of the run, the same one
// once the run went on, a finished run's, and another run's are refused;
// the latest one restores.
// Reference: issue 23, "an older sealed snapshot of the same run, or a
// genuine one from another run under the same key, restores".
func TestRestoreWithLatestRefusesAnOlderSnapshot(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	sim := simulator.MustNew()
	a := newApp(t, sim)
	e := start(t, &mobile.Config{Flow: mobile.FlowFull, SnapshotKey: key})
	assert.Empty(t, (&mobile.Engine{}).Place(), "no run, no place")
	a.pushUntil(e, mobile.PromptCertificationCode)
	older, err := e.Snapshot()
	require.NoError(t, err)
	olderPlace := e.Place()
	require.Regexp(t, `^[A-Za-z0-9_-]+\.[0-9]+$`, olderPlace)

	// The user asks a new code: a call is made, and the app saves again.
	require.NoError(t, e.Act(mobile.PromptCertificationCode, mobile.ActionResend))
	a.pushUntil(e, mobile.PromptCertificationCode)
	latest, err := e.Snapshot()
	require.NoError(t, err)
	place := e.Place()
	require.NotEqual(t, olderPlace, place)

	restore := func(snap []byte, latest string) (*mobile.Engine, error) {
		return (&mobile.Config{SnapshotKey: key, Latest: latest}).Restore(snap)
	}
	_, err = restore(older, place)
	info := assertError(t, err, mobile.ErrorStaleSnapshot)
	assert.Contains(t, info.Message, "older")
	_, err = restore(older, "")
	require.NoError(t, err, "without Latest nothing is checked")

	r, err := restore(latest, place)
	require.NoError(t, err, "the latest restores")
	assert.Equal(t, place, r.Place(), "a restored engine is where its snapshot was")
	_, err = restore(latest, place)
	require.NoError(t, err, "as long as it has not gone on")

	out := a.push(r)
	assert.Equal(t, mobile.StateEnrolled, out.State)
	ended := r.Place() // kept at the end of the run
	_, err = restore(latest, ended)
	assertError(t, err, mobile.ErrorStaleSnapshot)

	other := start(t, &mobile.Config{Flow: mobile.FlowFull, SnapshotKey: key})
	newApp(t, simulator.MustNew()).pushUntil(other, mobile.PromptPhoneNumber)
	otherSnap, err := other.Snapshot()
	require.NoError(t, err)
	_, err = restore(otherSnap, ended)
	info = assertError(t, err, mobile.ErrorStaleSnapshot)
	assert.Contains(t, info.Message, "another run")

	for _, bad := range []string{"run", "run.", ".1", "r!n.1", "run.-1"} {
		_, err = restore(latest, bad)
		assertError(t, err, mobile.ErrorConfig)
	}
	_, err = (&mobile.Config{Latest: "not a place"}).Start()
	require.NoError(t, err, "Start ignores Latest")
}
