// Package hooks lets the test kit (enrolltest) copy an engine and read its
// run state without growing the public API: the root package sets these
// variables in its init, and only packages of this module can import them.
package hooks

import "time"

// Inputs held by an engine, as bits of RunState.Held.
const (
	HeldPhone = 1 << iota
	HeldCertificationCode
	HeldEnrollmentCode
	HeldPIN
	HeldOldPIN
	// HeldSecrets are the bits a snapshot never keeps.
	HeldSecrets = HeldCertificationCode | HeldEnrollmentCode | HeldPIN | HeldOldPIN
)

// RunState is what an engine holds that decides how it goes on: its state
// and everything a snapshot keeps, plus what a snapshot may drop. Values of
// secrets and the run-wide call count (and call ids) are left out, so two
// runs that differ only by them have the same RunState.
type RunState struct {
	State string
	// WrongCodes, WrongPINs, Resends, Removals; Counters.Calls aside.
	Counters [4]int
	// Per code prompt (certification, enrollment): wrong answers, whether
	// it was texted, and how long ago by the engine's clock.
	CodeWrong [2]int
	CodeSent  [2]bool
	CodeAge   [2]time.Duration
	Held      uint8 // Held* bits
	Trusted   string
	// Attempt of the pending read; 0 at a waiting or terminal state, where
	// the next calling state starts again from 1.
	Attempt int
	// The interruption: the call to retry and whether its outcome is
	// unknown (at interrupted only), the enrollment call to resume (at
	// interrupted and verifying_enrollment only). Elsewhere the engine never
	// reads them, so they are left empty.
	Resume       string
	Unknown      bool
	VerifyFor    string
	Step7Unknown bool
	AfterResend  bool
	Warnings     []string // "step:code", in order
	Outcome      string
	Failure      string
	// Other prints the engine's fields this hook does not know yet, so that
	// a field added later still tells runs apart.
	Other string
}

var (
	// Clone returns a copy of an *enrollfsm.Engine that goes on on its own:
	// nothing it does changes the original. It returns nil for anything else.
	Clone func(engine any) any
	// State returns the RunState of an *enrollfsm.Engine; false for anything
	// else.
	State func(engine any) (RunState, bool)
)
