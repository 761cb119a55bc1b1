package errors_test

import (
	"errors"
	"fmt"

	pimserr "github.com/enrollfsm/enrollfsm/errors"
)

func Example() {
	// An error as the engine reports it: the step, and the PIMS reply.
	err := &pimserr.StepError{Step: "8", Op: "set", API: "pims.authentication.enrollment",
		Err: &pimserr.Error{Code: 2317, Label: "inwebo: forbidden operation"}}

	fmt.Println(errors.Is(err, pimserr.ErrForbidden))
	fmt.Println(pimserr.ClassOf(err))
	fmt.Println(pimserr.CodeForbidden.Label())
	// Output:
	// true
	// blocked
	// inwebo: forbidden operation (due to activated state/blocked state/upgradable state)
}
