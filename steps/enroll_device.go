package steps

import (
	"github.com/enrollfsm/enrollfsm/fsm"
	"github.com/enrollfsm/enrollfsm/pims"
)

// EnrollDevice is step 8: enroll the device, validating the PIN.
//
//	set pims.authentication.enrollment {action=enroll, pinCode} (+ smsCode on iOS)
//
// A rejection (a wrong PIN) asks for the PIN again and counts a wrong PIN;
// 2317 is a blocked account and leads to removal (step A).
var EnrollDevice = &Step{
	ID: "8", Name: "enroll device", Op: pims.Set, API: APIEnrollment,
	Enrolls: true, Blames: fsm.PromptPIN,
	needs: []fsm.Prompt{fsm.PromptPIN}, iOSNeeds: []fsm.Prompt{fsm.PromptEnrollmentCode, fsm.PromptPIN},
	params: enrollParams, same: sameEnrollParams,
	succeed: next(fsm.DeviceEnrolled),
}
