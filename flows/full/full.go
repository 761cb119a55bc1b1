// Package full is the full enrollment flow: steps 1 to 8 through step 4·2
// (add phone number), for every SDK version.
package full

import (
	"github.com/enrollfsm/enrollfsm/enrollment"
	"github.com/enrollfsm/enrollfsm/flows"
	"github.com/enrollfsm/enrollfsm/steps"
)

// Table is the full flow, top to bottom in the tutorial's order; the
// interruption, the verification and the end states close it.
var Table = flows.Enrollment(flows.About{Name: "full", Summary: "enroll through steps 1 to 8, adding a phone with step 4·2"},
	[]flows.State{flows.Begin(enrollment.CheckingEnrollment)},
	// 1, 2, A, 3
	flows.CheckStatus(),
	// no phone: certify one (4a), then register it (4·2)
	flows.CertifyPhone(enrollment.AddingPhoneNumber),
	[]flows.State{
		// 4·2 — register trusted phone number
		flows.Call(enrollment.AddingPhoneNumber, steps.AddPhoneNumber,
			flows.On(enrollment.PhoneNumberAdded, enrollment.RequestingEnrollmentSMS).Does(flows.TrustNewPhone),
			flows.Rejected(enrollment.AwaitingCertificationCode)),
	},
	// 5, 6, 7, 8 and B
	flows.EnrollWithCode(),
)
