// Package account holds the account operations of the tutorial (steps A to
// E), each its own small machine ending in done, failed or cancelled. Their
// preconditions are checked by calls: an active enrollment (call 1) for B, C
// and D, and a trusted phone number (call 3) for D. A blocked account (2310,
// 2317) fails an operation rather than removing enrollments.
package account

import (
	"github.com/enrollfsm/enrollfsm/enrollment"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/flows"
	"github.com/enrollfsm/enrollfsm/steps"
)

var cancel = flows.On(enrollment.CancelRequested, enrollment.Cancelled)

// mustBeEnrolled is call 1 as a precondition: a device that is not enrolled
// fails the operation with not_enrolled.
func mustBeEnrolled(next enrollment.State) flows.State {
	return flows.Call(enrollment.CheckingEnrollment, steps.CheckEnrollment,
		flows.On(enrollment.DeviceActivated, next),
		flows.Fails(enrollment.DeviceNotActivated, pimserr.FailureNotEnrolled))
}

func operation(about flows.About, states ...[]flows.State) *flows.Table {
	return flows.MustCompile(flows.Spec{
		About:       about,
		Success:     enrollment.Done,
		OnEveryCall: flows.OperationCalls,
		States:      flows.Join(append(states, flows.Interruption(), flows.Ends(enrollment.Done))...),
	})
}

// RemoveEnrollments is step A on its own: remove every enrollment of the
// account, signing every device out.
var RemoveEnrollments = operation(flows.About{Name: "remove_enrollments", Summary: "step A: remove every enrollment of the account"},
	[]flows.State{
		flows.Begin(enrollment.RemovingEnrollments),
		// A — remove all enrollments
		flows.Call(enrollment.RemovingEnrollments, steps.RemoveEnrollments,
			flows.On(enrollment.EnrollmentsRemoved, enrollment.Done)),
	})

// ResetPIN is step B: a new PIN proven by an enrollment SMS code, then step 8
// enrolls the device with it.
var ResetPIN = operation(flows.About{Name: "reset_pin", Summary: "step B: set a new PIN proven by an SMS code"},
	[]flows.State{
		flows.Begin(enrollment.CheckingEnrollment),
		// 1 — an active enrollment is required
		mustBeEnrolled(enrollment.RequestingEnrollmentSMS),
		// 5 — request enrollment SMS
		flows.Call(enrollment.RequestingEnrollmentSMS, steps.RequestEnrollmentSMS,
			flows.On(enrollment.EnrollmentSMSSent, enrollment.AwaitingEnrollmentCode).Does(flows.StartCode(flows.EnrollmentCode))),
		flows.Wait(enrollment.AwaitingEnrollmentCode, enrollment.PromptEnrollmentCode,
			flows.On(enrollment.EnrollmentCodeGiven, enrollment.AwaitingNewPIN),
			flows.On(enrollment.ResendRequested, enrollment.RequestingEnrollmentSMS).Does(flows.SpendResend),
			cancel).AsksCode(flows.EnrollmentCode, flows.TrustedPhone),
		flows.Wait(enrollment.AwaitingNewPIN, enrollment.PromptNewPIN,
			flows.On(enrollment.NewPINGiven, enrollment.ResettingPIN),
			cancel),
		// B — reset PIN
		flows.Call(enrollment.ResettingPIN, steps.ResetPIN,
			flows.On(enrollment.PINReset, enrollment.EnrollingDevice),
			flows.Rejected(enrollment.AwaitingNewPIN)),
		// 8 — enroll device with the new PIN
		flows.Call(enrollment.EnrollingDevice, steps.EnrollDevice,
			flows.On(enrollment.DeviceEnrolled, enrollment.Done),
			flows.Rejected(enrollment.AwaitingPIN)),
		flows.Wait(enrollment.AwaitingPIN, enrollment.PromptPIN,
			flows.On(enrollment.PINGiven, enrollment.EnrollingDevice),
			cancel),
	},
	flows.Verification(enrollment.Done))

// UpdatePIN is step C: the old PIN, the new one, then the update.
var UpdatePIN = operation(flows.About{Name: "update_pin", Summary: "step C: change the PIN, given the current one"},
	[]flows.State{
		flows.Begin(enrollment.CheckingEnrollment),
		// 1 — an active enrollment is required
		mustBeEnrolled(enrollment.AwaitingOldPIN),
		flows.Wait(enrollment.AwaitingOldPIN, enrollment.PromptOldPIN,
			flows.On(enrollment.OldPINGiven, enrollment.AwaitingNewPIN),
			cancel),
		flows.Wait(enrollment.AwaitingNewPIN, enrollment.PromptNewPIN,
			flows.On(enrollment.NewPINGiven, enrollment.UpdatingPIN),
			cancel),
		// C — update PIN
		flows.Call(enrollment.UpdatingPIN, steps.UpdatePIN,
			flows.On(enrollment.PINUpdated, enrollment.Done),
			flows.Rejected(enrollment.AwaitingOldPIN)),
	})

// ModifyPhone is step D: an enrolled device with a trusted phone certifies a
// new number by SMS (4a) and registers it.
var ModifyPhone = operation(flows.About{Name: "modify_phone", Summary: "step D: certify and register a new phone number"},
	[]flows.State{
		flows.Begin(enrollment.CheckingEnrollment),
		// 1 — an active enrollment is required
		mustBeEnrolled(enrollment.CheckingPhone),
		// 3 — a phone number is required
		flows.Call(enrollment.CheckingPhone, steps.CheckPhone,
			flows.On(enrollment.PhonePresent, enrollment.AwaitingPhoneNumber).Does(flows.KeepTrustedPhone),
			flows.Fails(enrollment.PhoneAbsent, pimserr.FailureNoPhoneNumber)),
	},
	// 4a — certify the new number
	flows.CertifyPhone(enrollment.ModifyingPhoneNumber),
	[]flows.State{
		// D — modify phone number
		flows.Call(enrollment.ModifyingPhoneNumber, steps.ModifyPhoneNumber,
			flows.On(enrollment.PhoneNumberModified, enrollment.Done),
			flows.Rejected(enrollment.AwaitingCertificationCode)),
	})

// RemoveVehicle is step E: the VIN, given at start, is detached from the
// account.
var RemoveVehicle = operation(flows.About{Name: "remove_vehicle", NeedsVIN: true, Summary: "step E: detach a vehicle (the VIN) from the account"},
	[]flows.State{
		flows.Begin(enrollment.RemovingVehicle),
		// E — remove vehicle association
		flows.Call(enrollment.RemovingVehicle, steps.RemoveVehicle,
			flows.On(enrollment.VehicleRemoved, enrollment.Done)),
	})

// Operations lists every operation, in the tutorial's order.
var Operations = []*flows.Table{RemoveEnrollments, ResetPIN, UpdatePIN, ModifyPhone, RemoveVehicle}
