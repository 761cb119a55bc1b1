package core

import (
	"github.com/enrollfsm/enrollfsm/enrollment"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/flows"
	"github.com/enrollfsm/enrollfsm/steps"
)

// A restored core holds no PIN and no SMS code. Rather than send a call
// without one, or ask for it out of the prompt's context, it goes back by
// the table's edges to the prompt that gives it, where the answer is
// checked as any other (a code's lifetime and wrong answers, a resend), as
// a refusal of that answer would. An answer whose reply never came is
// counted as wrong on the way (docs/contract.md §4): the restored run cannot
// send the same value again, so another takes its place.

// settle takes a restored core that waits back to the prompt of the first
// answer its next call lacks; entering that prompt settles again. An
// interrupted call whose outcome is unknown stays: its retry checks call 1
// first, and loses its answers only if the device turns out not to be
// enrolled (interpret).
func (c *Core) settle() {
	d, ok := c.settling(c.state())
	if !ok {
		return
	}
	c.fail(d.Failure, d.Err)
	c.take(d.Event, &d)
}

// settling is the move settle makes at st, if any.
func (c *Core) settling(st *flows.State) (steps.Decision, bool) {
	if !c.restored || st.Kind != flows.Waiting {
		return steps.Decision{}, false
	}
	if st.Resumes {
		x, ok := c.table.State(c.run.Resume)
		if !ok || x.Kind != flows.Calling || c.run.Unknown || c.lacks(x.Step, "") == "" {
			return steps.Decision{}, false
		}
		return c.lost(x, false), true
	}
	next, ok := c.table.ValueTarget(st)
	if !ok || next.Kind != flows.Calling || c.lacks(next.Step, st.Prompt) == "" {
		return steps.Decision{}, false
	}
	return steps.Decision{Event: enrollment.AnswerLost, Err: pimserr.ErrAskedAgain}, true
}

// settlesToUnsentCode reports whether settling would take the restored
// core to a code's prompt whose code was never sent: a snapshot no run
// could have written (on iOS, a PIN prompt before the enrollment SMS).
func (c *Core) settlesToUnsentCode() bool {
	st := c.state()
	for range 8 {
		d, ok := c.settling(st)
		if !ok {
			return false
		}
		e, ok := st.Edge(d.Event)
		if !ok {
			return false
		}
		next, ok := c.table.State(e.Dst)
		if !ok {
			return false
		}
		if next.Code != flows.NoCode && !c.run.Codes[next.Code].Sent {
			return true
		}
		st = next
	}
	return false
}

// lacks returns the first PIN or code the step's call needs, other than the
// one prompt given answers, that the core does not hold; "" if none.
func (c *Core) lacks(s *steps.Step, given enrollment.Prompt) enrollment.Prompt {
	for _, p := range s.Needs(c.in.Platform) {
		if p.IsSecret() && !steps.Fills(given, p) && !c.in.Has(p) {
			return p
		}
	}
	return ""
}

// lost is the decision that takes a restored run from the interruption of
// call x (or from its verification) to x's prompt: its answer counted as
// wrong if its reply never came, and the run failed if that was the last
// attempt allowed.
func (c *Core) lost(x *flows.State, verifying bool) steps.Decision {
	d := steps.Decision{Event: enrollment.AnswersLostEvent(x.Name), Err: pimserr.ErrAskedAgain, Blamed: x.Step.Blames}
	if !c.run.Unsure {
		return d
	}
	d.Err = pimserr.ErrReplyLost
	if r := x.Step.Refused(pimserr.ErrReplyLost, c.stepContext(x.Step)); r.Event == enrollment.CallFailed {
		d.Event, d.Failure = enrollment.AttemptsExhausted, r.Failure
		if verifying {
			d.Event = enrollment.CallFailed
		}
	}
	return d
}
