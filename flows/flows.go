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
	// Code is the SMS code a waiting state asks (its lifetime and wrong
	// answers are the run's for that code), and SentTo the number it was
	// texted to, shown with the prompt. NoCode elsewhere.
	Code   CodeSlot
	SentTo Phone
	// Edges of a compiled table are in the order of the Definition's rows
	// leaving the state, one per event: fsm.Machine.Move's row indexes
	// them.
	Edges []Edge
	// Resumes: a waiting state whose retry re-enters the kept call (the
	// interruption); Verifies: a calling state that checks call 1 before
	// an enrollment call whose outcome is unknown is sent again.
	Resumes, Verifies bool
}

// CodeSlot names one of the SMS codes a run keeps: when it was texted and
// how many wrong answers it got.
type CodeSlot int

// The codes of a run.
const (
	NoCode CodeSlot = iota
	// CertificationCode is texted by call 4a to the number being registered.
	CertificationCode
	// EnrollmentCode is texted by call 5 to the trusted number.
	EnrollmentCode
	// CodeSlots is one more than the last slot.
	CodeSlots
)

func (c CodeSlot) String() string {
	switch c {
	case CertificationCode:
		return "certification code"
	case EnrollmentCode:
		return "enrollment code"
	}
	return "no code"
}

// Phone names a number the run knows.
type Phone int

// The numbers.
const (
	NoPhone Phone = iota
	// NewPhone is the number being registered, typed by the user.
	NewPhone
	// TrustedPhone is the number call 3 found on the account.
	TrustedPhone
)

// AsksCode returns the waiting state asking the SMS code of slot, texted to
// the number to.
func (s State) AsksCode(slot CodeSlot, to Phone) State {
	s.Code, s.SentTo = slot, to
	return s
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
// not a spec to compile again. Compile adds these families of edges, each
// derived from the steps so that none can be forgotten:
//
//   - read_retried, a self-loop, on every state whose step is a read;
//   - retry_<state> from interrupted to every calling state; to a call that
//     texts a code, it spends a resend when the interrupted call reached the
//     backend (it may have texted one);
//   - verify_requested from interrupted to verifying_enrollment, and
//     resume_<state> from there to every state whose step may enroll;
//   - OnEveryCall on every calling state, but for the removal call (step A),
//     which gets no edge back to removal;
//   - for a restored run, which holds no PIN or SMS code: answers_lost_<state>
//     from interrupted (and from verifying_enrollment, for a call that may
//     enroll) to where a refusal of the call's answer leads, counting the
//     answer as wrong if its reply never came; attempts_exhausted from
//     interrupted to failed when that count was the last allowed; and
//     answer_lost from a waiting state whose next call needs another lost
//     answer to the state that asks it.
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
	// codes maps each code slot to the prompt that asks its code.
	codes [CodeSlots]enrollment.Prompt
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
			if s.Code != NoCode {
				if s.Code >= CodeSlots || !s.Prompt.IsCode() || t.codes[s.Code] != "" && t.codes[s.Code] != s.Prompt {
					return nil, fmt.Errorf("%w %s: %s asks a code of slot %d", fsm.ErrInvalidTable, spec.Name, s.Name, s.Code)
				}
				t.codes[s.Code] = s.Prompt
			}
		}
	}
	for i := range t.Spec.States {
		if s := &t.Spec.States[i]; s.Kind == Waiting && s.Prompt.IsCode() && s.Code == NoCode {
			return nil, fmt.Errorf("%w %s: %s asks a code but declares no slot (AsksCode)", fsm.ErrInvalidTable, spec.Name, s.Name)
		}
	}
	if in, ok := t.states[enrollment.Interrupted]; ok {
		for _, c := range calls {
			retry := On(enrollment.RetryEvent(c), c)
			if t.states[c].Step.Texts {
				retry = retry.Does(SpendResendIfMade)
			}
			in.Edges = append(in.Edges, retry)
		}
		v, verifies := t.states[enrollment.VerifyingEnrollment]
		if verifies && len(enrolls) > 0 {
			in.Edges = append(in.Edges, On(enrollment.VerifyRequested, enrollment.VerifyingEnrollment))
			for _, c := range enrolls {
				v.Edges = append(v.Edges, On(enrollment.ResumeEvent(c), c))
			}
		}
		if err := t.addLostAnswers(in, v, calls); err != nil {
			return nil, err
		}
	}
	if err := t.addAnswerLost(); err != nil {
		return nil, err
	}
	var rows []fsm.Row
	for i := range t.Spec.States {
		s := &t.Spec.States[i]
		s.Edges = once(s.Edges)
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

// once drops an edge an earlier one repeats (its event and destination),
// as Define keeps a repeated row once; an event with two destinations is
// kept, for Define to refuse.
func once(edges []Edge) []Edge {
	out := edges[:0]
	for _, e := range edges {
		seen := false
		for _, o := range out {
			seen = seen || o.Event == e.Event && o.Dst == e.Dst
		}
		if !seen {
			out = append(out, e)
		}
	}
	return out
}

// addLostAnswers adds answers_lost_<call> from interrupted (and from
// verifying_enrollment, for a call that may enroll) for every call that
// sends answers a restore loses, and attempts_exhausted once.
func (t *Table) addLostAnswers(in, verify *State, calls []enrollment.State) error {
	exhausted := false
	for _, c := range calls {
		st := t.states[c]
		if !sendsSecret(st.Step) {
			continue
		}
		rejected, ok := st.Edge(enrollment.InputRejected)
		if !ok {
			return fmt.Errorf("%w %s: %s sends answers but has no edge for their refusal", fsm.ErrInvalidTable, t.Name, c)
		}
		lost := On(enrollment.AnswersLostEvent(c), rejected.Dst).Does(CountUnsureAnswer)
		in.Edges = append(in.Edges, lost)
		if verify != nil && st.Step.Enrolls {
			verify.Edges = append(verify.Edges, lost)
		}
		exhausted = true
	}
	if exhausted {
		in.Edges = append(in.Edges, Fails(enrollment.AttemptsExhausted, pimserr.FailureTooManyAttempts).Does(CountUnsureAnswer))
	}
	return nil
}

// sendsSecret reports whether a step's call carries a PIN or an SMS code on
// some platform.
func sendsSecret(s *steps.Step) bool {
	for _, p := range []steps.Platform{steps.Android, steps.IOS} {
		for _, need := range s.Needs(p) {
			if need.IsSecret() {
				return true
			}
		}
	}
	return false
}

// addAnswerLost adds answer_lost to every waiting state whose value leads to
// a call that needs, on some platform, a PIN or a code this prompt does not
// give: it leads to the one state that asks the first of them.
func (t *Table) addAnswerLost() error {
	for i := range t.Spec.States {
		w := &t.Spec.States[i]
		if w.Kind != Waiting {
			continue
		}
		dst, ok := t.valueTarget(w)
		if !ok || dst.Kind != Calling {
			continue
		}
		var asker enrollment.State
		for _, p := range []steps.Platform{steps.Android, steps.IOS} {
			for _, need := range dst.Step.Needs(p) {
				if !need.IsSecret() || steps.Fills(w.Prompt, need) {
					continue
				}
				a, err := t.askerOf(need)
				if err != nil {
					return err
				}
				if asker != "" && asker != a {
					return fmt.Errorf("%w %s: %s loses different answers by platform", fsm.ErrInvalidTable, t.Name, w.Name)
				}
				asker = a
				break
			}
		}
		if asker != "" {
			w.Edges = append(w.Edges, On(enrollment.AnswerLost, asker).Does(KeepCause))
		}
	}
	return nil
}

// Step returns the step a calling state of t makes by its id, nil if none.
func (t *Table) Step(id string) *steps.Step {
	for _, s := range t.Spec.States {
		if s.Kind == Calling && s.Step != nil && s.Step.ID == id {
			return s.Step
		}
	}
	return nil
}

// CodeSlotOf returns the slot of the code prompt p asks, NoCode for a
// prompt that asks none.
func (t *Table) CodeSlotOf(p enrollment.Prompt) CodeSlot {
	for slot, q := range t.codes {
		if q != "" && q == p {
			return CodeSlot(slot)
		}
	}
	return NoCode
}

// CodePrompt returns the prompt that asks the code of slot c.
func (t *Table) CodePrompt(c CodeSlot) enrollment.Prompt {
	if c <= NoCode || c >= CodeSlots {
		return ""
	}
	return t.codes[c]
}

// ValueTarget is the state a value answer at waiting state w leads to.
func (t *Table) ValueTarget(w *State) (*State, bool) { return t.valueTarget(w) }

// valueTarget is the state a value answer at w leads to.
func (t *Table) valueTarget(w *State) (*State, bool) {
	ev, ok := w.Prompt.ValueEvent()
	if !ok {
		return nil, false
	}
	e, ok := w.Edge(ev)
	if !ok {
		return nil, false
	}
	dst, ok := t.states[e.Dst]
	return dst, ok
}

// askerOf is the one waiting state that asks p.
func (t *Table) askerOf(p enrollment.Prompt) (enrollment.State, error) {
	var out []enrollment.State
	for _, s := range t.Spec.States {
		if s.Kind == Waiting && s.Prompt == p {
			out = append(out, s.Name)
		}
	}
	if len(out) != 1 {
		return "", fmt.Errorf("%w %s: %d states ask %s, so a lost %s has no one place to be asked again", fsm.ErrInvalidTable, t.Name, len(out), p, p)
	}
	return out[0], nil
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
