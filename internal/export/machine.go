// Package export writes a flow's compiled table in the formats other tools
// read: an XState v5 machine config (JSON), the same as an ES module with
// its guards implemented (for @xstate/graph, Stately Studio and the VS Code
// Stately editor), and a W3C SCXML document. `enroll export` prints them and
// `go generate ./...` keeps the copies in docs/export in sync; docs/export.md
// says how to use them.
//
// Every state and transition of the table is exported, with the table's
// order. What a run holds besides its state (counters, limits, codes, the
// reason of a prompt) is not: a transition's effect on it is a named action,
// with params, for the host to implement. The one part of it that decides
// which edges a run may take, the interruption it remembers
// (docgen.Memo), is the machine's context, read by guards.
package export

import (
	"fmt"
	"slices"
	"strings"

	"github.com/enrollfsm/enrollfsm/enrollment"
	"github.com/enrollfsm/enrollfsm/flows"
	"github.com/enrollfsm/enrollfsm/fsm"
)

// The context fields: the engine's Resume and VerifyFor.
const (
	ctxInterrupted = "interruptedCall"
	ctxVerified    = "verifiedCall"
	ctxRestored    = "restored"
)

// The guards.
const (
	// guardInterruptedIs: the call interrupted is params.call (retry_<call>).
	guardInterruptedIs = "interruptedCallIs"
	// guardMayHaveEnrolled: the call interrupted is one of params.calls,
	// those that may enroll the device (verify_requested).
	guardMayHaveEnrolled = "interruptedCallMayHaveEnrolled"
	// guardVerifiedIs: the call the verification resumes is params.call
	// (resume_<call>).
	guardVerifiedIs = "verifiedCallIs"
	// guardRestoredAt: the run was restored, and params.held ("interrupted"
	// or "verified") is params.call — the answers of that call were lost
	// (answers_lost_<call>). guardRestored: the run was restored
	// (answer_lost, attempts_exhausted). A restore is not an event of the
	// exported machines, so restored stays false there: their paths are one
	// engine's life.
	guardRestoredAt = "restoredAnswersLost"
	guardRestored   = "restoredRun"
)

// The actions that change the context; every other action is the host's.
const (
	actKeepInterruption   = "keepInterruption"
	actAwaitVerification  = "awaitVerification"
	actForgetInterruption = "forgetInterruption"
)

// effectActions names the action of every kind of effect.
var effectActions = map[flows.EffectKind]string{
	flows.WrongAnswerCounted:     "countWrongAnswer",
	flows.LastWrongAnswerCounted: "countLastWrongAnswer",
	flows.CauseKept:              "keepReason",
	flows.CodeSent:               "startCode",
	flows.CodeForgotten:          "forgetCode",
	flows.ResendSpent:            "spendResend",
	flows.TrustedPhoneKept:       "keepTrustedPhone",
	flows.PhoneTrusted:           "trustNewPhone",
	flows.RemovalSpent:           "spendRemoval",
	flows.InterruptionKept:       actKeepInterruption,
	flows.VerificationAwaited:    actAwaitVerification,
	flows.ReadRetry:              "retryRead",
	flows.ResendSpentIfMade:      "spendResendIfMade",
	flows.UnsureAnswerCounted:    "countUnsureAnswer",
}

// The other actions: entering a calling state, entering a waiting state, and
// an edge that fails the run for a reason of its own.
const (
	actCall = "call"
	actAsk  = "ask"
	actFail = "recordFailure"
)

// param is one named parameter of an action or a guard; a value is a
// string, a bool or a []string.
type param struct {
	key   string
	value any
}

// named is an action or a guard: its type and params, in order.
type named struct {
	typ    string
	params []param
}

type transition struct {
	event       enrollment.Event
	target      enrollment.State
	guard       *named
	actions     []named
	reenter     bool
	description string
}

type node struct {
	name        enrollment.State
	kind        flows.Kind
	description string
	entry       []named
	on          []transition
}

// machine is a table as the exporters see it.
type machine struct {
	id, description string
	initial         enrollment.State
	states          []node
}

// build reads t through its compiled spec: the states in table order, each
// with its edges in the order Compile gave them.
func build(t *flows.Table) (*machine, error) {
	m := &machine{id: t.Name, description: t.Summary, initial: enrollment.Start}
	var enrolling []string
	for _, s := range t.Spec.States {
		if s.Kind == flows.Calling && s.Step != nil && s.Step.Enrolls {
			enrolling = append(enrolling, string(s.Name))
		}
	}
	holds := func(s enrollment.State) bool {
		st, ok := t.State(s)
		return ok && (st.Resumes || st.Verifies)
	}
	for i := range t.Spec.States {
		s := &t.Spec.States[i]
		n := node{name: s.Name, kind: s.Kind, description: describe(t, s)}
		switch s.Kind {
		case flows.Calling:
			n.entry = append(n.entry, named{actCall, []param{
				{"step", s.Step.ID}, {"name", s.Step.Name}, {"op", string(s.Step.Op)}, {"api", s.Step.API}}})
		case flows.Waiting:
			var acts []string
			for _, a := range t.Actions(s.Name) {
				acts = append(acts, string(a))
			}
			n.entry = append(n.entry, named{actAsk, []param{{"prompt", string(s.Prompt)}, {"actions", acts}}})
		}
		for _, e := range s.Edges {
			tr := transition{event: e.Event, target: e.Dst, reenter: e.Dst == s.Name}
			if c, ok := enrollment.RetryTarget(e.Event); ok {
				tr.guard = &named{guardInterruptedIs, []param{{"call", string(c)}}}
			}
			if c, ok := enrollment.ResumeTarget(e.Event); ok {
				tr.guard = &named{guardVerifiedIs, []param{{"call", string(c)}}}
			}
			if e.Event == enrollment.VerifyRequested {
				tr.guard = &named{guardMayHaveEnrolled, []param{{"calls", enrolling}}}
			}
			if c, ok := enrollment.AnswersLostCall(e.Event); ok {
				held := "interrupted"
				if s.Verifies {
					held = "verified"
				}
				tr.guard = &named{guardRestoredAt, []param{{"call", string(c)}, {"held", held}}}
			}
			if e.Event == enrollment.AnswerLost || e.Event == enrollment.AttemptsExhausted {
				tr.guard = &named{guardRestored, nil}
			}
			for _, ef := range e.Effects {
				a, err := effectAction(s, ef)
				if err != nil {
					return nil, fmt.Errorf("%s: %s -%s->: %w", t.Name, s.Name, e.Event, err)
				}
				tr.actions = append(tr.actions, a)
			}
			var said []string
			if len(e.Effects) > 0 {
				said = append(said, flows.Labels(s, e.Effects))
			}
			if f, ok := t.EdgeFailure(fsmRow(s.Name, e)); ok {
				tr.actions = append(tr.actions, named{actFail, []param{{"failure", string(f)}}})
				said = append(said, "the run fails: "+string(f))
			}
			if holds(s.Name) && !holds(e.Dst) {
				tr.actions = append(tr.actions, named{actForgetInterruption, nil})
			}
			tr.description = strings.Join(said, "; ")
			n.on = append(n.on, tr)
		}
		m.states = append(m.states, n)
	}
	return m, nil
}

func effectAction(src *flows.State, ef flows.Effect) (named, error) {
	typ, ok := effectActions[ef.Kind]
	if !ok {
		return named{}, fmt.Errorf("no action for effect %q", ef.Label(src))
	}
	a := named{typ: typ}
	switch ef.Kind {
	case flows.WrongAnswerCounted, flows.LastWrongAnswerCounted:
		if src.Step != nil && src.Step.Blames != "" {
			a.params = []param{{"prompt", string(src.Step.Blames)}}
		}
	case flows.CodeSent, flows.CodeForgotten:
		a.params = []param{{"code", ef.Code.String()}}
	case flows.InterruptionKept:
		a.params = []param{{"call", string(src.Name)}, {"mayHaveEnrolled", src.Step != nil && src.Step.Enrolls}}
	case flows.VerificationAwaited:
		a.params = []param{{"call", string(src.Name)}}
	}
	return a, nil
}

// describe says what a state does, for the tools that show descriptions.
func describe(t *flows.Table, s *flows.State) string {
	switch s.Kind {
	case flows.Initial:
		return "The run has not begun."
	case flows.Calling:
		d := fmt.Sprintf("Call %s (%s): %s %s.", s.Step.ID, s.Step.Name, s.Step.Op, s.Step.API)
		if s.Verifies {
			d += " Then resumes the call in context.verifiedCall if the device is not enrolled."
		}
		return d
	case flows.Waiting:
		d := fmt.Sprintf("Asks for %s.", s.Prompt)
		if acts := t.Actions(s.Name); len(acts) > 0 {
			var names []string
			for _, a := range acts {
				names = append(names, string(a))
			}
			d = fmt.Sprintf("Asks for %s; actions: %s.", s.Prompt, strings.Join(names, ", "))
		}
		if s.Resumes {
			d += " Retry makes the call in context.interruptedCall again, or verifies it first when it may have enrolled."
		}
		return d
	}
	if s.Name == t.Success {
		return "The run ends: success."
	}
	return "The run ends."
}

// actionTypes lists the action types m uses, sorted.
func (m *machine) actionTypes() []string {
	seen := map[string]bool{}
	for _, n := range m.states {
		for _, a := range n.entry {
			seen[a.typ] = true
		}
		for _, tr := range n.on {
			for _, a := range tr.actions {
				seen[a.typ] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// guardTypes lists the guard types m uses, sorted.
func (m *machine) guardTypes() []string {
	var out []string
	for _, n := range m.states {
		for _, tr := range n.on {
			if tr.guard != nil && !slices.Contains(out, tr.guard.typ) {
				out = append(out, tr.guard.typ)
			}
		}
	}
	slices.Sort(out)
	return out
}

func fsmRow(src enrollment.State, e flows.Edge) fsm.Row {
	return fsm.Row{Event: e.Event, Src: src, Dst: e.Dst}
}
