package enrolltest_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/enrolltest"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/pims"
	"github.com/enrollfsm/enrollfsm/simulator"
)

// doctor stands between the engine and the Checker: it may alter what the
// Checker is told, or add to it, as a broken engine would behave.
type doctor func(next enrollfsm.Observer) enrollfsm.Observer

// run drives flow against a simulator in situation sit with user (a right
// one when nil), the Checker watching through doctor (if any).
func run(t *testing.T, flow enrollfsm.Flow, platform enrollfsm.Platform, sit simulator.Situation, d doctor,
	user func(*simulator.Simulator) enrollfsm.Answerer) (*enrolltest.Checker, enrollfsm.Outcome) {
	t.Helper()
	clk := enrolltest.NewClock(enrolltest.Epoch)
	sim := simulator.MustNew(simulator.WithSituation(sit), simulator.WithPlatform(string(platform)), simulator.WithNow(clk.Now))
	c := enrolltest.NewChecker(enrollfsm.Settings{Flow: flow, Platform: platform, VIN: simulator.DefaultVIN}, enrollfsm.Limits{},
		enrolltest.WithSimulator(sim), enrolltest.WithNow(clk.Now))
	obs := c.Observer()
	if d != nil {
		obs = d(obs)
	}
	eng, err := enrollfsm.New(flow, enrollfsm.WithPlatform(platform), enrollfsm.WithClock(clk),
		enrollfsm.WithVIN(simulator.DefaultVIN), enrollfsm.WithObserver(obs))
	require.NoError(t, err)
	var u enrollfsm.Answerer = enrolltest.User{Truth: sim}
	if user != nil {
		u = user(sim)
	}
	out, err := eng.Run(context.Background(), sim, u)
	require.NoError(t, err)
	c.CheckOutcome(out)
	return c, out
}

func invariants(c *enrolltest.Checker) []enrolltest.Invariant {
	var out []enrolltest.Invariant
	for _, v := range c.Violations() {
		out = append(out, v.Invariant)
	}
	return out
}

// TestChecker_RealEngineIsClean: every flow on both platforms, from the
// situation its precondition needs, runs without a violation.
func TestChecker_RealEngineIsClean(t *testing.T) {
	for _, flow := range enrollfsm.Flows() {
		for _, platform := range []enrollfsm.Platform{enrollfsm.Android, enrollfsm.IOS} {
			sit := simulator.SituationNew
			switch flow {
			case enrollfsm.FlowResetPIN, enrollfsm.FlowUpdatePIN, enrollfsm.FlowModifyPhone:
				sit = simulator.SituationEnrolled
			}
			c, out := run(t, flow, platform, sit, nil, nil)
			assert.NoError(t, c.Err(), "%s/%s", flow, platform)
			assert.True(t, out.OK(), "%s/%s: %s %v", flow, platform, out.State, out.Err)
			assert.Positive(t, c.Stats().Calls)
		}
	}
}

// Each test below makes the engine look broken to the Checker in one way,
// and checks that the invariant meant to catch it does.

func TestChecker_Call_IOSCodeMissing(t *testing.T) {
	c, _ := run(t, enrollfsm.FlowFull, enrollfsm.IOS, simulator.SituationNew, func(next enrollfsm.Observer) enrollfsm.Observer {
		o := next
		o.Call = func(r enrollfsm.CallRecord) {
			if r.Step == "8" {
				var kv []string
				for k, v := range r.Request.Params.All() {
					if k != "smsCode" {
						kv = append(kv, k, v)
					}
				}
				r.Request.Params = pims.Pairs(kv...)
			}
			next.Call(r)
		}
		return o
	}, nil)
	require.Error(t, c.Err())
	assert.Equal(t, enrolltest.InvariantCall, c.Violations()[0].Invariant)
	assert.Contains(t, c.Err().Error(), "smsCode missing")
}

func TestChecker_Call_WrongPINSent(t *testing.T) {
	c, _ := run(t, enrollfsm.FlowFull, enrollfsm.Android, simulator.SituationNew, func(next enrollfsm.Observer) enrollfsm.Observer {
		o := next
		o.Call = func(r enrollfsm.CallRecord) {
			if r.Step == "7" {
				ps := r.Request.Params.Map()
				ps["pinCode"] = "55556666"
				r.Request.Params = pims.ParamsFrom(ps)
			}
			next.Call(r)
		}
		return o
	}, nil)
	require.Error(t, c.Err())
	assert.Equal(t, enrolltest.InvariantCall, c.Violations()[0].Invariant)
	assert.NotContains(t, c.Err().Error(), "55556666", "a PIN never appears in a violation")
}

func TestChecker_Table_WrongDestination(t *testing.T) {
	c, _ := run(t, enrollfsm.FlowFull, enrollfsm.Android, simulator.SituationNew, func(next enrollfsm.Observer) enrollfsm.Observer {
		o := next
		o.Transition = func(tr enrollfsm.Transition) {
			if tr.Event == "pin_missing" {
				tr.To = "awaiting_pin" // as if NotEnrolled asked for an existing PIN
			}
			next.Transition(tr)
		}
		return o
	}, nil)
	require.Error(t, c.Err())
	assert.Equal(t, enrolltest.InvariantTable, c.Violations()[0].Invariant)
}

func TestChecker_Blocked_2317LedElsewhere(t *testing.T) {
	// An engine that reads step 8's 2317 as a wrong PIN.
	c, _ := run(t, enrollfsm.FlowFull, enrollfsm.Android, simulator.SituationPINExists, func(next enrollfsm.Observer) enrollfsm.Observer {
		o := next
		o.Call = func(r enrollfsm.CallRecord) {
			if r.Step == "8" {
				r.Reply = pims.Failure(r.Reply.TransactionID, pimserr.CodeForbidden)
			}
			next.Call(r)
		}
		o.Transition = func(tr enrollfsm.Transition) {
			if tr.From == "enrolling_device" {
				tr.Event, tr.To = "input_rejected", "awaiting_pin"
			}
			next.Transition(tr)
		}
		return o
	}, nil)
	assert.Contains(t, invariants(c), enrolltest.InvariantBlocked)
}

func TestChecker_Simulator_EnrolledWithoutActivation(t *testing.T) {
	// The Checker watches another simulator, whose device stays as it was.
	other := simulator.MustNew(simulator.WithSituation(simulator.SituationNew))
	c := enrolltest.NewChecker(enrollfsm.Settings{Flow: enrollfsm.FlowShortcut}, enrollfsm.Limits{}, enrolltest.WithSimulator(other))
	sim := simulator.MustNew(simulator.WithSituation(simulator.SituationNew))
	eng, err := enrollfsm.New(enrollfsm.FlowShortcut, c.Options()...)
	require.NoError(t, err)
	out, err := eng.Run(context.Background(), sim, enrolltest.User{Truth: sim})
	require.NoError(t, err)
	require.Equal(t, enrollfsm.Enrolled, out.State)
	assert.Equal(t, []enrolltest.Invariant{enrolltest.InvariantSimulator}, invariants(c))
}

func TestChecker_Verify_EnrollmentResentBlindly(t *testing.T) {
	// A bridge error at step 8, after which the engine retries 8 at once.
	c, _ := run(t, enrollfsm.FlowFull, enrollfsm.Android, simulator.SituationPINExists, func(next enrollfsm.Observer) enrollfsm.Observer {
		o := next
		failed := false
		o.Call = func(r enrollfsm.CallRecord) {
			if r.Step == "8" && !failed {
				failed = true
				lost := r
				lost.Err, lost.Reply = errors.New("bridge down"), pims.Message{}
				next.Call(lost)
				next.Transition(enrollfsm.Transition{From: "enrolling_device", To: "interrupted", Event: "call_interrupted"})
				next.Answer(enrollfsm.Act(enrollfsm.PromptRetry, enrollfsm.ActionRetry), nil)
				next.Transition(enrollfsm.Transition{From: "interrupted", To: "enrolling_device", Event: "retry_enrolling_device"})
			}
			next.Call(r)
		}
		return o
	}, nil)
	assert.Contains(t, invariants(c), enrolltest.InvariantVerify)
}

func TestChecker_Bound_CallsWithoutEnd(t *testing.T) {
	c := enrolltest.NewChecker(enrollfsm.Settings{Flow: enrollfsm.FlowFull}, enrollfsm.Limits{})
	o := c.Observer()
	o.Transition(enrollfsm.Transition{From: "start", To: "checking_enrollment", Event: "begin"})
	req := pims.Request{Op: pims.Get, API: "pims.authentication.account", Params: pims.Pairs("actionType", "strong", "type", "isDeviceActivated")}
	for i := 0; i < 20; i++ { // a read retried in place for ever
		o.Call(enrollfsm.CallRecord{Step: "1", Request: req, Reply: pims.Failure("t", pimserr.CodeNoInternet)})
		o.Transition(enrollfsm.Transition{From: "checking_enrollment", To: "checking_enrollment", Event: "read_retried"})
	}
	assert.Contains(t, invariants(c), enrolltest.InvariantBound)
}

// typoUser types "12" at the first new PIN prompt, then answers rightly.
type typoUser struct {
	enrolltest.User
	done bool
}

func (u *typoUser) Answer(ctx context.Context, p enrollfsm.Pending) (enrollfsm.Answer, error) {
	if p.Prompt == enrollfsm.PromptNewPIN && !u.done {
		u.done = true
		return enrollfsm.Value(p.Prompt, "12"), nil
	}
	return u.User.Answer(ctx, p)
}

func TestChecker_Answer_MalformedPINTaken(t *testing.T) {
	c, _ := run(t, enrollfsm.FlowShortcut, enrollfsm.Android, simulator.SituationNew, func(next enrollfsm.Observer) enrollfsm.Observer {
		o := next
		o.Answer = func(a enrollfsm.Answer, err error) {
			if a.Prompt == enrollfsm.PromptNewPIN && a.Value == "12" {
				err = nil // as if the engine had taken it
			}
			next.Answer(a, err)
		}
		return o
	}, func(sim *simulator.Simulator) enrollfsm.Answerer { return &typoUser{User: enrolltest.User{Truth: sim}} })
	assert.Contains(t, invariants(c), enrolltest.InvariantAnswer)
}

func TestChecker_Outcome_WrongFailure(t *testing.T) {
	c, out := run(t, enrollfsm.FlowFull, enrollfsm.Android, simulator.SituationNew, nil, nil)
	require.NoError(t, c.Err())
	out.State, out.Failure = enrollfsm.Failed, "pims:2001"
	assert.Error(t, c.CheckOutcome(out))
	assert.Equal(t, enrolltest.InvariantOutcome, c.Violations()[0].Invariant)
}

func TestChecker_Snapshot_HoldsASecret(t *testing.T) {
	h, err := enrolltest.NewHarness(enrolltest.RunConfig{Flow: enrollfsm.FlowFull, Situation: simulator.SituationHasPhone})
	require.NoError(t, err)
	require.Equal(t, enrollfsm.PromptEnrollmentCode, h.Pending().Prompt)
	code, _ := h.Sim.LastCode(simulator.KindEnrollment)
	require.NoError(t, h.Answer(enrollfsm.Value(enrollfsm.PromptEnrollmentCode, code)))
	h.Checker.Restored([]byte(`{"v":1,"code":"` + code + `"}`))
	require.Error(t, h.Err())
	assert.Equal(t, enrolltest.InvariantSnapshot, h.Checker.Violations()[0].Invariant)
	assert.NotContains(t, h.Err().Error(), code)
}

// TestChecker_Snapshot_CodeWithinANumber: a code's digits inside a
// timestamp are no leak. (Found by rapid: a 6-digit SMS code once matched
// part of a snapshot's sentAt.)
func TestChecker_Snapshot_CodeWithinANumber(t *testing.T) {
	h, err := enrolltest.NewHarness(enrolltest.RunConfig{Flow: enrollfsm.FlowFull, Situation: simulator.SituationHasPhone})
	require.NoError(t, err)
	require.Equal(t, enrollfsm.PromptEnrollmentCode, h.Pending().Prompt)
	code, _ := h.Sim.LastCode(simulator.KindEnrollment)
	require.NoError(t, h.Answer(enrollfsm.Value(enrollfsm.PromptEnrollmentCode, code)))
	h.Checker.Restored([]byte(`{"v":1,"sentAt":{"enrollment_code":17` + code + `00}}`))
	assert.NoError(t, h.Err())
}

func TestViolation_IsErrViolation(t *testing.T) {
	c := enrolltest.NewChecker(enrollfsm.Settings{Flow: enrollfsm.FlowFull}, enrollfsm.Limits{})
	c.Fail(enrolltest.InvariantTable, "test")
	var v *enrolltest.Violation
	require.ErrorAs(t, c.Err(), &v)
	assert.ErrorIs(t, c.Err(), enrolltest.ErrViolation)
	assert.Equal(t, enrollfsm.Flow("full"), v.Flow)
}

func TestNewChecker_ResolvesAuto(t *testing.T) {
	old := enrolltest.NewChecker(enrollfsm.Settings{Flow: enrollfsm.FlowAuto, SDKVersion: "2.0.9"}, enrollfsm.Limits{})
	cur := enrolltest.NewChecker(enrollfsm.Settings{Flow: enrollfsm.FlowAuto, SDKVersion: "2.1.0"}, enrollfsm.Limits{})
	assert.NoError(t, old.Err())
	assert.NoError(t, cur.Err())
	assert.Greater(t, cur.Bound(), 0)
	assert.Equal(t, old.Bound(), cur.Bound(), "full and shortcut share their longest chain of calls")
}

// TestChecker_ResetPIN_VerifiedAfterRestore: step 8's reply is lost after B
// reset the PIN; the app is restored and asks the PIN again, the user types
// a wrong one, and the verification finds the device enrolled: done, with
// the PIN step B sent. (Found by rapid: the Checker once compared the
// account's PIN with the last PIN typed.)
func TestChecker_ResetPIN_VerifiedAfterRestore(t *testing.T) {
	h, err := enrolltest.NewHarness(enrolltest.RunConfig{Flow: enrollfsm.FlowResetPIN, Situation: simulator.SituationEnrolled})
	require.NoError(t, err)
	answerRightly(t, h, 1)                                 // the enrollment code
	h.Inject(enrolltest.Fault{})                           // B goes through
	h.Inject(enrolltest.Fault{Kind: enrolltest.FaultLost}) // 8 acts, its reply is lost
	answerRightly(t, h, 1)                                 // the new PIN
	require.Equal(t, enrollfsm.State("interrupted"), h.Pending().State)
	h.Restart()
	p := h.Pending()
	require.Equal(t, enrollfsm.PromptPIN, p.Prompt, "the PIN is asked again")
	require.ErrorIs(t, p.Reason, pimserr.ErrAskedAgain)
	require.NoError(t, h.Answer(enrollfsm.Value(enrollfsm.PromptPIN, "00000000")))
	answerRightly(t, h, 1) // retry: call 1 says enrolled
	require.NoError(t, h.Finish())
	out, _ := h.Engine.Outcome()
	assert.Equal(t, enrollfsm.Done, out.State)
}

// TestChecker_Prefetch: with WithPrefetch, calls 2 and 3 come back before
// the machine reaches their states, or are dropped when it goes another
// way; the Checker takes each where the engine uses it.
func TestChecker_Prefetch(t *testing.T) {
	for _, sit := range simulator.Situations() {
		h, err := enrolltest.NewHarness(enrolltest.RunConfig{Flow: enrollfsm.FlowFull, Situation: sit, Prefetch: true, AutoRemove: true})
		require.NoError(t, err)
		for i := 0; i < 20 && h.Pending().Kind == enrollfsm.PendingPrompt; i++ {
			answerRightly(t, h, 1)
		}
		require.NoError(t, h.Finish(), sit)
		out, _ := h.Engine.Outcome()
		assert.Equal(t, enrollfsm.Enrolled, out.State, sit)
		assert.Equal(t, h.Engine.Counters().Calls, h.Checker.Stats().Calls)
	}
}

// TestChecker_PrefetchDeliveredEarly: a host that drives Next and Deliver
// itself delivers calls 2 and 3 before call 1.
func TestChecker_PrefetchDeliveredEarly(t *testing.T) {
	for _, sit := range simulator.Situations() {
		sim := simulator.MustNew(simulator.WithSituation(sit))
		c := enrolltest.NewChecker(enrollfsm.Settings{Flow: enrollfsm.FlowShortcut}, enrollfsm.Limits{}, enrolltest.WithSimulator(sim))
		e, err := enrollfsm.New(enrollfsm.FlowShortcut, append(c.Options(), enrollfsm.WithPrefetch(true))...)
		require.NoError(t, err)
		delivered := map[uint64]bool{}
		for i := 0; i < 40; i++ {
			p := e.Next()
			if p.Kind == enrollfsm.PendingNone {
				break
			}
			if p.Kind == enrollfsm.PendingPrompt {
				a, err := enrolltest.User{Truth: sim}.Answer(t.Context(), p)
				require.NoError(t, err)
				require.NoError(t, e.Answer(a))
				continue
			}
			for _, call := range append(p.Also, p.Call) { // the calls ahead first
				if !delivered[call.ID] {
					delivered[call.ID] = true
					msg, err := sim.Call(t.Context(), call.Request)
					require.NoError(t, e.Deliver(call.ID, msg, err))
				}
			}
		}
		out, over := e.Outcome()
		require.True(t, over, sit)
		assert.NoError(t, c.CheckOutcome(out), sit)
		assert.True(t, out.OK(), "%s: %s", sit, out.State)
	}
}

// The Checker reads step 2's names as the engine does: in any ASCII case, and
// a letter of another alphabet that lower-cases to an ASCII one (the Kelvin
// sign) is a bad reply, not NotBlocked (decision 80).
func TestChecker_ReadsStep2AsTheEngine(t *testing.T) {
	for reply, want := range map[string]enrollfsm.State{"NOTBLOCKED": enrollfsm.Cancelled, "NotBloc\u212Aed": enrollfsm.Failed} {
		replies := []pims.Message{
			pims.Success("t1", map[string]any{"isDeviceActivated": false}),
			pims.Success("t2", map[string]any{"isAccountBlocked": reply}),
			pims.Success("t3", map[string]any{"phoneNumber": nil}),
		}
		n := 0
		backend := pims.BackendFunc(func(context.Context, pims.Request) (pims.Message, error) {
			if n == len(replies) {
				return pims.Message{}, errors.New("no more replies")
			}
			n++
			return replies[n-1], nil
		})
		c := enrolltest.NewChecker(enrollfsm.Settings{Flow: enrollfsm.FlowFull, Platform: enrollfsm.Android}, enrollfsm.Limits{})
		eng, err := enrollfsm.New(enrollfsm.FlowFull, enrollfsm.WithObserver(c.Observer()))
		require.NoError(t, err)
		cancel := enrollfsm.AnswerFunc(func(_ context.Context, p enrollfsm.Pending) (enrollfsm.Answer, error) {
			return enrollfsm.Act(p.Prompt, enrollfsm.ActionCancel), nil
		})
		out, err := eng.Run(context.Background(), backend, cancel)
		require.NoError(t, err)
		c.CheckOutcome(out)
		assert.Equal(t, want, out.State, reply)
		assert.NoError(t, c.Err(), reply)
	}
}
