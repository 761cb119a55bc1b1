package enrollfsm_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/enrollment"
	"github.com/enrollfsm/enrollfsm/enrolltest"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/pims"
	"github.com/enrollfsm/enrollfsm/simulator"
)

// atPIN is atEnrollmentCode with code 2424 taken by step 6, which found a
// PIN: the engine waits for it.
func atPIN(t testing.TB, opts ...enrollfsm.Option) (*enrollfsm.Engine, *enrolltest.Clock) {
	t.Helper()
	e, clock := atEnrollmentCode(t, opts...)
	require.NoError(t, e.Answer(enrollfsm.Value(enrollfsm.PromptEnrollmentCode, "2424")))
	advance(t, e, enrolltest.NewScript(enrolltest.Exchange{Request: call6("2424"), Reply: pims.Success("t5", map[string]any{"status": "AlreadyEnrolled"})}))
	return e, clock
}

// atEnrollmentCode is an engine waiting for the enrollment code, and its clock.
func atEnrollmentCode(t testing.TB, opts ...enrollfsm.Option) (*enrollfsm.Engine, *enrolltest.Clock) {
	t.Helper()
	clock := enrolltest.NewClock(time.Time{})
	e, err := enrollfsm.New(enrollfsm.FlowFull, append([]enrollfsm.Option{enrollfsm.WithClock(clock)}, opts...)...)
	require.NoError(t, err)
	advance(t, e, enrolltest.NewScript(toEnrollmentCode()...))
	return e, clock
}

// Reference: docs/contract.md §5, "at any waiting or terminal state the
// engine can be saved"; during a call, as if the call were interrupted.
func TestSnapshot_AtEveryState(t *testing.T) {
	e, err := enrollfsm.New(enrollfsm.FlowFull)
	require.NoError(t, err)
	inCall, err := e.Snapshot()
	require.NoError(t, err, "a call is pending")
	r, err := enrollfsm.Restore(inCall)
	require.NoError(t, err)
	assert.Equal(t, enrollment.Interrupted, r.State(), "restored as if call 1 were interrupted")
	assert.Equal(t, enrollfsm.PendingCall, e.Next().Kind, "the engine saved still makes its call")

	e, _ = atEnrollmentCode(t)
	data, err := e.Snapshot()
	require.NoError(t, err)
	assert.LessOrEqual(t, len(data), 512, "a snapshot is small: %s", data)

	require.NoError(t, e.Cancel())
	data, err = e.Snapshot()
	require.NoError(t, err, "a terminal state can be saved")
	_, err = enrollfsm.Restore(data)
	assert.ErrorIs(t, err, pimserr.ErrSnapshot, "but not restored")
	assert.ErrorContains(t, err, "only a waiting state can be restored")
}

func TestRestore_ContinuesWithTheSameCountersAndCalls(t *testing.T) {
	e, clock := atEnrollmentCode(t)
	before := e.Counters()
	data, err := e.Snapshot()
	require.NoError(t, err)
	r, err := enrollfsm.Restore(data, enrollfsm.WithClock(clock))
	require.NoError(t, err)
	assert.Equal(t, before, r.Counters())
	assert.Equal(t, enrollfsm.FlowFull, r.Flow())
	p := r.Next()
	assert.Equal(t, enrollfsm.PromptEnrollmentCode, p.Prompt)
	assert.Equal(t, "06••••••78", p.SentTo)
	require.NoError(t, r.Answer(enrollfsm.Value(enrollfsm.PromptEnrollmentCode, "2424")))
	c := r.Next().Call
	assert.Greater(t, c.ID, uint64(4), "call ids go on after the saved ones, so a late reply to the old engine is refused")
	assert.Equal(t, call6("2424"), c.Request)
}

// Reference: docs/contract.md §5, "a code prompt restored more than 10 minutes after its
// SMS was requested accepts only resend".
func TestRestore_ExpiredCodeAcceptsOnlyResend(t *testing.T) {
	e, clock := atEnrollmentCode(t)
	data, err := e.Snapshot()
	require.NoError(t, err)
	clock.Advance(11 * time.Minute)
	r, err := enrollfsm.Restore(data, enrollfsm.WithClock(clock))
	require.NoError(t, err)
	assert.ErrorIs(t, r.Answer(enrollfsm.Value(enrollfsm.PromptEnrollmentCode, "2424")), pimserr.ErrCodeExpired)
	assert.ErrorIs(t, r.Next().Reason, pimserr.ErrCodeExpired)
	require.NoError(t, r.Answer(enrollfsm.Act(enrollfsm.PromptEnrollmentCode, enrollfsm.ActionResend)))
	assert.Equal(t, "5", r.Next().Call.Step)
	assert.Equal(t, 1, r.Counters().Resends)
}

// A restored engine holds no SMS code: on iOS, step 8 sends the enrollment
// code, so the run goes back to the code's own prompt, where the code is
// checked as any other (call 6 again), then to the PIN.
// Reference: docs/contract.md §5 "The prompt gone back to is that prompt in full".
func TestRestore_GoesBackToThePromptOfALostCode(t *testing.T) {
	e, clock := atEnrollmentCode(t, enrollfsm.WithPlatform(enrollfsm.IOS))
	require.NoError(t, e.Answer(enrollfsm.Value(enrollfsm.PromptEnrollmentCode, "2424")))
	script := enrolltest.NewScript(enrolltest.Exchange{Request: call6("2424"), Reply: pims.Success("t5", map[string]any{"status": "AlreadyEnrolled"})})
	require.Equal(t, enrollfsm.PromptPIN, advance(t, e, script).Prompt)
	data, err := e.Snapshot()
	require.NoError(t, err)
	assert.NotContains(t, string(data), "2424")

	r, err := enrollfsm.Restore(data, enrollfsm.WithClock(clock))
	require.NoError(t, err)
	p := r.Next()
	assert.Equal(t, enrollment.AwaitingEnrollmentCode, p.State, "on iOS step 8 sends the code")
	assert.Equal(t, enrollfsm.PromptEnrollmentCode, p.Prompt)
	assert.ErrorIs(t, p.Reason, pimserr.ErrAskedAgain)
	assert.Contains(t, p.Actions, enrollfsm.ActionResend, "the code's own prompt offers a new one")
	assert.ErrorIs(t, r.Answer(enrollfsm.Value(enrollfsm.PromptPIN, "1234")), pimserr.ErrWrongPrompt)
	assert.ErrorIs(t, r.Answer(enrollfsm.Value(enrollfsm.PromptEnrollmentCode, "x")), pimserr.ErrInvalidInput)
	require.NoError(t, r.Answer(enrollfsm.Value(enrollfsm.PromptEnrollmentCode, "2424")))
	script = enrolltest.NewScript(enrolltest.Exchange{Request: call6("2424"), Reply: pims.Success("t6", map[string]any{"status": "AlreadyEnrolled"})})
	require.Equal(t, enrollfsm.PromptPIN, advance(t, r, script).Prompt, "call 6 checks the code typed again")
	require.NoError(t, r.Answer(enrollfsm.Value(enrollfsm.PromptPIN, "1234")))
	assert.Equal(t, map[string]string{"action": "enroll", "pinCode": "1234", "smsCode": "2424"}, r.Next().Call.Request.Params.Map())
}

// A code a restored engine goes back to is checked for expiry as any other:
// past its lifetime, only resend (and cancel).
// Reference: docs/contract.md §4 "A code asked again is a code like any other".
func TestRestore_ACodeAskedAgainExpires(t *testing.T) {
	e, clock := atEnrollmentCode(t, enrollfsm.WithPlatform(enrollfsm.IOS))
	require.NoError(t, e.Answer(enrollfsm.Value(enrollfsm.PromptEnrollmentCode, "2424")))
	advance(t, e, enrolltest.NewScript(enrolltest.Exchange{Request: call6("2424"), Reply: pims.Success("t5", map[string]any{"status": "AlreadyEnrolled"})}))
	data, err := e.Snapshot()
	require.NoError(t, err)
	clock.Advance(25 * time.Minute)
	r, err := enrollfsm.Restore(data, enrollfsm.WithClock(clock))
	require.NoError(t, err)
	assert.Equal(t, enrollfsm.PromptEnrollmentCode, r.Next().Prompt)
	assert.ErrorIs(t, r.Answer(enrollfsm.Value(enrollfsm.PromptEnrollmentCode, "2424")), pimserr.ErrCodeExpired)
	require.NoError(t, r.Answer(enrollfsm.Act(enrollfsm.PromptEnrollmentCode, enrollfsm.ActionResend)))
	assert.Equal(t, "5", r.Next().Call.Step)
}

func TestRestore_CancelWhileAskingAgain(t *testing.T) {
	e, _ := atEnrollmentCode(t, enrollfsm.WithPlatform(enrollfsm.IOS))
	require.NoError(t, e.Answer(enrollfsm.Value(enrollfsm.PromptEnrollmentCode, "2424")))
	advance(t, e, enrolltest.NewScript(enrolltest.Exchange{Request: call6("2424"), Reply: pims.Success("t5", map[string]any{"status": "AlreadyEnrolled"})}))
	data, _ := e.Snapshot()
	r, err := enrollfsm.Restore(data)
	require.NoError(t, err)
	require.NoError(t, r.Answer(enrollfsm.Act(enrollfsm.PromptEnrollmentCode, enrollfsm.ActionCancel)))
	assert.Equal(t, enrollfsm.Cancelled, r.State())
}

func TestRestore_RefusesBadSnapshotsWithTypedErrors(t *testing.T) {
	e, _ := atEnrollmentCode(t)
	good, err := e.Snapshot()
	require.NoError(t, err)
	edit := func(f func(m map[string]any)) []byte {
		var m map[string]any
		require.NoError(t, json.Unmarshal(good, &m))
		f(m)
		out, err := json.Marshal(m)
		require.NoError(t, err)
		return out
	}
	cases := map[string][]byte{
		"empty":              nil,
		"not JSON":           []byte("{"),
		"an array":           []byte("[]"),
		"no version":         edit(func(m map[string]any) { delete(m, "v") }),
		"newer version":      edit(func(m map[string]any) { m["v"] = 4 }),
		"older version":      edit(func(m map[string]any) { m["v"] = 2 }),
		"first version":      edit(func(m map[string]any) { m["v"] = 1 }),
		"no run":             edit(func(m map[string]any) { delete(m, "run") }),
		"bad run":            edit(func(m map[string]any) { m["run"] = "a b" }),
		"no place":           edit(func(m map[string]any) { delete(m, "seq") }),
		"place as string":    edit(func(m map[string]any) { m["seq"] = "1" }),
		"null":               edit(func(m map[string]any) { m["phone"] = nil }),
		"fraction":           edit(func(m map[string]any) { m["nextCall"] = 1.5 }),
		"huge number":        edit(func(m map[string]any) { m["nextCall"] = 1e300 }),
		"long sdk":           edit(func(m map[string]any) { m["sdk"] = "2.1.0-" + strings.Repeat("x", 40) }),
		"unknown field":      edit(func(m map[string]any) { m["pin"] = "1234" }),
		"unknown flow":       edit(func(m map[string]any) { m["flow"] = "sideways" }),
		"auto flow":          edit(func(m map[string]any) { m["flow"] = "auto" }),
		"unknown state":      edit(func(m map[string]any) { m["state"] = "dreaming" }),
		"calling state":      edit(func(m map[string]any) { m["state"] = "checking_pin" }),
		"state of another":   edit(func(m map[string]any) { m["state"] = "awaiting_old_pin" }),
		"bad platform":       edit(func(m map[string]any) { m["platform"] = "symbian" }),
		"bad sdk":            edit(func(m map[string]any) { m["sdk"] = "x.y" }),
		"negative counter":   edit(func(m map[string]any) { m["counters"].(map[string]any)["wrongPins"] = -1 }),
		"counter as string":  edit(func(m map[string]any) { m["counters"].(map[string]any)["resends"] = "1" }),
		"bad phone":          edit(func(m map[string]any) { m["phone"] = "06 12" }),
		"control in trusted": edit(func(m map[string]any) { m["trusted"] = "06\u0000" }),
		"unsent code":        edit(func(m map[string]any) { m["certCode"] = map[string]any{"wrong": 1} }),
		"no sentAt at code":  edit(func(m map[string]any) { delete(m, "enrollCode") }),
		"bad resume":         edit(func(m map[string]any) { m["resume"] = "awaiting_pin" }),
		"bad verifyFor":      edit(func(m map[string]any) { m["verifyFor"] = "checking_phone" }),
		"unknown w/o call":   edit(func(m map[string]any) { m["unknown"] = true }),
		"failure":            edit(func(m map[string]any) { m["failure"] = "bad_reply" }),
		"bad warning":        edit(func(m map[string]any) { m["warnings"] = []any{map[string]any{"step": "8", "code": 2317}} }),
		"trailing data":      append(append([]byte{}, good...), []byte(" {}")...),
		"duplicate key":      append([]byte(`{"v":3,"v":3,`), good[1:]...),
	}
	for name, data := range cases {
		_, err := enrollfsm.Restore(data)
		var se *pimserr.SnapshotError
		assert.ErrorAs(t, err, &se, name)
		assert.ErrorIs(t, err, pimserr.ErrSnapshot, name)
	}
	_, err = enrollfsm.Restore(good)
	assert.NoError(t, err)
}

func TestRestore_RefusesAnOptionThatContradictsTheSnapshot(t *testing.T) {
	e, _ := atEnrollmentCode(t)
	data, _ := e.Snapshot()
	_, err := enrollfsm.Restore(data, enrollfsm.WithPlatform(enrollfsm.IOS))
	assert.ErrorIs(t, err, pimserr.ErrConfig)
	_, err = enrollfsm.Restore(data, enrollfsm.WithSDKVersion("2.0.0"))
	assert.ErrorIs(t, err, pimserr.ErrConfig)
	_, err = enrollfsm.Restore(data, enrollfsm.WithPlatform(enrollfsm.Android), enrollfsm.WithSDKVersion("2.1.0"))
	assert.NoError(t, err, "the same values are fine")
}

// Distinctive secrets through a whole run with a snapshot at every prompt:
// none reaches a snapshot.
func TestSnapshot_NeverHoldsASecret(t *testing.T) {
	for _, sit := range simulator.Situations() {
		for _, flow := range []enrollfsm.Flow{enrollfsm.FlowFull, enrollfsm.FlowShortcut} {
			sim := simulator.MustNew(simulator.WithSituation(sit), simulator.WithPlatform("ios"))
			e, err := enrollfsm.New(flow, enrollfsm.WithPlatform(enrollfsm.IOS))
			require.NoError(t, err)
			var codes []string
			user := enrollfsm.AnswerFunc(func(_ context.Context, p enrollfsm.Pending) (enrollfsm.Answer, error) {
				data, err := e.Snapshot()
				require.NoError(t, err)
				for _, c := range append(codes, "918273", "564738") {
					assert.NotContains(t, string(data), c)
				}
				var a enrollfsm.Answer
				switch p.Prompt {
				case enrollfsm.PromptPhoneNumber:
					a = enrollfsm.Value(p.Prompt, "0798765432")
				case enrollfsm.PromptCertificationCode, enrollfsm.PromptEnrollmentCode:
					kind := simulator.KindEnrollment
					if p.Prompt == enrollfsm.PromptCertificationCode {
						kind = simulator.KindCertification
					}
					code, _ := sim.LastCode(kind)
					codes = append(codes, code)
					a = enrollfsm.Value(p.Prompt, code)
				case enrollfsm.PromptPIN:
					a = enrollfsm.Value(p.Prompt, sim.Account().PIN)
				case enrollfsm.PromptNewPIN:
					a = enrollfsm.Value(p.Prompt, "918273")
				case enrollfsm.PromptConfirmRemoval:
					a = enrollfsm.Act(p.Prompt, enrollfsm.ActionYes)
				default:
					a = enrollfsm.Act(p.Prompt, enrollfsm.ActionCancel)
				}
				return a, nil
			})
			out, err := e.Run(context.Background(), sim, user)
			require.NoError(t, err)
			assert.Equal(t, enrollfsm.Enrolled, out.State, "%s/%s: %v", sit, flow, out.Err)
		}
	}
}

func TestSnapshot_ConcurrentWithAnswersAndCancel(t *testing.T) {
	e, _ := atEnrollmentCode(t)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for j := 0; j < 100; j++ {
				if data, err := e.Snapshot(); err == nil {
					_, _ = enrollfsm.Restore(data)
				}
				_ = e.Answer(enrollfsm.Value(enrollfsm.PromptEnrollmentCode, "12"))
				if i == 3 && j == 50 {
					_ = e.Cancel()
				}
			}
		}(i)
	}
	wg.Wait()
	assert.Equal(t, enrollfsm.Cancelled, e.State())
}

// FuzzRestore: any bytes, and any change to a valid snapshot (version 3,
// sealed or not), given to Restore with and without the key: no panic,
// every refusal a *pimserr.SnapshotError, and a snapshot that restores
// re-encodes to one that restores to the same run, at the same place.
// Seeds: testdata/fuzz/FuzzRestore, and snapshots made here.
func FuzzRestore(f *testing.F) {
	e, clock := atEnrollmentCode(f, enrollfsm.WithSnapshotKey(key32))
	sealed, err := e.Snapshot()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sealed)
	f.Add(bytes.Replace(sealed, []byte("awaiting_enrollment_code"), []byte("interrupted"), 1))
	u, _ := atEnrollmentCode(f)
	unsealed, err := u.Snapshot()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(unsealed)
	f.Add([]byte(`{"v":3}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, opts := range [][]enrollfsm.Option{{enrollfsm.WithClock(clock)}, {enrollfsm.WithClock(clock), enrollfsm.WithSnapshotKey(key32)}} {
			restoresAgain(t, data, opts)
		}
	})
}

// An unsealed snapshot at a prompt whose next call needs a code that was
// never sent (on iOS, step 8 sends the enrollment code with the PIN)
// describes no run: Restore refuses it, rather than go back to the prompt
// of a code that does not exist and write a snapshot it would refuse.
func TestRestore_AStateThatNeedsACodeNeverSent(t *testing.T) {
	data := []byte(`{"v":3,"run":"0","seq":0,"flow":"full","platform":"ios","sdk":"2.1.0","state":"awaiting_pin",` +
		`"counters":{"wrongCodes":0,"wrongPins":0,"resends":0,"removals":0,"calls":0},"nextCall":1}`)
	r, err := enrollfsm.Restore(data)
	if err == nil {
		again, serr := r.Snapshot()
		require.NoError(t, serr)
		_, err = enrollfsm.Restore(again)
		require.NoError(t, err, "restored at %s, the run's own snapshot is refused", r.State())
	}
	assert.ErrorIs(t, err, pimserr.ErrSnapshot, "no run waits for a PIN on iOS before its enrollment code was sent")
}

// withoutPlace is a snapshot's JSON object without its place and seal.
func withoutPlace(t *testing.T, data []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("the engine's snapshot is not JSON: %v\n%s", err, data)
	}
	delete(m, "seq")
	delete(m, "seal")
	return m
}

// restoresAgain restores data with opts; a refusal must be a
// *SnapshotError, and a restored run's snapshot must restore to the same
// run.
func restoresAgain(t *testing.T, data []byte, opts []enrollfsm.Option) {
	t.Helper()
	r, err := enrollfsm.Restore(data, opts...)
	if err != nil {
		var se *pimserr.SnapshotError
		if !errors.As(err, &se) {
			t.Fatalf("a refusal that is not a *SnapshotError: %T %v", err, err)
		}
		if len(err.Error()) > 512 || !utf8.ValidString(err.Error()) {
			t.Fatalf("a refusal's text is not short, valid text: %q", err.Error())
		}
		return
	}
	p := r.Next()
	if p.Kind == enrollfsm.PendingCall {
		t.Fatalf("a restored run makes no call before it is answered: %v", p.Call)
	}
	again, err := r.Snapshot()
	if err != nil {
		t.Fatalf("a restored run is saved: %v", err)
	}
	_, ended := r.Outcome()
	back, err := enrollfsm.Restore(again, append(opts, enrollfsm.WithLatest(r.Place()))...)
	switch {
	case ended:
		if !errors.Is(err, pimserr.ErrSnapshot) {
			t.Fatalf("a run that ended at its restore is restored again: %v", err)
		}
		return
	case err != nil:
		t.Fatalf("a run always restores its own snapshot: %v\n%s\nfrom\n%s", err, again, data)
	}
	if back.State() != r.State() || back.Counters() != r.Counters() || back.Settings() != r.Settings() || back.Place() != r.Place() {
		t.Fatalf("restored again, another run: %v %+v %+v %v, was %v %+v %+v %v",
			back.State(), back.Counters(), back.Settings(), back.Place(), r.State(), r.Counters(), r.Settings(), r.Place())
	}
	if bp := back.Next(); bp.Prompt != p.Prompt || !slices.Equal(bp.Actions, p.Actions) {
		t.Fatalf("restored again, another prompt: %s %v, was %s %v", bp.Prompt, bp.Actions, p.Prompt, p.Actions)
	}
	// The encoding is canonical: saved again, only the place (and its seal) moves.
	third, err := back.Snapshot()
	if err != nil {
		t.Fatalf("restored again, not saved: %v", err)
	}
	if a, b := withoutPlace(t, again), withoutPlace(t, third); !maps.EqualFunc(a, b, func(x, y any) bool { return fmt.Sprint(x) == fmt.Sprint(y) }) {
		t.Fatalf("saved twice, two runs:\n%s\n%s", again, third)
	}
	if err := r.Cancel(); err != nil || !strings.Contains(string(r.State()), "cancel") {
		t.Fatalf("cancel did not end the run: %v at %s", err, r.State())
	}
}
