package enrollfsm_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	looplab "github.com/looplab/fsm"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/fsm"
	"github.com/enrollfsm/enrollfsm/pims"
	"github.com/enrollfsm/enrollfsm/simulator"
)

// Benchmarks (issue 7). Run them with the command in docs/PERFORMANCE.md;
// they are never timed tests.

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

// A new account through the full flow: steps 1, 2, 3, 4a, 4·2, 5, 6, 7, 8.
var fullRun = struct {
	replies []pims.Message
	answers []enrollfsm.Answer
}{
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

// shortcutRun: steps 1, 2, 3, 4a, 4·1.
var shortcutRun = struct {
	replies []pims.Message
	answers []enrollfsm.Answer
}{
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

// runOnce drives one whole run through the synchronous core.
func runOnce(b *testing.B, flow enrollfsm.Flow, msgs []pims.Message, answers []enrollfsm.Answer, events *[]fsm.Event) {
	var opts []enrollfsm.Option
	if events != nil {
		opts = append(opts, enrollfsm.WithObserver(enrollfsm.Observer{Transition: func(t enrollfsm.Transition) {
			*events = append(*events, t.Event)
		}}))
	}
	e, err := enrollfsm.New(flow, opts...)
	if err != nil {
		b.Fatal(err)
	}
	be := &replies{msgs: msgs}
	a := 0
	for {
		p := e.Next()
		switch p.Kind {
		case enrollfsm.PendingCall:
			msg, err := be.Call(context.Background(), p.Call.Request)
			if err := e.Deliver(p.Call.ID, msg, err); err != nil {
				b.Fatal(err)
			}
		case enrollfsm.PendingPrompt:
			if err := e.Answer(answers[a]); err != nil {
				b.Fatal(err)
			}
			a++
		case enrollfsm.PendingNone:
			if out, _ := e.Outcome(); !out.OK() {
				b.Fatalf("run ended %s", out.State)
			}
			return
		}
	}
}

// looplabEvents are the flow's rows as looplab events, with the no-op
// callbacks a plain looplab user would hook the calls and prompts on: the
// four generic ones, run on every transition.
func looplabEvents(flow enrollfsm.Flow) (looplab.Events, looplab.Callbacks) {
	var evs looplab.Events
	for _, r := range enrollfsm.Tables()[flow].Def.Rows() {
		evs = append(evs, looplab.EventDesc{Name: string(r.Event), Src: []string{string(r.Src)}, Dst: string(r.Dst)})
	}
	noop := func(context.Context, *looplab.Event) {}
	return evs, looplab.Callbacks{"before_event": noop, "leave_state": noop, "enter_state": noop, "after_event": noop}
}

// fire fires seq on f, as a looplab user would, ignoring self-loops' errors.
func fire(ctx context.Context, f *looplab.FSM, seq []fsm.Event) {
	for _, ev := range seq {
		_ = f.Event(ctx, string(ev))
	}
}

func benchFlow(b *testing.B, flow enrollfsm.Flow, msgs []pims.Message, answers []enrollfsm.Answer) {
	var seq []fsm.Event
	runOnce(b, flow, msgs, answers, &seq)
	evs, cbs := looplabEvents(flow)
	ctx := context.Background()

	b.Run("engine", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			runOnce(b, flow, msgs, answers, nil)
		}
	})
	// The same events on a machine built for the run, as each run needs one.
	b.Run("looplab", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			f := looplab.NewFSM(string(fsm.Start), evs, cbs)
			fire(ctx, f, seq)
		}
	})
	// The same events on a machine built once and reset: the cost of firing
	// alone, with the no-op callbacks, then with none (the least looplab can
	// do).
	for name, callbacks := range map[string]looplab.Callbacks{"looplab_events_only": cbs, "looplab_no_callbacks": nil} {
		b.Run(name, func(b *testing.B) {
			f := looplab.NewFSM(string(fsm.Start), evs, callbacks)
			b.ReportAllocs()
			for b.Loop() {
				f.SetState(string(fsm.Start))
				fire(ctx, f, seq)
			}
		})
	}
}

// BenchmarkRatio times a whole full-flow run and both looplab baselines in
// the same loop, interleaved so that a change of load hits all three, and
// reports the engine's time as multiples of each: x-looplab (a machine
// built, then the same events fired) and x-looplab-events (the events alone,
// on a machine built once). Target: x-looplab-events <= 2.
func BenchmarkRatio(b *testing.B) {
	var seq []fsm.Event
	runOnce(b, enrollfsm.FlowFull, fullRun.replies, fullRun.answers, &seq)
	evs, cbs := looplabEvents(enrollfsm.FlowFull)
	ctx := context.Background()
	reused := looplab.NewFSM(string(fsm.Start), evs, cbs)
	var engine, built, events time.Duration
	for b.Loop() {
		t0 := time.Now()
		runOnce(b, enrollfsm.FlowFull, fullRun.replies, fullRun.answers, nil)
		t1 := time.Now()
		fire(ctx, looplab.NewFSM(string(fsm.Start), evs, cbs), seq)
		t2 := time.Now()
		reused.SetState(string(fsm.Start))
		fire(ctx, reused, seq)
		t3 := time.Now()
		engine, built, events = engine+t1.Sub(t0), built+t2.Sub(t1), events+t3.Sub(t2)
	}
	b.ReportMetric(float64(engine)/float64(built), "x-looplab")
	b.ReportMetric(float64(engine)/float64(events), "x-looplab-events")
	b.ReportMetric(float64(engine.Nanoseconds())/float64(b.N), "engine-ns/run")
}

func BenchmarkFullFlow(b *testing.B) {
	benchFlow(b, enrollfsm.FlowFull, fullRun.replies, fullRun.answers)
}

func BenchmarkShortcutFlow(b *testing.B) {
	benchFlow(b, enrollfsm.FlowShortcut, shortcutRun.replies, shortcutRun.answers)
}

// BenchmarkWaitingEngine reports the heap an engine holds while it waits at
// the enrollment-code prompt, and the size of its snapshot.
func BenchmarkWaitingEngine(b *testing.B) {
	const n = 1000
	engines := make([]*enrollfsm.Engine, n)
	var before, after runtime.MemStats
	var snap []byte
	for b.Loop() {
		clear(engines)
		runtime.GC()
		runtime.ReadMemStats(&before)
		for i := range engines {
			e, err := enrollfsm.New(enrollfsm.FlowFull)
			if err != nil {
				b.Fatal(err)
			}
			be := &replies{msgs: fullRun.replies}
			for p := e.Next(); p.Kind == enrollfsm.PendingCall; p = e.Next() {
				msg, err := be.Call(context.Background(), p.Call.Request)
				_ = e.Deliver(p.Call.ID, msg, err)
			}
			_ = e.Answer(fullRun.answers[0])
			for p := e.Next(); p.Kind == enrollfsm.PendingCall; p = e.Next() {
				msg, err := be.Call(context.Background(), p.Call.Request)
				_ = e.Deliver(p.Call.ID, msg, err)
			}
			engines[i] = e
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		snap, _ = engines[0].Snapshot()
	}
	b.ReportMetric((float64(after.HeapAlloc)-float64(before.HeapAlloc))/n, "B/engine")
	b.ReportMetric(float64(len(snap)), "B/snapshot")
	runtime.KeepAlive(engines)
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
