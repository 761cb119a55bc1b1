package enrollfsm

import (
	"github.com/enrollfsm/enrollfsm/flows"
	"github.com/enrollfsm/enrollfsm/internal/core"
)

// Flows lists every flow name New, a scenario or the command line accepts.
func Flows() []Flow { return core.Flows() }

// Describe returns what the registry says of flow f: whether it needs a VIN,
// the oldest SDK it runs on, the flows auto picks between.
func Describe(f Flow) (FlowInfo, bool) { return core.Describe(f) }

// Tables returns the transition table of every flow but auto, by name: a
// copy for the caller, so that nothing it does changes a running engine.
func Tables() map[Flow]*flows.Table { return core.Tables() }
