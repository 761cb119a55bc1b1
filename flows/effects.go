package flows

import (
	"strings"

	"github.com/enrollfsm/enrollfsm/enrollment"
)

// Effect is a change a transition makes to what the run holds, declared on
// the edge that makes it (UML's event [guard] / action). The engine applies
// an edge's effects when it takes the edge, and knows no state or event of
// any flow: what a transition does is read here and in the generated docs.
type Effect struct {
	Kind EffectKind
	// Code is the SMS code of CodeSent and CodeForgotten.
	Code CodeSlot
}

// EffectKind is what an Effect changes.
type EffectKind int

// The effects.
const (
	_ EffectKind = iota
	// WrongAnswerCounted counts one wrong answer to the prompt the call's
	// step blames (a wrong code to that code and the run's wrong codes, or
	// a wrong PIN), and asks that prompt again with the cause.
	WrongAnswerCounted
	// LastWrongAnswerCounted counts the refused answer that used up the
	// attempts and failed the run, if the reply refused one.
	LastWrongAnswerCounted
	// CauseKept asks the destination's prompt with the reply's cause as its
	// reason (why the account must be cleared, why the call stopped).
	CauseKept
	// CodeSent starts the lifetime of a new SMS code in Code: its wrong
	// answers go back to 0 and its clock starts.
	CodeSent
	// CodeForgotten drops the code typed for Code: it belongs to a number no
	// longer in use.
	CodeForgotten
	// ResendSpent spends one of the run's new SMS codes; the answer is
	// refused, and the action not offered, once none is left.
	ResendSpent
	// TrustedPhoneKept keeps the number call 3 found, or that it found none:
	// the enrollment code goes to it, and a new number must differ from it.
	TrustedPhoneKept
	// PhoneTrusted makes the number just registered the trusted one, where
	// the next code goes.
	PhoneTrusted
	// RemovalSpent spends one of the run's removals of every enrollment; the
	// removal also drops any PIN the server held for the device.
	RemovalSpent
	// InterruptionKept keeps the call to retry, and whether its outcome is
	// unknown: then a retry checks call 1 first.
	InterruptionKept
	// VerificationAwaited keeps the enrollment call to send again if call 1
	// finds the device not enrolled.
	VerificationAwaited
	// ReadRetry makes the same read again after a backoff.
	ReadRetry
	// ResendSpentIfMade spends a resend when the interrupted call, which
	// texts a code, reached the backend: it may have texted one already.
	ResendSpentIfMade
	// UnsureAnswerCounted counts as wrong the PIN or code of the kept call
	// whose reply never came, since a restored run cannot send it again:
	// another value will take its place. The prompt is asked with the cause.
	UnsureAnswerCounted
)

// The effects, for declaring edges with Edge.Does.
var (
	CountWrongAnswer  = Effect{Kind: WrongAnswerCounted}
	CountLastAnswer   = Effect{Kind: LastWrongAnswerCounted}
	KeepCause         = Effect{Kind: CauseKept}
	SpendResend       = Effect{Kind: ResendSpent}
	KeepTrustedPhone  = Effect{Kind: TrustedPhoneKept}
	TrustNewPhone     = Effect{Kind: PhoneTrusted}
	SpendRemoval      = Effect{Kind: RemovalSpent}
	KeepInterruption  = Effect{Kind: InterruptionKept}
	AwaitVerification = Effect{Kind: VerificationAwaited}
	RetryRead         = Effect{Kind: ReadRetry}
	SpendResendIfMade = Effect{Kind: ResendSpentIfMade}
	CountUnsureAnswer = Effect{Kind: UnsureAnswerCounted}
)

// StartCode starts the lifetime of a new SMS code in slot c.
func StartCode(c CodeSlot) Effect { return Effect{Kind: CodeSent, Code: c} }

// ForgetCode drops the code typed for slot c.
func ForgetCode(c CodeSlot) Effect { return Effect{Kind: CodeForgotten, Code: c} }

// Label says what the effect does, for the docs: on an edge leaving src
// (whose step names the prompt a wrong answer counts against).
func (e Effect) Label(src *State) string {
	switch e.Kind {
	case WrongAnswerCounted:
		if src != nil && src.Step != nil {
			switch {
			case src.Step.Blames.IsCode():
				return "wrong " + words(src.Step.Blames) + "s +1"
			case src.Step.Blames.IsPIN():
				return "wrong PINs +1"
			case src.Step.Blames != "":
				return words(src.Step.Blames) + " asked again"
			}
		}
		return "wrong answers +1"
	case LastWrongAnswerCounted:
		return "a last refused answer counted"
	case CauseKept:
		return "reason kept"
	case CodeSent:
		return e.Code.String() + " sent, valid 10 min"
	case CodeForgotten:
		return e.Code.String() + " forgotten"
	case ResendSpent:
		return "resends +1"
	case TrustedPhoneKept:
		return "trusted phone read"
	case PhoneTrusted:
		return "new phone trusted"
	case RemovalSpent:
		return "removals +1"
	case InterruptionKept:
		return "call kept for retry"
	case VerificationAwaited:
		return "call kept until call 1 checks"
	case ReadRetry:
		return "attempt +1, backoff"
	case ResendSpentIfMade:
		return "resends +1 if the call was made"
	case UnsureAnswerCounted:
		return "an answer whose reply never came counted as wrong"
	}
	return "?"
}

// SetsReason reports whether an edge with these effects gives the prompt it
// leads to a reason; any other edge into a waiting state clears it.
func SetsReason(effects []Effect) bool {
	for _, e := range effects {
		switch e.Kind {
		case WrongAnswerCounted, CauseKept, InterruptionKept, UnsureAnswerCounted:
			return true
		}
	}
	return false
}

// Has reports whether effects holds one of kind k.
func Has(effects []Effect, k EffectKind) bool {
	for _, e := range effects {
		if e.Kind == k {
			return true
		}
	}
	return false
}

// Labels joins the labels of an edge's effects: "wrong PINs +1, reason kept".
func Labels(src *State, effects []Effect) string {
	out := make([]string, len(effects))
	for i, e := range effects {
		out[i] = e.Label(src)
	}
	return strings.Join(out, ", ")
}

func words(p enrollment.Prompt) string { return strings.ReplaceAll(string(p), "_", " ") }
