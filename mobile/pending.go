package mobile

import (
	"encoding/json"
	"strings"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/pims"
)

// What can be pending: Pending.Kind.
const (
	PendingCall   = "call"   // make the call, then Deliver its reply
	PendingPrompt = "prompt" // show the prompt, then Answer or Act
	PendingNone   = "none"   // the run is over: see Outcome
)

// Prompts.
const (
	PromptPhoneNumber       = string(enrollfsm.PromptPhoneNumber)
	PromptCertificationCode = string(enrollfsm.PromptCertificationCode)
	PromptEnrollmentCode    = string(enrollfsm.PromptEnrollmentCode)
	PromptPIN               = string(enrollfsm.PromptPIN)
	PromptNewPIN            = string(enrollfsm.PromptNewPIN)
	PromptOldPIN            = string(enrollfsm.PromptOldPIN)
	PromptConfirmRemoval    = string(enrollfsm.PromptConfirmRemoval) // takes ActionYes or ActionNo
	PromptRetry             = string(enrollfsm.PromptRetry)          // takes ActionRetry
)

// Actions: answers other than a value.
const (
	ActionCancel      = string(enrollfsm.ActionCancel)
	ActionResend      = string(enrollfsm.ActionResend)
	ActionChangePhone = string(enrollfsm.ActionChangePhone)
	ActionForgotPIN   = string(enrollfsm.ActionForgotPIN)
	ActionRetry       = string(enrollfsm.ActionRetry)
	ActionYes         = string(enrollfsm.ActionYes)
	ActionNo          = string(enrollfsm.ActionNo)
)

// Terminal states: Outcome.State.
const (
	StateEnrolled  = string(enrollfsm.Enrolled)
	StateDone      = string(enrollfsm.Done)
	StateFailed    = string(enrollfsm.Failed)
	StateCancelled = string(enrollfsm.Cancelled)
)

// Pending is what the engine needs next. Printing it masks the PIN and SMS
// code that Params may hold.
type Pending struct {
	// Kind is PendingCall, PendingPrompt or PendingNone; State the current
	// state.
	Kind  string
	State string

	// With PendingCall: the call's id for Deliver, the tutorial's step, and
	// the request: Op ("get" or "set"), API, and Params, a JSON object of
	// strings to pass to pims.get or pims.set as they are. Params holds the
	// real PIN and SMS code: give it to the SDK and nowhere else. Wait
	// DelayMillis (the backoff of a retried read) before making the call.
	CallID      int64
	Step        string
	Op          string
	API         string
	Params      string
	DelayMillis int64

	// With PendingPrompt: the prompt (Prompt* constants), the actions it
	// offers besides a value as a JSON array (see Offers), why it is asked
	// again (nil the first time), and, for a code prompt, the masked number
	// the SMS went to ("06••••••78").
	Prompt  string
	Actions string
	Reason  *EngineError
	SentTo  string

	// The same params and actions as lists, for ParamKey and Action: read
	// without a JSON parser.
	params  [][2]string
	actions []string
}

// ParamCount returns the number of the pending call's params.
func (p *Pending) ParamCount() int { return len(p.params) }

// ParamKey returns the name of param i (0 <= i < ParamCount, by name
// order), "" out of range.
func (p *Pending) ParamKey(i int) string {
	if i < 0 || i >= len(p.params) {
		return ""
	}
	return p.params[i][0]
}

// ParamValue returns the value of param i, "" out of range. It may be the
// real PIN or SMS code: give it to the SDK and nowhere else.
func (p *Pending) ParamValue(i int) string {
	if i < 0 || i >= len(p.params) {
		return ""
	}
	return p.params[i][1]
}

// ActionCount returns the number of actions the prompt offers.
func (p *Pending) ActionCount() int { return len(p.actions) }

// Action returns action i (0 <= i < ActionCount), "" out of range.
func (p *Pending) Action(i int) string {
	if i < 0 || i >= len(p.actions) {
		return ""
	}
	return p.actions[i]
}

// Offers reports whether the prompt offers action.
func (p *Pending) Offers(action string) bool {
	var list []string
	_ = json.Unmarshal([]byte(p.Actions), &list)
	for _, a := range list {
		if a == action {
			return true
		}
	}
	return false
}

// Request returns the pending call as the JSON object a Backend receives:
// {"op":"get","api":"pims.authentication.smscode","params":{"type":"enrollment"}}.
// It holds the real secrets, as Params does.
func (p *Pending) Request() string {
	if p.Kind != PendingCall {
		return ""
	}
	return `{"op":` + quote(p.Op) + `,"api":` + quote(p.API) + `,"params":` + p.Params + `}`
}

// String describes p with secrets and phone numbers masked:
// "call 8 set pims.authentication.enrollment{action=enroll pinCode=••••}".
// Its receiver is a value, as GoString's and MarshalJSON's, so that a
// Pending printed or encoded by value masks them too.
func (p Pending) String() string {
	var b strings.Builder
	b.WriteString(p.Kind)
	switch p.Kind {
	case PendingCall:
		var params map[string]string
		_ = json.Unmarshal([]byte(p.Params), &params)
		b.WriteString(" " + p.Step + " ")
		b.WriteString(pims.Request{Op: pims.Op(p.Op), API: p.API, Params: pims.ParamsFrom(params)}.String())
	case PendingPrompt:
		b.WriteString(" " + p.Prompt + " " + p.Actions)
		if p.Reason != nil {
			b.WriteString(" (" + p.Reason.Message + ")")
		}
	default:
		b.WriteString(" " + p.State)
	}
	return b.String()
}

// GoString is String, so that %#v masks the secrets too.
func (p Pending) GoString() string { return p.String() }

// MarshalJSON encodes p's fields with Params' secrets and phone number
// masked, as pims.Params encodes them, so that an app that logs what is
// pending as JSON (slog's JSON handler included) writes no secret.
func (p Pending) MarshalJSON() ([]byte, error) {
	type fields Pending // the fields without the methods
	var params map[string]string
	_ = json.Unmarshal([]byte(p.Params), &params)
	masked, err := json.Marshal(pims.ParamsFrom(params))
	if err != nil {
		return nil, err
	}
	q := fields(p)
	q.Params = string(masked)
	return json.Marshal(q)
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func pending(p enrollfsm.Pending) *Pending {
	out := &Pending{State: string(p.State)}
	switch p.Kind {
	case enrollfsm.PendingCall:
		out.Kind = PendingCall
		out.CallID = int64(p.Call.ID)
		out.Step = p.Call.Step
		out.Op = string(p.Call.Request.Op)
		out.API = p.Call.Request.API
		out.Params = paramsJSON(p.Call.Request.Params)
		out.params = paramList(p.Call.Request.Params)
		out.DelayMillis = p.Call.Delay.Milliseconds()
	case enrollfsm.PendingPrompt:
		out.Kind = PendingPrompt
		out.Prompt = string(p.Prompt)
		actions := make([]string, len(p.Actions))
		for i, a := range p.Actions {
			actions[i] = string(a)
		}
		b, _ := json.Marshal(actions)
		out.Actions, out.actions = string(b), actions
		out.Reason = info(p.Reason)
		out.SentTo = p.SentTo
	default:
		out.Kind = PendingNone
	}
	return out
}

// paramList is params sorted by name, real values included.
func paramList(params pims.Params) [][2]string {
	out := make([][2]string, 0, params.Len())
	for k, v := range params.Sorted() {
		out = append(out, [2]string{k, v})
	}
	return out
}

// paramsJSON is params as the JSON object the SDK is given, real values
// included (Params' own encoding masks them).
func paramsJSON(params pims.Params) string {
	b, _ := json.Marshal(params.Map())
	return string(b)
}

// Outcome is how a run ended.
type Outcome struct {
	// State is StateEnrolled, StateDone, StateFailed or StateCancelled; OK
	// is true for the first two.
	State string
	OK    bool
	// Failure and Error say why, when State is StateFailed: Failure is
	// "pims:<code>", "bad_reply", "too_many_attempts", "account_locked",
	// "not_enrolled" or "no_phone_number"; Error is an ErrorRunFailed with
	// the code and class behind it, if any.
	Failure string
	Error   *EngineError
	// Warnings is a JSON array of the errors (2316, succeeded but
	// post-synchronisation failed) of steps that counted as done: "[]" when
	// none.
	Warnings string

	warnings []*EngineError
}

// WarningCount returns the number of warnings.
func (o *Outcome) WarningCount() int { return len(o.warnings) }

// Warning returns warning i (0 <= i < WarningCount), nil out of range.
func (o *Outcome) Warning(i int) *EngineError {
	if i < 0 || i >= len(o.warnings) {
		return nil
	}
	return o.warnings[i]
}

func outcome(o enrollfsm.Outcome) *Outcome {
	out := &Outcome{State: string(o.State), OK: o.OK(), Failure: string(o.Failure), Error: info(o.Err)}
	ws := make([]errorJSON, 0, len(o.Warnings))
	for _, w := range o.Warnings {
		ew := info(w)
		ws = append(ws, ew.wire())
		out.warnings = append(out.warnings, ew)
	}
	b, _ := json.Marshal(ws)
	out.Warnings = string(b)
	return out
}
