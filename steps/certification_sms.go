package steps

import (
	"github.com/enrollfsm/enrollfsm/enrollment"
	"github.com/enrollfsm/enrollfsm/pims"
)

// RequestCertificationSMS is step 4a: text a code to the number to register.
//
//	get pims.authentication.smscode {type=phoneNumberCertification, phoneNumber}
var RequestCertificationSMS = &Step{
	ID: "4a", Name: "request certification SMS", Op: pims.Get, API: APISMSCode,
	Texts: true, Blames: enrollment.PromptPhoneNumber,
	needs: []enrollment.Prompt{enrollment.PromptPhoneNumber},
	params: func(in Inputs) pims.Params {
		return pims.Pairs("type", "phoneNumberCertification", "phoneNumber", in.Phone)
	},
	done: enrollment.CertificationSMSSent,
}
