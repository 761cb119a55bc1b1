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
	type key struct {
		s        enrollment.State
		removals int
		doubt    bool // device_maybe_enrolled may still be taken
	}
	memo := map[key]int{}
	onPath := map[key]bool{}
	var longest func(s enrollment.State, removals int, doubt bool) (int, error)
	longest = func(s enrollment.State, removals int, doubt bool) (int, error) {
		st, ok := table.State(s)
		if !ok || st.Kind != flows.Calling {
			return 0, nil
		}
		k := key{s, removals, doubt}
		if n, ok := memo[k]; ok {
			return n, nil
		}
		if onPath[k] {
			return 0, fmt.Errorf("enrolltest: %s has a loop of calls through %s with no prompt", table.Name, s)
		}
		onPath[k] = true
		defer delete(onPath, k)
		best := 0
		for _, ev := range table.Def.EventsFrom(s) {
			dst, _ := table.Def.Target(s, ev)
			left, doubtLeft := removals, doubt
			switch {
			case dst == s: // a read retried in place: counted below
				continue
			case ev == enrollment.RemovalAuthorised && removals == 0:
				continue
			case ev == enrollment.RemovalAuthorised:
				left--
			case ev == enrollment.DeviceMaybeEnrolled && !doubt:
				continue
			case ev == enrollment.DeviceMaybeEnrolled:
				doubtLeft = false
			}
			n, err := longest(dst, left, doubtLeft)
			if err != nil {
				return 0, err
			}
			best = max(best, n)
		}
		weight := 1
		if st.Step.Read {
			weight = limits.ReadAttempts
		}
		memo[k] = weight + best
		return weight + best, nil
	}
	bound := 0
	for _, st := range table.States {
		n, err := longest(st.Name, limits.Removals, true)
		if err != nil {
			return 0, err
		}
		bound = max(bound, n)
	}
	return bound, nil
}
