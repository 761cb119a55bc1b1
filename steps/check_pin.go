package steps

import (
	"github.com/enrollfsm/enrollfsm/enrollment"
	"github.com/enrollfsm/enrollfsm/pims"
)

// CheckPIN is step 6: validate the enrollment code and learn whether the
// account has a PIN.
//
//	set pims.authentication.smscode {action=enrollment, smsCode}
//	→ {"status": "AlreadyEnrolled"|"NotEnrolled"}
//
// 2316 carries no status, so it is handled as transient (docs/contract.md §4).
var CheckPIN = &Step{
	ID: "6", Name: "check PIN code", Op: pims.Set, API: APISMSCode,
	Blames: enrollment.PromptEnrollmentCode, needsResult: true,
	needs: []enrollment.Prompt{enrollment.PromptEnrollmentCode},
	params: func(in Inputs) pims.Params {
		return pims.Pairs("action", "enrollment", "smsCode", in.EnrollmentCode.Reveal())
	},
	succeed: func(result map[string]any, _ Context) (Decision, error) {
		if result == nil {
			return Decision{}, badResult("no result, expected status")
		}
		status, _, err := stringResult(result, "status")
		if err != nil {
			return Decision{}, err
		}
		switch status {
		case "AlreadyEnrolled":
			return Decision{Event: enrollment.PINExists}, nil
		case "NotEnrolled":
			return Decision{Event: enrollment.PINMissing}, nil
		case "":
			return Decision{}, badResult("result has no status")
		}
		return Decision{}, badResult("status is neither AlreadyEnrolled nor NotEnrolled")
	},
}
