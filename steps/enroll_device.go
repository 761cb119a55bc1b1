package steps

import (
	"github.com/enrollfsm/enrollfsm/enrollment"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/pims"
)

// EnrollDevice is step 8: enroll the device, validating the PIN.
//
//	set pims.authentication.enrollment {action=enroll, pinCode} (+ smsCode on iOS)
//
// A rejection (a wrong PIN) asks for the PIN again and counts a wrong PIN;
// 2317 is a blocked account and leads to removal (step A) — unless step 7
// has just registered a PIN the server may already have held from an
// earlier step 7 whose outcome was unknown. Steps 7 and 8 are the same
// request, so the server may have taken that step 7 as step 8 and enrolled
// the device: then 2317 sends the run to call 1 to check, not to removal.
var EnrollDevice = &Step{
	ID: "8", Name: "enroll device", Op: pims.Set, API: APIEnrollment,
	Enrolls: true, Blames: enrollment.PromptPIN,
	needs: []enrollment.Prompt{enrollment.PromptPIN}, iOSNeeds: []enrollment.Prompt{enrollment.PromptEnrollmentCode, enrollment.PromptPIN},
	params: enrollParams, same: sameEnrollParams,
	done: enrollment.DeviceEnrolled,
	onFailed: func(code pimserr.Code, err error, c Context) (Decision, bool) {
		if c.AfterUnsurePIN && code == pimserr.CodeForbidden {
			return Decision{Event: enrollment.DeviceMaybeEnrolled, Err: err, Unknown: true}, true
		}
		return Decision{}, false
	},
}
