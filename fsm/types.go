package fsm

// State is a state of a machine; Event moves it. The enrollment's own
// states and events are declared in package enrollment.
type (
	State string
	Event string
)
