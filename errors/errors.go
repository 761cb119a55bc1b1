package errors

import (
	stderrors "errors"
	"strconv"
	"strings"
)

// Error is a FAILED message of the PIMS facade. Two Errors match with
// errors.Is when their codes are equal, so the sentinels below can be matched
// against any reply:
//
//	errors.Is(err, pimserr.ErrForbidden)
//
// The label is kept as the backend sent it; Code.Label gives the documented one.
type Error struct {
	Code          Code
	Label         string
	TransactionID string
}

// Error returns "pims 2317: <label>".
func (e *Error) Error() string {
	label := e.Label
	if label == "" {
		label = e.Code.Label()
	}
	return "pims " + e.Code.String() + ": " + label
}

// Is matches any *Error with the same code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// Class returns the class of the error's code.
func (e *Error) Class() Class { return e.Code.Class() }

// New returns an *Error for code with its documented label.
func New(code Code) *Error { return &Error{Code: code, Label: code.Label()} }

// Sentinels, one per documented code, for errors.Is.
var (
	ErrFacadeNotInitialized   = New(CodeFacadeNotInitialized)
	ErrCoreNotConfigured      = New(CodeCoreNotConfigured)
	ErrMissingParameter       = New(CodeMissingParameter)
	ErrInvalidParameter       = New(CodeInvalidParameter)
	ErrTimeout                = New(CodeTimeout)
	ErrNoInternet             = New(CodeNoInternet)
	ErrServerError            = New(CodeServerError)
	ErrAccessRefused          = New(CodeAccessRefused)
	ErrVersionError           = New(CodeVersionError)
	ErrAccountBlocked         = New(CodeAccountBlocked)
	ErrInternalState          = New(CodeInternalState)
	ErrDeviceDisabled         = New(CodeDeviceDisabled)
	ErrTokenNotActivated      = New(CodeTokenNotActivated)
	ErrNoService              = New(CodeNoService)
	ErrPostSyncFailed         = New(CodePostSyncFailed)
	ErrForbidden              = New(CodeForbidden)
	ErrComponentNotConfigured = New(CodeComponentNotConfigured)
)

// ClassOf returns the class of the PIMS error in err's chain, or
// ClassUnknown when there is none.
func ClassOf(err error) Class {
	var e *Error
	if stderrors.As(err, &e) {
		return e.Class()
	}
	return ClassUnknown
}

// IsTransient reports whether err carries a transient PIMS code.
func IsTransient(err error) bool { return ClassOf(err) == ClassTransient }

// IsRejected reports whether err carries a code that refuses the user's input.
func IsRejected(err error) bool { return ClassOf(err) == ClassRejected }

// IsBlocked reports whether err carries 2310 or 2317.
func IsBlocked(err error) bool { return ClassOf(err) == ClassBlocked }

// StepError says which step's call an error came from. It wraps a *Error, a
// *ProtocolError or a *BridgeError.
type StepError struct {
	Step string // the tutorial's step id: "1", "4a", "4.1", "8", "A", ...
	Op   string // "get" or "set"
	API  string
	Err  error
}

func (e *StepError) Error() string {
	return "step " + e.Step + " (" + e.Op + " " + e.API + "): " + e.Err.Error()
}

func (e *StepError) Unwrap() error { return e.Err }

// ProtocolError is a reply that is not a well-formed PIMS message: no status,
// an unknown status, FAILED without a code, or a result the step cannot read.
// Raw keeps the reply as received, for support; Error never prints it.
type ProtocolError struct {
	Reason string
	Raw    []byte
}

func (e *ProtocolError) Error() string { return "malformed reply: " + e.Reason }

// Is matches ErrBadReply.
func (e *ProtocolError) Is(target error) bool { return target == ErrBadReply }

// BridgeError is a failure of the host's bridge to the SDK: no message came
// back. The backend may or may not have acted.
type BridgeError struct {
	Err error
}

func (e *BridgeError) Error() string { return "bridge: " + e.Err.Error() }

func (e *BridgeError) Unwrap() error { return e.Err }

// InputError is an answer refused before any call: the prompt is asked again.
// It never holds the refused value.
type InputError struct {
	Field  string // "phone number", "SMS code", "PIN", "VIN"
	Reason string // "must be 4 to 8 digits"
}

func (e *InputError) Error() string { return "invalid " + e.Field + ": " + e.Reason }

// Is matches ErrInvalidInput.
func (e *InputError) Is(target error) bool { return target == ErrInvalidInput }

// Sentinels for the engine's own errors.
var (
	// ErrBadReply matches every *ProtocolError.
	ErrBadReply = stderrors.New("malformed reply")
	// ErrInvalidInput matches every *InputError.
	ErrInvalidInput = stderrors.New("invalid input")
	// ErrWrongPrompt: the answer names a prompt that is not the pending one
	// (a stale screen, a double tap). Nothing changed.
	ErrWrongPrompt = stderrors.New("answer is for a prompt that is not pending")
	// ErrNotAllowed: this action is not offered at the pending prompt.
	ErrNotAllowed = stderrors.New("action not allowed at this prompt")
	// ErrNotWaiting: the engine is not waiting for an answer (a call is
	// pending or the run has ended).
	ErrNotWaiting = stderrors.New("engine is not waiting for an answer")
	// ErrNoCall: no call is pending, or the reply names another call.
	ErrNoCall = stderrors.New("no such call is pending")
	// ErrEnded: the run is over.
	ErrEnded = stderrors.New("run has ended")
	// ErrCodeExpired: the SMS code is too old; only resend is accepted.
	ErrCodeExpired = stderrors.New("SMS code expired: ask for a new one")
	// ErrCodeLocked: too many wrong answers for this SMS code; only resend
	// is accepted.
	ErrCodeLocked = stderrors.New("too many wrong codes: ask for a new one")
	// ErrResendLimit: no more SMS may be requested in this run.
	ErrResendLimit = stderrors.New("no more SMS codes can be sent in this run")
	// ErrSDKTooOld: the flow's calls need a newer SDK (the shortcut needs
	// 2.1.0 or later).
	ErrSDKTooOld = stderrors.New("the SDK is too old")
	// ErrShortcutUnsupported is ErrSDKTooOld, the one flow that needs a newer
	// SDK being the shortcut.
	ErrShortcutUnsupported = ErrSDKTooOld
	// ErrConfig: the engine was configured with a value it cannot use.
	ErrConfig = stderrors.New("invalid configuration")
	// ErrAskedAgain is the Reason of a prompt a restored engine asks again:
	// it keeps no PIN or SMS code, and the next call needs this one.
	ErrAskedAgain = stderrors.New("asked again after a restart: secrets are not saved")
	// ErrReplyLost is the Reason of a prompt a restored engine asks again
	// when the last answer to it went in a call whose reply never came: it
	// may have been judged, so it counts as a wrong attempt.
	ErrReplyLost = stderrors.New("the reply to the last answer never came: it counts as a wrong attempt")
	// ErrSnapshot matches every *SnapshotError.
	ErrSnapshot = stderrors.New("invalid snapshot")
	// ErrStaleSnapshot: the snapshot is older than the latest place the host
	// gave (WithLatest), or of another run. Restoring it would give back
	// attempts the run has spent.
	ErrStaleSnapshot = stderrors.New("snapshot is not the run's latest")
)

// SnapshotError is a snapshot that cannot be taken or restored.
type SnapshotError struct {
	Reason string
	// Err, if set, is the sentinel of the reason: ErrStaleSnapshot.
	Err error
}

func (e *SnapshotError) Error() string { return "snapshot: " + e.Reason }

// Is matches ErrSnapshot.
func (e *SnapshotError) Is(target error) bool { return target == ErrSnapshot }

// Unwrap returns Err.
func (e *SnapshotError) Unwrap() error { return e.Err }

// Failure is why a run ended in the failed state.
type Failure string

// The failures a run can end with; a FAILED reply's failure is FailureCode(code).
const (
	FailureBadReply        Failure = "bad_reply"
	FailureTooManyAttempts Failure = "too_many_attempts"
	FailureAccountLocked   Failure = "account_locked"
	FailureNotEnrolled     Failure = "not_enrolled"
	FailureNoPhoneNumber   Failure = "no_phone_number"
	// FailureInternal is an engine bug (an event its table refuses, a call
	// without the input it needs); tests make sure it never happens.
	FailureInternal Failure = "internal_error"
)

// FailureCode is the failure of a run ended by a PIMS code: "pims:<code>".
func FailureCode(c Code) Failure { return Failure("pims:" + c.String()) }

// Code returns the PIMS code of a "pims:<code>" failure.
func (f Failure) Code() (Code, bool) {
	s, ok := strings.CutPrefix(string(f), "pims:")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, false
	}
	return Code(n), true
}

// ErrRunFailed matches every *RunError.
var ErrRunFailed = stderrors.New("run failed")

// RunError is the error of a run that ended in the failed state.
type RunError struct {
	Failure Failure
	Err     error // the cause, if any: a *StepError, for instance
}

func (e *RunError) Error() string {
	if e.Err == nil {
		return "run failed: " + string(e.Failure)
	}
	// A failure that is the cause's own code is said once, by the cause.
	var code *Error
	if c, ok := e.Failure.Code(); ok && stderrors.As(e.Err, &code) && code.Code == c {
		return "run failed: " + e.Err.Error()
	}
	return "run failed: " + string(e.Failure) + ": " + e.Err.Error()
}

func (e *RunError) Unwrap() error { return e.Err }

// Is matches ErrRunFailed.
func (e *RunError) Is(target error) bool { return target == ErrRunFailed }

// PromptError is the Reason of a prompt asked again, or of an answer the
// engine refused: the cause, and what the user has left, so that a UI can
// say "that code is not right, 2 tries left" without parsing backend codes.
type PromptError struct {
	// Prompt is the prompt asked.
	Prompt string
	// Err is the cause: a *StepError wrapping the backend's *Error (2308,
	// 2102, or the 2317/2310 that blocked the account at confirm_removal),
	// an *InputError, ErrCodeLocked, ErrCodeExpired, ErrResendLimit,
	// ErrNotAllowed, ErrAskedAgain or ErrReplyLost.
	Err error
	// AttemptsLeft is how many more wrong answers the prompt accepts before
	// the code locks or the run fails; -1 where answers are not counted.
	AttemptsLeft int
	// ResendsLeft is how many new codes (resend or change_phone) the run may
	// still ask for; -1 where the prompt offers none.
	ResendsLeft int
}

func (e *PromptError) Error() string {
	var left []string
	if e.AttemptsLeft >= 0 {
		left = append(left, plural(e.AttemptsLeft, "attempt"))
	}
	if e.ResendsLeft >= 0 {
		left = append(left, plural(e.ResendsLeft, "new code"))
	}
	if len(left) == 0 {
		return e.Err.Error()
	}
	return e.Err.Error() + " (" + strings.Join(left, ", ") + " left)"
}

// Unwrap returns the cause.
func (e *PromptError) Unwrap() error { return e.Err }

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}
