package mobile_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/mobile"
	"github.com/enrollfsm/enrollfsm/simulator"
)

// A fatal code ends the run: the outcome's error carries the code, its
// class, the step and the failure, in both styles.
func TestFatalCodeInTheOutcome(t *testing.T) {
	for _, s := range styles {
		t.Run(s.name, func(t *testing.T) {
			sim := simulator.MustNew()
			sim.InjectNext(pimserr.CodeDeviceDisabled)
			a := newApp(t, sim)
			out := s.drive(a, start(t, &mobile.Config{Flow: mobile.FlowFull}))

			assert.Equal(t, mobile.StateFailed, out.State)
			assert.False(t, out.OK)
			assert.Equal(t, "pims:2312", out.Failure)
			require.NotNil(t, out.Error)
			assert.Equal(t, mobile.ErrorRunFailed, out.Error.Kind)
			assert.Equal(t, int32(2312), out.Error.Code)
			assert.Equal(t, mobile.ClassFatal, out.Error.CodeClass)
			assert.Equal(t, "inwebo: device is disabled or unknown", out.Error.Label)
			assert.Equal(t, "1", out.Error.Step)
			assert.Equal(t, "pims:2312", out.Error.Failure)
			assert.Contains(t, out.Error.Message, "2312")

			back := mobile.ParseError(out.Error.JSON())
			require.NotNil(t, back)
			assert.Equal(t, *out.Error, *back, "the JSON form keeps every field")
		})
	}
}

// A wrong PIN is refused by the server (2308, rejected): the pin prompt is
// asked again with that reason, then the right PIN enrolls.
func TestRejectedPINIsThePromptsReason(t *testing.T) {
	for _, s := range styles {
		t.Run(s.name, func(t *testing.T) {
			sim := simulator.MustNew(simulator.WithSituation(simulator.SituationPINExists))
			a := newApp(t, sim)
			a.pin = simulator.DefaultPIN
			var reasons []*mobile.EngineError
			a.answer = func(p *mobile.Pending) (string, string, bool) {
				if p.Prompt != mobile.PromptPIN {
					return "", "", false
				}
				reasons = append(reasons, p.Reason)
				if p.Reason == nil {
					return "0000", "", true
				}
				return "", "", false
			}
			e := start(t, &mobile.Config{Flow: mobile.FlowFull})
			out := s.drive(a, e)

			assert.Equal(t, mobile.StateEnrolled, out.State)
			require.Len(t, reasons, 2)
			assert.Nil(t, reasons[0])
			r := reasons[1]
			require.NotNil(t, r)
			assert.Equal(t, mobile.ErrorPIMS, r.Kind)
			assert.Equal(t, int32(2308), r.Code)
			assert.Equal(t, mobile.ClassRejected, r.CodeClass)
			assert.Equal(t, "8", r.Step)
			assert.Equal(t, int32(4), r.AttemptsLeft, "5 PINs a run, one spent")
			assert.Equal(t, int32(-1), r.ResendsLeft, "the pin prompt offers no resend")
			assert.Contains(t, r.JSON(), `"attemptsLeft":4`)
			assert.NotContains(t, r.JSON(), `resendsLeft`)
			back := mobile.ParseError(r.JSON())
			require.NotNil(t, back)
			assert.Equal(t, *r, *back)
			assert.Equal(t, 1, e.Counters().WrongPINs)
			assert.NotContains(t, r.JSON(), "0000")
		})
	}
}

// Refused answers throw an exception whose message ParseError reads; the
// refused value never appears in it.
func TestRefusedAnswersThrowParseableErrors(t *testing.T) {
	sim := simulator.MustNew(simulator.WithSituation(simulator.SituationPINExists))
	a := newApp(t, sim)
	e := start(t, &mobile.Config{Flow: mobile.FlowFull})
	p := a.pullUntil(e, mobile.PromptEnrollmentCode)
	require.Equal(t, mobile.PromptEnrollmentCode, p.Prompt)
	assert.Equal(t, "06••••••78", p.SentTo)
	assert.True(t, p.Offers(mobile.ActionResend))
	assert.False(t, p.Offers(mobile.ActionForgotPIN))
	var actions []string
	require.NoError(t, json.Unmarshal([]byte(p.Actions), &actions))
	assert.ElementsMatch(t, []string{mobile.ActionCancel, mobile.ActionResend}, actions)

	err := e.Answer(mobile.PromptEnrollmentCode, "98x7")
	info := assertError(t, err, mobile.ErrorInvalidInput)
	assert.Equal(t, "SMS code", info.Field)
	assert.Zero(t, info.Code)
	assert.NotContains(t, err.Error(), "98x7")
	reason := e.Next().Reason
	require.NotNil(t, reason, "the refusal is the prompt's reason")
	assert.Equal(t, mobile.ErrorInvalidInput, reason.Kind)

	assertError(t, e.Answer(mobile.PromptPIN, "1234"), mobile.ErrorWrongPrompt)
	assertError(t, e.Act(mobile.PromptEnrollmentCode, mobile.ActionForgotPIN), mobile.ErrorNotAllowed)
	assertError(t, e.Deliver(p.CallID, []byte(`{"status":"SUCCEEDED"}`)), mobile.ErrorNoCall)

	// At a call, answers are refused; a snapshot saves the run as if the
	// call's reply were lost: restored, the code it carried counts.
	code, _ := sim.LastCode(simulator.KindEnrollment)
	require.NoError(t, e.Answer(mobile.PromptEnrollmentCode, code))
	assert.Equal(t, mobile.PendingCall, e.Next().Kind)
	assertError(t, e.Answer(mobile.PromptPIN, "1234"), mobile.ErrorNotWaiting)
	inFlight, err := e.Snapshot()
	require.NoError(t, err)
	killed, err := (&mobile.Config{}).Restore(inFlight)
	require.NoError(t, err)
	assert.Equal(t, "awaiting_enrollment_code", killed.State(), "the code in flight counted, asked again")

	require.NoError(t, e.Cancel())
	assertError(t, e.Cancel(), mobile.ErrorEnded)
	assert.Equal(t, mobile.StateCancelled, e.Outcome().State)
}

func TestConfigErrors(t *testing.T) {
	_, err := (&mobile.Config{Flow: "fastest"}).Start()
	assertError(t, err, mobile.ErrorConfig)
	_, err = (&mobile.Config{Flow: mobile.FlowShortcut, SDKVersion: "2.0.9"}).Start()
	assertError(t, err, mobile.ErrorShortcutUnsupported)
	_, err = (&mobile.Config{Flow: mobile.FlowRemoveVehicle, VIN: "VR1AB12C3D456789O"}).Start()
	info := assertError(t, err, mobile.ErrorInvalidInput)
	assert.Equal(t, "VIN", info.Field)
	_, err = (&mobile.Config{Platform: "windows"}).Start()
	assertError(t, err, mobile.ErrorConfig)

	e := start(t, &mobile.Config{SDKVersion: "2.0.0"})
	assert.Equal(t, mobile.FlowFull, e.Settings().Flow, "auto before 2.1.0 is the full flow")
	assert.Nil(t, e.Outcome(), "no outcome while the run goes on")
}

// An engine made by the zero-value constructor (new Engine() in Java)
// refuses everything with an error, never a crash.
func TestZeroEngineDoesNotCrash(t *testing.T) {
	var e mobile.Engine
	p := e.Next()
	assert.Equal(t, mobile.PendingNone, p.Kind)
	require.NotNil(t, p.Reason)
	assert.Equal(t, mobile.ErrorConfig, p.Reason.Kind)
	assertError(t, e.Answer(mobile.PromptPIN, "1234"), mobile.ErrorConfig)
	assertError(t, e.Act(mobile.PromptPIN, mobile.ActionCancel), mobile.ErrorConfig)
	assertError(t, e.Deliver(1, nil), mobile.ErrorConfig)
	assertError(t, e.DeliverError(1, "x"), mobile.ErrorConfig)
	assertError(t, e.Cancel(), mobile.ErrorConfig)
	_, err := e.Advance(newApp(t, simulator.MustNew()))
	assertError(t, err, mobile.ErrorConfig)
	_, err = e.Snapshot()
	assertError(t, err, mobile.ErrorConfig)
	assert.Nil(t, e.Outcome())
	assert.Empty(t, e.State())
	assert.Zero(t, *e.Counters())
	assert.Empty(t, e.Settings().Flow)
}

func TestParseErrorIgnoresForeignMessages(t *testing.T) {
	for _, msg := range []string{"", "boom", "null", `{"code":1}`, `{"kind":""}`, `[1]`, `{"kind":`} {
		assert.Nil(t, mobile.ParseError(msg), msg)
	}
	info := mobile.ParseError(`{"kind":"pims","code":2201,"class":"transient","step":"5","message":"m"}`)
	require.NotNil(t, info)
	assert.Equal(t, mobile.EngineError{Kind: "pims", Code: 2201, CodeClass: "transient", Step: "5", Message: "m", AttemptsLeft: -1, ResendsLeft: -1}, *info)
	assert.Equal(t, "m", info.String())
}

// The bridge fails (an exception in push style, DeliverError in pull
// style): the run waits at the retry prompt with a bridge reason, and a
// retry goes on.
func TestBridgeFailureThenRetry(t *testing.T) {
	for _, s := range styles {
		t.Run(s.name, func(t *testing.T) {
			sim := simulator.MustNew(simulator.WithSituation(simulator.SituationEnrolled))
			sim.InjectBridgeError()
			a := newApp(t, sim)
			var reason *mobile.EngineError
			a.answer = func(p *mobile.Pending) (string, string, bool) {
				if p.Prompt == mobile.PromptRetry {
					reason = p.Reason
				}
				return "", "", false
			}
			out := s.drive(a, start(t, &mobile.Config{}))
			assert.Equal(t, mobile.StateEnrolled, out.State)
			assert.Equal(t, []string{mobile.PromptRetry}, a.prompts)
			require.NotNil(t, reason)
			assert.Equal(t, mobile.ErrorBridge, reason.Kind)
			assert.Equal(t, "1", reason.Step)
			assert.Contains(t, reason.Message, simulator.ErrBridge.Error())
		})
	}
}

// A message that is not one fails the run with bad_reply, and Deliver takes
// it without error.
func TestUnreadableMessageIsABadReply(t *testing.T) {
	for _, msg := range []string{``, `not json`, `{"status":"DONE"}`, `{"status":"FAILED"}`} {
		e := start(t, &mobile.Config{})
		p := e.Next()
		require.Equal(t, mobile.PendingCall, p.Kind)
		require.NoError(t, e.Deliver(p.CallID, []byte(msg)), msg)
		out := e.Outcome()
		require.NotNil(t, out, msg)
		assert.Equal(t, "bad_reply", out.Failure, msg)
		require.NotNil(t, out.Error, msg)
		assert.Equal(t, mobile.ErrorRunFailed, out.Error.Kind)
		assert.Equal(t, "bad_reply", out.Error.Failure)
	}
}

// A transient code at a read is retried: the same step is pending again,
// with the backoff the app waits in pull style.
func TestRetriedReadCarriesItsDelay(t *testing.T) {
	sim := simulator.MustNew(simulator.WithSituation(simulator.SituationEnrolled))
	sim.InjectNext(pimserr.CodeServerError)
	a := newApp(t, sim)
	e := start(t, &mobile.Config{})
	first := e.Next()
	assert.Zero(t, first.DelayMillis)
	msg, err := a.Call(first.Request())
	require.NoError(t, err)
	require.NoError(t, e.Deliver(first.CallID, msg))
	again := e.Next()
	require.Equal(t, mobile.PendingCall, again.Kind)
	assert.Equal(t, first.Step, again.Step)
	assert.Equal(t, first.Params, again.Params)
	assert.NotEqual(t, first.CallID, again.CallID)
	assert.Equal(t, int64(500), again.DelayMillis)
	assertError(t, e.Deliver(first.CallID, msg), mobile.ErrorNoCall)
	assert.Equal(t, mobile.StateEnrolled, a.pull(e).State)
}

// 2316 on a step that counts as done is a warning of the outcome.
func TestWarningsInTheOutcome(t *testing.T) {
	sim := simulator.MustNew(simulator.WithSituation(simulator.SituationPINExists))
	a := newApp(t, sim)
	a.pin = simulator.DefaultPIN
	a.before = func(p *mobile.Pending) {
		if p.Step == "8" {
			sim.InjectNext(pimserr.CodePostSyncFailed)
		}
	}
	out := a.pull(start(t, &mobile.Config{Flow: mobile.FlowFull}))
	assert.Equal(t, mobile.StateEnrolled, out.State)
	var warnings []map[string]any
	require.NoError(t, json.Unmarshal([]byte(out.Warnings), &warnings))
	require.Len(t, warnings, 1)
	assert.Equal(t, map[string]any{
		"kind": "pims", "code": 2316.0, "class": "succeeded_with_warning", "step": "8",
		"label": pimserr.CodePostSyncFailed.Label(), "message": warnings[0]["message"],
	}, warnings[0])
	require.Equal(t, 1, out.WarningCount())
	w := out.Warning(0)
	require.NotNil(t, w)
	assert.Equal(t, int32(2316), w.Code)
	assert.Equal(t, mobile.ClassSucceededWithWarning, w.CodeClass)
	assert.Nil(t, out.Warning(1), "out of range")
	assert.Nil(t, out.Warning(-1), "out of range")
}

// Cancel from another thread while Advance waits on a bridge that never
// answers: Advance returns at once and the run is cancelled.
func TestCancelDuringAdvance(t *testing.T) {
	release := make(chan struct{})
	entered := make(chan struct{})
	bridge := backendFunc(func(string) ([]byte, error) {
		close(entered)
		<-release
		return nil, errors.New("too late")
	})
	defer close(release)
	e := start(t, &mobile.Config{})
	done := make(chan *mobile.Pending)
	go func() {
		p, err := e.Advance(bridge)
		assert.NoError(t, err)
		done <- p
	}()
	<-entered
	assert.Equal(t, mobile.PendingCall, e.Next().Kind, "Next answers while a call is in flight")
	require.NoError(t, e.Cancel())
	assert.Equal(t, mobile.StateCancelled, e.State(), "the state once Cancel has returned")
	require.NotNil(t, e.Outcome(), "the outcome once Cancel has returned")
	select {
	case p := <-done:
		assert.Equal(t, mobile.PendingNone, p.Kind)
	case <-time.After(5 * time.Second):
		t.Fatal("Advance did not return after Cancel")
	}
	assert.Equal(t, mobile.StateCancelled, e.Outcome().State)
}

// In pull style a reply that comes after Cancel is refused.
func TestLateReplyAfterCancel(t *testing.T) {
	e := start(t, &mobile.Config{})
	p := e.Next()
	require.NoError(t, e.Cancel())
	assertError(t, e.Deliver(p.CallID, []byte(`{"status":"SUCCEEDED","result":{"isDeviceActivated":true}}`)), mobile.ErrorNoCall)
	out := e.Outcome()
	require.NotNil(t, out)
	assert.Equal(t, mobile.StateCancelled, out.State)
}

func TestPendingPrintsNoSecret(t *testing.T) {
	sim := simulator.MustNew(simulator.WithSituation(simulator.SituationPINExists))
	a := newApp(t, sim)
	e := start(t, &mobile.Config{Flow: mobile.FlowFull})
	a.pullUntil(e, mobile.PromptPIN)
	require.NoError(t, e.Answer(mobile.PromptPIN, "86420"))
	p := e.Next()
	require.Equal(t, "8", p.Step)
	assert.Contains(t, p.Params, "86420", "the app needs the real PIN")
	assert.Contains(t, p.Request(), `"params":{"action":"enroll","pinCode":"86420"}`)
	assert.Equal(t, "call 8 set pims.authentication.enrollment{action=enroll pinCode=••••}", p.String())
	assert.NotContains(t, p.String(), "86420")
	assert.Empty(t, (&mobile.Pending{Kind: mobile.PendingPrompt}).Request())

	// Reference: docs/contract.md §4, "Secrets": every way an app may print
	// or encode it, by pointer or by value.
	var outs []string
	for _, v := range []any{p, *p} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			outs = append(outs, fmt.Sprintf(verb, v))
		}
		b, err := json.Marshal(v)
		require.NoError(t, err)
		outs = append(outs, string(b))
		for _, h := range []func(*bytes.Buffer) slog.Handler{
			func(w *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(w, nil) },
			func(w *bytes.Buffer) slog.Handler { return slog.NewTextHandler(w, nil) },
		} {
			var w bytes.Buffer
			slog.New(h(&w)).Info("pending", "p", v)
			outs = append(outs, w.String())
		}
	}
	for _, out := range outs {
		assert.NotContains(t, out, "86420", out)
	}
	var decoded struct{ Step, Params string }
	b, _ := json.Marshal(p)
	require.NoError(t, json.Unmarshal(b, &decoded))
	assert.Equal(t, "8", decoded.Step, "the JSON keeps the other fields")
	assert.Contains(t, decoded.Params, `"action":"enroll"`)
	assert.Equal(t, "86420", p.ParamValue(1), "the app still reads the real PIN")
}

type backendFunc func(string) ([]byte, error)

func (f backendFunc) Call(r string) ([]byte, error) { return f(r) }

func TestLoggerGetsEveryCallWithoutSecrets(t *testing.T) {
	sim := simulator.MustNew()
	a := newApp(t, sim)
	out := a.push(start(t, &mobile.Config{Flow: mobile.FlowFull, Logger: a}))
	require.Equal(t, mobile.StateEnrolled, out.State)
	levels := map[string]int{}
	calls := 0
	for _, line := range a.seen {
		level, rest, _ := strings.Cut(line, " ")
		levels[level]++
		if strings.HasPrefix(rest, "call {") {
			calls++
			assert.Contains(t, rest, `"request":{"api":`)
		}
	}
	assert.Equal(t, len(sim.Requests()), calls, "one INFO record per call")
	assert.Positive(t, levels["DEBUG"], "transitions")
	assert.Contains(t, strings.Join(a.seen, "\n"), `"pinCode":"••••"`)
	a.assertNoSecret()
}
