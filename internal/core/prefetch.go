package core

import (
	"github.com/enrollfsm/enrollfsm/enrollment"
	"github.com/enrollfsm/enrollfsm/flows"
	"github.com/enrollfsm/enrollfsm/pims"
	"github.com/enrollfsm/enrollfsm/steps"
)

// aheadCall is a read asked for ahead of need (WithPrefetch).
type aheadCall struct {
	call  enrollment.Call
	step  *steps.Step
	state enrollment.State // the calling state it stands for
	after enrollment.Event // the only event by which the run may enter that state
	done  bool             // its reply came back
	used  bool             // taken by its state, or dropped: the run went another way
	msg   pims.Message
	err   error
}

// prefetch asks, with an enrollment's first call, for the reads that follow
// it on every run that goes on: from each read, the one declared edge to
// another read (1 → 2 → 3 in both enrollment flows). The table says which;
// the engine names none.
func (c *Core) prefetch() {
	if !c.cfg.Prefetch || !c.table.Enrollment {
		return
	}
	st := c.state()
	for st.Kind == flows.Calling && st.Step.Read {
		var next *flows.State
		var by enrollment.Event
		n := 0
		for _, e := range st.Edges {
			if dst, ok := c.table.State(e.Dst); ok && e.Dst != st.Name && dst.Kind == flows.Calling && dst.Step.Read {
				next, by = dst, e.Event
				n++
			}
		}
		if n != 1 {
			return
		}
		req, err := next.Step.Request(c.in)
		if err != nil {
			return
		}
		c.ahead = append(c.ahead, &aheadCall{
			call: enrollment.Call{ID: c.newCallID(), Step: next.Step.ID, Request: req, Ahead: true},
			step: next.Step, state: next.Name, after: by,
		})
		st = next
	}
}

// aheadCalls are the prefetched calls whose reply has not come back.
func (c *Core) aheadCalls() []enrollment.Call {
	var out []enrollment.Call
	for _, a := range c.ahead {
		if !a.done && !a.used && a.call.ID != c.call.ID {
			out = append(out, a.call)
		}
	}
	return out
}

// aheadCall finds a prefetched call still waiting for its reply.
func (c *Core) aheadCall(id uint64) *aheadCall {
	for _, a := range c.ahead {
		if a.call.ID == id && !a.done {
			return a
		}
	}
	return nil
}

// takeAhead returns the prefetched call of state s when the run enters s by
// the event the path expects; any other move drops those left, since their
// replies would be stale. Calls later on the path wait their turn.
func (c *Core) takeAhead(ev enrollment.Event, s enrollment.State) *aheadCall {
	for _, a := range c.ahead {
		if a.used {
			continue
		}
		if a.state == s && a.after == ev {
			a.used = true
			return a
		}
		for _, rest := range c.ahead {
			rest.used = true
		}
		return nil
	}
	return nil
}
