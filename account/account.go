// Package account holds the account operations of the tutorial (steps A to
// E), each its own small machine ending in done, failed or cancelled. Their
// preconditions are checked by calls: an active enrollment (call 1) for B, C
// and D, and a trusted phone number (call 3) for D. A blocked account (2310,
// 2317) fails an operation rather than removing enrollments.
package account

import (
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/flows"
	"github.com/enrollfsm/enrollfsm/fsm"
	"github.com/enrollfsm/enrollfsm/steps"
)

var cancel = flows.On(fsm.CancelRequested, fsm.Cancelled)

// mustBeEnrolled is call 1 as a precondition: a device that is not enrolled
// fails the operation with not_enrolled.
func mustBeEnrolled(next fsm.State) flows.State {
	return flows.Call(fsm.CheckingEnrollment, steps.CheckEnrollment,
		flows.On(fsm.DeviceActivated, next),
		flows.Fails(fsm.DeviceNotActivated, pimserr.FailureNotEnrolled))
}

func operation(about flows.About, states ...[]flows.State) *flows.Table {
	return flows.MustCompile(flows.Spec{
		About:       about,
		Success:     fsm.Done,
		OnEveryCall: flows.OperationCalls,
		States:      flows.Join(append(states, flows.Interruption(), flows.Ends(fsm.Done))...),
	})
}

// RemoveEnrollments is step A on its own: remove every enrollment of the
// account, signing every device out.
var RemoveEnrollments = operation(flows.About{Name: "remove_enrollments", Summary: "step A: remove every enrollment of the account"},
	[]flows.State{
		flows.Begin(fsm.RemovingEnrollments),
		// A — remove all enrollments
		flows.Call(fsm.RemovingEnrollments, steps.RemoveEnrollments,
			flows.On(fsm.EnrollmentsRemoved, fsm.Done)),
	})

// ResetPIN is step B: a new PIN proven by an enrollment SMS code, then step 8
// enrolls the device with it.
var ResetPIN = operation(flows.About{Name: "reset_pin", Summary: "step B: set a new PIN proven by an SMS code"},
	[]flows.State{
		flows.Begin(fsm.CheckingEnrollment),
		// 1 — an active enrollment is required
		mustBeEnrolled(fsm.RequestingEnrollmentSMS),
		// 5 — request enrollment SMS
		flows.Call(fsm.RequestingEnrollmentSMS, steps.RequestEnrollmentSMS,
			flows.On(fsm.EnrollmentSMSSent, fsm.AwaitingEnrollmentCode).Does(flows.StartCode(fsm.PromptEnrollmentCode))),
		flows.Wait(fsm.AwaitingEnrollmentCode, fsm.PromptEnrollmentCode,
			flows.On(fsm.EnrollmentCodeGiven, fsm.AwaitingNewPIN),
			flows.On(fsm.ResendRequested, fsm.RequestingEnrollmentSMS).Does(flows.SpendResend),
			cancel),
		flows.Wait(fsm.AwaitingNewPIN, fsm.PromptNewPIN,
			flows.On(fsm.NewPINGiven, fsm.ResettingPIN),
			cancel),
		// B — reset PIN
		flows.Call(fsm.ResettingPIN, steps.ResetPIN,
			flows.On(fsm.PINReset, fsm.EnrollingDevice),
			flows.Rejected(fsm.AwaitingNewPIN)),
		// 8 — enroll device with the new PIN
		flows.Call(fsm.EnrollingDevice, steps.EnrollDevice,
			flows.On(fsm.DeviceEnrolled, fsm.Done),
			flows.Rejected(fsm.AwaitingPIN)),
		flows.Wait(fsm.AwaitingPIN, fsm.PromptPIN,
			flows.On(fsm.PINGiven, fsm.EnrollingDevice),
			cancel),
	},
	flows.Verification(fsm.Done))

// UpdatePIN is step C: the old PIN, the new one, then the update.
var UpdatePIN = operation(flows.About{Name: "update_pin", Summary: "step C: change the PIN, given the current one"},
	[]flows.State{
		flows.Begin(fsm.CheckingEnrollment),
		// 1 — an active enrollment is required
		mustBeEnrolled(fsm.AwaitingOldPIN),
		flows.Wait(fsm.AwaitingOldPIN, fsm.PromptOldPIN,
			flows.On(fsm.OldPINGiven, fsm.AwaitingNewPIN),
			cancel),
		flows.Wait(fsm.AwaitingNewPIN, fsm.PromptNewPIN,
			flows.On(fsm.NewPINGiven, fsm.UpdatingPIN),
			cancel),
		// C — update PIN
		flows.Call(fsm.UpdatingPIN, steps.UpdatePIN,
			flows.On(fsm.PINUpdated, fsm.Done),
			flows.Rejected(fsm.AwaitingOldPIN)),
	})

// ModifyPhone is step D: an enrolled device with a trusted phone certifies a
// new number by SMS (4a) and registers it.
var ModifyPhone = operation(flows.About{Name: "modify_phone", Summary: "step D: certify and register a new phone number"},
	[]flows.State{
		flows.Begin(fsm.CheckingEnrollment),
		// 1 — an active enrollment is required
		mustBeEnrolled(fsm.CheckingPhone),
		// 3 — a phone number is required
		flows.Call(fsm.CheckingPhone, steps.CheckPhone,
			flows.On(fsm.PhonePresent, fsm.AwaitingPhoneNumber).Does(flows.KeepTrustedPhone),
			flows.Fails(fsm.PhoneAbsent, pimserr.FailureNoPhoneNumber)),
	},
	// 4a — certify the new number
	flows.CertifyPhone(fsm.ModifyingPhoneNumber),
	[]flows.State{
		// D — modify phone number
		flows.Call(fsm.ModifyingPhoneNumber, steps.ModifyPhoneNumber,
			flows.On(fsm.PhoneNumberModified, fsm.Done),
			flows.Rejected(fsm.AwaitingCertificationCode)),
	})

// RemoveVehicle is step E: the VIN, given at start, is detached from the
// account.
var RemoveVehicle = operation(flows.About{Name: "remove_vehicle", NeedsVIN: true, Summary: "step E: detach a vehicle (the VIN) from the account"},
	[]flows.State{
		flows.Begin(fsm.RemovingVehicle),
		// E — remove vehicle association
		flows.Call(fsm.RemovingVehicle, steps.RemoveVehicle,
			flows.On(fsm.VehicleRemoved, fsm.Done)),
	})

// Operations lists every operation, in the tutorial's order.
var Operations = []*flows.Table{RemoveEnrollments, ResetPIN, UpdatePIN, ModifyPhone, RemoveVehicle}
