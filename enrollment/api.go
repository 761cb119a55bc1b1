package enrollment

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/pims"
	"github.com/enrollfsm/enrollfsm/redact"
)

// The values a host exchanges with an engine. They sit here, below the
// engine, as raft's wire types sit in raftpb: package enrollfsm re-exports
// each under the same name.

// Flow names a machine: an enrollment flow or an account operation.
type Flow string

// The flows of docs/contract.md §3.
const (
	// FlowFull enrolls through steps 1–8, adding a phone with step 4·2.
	FlowFull Flow = "full"
	// FlowShortcut enrolls with step 4·1 when no phone is registered (SDK
	// 2.1.0 and later).
	FlowShortcut Flow = "shortcut"
	// FlowAuto is the newest enrollment flow the SDK version has: shortcut
	// from SDK 2.1.0 on, full before.
	FlowAuto Flow = "auto"

	FlowRemoveEnrollments Flow = "remove_enrollments" // step A
	FlowResetPIN          Flow = "reset_pin"          // step B
	FlowUpdatePIN         Flow = "update_pin"         // step C
	FlowModifyPhone       Flow = "modify_phone"       // step D
	FlowRemoveVehicle     Flow = "remove_vehicle"     // step E
)

// Platform is the mobile OS the SDK runs on; iOS sends the SMS code with
// calls 7 and 8.
type Platform string

// The platforms.
const (
	Android Platform = "android"
	IOS     Platform = "ios"
)

// PendingKind says what the engine needs next.
type PendingKind int

// What can be pending.
const (
	// PendingCall: a call to the backend, then Deliver its reply.
	PendingCall PendingKind = iota + 1
	// PendingPrompt: an answer from the user.
	PendingPrompt
	// PendingNone: the run is over; see Outcome.
	PendingNone
)

func (k PendingKind) String() string {
	switch k {
	case PendingCall:
		return "call"
	case PendingPrompt:
		return "prompt"
	case PendingNone:
		return "none"
	}
	return fmt.Sprintf("PendingKind(%d)", int(k))
}

// Pending is what the engine needs next.
type Pending struct {
	Kind  PendingKind
	State State

	// Call, with PendingCall.
	Call Call
	// Also, with WithPrefetch: calls 2 and 3, asked for ahead of need and
	// made at the same time as call 1. Make each once, by ID; they stay
	// listed until their reply is delivered or the run goes another way.
	// Call itself may be one of them already made (Call.Ahead): then only
	// deliver its reply.
	Also []Call

	// With PendingPrompt: the prompt, the actions offered besides a value
	// (if the prompt takes one), why it is asked again (an
	// *pimserr.PromptError), and the masked phone the SMS went to, for code
	// prompts. Actions is shared by every engine at that state: read it,
	// never modify it.
	Prompt  Prompt
	Actions []Action
	Reason  error
	SentTo  string
}

// Call is a request the engine wants made. Deliver its reply with its ID.
type Call struct {
	ID      uint64
	Step    string // the tutorial's step id: "1", "4a", "8", "A", ...
	Request pims.Request
	// Delay is the backoff to wait before making the call.
	Delay time.Duration
	// Ahead: the call was listed in Pending.Also and may be in flight.
	Ahead bool
}

// Answer is the user's answer to a prompt: a value or an action. Prompt must
// be the pending prompt, so that an answer from a stale screen is refused.
// Printing an Answer masks its value.
type Answer struct {
	Prompt Prompt
	Action Action // empty for a value
	Value  string
}

// Value is a value answer to p.
func Value(p Prompt, v string) Answer { return Answer{Prompt: p, Value: v} }

// Act is an action answer at p.
func Act(p Prompt, a Action) Answer { return Answer{Prompt: p, Action: a} }

// String masks secrets and phone numbers: "pin=••••", "certification_code:resend".
func (a Answer) String() string {
	if a.Action != "" {
		return string(a.Prompt) + ":" + string(a.Action)
	}
	return string(a.Prompt) + "=" + a.masked()
}

func (a Answer) masked() string {
	if a.Prompt == PromptPhoneNumber {
		return redact.Phone(a.Value)
	}
	return redact.Mask
}

// Format prints String for every verb.
func (a Answer) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(a.String())) }

// MarshalJSON writes the answer with its value masked as String masks it.
func (a Answer) MarshalJSON() ([]byte, error) {
	out := struct {
		Prompt Prompt `json:"prompt"`
		Action Action `json:"action,omitempty"`
		Value  string `json:"value,omitempty"`
	}{Prompt: a.Prompt, Action: a.Action}
	if a.Action == "" {
		out.Value = a.masked()
	}
	return json.Marshal(out)
}

// LogValue makes slog print the masked answer.
func (a Answer) LogValue() slog.Value { return slog.StringValue(a.String()) }

// Outcome is how a run ended.
type Outcome struct {
	State State // Enrolled, Done, Failed or Cancelled
	// Failure and Err say why, when State is Failed. Err is a
	// *pimserr.RunError wrapping the cause.
	Failure pimserr.Failure
	Err     error
	// Warnings are 2316 replies (succeeded, post-synchronisation failed) of
	// steps that counted as done, one *pimserr.StepError per step.
	Warnings []error
}

// OK reports whether the run reached its goal: enrolled, or done.
func (o Outcome) OK() bool { return o.State == Enrolled || o.State == Done }

// Counters are a run's counts. They never go down, across a restore too.
type Counters struct {
	WrongCodes int `json:"wrongCodes"`
	WrongPINs  int `json:"wrongPins"`
	Resends    int `json:"resends"`
	Removals   int `json:"removals"`
	Calls      int `json:"calls"`
}

// Transition is one move of the machine. A read retried in place is a
// self-loop (From == To): the state is not re-entered.
type Transition struct {
	From, To State
	Event    Event
}

// CallRecord summarises one call and its reply. Printed or encoded, it
// masks every PIN and SMS code, those the backend echoes included, and the
// phone numbers.
type CallRecord struct {
	ID uint64
	// State is the calling state the call is made for (with WithPrefetch,
	// a call made ahead is reported when its reply comes, for its own state).
	State         State
	Step          string
	Request       pims.Request // print it: String masks secrets
	Status        pims.Status  // empty when no message came back
	Code          int          // the error code of a FAILED message
	TransactionID string
	// Err is the bridge's error, if any, its text cleared of the secrets
	// the engine held.
	Err      error
	Duration time.Duration // zero when the host delivers replies itself
	// Reply is the message, when one came back, with the secrets it
	// echoed masked. Its result may hold the account's phone number (call 3).
	Reply pims.Message
}

// String is one line for logs: the request masked, the reply's phone masked.
func (r CallRecord) String() string {
	out := fmt.Sprintf("call %d %s step %s %s", r.ID, r.State, r.Step, r.Request)
	switch {
	case r.Err != nil:
		return out + " → error: " + r.Err.Error()
	case r.Code != 0:
		return fmt.Sprintf("%s → %s %d tx=%s", out, r.Status, r.Code, r.TransactionID)
	}
	return fmt.Sprintf("%s → %s tx=%s %v", out, r.Status, r.TransactionID, r.Reply.Redacted().Result)
}

// Format prints String for every verb.
func (r CallRecord) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(r.String())) }

// MarshalJSON writes the record with the request and the reply's phone
// masked.
func (r CallRecord) MarshalJSON() ([]byte, error) {
	type plain CallRecord // without this method
	v := plain(r)
	v.Reply = r.Reply.Redacted()
	out := struct {
		plain
		Err string `json:"Err,omitempty"`
	}{plain: v}
	if r.Err != nil {
		out.Err = r.Err.Error()
	}
	return json.Marshal(out)
}

// LogValue makes slog print String.
func (r CallRecord) LogValue() slog.Value { return slog.StringValue(r.String()) }

// Observer is told of transitions, calls and answers as they happen, under
// the engine's lock: it must not call the engine. Any field may be nil.
// Requests and answers hold the real values; printing them masks secrets.
type Observer struct {
	Transition func(Transition)
	Call       func(CallRecord)
	// Answer is told of every answer given, with the error that refused it.
	Answer func(Answer, error)
}

// Settings are a run's own settings, fixed at New (or by the snapshot at
// Restore).
type Settings struct {
	Flow       Flow
	Platform   Platform
	SDKVersion string
	AutoRemove bool
	VIN        string
}

// Limits bound a run (docs/contract.md §4). Every run ends or waits for the
// user after a bounded number of calls.
type Limits struct {
	// CodeAttempts: wrong answers per SMS code; then only resend is accepted.
	CodeAttempts int
	// Resends: new SMS codes per run, beyond the first of each code: a
	// resend, a phone change, and the retry of an SMS call that may have
	// texted a code each spend one.
	Resends int
	// PINAttempts: wrong PINs per run; the last one fails the run with
	// too_many_attempts.
	PINAttempts int
	// Removals: removals of every enrollment per run; one more trigger fails
	// the run with account_locked.
	Removals int
	// ReadAttempts: attempts of a read (calls 1, 2, 3) before the run is
	// interrupted.
	ReadAttempts int
	// Backoff: the wait before a read's second attempt; it doubles after.
	Backoff time.Duration
	// CodeTTL: how long an SMS code stays valid.
	CodeTTL time.Duration
}

// FlowInfo is what the registry says of a flow.
type FlowInfo struct {
	Name    Flow
	Summary string
	// Enrollment: an enrollment flow; otherwise an account operation.
	Enrollment bool
	// MinSDK is the oldest SDK version the flow runs on, "" for any.
	MinSDK string
	// NeedsVIN: New needs WithVIN.
	NeedsVIN bool
	// Picks: the flows an auto flow chooses between by SDK version (the
	// newest the SDK has), empty for a flow with a table of its own.
	Picks []Flow
}

// Place is where a snapshot sits in its run: the run's random id and a
// number that grows with every snapshot and every counted attempt. A host
// that keeps the latest Place beside its snapshot key can have Restore
// refuse an older snapshot of the run, or another run's (WithLatest).
type Place struct {
	Run string
	Seq uint64
}

// IsZero reports whether p names no run.
func (p Place) IsZero() bool { return p.Run == "" }

// String is "run.seq", the form MarshalText writes.
func (p Place) String() string {
	if p.IsZero() {
		return ""
	}
	return p.Run + "." + strconv.FormatUint(p.Seq, 10)
}

// MarshalText writes "run.seq".
func (p Place) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText reads what MarshalText wrote; the empty text is the zero Place.
func (p *Place) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*p = Place{}
		return nil
	}
	run, seq, ok := strings.Cut(string(text), ".")
	n, err := strconv.ParseUint(seq, 10, 64)
	if !ok || err != nil || !RunIDOK(run) {
		return fmt.Errorf("%w: a place is run.seq, not %q", pimserr.ErrConfig, truncate(string(text), 64))
	}
	*p = Place{Run: run, Seq: n}
	return nil
}

// RunIDOK reports whether id can be a run's id: 1 to 32 characters of the
// URL-safe base64 alphabet.
func RunIDOK(id string) bool {
	if len(id) == 0 || len(id) > 32 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// Clock is the engine's only source of time: when an SMS was sent, and the
// backoff between read attempts. Tests and the replay runner inject one.
type Clock interface {
	Now() time.Time
	// Sleep waits d, or until ctx is done.
	Sleep(ctx context.Context, d time.Duration) error
}
