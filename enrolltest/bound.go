package enrolltest

import (
	"fmt"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/enrollment"
	"github.com/enrollfsm/enrollfsm/flows"
)

// CallBound returns the most calls a run of table can make before it waits
// for the user or ends, under limits: the longest chain of calling states
// that leads from one to the next without a prompt, each read counted
// Limits.ReadAttempts times (its retries in place), each automatic
// removal (removal_authorised), which starts a chain again from step 3,
// taken at most Limits.Removals times, and the verification of a 2317 after
// a resent step 7 (device_maybe_enrolled) at most once, since only a resent
// step 7 enables it. It is derived from the table, so a new edge that makes
// a loop of calls shows up as an error: such a loop would run without end.
func CallBound(table *flows.Table, limits enrollfsm.Limits) (int, error) {
	g := callGraph{
		name:     string(table.Name),
		removal:  enrollment.RemovalAuthorised,
		maybe:    enrollment.DeviceMaybeEnrolled,
		attempts: limits.ReadAttempts,
		call: func(s enrollment.State) (calls, read bool) {
			st, ok := table.State(s)
			if !ok || st.Kind != flows.Calling {
				return false, false
			}
			return true, st.Step.Read
		},
		out: func(s enrollment.State, visit func(ev enrollment.Event, dst enrollment.State)) {
			for _, ev := range table.Def.EventsFrom(s) {
				dst, _ := table.Def.Target(s, ev)
				visit(ev, dst)
			}
		},
	}
	for _, st := range table.States {
		g.states = append(g.states, st.Name)
	}
	return g.longest(limits.Removals)
}

// callGraph is a flow's calling states as a bound on calls reads them. The
// engine's table and the contract's model each give their own; the search
// is shared, the facts are not.
type callGraph struct {
	name           string
	states         []enrollment.State
	removal, maybe enrollment.Event // removal_authorised, device_maybe_enrolled
	attempts       int              // of a read, retried in place
	call           func(s enrollment.State) (calls, read bool)
	out            func(s enrollment.State, visit func(ev enrollment.Event, dst enrollment.State))
}

// longest is the most calls a run makes without a prompt: the longest chain
// of calling states, each read counted attempts times, the removal edge
// taken at most removals times, and the maybe edge at most once. A loop of
// calls with no prompt is an error: it would run without end.
func (g callGraph) longest(removals int) (int, error) {
	type key struct {
		s        enrollment.State
		removals int
		doubt    bool // the maybe edge may still be taken
	}
	memo := map[key]int{}
	onPath := map[key]bool{}
	var longest func(s enrollment.State, removals int, doubt bool) (int, error)
	longest = func(s enrollment.State, removals int, doubt bool) (int, error) {
		calls, read := g.call(s)
		if !calls {
			return 0, nil
		}
		k := key{s, removals, doubt}
		if n, ok := memo[k]; ok {
			return n, nil
		}
		if onPath[k] {
			return 0, fmt.Errorf("enrolltest: %s has a loop of calls through %s with no prompt", g.name, s)
		}
		onPath[k] = true
		defer delete(onPath, k)
		best := 0
		var err error
		g.out(s, func(ev enrollment.Event, dst enrollment.State) {
			left, doubtLeft := removals, doubt
			switch {
			case err != nil, dst == s: // a read retried in place: counted below
				return
			case ev == g.removal && removals == 0:
				return
			case ev == g.removal:
				left--
			case ev == g.maybe && !doubt:
				return
			case ev == g.maybe:
				doubtLeft = false
			}
			var n int
			n, err = longest(dst, left, doubtLeft)
			best = max(best, n)
		})
		if err != nil {
			return 0, err
		}
		weight := 1
		if read {
			weight = g.attempts
		}
		memo[k] = weight + best
		return weight + best, nil
	}
	bound := 0
	for _, s := range g.states {
		n, err := longest(s, removals, true)
		if err != nil {
			return 0, err
		}
		bound = max(bound, n)
	}
	return bound, nil
}
