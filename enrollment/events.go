package enrollment

import (
	"strings"

	"github.com/enrollfsm/enrollfsm/fsm"
)

// Event is a fact that moves a machine: a call's outcome or a user's answer.
type Event = fsm.Event

// Begin starts a run.
const Begin Event = "begin"

// Outcomes of calls, emitted by the steps' interpreters.
const (
	// DeviceActivated: call 1 says the device is enrolled.
	DeviceActivated Event = "device_activated"
	// DeviceNotActivated: call 1 says the device is not enrolled.
	DeviceNotActivated Event = "device_not_activated"
	// AccountNotBlocked: call 2 says the account may enroll.
	AccountNotBlocked Event = "account_not_blocked"
	// RemovalRequired: the account is blocked (call 2, or 2310/2317 at any
	// call); the user is asked before every enrollment is removed.
	RemovalRequired Event = "removal_required"
	// RemovalAuthorised: as RemovalRequired, when the integrator opted into
	// automatic removal; no question is asked.
	RemovalAuthorised Event = "removal_authorised"
	// EnrollmentsRemoved: call A succeeded.
	EnrollmentsRemoved Event = "enrollments_removed"
	// PhonePresent: call 3 found a trusted phone number.
	PhonePresent Event = "phone_present"
	// PhoneAbsent: call 3 found none.
	PhoneAbsent Event = "phone_absent"
	// CertificationSMSSent: call 4a texted a code to the new number.
	CertificationSMSSent Event = "certification_sms_sent"
	// DeviceEnrolled: call 4·1 or 8 enrolled the device.
	DeviceEnrolled Event = "device_enrolled"
	// DeviceMaybeEnrolled: call 8 was refused with 2317 right after a step 7
	// that came after another step 7 with an unknown outcome. The server may
	// have taken the later one as step 8 and enrolled the device, so call 1
	// checks before any removal is asked.
	DeviceMaybeEnrolled Event = "device_maybe_enrolled"
	// PhoneNumberAdded: call 4·2 registered the phone number.
	PhoneNumberAdded Event = "phone_number_added"
	// EnrollmentSMSSent: call 5 texted an enrollment code.
	EnrollmentSMSSent Event = "enrollment_sms_sent"
	// PINExists: call 6 says the account has a PIN (AlreadyEnrolled).
	PINExists Event = "pin_exists"
	// PINMissing: call 6 says the account has no PIN (NotEnrolled).
	PINMissing Event = "pin_missing"
	// PINRegistered: call 7 registered the new PIN.
	PINRegistered Event = "pin_registered"
	// PINReset: call B replaced the PIN.
	PINReset Event = "pin_reset"
	// PINUpdated: call C replaced the PIN.
	PINUpdated Event = "pin_updated"
	// PhoneNumberModified: call D replaced the phone number.
	PhoneNumberModified Event = "phone_number_modified"
	// VehicleRemoved: call E detached the vehicle.
	VehicleRemoved Event = "vehicle_removed"

	// InputRejected: the backend refused the user's answer (2102, 2308);
	// the prompt that gave it is asked again.
	InputRejected Event = "input_rejected"
	// ReadRetried: a read (call 1, 2 or 3) failed transiently and is made
	// again after a backoff. A self-loop: the state is not re-entered.
	ReadRetried Event = "read_retried"
	// CallInterrupted: a transient failure, a bridge error or a cancelled
	// context; the user may retry.
	CallInterrupted Event = "call_interrupted"
	// CallFailed: the run cannot go on; the outcome says why.
	CallFailed Event = "call_failed"
)

// Answers of the user, fired by the engine at waiting states.
const (
	PhoneNumberGiven       Event = "phone_number_given"
	CertificationCodeGiven Event = "certification_code_given"
	EnrollmentCodeGiven    Event = "enrollment_code_given"
	PINGiven               Event = "pin_given"
	NewPINGiven            Event = "new_pin_given"
	OldPINGiven            Event = "old_pin_given"
	// RemovalConfirmed: the user agreed to remove every enrollment.
	RemovalConfirmed Event = "removal_confirmed"
	// RemovalDeclined: the user refused; the run is cancelled.
	RemovalDeclined Event = "removal_declined"
	// ResendRequested: the user asked for a new SMS code.
	ResendRequested Event = "resend_requested"
	// PhoneChangeRequested: the user wants to type another phone number.
	PhoneChangeRequested Event = "phone_change_requested"
	// PINForgotten: the user does not remember the PIN; it is reset.
	PINForgotten Event = "pin_forgotten"
	// CancelRequested: the user stopped the run.
	CancelRequested Event = "cancel_requested"
	// VerifyRequested: retry after an enrollment call with an unknown
	// outcome; call 1 checks first.
	VerifyRequested Event = "verify_requested"
)

// Moves of a restored engine, which holds no PIN and no SMS code: each
// takes the run back to the prompt of an answer it lost.
const (
	// AnswerLost: the call this prompt's answer leads to also needs an
	// answer the restore lost; the prompt that gives it is asked first.
	AnswerLost Event = "answer_lost"
	// AttemptsExhausted: the interrupted call carried a PIN or a code whose
	// reply never came; counted as wrong, it was the last one allowed.
	AttemptsExhausted Event = "attempts_exhausted"
)

const (
	retryPrefix  = "retry_"
	resumePrefix = "resume_"
	lostPrefix   = "answers_lost_"
)

// RetryEvent is the event that leaves Interrupted for the calling state s.
// looplab maps each (event, source) pair to one destination, so each
// destination has its own event.
func RetryEvent(s State) Event { return Event(retryPrefix + string(s)) }

// ResumeEvent is the event that leaves VerifyingEnrollment for the enrollment
// call s, when call 1 says the device is not enrolled.
func ResumeEvent(s State) Event { return Event(resumePrefix + string(s)) }

// AnswersLostEvent is the event that leaves Interrupted or
// VerifyingEnrollment, in a restored run, for the prompt of the calling state
// s whose answers the restore lost: where a refusal of its answer leads.
func AnswersLostEvent(s State) Event { return Event(lostPrefix + string(s)) }

// AnswersLostCall returns the calling state of an AnswersLostEvent.
func AnswersLostCall(e Event) (State, bool) {
	s, ok := strings.CutPrefix(string(e), lostPrefix)
	return State(s), ok
}

// RetryTarget returns the state a RetryEvent leads to.
func RetryTarget(e Event) (State, bool) {
	s, ok := strings.CutPrefix(string(e), retryPrefix)
	return State(s), ok
}

// ResumeTarget returns the state a ResumeEvent leads to.
func ResumeTarget(e Event) (State, bool) {
	s, ok := strings.CutPrefix(string(e), resumePrefix)
	return State(s), ok
}
