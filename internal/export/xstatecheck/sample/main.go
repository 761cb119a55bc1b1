// Command sample runs the engine against the simulator with random answers
// and faults, and writes each run's transitions as JSON, for check.mjs to
// replay on the exported XState machines:
//
//	go run ./internal/export/xstatecheck/sample -runs 25 -seed 1 > runs.json
//
// The runs are those of the real engine: the simulator answers its calls,
// some calls fail or lose their reply, and enrolltest.AnswerGen draws the
// user's answers (right, wrong, malformed, any action).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"os"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/enrolltest"
	"github.com/enrollfsm/enrollfsm/internal/docgen"
	"github.com/enrollfsm/enrollfsm/simulator"
)

// Run is one run: its settings and every transition it made, in order.
type Run struct {
	Flow        string       `json:"flow"`
	Seed        uint64       `json:"seed"`
	Settings    string       `json:"settings"`
	Transitions []Transition `json:"transitions"`
	End         string       `json:"end"`
}

// Transition is one transition of a run.
type Transition struct {
	From  string `json:"from"`
	Event string `json:"event"`
	To    string `json:"to"`
}

// maxAnswers bounds a run: the user then cancels, since a user who retries
// every interruption could go on for as long as faults are drawn.
const maxAnswers = 60

func main() {
	runs := flag.Int("runs", 25, "runs per flow")
	seed := flag.Uint64("seed", 1, "seed of the first run; run i of a flow has seed+i")
	faults := flag.Float64("faults", 0.2, "share of calls that fail or lose their reply")
	flag.Parse()
	var out []Run
	for _, flow := range docgen.Order() {
		for i := range *runs {
			r, err := sample(flow, *seed+uint64(i), *faults)
			if err != nil {
				fmt.Fprintf(os.Stderr, "sample: %s seed %d: %v\n", flow, *seed+uint64(i), err)
				os.Exit(1)
			}
			out = append(out, r)
		}
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", " ")
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, "sample:", err)
		os.Exit(1)
	}
}

func sample(flow enrollfsm.Flow, seed uint64, faults float64) (Run, error) {
	h := fnv.New64a()
	h.Write([]byte(flow))
	rng := rand.New(rand.NewPCG(seed, h.Sum64()))
	info, _ := enrollfsm.Describe(flow)
	situations := simulator.Situations()
	if !info.Enrollment {
		// an operation needs an enrolled device; the others fail at call 1
		situations = append(situations, simulator.SituationEnrolled, simulator.SituationEnrolled, simulator.SituationEnrolled)
	}
	sit := situations[rng.IntN(len(situations))]
	platform := []enrollfsm.Platform{enrollfsm.Android, enrollfsm.IOS}[rng.IntN(2)]
	auto := rng.IntN(2) == 0
	sim, err := simulator.New(simulator.WithSituation(sit), simulator.WithPlatform(string(platform)),
		simulator.WithSeed(int64(seed)), simulator.WithFaults(simulator.Faults{Rate: faults, Bridge: true, Lost: true}))
	if err != nil {
		return Run{}, err
	}
	r := Run{Flow: string(flow), Seed: seed, Settings: fmt.Sprintf("situation=%s platform=%s autoRemove=%t", sit, platform, auto)}
	opts := []enrollfsm.Option{
		enrollfsm.WithPlatform(platform), enrollfsm.WithSDKVersion("2.1.0"), enrollfsm.WithAutoRemove(auto),
		enrollfsm.WithObserver(enrollfsm.Observer{Transition: func(tr enrollfsm.Transition) {
			r.Transitions = append(r.Transitions, Transition{From: string(tr.From), Event: string(tr.Event), To: string(tr.To)})
		}}),
	}
	if info.NeedsVIN {
		opts = append(opts, enrollfsm.WithVIN(simulator.DefaultVIN))
	}
	e, err := enrollfsm.New(flow, opts...)
	if err != nil {
		return Run{}, err
	}
	answers := 0
	user := enrollfsm.AnswerFunc(func(_ context.Context, p enrollfsm.Pending) (enrollfsm.Answer, error) {
		answers++
		if answers > maxAnswers {
			return enrollfsm.Act(p.Prompt, enrollfsm.ActionCancel), nil
		}
		return enrolltest.AnswerGen(p, sim).Example(rng.IntN(1 << 30)), nil
	})
	out, err := e.Run(context.Background(), sim, user)
	if err != nil {
		return Run{}, err
	}
	r.End = string(out.State)
	return r, nil
}
