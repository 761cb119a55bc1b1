package steps

import (
	"github.com/enrollfsm/enrollfsm/enrollment"
	"github.com/enrollfsm/enrollfsm/pims"
)

// ModifyPhoneNumber is step D: replace the trusted phone number by the one
// certified with call 4a.
//
//	set pims.authentication.smscode {type=modifyPhoneNumber, smsCode, phoneNumber}
var ModifyPhoneNumber = &Step{
	ID: "D", Name: "modify phone number", Op: pims.Set, API: APISMSCode,
	Blames: enrollment.PromptCertificationCode,
	needs:  []enrollment.Prompt{enrollment.PromptPhoneNumber, enrollment.PromptCertificationCode},
	params: func(in Inputs) pims.Params {
		return pims.Pairs("type", "modifyPhoneNumber", "smsCode", in.CertificationCode.Reveal(), "phoneNumber", in.Phone)
	},
	done: enrollment.PhoneNumberModified,
}
