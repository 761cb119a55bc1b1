package steps

import (
	"github.com/enrollfsm/enrollfsm/enrollment"
	"github.com/enrollfsm/enrollfsm/pims"
)

// AddPhoneNumber is step 4·2 of the full flow: register the certified number.
//
//	set pims.authentication.smscode {type=addPhoneNumber, smsCode, phoneNumber}
var AddPhoneNumber = &Step{
	ID: "4.2", Name: "add phone number", Op: pims.Set, API: APISMSCode,
	Blames: enrollment.PromptCertificationCode,
	needs:  []enrollment.Prompt{enrollment.PromptPhoneNumber, enrollment.PromptCertificationCode},
	params: func(in Inputs) pims.Params {
		return pims.Pairs("type", "addPhoneNumber", "smsCode", in.CertificationCode.Reveal(), "phoneNumber", in.Phone)
	},
	done: enrollment.PhoneNumberAdded,
}
