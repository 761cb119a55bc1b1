package docgen

import (
	"fmt"
	"strings"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/enrollment"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/flows"
	"github.com/enrollfsm/enrollfsm/pims"
	"github.com/enrollfsm/enrollfsm/steps"
)

// place is a calling state of a table.
type place struct {
	flow  enrollfsm.Flow
	table *flows.Table
	state *flows.State
}

func places(order []enrollfsm.Flow, tables map[enrollfsm.Flow]*flows.Table) []place {
	var out []place
	for _, f := range order {
		t := tables[f]
		for i := range t.Spec.States {
			if s := &t.Spec.States[i]; s.Kind == flows.Calling {
				out = append(out, place{f, t, s})
			}
		}
	}
	return out
}

// effect says what code does at p: the event and next state on a first
// attempt, then under each guard that changes it, and the class it is
// handled as where that is not the code's own.
func effect(p place, code pimserr.Code) string {
	vs := variants(p.table, p.state.Step)
	msg := pims.Failure("docgen", code)
	first := p.state.Step.Interpret(msg, nil, vs[0].ctx)
	parts := []string{decisionText(p, first)}
	for _, v := range vs[1:] {
		d := p.state.Step.Interpret(msg, nil, v.ctx)
		if !same(d, first) {
			parts = append(parts, v.when+": "+decisionText(p, d))
		}
	}
	s := strings.Join(parts, "; ")
	if c := handledAs(first); c != code.Class() {
		s += fmt.Sprintf(" — handled as **%s**", c)
	}
	return s
}

func decisionText(p place, d steps.Decision) string {
	dst, ok := p.table.Def.Target(p.state.Name, d.Event)
	var s string
	switch {
	case !ok:
		s = fmt.Sprintf("`%s` (no such edge)", d.Event)
	case dst == p.state.Name:
		s = fmt.Sprintf("`%s` (in place)", d.Event)
	default:
		s = fmt.Sprintf("`%s` → `%s`", d.Event, dst)
	}
	var notes []string
	if d.Warning != nil {
		notes = append(notes, "done, with a warning")
	}
	if d.Unknown {
		notes = append(notes, "outcome unknown")
	}
	if d.Failure != "" {
		notes = append(notes, "failure `"+string(d.Failure)+"`")
	}
	if len(notes) > 0 {
		s += " (" + strings.Join(notes, ", ") + ")"
	}
	return s
}

// handledAs is the class whose effect a decision has.
func handledAs(d steps.Decision) pimserr.Class {
	switch d.Event {
	case enrollment.ReadRetried, enrollment.CallInterrupted:
		return pimserr.ClassTransient
	case enrollment.InputRejected:
		return pimserr.ClassRejected
	case enrollment.RemovalRequired, enrollment.RemovalAuthorised:
		return pimserr.ClassBlocked
	case enrollment.CallFailed:
		return pimserr.ClassFatal
	}
	if d.Warning != nil {
		return pimserr.ClassSucceededWithWarning
	}
	return pimserr.ClassUnknown
}

// ErrorsPage writes the error catalogue: every documented code and what it
// does at every call of every table, found by running the interpreters.
func ErrorsPage(order []enrollfsm.Flow, tables map[enrollfsm.Flow]*flows.Table) string {
	var b strings.Builder
	b.WriteString(Header)
	b.WriteString("# Error catalogue\n\n")
	codes := pimserr.Codes()
	fmt.Fprintf(&b, "The %d codes the PIMS facade documents ([`errors/codes.go`](../errors/codes.go)), with their exact labels and classes, "+
		"and what each does at every call of every table. The effects are found by running each step's interpreter on a FAILED "+
		"reply carrying the code, in the context of an engine's first attempt with the default limits; the guards that change an "+
		"effect (the last attempt of a read, automatic removal, no removal left, the last wrong PIN or code) follow it. "+
		"Any call may return any code: the class table applies to every call ([decisions](decisions.md), 23). "+
		"Where a call handles a code as another class than its own, the effect says so.\n\n", len(codes))
	b.WriteString("| code | label | class |\n|---|---|---|\n")
	for _, c := range codes {
		fmt.Fprintf(&b, "| [%s](#%s) | `%s` | %s |\n", c, c, cell(c.Label()), c.Class())
	}
	fmt.Fprintf(&b, "| [other](#any-other-code) | any undocumented code | %s |\n\n", OtherCode.Class())

	all := places(order, tables)
	for _, c := range append(codes, OtherCode) {
		if c == OtherCode {
			fmt.Fprintf(&b, "## Any other code\n\nClass **%s**, as every code the catalogue does not list (shown with %d).\n\n", c.Class(), int(c))
		} else {
			fmt.Fprintf(&b, "## %s\n\n`%s` — class **%s**.\n\n", c, c.Label(), c.Class())
		}
		var effects []string
		at := map[string][]string{}
		for _, p := range all {
			e := effect(p, c)
			if _, ok := at[e]; !ok {
				effects = append(effects, e)
			}
			at[e] = addPlace(at[e], p)
		}
		b.WriteString("| effect | at |\n|---|---|\n")
		for _, e := range effects {
			where := strings.Join(at[e], "<br>")
			if len(effects) == 1 {
				where = "every call of every table"
			}
			fmt.Fprintf(&b, "| %s | %s |\n", cell(e), where)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// addPlace adds p to a list of "call 1 `checking_enrollment` (full,
// shortcut)" entries, merging the flows of one state and call.
func addPlace(list []string, p place) []string {
	head := fmt.Sprintf("call %s `%s` (", p.state.Step.ID, p.state.Name)
	for i, s := range list {
		if strings.HasPrefix(s, head) {
			list[i] = strings.TrimSuffix(s, ")") + ", " + string(p.flow) + ")"
			return list
		}
	}
	return append(list, head+string(p.flow)+")")
}
