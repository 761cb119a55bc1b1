package mobile

import (
	"context"
	"encoding/json"
	"errors"

	pimserr "github.com/enrollfsm/enrollfsm/errors"
)

// The kinds of EngineError: a stable name for what went wrong, to switch on.
const (
	ErrorPIMS                = "pims"                 // a FAILED reply: Code, CodeClass and Label are set
	ErrorBadReply            = "bad_reply"            // a reply that is not a well-formed message
	ErrorBridge              = "bridge"               // no reply came back (the host's bridge failed)
	ErrorCancelled           = "cancelled"            // the call was abandoned by Cancel
	ErrorRunFailed           = "run_failed"           // the run ended failed: Failure is set
	ErrorInvalidInput        = "invalid_input"        // a malformed answer, refused before any call: Field is set
	ErrorWrongPrompt         = "wrong_prompt"         // the answer names a prompt that is not pending
	ErrorNotAllowed          = "not_allowed"          // the action is not offered at this prompt
	ErrorNotWaiting          = "not_waiting"          // a call is pending, not a prompt
	ErrorNoCall              = "no_call"              // no such call is pending (a late or duplicate reply)
	ErrorEnded               = "ended"                // the run is over
	ErrorCodeExpired         = "code_expired"         // the SMS code is too old: only resend is accepted
	ErrorCodeLocked          = "code_locked"          // too many wrong codes: only resend is accepted
	ErrorResendLimit         = "resend_limit"         // no more SMS codes in this run
	ErrorShortcutUnsupported = "shortcut_unsupported" // the shortcut flow needs SDK 2.1.0 or later
	ErrorConfig              = "config"               // a setting the engine cannot use
	ErrorAskedAgain          = "asked_again"          // a secret asked again after a restore
	ErrorSnapshot            = "snapshot"             // a snapshot that cannot be restored
	ErrorStaleSnapshot       = "stale_snapshot"       // a snapshot older than the latest place the host kept
	ErrorReplyLost           = "reply_lost"           // an answer whose reply never came, counted as wrong
	ErrorInternal            = "internal"             // anything else: a bug
)

// The classes of the PIMS codes, as EngineError.CodeClass names them.
const (
	ClassTransient            = "transient"
	ClassRejected             = "rejected"
	ClassBlocked              = "blocked"
	ClassFatal                = "fatal"
	ClassSucceededWithWarning = "succeeded_with_warning"
)

// EngineError is an error as Kotlin and Swift see it. gobind turns a Go
// error into an Exception (an NSError in Swift) that carries only a message,
// so every error this package returns is an *EngineError whose message is
// its JSON: ParseError reads it back. The same struct is a prompt's Reason
// and a failed outcome's Error. No field ever holds a PIN or an SMS code.
type EngineError struct {
	// Kind is one of the Error* constants.
	Kind string
	// Code is the PIMS code behind the error, 0 if none; CodeClass is its
	// class in the catalogue (Class* constants) and Label its label as the
	// backend sent it.
	Code      int32
	CodeClass string
	Label     string
	// Step is the tutorial's step whose call failed ("1", "4a", "8", "A"...).
	Step string
	// Failure is why the run failed, with ErrorRunFailed: "pims:2312",
	// "too_many_attempts", "bad_reply"...
	Failure string
	// Field is the input refused, with ErrorInvalidInput: "PIN", "SMS code"...
	Field string
	// AttemptsLeft and ResendsLeft, in a prompt's Reason, are the wrong
	// answers the prompt still accepts and the new SMS codes (resend or
	// change_phone) the run may still ask for; -1 where not counted, and in
	// any other error.
	AttemptsLeft int32
	ResendsLeft  int32
	// Message is the error in words, in English, for logs and support.
	Message string
}

// errorJSON is EngineError's wire form, with the field names hosts parse.
type errorJSON struct {
	Kind    string `json:"kind"`
	Code    int32  `json:"code,omitempty"`
	Class   string `json:"class,omitempty"`
	Label   string `json:"label,omitempty"`
	Step    string `json:"step,omitempty"`
	Failure string `json:"failure,omitempty"`
	Field   string `json:"field,omitempty"`
	// nil (absent) is -1: not counted
	AttemptsLeft *int32 `json:"attemptsLeft,omitempty"`
	ResendsLeft  *int32 `json:"resendsLeft,omitempty"`
	Message      string `json:"message"`
}

// Error returns the JSON object that ParseError reads:
// {"kind":"pims","code":2308,"class":"rejected","label":"...","step":"8","message":"..."}.
func (e *EngineError) Error() string { return e.JSON() }

// JSON returns the error as a JSON object.
func (e *EngineError) JSON() string {
	b, _ := json.Marshal(e.wire())
	return string(b)
}

func (e *EngineError) wire() errorJSON {
	return errorJSON{
		Kind: e.Kind, Code: e.Code, Class: e.CodeClass, Label: e.Label,
		Step: e.Step, Failure: e.Failure, Field: e.Field, Message: e.Message,
		AttemptsLeft: counted(e.AttemptsLeft), ResendsLeft: counted(e.ResendsLeft),
	}
}

func counted(n int32) *int32 {
	if n < 0 {
		return nil
	}
	return &n
}

func uncounted(n *int32) int32 {
	if n == nil || *n < 0 {
		return -1
	}
	return *n
}

// String returns Message, so that printing one in Kotlin or Swift reads as
// words.
func (e *EngineError) String() string { return e.Message }

// ParseError reads the message of an exception thrown by this package (in
// Kotlin e.message, in Swift error.localizedDescription) back into an
// EngineError. It returns nil for a message this package did not write.
func ParseError(message string) *EngineError {
	var w errorJSON
	if json.Unmarshal([]byte(message), &w) != nil || w.Kind == "" {
		return nil
	}
	return &EngineError{
		Kind: w.Kind, Code: w.Code, CodeClass: w.Class, Label: w.Label,
		Step: w.Step, Failure: w.Failure, Field: w.Field, Message: w.Message,
		AttemptsLeft: uncounted(w.AttemptsLeft), ResendsLeft: uncounted(w.ResendsLeft),
	}
}

// kinds maps the engine's sentinels to a Kind, most specific first.
var kinds = []struct {
	target error
	kind   string
}{
	{pimserr.ErrRunFailed, ErrorRunFailed},
	{pimserr.ErrBadReply, ErrorBadReply},
	{pimserr.ErrInvalidInput, ErrorInvalidInput},
	{pimserr.ErrWrongPrompt, ErrorWrongPrompt},
	{pimserr.ErrNotAllowed, ErrorNotAllowed},
	{pimserr.ErrNotWaiting, ErrorNotWaiting},
	{pimserr.ErrNoCall, ErrorNoCall},
	{pimserr.ErrEnded, ErrorEnded},
	{pimserr.ErrCodeExpired, ErrorCodeExpired},
	{pimserr.ErrCodeLocked, ErrorCodeLocked},
	{pimserr.ErrResendLimit, ErrorResendLimit},
	{pimserr.ErrShortcutUnsupported, ErrorShortcutUnsupported},
	{pimserr.ErrConfig, ErrorConfig},
	{pimserr.ErrAskedAgain, ErrorAskedAgain},
	{pimserr.ErrStaleSnapshot, ErrorStaleSnapshot},
	{pimserr.ErrSnapshot, ErrorSnapshot},
	{pimserr.ErrReplyLost, ErrorReplyLost},
	{context.Canceled, ErrorCancelled},
	{context.DeadlineExceeded, ErrorCancelled},
}

// info describes err for the host; nil stays nil.
func info(err error) *EngineError {
	if err == nil {
		return nil
	}
	var mine *EngineError
	if errors.As(err, &mine) {
		return mine
	}
	e := &EngineError{Kind: ErrorInternal, Message: err.Error(), AttemptsLeft: -1, ResendsLeft: -1}
	var pr *pimserr.PromptError
	if errors.As(err, &pr) {
		e.AttemptsLeft, e.ResendsLeft = int32(pr.AttemptsLeft), int32(pr.ResendsLeft)
	}
	var pe *pimserr.Error
	if errors.As(err, &pe) {
		e.Kind, e.Code, e.CodeClass, e.Label = ErrorPIMS, int32(pe.Code), pe.Class().String(), pe.Label
		if e.Label == "" {
			e.Label = pe.Code.Label()
		}
	}
	var be *pimserr.BridgeError
	if errors.As(err, &be) {
		e.Kind = ErrorBridge
	}
	for _, k := range kinds {
		if errors.Is(err, k.target) {
			e.Kind = k.kind
			break
		}
	}
	var se *pimserr.StepError
	if errors.As(err, &se) {
		e.Step = se.Step
	}
	var re *pimserr.RunError
	if errors.As(err, &re) {
		e.Failure = string(re.Failure)
	}
	var ie *pimserr.InputError
	if errors.As(err, &ie) {
		e.Field = ie.Field
	}
	return e
}

// fail is the error a method returns: an *EngineError, its message JSON.
func fail(err error) error {
	if err == nil {
		return nil
	}
	return info(err)
}

// errNotStarted is returned by an Engine made with its zero-value
// constructor (new Engine() in Java) instead of Start or Restore.
var errNotStarted = &EngineError{Kind: ErrorConfig, Message: "engine not started: use Config.Start or Config.Restore", AttemptsLeft: -1, ResendsLeft: -1}
