package enrolltest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"

	"pgregory.net/rapid"

	"github.com/enrollfsm/enrollfsm"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/simulator"
)

// source picks numbers: rapid's draws in a property, a seeded math/rand in a
// soak. Every choice is an index whose 0 is the plainest case, so that
// rapid shrinks a failure towards correct answers and no faults.
type source interface {
	intn(n int) int
}

type rapidSource struct{ t *rapid.T }

// intn draws bit by bit: rapid's integers lean hard towards small values,
// which would make nearly every answer right and nearly every call
// faultless; coins are fair, and still shrink towards 0.
func (s rapidSource) intn(n int) int {
	v := 0
	for m := n - 1; m > 0; m >>= 1 {
		v <<= 1
		if rapid.Bool().Draw(s.t, "") {
			v |= 1
		}
	}
	return v % n
}

type randSource struct{ r *rand.Rand }

func (s randSource) intn(n int) int { return s.r.IntN(n) }

// percent draws in [0, 100).
func percent(src source) int { return src.intn(100) }

func pick[E any](src source, list []E) E { return list[src.intn(len(list))] }

// Truth is what the user knows: the codes texted to their phone and their
// PIN. A *simulator.Simulator is one.
type Truth interface {
	LastCode(kind string) (string, bool)
	Account() simulator.Account
}

// Values the generators use. None is a secret of a real user.
var (
	validPhones = []string{"0698765432", "06 98 76 54 32", "+33 6 98 76 54 32", "06.98.76.54.32", "0698-765-432", "123456", "123456789012345"}
	badPhones   = []string{"12345", "06 12 ab 56 78", "", "+", "1234567890123456", "0612345678x"}
	newPINs     = []string{"4321", "2580", "13579", "24680246", "9876"}
	wrongPINs   = []string{"0000", "98765432", "55555"}
	badSecrets  = []string{"12", "abcd", "123456789", "", "12 34", "１２３４"}
)

// AnswerGen generates an answer to the pending prompt p: most often the right
// one (the code the simulator texted, the account's PIN), else a wrong one,
// a malformed one, or an action — any action, offered or not. truth may be
// nil: a right code is then any well-formed one. Printed, an answer masks
// its value, so rapid's logs hold no secret.
func AnswerGen(p enrollfsm.Pending, truth Truth) *rapid.Generator[enrollfsm.Answer] {
	return rapid.Custom(func(t *rapid.T) enrollfsm.Answer { return drawAnswer(rapidSource{t}, p, truth) })
}

func drawAnswer(src source, p enrollfsm.Pending, truth Truth) enrollfsm.Answer {
	act := func(a enrollfsm.Action) enrollfsm.Answer { return enrollfsm.Act(p.Prompt, a) }
	// anyAction is most often one the prompt offers, cancel aside (it ends
	// the run: it has its own small share), else any action at all.
	anyAction := func() enrollfsm.Answer {
		all := []enrollfsm.Action{enrollfsm.ActionResend, enrollfsm.ActionChangePhone, enrollfsm.ActionForgotPIN,
			enrollfsm.ActionRetry, enrollfsm.ActionYes, enrollfsm.ActionNo, enrollfsm.ActionCancel, "dance"}
		var offered []enrollfsm.Action
		for _, a := range p.Actions {
			if a != enrollfsm.ActionCancel {
				offered = append(offered, a)
			}
		}
		if len(offered) > 0 && percent(src) < 75 {
			return act(pick(src, offered))
		}
		return act(pick(src, all))
	}
	n := percent(src)
	if p.Prompt.IsCode() && (errors.Is(p.Reason, pimserr.ErrCodeLocked) || errors.Is(p.Reason, pimserr.ErrCodeExpired)) && n < 70 {
		return act(enrollfsm.ActionResend) // what a user does when told the code is spent
	}
	switch p.Prompt {
	case enrollfsm.PromptConfirmRemoval:
		switch {
		case n < 80:
			return act(enrollfsm.ActionYes)
		case n < 88:
			return act(enrollfsm.ActionNo)
		case n < 92:
			return enrollfsm.Value(p.Prompt, "yes")
		}
		return anyAction()
	case enrollfsm.PromptRetry:
		if n < 88 {
			return act(enrollfsm.ActionRetry)
		}
		return anyAction()
	}
	if p.Prompt.IsCode() && n >= 90 && n < 97 {
		return act(enrollfsm.ActionResend) // "I did not get the SMS"
	}
	switch {
	case n < 68:
		return enrollfsm.Value(p.Prompt, rightValue(src, p.Prompt, truth))
	case n < 79:
		return enrollfsm.Value(p.Prompt, wrongValue(src, p.Prompt, truth))
	case n < 89:
		return enrollfsm.Value(p.Prompt, pick(src, badValues(p.Prompt)))
	case n < 90:
		return act(enrollfsm.ActionCancel)
	}
	return anyAction()
}

func badValues(p enrollfsm.Prompt) []string {
	if p == enrollfsm.PromptPhoneNumber {
		return badPhones
	}
	return badSecrets
}

func rightValue(src source, p enrollfsm.Prompt, truth Truth) string {
	code := func(kind string) string {
		if truth != nil {
			if c, ok := truth.LastCode(kind); ok {
				return c
			}
		}
		return "246810"
	}
	pin := func() string {
		if truth != nil {
			if pin := truth.Account().PIN; pin != "" {
				return pin
			}
		}
		return simulator.DefaultPIN
	}
	switch p {
	case enrollfsm.PromptPhoneNumber:
		return pick(src, validPhones)
	case enrollfsm.PromptCertificationCode:
		return code(simulator.KindCertification)
	case enrollfsm.PromptEnrollmentCode:
		return code(simulator.KindEnrollment)
	case enrollfsm.PromptPIN, enrollfsm.PromptOldPIN:
		return pin()
	}
	return pick(src, newPINs)
}

// wrongValue is well-formed but wrong: another code, another PIN, the current
// PIN as a new one.
func wrongValue(src source, p enrollfsm.Prompt, truth Truth) string {
	right := rightValue(src, p, truth)
	switch p {
	case enrollfsm.PromptPhoneNumber:
		return pick(src, validPhones)
	case enrollfsm.PromptCertificationCode, enrollfsm.PromptEnrollmentCode:
		n, _ := strconv.Atoi(right)
		w := strconv.Itoa((n + 1 + src.intn(999_998)) % 1_000_000)
		for len(w) < 6 {
			w = "0" + w
		}
		return w
	case enrollfsm.PromptNewPIN:
		if truth != nil && truth.Account().PIN != "" {
			return truth.Account().PIN // the current PIN again
		}
		return pick(src, newPINs)
	}
	i := src.intn(len(wrongPINs))
	if wrongPINs[i] == right {
		i = (i + 1) % len(wrongPINs)
	}
	return wrongPINs[i]
}

// unknownCodes are the undocumented codes FaultGen draws.
var unknownCodes = []pimserr.Code{1000, 2000, 2318, 9999}

// recoverable are the codes that do not end a run at once: runs meet them
// more often than the fatal ones, so that they go deep.
var recoverable = []pimserr.Code{2201, 2202, 2204, 2314, 2308, 2102, 2317, 2310, 2316}

// FaultGen generates a fault for the next call: a documented code (half of
// the time; the recoverable ones more often), an unknown code, a bridge
// error, a lost reply, a malformed reply, a cancelled context, or the
// host's Engine.Cancel during the call.
func FaultGen() *rapid.Generator[Fault] {
	return rapid.Custom(func(t *rapid.T) Fault { return drawFault(rapidSource{t}) })
}

func drawFault(src source) Fault {
	n := percent(src)
	switch {
	case n < 35:
		return Fault{Kind: FaultCode, Code: pick(src, recoverable)}
	case n < 50:
		return Fault{Kind: FaultCode, Code: pick(src, pimserr.Codes())}
	case n < 55:
		return Fault{Kind: FaultCode, Code: pick(src, unknownCodes)}
	case n < 67:
		return Fault{Kind: FaultBridge}
	case n < 79:
		return Fault{Kind: FaultLost}
	case n < 90:
		return Fault{Kind: FaultMalformed, Variant: src.intn(malformedVariants)}
	case n < 95:
		return Fault{Kind: FaultCancel}
	}
	return Fault{Kind: FaultAbort}
}

// Every flow, platform, SDK version and VIN ConfigGen draws from.
var (
	allFlows    = enrollfsm.Flows()
	sdkVersions = []string{"2.1.0", "2.0.9", "3.2.0"}
	vins        = []string{"", "1HGCM82633A004352"}
)

// ConfigGen generates a run: any flow (auto and the account operations
// included), either platform, automatic removal on or off, any simulator
// situation and seed, an SDK version (2.1.0 or later for the shortcut, which
// an older SDK refuses), prefetch on a quarter of the time, and now and then
// limits other than the defaults.
func ConfigGen() *rapid.Generator[RunConfig] {
	return rapid.Custom(func(t *rapid.T) RunConfig { return drawConfig(rapidSource{t}, "") })
}

// FlowConfigGen is ConfigGen for one flow.
func FlowConfigGen(flow enrollfsm.Flow) *rapid.Generator[RunConfig] {
	return rapid.Custom(func(t *rapid.T) RunConfig { return drawConfig(rapidSource{t}, flow) })
}

func drawConfig(src source, flow enrollfsm.Flow) RunConfig {
	if flow == "" {
		flow = pick(src, allFlows)
	}
	c := RunConfig{
		Setting: Setting{Settings: enrollfsm.Settings{
			Flow:       flow,
			Platform:   pick(src, []enrollfsm.Platform{enrollfsm.Android, enrollfsm.IOS}),
			AutoRemove: src.intn(2) == 1,
			SDKVersion: pick(src, sdkVersions),
		}},
		Situation: pick(src, simulator.Situations()),
		Seed:      int64(src.intn(1 << 30)),
	}
	if src.intn(8) == 7 {
		c.VIN = vins[1] // not attached: the server refuses it
	}
	c.Prefetch = src.intn(4) == 3
	c.Sealed = src.intn(2) == 1
	switch c.Flow {
	case enrollfsm.FlowResetPIN, enrollfsm.FlowUpdatePIN, enrollfsm.FlowModifyPhone:
		if percent(src) < 60 {
			c.Situation = simulator.SituationEnrolled // their precondition, most of the time
		}
	}
	if c.Flow == enrollfsm.FlowShortcut {
		c.SDKVersion = "2.1.0"
	}
	if percent(src) >= 65 {
		c.Limits = enrollfsm.Limits{
			CodeAttempts: 1 + src.intn(3),
			Resends:      src.intn(2),
			PINAttempts:  1 + src.intn(5),
			Removals:     2 * src.intn(2), // 1 is the default
			ReadAttempts: 1 + src.intn(3),
			Backoff:      ContractLimits().Backoff,
			CodeTTL:      ContractLimits().CodeTTL,
		}
	}
	return c
}

// User answers every prompt rightly, as a person who reads the SMS on their
// phone and knows their PIN: yes to a removal, retry when interrupted, a new
// code when the last one is spent, cancel when none may be sent. It is an
// enrollfsm.Answerer, for Engine.Run.
type User struct {
	Truth  Truth  // the codes and the PIN; may be nil
	Phone  string // the number to register; "0698765432" when empty
	NewPIN string // the PIN to choose; "4321" when empty
}

// Answer answers p.
func (u User) Answer(_ context.Context, p enrollfsm.Pending) (enrollfsm.Answer, error) {
	v := func(s string) (enrollfsm.Answer, error) { return enrollfsm.Value(p.Prompt, s), nil }
	switch {
	case errors.Is(p.Reason, pimserr.ErrResendLimit):
		return enrollfsm.Act(p.Prompt, enrollfsm.ActionCancel), nil // nothing else left
	case errors.Is(p.Reason, pimserr.ErrCodeLocked), errors.Is(p.Reason, pimserr.ErrCodeExpired):
		return enrollfsm.Act(p.Prompt, enrollfsm.ActionResend), nil
	}
	switch p.Prompt {
	case "":
		return enrollfsm.Answer{}, fmt.Errorf("enrolltest: no prompt is pending at %s", p.State)
	case enrollfsm.PromptConfirmRemoval:
		return enrollfsm.Act(p.Prompt, enrollfsm.ActionYes), nil
	case enrollfsm.PromptRetry:
		return enrollfsm.Act(p.Prompt, enrollfsm.ActionRetry), nil
	case enrollfsm.PromptPhoneNumber:
		if u.Phone != "" {
			return v(u.Phone)
		}
		return v(validPhones[0])
	case enrollfsm.PromptNewPIN:
		if u.NewPIN != "" {
			return v(u.NewPIN)
		}
		return v(newPINs[0])
	}
	return v(rightValue(nil, p.Prompt, u.Truth)) // needs no source: no choice left
}

var _ enrollfsm.Answerer = User{}
