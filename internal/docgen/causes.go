package docgen

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/enrollment"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/flows"
	"github.com/enrollfsm/enrollfsm/fsm"
	"github.com/enrollfsm/enrollfsm/pims"
	"github.com/enrollfsm/enrollfsm/steps"
)

// OtherCode stands for every undocumented code: the interpreters are fed it
// beside the documented ones.
const OtherCode pimserr.Code = 9999

// Cause is one kind of reply that leads a calling state to an event. It is
// found by running the step's interpreter, never written by hand.
type Cause struct {
	Event enrollment.Event
	// Codes are the documented codes behind it; Other: any undocumented
	// code as well.
	Codes []pimserr.Code
	Other bool
	// Reply names a cause that is not a FAILED reply's code.
	Reply string
	// When is the guard it needs; empty on a first attempt with nothing used
	// up.
	When string
	// Failure is what a run that fails this way records.
	Failure string
	// Warning: the call counts as done and the warning is reported (2316).
	Warning bool
	// Unknown: the server may have acted, so retry checks call 1 first.
	Unknown bool
}

// The replies that are not codes.
const (
	ReplySuccess = "a successful reply"
	ReplyBridge  = "a bridge error or a cancelled context"
	ReplyBad     = "a malformed reply"
	// ReplyNotEnrolled leads a verification back to the call it verifies.
	ReplyNotEnrolled = "a successful reply saying the device is not enrolled"
)

// variant is a context a call can be interpreted in.
type variant struct {
	when string
	ctx  steps.Context
}

// variants are a call's contexts: an engine's first attempt with nothing
// used up (the default limits), then each guard that can change a decision.
func variants(t *flows.Table, s *steps.Step) []variant {
	l := enrollfsm.DefaultLimits()
	base := steps.Context{
		Enrollment:       t.Enrollment,
		RemovalsLeft:     l.Removals,
		PINAttemptsLeft:  l.PINAttempts,
		CodeAttemptsLeft: l.CodeAttempts,
		CanResend:        true,
		Attempt:          1,
		MaxReadAttempts:  l.ReadAttempts,
		Backoff:          l.Backoff,
		Resume:           firstEnrolling(t),
	}
	out := []variant{{"", base}}
	if s.Read {
		c := base
		c.Attempt = l.ReadAttempts
		out = append(out, variant{fmt.Sprintf("at the %s and last attempt", ordinal(l.ReadAttempts)), c})
	}
	if t.Enrollment {
		c := base
		c.AutoRemove = true
		out = append(out, variant{"with automatic removal", c})
		c = base
		c.RemovalsLeft = 0
		out = append(out, variant{fmt.Sprintf("when no removal is left (%d per run)", l.Removals), c})
	}
	switch {
	case s.Blames.IsPIN():
		c := base
		c.PINAttemptsLeft = 1
		out = append(out, variant{fmt.Sprintf("at the %s wrong PIN of the run", ordinal(l.PINAttempts)), c})
	case s.Blames.IsCode():
		c := base
		c.CodeAttemptsLeft, c.CanResend = 1, false
		out = append(out, variant{fmt.Sprintf("at the %s wrong code with no resend left", ordinal(l.CodeAttempts)), c})
	}
	return out
}

func firstEnrolling(t *flows.Table) enrollment.State {
	for _, s := range t.Spec.States {
		if s.Kind == flows.Calling && s.Step.Enrolls {
			return s.Name
		}
	}
	return ""
}

type causeKey struct {
	ev      enrollment.Event
	reply   string
	when    string
	failure string
	warning bool
	unknown bool
}

func keyOf(d steps.Decision, code pimserr.Code, when string) causeKey {
	return causeKey{ev: d.Event, when: when, failure: failureLabel(d.Failure, code), warning: d.Warning != nil, unknown: d.Unknown}
}

func failureLabel(f pimserr.Failure, code pimserr.Code) string {
	if code != 0 && f == pimserr.FailureCode(code) {
		return "pims:<code>"
	}
	return string(f)
}

// Causes returns what leads the calling state s of t to each of its
// events, in the order of the state's edges: a successful reply, each code
// on a first attempt, the codes whose effect a guard changes, then the
// replies that are not codes.
func Causes(t *flows.Table, s *flows.State) []Cause {
	if s.Kind != flows.Calling {
		return nil
	}
	groups := map[causeKey]*Cause{}
	var order []causeKey
	add := func(k causeKey, code pimserr.Code) {
		c, ok := groups[k]
		if !ok {
			c = &Cause{Event: k.ev, Reply: k.reply, When: k.when, Failure: k.failure, Warning: k.warning, Unknown: k.unknown}
			groups[k] = c
			order = append(order, k)
		}
		switch {
		case code == OtherCode:
			c.Other = true
		case code != 0:
			c.Codes = append(c.Codes, code)
		}
	}
	vs := variants(t, s.Step)
	codes := append(pimserr.Codes(), OtherCode)
	first := map[pimserr.Code]steps.Decision{}
	for i, v := range vs {
		for _, code := range codes {
			d := s.Step.Interpret(pims.Failure("docgen", code), nil, v.ctx)
			if i == 0 {
				first[code] = d
			} else if same(d, first[code]) {
				continue
			}
			add(keyOf(d, code, v.when), code)
		}
	}
	base := vs[0].ctx
	for _, r := range []struct {
		reply string
		err   error
	}{
		{ReplyBridge, errors.New("bridge down")},
		{ReplyBridge, context.Canceled},
		{ReplyBad, nil},
	} {
		d := s.Step.Interpret(pims.Message{}, r.err, base)
		k := keyOf(d, 0, "")
		k.reply = r.reply
		add(k, 0)
	}

	// Successful replies: each documented result shape, through the
	// interpreter. A result the step cannot read is a malformed reply, listed
	// above.
	byResult := map[enrollment.Event][]string{}
	for _, r := range successResults {
		d := s.Step.Interpret(pims.Success("docgen", r.result), nil, base)
		if d.Failure == pimserr.FailureBadReply {
			continue
		}
		byResult[d.Event] = append(byResult[d.Event], r.desc)
	}

	// An edge that no failed reply leads to, but as a 2316 counted as done,
	// is a successful reply's.
	failed := map[enrollment.Event]bool{}
	for _, k := range order {
		if !k.warning {
			failed[k.ev] = true
		}
	}
	success := func(ev enrollment.Event, failure pimserr.Failure) Cause {
		c := Cause{Event: ev, Reply: ReplySuccess, Failure: string(failure)}
		if call, ok := enrollment.ResumeTarget(ev); ok {
			c.Reply = ReplyNotEnrolled
			if st, ok := t.State(call); ok && st.Step != nil {
				c.When = fmt.Sprintf("when call %s (`%s`) was interrupted", st.Step.ID, call)
			}
		}
		return c
	}
	var out []Cause
	listed := map[enrollment.Event]bool{}
	for _, e := range s.Edges {
		if listed[e.Event] {
			continue
		}
		listed[e.Event] = true
		row := fsm.Row{Event: e.Event, Src: s.Name, Dst: e.Dst}
		f, _ := t.EdgeFailure(row)
		switch results := byResult[e.Event]; {
		case len(results) > 0 && len(results) < len(successResults) && s.Step.ReadsResult():
			c := success(e.Event, f)
			c.Reply = ReplySuccess + " with " + strings.Join(results, " or ")
			out = append(out, c)
		case !failed[e.Event]:
			out = append(out, success(e.Event, f))
		}
		for _, k := range order {
			if k.ev == e.Event {
				out = append(out, *groups[k])
			}
		}
	}
	// An event with no edge would be a table bug, which the integrity tests
	// catch; it is still listed rather than hidden.
	for _, k := range order {
		if !listed[k.ev] {
			out = append(out, *groups[k])
		}
	}
	return out
}

// successResults are the result shapes docs/contract.md §2 documents, with how the docs
// name each.
var successResults = []struct {
	desc   string
	result map[string]any
}{
	{"`isDeviceActivated: true`", map[string]any{"isDeviceActivated": true}},
	{"`isDeviceActivated: false`", map[string]any{"isDeviceActivated": false}},
	{"`isAccountBlocked: NotBlocked` (or `false`)", map[string]any{"isAccountBlocked": "NotBlocked"}},
	{"`isAccountBlocked: AccountBlocked` (or `true`)", map[string]any{"isAccountBlocked": "AccountBlocked"}},
	{"`isAccountBlocked: PINBlocked`", map[string]any{"isAccountBlocked": "PINBlocked"}},
	{"a phone number", map[string]any{"phoneNumber": "0612345678"}},
	{"no phone number (null, empty or absent)", map[string]any{"phoneNumber": nil}},
	{"`status: AlreadyEnrolled`", map[string]any{"status": "AlreadyEnrolled"}},
	{"`status: NotEnrolled`", map[string]any{"status": "NotEnrolled"}},
}

func same(a, b steps.Decision) bool {
	return a.Event == b.Event && a.Failure == b.Failure && (a.Warning == nil) == (b.Warning == nil) && a.Unknown == b.Unknown
}

// Describe says what the cause is, in one phrase: "2102, 2308", "at the 5th
// wrong PIN of the run: 2102, 2308 (failure too_many_attempts)".
func (c Cause) Describe() string {
	var what []string
	if c.Reply != "" {
		what = append(what, c.Reply)
	}
	if len(c.Codes) > 0 || c.Other {
		what = append(what, CodeList(c.Codes, c.Other))
	}
	s := strings.Join(what, ", ")
	if c.When != "" {
		s = c.When + ": " + s
	}
	var notes []string
	if c.Warning {
		notes = append(notes, "done, with a warning")
	}
	if c.Unknown {
		notes = append(notes, "outcome unknown: retry checks call 1 first")
	}
	if c.Failure != "" {
		notes = append(notes, "failure `"+c.Failure+"`")
	}
	if len(notes) > 0 {
		s += " (" + strings.Join(notes, "; ") + ")"
	}
	return s
}

// CodeList writes codes as "2201, 2202", with ", any other code" when other.
func CodeList(codes []pimserr.Code, other bool) string {
	var parts []string
	for _, c := range codes {
		parts = append(parts, c.String())
	}
	if other {
		parts = append(parts, "any other code")
	}
	return strings.Join(parts, ", ")
}

func ordinal(n int) string {
	suffix := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suffix = "st"
	case n%10 == 2:
		suffix = "nd"
	case n%10 == 3:
		suffix = "rd"
	}
	return fmt.Sprintf("%d%s", n, suffix)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
