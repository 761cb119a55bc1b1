package enrollfsm

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/internal/core"
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
	// c is the run; behind a pointer, so that printing an Engine by
	// reflection (%+v of *e) shows an address, never what the run holds.
	c *core.Core
	// The call Advance is making, 0 if none; how to stop it; and whether
	// Cancel asked to end the run once its reply is in.
	inFlight      uint64
	stopCall      context.CancelFunc
	cancelPending bool
}

// withCore is what New and Restore allocate: the engine and its core in
// one object.
type withCore struct {
	e Engine
	c core.Core
}

// configure allocates the engine and its core, and applies opts to the
// core's own settings: a config of their own would escape to the heap.
func configure(opts []Option) (*withCore, error) {
	ec := &withCore{}
	ec.e.c = &ec.c
	cfg := ec.c.Config()
	*cfg = core.Defaults()
	for _, o := range opts {
		if err := o(cfg); err != nil {
			return nil, err
		}
	}
	return ec, nil
}

// New returns an engine for flow that has begun: its first call is pending.
func New(flow Flow, opts ...Option) (*Engine, error) {
	ec, err := configure(opts)
	if err != nil {
		return nil, err
	}
	if err := ec.c.Begin(flow); err != nil {
		return nil, err
	}
	return &ec.e, nil
}

// SnapshotVersion is the version of the snapshots Snapshot writes; Restore
// refuses any other. Version 3 names the run and its place.
const SnapshotVersion = core.SnapshotVersion

// MaxSnapshotSize bounds what Restore reads: a snapshot of this engine is a
// few hundred bytes.
const MaxSnapshotSize = core.MaxSnapshotSize

// Restore resumes a run saved by Snapshot at a waiting state. The run's own
// settings (flow, platform, SDK version, automatic removal, VIN) come from
// the snapshot; an option that contradicts one is refused with ErrConfig.
// Options such as the clock, logger, observers and limits apply as to New.
//
// A snapshot of another version, a corrupt one, one at a state that is not
// a waiting state, or one no run could be in (see docs/snapshots.md) is
// refused with a *pimserr.SnapshotError (ErrSnapshot). With WithSnapshotKey,
// so is one whose seal is missing or does not match; with WithLatest, one
// older than the latest place the host kept, or of another run
// (ErrStaleSnapshot).
//
// The restored engine holds no PIN and no SMS code. When the call its run
// goes on with needs one, it goes back to the prompt that gives it, as a
// refusal of that answer would (Pending.Reason wraps ErrAskedAgain): an SMS
// code is checked there like any other, so one sent more than its lifetime
// ago accepts only resend. A PIN or code whose reply never came before the
// save counts as a wrong attempt there (ErrReplyLost), since the restored
// engine cannot send the same value again: a restore never gives a free
// guess. So the engine a Restore returns may wait at another prompt than the
// one saved, or have ended.
func Restore(data []byte, opts ...Option) (*Engine, error) {
	ec, err := configure(opts)
	if err != nil {
		return nil, err
	}
	if err := ec.c.Restore(data, *ec.c.Config()); err != nil {
		return nil, err
	}
	return &ec.e, nil
}

// zero is the core of a zero Engine: a run that failed before it began. It
// is only read.
var zero core.Core

func (e *Engine) core() *core.Core {
	if e.c == nil {
		return &zero
	}
	return e.c
}

// Snapshot saves the run as a small versioned JSON document: the run's
// settings and its run state — the phone number being registered, every
// counter, when each SMS was sent, the run's id and place — never a PIN or
// an SMS code. Restore resumes it. During a call it saves the run as if the
// call had been made and its reply lost: taken as the call goes out, it
// counts that call's PIN, code or SMS if the app is killed before the reply
// (docs/snapshots.md). Keep Place beside the snapshot key after each
// Snapshot.
func (e *Engine) Snapshot() ([]byte, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.core().Snapshot()
}

// Place returns where the run is: its id and the place the last snapshot
// took (or the snapshot it was restored from), grown by every call and
// counted attempt since. A host keeps it beside its snapshot key, after every
// Snapshot and when the run ends, and gives it to Restore with WithLatest.
func (e *Engine) Place() Place {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.core().Place()
}

// Settings returns the run's settings.
func (e *Engine) Settings() Settings {
	e.mu.Lock()
	defer e.mu.Unlock()
	return Settings(e.core().Settings())
}

// Flow returns the flow being run; auto is resolved to full or shortcut.
func (e *Engine) Flow() Flow {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.core().Flow()
}

// State returns the current state.
func (e *Engine) State() State {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.core().State()
}

// Counters returns the run's counts.
func (e *Engine) Counters() Counters {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.core().Counters()
}

// Outcome returns how the run ended, and false while it goes on.
func (e *Engine) Outcome() (Outcome, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.core().Outcome()
}

// Next returns what the engine needs next.
func (e *Engine) Next() (p Pending) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.core().Next(&p)
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
	return e.core().Deliver(id, &msg, callErr, 0)
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
	return e.core().Answer(a)
}

// Cancel stops the run. At a prompt it answers cancel. During a call it
// cancels the call's context; the run passes through interrupted and ends
// cancelled. A call the host makes itself (Next/Deliver) is abandoned: its
// reply will be refused. Cancelling an ended run returns ErrEnded.
func (e *Engine) Cancel() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	c := e.core()
	if c.Ended() {
		return pimserr.ErrEnded
	}
	if e.inFlight != 0 {
		// The reply, whatever it is, is delivered first; then the run ends.
		e.cancelPending = true
		e.stopCall()
		return nil
	}
	c.Cancel()
	return nil
}

// String names the engine by its flow. Printing an engine never shows what
// it holds (a pending request carries the PIN or the code), and takes no
// lock, so an observer may print it.
func (e *Engine) String() string {
	if e == nil || e.c == nil {
		return "enrollfsm.Engine()"
	}
	return "enrollfsm.Engine(" + string(e.c.Flow()) + ")"
}

// Format prints String for every verb.
func (e *Engine) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(e.String())) }

// LogValue makes slog print String.
func (e *Engine) LogValue() slog.Value { return slog.StringValue(e.String()) }
