package enrollfsm_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/enrolltest"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/pims"
	"github.com/enrollfsm/enrollfsm/simulator"
)

// The fuzz targets of what the engine takes from outside a run: the values
// it writes into its own snapshot (FuzzOwnSnapshotRestores) and the replies
// of the backend (FuzzReplies). FuzzRestore, in snapshot_test.go, takes the
// saved file itself. Seeds: testdata/fuzz/<Name>.

// Codes a FAILED reply of FuzzOwnSnapshotRestores carries, one of each
// class: rejected, transient, a warning (kept in the snapshot), blocked.
var fuzzCodes = []pimserr.Code{pimserr.CodeAccessRefused, pimserr.CodeTimeout, pimserr.CodePostSyncFailed, pimserr.CodeForbidden}

// FuzzOwnSnapshotRestores: whatever SDK version the host gives, phone
// number the user types, trusted number call 3 returns and label a FAILED
// reply carries, if New accepts the settings, the run's snapshot at every
// waiting state restores, and the restored engine's own snapshot restores
// again. Reference: issue 23, "Own snapshot refused".
//
// pick chooses the rest: bit 0 iOS, bits 1-2 the account, bit 3 call 3
// returns trusted, bits 4-6 which call (1-7) gets the FAILED reply, bit 7
// flow full instead of auto.
func FuzzOwnSnapshotRestores(f *testing.F) {
	f.Add("2.1.0", "06 12 34 56 78", "+33 6 12 34 56 78", "inwebo: access refused", byte(0))
	f.Add("2.0.9", "+33612345678", "06 12 34 56 78", "<<<<<<<<", byte(0b1000_1001))
	f.Add("2.1.0-"+strings.Repeat("<", 26), "0612345678", "", "", byte(0b0011_0010))
	f.Add("10.20.30", "٠٦١٢٣٤٥٦٧٨", "\u2028", "code 2308", byte(0b0101_1100))
	f.Add("2.1.0+build.7", "06-12-34-56-78", strings.Repeat("9", 64), "\x00", byte(0b1110_0110))
	f.Add("2.1.0-"+strings.Repeat("<", 4000), "0612345678", "", "", byte(0))     // refused by New
	f.Add("2.1.0", "0612345678", strings.Repeat("+", 65), "", byte(0b1000_1010)) // refused by step 3
	f.Fuzz(func(t *testing.T, sdk, typed, trusted, label string, pick byte) {
		flow := enrollfsm.FlowAuto
		if pick&0x80 != 0 {
			flow = enrollfsm.FlowFull
		}
		platform := enrollfsm.Android
		if pick&1 != 0 {
			platform = enrollfsm.IOS
		}
		clock := enrolltest.NewClock(enrolltest.Epoch)
		e, err := enrollfsm.New(flow, enrollfsm.WithSDKVersion(sdk), enrollfsm.WithPlatform(platform), enrollfsm.WithClock(clock))
		if err != nil {
			if !errors.Is(err, pimserr.ErrConfig) && !errors.Is(err, pimserr.ErrSDKTooOld) {
				t.Fatalf("New refused SDK %q with an untyped error: %v", sdk, err)
			}
			return
		}
		sits := []simulator.Situation{simulator.SituationNew, simulator.SituationHasPhone, simulator.SituationPINExists, simulator.SituationBlocked}
		sim := simulator.MustNew(simulator.WithPlatform(string(platform)), simulator.WithSituation(sits[pick>>1&3]), simulator.WithNow(clock.Now))
		failAt := int(pick >> 4 & 7)
		calls, typedOnce := 0, false
		for range 80 {
			p := e.Next()
			switch p.Kind {
			case enrollfsm.PendingNone:
				if _, err := e.Snapshot(); err != nil {
					t.Fatalf("an ended run is saved: %v", err)
				}
				return
			case enrollfsm.PendingCall:
				calls++
				msg, callErr := sim.Call(context.Background(), p.Call.Request)
				switch {
				case calls == failAt:
					msg, callErr = pims.Message{TransactionID: "t", Status: pims.Failed, Error: &pims.ErrorBody{Code: int(fuzzCodes[calls%len(fuzzCodes)]), Label: label}}, nil
				case pick&8 != 0 && p.Call.Request.API == "pims.authentication.trustedphonenumber":
					msg, callErr = pims.Success("t", map[string]any{"phoneNumber": trusted}), nil
				}
				if err := e.Deliver(p.Call.ID, msg, callErr); err != nil {
					t.Fatalf("deliver: %v", err)
				}
			case enrollfsm.PendingPrompt:
				ownSnapshotRestores(t, e, clock)
				a := ownAnswer(sim, p)
				if p.Prompt == enrollfsm.PromptPhoneNumber && !typedOnce {
					typedOnce, a = true, enrollfsm.Value(p.Prompt, typed)
				}
				if err := e.Answer(a); err != nil {
					// A typed number the engine refuses: the user types another.
					if err := e.Answer(ownAnswer(sim, e.Next())); err != nil {
						t.Fatalf("answer %v: %v", a, err)
					}
				}
			}
		}
	})
}

// ownSnapshotRestores checks that e's snapshot restores, with the place e
// gives, and that the restored engine's snapshot restores again.
func ownSnapshotRestores(t *testing.T, e *enrollfsm.Engine, clock *enrolltest.Clock) {
	t.Helper()
	data, err := e.Snapshot()
	if err != nil {
		t.Fatalf("a waiting run is saved: %v", err)
	}
	if len(data) > enrollfsm.MaxSnapshotSize {
		t.Fatalf("a snapshot of %d bytes, over the %d Restore reads", len(data), enrollfsm.MaxSnapshotSize)
	}
	r, err := enrollfsm.Restore(data, enrollfsm.WithClock(clock), enrollfsm.WithLatest(e.Place()))
	if err != nil {
		t.Fatalf("the engine's own snapshot is refused: %v\n%s", err, data)
	}
	if _, ended := r.Outcome(); ended {
		return
	}
	again, err := r.Snapshot()
	if err != nil {
		t.Fatalf("a restored run is saved: %v", err)
	}
	if _, err := enrollfsm.Restore(again, enrollfsm.WithClock(clock), enrollfsm.WithLatest(r.Place())); err != nil {
		t.Fatalf("a restored run's own snapshot is refused: %v\n%s", err, again)
	}
}

// ownAnswer is what a user who reads the simulated phone answers.
func ownAnswer(sim *simulator.Simulator, p enrollfsm.Pending) enrollfsm.Answer {
	code := func(kind string) enrollfsm.Answer {
		c, ok := sim.LastCode(kind)
		if !ok || p.Reason != nil && (errors.Is(p.Reason, pimserr.ErrCodeExpired) || errors.Is(p.Reason, pimserr.ErrCodeLocked)) {
			return enrollfsm.Act(p.Prompt, enrollfsm.ActionResend)
		}
		return enrollfsm.Value(p.Prompt, c)
	}
	switch p.Prompt {
	case enrollfsm.PromptPhoneNumber:
		return enrollfsm.Value(p.Prompt, "0798765432")
	case enrollfsm.PromptCertificationCode:
		return code(simulator.KindCertification)
	case enrollfsm.PromptEnrollmentCode:
		return code(simulator.KindEnrollment)
	case enrollfsm.PromptPIN, enrollfsm.PromptOldPIN:
		if pin := sim.Account().PIN; pin != "" {
			return enrollfsm.Value(p.Prompt, pin)
		}
		return enrollfsm.Value(p.Prompt, simulator.DefaultPIN)
	case enrollfsm.PromptNewPIN:
		return enrollfsm.Value(p.Prompt, "86420")
	case enrollfsm.PromptConfirmRemoval:
		return enrollfsm.Act(p.Prompt, enrollfsm.ActionYes)
	case enrollfsm.PromptRetry:
		return enrollfsm.Act(p.Prompt, enrollfsm.ActionRetry)
	}
	return enrollfsm.Act(p.Prompt, enrollfsm.ActionCancel)
}

// A route is one run recorded against the simulator: each call's reply and
// each answer, in order, so that it can be played again to any of its calls
// without the simulator.
type route struct {
	name  string
	flow  enrollfsm.Flow
	opts  []enrollfsm.Option
	moves []routeMove
	calls int
}

type routeMove struct {
	reply  *pims.Message // a call's, or nil for an answer
	err    error
	answer enrollfsm.Answer
}

// The secrets the routes type: an account's PIN, a wrong one, a new one.
const (
	routePIN   = "97531"
	routeWrong = "24680"
	routeNew   = "86420"
)

// recordRoute runs flow against a simulator holding account and records it.
// The first PIN typed is a wrong one; the reply of the first call of step
// lose, if set, is lost (the server acts), so that the run verifies it.
func recordRoute(name string, flow enrollfsm.Flow, platform enrollfsm.Platform, account simulator.Account, lose string, opts ...enrollfsm.Option) route {
	r := route{name: name, flow: flow, opts: append([]enrollfsm.Option{enrollfsm.WithPlatform(platform)}, opts...)}
	clock := enrolltest.NewClock(enrolltest.Epoch)
	sim := simulator.MustNew(simulator.WithPlatform(string(platform)), simulator.WithAccount(account), simulator.WithNow(clock.Now))
	e, err := enrollfsm.New(flow, append([]enrollfsm.Option{enrollfsm.WithClock(clock)}, r.opts...)...)
	if err != nil {
		panic(err)
	}
	wrongOnce := false
	for range 80 {
		p := e.Next()
		switch p.Kind {
		case enrollfsm.PendingNone:
			return r
		case enrollfsm.PendingCall:
			if p.Call.Step == lose {
				sim.InjectLostReply()
				lose = ""
			}
			msg, callErr := sim.Call(context.Background(), p.Call.Request)
			r.moves = append(r.moves, routeMove{reply: &msg, err: callErr})
			r.calls++
			if err := e.Deliver(p.Call.ID, msg, callErr); err != nil {
				panic(err)
			}
		case enrollfsm.PendingPrompt:
			a := ownAnswer(sim, p)
			switch {
			case p.Prompt == enrollfsm.PromptPIN && !wrongOnce:
				wrongOnce, a = true, enrollfsm.Value(p.Prompt, routeWrong)
			case p.Prompt == enrollfsm.PromptPIN || p.Prompt == enrollfsm.PromptOldPIN:
				a = enrollfsm.Value(p.Prompt, routePIN)
			}
			r.moves = append(r.moves, routeMove{answer: a})
			if err := e.Answer(a); err != nil {
				panic(fmt.Sprintf("%s: %v: %v", name, a, err))
			}
		}
	}
	panic(name + ": no end in 80 moves")
}

// replyRoutes reach every step's call, each at least once.
func replyRoutes() []route {
	phone := simulator.DefaultPhone
	withPIN := func(a simulator.Account) simulator.Account { a.Phone, a.PIN = phone, routePIN; return a }
	return []route{
		recordRoute("full, new account, iOS", enrollfsm.FlowFull, enrollfsm.IOS, simulator.Account{}, ""),
		recordRoute("full, PIN exists, step 8's reply lost", enrollfsm.FlowFull, enrollfsm.Android, withPIN(simulator.Account{OtherDevices: 1}), "8"),
		recordRoute("shortcut, blocked", enrollfsm.FlowShortcut, enrollfsm.Android, withPIN(simulator.Account{Blocked: simulator.AccountBlocked, OtherDevices: 5}), ""),
		recordRoute("shortcut, new account, step 4.1's reply lost", enrollfsm.FlowShortcut, enrollfsm.IOS, simulator.Account{}, "4.1"),
		recordRoute("update_pin", enrollfsm.FlowUpdatePIN, enrollfsm.Android, withPIN(simulator.Account{DeviceActivated: true}), ""),
		recordRoute("reset_pin", enrollfsm.FlowResetPIN, enrollfsm.Android, withPIN(simulator.Account{DeviceActivated: true}), ""),
		recordRoute("modify_phone", enrollfsm.FlowModifyPhone, enrollfsm.Android, withPIN(simulator.Account{DeviceActivated: true}), ""),
		recordRoute("remove_enrollments", enrollfsm.FlowRemoveEnrollments, enrollfsm.Android, withPIN(simulator.Account{DeviceActivated: true}), ""),
		recordRoute("remove_vehicle", enrollfsm.FlowRemoveVehicle, enrollfsm.Android, withPIN(simulator.Account{DeviceActivated: true}), "", enrollfsm.WithVIN(simulator.DefaultVIN)),
	}
}

// FuzzReplies: any bytes, decoded as the bridge would (pims.DecodeMessage),
// delivered at a call of a route (at picks one; the seeds give each of them
// every seed message), as the reply or, with bridge, as a bridge error's
// text: no panic, a pending state the engine can go on from, and no secret
// typed earlier in the run in the call record (%v, %+v, %#v, JSON, slog),
// the log, what is pending or its Reason, or the outcome once cancelled.
func FuzzReplies(f *testing.F) {
	routes := replyRoutes()
	type callAt struct {
		r route
		k int
	}
	var calls []callAt
	for _, r := range routes {
		for k := range r.calls {
			calls = append(calls, callAt{r, k})
		}
	}
	if len(calls) > 256 {
		f.Fatalf("%d calls: at picks among 256", len(calls))
	}
	for i := range calls {
		for _, s := range []string{
			`{"transactionId": "t", "status": "SUCCEEDED", "result": null}`,
			`{"transactionId": "t", "status": "FAILED", "error": {"code": 2308, "label": "pin 97531 refused"}}`,
			`{"status": "FAILED", "error": {"code": 2316, "label": "warning 86420"}}`,
			`{"status": "SUCCEEDED", "result": {"pinCode": "97531", "smsCode": "86420", "isDeviceActivated": false}}`,
			`{"status": "SUCCEEDED", "result": {"isAccountBlocked": "PINBlocked", "phoneNumber": "24680"}}`,
			`{"status": "SUCCEEDED", "result": {"status": "AlreadyEnrolled", "otp": "24680"}}`,
			`{"status":"FAILED","status":"SUCCEEDED"}`,
			`not json 97531`,
		} {
			f.Add(uint8(i), false, []byte(s))
		}
		f.Add(uint8(i), true, []byte("bridge: pinCode=97531 smsCode=86420 lost"))
	}
	f.Fuzz(func(t *testing.T, at uint8, bridge bool, data []byte) {
		c := calls[int(at)%len(calls)]
		if bridge {
			c.r.deliverAt(t, c.k, pims.Message{}, errors.New(string(data)))
			return
		}
		msg, err := pims.DecodeMessage(data)
		c.r.deliverAt(t, c.k, msg, err)
	})
}

// deliverAt plays r up to its call k, delivers msg and callErr to it, and
// checks what the engine then shows.
func (r route) deliverAt(t *testing.T, k int, msg pims.Message, callErr error) {
	t.Helper()
	var records []enrollfsm.CallRecord
	var logs bytes.Buffer
	logging := quiet{Handler: slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug, ReplaceAttr: noTime}), on: new(bool)}
	opts := append([]enrollfsm.Option{enrollfsm.WithClock(enrolltest.NewClock(enrolltest.Epoch)), enrollfsm.WithLogger(slog.New(logging)),
		enrollfsm.WithObserver(enrollfsm.Observer{Call: func(c enrollfsm.CallRecord) { records = append(records, c) }})}, r.opts...)
	e, err := enrollfsm.New(r.flow, opts...)
	if err != nil {
		t.Fatal(err)
	}
	var secrets []string
	call := 0
	for _, mv := range r.moves {
		p := e.Next()
		if mv.reply == nil {
			if mv.answer.Action == "" && mv.answer.Prompt != enrollfsm.PromptPhoneNumber {
				secrets = append(secrets, mv.answer.Value)
			}
			if err := e.Answer(mv.answer); err != nil {
				t.Fatalf("%s: the route does not play again: %v", r.name, err)
			}
			continue
		}
		if p.Kind != enrollfsm.PendingCall {
			t.Fatalf("%s: the route does not play again: %v pending", r.name, p.Kind)
		}
		if call < k {
			if err := e.Deliver(p.Call.ID, *mv.reply, mv.err); err != nil {
				t.Fatalf("%s: %v", r.name, err)
			}
			call++
			continue
		}
		records, *logging.on = records[:0], len(secrets) > 0
		if err := e.Deliver(p.Call.ID, msg, callErr); err != nil {
			t.Fatalf("%s, call %d (step %s): the reply to the pending call is refused: %v", r.name, k, p.Call.Step, err)
		}
		after := e.Next()
		switch after.Kind {
		case enrollfsm.PendingCall, enrollfsm.PendingPrompt:
			if after.Kind == enrollfsm.PendingCall && after.Call.ID == p.Call.ID {
				t.Fatalf("%s, step %s: the same call is pending again", r.name, p.Call.Step)
			}
		case enrollfsm.PendingNone:
			if _, ended := e.Outcome(); !ended {
				t.Fatalf("%s, step %s: nothing pending, and no outcome", r.name, p.Call.Step)
			}
		default:
			t.Fatalf("%s, step %s: pending %v", r.name, p.Call.Step, after.Kind)
		}
		if len(secrets) == 0 {
			return
		}
		seen := []any{records, after, after.Reason}
		_ = e.Cancel()
		out, _ := e.Outcome()
		seen = append(seen, out)
		for _, v := range seen {
			if s := secretShown(v, secrets); s != "" {
				t.Fatalf("%s, step %s: a secret typed earlier shows: %s", r.name, p.Call.Step, s)
			}
		}
		if s := firstSecret(logs.String(), secrets); s != "" {
			t.Fatalf("%s, step %s: a secret typed earlier is logged: %s", r.name, p.Call.Step, logs.String())
		}
		return
	}
	t.Fatalf("%s has no call %d", r.name, k)
}

// A secret the backend echoes under a key the engine does not know, deeper
// in the result, or as the transaction id, is masked in the call record:
// the engine masks every value that holds a secret it holds.
// Reference: docs/contract.md §4 "a secret the backend echoes back".
func TestEcho_ASecretUnderAnotherKey(t *testing.T) {
	for _, reply := range []pims.Message{
		pims.Success("t6", map[string]any{"status": "AlreadyEnrolled", "data": map[string]any{"smsCode": "97531"}}),
		pims.Success("t6", map[string]any{"status": "AlreadyEnrolled", "sms_code": "97531"}),
		pims.Success("97531", map[string]any{"status": "AlreadyEnrolled"}),
	} {
		var records []enrollfsm.CallRecord
		e, err := enrollfsm.New(enrollfsm.FlowFull, enrollfsm.WithObserver(enrollfsm.Observer{Call: func(r enrollfsm.CallRecord) { records = append(records, r) }}))
		require.NoError(t, err)
		advance(t, e, enrolltest.NewScript(toEnrollmentCode()...))
		require.NoError(t, e.Answer(enrollfsm.Value(enrollfsm.PromptEnrollmentCode, "97531")))
		advance(t, e, enrolltest.NewScript(enrolltest.Exchange{Request: call6("97531"), Reply: reply}))
		js, _ := json.Marshal(records)
		assert.NotContains(t, fmt.Sprintf("%v", records), "97531")
		assert.NotContains(t, string(js), "97531")
	}
}

// secretShown prints v in every way a host may, and returns the form that
// shows a secret, or "".
func secretShown(v any, secrets []string) string {
	var enc bytes.Buffer
	slog.New(slog.NewJSONHandler(&enc, &slog.HandlerOptions{ReplaceAttr: noTime})).Info("v", "v", v)
	slog.New(slog.NewTextHandler(&enc, &slog.HandlerOptions{ReplaceAttr: noTime})).Info("v", "v", v)
	js, _ := json.Marshal(v)
	for _, s := range []string{fmt.Sprintf("%v", v), fmt.Sprintf("%+v", v), fmt.Sprintf("%#v", v), string(js), enc.String()} {
		if firstSecret(withoutPointers(s), secrets) != "" {
			return s
		}
	}
	return ""
}

// withoutPointers drops the hex digits of the pointers %v and %#v print,
// which may hold a secret's.
func withoutPointers(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "0x")
		if i < 0 {
			return b.String() + s
		}
		b.WriteString(s[:i+2])
		s = strings.TrimLeft(s[i+2:], "0123456789abcdef")
	}
}

// quiet is a handler that logs only once on: the calls played to reach
// the one under test are not logged.
type quiet struct {
	slog.Handler
	on *bool
}

func (q quiet) Enabled(ctx context.Context, l slog.Level) bool {
	return *q.on && q.Handler.Enabled(ctx, l)
}

func (q quiet) WithAttrs(as []slog.Attr) slog.Handler {
	return quiet{Handler: q.Handler.WithAttrs(as), on: q.on}
}

func (q quiet) WithGroup(name string) slog.Handler {
	return quiet{Handler: q.Handler.WithGroup(name), on: q.on}
}

// noTime drops slog's time, whose digits could hold a secret's.
func noTime(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}

func firstSecret(s string, secrets []string) string {
	for _, secret := range secrets {
		if strings.Contains(s, secret) {
			return secret
		}
	}
	return ""
}
