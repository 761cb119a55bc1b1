package enrollfsm_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/enrollment"
	"github.com/enrollfsm/enrollfsm/enrolltest"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/pims"
	"github.com/enrollfsm/enrollfsm/simulator"
)

func req(op pims.Op, api string, kv ...string) pims.Request {
	return pims.Request{Op: op, API: api, Params: pims.Pairs(kv...)}
}

var (
	call1 = req(pims.Get, "pims.authentication.account", "actionType", "strong", "type", "isDeviceActivated")
	call2 = req(pims.Get, "pims.authentication.account", "actionType", "strong", "type", "isAccountBlocked")
	call3 = req(pims.Get, "pims.authentication.trustedphonenumber")
	call5 = req(pims.Get, "pims.authentication.smscode", "type", "enrollment")
)

func call6(code string) pims.Request {
	return req(pims.Set, "pims.authentication.smscode", "action", "enrollment", "smsCode", code)
}

func call8(pin string) pims.Request {
	return req(pims.Set, "pims.authentication.enrollment", "action", "enroll", "pinCode", pin)
}

// toPhonePrompt: steps 1, 2 and 3 (no phone).
func toPhonePrompt() []enrolltest.Exchange {
	return []enrolltest.Exchange{
		{Request: call1, Reply: pims.Success("t1", map[string]any{"isDeviceActivated": false})},
		{Request: call2, Reply: pims.Success("t2", map[string]any{"isAccountBlocked": "NotBlocked"})},
		{Request: call3, Reply: pims.Success("t3", map[string]any{"phoneNumber": nil})},
	}
}

// toEnrollmentCode: steps 1, 2, 3 (a phone) and 5.
func toEnrollmentCode() []enrolltest.Exchange {
	return []enrolltest.Exchange{
		{Request: call1, Reply: pims.Success("t1", map[string]any{"isDeviceActivated": false})},
		{Request: call2, Reply: pims.Success("t2", map[string]any{"isAccountBlocked": "NotBlocked"})},
		{Request: call3, Reply: pims.Success("t3", map[string]any{"phoneNumber": "0612345678"})},
		{Request: call5, Reply: pims.Success("t4", nil)},
	}
}

func advance(t testing.TB, e *enrollfsm.Engine, b pims.Backend) enrollfsm.Pending {
	t.Helper()
	p, err := e.Advance(context.Background(), b)
	require.NoError(t, err)
	return p
}

func TestNew_RefusesBadConfigurationWithTypedErrors(t *testing.T) {
	_, err := enrollfsm.New("sideways")
	assert.ErrorIs(t, err, pimserr.ErrConfig)
	// Reference: docs/contract.md §3, "asking for the shortcut with an older SDK is an
	// error at construction".
	_, err = enrollfsm.New(enrollfsm.FlowShortcut, enrollfsm.WithSDKVersion("2.0.9"))
	assert.ErrorIs(t, err, pimserr.ErrShortcutUnsupported)
	_, err = enrollfsm.New(enrollfsm.FlowFull, enrollfsm.WithPlatform("windows"))
	assert.ErrorIs(t, err, pimserr.ErrConfig)
	_, err = enrollfsm.New(enrollfsm.FlowFull, enrollfsm.WithSDKVersion("two"))
	assert.ErrorIs(t, err, pimserr.ErrConfig)
	_, err = enrollfsm.New(enrollfsm.FlowRemoveVehicle)
	assert.ErrorIs(t, err, pimserr.ErrConfig)
	_, err = enrollfsm.New(enrollfsm.FlowRemoveVehicle, enrollfsm.WithVIN("VR1AB12C3D456789O"))
	assert.ErrorIs(t, err, pimserr.ErrInvalidInput)
	_, err = enrollfsm.New(enrollfsm.FlowFull, enrollfsm.WithLimits(enrollfsm.Limits{}))
	assert.ErrorIs(t, err, pimserr.ErrConfig)
	_, err = enrollfsm.New(enrollfsm.FlowFull, enrollfsm.WithClock(nil))
	assert.ErrorIs(t, err, pimserr.ErrConfig)
}

// Reference: docs/contract.md §3, flow auto picks shortcut when the SDK version is ≥ 2.1.0.
func TestNew_AutoPicksByVersion(t *testing.T) {
	for v, want := range map[string]enrollfsm.Flow{
		"2.1.0": enrollfsm.FlowShortcut, "2.10": enrollfsm.FlowShortcut, "3.0.0-beta": enrollfsm.FlowShortcut,
		"2.0.9": enrollfsm.FlowFull, "1.9": enrollfsm.FlowFull, "v2.0.0": enrollfsm.FlowFull,
	} {
		e, err := enrollfsm.New(enrollfsm.FlowAuto, enrollfsm.WithSDKVersion(v))
		require.NoError(t, err, v)
		assert.Equal(t, want, e.Flow(), v)
	}
}

func TestNew_FirstCallIsPending(t *testing.T) {
	e, err := enrollfsm.New(enrollfsm.FlowFull)
	require.NoError(t, err)
	p := e.Next()
	assert.Equal(t, enrollfsm.PendingCall, p.Kind)
	assert.Equal(t, enrollment.CheckingEnrollment, p.State)
	assert.Equal(t, "1", p.Call.Step)
	assert.Equal(t, call1, p.Call.Request)
}

func TestAnswer_StaleOrMisplacedAnswersChangeNothing(t *testing.T) {
	e, err := enrollfsm.New(enrollfsm.FlowFull)
	require.NoError(t, err)
	assert.ErrorIs(t, e.Answer(enrollfsm.Value(enrollfsm.PromptPIN, "1234")), pimserr.ErrNotWaiting)

	p := advance(t, e, enrolltest.NewScript(toEnrollmentCode()...))
	require.Equal(t, enrollfsm.PromptEnrollmentCode, p.Prompt)
	assert.Equal(t, "06••••••78", p.SentTo)
	assert.ElementsMatch(t, []enrollfsm.Action{enrollfsm.ActionCancel, enrollfsm.ActionResend}, p.Actions)

	assert.ErrorIs(t, e.Answer(enrollfsm.Value(enrollfsm.PromptPIN, "1234")), pimserr.ErrWrongPrompt)
	assert.ErrorIs(t, e.Answer(enrollfsm.Act(enrollfsm.PromptEnrollmentCode, enrollfsm.ActionForgotPIN)), pimserr.ErrNotAllowed)
	assert.ErrorIs(t, e.Answer(enrollfsm.Act(enrollfsm.PromptEnrollmentCode, enrollfsm.ActionRetry)), pimserr.ErrNotAllowed)
	assert.ErrorIs(t, e.Answer(enrollfsm.Act(enrollfsm.PromptEnrollmentCode, "dance")), pimserr.ErrNotAllowed)
	assert.Equal(t, enrollment.AwaitingEnrollmentCode, e.State())
}

// Reference: docs/contract.md §4, "a bad value re-asks the same prompt, with a clear
// reason, and sends nothing".
func TestAnswer_MalformedValueIsAskedAgainWithAReason(t *testing.T) {
	e, err := enrollfsm.New(enrollfsm.FlowFull)
	require.NoError(t, err)
	script := enrolltest.NewScript(toEnrollmentCode()...)
	advance(t, e, script)
	err = e.Answer(enrollfsm.Value(enrollfsm.PromptEnrollmentCode, "12"))
	var ie *pimserr.InputError
	require.ErrorAs(t, err, &ie)
	p := advance(t, e, script)
	assert.Equal(t, enrollfsm.PromptEnrollmentCode, p.Prompt)
	assert.ErrorIs(t, p.Reason, pimserr.ErrInvalidInput)
	assert.Equal(t, 4, script.Used(), "nothing was sent")
}

func TestDeliver_RefusesRepliesToOtherCalls(t *testing.T) {
	e, err := enrollfsm.New(enrollfsm.FlowFull)
	require.NoError(t, err)
	id := e.Next().Call.ID
	assert.ErrorIs(t, e.Deliver(id+1, pims.Success("t", nil), nil), pimserr.ErrNoCall)
	require.NoError(t, e.Deliver(id, pims.Success("t", map[string]any{"isDeviceActivated": true}), nil))
	assert.ErrorIs(t, e.Deliver(id, pims.Success("t", nil), nil), pimserr.ErrNoCall, "a reply is taken once")
	out, done := e.Outcome()
	require.True(t, done)
	assert.Equal(t, enrollfsm.Enrolled, out.State)
	assert.ErrorIs(t, e.Answer(enrollfsm.Act(enrollfsm.PromptPIN, enrollfsm.ActionCancel)), pimserr.ErrEnded)
	assert.ErrorIs(t, e.Cancel(), pimserr.ErrEnded)
}

// Reference: docs/contract.md §5, a code prompt more than 10 minutes after its SMS
// accepts only resend.
func TestCodeExpiresAfterItsTTL(t *testing.T) {
	clock := enrolltest.NewClock(time.Time{})
	e, err := enrollfsm.New(enrollfsm.FlowFull, enrollfsm.WithClock(clock))
	require.NoError(t, err)
	script := enrolltest.NewScript(append(toEnrollmentCode(),
		enrolltest.Exchange{Request: call5, Reply: pims.Success("t5", nil)},
		enrolltest.Exchange{Request: call6("2424"), Reply: pims.Success("t6", map[string]any{"status": "AlreadyEnrolled"})})...)
	advance(t, e, script)
	clock.Advance(10*time.Minute + time.Second)
	assert.ErrorIs(t, e.Answer(enrollfsm.Value(enrollfsm.PromptEnrollmentCode, "2424")), pimserr.ErrCodeExpired)
	require.NoError(t, e.Answer(enrollfsm.Act(enrollfsm.PromptEnrollmentCode, enrollfsm.ActionResend)))
	advance(t, e, script)
	require.NoError(t, e.Answer(enrollfsm.Value(enrollfsm.PromptEnrollmentCode, "2424")))
	assert.Equal(t, enrollfsm.PromptPIN, advance(t, e, script).Prompt)
	assert.Equal(t, 1, e.Counters().Resends)
}

// blocking is a backend whose calls wait until their context ends.
type blocking struct{ started chan struct{} }

func (b blocking) Call(ctx context.Context, _ pims.Request) (pims.Message, error) {
	close(b.started)
	<-ctx.Done()
	return pims.Message{}, ctx.Err()
}

func TestCancel_DuringACallInterruptsThenCancels(t *testing.T) {
	var path []enrollfsm.State
	e, err := enrollfsm.New(enrollfsm.FlowFull, enrollfsm.WithObserver(enrollfsm.Observer{
		Transition: func(tr enrollfsm.Transition) { path = append(path, tr.To) },
	}))
	require.NoError(t, err)
	b := blocking{started: make(chan struct{})}
	done := make(chan enrollfsm.Pending)
	go func() {
		p, _ := e.Advance(context.Background(), b)
		done <- p
	}()
	<-b.started
	assert.Equal(t, enrollment.CheckingEnrollment, e.State(), "the lock is free while the call is in flight")
	_, err = e.Advance(context.Background(), b)
	assert.ErrorContains(t, err, "being made by another Advance")
	require.NoError(t, e.Cancel())
	p := <-done
	assert.Equal(t, enrollfsm.PendingNone, p.Kind)
	out, _ := e.Outcome()
	assert.Equal(t, enrollfsm.Cancelled, out.State)
	assert.Equal(t, []enrollfsm.State{enrollment.CheckingEnrollment, enrollment.Interrupted, enrollment.Cancelled}, path)
}

func TestCancel_PendingCallAndPrompt(t *testing.T) {
	e, err := enrollfsm.New(enrollfsm.FlowFull)
	require.NoError(t, err)
	id := e.Next().Call.ID
	require.NoError(t, e.Cancel())
	assert.Equal(t, enrollfsm.Cancelled, e.State())
	assert.ErrorIs(t, e.Deliver(id, pims.Success("t", nil), nil), pimserr.ErrNoCall, "the abandoned call's reply is refused")

	e, err = enrollfsm.New(enrollfsm.FlowFull)
	require.NoError(t, err)
	advance(t, e, enrolltest.NewScript(toEnrollmentCode()...))
	require.NoError(t, e.Cancel())
	assert.Equal(t, enrollfsm.Cancelled, e.State())
}

// Reference: docs/contract.md §1, "the `ctx` the engine passes, which a backend must honour".
func TestAdvance_CancelledContextInterrupts(t *testing.T) {
	e, err := enrollfsm.New(enrollfsm.FlowFull)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	p, err := e.Advance(ctx, enrolltest.NewScript())
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, enrollfsm.PromptRetry, p.Prompt, "the engine rests at interrupted")
	assert.ErrorIs(t, p.Reason, context.Canceled)
	_, err = e.Snapshot()
	assert.NoError(t, err, "and can be saved")
}

// Reference: docs/contract.md §4, the host's context. An answerer that
// always says retry must not keep Run going once ctx is done.
func TestRun_CancelledContextReturnsAtOnce(t *testing.T) {
	e, err := enrollfsm.New(enrollfsm.FlowFull)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	asked := 0
	retry := enrollfsm.AnswerFunc(func(_ context.Context, p enrollfsm.Pending) (enrollfsm.Answer, error) {
		asked++
		return enrollfsm.Act(p.Prompt, enrollfsm.ActionRetry), nil
	})
	_, err = e.Run(ctx, enrolltest.NewScript(), retry)
	require.ErrorIs(t, err, context.Canceled)
	assert.Zero(t, asked, "no prompt is asked once ctx is done")
	assert.Equal(t, enrollfsm.State("interrupted"), e.State())

	// ctx ending while the user is asked: the answer is not applied.
	e, err = enrollfsm.New(enrollfsm.FlowFull)
	require.NoError(t, err)
	ctx, cancel = context.WithCancel(context.Background())
	answerer := enrollfsm.AnswerFunc(func(_ context.Context, p enrollfsm.Pending) (enrollfsm.Answer, error) {
		cancel()
		return enrollfsm.Value(p.Prompt, "0612345678"), nil
	})
	_, err = e.Run(ctx, enrolltest.NewScript(toPhonePrompt()...), answerer)
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, enrollfsm.State("awaiting_phone_number"), e.State())
}

func TestConcurrentUseIsSerialised(t *testing.T) {
	e, err := enrollfsm.New(enrollfsm.FlowFull)
	require.NoError(t, err)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 200; j++ {
				_ = e.Next()
				_ = e.State()
				_ = e.Counters()
				_, _ = e.Outcome()
				_ = e.Answer(enrollfsm.Value(enrollfsm.PromptEnrollmentCode, "2424"))
			}
		}()
	}
	_, err = e.Advance(context.Background(), enrolltest.NewScript(toEnrollmentCode()...))
	require.NoError(t, err)
	wg.Wait()
	assert.Contains(t, []enrollfsm.State{enrollment.AwaitingEnrollmentCode, enrollment.CheckingPIN, enrollment.Interrupted}, e.State())
}

// Reference: docs/contract.md §4, "Secrets — PINs and SMS codes — never appear in logs,
// error strings ...; phone numbers are masked in logs".
func TestLogs_NoSecretsAndMaskedPhones(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e, err := enrollfsm.New(enrollfsm.FlowFull, enrollfsm.WithLogger(logger))
	require.NoError(t, err)
	script := enrolltest.NewScript(append(toEnrollmentCode(),
		enrolltest.Exchange{Request: call6("55667788"), Reply: pims.Success("t5", map[string]any{"status": "AlreadyEnrolled"})},
		enrolltest.Exchange{Request: call8("918273"), Reply: pims.Failure("t6", pimserr.CodeAccessRefused)},
		enrolltest.Exchange{Request: call8("918273"), Reply: pims.Failure("t7", pimserr.CodeComponentNotConfigured)})...)
	answers := []enrollfsm.Answer{
		enrollfsm.Value(enrollfsm.PromptEnrollmentCode, "55667788"),
		enrollfsm.Value(enrollfsm.PromptPIN, "918273"),
		enrollfsm.Value(enrollfsm.PromptPIN, "918273"),
	}
	out, err := e.Run(context.Background(), script, enrollfsm.AnswerFunc(func(_ context.Context, p enrollfsm.Pending) (enrollfsm.Answer, error) {
		a := answers[0]
		answers = answers[1:]
		return a, nil
	}))
	require.NoError(t, err)
	assert.Equal(t, pimserr.Failure("pims:2344"), out.Failure)
	logs := buf.String()
	for _, secret := range []string{"55667788", "918273"} {
		assert.NotContains(t, logs, secret)
		assert.NotContains(t, fmt.Sprintf("%v %+v", out, out.Err), secret)
	}
	assert.Contains(t, logs, `"msg":"transition"`)
	assert.Contains(t, logs, `"transactionId":"t6"`)
	assert.Contains(t, logs, `"msg":"call","flow":"full","state":"enrolling_device","step":"8"`, "a call's record names its state")

	buf.Reset()
	e, err = enrollfsm.New(enrollfsm.FlowFull, enrollfsm.WithLogger(logger))
	require.NoError(t, err)
	script = enrolltest.NewScript(
		enrolltest.Exchange{Request: call1, Reply: pims.Success("t1", map[string]any{"isDeviceActivated": false})},
		enrolltest.Exchange{Request: call2, Reply: pims.Success("t2", map[string]any{"isAccountBlocked": "NotBlocked"})},
		enrolltest.Exchange{Request: call3, Reply: pims.Success("t3", map[string]any{"phoneNumber": nil})},
		enrolltest.Exchange{Request: req(pims.Get, "pims.authentication.smscode", "type", "phoneNumberCertification", "phoneNumber", "0698765432"), Reply: pims.Success("t4", nil)},
	)
	advance(t, e, script)
	require.NoError(t, e.Answer(enrollfsm.Value(enrollfsm.PromptPhoneNumber, "06 98 76 54 32")))
	advance(t, e, script)
	assert.NotContains(t, buf.String(), "0698765432")
	assert.Contains(t, buf.String(), "06••••••32")
}

func TestOutcome_WarningsAndFailure(t *testing.T) {
	e, err := enrollfsm.New(enrollfsm.FlowFull)
	require.NoError(t, err)
	script := enrolltest.NewScript(append(toEnrollmentCode(),
		enrolltest.Exchange{Request: call6("2424"), Reply: pims.Success("t5", map[string]any{"status": "AlreadyEnrolled"})},
		enrolltest.Exchange{Request: call8("1234"), Reply: pims.Failure("t6", pimserr.CodePostSyncFailed)})...)
	advance(t, e, script)
	require.NoError(t, e.Answer(enrollfsm.Value(enrollfsm.PromptEnrollmentCode, "2424")))
	advance(t, e, script)
	require.NoError(t, e.Answer(enrollfsm.Value(enrollfsm.PromptPIN, "1234")))
	advance(t, e, script)
	out, done := e.Outcome()
	require.True(t, done)
	assert.True(t, out.OK())
	require.Len(t, out.Warnings, 1)
	assert.ErrorIs(t, out.Warnings[0], pimserr.ErrPostSyncFailed)

	e, err = enrollfsm.New(enrollfsm.FlowFull)
	require.NoError(t, err)
	advance(t, e, enrolltest.NewScript(enrolltest.Exchange{Request: call1, Reply: pims.Failure("t1", pimserr.CodeFacadeNotInitialized)}))
	out, _ = e.Outcome()
	assert.Equal(t, enrollfsm.Failed, out.State)
	assert.ErrorIs(t, out.Err, pimserr.ErrRunFailed)
	assert.ErrorIs(t, out.Err, pimserr.ErrFacadeNotInitialized)
	var se *pimserr.StepError
	require.ErrorAs(t, out.Err, &se)
	assert.Equal(t, "1", se.Step)
}

func TestRun_AnswererErrorLeavesTheEngineWaiting(t *testing.T) {
	e, err := enrollfsm.New(enrollfsm.FlowFull)
	require.NoError(t, err)
	boom := errors.New("ui gone")
	_, err = e.Run(context.Background(), enrolltest.NewScript(toEnrollmentCode()...),
		enrollfsm.AnswerFunc(func(context.Context, enrollfsm.Pending) (enrollfsm.Answer, error) { return enrollfsm.Answer{}, boom }))
	assert.ErrorIs(t, err, boom)
	assert.Equal(t, enrollment.AwaitingEnrollmentCode, e.State())
}

func TestObserver_CallRecordsTakeTheClocksDuration(t *testing.T) {
	clock := enrolltest.NewClock(time.Time{})
	var calls []enrollfsm.CallRecord
	e, err := enrollfsm.New(enrollfsm.FlowFull, enrollfsm.WithClock(clock), enrollfsm.WithObserver(enrollfsm.Observer{
		Call: func(c enrollfsm.CallRecord) { calls = append(calls, c) },
	}))
	require.NoError(t, err)
	slow := pims.BackendFunc(func(ctx context.Context, r pims.Request) (pims.Message, error) {
		clock.Advance(300 * time.Millisecond)
		return pims.Success("t1", map[string]any{"isDeviceActivated": true}), nil
	})
	advance(t, e, slow)
	require.Len(t, calls, 1)
	assert.Equal(t, enrollment.CheckingEnrollment, calls[0].State)
	assert.Equal(t, 300*time.Millisecond, calls[0].Duration)
	assert.Equal(t, "t1", calls[0].TransactionID)
	assert.Equal(t, 1, e.Counters().Calls)
}

func TestAnswer_StringMasksValues(t *testing.T) {
	assert.Equal(t, "pin=••••", enrollfsm.Value(enrollfsm.PromptPIN, "918273").String())
	assert.Equal(t, "phone_number=06••••••78", fmt.Sprintf("%+v", enrollfsm.Value(enrollfsm.PromptPhoneNumber, "06 12 34 56 78")))
	assert.Equal(t, "retry:cancel", fmt.Sprint(enrollfsm.Act(enrollfsm.PromptRetry, enrollfsm.ActionCancel)))
}

var errNoCall = pimserr.ErrNoCall

// The enrollment code goes to the number step 4·2 has just registered, and
// the prompt says so.
func TestPending_SentToAfterAddingThePhone(t *testing.T) {
	sim := simulator.MustNew(simulator.WithSituation(simulator.SituationNew))
	e, err := enrollfsm.New(enrollfsm.FlowFull)
	require.NoError(t, err)
	require.Equal(t, enrollfsm.PromptPhoneNumber, advance(t, e, sim).Prompt)
	require.NoError(t, e.Answer(enrollfsm.Value(enrollfsm.PromptPhoneNumber, "0611223344")))
	p := advance(t, e, sim)
	require.Equal(t, enrollfsm.PromptCertificationCode, p.Prompt)
	assert.Equal(t, "06••••••44", p.SentTo)
	code, _ := sim.LastCode(simulator.KindCertification)
	require.NoError(t, e.Answer(enrollfsm.Value(enrollfsm.PromptCertificationCode, code)))
	p = advance(t, e, sim)
	require.Equal(t, enrollfsm.PromptEnrollmentCode, p.Prompt)
	assert.Equal(t, "06••••••44", p.SentTo)
}

// Printing an engine shows no secret: a pending request holds the code.
func TestEngine_PrintsNoSecret(t *testing.T) {
	e, _ := atEnrollmentCode(t, enrollfsm.WithPlatform(enrollfsm.IOS), enrollfsm.WithSnapshotKey([]byte("0123456789abcdef")))
	require.NoError(t, e.Answer(enrollfsm.Value(enrollfsm.PromptEnrollmentCode, "918273")))
	require.Equal(t, "918273", e.Next().Call.Request.Params.Value("smsCode"))
	var logs bytes.Buffer
	slog.New(slog.NewTextHandler(&logs, nil)).Info("engine", "e", e)
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("engine", "e", e)
	for _, out := range []string{fmt.Sprintf("%v %+v %#v %s", e, e, e, e), logs.String()} {
		assert.NotContains(t, out, "918273")
		assert.NotContains(t, out, "0123456789abcdef")
		assert.Contains(t, out, "enrollfsm.Engine(full)")
	}
}

// Limits far out of range are refused, so no bound overflows.
func TestWithLimits_RefusesOutOfRange(t *testing.T) {
	for _, change := range []func(*enrollfsm.Limits){
		func(l *enrollfsm.Limits) { l.ReadAttempts = 40 },
		func(l *enrollfsm.Limits) { l.CodeAttempts = 1_000_000 },
		func(l *enrollfsm.Limits) { l.Backoff = time.Hour },
	} {
		l := enrollfsm.DefaultLimits()
		change(&l)
		_, err := enrollfsm.New(enrollfsm.FlowFull, enrollfsm.WithLimits(l))
		assert.ErrorIs(t, err, pimserr.ErrConfig)
	}
}

// Reference: docs/contract.md §4, "a 2316 warning is reported once per
// step": step 5 warns twice (the code resent), the outcome holds one.
func TestOutcome_A2316WarningOncePerStep(t *testing.T) {
	e, err := enrollfsm.New(enrollfsm.FlowFull)
	require.NoError(t, err)
	ex := toEnrollmentCode()
	ex[3].Reply = pims.Failure("t4", pimserr.CodePostSyncFailed)
	require.Equal(t, enrollfsm.PromptEnrollmentCode, advance(t, e, enrolltest.NewScript(ex...)).Prompt)
	require.NoError(t, e.Answer(enrollfsm.Act(enrollfsm.PromptEnrollmentCode, enrollfsm.ActionResend)))
	require.Equal(t, enrollfsm.PromptEnrollmentCode, advance(t, e, enrolltest.NewScript(
		enrolltest.Exchange{Request: call5, Reply: pims.Failure("t5", pimserr.CodePostSyncFailed)})).Prompt)
	require.NoError(t, e.Answer(enrollfsm.Act(enrollfsm.PromptEnrollmentCode, enrollfsm.ActionCancel)))
	out, ok := e.Outcome()
	require.True(t, ok)
	require.Len(t, out.Warnings, 1)
	assert.ErrorIs(t, out.Warnings[0], pimserr.New(pimserr.CodePostSyncFailed))
}

// A zero Engine is a run that failed before it began: every method answers,
// none panics or leaves the lock held.
func TestEngine_ZeroIsAFailedRunNotAPanic(t *testing.T) {
	var e enrollfsm.Engine
	assert.Equal(t, enrollfsm.PendingNone, e.Next().Kind)
	assert.ErrorIs(t, e.Deliver(1, pims.Success("t", nil), nil), pimserr.ErrNoCall)
	assert.ErrorIs(t, e.Answer(enrollfsm.Value(enrollfsm.PromptPIN, "1234")), pimserr.ErrEnded)
	assert.ErrorIs(t, e.Cancel(), pimserr.ErrEnded)
	out, ok := e.Outcome()
	require.True(t, ok)
	assert.Equal(t, enrollfsm.Failed, out.State)
	assert.Equal(t, pimserr.FailureInternal, out.Failure)
	assert.ErrorIs(t, out.Err, pimserr.ErrConfig)
	_, err := e.Snapshot()
	assert.ErrorIs(t, err, pimserr.ErrConfig)
	assert.Equal(t, enrollfsm.State(""), e.State())
	p, err := e.Advance(context.Background(), simulator.MustNew())
	require.NoError(t, err)
	assert.Equal(t, enrollfsm.PendingNone, p.Kind)
	out, err = e.Run(context.Background(), simulator.MustNew(), nil)
	require.NoError(t, err)
	assert.Equal(t, enrollfsm.Failed, out.State)
	assert.Equal(t, enrollfsm.PendingNone, e.Next().Kind, "the lock was given back")
}
