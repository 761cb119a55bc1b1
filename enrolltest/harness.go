package enrolltest

import (
	"context"
	"fmt"
	"time"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/pims"
	"github.com/enrollfsm/enrollfsm/simulator"
)

// RunConfig sets up one run: the engine's settings and the simulator's
// starting account.
type RunConfig struct {
	Flow       enrollfsm.Flow
	Platform   enrollfsm.Platform // android when empty
	SDKVersion string             // 2.1.0 when empty
	AutoRemove bool
	VIN        string // the vehicle of remove_vehicle; simulator.DefaultVIN when empty
	Situation  simulator.Situation
	Seed       int64            // the simulator's
	Limits     enrollfsm.Limits // the defaults when zero
	// Prefetch is enrollfsm.WithPrefetch: calls 1, 2 and 3 at once, from
	// several goroutines.
	Prefetch bool
	// Wrap, if set, stands between the engine and the simulator (behind
	// fault injection): put the host code under test here, such as a bridge
	// that turns the SDK's dictionaries into pims.Message.
	Wrap func(pims.Backend) pims.Backend
}

// String sums the run up for logs.
func (c RunConfig) String() string {
	s := fmt.Sprintf("%s/%s sdk=%s situation=%s seed=%d", c.Flow, c.platform(), c.sdk(), c.Situation, c.Seed)
	if c.AutoRemove {
		s += " autoRemove"
	}
	if c.Prefetch {
		s += " prefetch"
	}
	if c.Limits != (enrollfsm.Limits{}) {
		l := c.Limits
		s += fmt.Sprintf(" limits{code=%d resend=%d pin=%d removal=%d read=%d}", l.CodeAttempts, l.Resends, l.PINAttempts, l.Removals, l.ReadAttempts)
	}
	if c.vin() != simulator.DefaultVIN {
		s += " vin=" + c.vin()
	}
	return s
}

// GoString is String, for rapid's logs.
func (c RunConfig) GoString() string { return c.String() }

func (c RunConfig) platform() enrollfsm.Platform {
	if c.Platform == "" {
		return enrollfsm.Android
	}
	return c.Platform
}

func (c RunConfig) sdk() string {
	if c.SDKVersion == "" {
		return "2.1.0"
	}
	return c.SDKVersion
}

func (c RunConfig) vin() string {
	if c.VIN == "" {
		return simulator.DefaultVIN
	}
	return c.VIN
}

// Harness is one run under test: an engine, the simulator it calls through
// fault injection, a manual clock for both, and a Checker on every move. Its
// methods act as the user or the host would; after each, the engine has
// made its calls and waits for the user, or the run is over.
type Harness struct {
	Config  RunConfig
	Engine  *enrollfsm.Engine
	Sim     *simulator.Simulator
	Checker *Checker
	Clock   *Clock
	Faults  *Faulty

	backend  pims.Backend
	started  bool
	moves    int  // actions of the user or the host
	aborted  bool // Engine.Cancel was taken during a call
	restarts int
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
	sim, err := simulator.New(simulator.WithSituation(sit), simulator.WithPlatform(string(cfg.platform())),
		simulator.WithSeed(cfg.Seed), simulator.WithNow(clk.Now))
	if err != nil {
		return nil, err
	}
	faults := NewFaulty(sim)
	var backend pims.Backend = faults
	if cfg.Wrap != nil {
		backend = cfg.Wrap(faults)
	}
	settings := enrollfsm.Settings{Flow: cfg.Flow, Platform: cfg.platform(), SDKVersion: cfg.sdk(), AutoRemove: cfg.AutoRemove, VIN: cfg.vin()}
	checker := NewChecker(settings, cfg.Limits, WithSimulator(sim), WithNow(clk.Now))
	if err := checker.Err(); err != nil {
		return nil, err
	}
	eng, err := enrollfsm.New(cfg.Flow, append(checker.Options(), enrollfsm.WithClock(clk), enrollfsm.WithPrefetch(cfg.Prefetch))...)
	if err != nil {
		return nil, err
	}
	h := &Harness{Config: cfg, Engine: eng, Sim: sim, Checker: checker, Clock: clk, Faults: faults, backend: backend}
	faults.OnAbort = func() {
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

// advance makes the pending calls, then checks that the engine and the
// Checker agree on where the run is.
func (h *Harness) advance() {
	p, err := h.Engine.Advance(context.Background(), h.backend)
	if err != nil && h.err == nil {
		h.err = fmt.Errorf("enrolltest: Advance: %w", err)
	}
	if p.Kind == enrollfsm.PendingCall {
		h.Checker.Fail(InvariantTable, "Advance returned with a call pending at %s", p.State)
	}
	if s := h.Checker.State(); s != p.State {
		h.Checker.Fail(InvariantTable, "the engine is at %s, its transitions led to %s", p.State, s)
	}
	if h.aborted && p.Kind != enrollfsm.PendingNone {
		// The reply in flight may end the run first (enrolled, failed);
		// else it ends cancelled. It never waits for the user again.
		h.Checker.Fail(InvariantOutcome, "Engine.Cancel during a call, and the run goes on at %s", p.State)
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
	return h.Engine.Cancel()
}

// Sleep moves the clock on, as a user who leaves the app would.
func (h *Harness) Sleep(d time.Duration) {
	h.moves++
	h.Clock.Advance(d)
}

// Restart saves the waiting engine, discards it and restores a new one from
// the snapshot, as an app killed at a prompt would (docs/contract.md §5). It does
// nothing once the run is over.
func (h *Harness) Restart() {
	h.moves++
	h.start()
	if h.Ended() {
		return
	}
	before, counters := h.Engine.Next(), h.Engine.Counters()
	data, err := h.Engine.Snapshot()
	if err != nil {
		h.Checker.Fail(InvariantSnapshot, "no snapshot at %s: %s", before.State, h.Checker.safeErr(err))
		return
	}
	h.Checker.Restored(data)
	eng, err := enrollfsm.Restore(data, append(h.Checker.Options(), enrollfsm.WithClock(h.Clock))...)
	if err != nil {
		h.Checker.Fail(InvariantSnapshot, "a snapshot taken at %s is refused: %s", before.State, h.Checker.safeErr(err))
		return
	}
	h.Engine = eng
	h.restarts++
	after := eng.Next()
	switch {
	case after.State != before.State || after.Kind != enrollfsm.PendingPrompt:
		h.Checker.Fail(InvariantSnapshot, "saved at %s, restored at %s (%s pending)", before.State, after.State, after.Kind)
	case eng.Counters() != counters:
		h.Checker.Fail(InvariantSnapshot, "counters %+v saved, %+v restored", counters, eng.Counters())
	}
}

// Err returns the first violation, or a failure of the harness itself.
func (h *Harness) Err() error {
	if h.err != nil {
		return h.err
	}
	return h.Checker.Err()
}

// Finish checks the outcome of a run that is over (CheckOutcome) and that
// the engine counted every call the Checker saw, and returns Err.
func (h *Harness) Finish() error {
	h.start()
	if out, over := h.Engine.Outcome(); over {
		h.Checker.CheckOutcome(out)
	}
	if got, saw := h.Engine.Counters().Calls, h.Checker.Stats().Calls; got != saw {
		h.Checker.Fail(InvariantOutcome, "the engine counts %d calls, the Checker saw %d", got, saw)
	}
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
	return RunReport{Config: h.Config, Steps: h.moves, Restarts: h.restarts, Ended: over, Outcome: out, Stats: h.Checker.Stats()}
}
