package steps

import (
	"github.com/enrollfsm/enrollfsm/enrollment"
	"github.com/enrollfsm/enrollfsm/pims"
)

// UpdatePIN is step C: replace the current PIN by a new one.
//
//	set pims.authentication.pincode {action=update, oldPIN, newPIN}
//
// A rejection (a wrong old PIN) counts a wrong PIN.
var UpdatePIN = &Step{
	ID: "C", Name: "update PIN", Op: pims.Set, API: APIPINCode,
	Blames: enrollment.PromptOldPIN,
	needs:  []enrollment.Prompt{enrollment.PromptOldPIN, enrollment.PromptNewPIN},
	params: func(in Inputs) pims.Params {
		return pims.Pairs("action", "update", "oldPIN", in.OldPIN.Reveal(), "newPIN", in.PIN.Reveal())
	},
	done: enrollment.PINUpdated,
}
