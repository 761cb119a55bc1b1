package steps

import (
	"github.com/enrollfsm/enrollfsm/fsm"
	"github.com/enrollfsm/enrollfsm/pims"
)

// ResetPIN is step B: replace a forgotten PIN, proven by the enrollment SMS
// code.
//
//	set pims.authentication.pincode {action=reset, pinCode (the new PIN), smsCode}
var ResetPIN = &Step{
	ID: "B", Name: "reset PIN", Op: pims.Set, API: APIPINCode,
	Blames: fsm.PromptNewPIN,
	params: func(in Inputs) (map[string]string, error) {
		if err := need(!in.PIN.IsZero() && !in.EnrollmentCode.IsZero(), "new PIN and enrollment code"); err != nil {
			return nil, err
		}
		return map[string]string{"action": "reset", "pinCode": in.PIN.Reveal(), "smsCode": in.EnrollmentCode.Reveal()}, nil
	},
	succeed: next(fsm.PINReset),
}
