// Package enrollment holds the words of the enrollment and the account
// operations: every state, event, prompt and action the tables use, each
// with a line on when it is entered, emitted or asked. The machine that
// moves between them is package fsm; the tables that join them, flows.
package enrollment

import "github.com/enrollfsm/enrollfsm/fsm"

// State is a state of an enrollment or account machine, in snake_case. A
// calling state makes its one call on entry and leaves at once; a waiting
// state holds a prompt; a terminal state ends the run.
type State = fsm.State

// The states of every machine. Each comment says when it is entered.
const (
	// Start is where every run begins, before its first call.
	Start State = "start"

	// CheckingEnrollment makes call 1: is this device enrolled already?
	CheckingEnrollment State = "checking_enrollment"
	// CheckingAccount makes call 2: is the account blocked?
	CheckingAccount State = "checking_account"
	// ConfirmingRemoval asks the user before removing every enrollment,
	// which signs their other devices out.
	ConfirmingRemoval State = "confirming_removal"
	// RemovingEnrollments makes call A: remove every enrollment of the account.
	RemovingEnrollments State = "removing_enrollments"
	// CheckingPhone makes call 3: has the account a trusted phone number?
	CheckingPhone State = "checking_phone"
	// AwaitingPhoneNumber asks for the phone number to register.
	AwaitingPhoneNumber State = "awaiting_phone_number"
	// RequestingCertificationSMS makes call 4a: text a code to the new number.
	RequestingCertificationSMS State = "requesting_certification_sms"
	// AwaitingCertificationCode asks for the code texted by call 4a.
	AwaitingCertificationCode State = "awaiting_certification_code"
	// AwaitingShortcutPIN asks for the new PIN of a shortcut enrollment.
	AwaitingShortcutPIN State = "awaiting_shortcut_pin"
	// EnrollingWithPhoneNumber makes call 4·1: register the phone and the PIN
	// and enroll the device in one call (SDK 2.1.0 and later).
	EnrollingWithPhoneNumber State = "enrolling_with_phone_number"
	// AddingPhoneNumber makes call 4·2: register the certified phone number.
	AddingPhoneNumber State = "adding_phone_number"
	// RequestingEnrollmentSMS makes call 5: text an enrollment code to the
	// trusted phone.
	RequestingEnrollmentSMS State = "requesting_enrollment_sms"
	// AwaitingEnrollmentCode asks for the code texted by call 5.
	AwaitingEnrollmentCode State = "awaiting_enrollment_code"
	// CheckingPIN makes call 6: validate the enrollment code and learn
	// whether the account has a PIN.
	CheckingPIN State = "checking_pin"
	// AwaitingPIN asks for the account's existing PIN.
	AwaitingPIN State = "awaiting_pin"
	// AwaitingNewPIN asks for a new PIN.
	AwaitingNewPIN State = "awaiting_new_pin"
	// RegisteringPIN makes call 7: register the new PIN.
	RegisteringPIN State = "registering_pin"
	// EnrollingDevice makes call 8: enroll the device, validating the PIN.
	EnrollingDevice State = "enrolling_device"
	// AwaitingResetPIN asks for the new PIN of a forgotten-PIN reset.
	AwaitingResetPIN State = "awaiting_reset_pin"
	// ResettingPIN makes call B: replace the PIN, proven by the SMS code.
	ResettingPIN State = "resetting_pin"
	// AwaitingOldPIN asks for the current PIN before an update.
	AwaitingOldPIN State = "awaiting_old_pin"
	// UpdatingPIN makes call C: replace the old PIN by the new one.
	UpdatingPIN State = "updating_pin"
	// ModifyingPhoneNumber makes call D: replace the trusted phone number.
	ModifyingPhoneNumber State = "modifying_phone_number"
	// RemovingVehicle makes call E: detach a vehicle from the account.
	RemovingVehicle State = "removing_vehicle"

	// Interrupted follows a transient failure, a bridge error or a cancelled
	// context; the user may retry the same request.
	Interrupted State = "interrupted"
	// VerifyingEnrollment makes call 1 before an enrollment call whose
	// outcome is unknown is sent again.
	VerifyingEnrollment State = "verifying_enrollment"

	// Enrolled: the device is enrolled. Terminal.
	Enrolled State = "enrolled"
	// Done: the account operation succeeded. Terminal.
	Done State = "done"
	// Failed: the run failed; the outcome says why. Terminal.
	Failed State = "failed"
	// Cancelled: the user stopped the run. Terminal.
	Cancelled State = "cancelled"
)
