package stateless

import (
	"context"
	"testing"

	looplab "github.com/looplab/fsm"
	"github.com/qmuntal/stateless"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/enrollment"
	"github.com/enrollfsm/enrollfsm/pims"
)

// A new account through the full flow, as in the library's own benchmarks.
var (
	replies = []pims.Message{
		pims.Success("t1", map[string]any{"isDeviceActivated": false}),
		pims.Success("t2", map[string]any{"isAccountBlocked": "NotBlocked"}),
		pims.Success("t3", map[string]any{"phoneNumber": nil}),
		pims.Success("t4", nil), pims.Success("t5", nil), pims.Success("t6", nil),
		pims.Success("t7", map[string]any{"status": "NotEnrolled"}),
		pims.Success("t8", nil), pims.Success("t9", nil),
	}
	answers = []enrollfsm.Answer{
		enrollfsm.Value(enrollfsm.PromptPhoneNumber, "0612345678"),
		enrollfsm.Value(enrollfsm.PromptCertificationCode, "2424"),
		enrollfsm.Value(enrollfsm.PromptEnrollmentCode, "24242424"),
		enrollfsm.Value(enrollfsm.PromptNewPIN, "1234"),
	}
)

func run(tb testing.TB, opts ...enrollfsm.Option) {
	e, err := enrollfsm.New(enrollfsm.FlowFull, opts...)
	if err != nil {
		tb.Fatal(err)
	}
	calls, a := 0, 0
	for {
		p := e.Next()
		switch p.Kind {
		case enrollfsm.PendingCall:
			if err := e.Deliver(p.Call.ID, replies[calls], nil); err != nil {
				tb.Fatal(err)
			}
			calls++
		case enrollfsm.PendingPrompt:
			if err := e.Answer(answers[a]); err != nil {
				tb.Fatal(err)
			}
			a++
		default:
			if out, _ := e.Outcome(); !out.OK() {
				tb.Fatalf("run ended %s", out.State)
			}
			return
		}
	}
}

func sequence(tb testing.TB) []enrollment.Event {
	var seq []enrollment.Event
	run(tb, enrollfsm.WithObserver(enrollfsm.Observer{Transition: func(t enrollfsm.Transition) { seq = append(seq, t.Event) }}))
	return seq
}

var rows = enrollfsm.Tables()[enrollfsm.FlowFull].Def.Rows()

// newStateless configures the full table on a stateless machine; a
// self-loop (read_retried) is a reentry there.
func newStateless() *stateless.StateMachine {
	sm := stateless.NewStateMachine(string(enrollment.Start))
	for _, r := range rows {
		c := sm.Configure(string(r.Src))
		if r.Src == r.Dst {
			c.PermitReentry(string(r.Event))
			continue
		}
		c.Permit(string(r.Event), string(r.Dst))
	}
	return sm
}

// BenchmarkFullFlow: the engine; each library's floor (a machine built
// once, reset, no callbacks, firing the run's events); and, kept for
// comparison only, each library with a machine built in every iteration,
// which measures building the table rather than a run.
func BenchmarkFullFlow(b *testing.B) {
	seq := sequence(b)
	ctx := context.Background()
	var evs looplab.Events
	for _, r := range rows {
		evs = append(evs, looplab.EventDesc{Name: string(r.Event), Src: []string{string(r.Src)}, Dst: string(r.Dst)})
	}
	b.Run("enrollfsm", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			run(b)
		}
	})
	b.Run("looplab_floor", func(b *testing.B) {
		f := looplab.NewFSM(string(enrollment.Start), evs, nil)
		b.ReportAllocs()
		for b.Loop() {
			f.SetState(string(enrollment.Start))
			for _, ev := range seq {
				_ = f.Event(ctx, string(ev))
			}
		}
	})
	b.Run("old/looplab_built_per_run", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			f := looplab.NewFSM(string(enrollment.Start), evs, nil)
			for _, ev := range seq {
				_ = f.Event(ctx, string(ev))
			}
		}
	})
	b.Run("old/stateless_built_per_run", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sm := newStateless()
			for _, ev := range seq {
				if err := sm.FireCtx(ctx, string(ev)); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("stateless_floor", func(b *testing.B) {
		var state any = string(enrollment.Start)
		sm := stateless.NewStateMachineWithExternalStorage(
			func(context.Context) (stateless.State, error) { return state, nil },
			func(_ context.Context, s stateless.State) error { state = s; return nil },
			stateless.FiringImmediate)
		for _, r := range rows {
			c := sm.Configure(string(r.Src))
			if r.Src == r.Dst {
				c.PermitReentry(string(r.Event))
				continue
			}
			c.Permit(string(r.Event), string(r.Dst))
		}
		b.ReportAllocs()
		for b.Loop() {
			state = string(enrollment.Start)
			for _, ev := range seq {
				if err := sm.FireCtx(ctx, string(ev)); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

// The stateless table takes the same event sequence to the same end.
func TestStateless_SameTableSameEnd(t *testing.T) {
	sm := newStateless()
	for _, ev := range sequence(t) {
		if err := sm.Fire(string(ev)); err != nil {
			t.Fatal(err)
		}
	}
	if got := sm.MustState(); got != string(enrollment.Enrolled) {
		t.Fatalf("stateless ends in %v", got)
	}
}
