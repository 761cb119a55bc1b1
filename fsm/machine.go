// Package fsm is the only code that touches github.com/looplab/fsm: a
// machine of string-typed states and events. The enrollment's own words
// (its states, events, prompts and actions) are in package enrollment.
//
// A Definition is a validated transition table, built once per flow and
// shared. A Machine is one run's position in it. Fire never runs callbacks:
// looplab's callbacks are not used at all, so none can fire events or be
// dropped for a misspelt key, and a self-loop is a success, not the
// NoTransitionError looplab returns for it.
package fsm

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"

	looplab "github.com/looplab/fsm"
)

// Row is one transition: Event moves a machine from Src to Dst.
type Row struct {
	Event Event
	Src   State
	Dst   State
}

// Definition is a validated transition table. It is immutable and safe to
// share between goroutines.
type Definition struct {
	name    string
	initial State
	rows    []Row
	events  looplab.Events
	// states are indexed in order of first appearance; out[i] are the edges
	// leaving states[i]. Slices, not maps: the engine looks states up
	// several times per transition.
	states []State
	out    [][]edge
	byLen  [][]int // indexes of the states of each name length
	// looplab machines, reused: each holds the whole table, so building one
	// per run would cost more than the run's transitions. One is kept in
	// spare, which the collector does not empty as it empties pool; pool
	// serves the transitions made at the same time as another.
	spare atomic.Pointer[pooled]
	pool  sync.Pool
}

// pooled is a looplab machine of a Definition's pool and the state it was
// left in, so that a run that takes it back where it left it (the common
// case: one run at a time) skips looplab's SetState.
type pooled struct {
	f  *looplab.FSM
	at int // the state's index, -1 when not known
}

// edge is a row seen from its source.
type edge struct {
	ev  Event
	dst int
}

// ErrInvalidTable matches every error of Define.
var ErrInvalidTable = errors.New("invalid transition table")

// ErrInvalidTransition matches every *TransitionError.
var ErrInvalidTransition = errors.New("invalid transition")

// TransitionError is an event fired where the table does not allow it.
type TransitionError struct {
	Event Event
	State State
}

func (e *TransitionError) Error() string {
	return fmt.Sprintf("event %s is not allowed in state %s", e.Event, e.State)
}

// Is matches ErrInvalidTransition.
func (e *TransitionError) Is(target error) bool { return target == ErrInvalidTransition }

// looplab reserves these names for its own callbacks.
var reserved = map[string]bool{"state": true, "event": true}

// Define validates rows and builds the table. It refuses empty or reserved
// names and an (event, source) pair given two destinations; a row repeated
// exactly is kept once.
func Define(name string, initial State, rows []Row) (*Definition, error) {
	bad := func(format string, args ...any) (*Definition, error) {
		return nil, fmt.Errorf("%w %s: %s", ErrInvalidTable, name, fmt.Sprintf(format, args...))
	}
	if initial == "" {
		return bad("no initial state")
	}
	d := &Definition{name: name, initial: initial}
	d.pool.New = func() any { return &pooled{f: looplab.NewFSM(string(d.initial), d.events, nil), at: 0} }
	d.addState(initial)
	for _, r := range rows {
		if r.Event == "" || r.Src == "" || r.Dst == "" {
			return bad("row %q %s → %s has an empty name", r.Event, r.Src, r.Dst)
		}
		for _, n := range []string{string(r.Event), string(r.Src), string(r.Dst)} {
			if reserved[n] {
				return bad("%q is reserved by looplab/fsm", n)
			}
		}
		src := d.addState(r.Src)
		if dst, dup := d.target(src, r.Event); dup {
			if d.states[dst] != r.Dst {
				return bad("event %s from %s goes to both %s and %s", r.Event, r.Src, d.states[dst], r.Dst)
			}
			continue
		}
		d.out[src] = append(d.out[src], edge{ev: r.Event, dst: d.addState(r.Dst)})
		d.rows = append(d.rows, r)
		d.events = append(d.events, looplab.EventDesc{Name: string(r.Event), Src: []string{string(r.Src)}, Dst: string(r.Dst)})
	}
	return d, nil
}

// addState returns the index of s, adding it if it is new.
func (d *Definition) addState(s State) int {
	if i, ok := d.Index(s); ok {
		return i
	}
	i := len(d.states)
	d.states = append(d.states, s)
	d.out = append(d.out, nil)
	for len(d.byLen) <= len(s) {
		d.byLen = append(d.byLen, nil)
	}
	d.byLen[len(s)] = append(d.byLen[len(s)], i)
	return i
}

// Index returns the index of state s: its place in States. The index of a
// Machine's state is Machine.Index.
func (d *Definition) Index(s State) (int, bool) {
	if len(s) >= len(d.byLen) {
		return -1, false
	}
	// Few names share a length, and comparing strings of one length is cheap.
	for _, i := range d.byLen[len(s)] {
		if d.states[i] == s {
			return i, true
		}
	}
	return -1, false
}

// target returns the index of where ev leads from state index src.
func (d *Definition) target(src int, ev Event) (int, bool) {
	if k := d.row(src, ev); k >= 0 {
		return d.out[src][k].dst, true
	}
	return -1, false
}

// row returns the place of ev's row among those leaving state index src,
// -1 if none.
func (d *Definition) row(src int, ev Event) int {
	for k := range d.out[src] {
		if d.out[src][k].ev == ev {
			return k
		}
	}
	return -1
}

// MustDefine is Define for tables declared as package variables; it panics on
// an invalid table, which is a programming error caught by any test.
func MustDefine(name string, initial State, rows []Row) *Definition {
	d, err := Define(name, initial, rows)
	if err != nil {
		panic(err)
	}
	return d
}

// Name returns the table's name.
func (d *Definition) Name() string { return d.name }

// Initial returns the state every machine starts in.
func (d *Definition) Initial() State { return d.initial }

// Rows returns the transitions in declaration order.
func (d *Definition) Rows() []Row { return append([]Row(nil), d.rows...) }

// States returns every state, in order of first appearance.
func (d *Definition) States() []State { return append([]State(nil), d.states...) }

// Target returns where ev leads from src.
func (d *Definition) Target(src State, ev Event) (State, bool) {
	i, ok := d.Index(src)
	if !ok {
		return "", false
	}
	if dst, ok := d.target(i, ev); ok {
		return d.states[dst], true
	}
	return "", false
}

// EventsFrom returns the events allowed in src, sorted.
func (d *Definition) EventsFrom(src State) []Event {
	i, ok := d.Index(src)
	if !ok {
		return []Event{}
	}
	out := make([]Event, 0, len(d.out[i]))
	for _, e := range d.out[i] {
		out = append(out, e.ev)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Has reports whether s is a state of the table.
func (d *Definition) Has(s State) bool {
	_, ok := d.Index(s)
	return ok
}

// NewMachine returns a machine in the initial state.
func (d *Definition) NewMachine() *Machine {
	return &Machine{def: d}
}

// NewMachineAt returns a machine in state s, for a restored run.
func (d *Definition) NewMachineAt(s State) (*Machine, error) {
	m, err := d.MachineAt(s)
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// MachineAt is NewMachineAt returning the machine by value, for a holder
// that keeps it in place without an allocation of its own.
func (d *Definition) MachineAt(s State) (Machine, error) {
	i, ok := d.Index(s)
	if !ok {
		return Machine{}, fmt.Errorf("%w: %s has no state %q", ErrInvalidTransition, d.name, s)
	}
	return Machine{def: d, idx: i}, nil
}

// Mermaid returns looplab's stateDiagram-v2 of a fresh machine, so the
// initial state is the one marked as start.
func (d *Definition) Mermaid() (string, error) {
	return looplab.VisualizeWithType(looplab.NewFSM(string(d.initial), d.events, nil), looplab.MermaidStateDiagram)
}

// Machine is one run's position in a Definition: its current state. Each
// transition is made by a looplab machine of the Definition's pool, set to
// that state. A Machine is not safe for concurrent use; the engine
// serialises access. The zero Machine belongs to no table: it has no state
// ("") and fires nothing (a *TransitionError); a Machine value copied from
// NewMachine's is usable.
type Machine struct {
	def *Definition
	idx int // of the current state in def; the initial state's is 0
}

// Definition returns the machine's table.
func (m *Machine) Definition() *Definition { return m.def }

// Current returns the current state; "" for the zero Machine, which has
// none.
func (m *Machine) Current() State {
	if m == nil || m.def == nil {
		return ""
	}
	return m.def.states[m.idx]
}

// Index returns the index of the current state in Definition.States.
func (m *Machine) Index() int { return m.idx }

// Can reports whether ev is allowed in the current state.
func (m *Machine) Can(ev Event) bool {
	if m == nil || m.def == nil {
		return false
	}
	_, ok := m.def.target(m.idx, ev)
	return ok
}

// Fire moves the machine by ev and returns the new state. A self-loop is a
// success. An event the current state does not allow returns a
// *TransitionError and leaves the machine where it was.
func (m *Machine) Fire(ev Event) (State, error) {
	if _, err := m.Move(ev); err != nil {
		if m == nil || m.def == nil {
			return "", err
		}
		return m.def.states[m.idx], err
	}
	return m.def.states[m.idx], nil
}

// Move is Fire that returns which row it took: its place among the rows
// leaving the state the machine left, in the order Define was given them.
// A table that declares its edges in that order finds the edge taken there
// without looking the event up again.
func (m *Machine) Move(ev Event) (int, error) {
	if m == nil || m.def == nil {
		return -1, &TransitionError{Event: ev}
	}
	d, idx := m.def, m.idx
	p := d.spare.Swap(nil)
	if p == nil {
		p = d.pool.Get().(*pooled)
	}
	if p.at != idx {
		p.f.SetState(string(d.states[idx]))
	}
	// No callbacks are registered, so no context reaches user code; a
	// cancelled context would make looplab skip the transition.
	err := p.f.Event(context.Background(), string(ev))
	at, row := idx, -1 // where looplab leaves a machine that did not move
	switch e := err.(type) {
	case nil:
	case looplab.NoTransitionError: // a self-loop
		if err = nil; e.Err != nil {
			err, at = fmt.Errorf("looplab/fsm: %s in %s: %w", ev, d.states[idx], e), -1
		}
	case looplab.InvalidEventError, looplab.UnknownEventError:
		err = &TransitionError{Event: ev, State: d.states[idx]}
	default:
		err, at = fmt.Errorf("looplab/fsm: %s in %s: %w", ev, d.states[idx], e), -1
	}
	if err == nil {
		// looplab made the move its events allow: they are the table's
		// rows, so the row gives the new state without asking looplab.
		if k := d.row(idx, ev); k >= 0 {
			row = k
			m.idx = d.out[idx][k].dst
			at = m.idx
		} else { // not a row, yet looplab moved: unreachable
			err, at = &TransitionError{Event: ev, State: d.states[idx]}, -1
		}
	}
	p.at = at
	if !d.spare.CompareAndSwap(nil, p) {
		d.pool.Put(p)
	}
	return row, err
}
