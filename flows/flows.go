// Package flows declares machines as tables: each state with its kind, the
// call or prompt it holds, and its edges. The enrollment flows (flows/full,
// flows/shortcut) and the account operations (account) are Specs compiled
// here into fsm.Definitions; the steps they share are declared once in
// enrollment.go.
package flows

import (
	"fmt"

	"github.com/enrollfsm/enrollfsm/enrollment"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/fsm"
	"github.com/enrollfsm/enrollfsm/steps"
)

// Kind is what a state does.
type Kind int

// The kinds of state.
const (
	// Initial: the run has not begun; Begin leaves it.
	Initial Kind = iota
	// Calling: makes its one call on entry and leaves at once.
	Calling
	// Waiting: holds a prompt until the user answers.
	Waiting
	// Terminal: the run is over.
	Terminal
)

func (k Kind) String() string {
	switch k {
	case Initial:
		return "initial"
	case Calling:
		return "calling"
	case Waiting:
		return "waiting"
	case Terminal:
		return "terminal"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Edge leaves a state by Event for Dst. Failure names why a run fails when
// an edge other than CallFailed leads to the failed state; Effects are what
// taking the edge changes in the run.
type Edge struct {
	Event   enrollment.Event
	Dst     enrollment.State
	Failure pimserr.Failure
	Effects []Effect
}

// On is an edge.
func On(ev enrollment.Event, dst enrollment.State) Edge { return Edge{Event: ev, Dst: dst} }

// Does returns the edge with effects added.
func (e Edge) Does(effects ...Effect) Edge {
	e.Effects = append(append([]Effect(nil), e.Effects...), effects...)
	return e
}

// Rejected is the edge back to the prompt whose answer the call's reply
// refused (2102, 2308): a wrong answer is counted and the prompt asked again.
func Rejected(dst enrollment.State) Edge {
	return On(enrollment.InputRejected, dst).Does(CountWrongAnswer)
}

// Fails is an edge to the failed state, with the failure it records.
func Fails(ev enrollment.Event, f pimserr.Failure) Edge {
	return Edge{Event: ev, Dst: enrollment.Failed, Failure: f}
}

// State is one row group of a table.
type State struct {
	Name   enrollment.State
	Kind   Kind
	Step   *steps.Step       // Calling
	Prompt enrollment.Prompt // Waiting
	Edges  []Edge
	// Resumes: a waiting state whose retry re-enters the kept call (the
	// interruption); Verifies: a calling state that checks call 1 before
	// an enrollment call whose outcome is unknown is sent again.
	Resumes, Verifies bool
}

// Begin is the initial state, leading to the first call.
func Begin(first enrollment.State) State {
	return State{Name: enrollment.Start, Kind: Initial, Edges: []Edge{On(enrollment.Begin, first)}}
}

// Call is a calling state that makes step's call.
func Call(name enrollment.State, step *steps.Step, edges ...Edge) State {
	return State{Name: name, Kind: Calling, Step: step, Edges: edges}
}

// Wait is a waiting state that asks prompt.
func Wait(name enrollment.State, prompt enrollment.Prompt, edges ...Edge) State {
	return State{Name: name, Kind: Waiting, Prompt: prompt, Edges: edges}
}

// End is a terminal state.
func End(name enrollment.State) State { return State{Name: name, Kind: Terminal} }

// About is what the registry of flows says of one: its name, what it is
// for, the oldest SDK that has its calls, and the settings it needs. Every
// list of flows (the engine's, the command line's, the docs') reads it.
type About struct {
	Name    string
	Summary string
	// MinSDK is the first SDK version with every call of the flow, "" for
	// all versions.
	MinSDK string
	// NeedsVIN: the vehicle is a setting of the run (WithVIN).
	NeedsVIN bool
}

// Spec declares a machine.
type Spec struct {
	About
	// Enrollment: a blocked account leads to removal of every enrollment
	// rather than to failure; otherwise the flow is an account operation.
	Enrollment bool
	// Success is the terminal state of a successful run.
	Success enrollment.State
	// OnEveryCall are edges that every calling state has besides its own.
	OnEveryCall []Edge
	States      []State
}

// Table is a compiled Spec. Its Spec is the spec as compiled: each state's
// Edges include those Compile added (Declared tells them apart), so it is
// not a spec to compile again. Compile adds four families of edges, each
// derived from the steps so that none can be forgotten:
//
//   - read_retried, a self-loop, on every state whose step is a read;
//   - retry_<state> from interrupted to every calling state;
//   - verify_requested from interrupted to verifying_enrollment, and
//     resume_<state> from there to every state whose step may enroll;
//   - OnEveryCall on every calling state, but for the removal call (step A),
//     which gets no edge back to removal.
type Table struct {
	Spec
	orig     Spec // as given to Compile, for Clone
	Def      *fsm.Definition
	states   map[enrollment.State]*State
	fails    map[fsm.Row]pimserr.Failure
	declared map[fsm.Row]bool
	// byIndex and actions are indexed by Def's state indexes: the engine
	// looks its state up several times per transition.
	byIndex []*State
	actions [][]enrollment.Action
}

// Compile validates spec and builds its table.
func Compile(spec Spec) (*Table, error) {
	t := &Table{Spec: spec, orig: spec, states: map[enrollment.State]*State{}, fails: map[fsm.Row]pimserr.Failure{}, declared: map[fsm.Row]bool{}}
	t.Spec.States = make([]State, len(spec.States))
	for i, s := range spec.States {
		s.Edges = append([]Edge(nil), s.Edges...)
		for j := range s.Edges {
			s.Edges[j].Effects = append([]Effect(nil), s.Edges[j].Effects...)
		}
		t.Spec.States[i] = s
		for _, e := range s.Edges {
			t.declared[fsm.Row{Event: e.Event, Src: s.Name, Dst: e.Dst}] = true
		}
	}
	var calls, enrolls []enrollment.State
	for i := range t.Spec.States {
		s := &t.Spec.States[i]
		if _, dup := t.states[s.Name]; dup {
			return nil, fmt.Errorf("%w %s: state %s declared twice", fsm.ErrInvalidTable, spec.Name, s.Name)
		}
		t.states[s.Name] = s
		switch s.Kind {
		case Calling:
			if s.Step == nil {
				return nil, fmt.Errorf("%w %s: calling state %s has no step", fsm.ErrInvalidTable, spec.Name, s.Name)
			}
			calls = append(calls, s.Name)
			if s.Step.Enrolls {
				enrolls = append(enrolls, s.Name)
			}
			if s.Step.Read {
				s.Edges = append(s.Edges, On(enrollment.ReadRetried, s.Name).Does(RetryRead))
			}
			for _, e := range spec.OnEveryCall {
				if s.Step.NoRemoval && (e.Event == enrollment.RemovalRequired || e.Event == enrollment.RemovalAuthorised) {
					continue
				}
				s.Edges = append(s.Edges, e)
			}
		case Waiting:
			if s.Prompt == "" {
				return nil, fmt.Errorf("%w %s: waiting state %s has no prompt", fsm.ErrInvalidTable, spec.Name, s.Name)
			}
		}
	}
	if in, ok := t.states[enrollment.Interrupted]; ok {
		for _, c := range calls {
			in.Edges = append(in.Edges, On(enrollment.RetryEvent(c), c))
		}
		if v, ok := t.states[enrollment.VerifyingEnrollment]; ok && len(enrolls) > 0 {
			in.Edges = append(in.Edges, On(enrollment.VerifyRequested, enrollment.VerifyingEnrollment))
			for _, c := range enrolls {
				v.Edges = append(v.Edges, On(enrollment.ResumeEvent(c), c))
			}
		}
	}
	var rows []fsm.Row
	for _, s := range t.Spec.States {
		for _, e := range s.Edges {
			r := fsm.Row{Event: e.Event, Src: s.Name, Dst: e.Dst}
			rows = append(rows, r)
			if e.Failure != "" {
				t.fails[r] = e.Failure
			}
		}
	}
	def, err := fsm.Define(spec.Name, enrollment.Start, rows)
	if err != nil {
		return nil, err
	}
	for _, st := range def.States() {
		if _, ok := t.states[st]; !ok {
			return nil, fmt.Errorf("%w %s: state %s is a destination but is not declared", fsm.ErrInvalidTable, spec.Name, st)
		}
	}
	t.Def = def
	names := def.States()
	t.byIndex = make([]*State, len(names))
	t.actions = make([][]enrollment.Action, len(names))
	for i, name := range names {
		st := t.states[name]
		t.byIndex[i] = st
		if st.Kind == Waiting {
			offered := t.offered(name)
			t.actions[i] = offered[:len(offered):len(offered)]
		}
	}
	return t, nil
}

// Clone compiles the table's spec again: a copy its holder may change
// without touching the table every engine shares.
func (t *Table) Clone() *Table {
	c, err := Compile(t.orig)
	if err != nil {
		panic(err) // it compiled once
	}
	return c
}

// Edge returns the edge leaving s by ev.
func (s *State) Edge(ev enrollment.Event) (*Edge, bool) {
	for i := range s.Edges {
		if s.Edges[i].Event == ev {
			return &s.Edges[i], true
		}
	}
	return nil, false
}

// MustCompile is Compile for tables declared as package variables.
func MustCompile(spec Spec) *Table {
	t, err := Compile(spec)
	if err != nil {
		panic(err)
	}
	return t
}

// State returns the declaration of s.
func (t *Table) State(s enrollment.State) (*State, bool) {
	if i, ok := t.Def.Index(s); ok {
		return t.byIndex[i], true
	}
	// a state declared but on no edge
	st, ok := t.states[s]
	return st, ok
}

// At returns the declaration of m's current state; nil when m is not a
// machine of t.Def.
func (t *Table) At(m *fsm.Machine) *State {
	if !t.owns(m) {
		return nil
	}
	return t.byIndex[m.Index()]
}

// owns reports whether m is a machine of t.Def.
func (t *Table) owns(m *fsm.Machine) bool { return m != nil && m.Definition() == t.Def }

// Declared reports whether r was written in the spec, rather than added by
// Compile (the families above).
func (t *Table) Declared(r fsm.Row) bool { return t.declared[r] }

// EdgeFailure returns the failure recorded by an edge to the failed state
// other than CallFailed.
func (t *Table) EdgeFailure(r fsm.Row) (pimserr.Failure, bool) {
	if r.Dst != enrollment.Failed {
		return "", false
	}
	f, ok := t.fails[r]
	return f, ok
}

// Actions returns the actions the user may take at waiting state s: those
// whose event leaves s, and retry at interrupted. The slice is computed once
// per table and shared by every engine that offers it: read it, never
// modify it (its capacity is its length, so an append copies it).
func (t *Table) Actions(s enrollment.State) []enrollment.Action {
	if i, ok := t.Def.Index(s); ok {
		return t.actions[i]
	}
	return nil
}

// ActionsAt returns Actions of m's current state, without looking its name
// up; nil when m is not a machine of t.Def.
func (t *Table) ActionsAt(m *fsm.Machine) []enrollment.Action {
	if !t.owns(m) {
		return nil
	}
	return t.actions[m.Index()]
}

func (t *Table) offered(s enrollment.State) []enrollment.Action {
	var out []enrollment.Action
	for _, a := range enrollment.Actions() {
		if a == enrollment.ActionRetry {
			if s == enrollment.Interrupted {
				out = append(out, a)
			}
			continue
		}
		if ev, ok := a.Event(); ok {
			if _, ok := t.Def.Target(s, ev); ok {
				out = append(out, a)
			}
		}
	}
	return out
}
