package steps

import (
	"github.com/enrollfsm/enrollfsm/enrollment"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/pims"
)

// CheckEnrollment is step 1: is this device enrolled already?
//
//	get pims.authentication.account {actionType=strong, type=isDeviceActivated}
//	→ {"isDeviceActivated": true|false} ("true"/"false" accepted)
var CheckEnrollment = &Step{
	ID: "1", Name: "check enrollment status", Op: pims.Get, API: APIAccount,
	Read: true, needsResult: true,
	fixed: checkEnrollmentParams,
	succeed: func(result map[string]any, _ Context) (Decision, error) {
		activated, err := boolResult(result, "isDeviceActivated")
		if err != nil {
			return Decision{}, err
		}
		if activated {
			return Decision{Event: enrollment.DeviceActivated}, nil
		}
		return Decision{Event: enrollment.DeviceNotActivated}, nil
	},
}

// VerifyEnrollment makes call 1 before an enrollment call whose outcome is
// unknown is sent again: if the device is enrolled, sending it again would be
// refused with 2317 and trigger a removal of every enrollment.
var VerifyEnrollment = &Step{
	ID: "1", Name: "verify enrollment", Op: pims.Get, API: APIAccount,
	Read: true, needsResult: true,
	fixed: checkEnrollmentParams,
	succeed: func(result map[string]any, c Context) (Decision, error) {
		activated, err := boolResult(result, "isDeviceActivated")
		if err != nil {
			return Decision{}, err
		}
		if activated {
			return Decision{Event: enrollment.DeviceActivated}, nil
		}
		if c.Resume == "" {
			return Decision{}, &pimserr.ProtocolError{Reason: "no enrollment call to resume"}
		}
		return Decision{Event: enrollment.ResumeEvent(c.Resume)}, nil
	},
}

var checkEnrollmentParams = pims.Pairs("actionType", "strong", "type", "isDeviceActivated")
