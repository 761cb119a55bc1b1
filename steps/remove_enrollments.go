package steps

import (
	"github.com/enrollfsm/enrollfsm/enrollment"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/pims"
)

// RemoveEnrollments is step A: remove every enrollment of the account. The
// user's other devices are signed out.
//
//	set pims.authentication.enrollment {action=remove}
var RemoveEnrollments = &Step{
	ID: "A", Name: "remove all enrollments", Op: pims.Set, API: APIEnrollment,
	// A blocked reply to the removal itself is not cured by removing again:
	// in an enrollment it fails the run with account_locked.
	NoRemoval: true,
	onFailed: func(code pimserr.Code, err error, c Context) (Decision, bool) {
		blocked := code.Class() == pimserr.ClassBlocked && c.Enrollment
		return Decision{Event: enrollment.CallFailed, Failure: pimserr.FailureAccountLocked, Err: err}, blocked
	},
	fixed: pims.Pairs("action", "remove"),
	done:  enrollment.EnrollmentsRemoved,
}
