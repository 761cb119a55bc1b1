// Package shortcut is the shortcut enrollment flow (SDK 2.1.0 and later):
// with no phone registered, step 4·1 (enrollWithPhoneNumber) registers the
// phone and the PIN and enrolls the device in one call. With a phone already
// registered the shortcut is not available and steps 5 to 8 run.
package shortcut

import (
	"github.com/enrollfsm/enrollfsm/enrollment"
	"github.com/enrollfsm/enrollfsm/flows"
	"github.com/enrollfsm/enrollfsm/steps"
)

// Table is the shortcut flow, top to bottom in the tutorial's order; the
// interruption, the verification and the end states close it.
var Table = flows.Enrollment(flows.About{Name: "shortcut", MinSDK: "2.1.0",
	Summary: "enroll with step 4·1 (enrollWithPhoneNumber) when no phone is registered"},
	[]flows.State{flows.Begin(enrollment.CheckingEnrollment)},
	// 1, 2, A, 3
	flows.CheckStatus(),
	// no phone: certify one (4a), then ask the new PIN
	flows.CertifyPhone(enrollment.AwaitingShortcutPIN),
	[]flows.State{
		flows.Wait(enrollment.AwaitingShortcutPIN, enrollment.PromptNewPIN,
			flows.On(enrollment.NewPINGiven, enrollment.EnrollingWithPhoneNumber),
			flows.On(enrollment.CancelRequested, enrollment.Cancelled)),
		// 4·1 — enroll with phone number
		flows.Call(enrollment.EnrollingWithPhoneNumber, steps.EnrollWithPhoneNumber,
			flows.On(enrollment.DeviceEnrolled, enrollment.Enrolled),
			flows.Rejected(enrollment.AwaitingCertificationCode)),
	},
	// phone already registered: 5, 6, 7, 8 and B
	flows.EnrollWithCode(),
)
