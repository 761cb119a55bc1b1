package steps

import (
	"github.com/enrollfsm/enrollfsm/enrollment"
	"github.com/enrollfsm/enrollfsm/pims"
)

// RegisterPIN is step 7: register the new PIN.
//
//	set pims.authentication.enrollment {action=enroll, pinCode} (+ smsCode on iOS)
var RegisterPIN = &Step{
	ID: "7", Name: "register new PIN", Op: pims.Set, API: APIEnrollment,
	Enrolls: true, Blames: enrollment.PromptNewPIN,
	needs: []enrollment.Prompt{enrollment.PromptNewPIN}, iOSNeeds: []enrollment.Prompt{enrollment.PromptEnrollmentCode, enrollment.PromptNewPIN},
	params: enrollParams, same: sameEnrollParams,
	done: enrollment.PINRegistered,
	// An unknown outcome may have left the PIN on the server; a later step 7
	// then registers it over that one, and step 8 reads the fact.
	after: func(d Decision, c Context) Decision {
		switch {
		case d.Unknown:
			d.PINMayBeSet = true
		case d.Event == enrollment.PINRegistered:
			d.AfterUnsurePIN = c.PINMayBeSet
		}
		return d
	},
}

// enrollParams is shared by steps 7 and 8, which make the same call. On iOS
// the enrollment code goes with it.
func enrollParams(in Inputs) pims.Params {
	if in.Platform == IOS {
		return pims.Pairs("action", "enroll", "pinCode", in.PIN.Reveal(), "smsCode", in.EnrollmentCode.Reveal())
	}
	return pims.Pairs("action", "enroll", "pinCode", in.PIN.Reveal())
}

// sameEnrollParams reports whether p is what enrollParams(in) returns: step 8
// then sends the parameters step 7 sent, and a call retried sends the one it sent.
func sameEnrollParams(p pims.Params, in Inputs) bool {
	n := 2
	if in.Platform == IOS {
		n = 3
		if code, ok := p.Get("smsCode"); !ok || code != in.EnrollmentCode.Reveal() {
			return false
		}
	}
	return p.Len() == n && p.Value("action") == "enroll" && p.Value("pinCode") == in.PIN.Reveal()
}
