package core

import (
	"slices"

	"github.com/enrollfsm/enrollfsm/enrollment"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/flows"
)

// Run is everything a run holds but its settings, its answers and its
// state (the machine's), as raft's HardState is what a node persists: the
// edges' effects change it, a snapshot is it encoded (with the settings,
// the state and the phone numbers, which the answers hold), a restore
// decodes and checks it. Copying it is cheap, so a checker can branch from any state.
type Run struct {
	// ID names the run, given at its first snapshot; Seq is its place, which
	// grows with every call made, every answer counted at a restore and
	// every snapshot.
	ID       string
	Seq      uint64
	Counters enrollment.Counters
	// Codes are the run's SMS codes, by slot (flows.CodeSlot).
	Codes [flows.CodeSlots]Code
	// The interruption: the call a retry makes again; whether its outcome is
	// unknown, so that call 1 checks first; the enrollment call to send again
	// once call 1 finds the device not enrolled (kept while that check is
	// itself interrupted); whether the call reached the backend; and
	// whether the PIN or code it carried got no reply (Decision.Unsure).
	Resume    enrollment.State
	Unknown   bool
	VerifyFor enrollment.State
	Made      bool
	Unsure    bool
	// The step-7 rule (steps.Decision): the server may hold a PIN of a call
	// whose outcome was unknown, and the previous call registered a PIN
	// over it.
	PINMayBeSet    bool
	AfterUnsurePIN bool
	// Attempt is the attempt of the pending read, from 1; 0 at a prompt.
	Attempt int
	// Warnings are the steps done with a 2316, one per step.
	Warnings []Warning
	Failure  pimserr.Failure
	// NextCall is the id the next call gets, so that a late reply to an
	// engine that was saved is refused by the one restored.
	NextCall uint64
}

// Code is what the run knows of an SMS code.
type Code struct {
	Sent bool
	// SentAt is when it was texted, in Unix milliseconds.
	SentAt int64
	// Wrong counts the wrong answers to it.
	Wrong int
}

// Warning is a step that counted as done with a 2316.
type Warning struct {
	Step string
	Code pimserr.Code
}

// Clone copies the run state. The warnings are shared, clipped to their
// length, so that a warning either copy adds goes to an array of its own.
func (r Run) Clone() Run {
	r.Warnings = slices.Clip(r.Warnings)
	return r
}
