package steps

import (
	"github.com/enrollfsm/enrollfsm/enrollment"
	"github.com/enrollfsm/enrollfsm/pims"
)

// RequestEnrollmentSMS is step 5: text an enrollment code to the trusted phone.
//
//	get pims.authentication.smscode {type=enrollment}
//
// The tutorial also passes phoneNumber; the API reference lists type only,
// and the reference wins (docs/contract.md §7).
var RequestEnrollmentSMS = &Step{
	ID: "5", Name: "request enrollment SMS", Op: pims.Get, API: APISMSCode,
	Texts: true,
	fixed: pims.Pairs("type", "enrollment"),
	done:  enrollment.EnrollmentSMSSent,
}
