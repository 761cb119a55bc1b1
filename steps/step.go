// Package steps holds one file per PIMS call of the tutorial (steps 1–8 and
// A–E). A step is two pure functions: Request builds the call from the
// inputs, Interpret turns the reply into the next event. Guards (attempts
// left, removals left, automatic removal) are decided here, as distinct
// events, because looplab/fsm has no guards.
package steps

import (
	"context"
	"errors"
	"time"

	"github.com/enrollfsm/enrollfsm/enrollment"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/pims"
	"github.com/enrollfsm/enrollfsm/redact"
)

// The facade APIs the steps call.
const (
	APIAccount      = "pims.authentication.account"
	APITrustedPhone = "pims.authentication.trustedphonenumber"
	APISMSCode      = "pims.authentication.smscode"
	APIEnrollment   = "pims.authentication.enrollment"
	APIPINCode      = "pims.authentication.pincode"
	APIVehicle      = "pims.subscription.vehicle"
)

// Platform is the mobile OS the SDK runs on; iOS sends the SMS code with
// calls 7 and 8.
type Platform = enrollment.Platform

// The platforms.
const (
	Android = enrollment.Android
	IOS     = enrollment.IOS
)

// Inputs are the values a run has gathered. The engine holds them in memory
// only; secrets never leave it but in a request.
type Inputs struct {
	Platform          Platform
	Phone             string        // the number being registered (4a, 4·1, 4·2, D)
	Trusted           string        // the account's trusted number, as call 3 read it
	CertificationCode redact.Secret // from call 4a's SMS
	EnrollmentCode    redact.Secret // from call 5's SMS
	PIN               redact.Secret // the PIN to enroll with, register or set
	OldPIN            redact.Secret // the current PIN, for call C
	VIN               string        // for call E
}

// Step is one PIMS call of the tutorial.
type Step struct {
	ID   string // the tutorial's numbering: "1", "4a", "4.1", "8", "A", ...
	Name string
	Op   pims.Op
	API  string
	// Read: the call changes nothing, so transient failures are retried in
	// place.
	Read bool
	// Enrolls: the call may enroll the device; after a timeout or a lost
	// reply its outcome is unknown.
	Enrolls bool
	// Texts: the call texts an SMS code (4a, 5). Interrupted after it
	// reached the backend, it may have texted one: a retry spends a resend.
	Texts bool
	// NoRemoval: a blocked reply to the call cannot lead to removing every
	// enrollment, so its state gets no edge to removal.
	NoRemoval bool
	// Blames is the prompt whose answer a rejection (2102, 2308) refuses:
	// the user is asked it again, and a wrong code or PIN is counted. Empty
	// when the call carries no user input: a rejection is then fatal.
	Blames enrollment.Prompt

	// needs lists the answers the call sends, in the order the flow asks
	// them; iOSNeeds, when set, is the whole list on iOS (declared whole so
	// that Needs builds nothing). VIN is given at start.
	needs    []enrollment.Prompt
	iOSNeeds []enrollment.Prompt
	needsVIN bool

	// params builds the parameters from the answers; fixed are those of a
	// call that sends only constants (params nil), built once and shared
	// by every request of the step (Params are immutable).
	params func(in Inputs) pims.Params
	fixed  pims.Params
	// same, when set, reports whether parameters params returned hold what
	// params(in) would: RequestAfter then shares them instead of building
	// others.
	same func(p pims.Params, in Inputs) bool
	// done is where a success leads when the step reads nothing of it;
	// succeed, when set, reads the result instead.
	done    enrollment.Event
	succeed func(result map[string]any, c Context) (Decision, error)
	// onFailed, when set, decides a FAILED reply before the rule of its
	// code's class; it reports false to leave the reply to that rule.
	onFailed func(code pimserr.Code, err error, c Context) (Decision, bool)
	// after, when set, adds the step's own facts to every decision.
	after func(d Decision, c Context) Decision
	// needsResult: 2316 (succeeded, post-sync failed) carries no result, so
	// a step that must read one treats 2316 as transient.
	needsResult bool
}

// ReadsResult reports whether the step reads the reply's result (steps 1,
// 2, 3 and 6): a 2316, which carries none, is transient there.
func (s *Step) ReadsResult() bool { return s.needsResult }

// Needs returns the answers the call sends, by the prompt that gives each:
// a restored engine, which keeps no secret, asks again for those it lacks.
// The slice is the step's own: read it, never modify it.
func (s *Step) Needs(p Platform) []enrollment.Prompt {
	if p == IOS && len(s.iOSNeeds) > 0 {
		return s.iOSNeeds
	}
	return s.needs
}

// Missing returns the first answer the call needs that in lacks.
func (s *Step) Missing(in Inputs) (enrollment.Prompt, bool) { return s.missing(&in) }

// missing is Missing without a copy of the inputs per answer looked at.
func (s *Step) missing(in *Inputs) (enrollment.Prompt, bool) {
	for _, p := range s.Needs(in.Platform) {
		if !in.has(p) {
			return p, true
		}
	}
	return "", false
}

// Held returns the prompts whose answers Inputs holds, in a fixed order: a
// checker's state key gives each a bit by its place (core.Live), so the order
// only ever grows at the end. It is a copy, which no caller can change.
func Held() [5]enrollment.Prompt { return held }

var held = [...]enrollment.Prompt{enrollment.PromptPhoneNumber, enrollment.PromptCertificationCode,
	enrollment.PromptEnrollmentCode, enrollment.PromptPIN, enrollment.PromptOldPIN}

// Secret returns the PIN or code held for prompt p, the zero Secret for a
// prompt whose answer is no secret or is not held.
func (in *Inputs) Secret(p enrollment.Prompt) redact.Secret {
	switch p {
	case enrollment.PromptPIN, enrollment.PromptNewPIN:
		return in.PIN
	case enrollment.PromptOldPIN:
		return in.OldPIN
	case enrollment.PromptCertificationCode:
		return in.CertificationCode
	case enrollment.PromptEnrollmentCode:
		return in.EnrollmentCode
	}
	return redact.Secret{}
}

// Has reports whether the answer to prompt p is held.
func (in Inputs) Has(p enrollment.Prompt) bool { return in.has(p) }

func (in *Inputs) has(p enrollment.Prompt) bool {
	switch p {
	case enrollment.PromptPhoneNumber:
		return in.Phone != ""
	case enrollment.PromptCertificationCode:
		return !in.CertificationCode.IsZero()
	case enrollment.PromptEnrollmentCode:
		return !in.EnrollmentCode.IsZero()
	case enrollment.PromptPIN, enrollment.PromptNewPIN:
		return !in.PIN.IsZero()
	case enrollment.PromptOldPIN:
		return !in.OldPIN.IsZero()
	}
	return false
}

// Request builds the call. It fails only if an input the call needs is
// missing, which the engine prevents.
func (s *Step) Request(in Inputs) (pims.Request, error) {
	if err := s.check(&in); err != nil {
		return pims.Request{}, err
	}
	return pims.Request{Op: s.Op, API: s.API, Params: s.paramsOf(in)}, nil
}

// Constant returns the request of a call that sends only constants, the
// same in every run; ok is false for a call that sends an answer.
func (s *Step) Constant() (req pims.Request, ok bool) {
	if s.params != nil || s.needsVIN || len(s.needs) > 0 || len(s.iOSNeeds) > 0 {
		return pims.Request{}, false
	}
	return pims.Request{Op: s.Op, API: s.API, Params: s.fixed}, true
}

func (s *Step) paramsOf(in Inputs) pims.Params {
	if s.params == nil {
		return s.fixed
	}
	return s.params(in)
}

// check reports an input the call needs that in lacks.
func (s *Step) check(in *Inputs) error {
	what := ""
	if p, missing := s.missing(in); missing {
		what = string(p)
	} else if s.needsVIN && in.VIN == "" {
		what = "vin"
	}
	if what == "" {
		return nil
	}
	return &pimserr.StepError{Step: s.ID, Op: string(s.Op), API: s.API, Err: errMissing(what)}
}

// RequestAfter is Request for a call that follows prev, the run's previous
// request: when prev is the same call with the parameters this one would
// send (steps 7 and 8 make one call with one PIN; a call retried sends what
// it sent), it shares prev's parameters rather than building others.
// Params are immutable, so sharing them is safe. prev and in are only read:
// pointers, as the engine calls it for every call of a run. A nil prev is
// no previous request; a nil in holds no input.
func (s *Step) RequestAfter(prev *pims.Request, in *Inputs) (pims.Request, error) {
	if in == nil {
		in = &Inputs{}
	}
	if prev == nil {
		prev = &pims.Request{}
	}
	if err := s.check(in); err != nil {
		return pims.Request{}, err
	}
	params := prev.Params
	if s.same == nil || params.Len() == 0 || prev.Op != s.Op || prev.API != s.API || !s.same(params, *in) {
		params = s.paramsOf(*in)
	}
	return pims.Request{Op: s.Op, API: s.API, Params: params}, nil
}

// Context is what Interpret needs to know of the run to decide the guards.
type Context struct {
	// Enrollment: a blocked account leads to removal (enrollment flows) rather
	// than failure (account operations).
	Enrollment bool
	// AutoRemove: removal needs no consent.
	AutoRemove bool
	// RemovalsLeft: removals still allowed in this run.
	RemovalsLeft int
	// PINAttemptsLeft: wrong PINs still allowed, this one included.
	PINAttemptsLeft int
	// CodeAttemptsLeft: wrong answers still allowed for the SMS code the
	// call carries, this one included; CanResend: a new code may be asked.
	CodeAttemptsLeft int
	CanResend        bool
	// Attempt is this call's attempt number, from 1; MaxReadAttempts bounds
	// the attempts of a read.
	Attempt         int
	MaxReadAttempts int
	// Backoff is the wait before a read's second attempt; it doubles after.
	Backoff time.Duration
	// Resume is the enrollment call that VerifyEnrollment sends again when
	// the device turns out not to be enrolled.
	Resume enrollment.State
	// PINMayBeSet: a call of the run that registers a PIN had an unknown
	// outcome, so the server may hold that PIN (Decision.PINMayBeSet).
	PINMayBeSet bool
	// AfterUnsurePIN: the previous call registered a PIN while PINMayBeSet
	// (Decision.AfterUnsurePIN).
	AfterUnsurePIN bool
}

// Decision is the interpretation of one reply.
type Decision struct {
	Event enrollment.Event
	// Failure says why, with CallFailed.
	Failure pimserr.Failure
	// Err is the failure behind a non-success event, a *pimserr.StepError.
	Err error
	// Warning is a 2316 on a step that counts as done.
	Warning error
	// Delay is the backoff before a ReadRetried call.
	Delay time.Duration
	// Blamed is the prompt whose answer was refused, with InputRejected (and
	// with CallFailed when that refusal used up the attempts).
	Blamed enrollment.Prompt
	// Unknown: the server may have acted; a retry checks call 1 first.
	Unknown bool
	// NotMade: the call never reached the backend (the host's context ended
	// first), so nothing happened; the engine sets it, never a step.
	NotMade bool
	// Unsure: the call carried a PIN or an SMS code and its reply never came
	// (a bridge error, a cancelled context, 2201): the answer may have been
	// judged. Sending it again is free; another value in its place counts it.
	Unsure bool
	// Phone is the trusted number call 3 found.
	Phone string
	// PINMayBeSet: the server may now hold a PIN although the call's
	// outcome is unknown; the run keeps the fact (Context.PINMayBeSet).
	PINMayBeSet bool
	// AfterUnsurePIN: the call registered a PIN that the server may already
	// have held; the next call reads it (Context.AfterUnsurePIN).
	AfterUnsurePIN bool
}

// Interpret turns the reply to the step's call into a decision. callErr is
// the port's error: a *pimserr.ProtocolError when a message came back that
// cannot be read (a bad reply), anything else when none came back (the
// bridge failed, or ctx ended).
func (s *Step) Interpret(msg pims.Message, callErr error, c Context) Decision {
	d := s.interpret(&msg, callErr, &c)
	if s.after != nil {
		d = s.after(d, c)
	}
	return d
}

// Done returns where a reply leads without a context, when it can: a
// SUCCEEDED reply to a step that reads nothing of it and adds no fact goes
// to the step's done event, the whole of what Interpret decides. ok is
// false otherwise; Interpret decides then.
func (s *Step) Done(msg *pims.Message, callErr error) (ev enrollment.Event, ok bool) {
	if msg == nil || callErr != nil || s.succeed != nil || s.after != nil || s.needsResult || msg.Status != pims.Succeeded {
		return "", false
	}
	return s.done, true
}

func (s *Step) interpret(msg *pims.Message, callErr error, c *Context) Decision {
	wrap := func(err error) error {
		return &pimserr.StepError{Step: s.ID, Op: string(s.Op), API: s.API, Err: err}
	}
	if callErr != nil {
		var perr *pimserr.ProtocolError
		if errors.As(callErr, &perr) {
			return Decision{Event: enrollment.CallFailed, Failure: pimserr.FailureBadReply, Err: wrap(callErr)}
		}
		var cause error = &pimserr.BridgeError{Err: callErr}
		if errors.Is(callErr, context.Canceled) || errors.Is(callErr, context.DeadlineExceeded) {
			cause = callErr
		}
		return Decision{Event: enrollment.CallInterrupted, Err: wrap(cause), Unknown: s.Enrolls, Unsure: s.Blames.IsSecret()}
	}
	if msg.Status == pims.Succeeded {
		if msg.NotObject && s.needsResult {
			return Decision{Event: enrollment.CallFailed, Failure: pimserr.FailureBadReply, Err: wrap(badResult("result is not an object"))}
		}
		d, err := s.succeeded(msg.Result, c)
		if err != nil {
			return Decision{Event: enrollment.CallFailed, Failure: pimserr.FailureBadReply, Err: wrap(err)}
		}
		return d
	}
	// Any SUCCEEDED message is well formed (as Done assumes): the check
	// matters from here on, where a status or an error body is read.
	if err := msg.Check(); err != nil {
		return Decision{Event: enrollment.CallFailed, Failure: pimserr.FailureBadReply, Err: wrap(err)}
	}
	perr := msg.Err()
	err := wrap(perr)
	if s.onFailed != nil {
		if d, ok := s.onFailed(perr.Code, err, *c); ok {
			return d
		}
	}
	class := perr.Code.Class()
	if class == pimserr.ClassSucceededWithWarning && s.needsResult {
		class = pimserr.ClassTransient
	}
	switch class {
	case pimserr.ClassSucceededWithWarning:
		d, serr := s.succeeded(nil, c)
		if serr != nil {
			return Decision{Event: enrollment.CallFailed, Failure: pimserr.FailureBadReply, Err: wrap(serr)}
		}
		d.Warning = err
		return d
	case pimserr.ClassTransient:
		if s.Read && c.Attempt < c.MaxReadAttempts {
			return Decision{Event: enrollment.ReadRetried, Err: err, Delay: backoff(c)}
		}
		lost := perr.Code == pimserr.CodeTimeout
		return Decision{Event: enrollment.CallInterrupted, Err: err, Unknown: s.Enrolls && lost, Unsure: s.Blames.IsSecret() && lost}
	case pimserr.ClassRejected:
		return rejected(s.Blames, perr.Code, err, c)
	case pimserr.ClassBlocked:
		return blocked(perr.Code, err, c)
	default:
		return Decision{Event: enrollment.CallFailed, Failure: pimserr.FailureCode(perr.Code), Err: err}
	}
}

// Refused is the decision of a refusal of the answer the step blames, as a
// 2308 would be, for an answer the run lost and counts as wrong: ask its
// prompt again, or fail once that was the last attempt allowed.
func (s *Step) Refused(err error, c Context) Decision {
	return rejected(s.Blames, pimserr.CodeAccessRefused, err, &c)
}

func backoff(c *Context) time.Duration {
	if c.Attempt < 1 {
		return c.Backoff
	}
	return c.Backoff << (c.Attempt - 1)
}

// rejected: the user may correct the answer, unless the attempts are used up
// (the last wrong PIN, or the last wrong code when no new one may be sent).
func rejected(p enrollment.Prompt, code pimserr.Code, err error, c *Context) Decision {
	switch {
	case p == "":
		return Decision{Event: enrollment.CallFailed, Failure: pimserr.FailureCode(code), Err: err}
	case p.IsPIN() && c.PINAttemptsLeft <= 1,
		p.IsCode() && c.CodeAttemptsLeft <= 1 && !c.CanResend:
		return Decision{Event: enrollment.CallFailed, Failure: pimserr.FailureTooManyAttempts, Err: err, Blamed: p}
	}
	return Decision{Event: enrollment.InputRejected, Err: err, Blamed: p}
}

// blocked decides what a blocked account leads to: removal in an enrollment
// (with consent unless automatic, and at most RemovalsLeft times), failure in
// an account operation.
func blocked(code pimserr.Code, err error, c *Context) Decision {
	switch {
	case !c.Enrollment:
		return Decision{Event: enrollment.CallFailed, Failure: pimserr.FailureCode(code), Err: err}
	case c.RemovalsLeft <= 0:
		return Decision{Event: enrollment.CallFailed, Failure: pimserr.FailureAccountLocked, Err: err}
	case c.AutoRemove:
		return Decision{Event: enrollment.RemovalAuthorised, Err: err}
	default:
		return Decision{Event: enrollment.RemovalRequired, Err: err}
	}
}

// succeeded is the decision of a success with result.
func (s *Step) succeeded(result map[string]any, c *Context) (Decision, error) {
	if s.succeed == nil {
		return Decision{Event: s.done}, nil
	}
	return s.succeed(result, *c)
}

// errMissing reports an input the engine should have gathered.
type errMissing string

func (e errMissing) Error() string { return "missing input: " + string(e) }

// Keep checks the answer v to prompt p and keeps it: a phone number
// normalised, a code or a PIN as a secret. A refused value changes nothing.
func (in *Inputs) Keep(p enrollment.Prompt, v string) error {
	switch p {
	case enrollment.PromptPhoneNumber:
		n, err := NormalizePhone(v)
		if err != nil {
			return err
		}
		// Only modify_phone asks a number once call 3 found one; changing it
		// to itself would text the user and change nothing.
		// An account with no number yet has nothing to differ from, and its
		// empty number is not normalised (an allocation per answer).
		if in.Trusted != "" {
			if t, err := NormalizePhone(in.Trusted); err == nil && n == t {
				return &pimserr.InputError{Field: "phone number", Reason: "must differ from the account's current number"}
			}
		}
		in.Phone = n
	case enrollment.PromptCertificationCode, enrollment.PromptEnrollmentCode:
		code, err := ParseSMSCode(v)
		if err != nil {
			return err
		}
		if p == enrollment.PromptCertificationCode {
			in.CertificationCode = code
		} else {
			in.EnrollmentCode = code
		}
	case enrollment.PromptPIN, enrollment.PromptNewPIN:
		pin, err := ParsePIN(v)
		if err != nil {
			return err
		}
		// Only update_pin asks an old PIN; a new one equal to it changes nothing.
		if p == enrollment.PromptNewPIN && !in.OldPIN.IsZero() && pin.Equal(in.OldPIN) {
			return &pimserr.InputError{Field: "new PIN", Reason: "must differ from the current PIN"}
		}
		in.PIN = pin
	case enrollment.PromptOldPIN:
		pin, err := ParsePIN(v)
		if err != nil {
			return err
		}
		in.OldPIN = pin
	}
	return nil
}

// Forget drops the code typed for prompt p.
func (in *Inputs) Forget(p enrollment.Prompt) {
	switch p {
	case enrollment.PromptCertificationCode:
		in.CertificationCode = redact.Secret{}
	case enrollment.PromptEnrollmentCode:
		in.EnrollmentCode = redact.Secret{}
	}
}

// Fills reports whether answering prompt gives the input need names: the
// PIN and the new PIN are one input.
func Fills(prompt, need enrollment.Prompt) bool {
	if prompt == need {
		return true
	}
	pin := func(p enrollment.Prompt) bool { return p == enrollment.PromptPIN || p == enrollment.PromptNewPIN }
	return pin(prompt) && pin(need)
}
