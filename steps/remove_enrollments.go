package steps

import (
	"github.com/enrollfsm/enrollfsm/fsm"
	"github.com/enrollfsm/enrollfsm/pims"
)

// RemoveEnrollments is step A: remove every enrollment of the account. The
// user's other devices are signed out.
//
//	set pims.authentication.enrollment {action=remove}
var RemoveEnrollments = &Step{
	ID: "A", Name: "remove all enrollments", Op: pims.Set, API: APIEnrollment,
	Removes: true,
	params:  fixedParams("action", "remove"),
	succeed: next(fsm.EnrollmentsRemoved),
}
