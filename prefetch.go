package enrollfsm

import (
	"github.com/enrollfsm/enrollfsm/flows"
	"github.com/enrollfsm/enrollfsm/fsm"
	"github.com/enrollfsm/enrollfsm/pims"
	"github.com/enrollfsm/enrollfsm/steps"
)

// aheadCall is a read asked for ahead of need (WithPrefetch).
type aheadCall struct {
	call    Call
	step    *steps.Step
	state   fsm.State // the calling state it stands for
	after   fsm.Event // the only event by which that state may use it
	done    bool      // its reply came back
	dropped bool      // the run went another way: the reply is ignored
	msg     pims.Message
	err     error
}

// prefetch asks for calls 2 and 3 with call 1, when the table's straight
// path is 1 → 2 → 3.
func (e *Engine) prefetch() {
	if !e.cfg.prefetch || e.m.Current() != fsm.CheckingEnrollment {
		return
	}
	path := []struct {
		from  fsm.State
		after fsm.Event
	}{{fsm.CheckingEnrollment, fsm.DeviceNotActivated}, {fsm.CheckingAccount, fsm.AccountNotBlocked}}
	for _, p := range path {
		to, ok := e.table.Def.Target(p.from, p.after)
		st, _ := e.table.State(to)
		if !ok || st.Kind != flows.Calling {
			return
		}
		req, err := st.Step.Request(e.in)
		if err != nil {
			return
		}
		e.callID++
		e.ahead = append(e.ahead, &aheadCall{
			call: Call{ID: e.callID, Step: st.Step.ID, Request: req, Ahead: true},
			step: st.Step, state: to, after: p.after,
		})
	}
}

// aheadCalls are the prefetched calls whose reply has not come back.
func (e *Engine) aheadCalls() []Call {
	var out []Call
	for _, a := range e.ahead {
		if !a.done && !a.dropped && a.call.ID != e.call.ID {
			out = append(out, a.call)
		}
	}
	return out
}

// aheadCall finds a prefetched call still waiting for its reply.
func (e *Engine) aheadCall(id uint64) *aheadCall {
	for _, a := range e.ahead {
		if a.call.ID == id && !a.done {
			return a
		}
	}
	return nil
}

// takeAhead returns the prefetched call of state s entered by ev, if it may
// be used; any other move drops them all, since their replies would be
// stale.
func (e *Engine) takeAhead(ev fsm.Event, s fsm.State) *aheadCall {
	var use *aheadCall
	for _, a := range e.ahead {
		switch {
		case a.dropped:
		case a.state == s && a.after == ev:
			use = a
		case ev == fsm.DeviceNotActivated && a.state != s:
			// call 3 waits for call 2
		default:
			a.dropped = true
		}
	}
	if use != nil {
		use.dropped = true // used once
	}
	return use
}
