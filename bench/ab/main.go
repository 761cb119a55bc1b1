// Command ab times the engine of another commit ("before", written to
// ./before by bench/ab/run) against this one ("after") in one process,
// with the looplab floor: each round runs 64 full-flow runs of each side
// and of the floor, in an order that rotates from round to round, and the
// medians over the rounds of after/before, after/floor and before/floor
// are printed. The floor is looplab firing the after engine's transitions
// on the after table, configured once; "before's floor" fires them on the
// before table, so that a change of the table shows apart from a change of
// the engine.
package main

import (
	"context"
	"flag"
	"fmt"
	"sort"
	"time"

	before "github.com/enrollfsm/before"
	beforepims "github.com/enrollfsm/before/pims"
	after "github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/enrollment"
	afterpims "github.com/enrollfsm/enrollfsm/pims"
	looplab "github.com/looplab/fsm"
)

// The run both engines make: a new account through the full flow (steps 1,
// 2, 3, 4a, 4·2, 5, 6, 7, 8), as BenchmarkRatio/full.
var (
	phone, certCode, enrolCode, pin = "0612345678", "2424", "24242424", "1234"
	results                         = []map[string]any{
		{"isDeviceActivated": false}, {"isAccountBlocked": "NotBlocked"}, {"phoneNumber": nil},
		nil, nil, nil, {"status": "NotEnrolled"}, nil, nil,
	}
)

// Each side's replies and answers are built once, outside the timed runs,
// as the benchmarks' are: a run times the engine, not its script.
var (
	afterReplies  = replies(afterpims.Success)
	beforeReplies = replies(beforepims.Success)
	afterAnswers  = []after.Answer{
		after.Value(after.PromptPhoneNumber, phone), after.Value(after.PromptCertificationCode, certCode),
		after.Value(after.PromptEnrollmentCode, enrolCode), after.Value(after.PromptNewPIN, pin),
	}
	beforeAnswers = []before.Answer{
		before.Value(before.PromptPhoneNumber, phone), before.Value(before.PromptCertificationCode, certCode),
		before.Value(before.PromptEnrollmentCode, enrolCode), before.Value(before.PromptNewPIN, pin),
	}
)

// replies are the run's replies made by one side's pims.Success.
func replies[M any](success func(string, map[string]any) M) []M {
	var out []M
	for i, r := range results {
		out = append(out, success(fmt.Sprint("t", i+1), r))
	}
	return out
}

// afterRun is one run of this commit's engine.
func afterRun(opts ...after.Option) {
	replies, answers := afterReplies, afterAnswers
	e, err := after.New(after.FlowFull, opts...)
	check(err)
	for r, a := 0, 0; ; {
		switch p := e.Next(); p.Kind {
		case after.PendingCall:
			check(e.Deliver(p.Call.ID, replies[r], nil))
			r++
		case after.PendingPrompt:
			check(e.Answer(answers[a]))
			a++
		default:
			if o, _ := e.Outcome(); !o.OK() {
				panic(fmt.Sprint("after: the run ended ", o.State))
			}
			return
		}
	}
}

// beforeRun is the same run of the other commit's engine.
func beforeRun() {
	replies, answers := beforeReplies, beforeAnswers
	e, err := before.New(before.FlowFull)
	check(err)
	for r, a := 0, 0; ; {
		switch p := e.Next(); p.Kind {
		case before.PendingCall:
			check(e.Deliver(p.Call.ID, replies[r], nil))
			r++
		case before.PendingPrompt:
			check(e.Answer(answers[a]))
			a++
		default:
			if o, _ := e.Outcome(); !o.OK() {
				panic(fmt.Sprint("before: the run ended ", o.State))
			}
			return
		}
	}
}

func check(err error) {
	if err != nil {
		panic(err)
	}
}

// floorOn returns a run of looplab firing seq on a machine of rows,
// configured once.
func floorOn(rows [][3]string, seq []string) func() {
	var evs looplab.Events
	for _, r := range rows {
		evs = append(evs, looplab.EventDesc{Name: r[0], Src: []string{r[1]}, Dst: r[2]})
	}
	f := looplab.NewFSM(string(enrollment.Start), evs, nil)
	return func() {
		f.SetState(string(enrollment.Start))
		for _, ev := range seq {
			_ = f.Event(context.Background(), ev)
		}
		if f.Current() != string(enrollment.Enrolled) {
			panic("the floor ended " + f.Current())
		}
	}
}

func main() {
	rounds := flag.Int("rounds", 1000, "rounds")
	per := flag.Int("per", 64, "runs of each side per round")
	flag.Parse()

	var seq []string
	afterRun(after.WithObserver(after.Observer{Transition: func(t after.Transition) { seq = append(seq, string(t.Event)) }}))
	var afterRows, beforeRows [][3]string
	for _, r := range after.Tables()[after.FlowFull].Def.Rows() {
		afterRows = append(afterRows, [3]string{string(r.Event), string(r.Src), string(r.Dst)})
	}
	for _, r := range before.Tables()[before.FlowFull].Def.Rows() {
		beforeRows = append(beforeRows, [3]string{string(r.Event), string(r.Src), string(r.Dst)})
	}
	sides := []func(){func() { beforeRun() }, func() { afterRun() }, floorOn(afterRows, seq), floorOn(beforeRows, seq)}
	for range 2000 { // warm up
		for _, s := range sides {
			s()
		}
	}
	var ab, af, bf, ff []float64
	for i := range *rounds {
		var t [4]time.Duration
		for k := range sides {
			j := (i + k) % len(sides)
			start := time.Now()
			for range *per {
				sides[j]()
			}
			t[j] = time.Since(start)
		}
		ab = append(ab, float64(t[1])/float64(t[0]))
		af = append(af, float64(t[1])/float64(t[2]))
		bf = append(bf, float64(t[0])/float64(t[3]))
		ff = append(ff, float64(t[2])/float64(t[3]))
	}
	fmt.Printf("%d rounds of %d runs of %d transitions; medians of the rounds:\n", *rounds, *per, len(seq))
	fmt.Printf("  after / before            %.4f\n", median(ab))
	fmt.Printf("  after / after's floor     %.3f (%d rows)\n", median(af), len(afterRows))
	fmt.Printf("  before / before's floor   %.3f (%d rows)\n", median(bf), len(beforeRows))
	fmt.Printf("  after's floor / before's  %.4f\n", median(ff))
}

func median(x []float64) float64 {
	sort.Float64s(x)
	return (x[(len(x)-1)/2] + x[len(x)/2]) / 2
}
