package enrolltest

import (
	"context"
	"errors"
)

// DeepScenario explores s and writes, as a counterexample is written, the
// run to the first state whose shortest path holds a wait, a save and
// restore, and an unknown outcome (a 2201): a test replays it to show that a
// scenario reproduces the explorer's path exactly.
func DeepScenario(s Setting) ([]byte, []string, error) {
	var found []byte
	var steps []string
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	onNewState = func(x *explorer, i int32) {
		if found != nil {
			return
		}
		var wait, restore, timeout bool
		for _, mv := range x.path(i) {
			wait = wait || mv.kind == moveWait
			restore = restore || mv.kind == moveRestore
			timeout = timeout || (mv.kind == moveReply && x.replies[mv.step][mv.reply].name == "FAILED 2201")
		}
		if wait && restore && timeout && x.nodes[i].prompt {
			ce := x.counterexample(i, nil, &PropertyError{Property: PropertyTable, Flow: x.setup.flow, Detail: "none: a test"})
			found, steps = ce.Scenario, ce.Steps
			stop() // the exploration ends at its next check of ctx
		}
	}
	defer func() { onNewState = nil }()
	res, err := CheckSetting(ctx, s, CheckOptions{})
	switch {
	case found != nil:
		return found, steps, nil
	case err != nil:
		return nil, nil, err
	case res.Violation != nil:
		return nil, nil, res.Violation.Err
	case found == nil:
	}
	return nil, nil, errors.New("no such state")
}
