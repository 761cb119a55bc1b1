package enrollfsm_test

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"testing"
	"time"

	looplab "github.com/looplab/fsm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/enrollment"
	"github.com/enrollfsm/enrollfsm/enrolltest"
	"github.com/enrollfsm/enrollfsm/pims"
	"github.com/enrollfsm/enrollfsm/redact"
	"github.com/enrollfsm/enrollfsm/simulator"
	"github.com/enrollfsm/enrollfsm/steps"
)

// Benchmarks: docs/PERFORMANCE.md says what each measures and how to run
// them (bench/run). They are never timed tests.
//
// A run's replies are prebuilt pims.Messages (Go maps): no JSON is decoded
// in the timed loops, so they measure the engine, not a codec.

// replies is an in-memory backend that answers the n-th call with the n-th
// reply, with no checking, so that the benchmark measures the engine.
type replies struct {
	msgs []pims.Message
	n    int
}

func (r *replies) Call(_ context.Context, _ pims.Request) (pims.Message, error) {
	m := r.msgs[r.n]
	r.n++
	return m, nil
}

// benchRun is one run's script: the replies to its calls, in order, and the
// answers to its prompts.
type benchRun struct {
	flow    enrollfsm.Flow
	replies []pims.Message
	answers []enrollfsm.Answer
}

// A new account through the full flow: steps 1, 2, 3, 4a, 4·2, 5, 6, 7, 8.
var fullRun = benchRun{
	flow: enrollfsm.FlowFull,
	replies: []pims.Message{
		pims.Success("t1", map[string]any{"isDeviceActivated": false}),
		pims.Success("t2", map[string]any{"isAccountBlocked": "NotBlocked"}),
		pims.Success("t3", map[string]any{"phoneNumber": nil}),
		pims.Success("t4", nil), pims.Success("t5", nil), pims.Success("t6", nil),
		pims.Success("t7", map[string]any{"status": "NotEnrolled"}),
		pims.Success("t8", nil), pims.Success("t9", nil),
	},
	answers: []enrollfsm.Answer{
		enrollfsm.Value(enrollfsm.PromptPhoneNumber, "0612345678"),
		enrollfsm.Value(enrollfsm.PromptCertificationCode, "2424"),
		enrollfsm.Value(enrollfsm.PromptEnrollmentCode, "24242424"),
		enrollfsm.Value(enrollfsm.PromptNewPIN, "1234"),
	},
}

// A new account through the shortcut: steps 1, 2, 3, 4a, 4·1.
var shortcutRun = benchRun{
	flow: enrollfsm.FlowShortcut,
	replies: []pims.Message{
		pims.Success("t1", map[string]any{"isDeviceActivated": false}),
		pims.Success("t2", map[string]any{"isAccountBlocked": "NotBlocked"}),
		pims.Success("t3", map[string]any{"phoneNumber": nil}),
		pims.Success("t4", nil), pims.Success("t5", nil),
	},
	answers: []enrollfsm.Answer{
		enrollfsm.Value(enrollfsm.PromptPhoneNumber, "0612345678"),
		enrollfsm.Value(enrollfsm.PromptCertificationCode, "2424"),
		enrollfsm.Value(enrollfsm.PromptNewPIN, "1234"),
	},
}

// playBench drives one whole run through the synchronous core (New, Next,
// Deliver, Answer) and returns its outcome.
func playBench(tb testing.TB, r benchRun, opts ...enrollfsm.Option) enrollfsm.Outcome {
	out, _ := playEngine(tb, r, opts...).Outcome()
	return out
}

// playEngine is playBench returning the engine, ended.
func playEngine(tb testing.TB, r benchRun, opts ...enrollfsm.Option) *enrollfsm.Engine {
	e, err := enrollfsm.New(r.flow, opts...)
	if err != nil {
		tb.Fatal(err)
	}
	be := &replies{msgs: r.replies}
	a := 0
	for {
		p := e.Next()
		switch p.Kind {
		case enrollfsm.PendingCall:
			msg, err := be.Call(context.Background(), p.Call.Request)
			if err := e.Deliver(p.Call.ID, msg, err); err != nil {
				tb.Fatal(err)
			}
		case enrollfsm.PendingPrompt:
			if err := e.Answer(r.answers[a]); err != nil {
				tb.Fatal(err)
			}
			a++
		case enrollfsm.PendingNone:
			return e
		}
	}
}

// runOnce is one successful run, as timed.
func runOnce(tb testing.TB, r benchRun) {
	if out := playBench(tb, r); !out.OK() {
		tb.Fatalf("run ended %s", out.State)
	}
}

// sequence records the events the engine fires in one run: what every
// looplab baseline fires.
func sequence(tb testing.TB, r benchRun) []enrollment.Event {
	var seq []enrollment.Event
	out := playBench(tb, r, enrollfsm.WithObserver(enrollfsm.Observer{Transition: func(t enrollfsm.Transition) {
		seq = append(seq, t.Event)
	}}))
	if !out.OK() {
		tb.Fatalf("run ended %s", out.State)
	}
	return seq
}

// looplabEvents are the flow's rows as looplab events.
func looplabEvents(flow enrollfsm.Flow) looplab.Events {
	var evs looplab.Events
	for _, r := range enrollfsm.Tables()[flow].Def.Rows() {
		evs = append(evs, looplab.EventDesc{Name: string(r.Event), Src: []string{string(r.Src)}, Dst: string(r.Dst)})
	}
	return evs
}

// noopCallbacks are the four generic callbacks a plain looplab user would
// hook calls and prompts on, doing nothing: the old "events only" baseline.
func noopCallbacks() looplab.Callbacks {
	noop := func(context.Context, *looplab.Event) {}
	return looplab.Callbacks{"before_event": noop, "leave_state": noop, "enter_state": noop, "after_event": noop}
}

// floor is the least any engine on looplab pays for a run: one machine per
// table, built once, reset with SetState, no callbacks, firing the run's
// events.
type floor struct {
	f   *looplab.FSM
	seq []enrollment.Event
}

func newFloor(tb testing.TB, r benchRun, cbs looplab.Callbacks) *floor {
	return &floor{f: looplab.NewFSM(string(enrollment.Start), looplabEvents(r.flow), cbs), seq: sequence(tb, r)}
}

func (fl *floor) run() {
	fl.f.SetState(string(enrollment.Start))
	fire(context.Background(), fl.f, fl.seq)
}

// fire fires seq on f, as a looplab user would.
func fire(ctx context.Context, f *looplab.FSM, seq []enrollment.Event) {
	for _, ev := range seq {
		_ = f.Event(ctx, string(ev))
	}
}

// TestBenchRuns: the benchmarks' scripts end as the page says, and their
// recorded sequences have one transition per call, per answer, and the
// begin: 14 for the full flow, 9 for the shortcut.
func TestBenchRuns(t *testing.T) {
	for _, r := range []benchRun{fullRun, shortcutRun} {
		seq := sequence(t, r)
		assert.Len(t, seq, 1+len(r.replies)+len(r.answers), r.flow)
		fl := newFloor(t, r, nil)
		fl.run()
		assert.Equal(t, string(enrollment.Enrolled), fl.f.Current(), "the floor fires the same transitions to the same end")
	}
	assert.Len(t, sequence(t, fullRun), 14)
	assert.Len(t, sequence(t, shortcutRun), 9)
	assert.Equal(t, 28, apiCalls(fullRun))

	clk := &countingClock{}
	require.True(t, playBench(t, fullRun, enrollfsm.WithClock(clk)).OK())
	assert.Equal(t, clockReads, clk.reads, "the clock reads BenchmarkRatioNoLogic makes")
}

// countingClock is the system clock, counting its reads.
type countingClock struct{ reads int }

func (c *countingClock) Now() time.Time { c.reads++; return time.Now() }

func (c *countingClock) Sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-time.After(d):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// perRun returns the heap allocations and bytes of one call of f, averaged
// over n, outside any timed loop.
func perRun(n int, f func()) (allocs, bytes float64) {
	f()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for range n {
		f()
	}
	runtime.ReadMemStats(&after)
	return float64(after.Mallocs-before.Mallocs) / float64(n), float64(after.TotalAlloc-before.TotalAlloc) / float64(n)
}

// roundRuns is the number of engine runs and floor runs in a round.
const roundRuns = 64

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// interleave times run and floor alternately, one call each per iteration
// in alternating order, and closes a round every roundRuns iterations. It
// reports the median over rounds of run's time over floor's (x-floor) and
// the median time of one call of each (name-ns/run, floor-ns/run). Interleaving makes a change of load
// on a shared machine hit both sides of a ratio.
func interleave(b *testing.B, name string, run, floor func()) {
	var ratios, runNs, floorNs []float64
	var tr, tf time.Duration
	i := 0
	closeRound := func(n int) {
		ratios = append(ratios, float64(tr)/float64(tf))
		runNs = append(runNs, float64(tr.Nanoseconds())/float64(n))
		floorNs = append(floorNs, float64(tf.Nanoseconds())/float64(n))
		tr, tf = 0, 0
	}
	for b.Loop() {
		if i%2 == 0 {
			t0 := time.Now()
			run()
			t1 := time.Now()
			floor()
			tr, tf = tr+t1.Sub(t0), tf+time.Since(t1)
		} else {
			t0 := time.Now()
			floor()
			t1 := time.Now()
			run()
			tr, tf = tr+time.Since(t1), tf+t1.Sub(t0)
		}
		i++
		if i%roundRuns == 0 {
			closeRound(roundRuns)
		}
	}
	if len(ratios) == 0 && i > 0 { // a smoke run with -benchtime=1x
		closeRound(i % roundRuns)
	}
	b.ReportMetric(median(ratios), "x-floor")
	b.ReportMetric(median(runNs), name+"-ns/run")
	b.ReportMetric(median(floorNs), "floor-ns/run")
	b.ReportMetric(float64(len(ratios)), "rounds")
}

// BenchmarkRatio is the headline measure: a whole run (New, then Next,
// Deliver and Answer to the end) interleaved with the floor, by
// interleave. It also reports the allocations of one run of each, counted
// outside the timed loop (target: engine <= floor + 20), and the
// transitions of the run. Target: x-floor <= 1.5.
func BenchmarkRatio(b *testing.B) {
	for _, r := range []benchRun{fullRun, shortcutRun} {
		b.Run(string(r.flow), func(b *testing.B) {
			fl := newFloor(b, r, nil)
			engineAllocs, engineBytes := perRun(200, func() { runOnce(b, r) })
			floorAllocs, floorBytes := perRun(200, fl.run)
			interleave(b, "engine", func() { runOnce(b, r) }, fl.run)
			b.ReportMetric(engineAllocs, "engine-allocs/run")
			b.ReportMetric(floorAllocs, "floor-allocs/run")
			b.ReportMetric(engineBytes, "engine-B/run")
			b.ReportMetric(floorBytes, "floor-B/run")
			b.ReportMetric(float64(len(fl.seq)), "transitions")
		})
	}
}

// The API floor's sinks: what it allocates stays reachable, as an engine's
// does.
var (
	sink       []any
	paramsSink []pims.Params
)

// nexts are the Next calls of run r in playBench: one per call, per prompt
// and for the end.
func nexts(r benchRun) int { return len(r.replies) + len(r.answers) + 1 }

// apiCalls are the calls of run r in playBench that take the engine's
// lock: every Next, a Deliver per reply, an Answer per answer, and Outcome
// (28 in a full run).
func apiCalls(r benchRun) int { return nexts(r) + len(r.replies) + len(r.answers) + 1 }

// clockReads are the engine's clock reads in a full run: the two SMS times
// and the two expiry checks (TestBenchRuns counts them).
const clockReads = 4

// benchAnswer is the value r answers to prompt p.
func benchAnswer(r benchRun, p enrollfsm.Prompt) string {
	for _, a := range r.answers {
		if a.Prompt == p {
			return a.Value
		}
	}
	return ""
}

// BenchmarkRatioAPIFloor is not the engine: it is the floor plus what the
// API makes any engine on it pay for a full run, timed as BenchmarkRatio
// times the engine: one object of the engine's own type (New allocates
// one), the parameters of the four calls that carry a new answer (4a, 4·2,
// 6, 7; a host may keep a request, and step 8 shares step 7's), the three
// answers kept as secrets, and that object's lock taken and released by
// each of the run's calls (an Engine is safe for concurrent use). Its x-floor is the
// part of the 1.5 target the engine's own logic cannot have.
func BenchmarkRatioAPIFloor(b *testing.B) {
	fl := newFloor(b, fullRun, nil)
	ratioOverFloor(b, "api", apiFloor(b, fl.run), fl)
}

// apiFloor returns a run of the API floor whose transitions fire makes.
func apiFloor(b *testing.B, fire func()) func() {
	r := fullRun
	in := steps.Inputs{Platform: steps.Android, Phone: benchAnswer(r, enrollfsm.PromptPhoneNumber)}
	secrets := []string{benchAnswer(r, enrollfsm.PromptCertificationCode), benchAnswer(r, enrollfsm.PromptEnrollmentCode), benchAnswer(r, enrollfsm.PromptNewPIN)}
	in.CertificationCode, in.EnrollmentCode, in.PIN = redact.NewSecret(secrets[0]), redact.NewSecret(secrets[1]), redact.NewSecret(secrets[2])
	answered := []*steps.Step{steps.RequestCertificationSMS, steps.AddPhoneNumber, steps.CheckPIN, steps.RegisterPIN}
	calls := apiCalls(r)
	return func() {
		fire()
		// the engine's own lock, in the object New allocates for it
		e, mu := enrollfsm.NewEngineSized()
		sink = append(sink[:0], e)
		paramsSink = paramsSink[:0]
		for _, s := range answered {
			req, err := s.Request(in)
			if err != nil {
				b.Fatal(err)
			}
			paramsSink = append(paramsSink, req.Params)
		}
		for _, v := range secrets {
			sink = append(sink, redact.NewSecret(v))
		}
		for range calls {
			mu.Lock()
			//lint:ignore SA2001 the lock's own cost is what is measured
			mu.Unlock()
		}
	}
}

// ratioOverFloor times run against the floor fl by interleave, and reports
// the allocations run makes beyond the floor's.
func ratioOverFloor(b *testing.B, name string, run func(), fl *floor) {
	allocs, _ := perRun(200, run)
	floorAllocs, _ := perRun(200, fl.run)
	interleave(b, name, run, fl.run)
	b.ReportMetric(allocs-floorAllocs, "allocs-over-floor")
}

// The no-logic floor's sinks.
var (
	pendingSink pims.Request
	clockSink   int64
)

// pendingOf returns a Pending as Engine.Next does, by value.
//
//go:noinline
func pendingOf(st enrollment.State, c *enrollfsm.Call) (p enrollfsm.Pending) {
	p.Kind, p.State, p.Call = enrollfsm.PendingCall, st, *c
	return p
}

// BenchmarkRatioNoLogic is not the engine either: it is the API floor plus
// the machinery every run of this engine has whatever its logic, timed as
// BenchmarkRatio times the engine: the run's transitions fired through the
// engine's own fsm.Machine (the table's looplab machine, shared between
// engines, taken and given back at each), the clock read as the engine
// reads it, and a Pending value for each Next. It decides nothing: no reply
// is read, no answer checked, no effect applied. 1.5 less its x-floor is
// what the target leaves the logic.
func BenchmarkRatioNoLogic(b *testing.B) {
	fl := newFloor(b, fullRun, nil)
	def := enrollfsm.Tables()[fullRun.flow].Def
	var call enrollfsm.Call
	start := *def.NewMachine() // the engine's machine is inside its object
	fire := func() {
		m := start
		for _, ev := range fl.seq {
			if _, err := m.Fire(ev); err != nil {
				b.Fatal(err)
			}
		}
		if m.Current() != enrollment.Enrolled {
			b.Fatalf("the no-logic run ended %s", m.Current())
		}
	}
	api := apiFloor(b, fire)
	n := nexts(fullRun)
	run := func() {
		api()
		for range clockReads {
			clockSink = time.Now().UnixMilli()
		}
		for range n {
			p := pendingOf(enrollment.Start, &call)
			pendingSink = p.Call.Request
		}
	}
	ratioOverFloor(b, "nologic", run, fl)
}

// benchFlow times each row apart: the engine, the floor, and the two
// baselines of earlier versions of the performance page, kept for
// comparison only.
func benchFlow(b *testing.B, r benchRun) {
	evs := looplabEvents(r.flow)
	b.Run("engine", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			runOnce(b, r)
		}
	})
	b.Run("floor", func(b *testing.B) {
		fl := newFloor(b, r, nil)
		b.ReportAllocs()
		for b.Loop() {
			fl.run()
		}
	})
	// Not a baseline of the engine: it builds a looplab machine (the whole
	// table, ~110 rows) in every iteration, which the engine does not.
	b.Run("old/looplab_built_per_run", func(b *testing.B) {
		seq := sequence(b, r)
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			fire(ctx, looplab.NewFSM(string(enrollment.Start), evs, nil), seq)
		}
	})
	// Not the floor: the four no-op callbacks cost looplab work the engine,
	// which registers none, does not do.
	b.Run("old/looplab_reused_noop_callbacks", func(b *testing.B) {
		fl := newFloor(b, r, noopCallbacks())
		b.ReportAllocs()
		for b.Loop() {
			fl.run()
		}
	})
}

func BenchmarkFullFlow(b *testing.B) { benchFlow(b, fullRun) }

func BenchmarkShortcutFlow(b *testing.B) { benchFlow(b, shortcutRun) }

// waitAtEnrollmentCode drives a full-flow run to the enrollment-code prompt
// (after calls 1, 2, 3, 4a, 4·2 and 5) and returns the engine waiting there.
func waitAtEnrollmentCode(tb testing.TB, opts ...enrollfsm.Option) *enrollfsm.Engine {
	e, err := enrollfsm.New(enrollfsm.FlowFull, opts...)
	if err != nil {
		tb.Fatal(err)
	}
	be := &replies{msgs: fullRun.replies}
	a := 0
	for {
		p := e.Next()
		switch {
		case p.Kind == enrollfsm.PendingCall:
			msg, err := be.Call(context.Background(), p.Call.Request)
			if err := e.Deliver(p.Call.ID, msg, err); err != nil {
				tb.Fatal(err)
			}
		case p.Kind == enrollfsm.PendingPrompt && p.Prompt == enrollfsm.PromptEnrollmentCode:
			return e
		case p.Kind == enrollfsm.PendingPrompt:
			if err := e.Answer(fullRun.answers[a]); err != nil {
				tb.Fatal(err)
			}
			a++
		default:
			tb.Fatalf("the run ended in %s before the enrollment-code prompt", p.State)
		}
	}
}

// benchKey seals the snapshots of the sealed rows.
var benchKey = []byte("0123456789abcdef0123456789abcdef")

func TestWaitAtEnrollmentCode(t *testing.T) {
	e := waitAtEnrollmentCode(t)
	assert.Equal(t, enrollfsm.State(enrollment.AwaitingEnrollmentCode), e.State())
	assert.Equal(t, 6, e.Counters().Calls)
	sealed, err := waitAtEnrollmentCode(t, enrollfsm.WithSnapshotKey(benchKey)).Snapshot()
	require.NoError(t, err)
	_, err = enrollfsm.Restore(sealed, enrollfsm.WithSnapshotKey(benchKey))
	assert.NoError(t, err, "the sealed snapshot measured is one Restore accepts")
}

// BenchmarkRestore restores the snapshot of an engine waiting at the
// enrollment-code prompt: plain, and sealed (WithSnapshotKey, the seal
// checked). Targets for a sealed Restore: at most 60 allocations, and 100k
// instructions counted by callgrind as docs/PERFORMANCE.md says.
func BenchmarkRestore(b *testing.B) {
	plainAndSealed(b, func(b *testing.B, opts []enrollfsm.Option) {
		snap, err := waitAtEnrollmentCode(b, opts...).Snapshot()
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := enrollfsm.Restore(snap, opts...); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(snap)), "B/snapshot")
	})
}

// plainAndSealed runs bench as two sub-benchmarks: engines made without a
// key ("plain") and with WithSnapshotKey ("sealed").
func plainAndSealed(b *testing.B, bench func(b *testing.B, opts []enrollfsm.Option)) {
	for _, sealed := range []bool{false, true} {
		name := "plain"
		var opts []enrollfsm.Option
		if sealed {
			name = "sealed"
			opts = append(opts, enrollfsm.WithSnapshotKey(benchKey))
		}
		b.Run(name, func(b *testing.B) { bench(b, opts) })
	}
}

// BenchmarkWaitingEngine reports the live heap each of 1,000 engines holds
// while it waits at the enrollment-code prompt (B/engine; target <= 1.2 KB),
// and the size of one's snapshot (B/snapshot; target <= 512 B sealed).
// "sealed" engines are made with WithSnapshotKey, which they keep.
func BenchmarkWaitingEngine(b *testing.B) {
	plainAndSealed(b, func(b *testing.B, opts []enrollfsm.Option) {
		const n = 1000
		engines := make([]*enrollfsm.Engine, n)
		var before, after runtime.MemStats
		var snap []byte
		for b.Loop() {
			clear(engines)
			runtime.GC()
			runtime.ReadMemStats(&before)
			for i := range engines {
				engines[i] = waitAtEnrollmentCode(b, opts...)
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			var err error
			if snap, err = engines[0].Snapshot(); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric((float64(after.HeapAlloc)-float64(before.HeapAlloc))/n, "B/engine")
		b.ReportMetric(float64(len(snap)), "B/snapshot")
		runtime.KeepAlive(engines)
	})
}

// seededRuns is the fixed set of seeds of one BenchmarkSeededRuns op.
const seededRuns = 256

// BenchmarkSeededRuns makes the same 256 seeded random runs per op (seeds
// 0–255: every flow, faults injected, restarts, cancels), each judged by
// the Oracle, so the mix does not depend on b.N. runs/s is per
// core.
func BenchmarkSeededRuns(b *testing.B) {
	for b.Loop() {
		for seed := range uint64(seededRuns) {
			if _, err := (enrolltest.Runner{}).Seeded(seed); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(seededRuns)*float64(b.N)/b.Elapsed().Seconds(), "runs/s")
}

// BenchmarkCheck is the exhaustive checker's throughput: one op is
// enrolltest.Check over every setting of a flow on Android (plain, automatic
// removal, prefetch and sealed), every reachable state explored over the
// real engine. It reports the states explored, states per CPU-second (user
// and system time of the process, all cores), states per wall second, and
// the checker's peak heap (MiB, as it samples it). CI skips it: an op takes
// seconds.
func BenchmarkCheck(b *testing.B) {
	for _, flow := range []enrollfsm.Flow{enrollfsm.FlowFull, enrollfsm.FlowShortcut} {
		b.Run(string(flow), func(b *testing.B) {
			settings := enrolltest.Settings([]enrollfsm.Flow{flow}, []enrollfsm.Platform{enrollfsm.Android}, enrollfsm.Limits{})
			var rep enrolltest.Report
			for b.Loop() {
				var err error
				if rep, err = enrolltest.Check(context.Background(), settings, enrolltest.CheckOptions{}); err != nil {
					b.Fatal(err)
				}
				// Android alone: an edge only iOS takes is no failure here.
				for _, r := range rep.Results {
					if !r.Closed || r.Violation != nil {
						b.Fatalf("the check of %s did not pass: %s", flow, r)
					}
				}
			}
			b.ReportMetric(float64(rep.States), "states")
			b.ReportMetric(rep.StatesPerCPUSecond(), "states/CPU-s")
			b.ReportMetric(float64(rep.States)/rep.Elapsed.Seconds(), "states/s")
			b.ReportMetric(float64(rep.PeakHeap)/(1<<20), "peak-heap-MiB")
		})
	}
}

// BenchmarkPrefetch runs to the first prompt (or the end) against the
// simulator with 2 ms of latency per call, and reports the round trips on
// the critical path and the calls made, with and without WithPrefetch, for a
// new account and for a device enrolled already.
func BenchmarkPrefetch(b *testing.B) {
	for _, sit := range []simulator.Situation{simulator.SituationNew, simulator.SituationEnrolled} {
		for _, on := range []bool{false, true} {
			b.Run(fmt.Sprintf("%s/prefetch=%v", sit, on), func(b *testing.B) {
				var trips, calls int
				for b.Loop() {
					trips, calls = roundTrips(b, on, sit, 2*time.Millisecond)
				}
				b.ReportMetric(float64(trips), "round-trips")
				b.ReportMetric(float64(calls), "calls")
			})
		}
	}
}
