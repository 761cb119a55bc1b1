package mobile

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/enrollfsm/enrollfsm"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/pims"
)

// Flows: the enrollment flows and the account operations.
const (
	FlowAuto              = string(enrollfsm.FlowAuto)
	FlowFull              = string(enrollfsm.FlowFull)
	FlowShortcut          = string(enrollfsm.FlowShortcut)
	FlowRemoveEnrollments = string(enrollfsm.FlowRemoveEnrollments)
	FlowResetPIN          = string(enrollfsm.FlowResetPIN)
	FlowUpdatePIN         = string(enrollfsm.FlowUpdatePIN)
	FlowModifyPhone       = string(enrollfsm.FlowModifyPhone)
	FlowRemoveVehicle     = string(enrollfsm.FlowRemoveVehicle)
)

// Platforms.
const (
	PlatformAndroid = string(enrollfsm.Android)
	PlatformIOS     = string(enrollfsm.IOS)
)

// Config holds a run's settings. The zero Config is flow auto on Android
// with SDK 2.1.0.
type Config struct {
	// Flow is one of the Flow* constants; "" is FlowAuto.
	Flow string
	// Platform is PlatformAndroid ("" too) or PlatformIOS.
	Platform string
	// SDKVersion is the mobile SDK's version, "2.1.0" if "": flow auto
	// takes the shortcut from 2.1.0 on.
	SDKVersion string
	// AutoRemove skips the confirm_removal prompt: a blocked account has
	// every enrollment removed at once, signing the user's other devices
	// out. Only for apps that asked for consent beforehand.
	AutoRemove bool
	// VIN is the vehicle of FlowRemoveVehicle.
	VIN string
	// Logger, if set, is told of every transition and call, without PINs
	// or SMS codes.
	Logger Logger
	// Listener, if set, is told of every transition as it happens.
	Listener Listener
	// SnapshotKey, if set (at least 16 bytes), seals snapshots with
	// HMAC-SHA256: Restore then refuses, with ErrorSnapshot, a snapshot
	// whose seal is missing or wrong. Keep it in the Android Keystore or
	// the iOS Keychain, never beside the snapshot. Settings never returns it.
	SnapshotKey []byte
	// Latest, if set, is the latest place the app kept of its current run
	// (Engine.Place, "run.seq"): Restore then refuses, with
	// ErrorStaleSnapshot, a snapshot of another run or an older one of this
	// run, so that no saved snapshot can be restored twice to win back the
	// tries the run has spent. Keep it beside the snapshot key, never in the
	// snapshot's own file. Start ignores it; Settings never returns it.
	Latest string
}

// Listener is told of each transition of the machine: from and to are
// states, event the event that moved it. It is called from inside the
// engine's methods, while the engine is locked: it must return quickly and
// must not call the engine.
type Listener interface {
	Transition(from, to, event string)
}

// options turns the settings into the engine's options; at a restore, only
// those given, which must agree with the snapshot.
func (c *Config) options(restore bool) []enrollfsm.Option {
	var opts []enrollfsm.Option
	if c.Platform != "" || !restore {
		p := c.Platform
		if p == "" {
			p = PlatformAndroid
		}
		opts = append(opts, enrollfsm.WithPlatform(enrollfsm.Platform(p)))
	}
	if c.SDKVersion != "" {
		opts = append(opts, enrollfsm.WithSDKVersion(c.SDKVersion))
	}
	if c.AutoRemove || !restore {
		opts = append(opts, enrollfsm.WithAutoRemove(c.AutoRemove))
	}
	if c.VIN != "" {
		opts = append(opts, enrollfsm.WithVIN(c.VIN))
	}
	if c.Logger != nil {
		opts = append(opts, enrollfsm.WithLogger(newSlog(c.Logger)))
	}
	if c.Listener != nil {
		l := c.Listener
		opts = append(opts, enrollfsm.WithObserver(enrollfsm.Observer{Transition: func(t enrollfsm.Transition) {
			l.Transition(string(t.From), string(t.To), string(t.Event))
		}}))
	}
	if c.SnapshotKey != nil {
		opts = append(opts, enrollfsm.WithSnapshotKey(c.SnapshotKey))
	}
	return opts
}

// latest is the option of c.Latest, for Restore.
func (c *Config) latest() (enrollfsm.Option, error) {
	var p enrollfsm.Place
	if err := p.UnmarshalText([]byte(c.Latest)); err != nil {
		return nil, err
	}
	return enrollfsm.WithLatest(p), nil
}

// Engine drives one run. Make it with Config.Start or Config.Restore.
type Engine struct {
	run *enrollfsm.Engine
	// advancing is held by a running Advance, so that Cancel can wait for
	// it: the run has then left the calling state when Cancel returns.
	advancing sync.RWMutex
}

// Start begins a run with these settings: its first call is pending.
func (c *Config) Start() (*Engine, error) {
	flow := FlowAuto
	if c.Flow != "" {
		flow = c.Flow
	}
	e, err := enrollfsm.New(enrollfsm.Flow(flow), c.options(false)...)
	if err != nil {
		return nil, fail(err)
	}
	return &Engine{run: e}, nil
}

// Restore resumes a run saved by Snapshot. The run's settings come from the
// snapshot: a setting given here must agree with it (an ErrorConfig
// otherwise), and Logger is used. With Latest, a snapshot of another run or
// an older one of this run is refused (ErrorStaleSnapshot); a Latest that is
// no place is an ErrorConfig. The restored engine goes back to the prompt of
// a PIN or SMS code its next call needs: that prompt's Reason is an
// ErrorAskedAgain, or an ErrorReplyLost when an answer whose reply never
// came was counted as wrong.
func (c *Config) Restore(snapshot []byte) (*Engine, error) {
	latest, err := c.latest()
	if err != nil {
		return nil, fail(err)
	}
	e, err := enrollfsm.Restore(snapshot, append(c.options(true), latest)...)
	if err != nil {
		return nil, fail(err)
	}
	if c.Flow != "" && c.Flow != string(e.Flow()) &&
		(c.Flow != FlowAuto || (e.Flow() != enrollfsm.FlowFull && e.Flow() != enrollfsm.FlowShortcut)) {
		return nil, fail(fmt.Errorf("%w: the snapshot's flow is %s, not %s", pimserr.ErrConfig, e.Flow(), c.Flow))
	}
	return &Engine{run: e}, nil
}

// Settings returns the run's settings, flow auto resolved to full or
// shortcut. Logger is not returned.
func (e *Engine) Settings() *Config {
	if e.run == nil {
		return &Config{}
	}
	s := e.run.Settings()
	// The snapshot key and the logger stay out: a Config is often printed.
	return &Config{Flow: string(s.Flow), Platform: string(s.Platform), SDKVersion: s.SDKVersion, AutoRemove: s.AutoRemove, VIN: s.VIN}
}

// State returns the current state: a snake_case name such as
// "awaiting_pin" or "enrolled".
func (e *Engine) State() string {
	if e.run == nil {
		return ""
	}
	return string(e.run.State())
}

// Next returns what the engine needs next: a call to make, a prompt to
// show, or nothing (the run is over). It never blocks.
func (e *Engine) Next() *Pending {
	if e.run == nil {
		return &Pending{Kind: PendingNone, Reason: errNotStarted}
	}
	return pending(e.run.Next())
}

// Deliver hands the engine the message that answered call callID: the
// facade's message dictionary as UTF-8 JSON. A message that cannot be read fails
// the run with bad_reply; Deliver then returns nil, as the reply was taken.
// A reply to a call that is not pending (late, after Cancel, or twice) is
// refused with ErrorNoCall and changes nothing.
func (e *Engine) Deliver(callID int64, message []byte) error {
	if e.run == nil {
		return errNotStarted
	}
	msg, err := pims.DecodeMessage(message)
	return fail(e.run.Deliver(uint64(callID), msg, err))
}

// DeliverError tells the engine that call callID got no message back: the
// bridge failed. The run is interrupted; the user may retry.
func (e *Engine) DeliverError(callID int64, reason string) error {
	if e.run == nil {
		return errNotStarted
	}
	if reason == "" {
		reason = "no message came back"
	}
	return fail(e.run.Deliver(uint64(callID), pims.Message{}, errors.New(reason)))
}

// Advance makes the pending calls through backend, one after the other,
// until the engine waits for the user or the run ends, and returns what is
// then pending. It blocks: call it on a worker thread. A failed call is not
// an error of Advance: it shows in what is pending. Advance returns an
// error only if another Advance is making a call.
func (e *Engine) Advance(backend Backend) (*Pending, error) {
	if e.run == nil {
		return nil, errNotStarted
	}
	if backend == nil {
		return nil, fail(fmt.Errorf("%w: nil backend", pimserr.ErrConfig))
	}
	e.advancing.RLock()
	p, err := e.run.Advance(context.Background(), hostBackend{backend})
	e.advancing.RUnlock()
	if err != nil {
		return nil, fail(err)
	}
	return pending(p), nil
}

// Answer gives a value to the pending prompt: a phone number, an SMS code,
// a PIN. prompt must name the pending prompt, so that an answer from a stale
// screen is refused. A refused value (ErrorInvalidInput, ErrorCodeExpired,
// ...) changes nothing but the prompt's Reason.
func (e *Engine) Answer(prompt, value string) error {
	if e.run == nil {
		return errNotStarted
	}
	return fail(e.run.Answer(enrollfsm.Value(enrollfsm.Prompt(prompt), value)))
}

// Act answers the pending prompt with an action (Action* constants): cancel,
// resend, change_phone, forgot_pin, retry, yes or no.
func (e *Engine) Act(prompt, action string) error {
	if e.run == nil {
		return errNotStarted
	}
	return fail(e.run.Answer(enrollfsm.Act(enrollfsm.Prompt(prompt), enrollfsm.Action(action))))
}

// Cancel ends the run: once it returns, State is "cancelled". During a call
// made by Advance, the call is abandoned and Cancel waits for Advance to
// return, which it does at once, without waiting for the Backend; a call
// made by the app is abandoned too, and its reply will be refused.
// Cancelling an ended run returns ErrorEnded.
func (e *Engine) Cancel() error {
	if e.run == nil {
		return errNotStarted
	}
	if err := e.run.Cancel(); err != nil {
		return fail(err)
	}
	// Advance ends the run as soon as it sees the abandoned call: wait for
	// it, so that State does not read the calling state after Cancel.
	e.advancing.Lock()
	defer e.advancing.Unlock()
	return nil
}

// Snapshot saves the run as a small JSON document without any PIN or SMS
// code, for Restore. During a call it saves the run as if the call had been
// made and its reply lost, so that a kill before the reply still counts the
// call's PIN, code or SMS. The document is UTF-8 JSON.
func (e *Engine) Snapshot() ([]byte, error) {
	if e.run == nil {
		return nil, errNotStarted
	}
	b, err := e.run.Snapshot()
	if err != nil {
		return nil, fail(err)
	}
	return b, nil
}

// Place returns where the run is, as "run.seq": its random id and a number
// that grows with every snapshot and every call. Keep it beside the snapshot
// key after every Snapshot and when the run ends, and give it to Restore as
// Config.Latest.
func (e *Engine) Place() string {
	if e.run == nil {
		return ""
	}
	return e.run.Place().String()
}

// Outcome returns how the run ended, or nil while it goes on.
func (e *Engine) Outcome() *Outcome {
	if e.run == nil {
		return nil
	}
	out, ok := e.run.Outcome()
	if !ok {
		return nil
	}
	return outcome(out)
}

// Counters returns the run's counts so far.
func (e *Engine) Counters() *Counters {
	if e.run == nil {
		return &Counters{}
	}
	c := e.run.Counters()
	return &Counters{WrongCodes: c.WrongCodes, WrongPINs: c.WrongPINs, Resends: c.Resends, Removals: c.Removals, Calls: c.Calls}
}

// Counters are a run's counts. They never go down, across a restore too.
type Counters struct {
	WrongCodes int
	WrongPINs  int
	Resends    int
	Removals   int
	Calls      int
}
