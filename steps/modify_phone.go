package steps

import (
	"github.com/enrollfsm/enrollfsm/fsm"
	"github.com/enrollfsm/enrollfsm/pims"
)

// ModifyPhoneNumber is step D: replace the trusted phone number by the one
// certified with call 4a.
//
//	set pims.authentication.smscode {type=modifyPhoneNumber, smsCode, phoneNumber}
var ModifyPhoneNumber = &Step{
	ID: "D", Name: "modify phone number", Op: pims.Set, API: APISMSCode,
	Blames: fsm.PromptCertificationCode,
	needs:  []fsm.Prompt{fsm.PromptPhoneNumber, fsm.PromptCertificationCode},
	params: func(in Inputs) map[string]string {
		return map[string]string{
			"type":        "modifyPhoneNumber",
			"smsCode":     in.CertificationCode.Reveal(),
			"phoneNumber": in.Phone,
		}
	},
	succeed: next(fsm.PhoneNumberModified),
}
