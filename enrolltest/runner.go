package enrolltest

import (
	"fmt"
	"math/rand/v2"
	"time"

	"pgregory.net/rapid"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/pims"
)

// Move is one action of a random run.
type Move string

// The moves, drawn in this order of likelihood.
const (
	MoveAnswer  Move = "answer"  // the user answers the prompt (AnswerGen)
	MoveFault   Move = "fault"   // the next call meets a fault (FaultGen)
	MoveRestart Move = "restart" // the app is killed and restored from a snapshot
	MoveSleep   Move = "sleep"   // the user leaves the app for a while
	MoveCancel  Move = "cancel"  // the host calls Engine.Cancel
)

func drawMove(src source) Move {
	switch n := percent(src); {
	case n < 76:
		return MoveAnswer
	case n < 85:
		return MoveFault
	case n < 92:
		return MoveRestart
	case n < 98:
		return MoveSleep
	}
	return MoveCancel
}

// sleeps straddle the 10-minute life of an SMS code.
var sleeps = []time.Duration{30 * time.Second, 2 * time.Minute, 9*time.Minute + 59*time.Second, 11 * time.Minute}

// chooser makes a run's choices: rapid's draws, logged with labels, or a
// seeded math/rand.
type chooser interface {
	move() Move
	answer(p enrollfsm.Pending, truth Truth) enrollfsm.Answer
	fault() Fault
	sleep() time.Duration
}

type rapidChooser struct{ t *rapid.T }

func (c rapidChooser) move() Move {
	return rapid.Custom(func(t *rapid.T) Move { return drawMove(rapidSource{t}) }).Draw(c.t, "move")
}

func (c rapidChooser) answer(p enrollfsm.Pending, truth Truth) enrollfsm.Answer {
	return AnswerGen(p, truth).Draw(c.t, "answer")
}

func (c rapidChooser) fault() Fault { return FaultGen().Draw(c.t, "fault") }

func (c rapidChooser) sleep() time.Duration { return rapid.SampledFrom(sleeps).Draw(c.t, "sleep") }

type randChooser struct{ src randSource }

func (c randChooser) move() Move { return drawMove(c.src) }

func (c randChooser) answer(p enrollfsm.Pending, truth Truth) enrollfsm.Answer {
	return drawAnswer(c.src, p, truth)
}

func (c randChooser) fault() Fault { return drawFault(c.src) }

func (c randChooser) sleep() time.Duration { return pick(c.src, sleeps) }

// Runner drives random runs: engine, simulator and Oracle, with the user's
// answers, faults on calls, restarts from snapshots, idle time and
// cancellations drawn at random. The zero Runner draws every flow.
type Runner struct {
	// Flow, if set, is the only flow drawn.
	Flow enrollfsm.Flow
	// Wrap is RunConfig.Wrap for every run: the host code under test.
	Wrap func(pims.Backend) pims.Backend
	// MaxSteps bounds a run's moves (200 when zero); a run still going then
	// is checked as far as it went.
	MaxSteps int
}

// RandomRun drives one random run of any flow from t and fails t on the
// first violation; in a test, one line:
//
//	rapid.Check(t, func(t *rapid.T) { enrolltest.RandomRun(t) })
func RandomRun(t *rapid.T) RunReport { return Runner{}.Run(t) }

// Run drives one random run from t and fails t on the first violation.
func (r Runner) Run(t *rapid.T) RunReport {
	t.Helper()
	gen := ConfigGen()
	if r.Flow != "" {
		gen = FlowConfigGen(r.Flow)
	}
	cfg := gen.Draw(t, "config")
	cfg.Wrap = r.Wrap
	rep, err := r.play(cfg, rapidChooser{t})
	if err != nil {
		t.Fatalf("%v\nrun: %s, %d moves, outcome %s %s", err, cfg, rep.Steps, rep.Outcome.State, rep.Outcome.Failure)
	}
	return rep
}

// Seeded drives one random run chosen by seed, without rapid: for soaks and
// benchmarks. The error is the first violation.
func (r Runner) Seeded(seed uint64) (RunReport, error) {
	src := randSource{rand.New(rand.NewPCG(seed, 0x656e726f6c6c74))}
	cfg := drawConfig(src, r.Flow)
	cfg.Wrap = r.Wrap
	return r.play(cfg, randChooser{src})
}

func (r Runner) play(cfg RunConfig, ch chooser) (RunReport, error) {
	h, err := NewHarness(cfg)
	if err != nil {
		return RunReport{Config: cfg}, fmt.Errorf("enrolltest: %s: %w", cfg, err)
	}
	maxSteps := r.MaxSteps
	if maxSteps <= 0 {
		maxSteps = 200
	}
	for steps := 0; steps < maxSteps && !h.Ended() && h.Err() == nil; steps++ {
		switch ch.move() {
		case MoveAnswer:
			_ = h.Answer(ch.answer(h.Pending(), h.Sim))
		case MoveFault:
			h.Inject(ch.fault())
		case MoveRestart:
			h.Restart()
		case MoveSleep:
			h.Sleep(ch.sleep())
		case MoveCancel:
			_ = h.Cancel()
		}
	}
	err = h.Finish()
	return h.Report(), err
}

// SoakReport sums up many runs.
type SoakReport struct {
	Runs, Ended, Succeeded     int
	Steps, Calls, Transitions  int
	Answers, Refused, Restarts int
	Violations, MaxBurst       int
	Outcomes                   map[string]int // by final state and failure
	First                      error          // the first violation
	FirstSeed                  uint64
	Elapsed                    time.Duration
}

// Soak drives runs seeded seed, seed+1, ... and sums them up.
func (r Runner) Soak(runs int, seed uint64) SoakReport {
	rep := SoakReport{Outcomes: map[string]int{}}
	start := time.Now()
	for i := 0; i < runs; i++ {
		one, err := r.Seeded(seed + uint64(i))
		rep.Add(one)
		if err != nil {
			rep.Violations++
			if rep.First == nil {
				rep.First, rep.FirstSeed = err, seed+uint64(i)
			}
		}
	}
	rep.Elapsed = time.Since(start)
	return rep
}

// Add counts one run.
func (s *SoakReport) Add(r RunReport) {
	if s.Outcomes == nil {
		s.Outcomes = map[string]int{}
	}
	s.Runs++
	s.Steps += r.Steps
	s.Calls += r.Stats.Calls
	s.Transitions += r.Stats.Transitions
	s.Answers += r.Stats.Answers
	s.Refused += r.Stats.Refused
	s.Restarts += r.Restarts
	s.MaxBurst = max(s.MaxBurst, r.Stats.MaxBurst)
	if r.Ended {
		s.Ended++
		if r.Outcome.OK() {
			s.Succeeded++
		}
		key := string(r.Outcome.State)
		if r.Outcome.Failure != "" {
			key += ":" + string(r.Outcome.Failure)
		}
		s.Outcomes[key]++
	}
}

// String is the report's figures on one line.
func (s SoakReport) String() string {
	return fmt.Sprintf("%d runs (%d ended, %d enrolled or done), %d moves, %d calls, %d transitions, %d answers (%d refused), %d restarts, longest burst %d calls, %d violations, %v",
		s.Runs, s.Ended, s.Succeeded, s.Steps, s.Calls, s.Transitions, s.Answers, s.Refused, s.Restarts, s.MaxBurst, s.Violations, s.Elapsed.Round(time.Millisecond))
}
