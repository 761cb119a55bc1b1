package steps

import (
	"github.com/enrollfsm/enrollfsm/fsm"
	"github.com/enrollfsm/enrollfsm/pims"
)

// RequestCertificationSMS is step 4a: text a code to the number to register.
//
//	get pims.authentication.smscode {type=phoneNumberCertification, phoneNumber}
var RequestCertificationSMS = &Step{
	ID: "4a", Name: "request certification SMS", Op: pims.Get, API: APISMSCode,
	Blames: fsm.PromptPhoneNumber,
	needs:  []fsm.Prompt{fsm.PromptPhoneNumber},
	params: func(in Inputs) map[string]string {
		return map[string]string{"type": "phoneNumberCertification", "phoneNumber": in.Phone}
	},
	succeed: next(fsm.CertificationSMSSent),
}
