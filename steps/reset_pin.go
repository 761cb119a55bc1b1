package steps

import (
	"github.com/enrollfsm/enrollfsm/enrollment"
	"github.com/enrollfsm/enrollfsm/pims"
)

// ResetPIN is step B: replace a forgotten PIN, proven by the enrollment SMS
// code.
//
//	set pims.authentication.pincode {action=reset, pinCode (the new PIN), smsCode}
var ResetPIN = &Step{
	ID: "B", Name: "reset PIN", Op: pims.Set, API: APIPINCode,
	Blames: enrollment.PromptNewPIN,
	needs:  []enrollment.Prompt{enrollment.PromptEnrollmentCode, enrollment.PromptNewPIN},
	params: func(in Inputs) pims.Params {
		return pims.Pairs("action", "reset", "pinCode", in.PIN.Reveal(), "smsCode", in.EnrollmentCode.Reveal())
	},
	done: enrollment.PINReset,
}
