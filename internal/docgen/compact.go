package docgen

import (
	"sort"
	"strings"

	"github.com/enrollfsm/enrollfsm/enrollment"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/flows"
	"github.com/enrollfsm/enrollfsm/fsm"
)

// The pseudo-states of the compact view: the edges every call or every
// prompt shares are drawn once, from them.
const (
	AnyCall   = "any_call"
	AnyPrompt = "any_prompt"
)

// viewEdge is an edge of the compact view of a table, which is rendered as
// Mermaid and DOT.
type viewEdge struct {
	from, to string
	event    enrollment.Event
	codes    string // the codes behind it, or the failure it records
	effects  string // what taking it changes in the run (flows.Effect)
	family   bool   // drawn from a pseudo-state
}

// label is the edge as UML writes a transition, event (codes) / effects.
func (e viewEdge) label() string {
	out := string(e.event)
	if e.codes != "" {
		out += " (" + e.codes + ")"
	}
	if e.effects != "" {
		out += " / " + e.effects
	}
	return out
}

// effectsOf labels what the edge leaving src by ev does, "" for nothing.
func effectsOf(t *flows.Table, src enrollment.State, ev enrollment.Event) string {
	st, ok := t.State(src)
	if !ok {
		return ""
	}
	e, ok := st.Edge(ev)
	if !ok {
		return ""
	}
	return flows.Labels(st, e.Effects)
}

// compact builds the compact view of t from its table alone (no run's
// machine): every edge written in the spec but cancel (every prompt has
// it), the read retries, the verification of an unknown outcome, and one
// edge per family every call or every prompt shares, from AnyCall or
// AnyPrompt.
func compact(t *flows.Table) []viewEdge {
	var v []viewEdge
	for _, r := range t.Def.Rows() {
		_, resume := enrollment.ResumeTarget(r.Event)
		shown := (t.Declared(r) && r.Event != enrollment.CancelRequested) || resume ||
			r.Event == enrollment.VerifyRequested || r.Event == enrollment.ReadRetried
		if !shown {
			continue
		}
		v = append(v, viewEdge{from: string(r.Src), to: string(r.Dst), event: r.Event, codes: edgeCodes(t, r),
			effects: effectsOf(t, r.Src, r.Event)})
	}
	if calls := callStates(t); len(calls) > 0 {
		for _, e := range t.OnEveryCall {
			v = append(v, viewEdge{from: AnyCall, to: string(e.Dst), event: e.Event, codes: familyCodes(t, e.Event),
				effects: flows.Labels(nil, e.Effects), family: true})
		}
		if _, ok := t.State(enrollment.Interrupted); ok {
			v = append(v, viewEdge{from: string(enrollment.Interrupted), to: AnyCall, event: enrollment.RetryEvent("‹call›"), family: true})
		}
	}
	v = append(v, viewEdge{from: AnyPrompt, to: string(enrollment.Cancelled), event: enrollment.CancelRequested, family: true})
	return v
}

func callStates(t *flows.Table) []*flows.State {
	var out []*flows.State
	for i := range t.Spec.States {
		if s := &t.Spec.States[i]; s.Kind == flows.Calling {
			out = append(out, s)
		}
	}
	return out
}

// edgeCodes labels an edge from a calling state with the codes that take
// it on a first attempt (none for a success, even one with a 2316 warning),
// or with the failure an edge to failed records.
func edgeCodes(t *flows.Table, r fsm.Row) string {
	if f, ok := t.EdgeFailure(r); ok {
		return "failure " + string(f)
	}
	st, _ := t.State(r.Src)
	if st.Kind != flows.Calling {
		return ""
	}
	var codes []pimserr.Code
	for _, c := range Causes(t, st) {
		if c.Event == r.Event && c.When == "" && !c.Warning && c.Reply == "" {
			codes = append(codes, c.Codes...)
		}
	}
	return CodeList(codes, false)
}

// familyCodes labels a family edge with every code (and reply) that takes
// it at some call; the fatal codes are named as a class.
func familyCodes(t *flows.Table, ev enrollment.Event) string {
	set := map[pimserr.Code]bool{}
	other := false
	var replies []string
	for _, st := range callStates(t) {
		for _, c := range Causes(t, st) {
			if c.Event != ev {
				continue
			}
			for _, code := range c.Codes {
				set[code] = true
			}
			other = other || c.Other
			if c.Reply != "" && !strings.HasPrefix(c.Reply, ReplySuccess) && !contains(replies, c.Reply) {
				replies = append(replies, c.Reply)
			}
		}
	}
	fatal := other
	for _, code := range pimserr.Codes() {
		fatal = fatal && (code.Class() != pimserr.ClassFatal || set[code])
	}
	var parts []string
	if fatal {
		parts = append(parts, "fatal codes")
	}
	var codes []pimserr.Code
	for code := range set {
		if !(fatal && code.Class() == pimserr.ClassFatal) {
			codes = append(codes, code)
		}
	}
	sort.Slice(codes, func(i, j int) bool { return codes[i] < codes[j] })
	if len(codes) > 0 {
		parts = append(parts, CodeList(codes, false))
	}
	for _, r := range replies {
		parts = append(parts, shortReply(r))
	}
	return strings.Join(parts, ", ")
}

func shortReply(r string) string {
	switch r {
	case ReplyBridge:
		return "bridge error"
	case ReplyBad:
		return "bad reply"
	}
	return r
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
