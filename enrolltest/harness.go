package enrolltest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/enrollfsm/enrollfsm"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/pims"
	"github.com/enrollfsm/enrollfsm/simulator"
)

// RunConfig sets up one run: its setting and the simulator's starting
// account.
type RunConfig struct {
	Setting
	Situation simulator.Situation
	Seed      int64 // the simulator's
	// Wrap, if set, stands between the engine and the simulator (behind
	// fault injection): put the host code under test here, such as a bridge
	// that turns the SDK's dictionaries into pims.Message.
	Wrap func(pims.Backend) pims.Backend
}

// String sums the run up for logs.
func (c RunConfig) String() string {
	return fmt.Sprintf("%s situation=%s seed=%d", c.Setting, c.Situation, c.Seed)
}

// GoString is String, for rapid's logs.
func (c RunConfig) GoString() string { return c.String() }

// withVIN gives a flow that needs a vehicle the simulator's.
func (c RunConfig) withVIN() Setting {
	s := c.Setting
	if info, _ := enrollfsm.Describe(s.Flow); info.NeedsVIN && s.VIN == "" {
		s.VIN = simulator.DefaultVIN
	}
	return s
}

// Harness is one run under test: an engine, the simulator it calls through
// fault injection, a manual clock for both, and an Oracle on every move. Its
// methods act as the user or the host would; after each, the engine has
// made its calls and waits for the user, or the run is over.
type Harness struct {
	Config RunConfig
	Engine *enrollfsm.Engine
	Sim    *simulator.Simulator
	Oracle *Oracle
	Clock  *Clock
	Faults *Faulty

	opts     []enrollfsm.Option
	backend  pims.Backend
	started  bool
	moves    int  // actions of the user or the host
	aborted  bool // Engine.Cancel was taken during a call
	restarts int
	older    []byte // the snapshot before the last one restored
	err      error
}

// NewHarness sets a run up: the engine is made, its first call pending, so
// that faults may be injected into it. Any other method makes the calls
// first. NewHarness fails only when the engine refuses the configuration.
func NewHarness(cfg RunConfig) (*Harness, error) {
	clk := NewClock(Epoch)
	sit := cfg.Situation
	if sit == "" {
		sit = simulator.SituationNew
	}
	set := cfg.withVIN()
	sim, err := simulator.New(simulator.WithSituation(sit), simulator.WithPlatform(string(set.platform())),
		simulator.WithSeed(cfg.Seed), simulator.WithNow(clk.Now))
	if err != nil {
		return nil, err
	}
	faults := NewFaulty(sim)
	var backend pims.Backend = faults
	if cfg.Wrap != nil {
		backend = cfg.Wrap(faults)
	}
	oracle := NewOracle(set, WithSimulator(sim), WithNow(clk.Now))
	if err := oracle.Err(); err != nil {
		return nil, err
	}
	opts := append(set.Options(), enrollfsm.WithClock(clk), enrollfsm.WithObserver(oracle.Observer()))
	eng, err := enrollfsm.New(cfg.Flow, opts...)
	if err != nil {
		return nil, err
	}
	h := &Harness{Config: cfg, Engine: eng, Sim: sim, Oracle: oracle, Clock: clk, Faults: faults, backend: backend, opts: opts}
	faults.OnAbort = func() {
		oracle.Cancelling()
		if h.Engine.Cancel() == nil {
			h.aborted = true
		}
	}
	return h, nil
}

// start makes the first calls, once.
func (h *Harness) start() {
	if !h.started {
		h.started = true
		h.advance()
	}
}

// advance makes the pending calls, then lets the Oracle judge where the
// run is.
func (h *Harness) advance() {
	p, err := h.Engine.Advance(context.Background(), h.backend)
	if err != nil && h.err == nil {
		h.err = fmt.Errorf("enrolltest: Advance: %w", err)
	}
	if p.Kind == enrollfsm.PendingCall {
		h.Oracle.Fail(PropertyOracle, "Advance returned with a call pending at %s", p.State)
	}
	h.Oracle.Settle(p, h.Engine.Counters())
	if h.aborted && p.Kind != enrollfsm.PendingNone {
		// The reply in flight may end the run first (enrolled, failed);
		// else it ends cancelled. It never waits for the user again.
		h.Oracle.Fail(PropertyOracle, "Engine.Cancel during a call, and the run goes on at %s", p.State)
	}
}

// Pending is what the engine waits for.
func (h *Harness) Pending() enrollfsm.Pending {
	h.start()
	return h.Engine.Next()
}

// Ended reports whether the run is over (false before its first calls).
func (h *Harness) Ended() bool {
	_, over := h.Engine.Outcome()
	return over
}

// Answer gives the user's answer, then lets the engine make its calls. It
// returns the engine's refusal, if any: a refusal is not a failure.
func (h *Harness) Answer(a enrollfsm.Answer) error {
	h.moves++
	h.start()
	err := h.Engine.Answer(a)
	h.advance()
	return err
}

// Inject queues a fault for the next call. With Prefetch, the first calls
// are made at once, from several goroutines, and which one would get the
// fault is left to chance: they are made first, so that a run stays
// reproducible.
func (h *Harness) Inject(f Fault) {
	h.moves++
	if h.Config.Prefetch {
		h.start()
	}
	h.Faults.Inject(f)
}

// Cancel is the host's Engine.Cancel at a prompt.
func (h *Harness) Cancel() error {
	h.moves++
	h.start()
	h.Oracle.Cancelling()
	err := h.Engine.Cancel()
	h.Oracle.Settle(h.Engine.Next(), h.Engine.Counters())
	return err
}

// Sleep moves the clock on, as a user who leaves the app would.
func (h *Harness) Sleep(d time.Duration) {
	h.moves++
	h.Clock.Advance(d)
}

// Restart saves the waiting engine, discards it and restores a new one from
// the snapshot, as an app killed at a prompt would (docs/contract.md §5),
// with the place the host kept of its last save; then an older snapshot of
// the run, if there is one, must be refused. It does nothing once the run
// is over.
func (h *Harness) Restart() {
	h.moves++
	h.start()
	if h.Ended() {
		return
	}
	before := h.Engine.Next()
	data, err := h.Engine.Snapshot()
	if err != nil {
		h.Oracle.Fail(PropertySnapshot, "no snapshot at %s: %s", before.State, h.Oracle.safe(err))
		return
	}
	latest := h.Engine.Place()
	h.Oracle.Restoring(data)
	opts := append(slices.Clip(h.opts), enrollfsm.WithLatest(latest))
	eng, err := enrollfsm.Restore(data, opts...)
	if err != nil {
		h.Oracle.Fail(PropertySnapshot, "a snapshot taken at %s is refused: %s", before.State, h.Oracle.safe(err))
		return
	}
	if h.older != nil {
		if _, err := enrollfsm.Restore(h.older, opts...); !errors.Is(err, pimserr.ErrStaleSnapshot) {
			h.Oracle.Fail(PropertySnapshot, "an older snapshot of the run restores after a newer one (%v)", err)
		}
	}
	h.older = data
	h.Engine = eng
	h.restarts++
	h.Oracle.Settle(eng.Next(), eng.Counters())
}

// Err returns the first violation, or a failure of the harness itself.
func (h *Harness) Err() error {
	if h.err != nil {
		return h.err
	}
	return h.Oracle.Err()
}

// Finish checks how the run ended (Oracle.Finish) and returns Err.
func (h *Harness) Finish() error {
	h.start()
	out, over := h.Engine.Outcome()
	h.Oracle.Finish(out, over)
	return h.Err()
}

// RunReport is what one run did.
type RunReport struct {
	Config   RunConfig
	Steps    int // actions of the user or the host
	Restarts int
	Ended    bool
	Outcome  enrollfsm.Outcome
	Stats    Stats
}

// Report sums the run up.
func (h *Harness) Report() RunReport {
	out, over := h.Engine.Outcome()
	return RunReport{Config: h.Config, Steps: h.moves, Restarts: h.restarts, Ended: over, Outcome: out, Stats: h.Oracle.Stats()}
}
