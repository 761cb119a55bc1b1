package docgen

import (
	"fmt"
	"sort"
	"strings"

	"github.com/enrollfsm/enrollfsm/enrollment"
	"github.com/enrollfsm/enrollfsm/flows"
	"github.com/enrollfsm/enrollfsm/fsm"
)

// PathBound is the most simple paths enumerated per table; a table with
// more is reported as truncated (and fails the paths test), so that a
// change which makes the enumeration explode is seen, not hidden.
const PathBound = 1000

// Path is a run from start, one transition per row.
type Path []fsm.Row

// End returns the state the path ends in.
func (p Path) End() enrollment.State {
	if len(p) == 0 {
		return enrollment.Start
	}
	return p[len(p)-1].Dst
}

// String writes the path as "start -begin-> checking_enrollment -...-> enrolled".
func (p Path) String() string {
	var b strings.Builder
	b.WriteString(string(enrollment.Start))
	for _, r := range p {
		fmt.Fprintf(&b, " -%s-> %s", r.Event, r.Dst)
	}
	return b.String()
}

// Family is a family of edges that flows.Compile adds, and the members
// kept as its representatives in the enumeration.
type Family struct {
	Name    string
	Members int
	Kept    []fsm.Row
}

// Paths is the path enumeration of one table: a test plan.
type Paths struct {
	Table *flows.Table
	// Declared is how many edges of the graph were written in the spec;
	// the others are representatives. LeftOut is how many written edges
	// the graph leaves out (device_maybe_enrolled).
	Declared, LeftOut int
	Families          []Family
	// Graph is the edges enumerated over: the declared ones and the kept
	// representatives, in the table's order.
	Graph []fsm.Row
	// Shortest holds a shortest path to every state, in table order, over
	// the complete table.
	Shortest []Path
	// Simple holds every simple path from start to a terminal state over
	// Graph, at most PathBound of them; Truncated says the bound was hit.
	Simple    []Path
	Truncated bool
}

// Enumerate computes the paths of t.
//
// The complete table has the edges of every call and of interrupted on
// every state, so its simple paths are many variations of the same few
// routes. The enumeration keeps every declared edge and one representative
// of each family Compile adds: the edge from the first call (in table
// order) that has it, the retry of that call, and for the verification the
// first call that may enroll, its interruption and its resume edge. As in
// a run, interrupted leads only back to the call it interrupted (or to its
// verification) and verifying_enrollment only resumes that call.
func Enumerate(t *flows.Table) *Paths {
	p := &Paths{Table: t}
	kept := map[fsm.Row]bool{}
	p.Families = families(t)
	for _, f := range p.Families {
		for _, r := range f.Kept {
			kept[r] = true
		}
	}
	for _, r := range t.Def.Rows() {
		// device_maybe_enrolled follows a second step 7 of the run, so no
		// simple path can take it; scenarios do.
		switch {
		case r.Event == enrollment.DeviceMaybeEnrolled:
			if t.Declared(r) {
				p.LeftOut++
			}
		case t.Declared(r):
			p.Declared++
			p.Graph = append(p.Graph, r)
		case kept[r]:
			p.Graph = append(p.Graph, r)
		}
	}
	p.Shortest = shortest(t)
	p.Simple, p.Truncated = simple(t, p.Graph)
	// Grouped by terminal state, in table order (success, failed,
	// cancelled), each group in the order of the search.
	rank := map[enrollment.State]int{}
	for i, s := range t.Spec.States {
		rank[s.Name] = i
	}
	sort.SliceStable(p.Simple, func(i, j int) bool { return rank[p.Simple[i].End()] < rank[p.Simple[j].End()] })
	return p
}

// Representatives is how many edges of the graph stand for a family
// Compile adds.
func (p *Paths) Representatives() int { return len(p.Graph) - p.Declared }

// ID names the i-th simple path (from 0) of flow: "full-1".
func ID(flow string, i int) string { return fmt.Sprintf("%s-%d", flow, i+1) }

// families groups the edges Compile added, each with its representatives.
func families(t *flows.Table) []Family {
	var enrolling []enrollment.State
	for _, s := range t.Spec.States {
		if s.Kind == flows.Calling && s.Step.Enrolls {
			enrolling = append(enrolling, s.Name)
		}
	}
	byName := map[string]*Family{}
	var out []*Family
	member := func(name string) {
		f, ok := byName[name]
		if !ok {
			f = &Family{Name: name}
			byName[name] = f
			out = append(out, f)
		}
		f.Members++
	}
	first := func(rows []fsm.Row, keep func(fsm.Row) bool) []fsm.Row {
		for _, r := range rows {
			if keep(r) {
				return []fsm.Row{r}
			}
		}
		return nil
	}
	rows := map[string][]fsm.Row{}
	for _, r := range t.Def.Rows() {
		if t.Declared(r) {
			continue
		}
		name := familyOf(t, r)
		member(name)
		rows[name] = append(rows[name], r)
	}
	// The plain families first: the retry kept is that of the interruption
	// kept.
	var interrupted enrollment.State
	for _, f := range out {
		if f.Name != familyRetry && f.Name != familyVerify && f.Name != familyRestore {
			f.Kept = first(rows[f.Name], func(fsm.Row) bool { return true })
			if f.Name == familyEveryCall+string(enrollment.CallInterrupted) && len(f.Kept) > 0 {
				interrupted = f.Kept[0].Src
			}
		}
	}
	for _, f := range out {
		rs := rows[f.Name]
		switch f.Name {
		case familyRetry:
			f.Kept = first(rs, func(r fsm.Row) bool { s, _ := enrollment.RetryTarget(r.Event); return s == interrupted })
		case familyVerify:
			if len(enrolling) == 0 {
				break
			}
			e := enrolling[0]
			f.Kept = append(f.Kept, fsm.Row{Event: enrollment.CallInterrupted, Src: e, Dst: enrollment.Interrupted})
			f.Kept = append(f.Kept, first(rs, func(r fsm.Row) bool { return r.Event == enrollment.VerifyRequested })...)
			f.Kept = append(f.Kept, first(rs, func(r fsm.Row) bool { s, _ := enrollment.ResumeTarget(r.Event); return s == e })...)
		}
	}
	res := make([]Family, len(out))
	for i, f := range out {
		res[i] = *f
	}
	return res
}

// The names of the families that are not "every call: <event>".
const (
	familyRead   = "read retried in place"
	familyRetry  = "retry from interrupted"
	familyVerify = "verification"
	familyOther  = "other added edges"
	// familyRestore: the moves of a restored run, in no path.
	familyRestore = "a restored run's moves"
	// familyEveryCall prefixes the event of an edge every call has.
	familyEveryCall = "every call: "
)

// RestoreMove reports whether ev is a move of a restored run.
func RestoreMove(ev enrollment.Event) bool {
	_, lost := enrollment.AnswersLostCall(ev)
	return lost || ev == enrollment.AnswerLost || ev == enrollment.AttemptsExhausted
}

func familyOf(t *flows.Table, r fsm.Row) string {
	if RestoreMove(r.Event) {
		return familyRestore
	}
	if _, ok := enrollment.RetryTarget(r.Event); ok {
		return familyRetry
	}
	if _, ok := enrollment.ResumeTarget(r.Event); ok || r.Event == enrollment.VerifyRequested {
		return familyVerify
	}
	if r.Event == enrollment.ReadRetried {
		return familyRead
	}
	for _, e := range t.OnEveryCall {
		if e.Event == r.Event && e.Dst == r.Dst {
			return familyEveryCall + string(r.Event)
		}
	}
	return familyOther
}

// Memo is what a run remembers of its last interruption, the only part of
// the run besides its state that decides which edges it may take: the call
// a retry makes again (the engine's Resume) and the enrollment call a
// verification resumes (its VerifyFor). Both are empty outside interrupted
// and verifying_enrollment, where nothing reads them, so that a state is one
// node of the search whatever interruption came before it. The exported
// machines (internal/export) hold the same two values as their context.
type Memo struct{ Retry, Verify enrollment.State }

// Feasible reports whether r may follow in a run that remembers m:
// interrupted retries only the call kept, verifies it only if it may have
// enrolled, and verifying_enrollment resumes only the call it verifies. The
// moves of a restored run (answer_lost, answers_lost_<call>,
// attempts_exhausted) follow a restore, which a path of one engine's life
// does not have: the restart scenarios take them.
func Feasible(t *flows.Table, r fsm.Row, m Memo) bool {
	if RestoreMove(r.Event) {
		return false
	}
	if s, ok := enrollment.RetryTarget(r.Event); ok {
		return s == m.Retry
	}
	if s, ok := enrollment.ResumeTarget(r.Event); ok {
		return s == m.Verify
	}
	if r.Event == enrollment.VerifyRequested {
		st, ok := t.State(m.Retry)
		return ok && st.Step != nil && st.Step.Enrolls
	}
	return true
}

// After returns what a run that remembers m remembers once it took r, as
// the engine applies the edge's effects: an interruption keeps its call
// (and, for a call that may enroll, as the one to verify); a refusal that
// may follow an enrollment keeps its call to verify.
func After(t *flows.Table, r fsm.Row, m Memo) Memo {
	if st, ok := t.State(r.Dst); !ok || !st.Resumes && !st.Verifies {
		return Memo{}
	}
	src, ok := t.State(r.Src)
	if !ok {
		return m
	}
	e, ok := src.Edge(r.Event)
	if !ok {
		return m
	}
	if flows.Has(e.Effects, flows.InterruptionKept) {
		m.Retry = r.Src
		if src.Step != nil && src.Step.Enrolls {
			m.Verify = r.Src
		}
	}
	if flows.Has(e.Effects, flows.VerificationAwaited) {
		m.Verify = r.Src
	}
	return m
}

func outgoing(rows []fsm.Row) map[enrollment.State][]fsm.Row {
	out := map[enrollment.State][]fsm.Row{}
	for _, r := range rows {
		if r.Src != r.Dst {
			out[r.Src] = append(out[r.Src], r)
		}
	}
	return out
}

// shortest finds, breadth first over the complete table in its order, the
// first shortest feasible path to every state.
func shortest(t *flows.Table) []Path {
	type node struct {
		s enrollment.State
		m Memo
	}
	out := outgoing(t.Def.Rows())
	prev := map[node]struct {
		n node
		r fsm.Row
	}{}
	start := node{s: enrollment.Start}
	seen := map[node]bool{start: true}
	found := map[enrollment.State]node{enrollment.Start: start}
	queue := []node{start}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		for _, r := range out[n.s] {
			if !Feasible(t, r, n.m) {
				continue
			}
			m := node{r.Dst, After(t, r, n.m)}
			if seen[m] {
				continue
			}
			seen[m] = true
			prev[m] = struct {
				n node
				r fsm.Row
			}{n, r}
			if _, ok := found[r.Dst]; !ok {
				found[r.Dst] = m
			}
			queue = append(queue, m)
		}
	}
	var paths []Path
	for _, st := range t.Spec.States {
		n, ok := found[st.Name]
		if !ok {
			paths = append(paths, nil)
			continue
		}
		var p Path
		for n != start {
			e := prev[n]
			p = append(Path{e.r}, p...)
			n = e.n
		}
		paths = append(paths, p)
	}
	return paths
}

// simple enumerates depth first, in the graph's order, every path from
// start to a terminal state that enters no state twice.
func simple(t *flows.Table, graph []fsm.Row) ([]Path, bool) {
	out := outgoing(graph)
	var paths []Path
	truncated := false
	on := map[enrollment.State]bool{}
	var cur Path
	var walk func(s enrollment.State, m Memo)
	walk = func(s enrollment.State, m Memo) {
		if truncated {
			return
		}
		if st, _ := t.State(s); st.Kind == flows.Terminal {
			if len(paths) == PathBound {
				truncated = true
				return
			}
			paths = append(paths, append(Path(nil), cur...))
			return
		}
		on[s] = true
		for _, r := range out[s] {
			if on[r.Dst] || !Feasible(t, r, m) {
				continue
			}
			cur = append(cur, r)
			walk(r.Dst, After(t, r, m))
			cur = cur[:len(cur)-1]
		}
		on[s] = false
	}
	walk(enrollment.Start, Memo{})
	return paths, truncated
}
