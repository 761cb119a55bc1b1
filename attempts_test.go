package enrollfsm_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/enrollment"
	"github.com/enrollfsm/enrollfsm/enrolltest"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/pims"
)

// Every attempt counts (docs/contract.md §4 v3, §5 rollback): each test
// here is a hole an attacker or a careless host found in the engine before
// v3, and the bound that now holds on that route.

var key32 = []byte("0123456789abcdef0123456789abcdef")

// Reference: docs/contract.md §5 "Rollback": with the latest place kept, an
// older sealed snapshot of the run, and another run's, are refused.
func TestRestore_RefusesAnOlderSnapshotOfTheRunAndAnotherRuns(t *testing.T) {
	e, _ := atEnrollmentCode(t, enrollfsm.WithSnapshotKey(key32))
	older, err := e.Snapshot()
	require.NoError(t, err)
	// the user types a wrong code: the run moves on, the host saves again
	require.NoError(t, e.Answer(enrollfsm.Value(enrollfsm.PromptEnrollmentCode, "1111")))
	advance(t, e, enrolltest.NewScript(enrolltest.Exchange{Request: call6("1111"), Reply: pims.Failure("t5", pimserr.CodeAccessRefused)}))
	latest, err := e.Snapshot()
	require.NoError(t, err)
	place := e.Place()
	require.False(t, place.IsZero())

	_, err = enrollfsm.Restore(older, enrollfsm.WithSnapshotKey(key32), enrollfsm.WithLatest(place))
	assert.ErrorIs(t, err, pimserr.ErrStaleSnapshot, "an older snapshot would give back the wrong code")
	assert.ErrorIs(t, err, pimserr.ErrSnapshot)
	r, err := enrollfsm.Restore(latest, enrollfsm.WithSnapshotKey(key32), enrollfsm.WithLatest(place))
	require.NoError(t, err)
	assert.Equal(t, 1, r.Counters().WrongCodes)

	// one place older is older: two snapshots in a row
	justBefore, err := e.Snapshot()
	require.NoError(t, err)
	_, err = e.Snapshot()
	require.NoError(t, err)
	_, err = enrollfsm.Restore(justBefore, enrollfsm.WithSnapshotKey(key32), enrollfsm.WithLatest(e.Place()))
	assert.ErrorIs(t, err, pimserr.ErrStaleSnapshot, "a snapshot one place before the latest")

	// another run's snapshot, at a later place than this run's latest: its
	// run alone refuses it
	other, _ := atEnrollmentCode(t, enrollfsm.WithSnapshotKey(key32))
	var foreign []byte
	for other.Place().Seq <= place.Seq+1 {
		foreign, err = other.Snapshot()
		require.NoError(t, err)
	}
	_, err = enrollfsm.Restore(foreign, enrollfsm.WithSnapshotKey(key32), enrollfsm.WithLatest(place))
	assert.ErrorIs(t, err, pimserr.ErrStaleSnapshot, "a genuine snapshot of another run under the same key")

	_, err = enrollfsm.Restore(older, enrollfsm.WithSnapshotKey(key32))
	assert.NoError(t, err, "without a place kept, nothing tells an older snapshot apart (docs/snapshots.md)")

	// the place survives a text round trip, as a host stores it
	text, err := place.MarshalText()
	require.NoError(t, err)
	var back enrollfsm.Place
	require.NoError(t, back.UnmarshalText(text))
	assert.Equal(t, place, back)
	assert.Error(t, back.UnmarshalText([]byte("no dot")))
}

// A run's place grows with every snapshot and every call, so that a
// snapshot taken later always has a later place.
func TestPlace_GrowsWithEverySnapshotAndCall(t *testing.T) {
	e, _ := atEnrollmentCode(t)
	_, err := e.Snapshot()
	require.NoError(t, err)
	first := e.Place()
	_, err = e.Snapshot()
	require.NoError(t, err)
	second := e.Place()
	assert.Equal(t, first.Run, second.Run)
	assert.Greater(t, second.Seq, first.Seq)
	require.NoError(t, e.Answer(enrollfsm.Value(enrollfsm.PromptEnrollmentCode, "1111")))
	advance(t, e, enrolltest.NewScript(enrolltest.Exchange{Request: call6("1111"), Reply: pims.Failure("t5", pimserr.CodeAccessRefused)}))
	assert.Greater(t, e.Place().Seq, second.Seq, "a call moves the place")
}

// A PIN whose reply never came, then a restore: the restored engine cannot
// send the same PIN, so the lost one counts. An attacker who loses every
// reply and restores gets no more guesses than the limit (5) — before v3,
// 12 step-8 calls went out while the count stayed at 2.
// Reference: docs/contract.md §4 "the restore counts that answer as a wrong attempt".
func TestRestore_ALostReplyPlusARestoreIsNoFreeGuess(t *testing.T) {
	e, clock := atPIN(t)
	e, step8s := untilThePINsRunOut(t, e, func(e *enrollfsm.Engine, pin string) *enrollfsm.Engine {
		require.NoError(t, e.Answer(enrollfsm.Value(enrollfsm.PromptPIN, pin)))
		// step 8's reply never comes
		advance(t, e, enrolltest.NewScript(enrolltest.Exchange{Request: call8(pin), Err: errors.New("bridge down")}))
		require.Equal(t, enrollment.Interrupted, e.State())
		data, err := e.Snapshot()
		require.NoError(t, err)
		e, err = enrollfsm.Restore(data, enrollfsm.WithClock(clock))
		require.NoError(t, err)
		return e
	})
	out, over := e.Outcome()
	require.True(t, over)
	assert.Equal(t, pimserr.FailureTooManyAttempts, out.Failure)
	assert.Equal(t, 5, step8s, "as many PINs reached the backend as the limit allows")
	assert.Equal(t, 5, e.Counters().WrongPINs)
}

// untilThePINsRunOut answers the PIN prompt with a new PIN each round
// until the run ends, and returns the engine that ended and the rounds.
// round answers the prompt with pin and returns the engine restored after
// the call; its retry checks call 1 first (step 8 may have enrolled the
// device), which finds the device not enrolled.
func untilThePINsRunOut(t *testing.T, e *enrollfsm.Engine, round func(e *enrollfsm.Engine, pin string) *enrollfsm.Engine) (*enrollfsm.Engine, int) {
	t.Helper()
	for n := 0; n < 20; n++ {
		p := e.Next()
		if p.Kind == enrollfsm.PendingNone {
			return e, n
		}
		require.Equal(t, enrollfsm.PromptPIN, p.Prompt, "round %d", n)
		e = round(e, fmt.Sprintf("%04d", 1000+n))
		require.NoError(t, e.Answer(enrollfsm.Act(enrollfsm.PromptRetry, enrollfsm.ActionRetry)))
		advance(t, e, enrolltest.NewScript(enrolltest.Exchange{Request: call1, Reply: pims.Success("t", map[string]any{"isDeviceActivated": false})}))
	}
	t.Fatal("the run did not end in 20 rounds")
	return nil, 0
}

// Sending the same PIN again within one engine's life is free: the retry
// after a lost reply resends the very value.
func TestRetry_SameEngineResendsTheSamePINForFree(t *testing.T) {
	e, _ := atPIN(t)
	require.NoError(t, e.Answer(enrollfsm.Value(enrollfsm.PromptPIN, "1234")))
	advance(t, e, enrolltest.NewScript(enrolltest.Exchange{Request: call8("1234"), Err: errors.New("bridge down")}))
	require.NoError(t, e.Answer(enrollfsm.Act(enrollfsm.PromptRetry, enrollfsm.ActionRetry)))
	p := advance(t, e, enrolltest.NewScript(
		enrolltest.Exchange{Request: call1, Reply: pims.Success("t", map[string]any{"isDeviceActivated": false})},
		enrolltest.Exchange{Request: call8("1234"), Reply: pims.Success("t", nil)}))
	assert.Equal(t, enrollfsm.PendingNone, p.Kind)
	assert.Zero(t, e.Counters().WrongPINs)
}

// A timed-out SMS call may have texted a code: its retry spends a resend,
// so retry never texts more than the bound — before v3, 51 SMS in one run.
// Reference: docs/contract.md §4 "`retry` spends one of the run's new codes, as `resend` does".
func TestRetry_AnSMSCallSpendsAResend(t *testing.T) {
	e, err := enrollfsm.New(enrollfsm.FlowFull)
	require.NoError(t, err)
	ex := toEnrollmentCode()
	advance(t, e, enrolltest.NewScript(ex[0], ex[1], ex[2], enrolltest.Exchange{Request: call5, Reply: pims.Failure("t", pimserr.CodeTimeout)}))
	sms := 1
	// bounded, so that an engine without the bound fails instead of looping
	for e.State() == enrollment.Interrupted && sms < 100 {
		p := e.Next()
		if !contains(p.Actions, enrollfsm.ActionRetry) {
			assert.ErrorIs(t, e.Answer(enrollfsm.Act(enrollfsm.PromptRetry, enrollfsm.ActionRetry)), pimserr.ErrResendLimit)
			break
		}
		require.NoError(t, e.Answer(enrollfsm.Act(enrollfsm.PromptRetry, enrollfsm.ActionRetry)))
		advance(t, e, enrolltest.NewScript(enrolltest.Exchange{Request: call5, Reply: pims.Failure("t", pimserr.CodeTimeout)}))
		sms++
	}
	assert.Equal(t, 4, sms, "the first SMS of the code and the 3 resends")
	assert.Equal(t, 3, e.Counters().Resends)
	assert.Equal(t, []enrollfsm.Action{enrollfsm.ActionCancel}, e.Next().Actions)
}

func contains(list []enrollfsm.Action, a enrollfsm.Action) bool {
	for _, x := range list {
		if x == a {
			return true
		}
	}
	return false
}

// A call whose context ended before it was made is not counted, and its
// retry spends nothing: nothing happened.
// Reference: docs/contract.md §4 "Every attempt counts" — and only attempts.
func TestAdvance_ACallNeverMadeIsNotCounted(t *testing.T) {
	e, err := enrollfsm.New(enrollfsm.FlowFull)
	require.NoError(t, err)
	ex := toEnrollmentCode()
	for _, x := range ex[:3] {
		require.NoError(t, e.Deliver(e.Next().Call.ID, x.Reply, nil))
	}
	require.Equal(t, "5", e.Next().Call.Step)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	script := enrolltest.NewScript(ex[3])
	_, err = e.Advance(ctx, script)
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, enrollment.Interrupted, e.State())
	assert.Equal(t, 3, e.Counters().Calls, "call 5 was never made")
	assert.Zero(t, script.Used())
	require.NoError(t, e.Answer(enrollfsm.Act(enrollfsm.PromptRetry, enrollfsm.ActionRetry)))
	assert.Zero(t, e.Counters().Resends, "retrying a call never made texts no second code")
}

// Two Advance at once: the one refused reports the call in flight without a
// race (run under -race), and the run goes on.
func TestAdvance_TwoAtOnceDoNotRace(t *testing.T) {
	// Six hosts at once, each advancing and retrying: one makes the call,
	// the others are refused while it runs and its answer moves the run.
	// Before v3 the refused Advance read the call in flight after
	// unlocking, which -race reports here.
	for range 10 {
		e, err := enrollfsm.New(enrollfsm.FlowRemoveEnrollments)
		require.NoError(t, err)
		interrupted := pims.BackendFunc(func(ctx context.Context, req pims.Request) (pims.Message, error) {
			return pims.Failure("t", pimserr.CodeNoInternet), nil
		})
		var wg sync.WaitGroup
		for range 6 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 200 {
					if _, err := e.Advance(context.Background(), interrupted); err != nil {
						assert.ErrorIs(t, err, pimserr.ErrNoCall)
					}
					_ = e.Answer(enrollfsm.Act(enrollfsm.PromptRetry, enrollfsm.ActionRetry))
					_ = e.Counters()
				}
			}()
		}
		wg.Wait()
		assert.Contains(t, []enrollfsm.State{enrollment.Interrupted, enrollment.RemovingEnrollments}, e.State(),
			"every call interrupted: the run waits for a retry, or has just been retried")
	}
}

// Every value the engine writes into a snapshot is bounded when it takes
// it, so its own snapshot always restores: an SDK version of 4,000
// characters, or of characters JSON escapes, is refused at the door.
// Reference: docs/contract.md §5 "a run can always restore its own snapshot".
func TestWithSDKVersion_IsBoundedAtTheDoor(t *testing.T) {
	for _, v := range []string{"2.1.0-" + strings.Repeat("x", 4000), "2.1.0-<<<<<<", "2.1.0-\x00", "02.1.0", "2.01.0", "2.1.0-" + strings.Repeat("a", 27)} {
		_, err := enrollfsm.New(enrollfsm.FlowFull, enrollfsm.WithSDKVersion(v))
		assert.ErrorIs(t, err, pimserr.ErrConfig, "%.20q", v)
	}
	longest := "2.1.0-" + strings.Repeat("a", 26) // 32 bytes
	e, err := enrollfsm.New(enrollfsm.FlowFull, enrollfsm.WithSDKVersion(longest))
	require.NoError(t, err)
	advance(t, e, enrolltest.NewScript(toPhonePrompt()...))
	data, err := e.Snapshot()
	require.NoError(t, err)
	_, err = enrollfsm.Restore(data)
	assert.NoError(t, err)
}

// Printing an engine by reflection shows no key and nothing it holds.
func TestEngine_PrintsNoKeyInAnyVerb(t *testing.T) {
	e, _ := atEnrollmentCode(t, enrollfsm.WithSnapshotKey(key32))
	require.NoError(t, e.Answer(enrollfsm.Value(enrollfsm.PromptEnrollmentCode, "97531")))
	byValue := reflect.ValueOf(e).Elem() // what fmt.Sprintf("%+v", *e) prints
	for _, out := range []string{fmt.Sprintf("%v %+v %#v %s", e, e, e, e), fmt.Sprintf("%v %+v %#v", byValue, byValue, byValue)} {
		assert.NotContains(t, out, "0123456789abcdef")
		assert.NotContains(t, out, "48 49 50") // the key's bytes
		assert.NotContains(t, out, "97531")
		assert.NotContains(t, out, "0612345678")
	}
}

// A status that is neither SUCCEEDED nor FAILED is refused as a bad reply,
// and the error quotes it: a PIN the backend echoes there is masked in the
// error, the record and the log. A JSON reply takes the other route, a
// malformed reply's error (scenario full_bad_reply_step8_status_echoes_the_pin).
func TestEcho_AnUnknownStatusQuotesNoSecret(t *testing.T) {
	var calls []enrollfsm.CallRecord
	var logs bytes.Buffer
	e, _ := atPIN(t, enrollfsm.WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))),
		enrollfsm.WithObserver(enrollfsm.Observer{Call: func(r enrollfsm.CallRecord) { calls = append(calls, r) }}))
	require.NoError(t, e.Answer(enrollfsm.Value(enrollfsm.PromptPIN, "2468")))
	p := e.Next()
	require.Equal(t, "8", p.Call.Step)
	require.NoError(t, e.Deliver(p.Call.ID, pims.Message{TransactionID: "t8", Status: "PIN 2468 taken"}, nil))
	out, over := e.Outcome()
	require.True(t, over)
	assert.Equal(t, pimserr.FailureBadReply, out.Failure)
	js, _ := json.Marshal(calls)
	for _, s := range []string{out.Err.Error(), fmt.Sprintf("%+v", calls), string(js), logs.String()} {
		assert.NotContains(t, s, "2468")
	}
	assert.Contains(t, out.Err.Error(), "unknown status", "the error still says what was wrong")
}

// A secret the backend echoes — a code in a result, a PIN in a FAILED
// label or in a bridge error's text — shows in no record, log, reason or
// outcome, whatever the encoding.
// Reference: docs/contract.md §4 "It holds too for a secret the backend echoes back".
func TestEcho_SecretsTheBackendEchoesAreMasked(t *testing.T) {
	var calls []enrollfsm.CallRecord
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e, err := enrollfsm.New(enrollfsm.FlowFull, enrollfsm.WithLogger(logger),
		enrollfsm.WithObserver(enrollfsm.Observer{Call: func(r enrollfsm.CallRecord) { calls = append(calls, r) }}))
	require.NoError(t, err)
	ex := toEnrollmentCode()
	// step 5's reply echoes the code it texted
	ex[3].Reply = pims.Success("t4", map[string]any{"smsCode": "97531", "otp": "97531"})
	advance(t, e, enrolltest.NewScript(ex...))
	require.NoError(t, e.Answer(enrollfsm.Value(enrollfsm.PromptEnrollmentCode, "97531")))
	refused := pims.Message{TransactionID: "t5", Status: pims.Failed, Error: &pims.ErrorBody{Code: 2308, Label: "code 97531 is wrong"}}
	advance(t, e, enrolltest.NewScript(enrolltest.Exchange{Request: call6("97531"), Reply: refused}))
	reason := e.Next().Reason
	require.Error(t, reason)
	require.NoError(t, e.Answer(enrollfsm.Value(enrollfsm.PromptEnrollmentCode, "86420")))
	advance(t, e, enrolltest.NewScript(enrolltest.Exchange{Request: call6("86420"), Reply: pims.Success("t6", map[string]any{"status": "AlreadyEnrolled"})}))
	require.NoError(t, e.Answer(enrollfsm.Value(enrollfsm.PromptPIN, "2468")))
	advance(t, e, enrolltest.NewScript(enrolltest.Exchange{Request: call8("2468"), Err: errors.New("bridge: pinCode=2468 lost")}))
	require.NoError(t, e.Cancel())
	out, _ := e.Outcome()

	observed := []any{calls, reason, e.Next(), out}
	for _, v := range observed {
		var enc bytes.Buffer
		slog.New(slog.NewJSONHandler(&enc, nil)).Info("observed", "v", v)
		slog.New(slog.NewTextHandler(&enc, nil)).Info("observed", "v", v)
		js, _ := json.Marshal(v)
		for _, s := range []string{fmt.Sprintf("%v %+v %#v", v, v, v), string(js), enc.String(), logs.String()} {
			assert.NotContains(t, s, "97531", "%T", v)
			assert.NotContains(t, s, "86420", "%T", v)
			assert.NotContains(t, s, "2468", "%T", v)
		}
	}
	assert.ErrorIs(t, reason, pimserr.ErrAccessRefused, "the code stays matchable")
}

// The app is killed while step 8 is out, with the snapshot it took as it
// handed the call to the bridge: the restored run counts that PIN, so
// killing the app at every call gives no more guesses than the limit —
// and the snapshot taken at the prompt before is older, refused.
// Reference: docs/contract.md §4, the bounds hold on every route.
func TestSnapshot_DuringACallCountsItsAnswer(t *testing.T) {
	e, clock := atPIN(t)
	e, sent := untilThePINsRunOut(t, e, func(e *enrollfsm.Engine, pin string) *enrollfsm.Engine {
		atPrompt, err := e.Snapshot()
		require.NoError(t, err)
		require.NoError(t, e.Answer(enrollfsm.Value(enrollfsm.PromptPIN, pin)))
		require.Equal(t, "8", e.Next().Call.Step)
		inFlight, err := e.Snapshot() // the call goes out; the app is killed
		require.NoError(t, err)
		for _, secret := range []string{pin, "2424"} {
			assert.NotContains(t, string(inFlight), secret)
		}
		latest := e.Place()
		_, err = enrollfsm.Restore(atPrompt, enrollfsm.WithClock(clock), enrollfsm.WithLatest(latest))
		require.ErrorIs(t, err, pimserr.ErrStaleSnapshot, "the snapshot before the call is older")
		e, err = enrollfsm.Restore(inFlight, enrollfsm.WithClock(clock), enrollfsm.WithLatest(latest))
		require.NoError(t, err)
		return e
	})
	out, over := e.Outcome()
	require.True(t, over)
	assert.Equal(t, pimserr.FailureTooManyAttempts, out.Failure)
	assert.Equal(t, 5, sent, "as many PINs went out as the limit allows")
}

// The app is killed while call 5 is out: it may have texted a code, so the
// restored run's retry spends a resend, and killing it at every SMS call
// texts no more than the bound.
func TestSnapshot_DuringAnSMSCallCountsTheSMS(t *testing.T) {
	e, err := enrollfsm.New(enrollfsm.FlowFull)
	require.NoError(t, err)
	ex := toEnrollmentCode()
	for _, x := range ex[:3] {
		require.NoError(t, e.Deliver(e.Next().Call.ID, x.Reply, nil))
	}
	sms := 0
	for round := 0; round < 20; round++ {
		p := e.Next()
		if p.Kind != enrollfsm.PendingCall {
			require.Equal(t, enrollfsm.PromptRetry, p.Prompt)
			if !contains(p.Actions, enrollfsm.ActionRetry) {
				break
			}
			require.NoError(t, e.Answer(enrollfsm.Act(enrollfsm.PromptRetry, enrollfsm.ActionRetry)))
			continue
		}
		require.Equal(t, "5", p.Call.Step)
		data, err := e.Snapshot() // call 5 goes out; the app is killed
		require.NoError(t, err)
		sms++
		e, err = enrollfsm.Restore(data)
		require.NoError(t, err)
		require.Equal(t, enrollment.Interrupted, e.State())
	}
	assert.Equal(t, 4, sms, "the first SMS of the code and the 3 resends")
	assert.Equal(t, 3, e.Counters().Resends)
}

// A malformed result that hides a code or a PIN under a secret's key, at
// any depth, fails the run with an error that quotes neither, whichever
// step read it: the error is built from the reply with those values masked.
// Reference: docs/contract.md §4 "a result value whose key names a PIN or a code".
func TestEcho_AMalformedResultQuotesNoSecret(t *testing.T) {
	secret := map[string]any{"smsCode": "97531", "deep": []any{map[string]any{"pinCode": "2468"}}}
	for i, key := range []string{"isDeviceActivated", "isAccountBlocked", "phoneNumber"} {
		t.Run(key, func(t *testing.T) {
			e, err := enrollfsm.New(enrollfsm.FlowFull)
			require.NoError(t, err)
			ex := toEnrollmentCode()[:i+1]
			ex[i].Reply = pims.Success("t", map[string]any{key: secret, "otp": "97531"})
			advance(t, e, enrolltest.NewScript(ex...))
			out, over := e.Outcome()
			require.True(t, over)
			require.ErrorIs(t, out.Err, pimserr.ErrBadReply)
			quotesNoSecret(t, out)
		})
	}
	t.Run("status", func(t *testing.T) {
		e, err := enrollfsm.New(enrollfsm.FlowFull)
		require.NoError(t, err)
		advance(t, e, enrolltest.NewScript(toEnrollmentCode()...))
		require.NoError(t, e.Answer(enrollfsm.Value(enrollfsm.PromptEnrollmentCode, "11223")))
		advance(t, e, enrolltest.NewScript(enrolltest.Exchange{Request: call6("11223"), Reply: pims.Success("t", map[string]any{"status": secret})}))
		out, over := e.Outcome()
		require.True(t, over)
		require.ErrorIs(t, out.Err, pimserr.ErrBadReply)
		quotesNoSecret(t, out)
	})
}

func quotesNoSecret(t *testing.T, out enrollfsm.Outcome) {
	t.Helper()
	for _, s := range []string{out.Err.Error(), fmt.Sprintf("%v %+v %#v", out, out, out)} {
		assert.NotContains(t, s, "97531")
		assert.NotContains(t, s, "2468")
	}
}
