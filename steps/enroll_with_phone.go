package steps

import (
	"github.com/enrollfsm/enrollfsm/enrollment"
	"github.com/enrollfsm/enrollfsm/pims"
)

// EnrollWithPhoneNumber is step 4·1, the shortcut (SDK 2.1.0 and later):
// register the phone number and the PIN and enroll the device in one call.
//
//	set pims.authentication.enrollment {action=enrollWithPhoneNumber, pinCode, smsCode, phoneNumber}
//
// A rejection sends the user back to the certification code.
var EnrollWithPhoneNumber = &Step{
	ID: "4.1", Name: "enroll with phone number", Op: pims.Set, API: APIEnrollment,
	Enrolls: true, Blames: enrollment.PromptCertificationCode,
	needs: []enrollment.Prompt{enrollment.PromptPhoneNumber, enrollment.PromptCertificationCode, enrollment.PromptNewPIN},
	params: func(in Inputs) pims.Params {
		return pims.Pairs("action", "enrollWithPhoneNumber", "pinCode", in.PIN.Reveal(), "smsCode", in.CertificationCode.Reveal(), "phoneNumber", in.Phone)
	},
	done: enrollment.DeviceEnrolled,
}
