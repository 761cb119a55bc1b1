package enrollfsm

import (
	"slices"
	"time"

	"github.com/enrollfsm/enrollfsm/enrollment"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
)

// runState is everything a run holds but its settings, its secrets and its
// state (the machine's, never copied here), as raft's HardState is what a
// node persists: the edges' effects change it, a snapshot is it encoded
// (with the settings and the state), a restore decodes and checks it.
// Copying it is cheap, so a checker can branch from any state.
type runState struct {
	// Phone is the number being registered, normalised; Trusted the number
	// call 3 returned, as it returned it.
	Phone    string   `json:"phone,omitempty"`
	Trusted  string   `json:"trusted,omitempty"`
	Counters Counters `json:"counters"`
	// The current SMS code of each code prompt.
	CertCode   codeState `json:"certCode,omitzero"`
	EnrollCode codeState `json:"enrollCode,omitzero"`
	// The interruption: the call a retry makes again, whether its outcome is
	// unknown, and the enrollment call to send again once call 1 finds the
	// device not enrolled (kept while that check is itself interrupted).
	Resume    State `json:"resume,omitempty"`
	Unknown   bool  `json:"unknown,omitempty"`
	VerifyFor State `json:"verifyFor,omitempty"`
	// Facts of the steps' decisions (steps.Decision): the server may hold a
	// PIN of a call whose outcome was unknown, and the previous call
	// registered a PIN over it.
	PINMayBeSet    bool `json:"pinMayBeSet,omitempty"`
	AfterUnsurePIN bool `json:"afterUnsurePin,omitempty"`
	// Attempt is the attempt of the pending read, from 1; 0 at a prompt.
	Attempt int `json:"attempt,omitempty"`
	// Warnings are the steps done with a 2316, one per step.
	Warnings []warning       `json:"warnings,omitempty"`
	Failure  pimserr.Failure `json:"failure,omitempty"`
	// NextCall is the id the next call gets, so that a late reply to an
	// engine that was saved is refused by the one restored.
	NextCall uint64 `json:"nextCall"`
}

// codeState is what the run knows of an SMS code.
type codeState struct {
	Sent bool `json:"sent,omitempty"`
	// SentAt is when it was texted, in Unix milliseconds.
	SentAt int64 `json:"sentAt,omitempty"`
	// Wrong counts the wrong answers to it.
	Wrong int `json:"wrong,omitempty"`
}

// warning is a step that counted as done with a 2316.
type warning struct {
	Step string       `json:"step"`
	Code pimserr.Code `json:"code"`
}

// clone copies the run state; only its warnings are shared otherwise.
func (r runState) clone() runState {
	r.Warnings = slices.Clone(r.Warnings)
	return r
}

// code returns the state of code prompt p's code, nil for another prompt.
func (r *runState) code(p enrollment.Prompt) *codeState {
	switch p {
	case PromptCertificationCode:
		return &r.CertCode
	case PromptEnrollmentCode:
		return &r.EnrollCode
	}
	return nil
}

// warned reports whether step left a warning already.
func (r *runState) warned(step string) bool {
	return slices.ContainsFunc(r.Warnings, func(w warning) bool { return w.Step == step })
}

func msDuration(ms int64) time.Duration { return time.Duration(ms) * time.Millisecond }
