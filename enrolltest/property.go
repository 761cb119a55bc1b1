package enrolltest

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/enrollfsm/enrollfsm"
)

// Property is one of the properties every run must have (docs/contract.md
// §8), by its number there. It is the kit's one vocabulary: the Oracle
// reports them along one run, Check over every reachable state.
type Property int

// The properties.
const (
	// PropertyRequest: every request is exactly the one docs/contract.md §2
	// gives for its step and platform, with the values the user gave.
	PropertyRequest Property = iota + 1
	// PropertyBound: the calls between two waits are bounded.
	PropertyBound
	// PropertyEnd: a terminal state can be reached from every state, and
	// every cycle waits for the user.
	PropertyEnd
	// PropertyVerify: an enrollment call (4·1, 7, 8) whose outcome is
	// unknown is never sent again before call 1 has been checked.
	PropertyVerify
	// PropertyBlocked: a 2317 or 2310 leads, in an enrollment, to
	// confirming_removal, removing_enrollments or failed (account_locked), and
	// in an account operation to failed (pims:<code>).
	PropertyBlocked
	// PropertyCounters: no counter ever goes down, none passes its limit,
	// and each is what the contract counts.
	PropertyCounters
	// PropertySnapshot: a snapshot holds no PIN and no SMS code, the engine
	// always restores its own, and the restored engine goes on as the
	// contract says (an older snapshot of the run is refused).
	PropertySnapshot
	// PropertyTable: no state is entered that the contract does not have, the
	// engine never fails internally, and (Check) every edge is taken from
	// some reachable state.
	PropertyTable
	// PropertyOracle: each reply and each answer leads to the one state the
	// contract gives for it, as the Oracle predicts it, and the limits, the
	// code lifetime and the actions offered are the contract's (or the
	// host's own), never read from the engine.
	PropertyOracle
)

var propertyNames = [...]string{"", "request", "bound", "end", "verify", "blocked", "counters", "snapshot", "table", "oracle"}

func (p Property) String() string {
	if p > 0 && int(p) < len(propertyNames) {
		return propertyNames[p]
	}
	return "Property(" + strconv.Itoa(int(p)) + ")"
}

// ErrViolation matches every *PropertyError.
var ErrViolation = errors.New("property violated")

// PropertyError is a property a run broke: which, in which flow, at which
// state, and what was seen. It never holds a PIN or an SMS code.
type PropertyError struct {
	Property Property
	Flow     enrollfsm.Flow
	State    enrollfsm.State
	Detail   string
	// Recent is the run's last moves, oldest first: replies by step and
	// code ("8:2201"), events, answers masked. Empty from Check, whose
	// counterexample is the whole path.
	Recent []string
}

func (e *PropertyError) Error() string {
	s := fmt.Sprintf("property %d (%s) violated in %s at %s: %s", int(e.Property), e.Property, e.Flow, e.State, e.Detail)
	if len(e.Recent) > 0 {
		s += "; recent: " + strings.Join(e.Recent, ", ")
	}
	return s
}

// Is matches ErrViolation.
func (e *PropertyError) Is(target error) bool { return target == ErrViolation }

// Stats counts what an Oracle saw.
type Stats struct {
	Transitions int
	Calls       int
	Answers     int
	Refused     int // answers the engine refused
	Violations  int
	// MaxBurst is the most calls made between two waits.
	MaxBurst int
}
