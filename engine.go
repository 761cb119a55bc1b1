package enrollfsm

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/fsm"
	"github.com/enrollfsm/enrollfsm/pims"
)

// Engine drives one run of a flow. Next says what is pending, Deliver hands
// it a call's reply, Answer the user's answer; Advance and Run are a loop
// that makes the calls through a pims.Backend.
//
// An Engine is safe for concurrent use: it owns the lock around a core that
// has none, and a backend call in flight does not hold it, so Cancel can
// interrupt the call.
//
// Make one with New or Restore. A zero Engine is a run that failed before
// it began: Next returns PendingNone, Outcome an internal failure whose
// error matches pimserr.ErrConfig, and Snapshot that error.
type Engine struct {
	mu sync.Mutex
	c  core
	// The call Advance is making, 0 if none; how to stop it; and whether
	// Cancel asked to end the run once its reply is in.
	inFlight      uint64
	stopCall      context.CancelFunc
	cancelPending bool
}

// withMachine is what New allocates: the engine and its machine in one
// object.
type withMachine struct {
	e Engine
	m fsm.Machine
}

// New returns an engine for flow that has begun: its first call is pending.
func New(flow Flow, opts ...Option) (*Engine, error) {
	// One allocation holds the engine and its machine, and the options
	// write into the engine itself: a config of their own would escape.
	em := &withMachine{e: Engine{c: core{cfg: defaults()}}}
	e := &em.e
	for _, o := range opts {
		if err := o(&e.c.cfg); err != nil {
			return nil, err
		}
	}
	resolved, table, err := resolve(flow, &e.c.cfg)
	if err != nil {
		return nil, err
	}
	em.m = *table.Def.NewMachine()
	e.c.flow, e.c.table, e.c.m = resolved, table, &em.m
	e.c.run.NextCall = 1
	e.c.begin()
	return e, nil
}

// Settings are a run's own settings, fixed at New (or by the snapshot at
// Restore).
type Settings struct {
	Flow       Flow
	Platform   Platform
	SDKVersion string
	AutoRemove bool
	VIN        string
}

// Options returns the options that give a new engine these settings (the
// flow aside, which New takes): those left empty keep their defaults.
func (s Settings) Options() []Option {
	opts := []Option{WithAutoRemove(s.AutoRemove)}
	if s.Platform != "" {
		opts = append(opts, WithPlatform(s.Platform))
	}
	if s.SDKVersion != "" {
		opts = append(opts, WithSDKVersion(s.SDKVersion))
	}
	if s.VIN != "" {
		opts = append(opts, WithVIN(s.VIN))
	}
	return opts
}

// Settings returns the run's settings.
func (e *Engine) Settings() Settings {
	c := &e.c.cfg
	return Settings{Flow: e.c.flow, Platform: c.platform, SDKVersion: c.sdk, AutoRemove: c.autoRemove, VIN: c.vin}
}

// Flow returns the flow being run; auto is resolved to full or shortcut.
func (e *Engine) Flow() Flow { return e.c.flow }

// State returns the current state.
func (e *Engine) State() State {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.c.m.Current()
}

// Counters returns the run's counts.
func (e *Engine) Counters() Counters {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.c.run.Counters
}

// Outcome returns how the run ended, and false while it goes on.
func (e *Engine) Outcome() (Outcome, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.c.outcome()
}

// Next returns what the engine needs next.
func (e *Engine) Next() (p Pending) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.c.next(&p)
	return p
}

// Deliver hands the engine the reply to the pending call id: the message,
// or the port's error when no message came back. With WithPrefetch, a reply
// to a call of Pending.Also is taken too (and counted), even one the run no
// longer needs. A reply to any other call, or to a call Advance is making,
// is refused with ErrNoCall and changes nothing.
func (e *Engine) Deliver(id uint64, msg pims.Message, callErr error) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.inFlight != 0 {
		return fmt.Errorf("%w: call %d is being made by Advance", pimserr.ErrNoCall, e.inFlight)
	}
	return e.c.deliver(id, &msg, callErr, 0)
}

// Answer gives the user's answer to the pending prompt. A refused answer
// returns a typed error and changes nothing but the prompt's Reason:
// ErrWrongPrompt (another prompt is pending), ErrNotAllowed, an
// *pimserr.InputError (the value is malformed; nothing was sent),
// ErrCodeExpired or ErrCodeLocked (only resend is accepted), ErrResendLimit,
// ErrNotWaiting and ErrEnded.
func (e *Engine) Answer(a Answer) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.c.answer(a)
}

// Cancel stops the run. At a prompt it answers cancel. During a call it
// cancels the call's context; the run passes through interrupted and ends
// cancelled. A call the host makes itself (Next/Deliver) is abandoned: its
// reply will be refused. Cancelling an ended run returns ErrEnded.
func (e *Engine) Cancel() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.c.ended() {
		return pimserr.ErrEnded
	}
	if e.inFlight != 0 {
		// The reply, whatever it is, is delivered first; then the run ends.
		e.cancelPending = true
		e.stopCall()
		return nil
	}
	e.c.cancel()
	return nil
}

// deliverMade takes the reply to a call Advance made, and ends the run if
// Cancel asked for it meanwhile.
func (e *Engine) deliverMade(id uint64, r result) error {
	err := e.c.deliver(id, &r.msg, r.err, r.took)
	if e.cancelPending && e.inFlight == 0 {
		e.cancelPending = false
		if !e.c.ended() {
			e.c.cancel()
		}
	}
	return err
}

// String names the engine by its flow. Printing an engine never shows what
// it holds (a pending request carries the PIN or the code), and takes no
// lock, so an observer may print it.
func (e *Engine) String() string { return "enrollfsm.Engine(" + string(e.c.flow) + ")" }

// Format prints String for every verb.
func (e *Engine) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(e.String())) }

// LogValue makes slog print String.
func (e *Engine) LogValue() slog.Value { return slog.StringValue(e.String()) }
