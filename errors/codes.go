// Package errors is the catalogue of what can go wrong in an enrollment: every
// error code the PIMS facade documents, with its label and class, and the typed
// errors the engine returns.
//
// Import it under the alias pimserr everywhere, so that it never shadows the
// standard library's errors package:
//
//	import pimserr "github.com/enrollfsm/enrollfsm/errors"
//
//	if errors.Is(err, pimserr.ErrForbidden) { ... }
package errors

import "strconv"

// Code is an error code of the PIMS facade, as carried by a FAILED message.
type Code int

// The documented codes. Each says what happened and what the engine does.
const (
	// CodeFacadeNotInitialized: the host never initialised the SDK facade.
	// Fatal: fix the host app; retrying cannot help.
	CodeFacadeNotInitialized Code = 2001
	// CodeCoreNotConfigured: the SDK core is misconfigured. Fatal.
	CodeCoreNotConfigured Code = 2006
	// CodeMissingParameter: a required parameter was not sent. Fatal: the
	// request is wrong, not the user.
	CodeMissingParameter Code = 2101
	// CodeInvalidParameter: a parameter was refused. Rejected: at a call that
	// carries user input, the user is asked again.
	CodeInvalidParameter Code = 2102
	// CodeTimeout: no answer in time. Transient; the server may have acted.
	CodeTimeout Code = 2201
	// CodeNoInternet: the device is offline. Transient.
	CodeNoInternet Code = 2202
	// CodeServerError: the server failed. Transient.
	CodeServerError Code = 2204
	// CodeAccessRefused: wrong SMS code or PIN. Rejected: the user is asked
	// again and one wrong attempt is counted.
	CodeAccessRefused Code = 2308
	// CodeVersionError: the authenticator version is not supported. Fatal.
	CodeVersionError Code = 2309
	// CodeAccountBlocked: the account is blocked. Blocked: an enrollment removes
	// every enrollment (with consent) and starts again from step 3.
	CodeAccountBlocked Code = 2310
	// CodeInternalState: the authenticator's internal state is wrong. Fatal.
	CodeInternalState Code = 2311
	// CodeDeviceDisabled: this device is disabled or unknown. Fatal.
	CodeDeviceDisabled Code = 2312
	// CodeTokenNotActivated: the user must activate an inWebo token first. Fatal.
	CodeTokenNotActivated Code = 2313
	// CodeNoService: no service is available. Transient.
	CodeNoService Code = 2314
	// CodePostSyncFailed: the operation succeeded but its post-synchronisation
	// failed. The step counts as done and the warning is reported.
	CodePostSyncFailed Code = 2316
	// CodeForbidden: the operation is forbidden in the account's state
	// (activated, blocked, upgradable). Blocked, as CodeAccountBlocked.
	CodeForbidden Code = 2317
	// CodeComponentNotConfigured: an SDK component is not configured. Fatal.
	CodeComponentNotConfigured Code = 2344
)

// Class groups codes by what the engine does about them (docs/contract.md §4).
type Class int

// The classes, from the least to the most severe.
const (
	// ClassUnknown is the zero Class; no code has it.
	ClassUnknown Class = iota
	// ClassSucceededWithWarning: the step counts as done; the warning is reported.
	ClassSucceededWithWarning
	// ClassTransient: reads retry with backoff, then the run is interrupted
	// and the user may retry.
	ClassTransient
	// ClassRejected: the user's input was refused; the prompt is asked again.
	ClassRejected
	// ClassBlocked: the account must be cleared (step A) before enrolling.
	ClassBlocked
	// ClassFatal: the run fails.
	ClassFatal
)

var classNames = [...]string{"unknown", "succeeded_with_warning", "transient", "rejected", "blocked", "fatal"}

// String returns the class's snake_case name, as used in docs and logs.
func (c Class) String() string {
	if c < 0 || int(c) >= len(classNames) {
		return "Class(" + strconv.Itoa(int(c)) + ")"
	}
	return classNames[c]
}

type entry struct {
	label string
	class Class
}

// catalogue holds the exact labels of the API reference. The 2310 label has a
// trailing space in one sample; it is trimmed here (docs/decisions.md).
var catalogue = map[Code]entry{
	CodeFacadeNotInitialized:   {"Facade not initialized", ClassFatal},
	CodeCoreNotConfigured:      {"Core not well configured", ClassFatal},
	CodeMissingParameter:       {"Missing [PARAMETER] parameter", ClassFatal},
	CodeInvalidParameter:       {"Invalid [PARAMETER] parameter", ClassRejected},
	CodeTimeout:                {"Timeout/Polling Timeout/Command Timeout", ClassTransient},
	CodeNoInternet:             {"Network problem : No internet", ClassTransient},
	CodeServerError:            {"Server Error", ClassTransient},
	CodeAccessRefused:          {"inwebo: access refused", ClassRejected},
	CodeVersionError:           {"inwebo: version error", ClassFatal},
	CodeAccountBlocked:         {"inwebo: account is blocked", ClassBlocked},
	CodeInternalState:          {"inwebo: internal state not correct", ClassFatal},
	CodeDeviceDisabled:         {"inwebo: device is disabled or unknown", ClassFatal},
	CodeTokenNotActivated:      {"inwebo: User must activate inWebo helium or inWebo Desktop Token before achieving this operation", ClassFatal},
	CodeNoService:              {"inwebo: No service is available", ClassTransient},
	CodePostSyncFailed:         {"inwebo: the operation succeeded but it required a post-synchronization which failed", ClassSucceededWithWarning},
	CodeForbidden:              {"inwebo: forbidden operation (due to activated state/blocked state/upgradable state)", ClassBlocked},
	CodeComponentNotConfigured: {"[Component] not configured", ClassFatal},
}

// Codes returns every documented code in ascending order.
func Codes() []Code {
	return []Code{
		CodeFacadeNotInitialized, CodeCoreNotConfigured, CodeMissingParameter,
		CodeInvalidParameter, CodeTimeout, CodeNoInternet, CodeServerError,
		CodeAccessRefused, CodeVersionError, CodeAccountBlocked, CodeInternalState,
		CodeDeviceDisabled, CodeTokenNotActivated, CodeNoService, CodePostSyncFailed,
		CodeForbidden, CodeComponentNotConfigured,
	}
}

// Known reports whether c is a documented code.
func (c Code) Known() bool {
	_, ok := catalogue[c]
	return ok
}

// Label returns the documented label, or "unknown error" for an unknown code.
func (c Code) Label() string {
	if e, ok := catalogue[c]; ok {
		return e.label
	}
	return "unknown error"
}

// Class returns the code's class. Unknown codes are fatal.
func (c Code) Class() Class {
	if e, ok := catalogue[c]; ok {
		return e.class
	}
	return ClassFatal
}

// String returns the code as a decimal number.
func (c Code) String() string { return strconv.Itoa(int(c)) }
