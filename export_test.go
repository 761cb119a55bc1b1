package enrollfsm

import "github.com/enrollfsm/enrollfsm/fsm"

// NewEngineSized allocates what New allocates for an engine itself, one
// object of its type, for the benchmark of what the API costs any engine.
func NewEngineSized() any {
	return &struct {
		e Engine
		m fsm.Machine
	}{}
}
