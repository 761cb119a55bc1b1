package enrollfsm

// NewEngineSized allocates what New allocates for an engine itself, for the
// benchmark of what the API costs any engine.
func NewEngineSized() any { return new(withMachine) }
