package docgen_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/enrollment"
	"github.com/enrollfsm/enrollfsm/enrolltest"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/flows"
	"github.com/enrollfsm/enrollfsm/fsm"
	"github.com/enrollfsm/enrollfsm/internal/docgen"
	"github.com/enrollfsm/enrollfsm/pims"
	"github.com/enrollfsm/enrollfsm/scenario"
	"github.com/enrollfsm/enrollfsm/steps"
)

// TestPaths_EveryPathIsExercised checks the test plan of docs/paths.md:
// every simple path to a terminal state is exercised, by a scenario of
// testdata/scenarios whose run makes exactly its transitions (self-loops
// aside), or by driving the engine along it here. It fails on a path that
// neither exercises, and logs the paths no scenario follows.
func TestPaths_EveryPathIsExercised(t *testing.T) {
	all, err := scenario.Load(root + "/testdata/scenarios")
	require.NoError(t, err)
	runs := map[enrollfsm.Flow][]docgen.Path{}
	for _, s := range all {
		r := scenario.Run(context.Background(), s)
		if r.Err != nil {
			continue // TestReplay reports it
		}
		var p docgen.Path
		for _, tr := range r.Transitions {
			if tr.From != tr.To {
				p = append(p, fsm.Row{Event: tr.Event, Src: tr.From, Dst: tr.To})
			}
		}
		runs[r.Flow] = append(runs[r.Flow], p)
	}
	tables := enrollfsm.Tables()
	for _, flow := range docgen.Order() {
		tab := tables[flow]
		p := docgen.Enumerate(tab)
		require.False(t, p.Truncated, "%s: more than %d simple paths", flow, docgen.PathBound)
		var noScenario, unexercised []string
		for i, path := range p.Simple {
			id := docgen.ID(string(flow), i)
			byScenario := slices.ContainsFunc(runs[flow], func(run docgen.Path) bool { return slices.Equal(run, path) })
			err := drive(tab, flow, path)
			switch {
			case !byScenario && err != nil:
				unexercised = append(unexercised, fmt.Sprintf("%s: %s\n    %v", id, path, err))
			case !byScenario:
				noScenario = append(noScenario, id)
			case err != nil:
				t.Logf("%s: a scenario follows it, but the drive failed: %v", id, err)
			}
		}
		t.Logf("%s: %d paths; %d followed by a scenario, %d only by the drive, %d by neither",
			flow, len(p.Simple), len(p.Simple)-len(noScenario)-len(unexercised), len(noScenario), len(unexercised))
		if len(noScenario) > 0 {
			t.Logf("%s: paths no scenario follows (see docs/paths.md): %s", flow, strings.Join(noScenario, ", "))
		}
		if len(unexercised) > 0 {
			t.Errorf("%s: %d paths neither a scenario nor the drive exercises:\n  %s", flow, len(unexercised), strings.Join(unexercised, "\n  "))
		}
	}
}

// drive runs the engine along path: each call gets the reply its
// interpreter turns into the path's next event, each prompt the answer that
// fires it. It fails unless the run makes exactly the path's transitions.
func drive(t *flows.Table, flow enrollfsm.Flow, path docgen.Path) error {
	var got docgen.Path
	auto := slices.ContainsFunc(path, func(r fsm.Row) bool { return r.Event == enrollment.RemovalAuthorised })
	opts := []enrollfsm.Option{
		enrollfsm.WithClock(enrolltest.NewClock(enrolltest.Epoch)),
		enrollfsm.WithAutoRemove(auto),
		enrollfsm.WithObserver(enrollfsm.Observer{Transition: func(tr enrollfsm.Transition) {
			if tr.From != tr.To {
				got = append(got, fsm.Row{Event: tr.Event, Src: tr.From, Dst: tr.To})
			}
		}}),
	}
	if flow == enrollfsm.FlowRemoveVehicle {
		opts = append(opts, enrollfsm.WithVIN("VR1AB12C3D4567890"))
	}
	e, err := enrollfsm.New(flow, opts...)
	if err != nil {
		return err
	}
	var interrupted enrollment.State
	for i, r := range path[1:] { // New fired begin
		p := e.Next()
		if p.State != r.Src {
			return fmt.Errorf("transition %d: the engine is in %s, the path in %s", i+2, p.State, r.Src)
		}
		st, _ := t.State(r.Src)
		switch p.Kind {
		case enrollfsm.PendingCall:
			var next enrollment.Event
			if i+2 < len(path) {
				next = path[i+2].Event
			}
			msg, callErr, ok := replyFor(t, st, r.Event, next, auto, interrupted)
			if !ok {
				return fmt.Errorf("no reply leads %s to %s", r.Src, r.Event)
			}
			if r.Event == enrollment.CallInterrupted && r.Src != enrollment.VerifyingEnrollment {
				interrupted = r.Src
			}
			if err := e.Deliver(p.Call.ID, msg, callErr); err != nil {
				return err
			}
		case enrollfsm.PendingPrompt:
			if err := e.Answer(answerFor(st, r.Event)); err != nil {
				return fmt.Errorf("%s: %w", r.Src, err)
			}
		default:
			return fmt.Errorf("transition %d: nothing pending in %s", i+2, p.State)
		}
	}
	if p := e.Next(); p.Kind != enrollfsm.PendingNone {
		return fmt.Errorf("the run is not over: %s pending in %s", p.Kind, p.State)
	}
	if !slices.Equal(got, path) {
		return fmt.Errorf("the run made %s", got)
	}
	return nil
}

// results are the successful replies the steps read.
var results = []map[string]any{
	nil,
	{"isDeviceActivated": true}, {"isDeviceActivated": false},
	{"isAccountBlocked": "NotBlocked"}, {"isAccountBlocked": "AccountBlocked"},
	{"phoneNumber": "0612345678"}, {"phoneNumber": nil},
	{"status": "AlreadyEnrolled"}, {"status": "NotEnrolled"},
}

// replyFor finds a reply that st's interpreter turns into want, on a first
// attempt. An interruption followed by verify_requested needs an unknown
// outcome, one followed by a retry a known one.
func replyFor(t *flows.Table, st *flows.State, want, next enrollment.Event, auto bool, interrupted enrollment.State) (pims.Message, error, bool) {
	l := enrollfsm.DefaultLimits()
	c := steps.Context{
		Enrollment: t.Enrollment, AutoRemove: auto, RemovalsLeft: l.Removals,
		PINAttemptsLeft: l.PINAttempts, CodeAttemptsLeft: l.CodeAttempts, CanResend: true,
		Attempt: 1, MaxReadAttempts: l.ReadAttempts, Backoff: l.Backoff, Resume: interrupted,
	}
	type candidate struct {
		msg pims.Message
		err error
	}
	var cands []candidate
	for _, r := range results {
		cands = append(cands, candidate{msg: pims.Success("t", r)})
	}
	for _, code := range pimserr.Codes() {
		cands = append(cands, candidate{msg: pims.Failure("t", code)})
	}
	cands = append(cands, candidate{err: errors.New("bridge down")})
	for _, cand := range cands {
		d := st.Step.Interpret(cand.msg, cand.err, c)
		if d.Event != want {
			continue
		}
		if _, retry := enrollment.RetryTarget(next); (next == enrollment.VerifyRequested && !d.Unknown) || (retry && d.Unknown) {
			continue
		}
		return cand.msg, cand.err, true
	}
	return pims.Message{}, nil, false
}

// values are valid answers to the value prompts; the old and new PINs
// differ, as update_pin requires.
var values = map[enrollment.Prompt]string{
	enrollment.PromptPhoneNumber:       "0612345678",
	enrollment.PromptCertificationCode: "123456",
	enrollment.PromptEnrollmentCode:    "654321",
	enrollment.PromptPIN:               "1234",
	enrollment.PromptNewPIN:            "5678",
	enrollment.PromptOldPIN:            "1234",
}

func answerFor(st *flows.State, ev enrollment.Event) enrollfsm.Answer {
	if v, ok := st.Prompt.ValueEvent(); ok && v == ev {
		return enrollfsm.Value(st.Prompt, values[st.Prompt])
	}
	for _, a := range enrollment.Actions() {
		if x, ok := a.Event(); ok && x == ev {
			return enrollfsm.Act(st.Prompt, a)
		}
	}
	// retry_<call> and verify_requested: the engine picks which.
	return enrollfsm.Act(st.Prompt, enrollment.ActionRetry)
}

func TestEnumerate_InterruptedLeadsBackOnlyToItsCall(t *testing.T) {
	for _, flow := range docgen.Order() {
		p := docgen.Enumerate(enrollfsm.Tables()[flow])
		for _, path := range p.Simple {
			var from enrollment.State
			for _, r := range path {
				if r.Event == enrollment.CallInterrupted {
					from = r.Src
				}
				if s, ok := enrollment.RetryTarget(r.Event); ok {
					assert.Equal(t, from, s, "%s", path)
				}
				if s, ok := enrollment.ResumeTarget(r.Event); ok {
					assert.Equal(t, from, s, "%s", path)
				}
			}
			assert.Equal(t, enrollment.Start, path[0].Src)
			end, _ := enrollfsm.Tables()[flow].State(path.End())
			assert.Equal(t, flows.Terminal, end.Kind, "%s", path)
		}
	}
}

// The drive is a real check: a path the engine cannot take fails it.
func TestDrive_RefusesAPathTheEngineCannotTake(t *testing.T) {
	tab := enrollfsm.Tables()[enrollfsm.FlowFull]
	begin := fsm.Row{Event: enrollment.Begin, Src: enrollment.Start, Dst: enrollment.CheckingEnrollment}
	// A read's interruption cannot be verified: only an enrollment call's can.
	verifyRead := docgen.Path{begin,
		{Event: enrollment.CallInterrupted, Src: enrollment.CheckingEnrollment, Dst: enrollment.Interrupted},
		{Event: enrollment.VerifyRequested, Src: enrollment.Interrupted, Dst: enrollment.VerifyingEnrollment},
		{Event: enrollment.DeviceActivated, Src: enrollment.VerifyingEnrollment, Dst: enrollment.Enrolled},
	}
	assert.Error(t, drive(tab, enrollfsm.FlowFull, verifyRead))
	// The table has no such edge.
	skip := docgen.Path{begin, {Event: enrollment.DeviceNotActivated, Src: enrollment.CheckingEnrollment, Dst: enrollment.Enrolled}}
	assert.Error(t, drive(tab, enrollfsm.FlowFull, skip))
	// A path that stops before the run ends.
	short := docgen.Path{begin, {Event: enrollment.DeviceNotActivated, Src: enrollment.CheckingEnrollment, Dst: enrollment.CheckingAccount}}
	assert.Error(t, drive(tab, enrollfsm.FlowFull, short))
	ok := docgen.Path{begin, {Event: enrollment.DeviceActivated, Src: enrollment.CheckingEnrollment, Dst: enrollment.Enrolled}}
	assert.NoError(t, drive(tab, enrollfsm.FlowFull, ok))
}

// The header of each table counts the graph's edges as written in the table
// or kept as representatives, recounted here from the graph itself: the
// device_maybe_enrolled edge that the graph leaves out is in neither.
func TestPaths_HeaderCountsTheGraph(t *testing.T) {
	tables := enrollfsm.Tables()
	for _, flow := range docgen.Order() {
		tab := tables[flow]
		p := docgen.Enumerate(tab)
		kept := map[fsm.Row]bool{}
		for _, f := range p.Families {
			for _, r := range f.Kept {
				kept[r] = true
			}
		}
		declared, reps := 0, 0
		for _, r := range p.Graph {
			switch {
			case tab.Declared(r):
				declared++
			case kept[r]:
				reps++
			default:
				t.Errorf("%s: %s is in the graph, neither written nor kept", flow, r)
			}
		}
		require.Equal(t, len(p.Graph), declared+reps)
		assert.Equal(t, declared, p.Declared, "%s: declared edges", flow)
		assert.Equal(t, reps, p.Representatives(), "%s: representatives", flow)
		assert.Equal(t, len(kept), reps, "%s: every kept edge is in the graph once", flow)

		var out strings.Builder
		require.NoError(t, docgen.WritePaths(&out, string(flow), p))
		header, _, _ := strings.Cut(out.String(), "\n")
		assert.True(t, strings.HasSuffix(header, fmt.Sprintf("over %d edges (%d declared, %d representatives)", len(p.Graph), declared, reps)), header)
	}
	// The figures docs/paths.md and enroll paths give for full.
	p := docgen.Enumerate(tables[enrollfsm.FlowFull])
	assert.Equal(t, []int{51, 42, 9, 1}, []int{len(p.Graph), p.Declared, p.Representatives(), p.LeftOut})
}
