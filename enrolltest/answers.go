package enrolltest

import (
	"errors"
	"strings"
	"time"

	"github.com/enrollfsm/enrollfsm"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
)

// answerSource is where the value of each prompt goes in a request.
var answerSource = map[enrollfsm.Prompt]answer{
	"phone_number": fromPhone, "certification_code": fromCertCode, "enrollment_code": fromEnrollCode,
	"pin": fromPIN, "new_pin": fromPIN, "old_pin": fromOldPIN,
}

// answer checks an answer the engine took or refused (InvariantAnswer).
func (c *Checker) answer(a enrollfsm.Answer, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.ready() {
		return
	}
	c.stats.Answers++
	if err != nil {
		c.stats.Refused++
		c.note("%s (refused)", a)
	} else {
		c.note("%s", a)
	}
	switch {
	case a.Action != "":
	case a.Prompt == "phone_number":
		n, _ := normalize(a.Prompt, a.Value)
		c.phones[a.Value], c.phones[n] = true, true
	case isCodePrompt(a.Prompt) || isPINPrompt(a.Prompt):
		if _, ok := normalize(a.Prompt, a.Value); ok { // a malformed value is no one's secret
			c.secrets[a.Value] = true
		}
	}
	if err != nil && c.leaks(err.Error()) {
		c.violate(InvariantOutcome, "the refusal of %s holds a PIN or an SMS code", a)
	}
	prompt, waiting := promptOf[c.cur]
	switch {
	case !waiting:
		c.violate(InvariantAnswer, "answer %s taken at %s, which asks nothing", a, c.cur)
	case a.Prompt != prompt:
		c.reasked(a, err)
	case a.Action != "":
		c.checkAction(a, err)
	default:
		c.checkValue(prompt, a, err)
	}
}

// judge compares the engine's decision with the model's: must are the
// refusals that apply for sure, may those that apply only perhaps (an
// expiry within a second, or with no clock to tell).
func (c *Checker) judge(a enrollfsm.Answer, err error, must, may []error) bool {
	matches := func(errs []error) bool {
		for _, e := range errs {
			if errors.Is(err, e) {
				return true
			}
		}
		return false
	}
	switch {
	case err == nil && len(must) > 0:
		c.violate(InvariantAnswer, "%s taken, docs/contract.md §4 refuses it (%v)", a, must[0])
	case err != nil && len(must) == 0 && !matches(may):
		c.violate(InvariantAnswer, "%s refused (%s), docs/contract.md §4 takes it", a, c.safe(err))
	case err != nil && len(must) > 0 && !matches(must) && !matches(may):
		c.violate(InvariantAnswer, "%s refused with %s, the model expects %v", a, c.safe(err), must[0])
	default:
		return err == nil
	}
	return false
}

func (c *Checker) checkAction(a enrollfsm.Answer, err error) {
	var ev enrollfsm.Event
	allowed := false
	if a.Action == "retry" {
		allowed = c.cur == "interrupted"
		ev = enrollfsm.Event("retry_" + c.resume)
		if c.unknown {
			ev = "verify_requested"
		}
	} else if e, known := actionEvent[a.Action]; known {
		ev = e
		_, allowed = c.model.target(c.cur, e)
	}
	var must, may []error
	switch {
	case !allowed:
		must = append(must, pimserr.ErrNotAllowed)
	case (a.Action == "resend" || a.Action == "change_phone") && c.resends >= c.limits.Resends:
		must = append(must, pimserr.ErrResendLimit)
	}
	if c.judge(a, err, must, may) {
		c.expect = &expectation{event: ev, why: "answer " + a.String()}
	}
}

func (c *Checker) checkValue(prompt enrollfsm.Prompt, a enrollfsm.Answer, err error) {
	ev, takesValue := valueEvent[prompt]
	if takesValue {
		_, takesValue = c.model.target(c.cur, ev)
	}
	if !takesValue {
		c.judge(a, err, []error{pimserr.ErrNotAllowed}, nil)
		return
	}
	var must, may []error
	if isCodePrompt(prompt) {
		if c.codeWrong[prompt] >= c.limits.CodeAttempts {
			must = append(must, pimserr.ErrCodeLocked)
		}
		switch age, known := c.codeAge(prompt); {
		case !known:
			may = append(may, pimserr.ErrCodeExpired)
		case age > c.limits.CodeTTL:
			must = append(must, pimserr.ErrCodeExpired)
		case age > c.limits.CodeTTL-time.Second: // a snapshot keeps whole seconds
			may = append(may, pimserr.ErrCodeExpired)
		}
	}
	value, invalid := c.check(prompt, a.Value)
	must = append(must, invalid...)
	if c.judge(a, err, must, may) {
		c.values[answerSource[prompt]] = value
		c.expect = &expectation{event: ev, why: "answer " + a.String()}
	}
}

// codeAge is how long ago the code for prompt was texted, if the Checker has
// a clock and saw it sent.
func (c *Checker) codeAge(p enrollfsm.Prompt) (time.Duration, bool) {
	sent, ok := c.sentAt[p]
	if c.now == nil || !ok {
		return 0, false
	}
	return c.now().Sub(sent), true
}

// reasked checks an answer to a prompt other than the state's own: a
// restored engine asks again for a secret its next call needs (docs/contract.md §5).
func (c *Checker) reasked(a enrollfsm.Answer, err error) {
	switch {
	case !c.restored:
		c.violate(InvariantAnswer, "%s asked at %s, which asks %s, though the engine was never restored", a.Prompt, c.cur, promptOf[c.cur])
	case !isCodePrompt(a.Prompt) && !isPINPrompt(a.Prompt):
		c.violate(InvariantAnswer, "%s asked again after a restore, but it is not a secret", a.Prompt)
	case a.Action == "cancel":
		if c.judge(a, err, nil, nil) {
			c.expect = &expectation{event: "cancel_requested", why: "answer " + a.String()}
		}
	case a.Action != "":
		c.judge(a, err, []error{pimserr.ErrNotAllowed}, nil)
	default:
		value, must := c.check(a.Prompt, a.Value)
		if c.judge(a, err, must, nil) {
			c.values[answerSource[a.Prompt]] = value
		}
	}
}

// check is the local check of a value (docs/contract.md §4 and decision 20): the value
// as it must be sent, and ErrInvalidInput if it must be refused.
func (c *Checker) check(p enrollfsm.Prompt, v string) (string, []error) {
	value, ok := normalize(p, v)
	if !ok || (c.flow == "update_pin" && p == "new_pin" && value == c.values[fromOldPIN]) {
		return value, []error{pimserr.ErrInvalidInput}
	}
	return value, nil
}

// normalize checks a value as docs/contract.md §4 does before any call, and returns it as
// it must be sent.
func normalize(p enrollfsm.Prompt, v string) (string, bool) {
	switch p {
	case "phone_number":
		n := strings.NewReplacer(" ", "", ".", "", "-", "").Replace(strings.TrimSpace(v))
		return n, digitsOnly(strings.TrimPrefix(n, "+"), 6, 15)
	case "certification_code", "enrollment_code", "pin", "new_pin", "old_pin":
		return v, digitsOnly(v, 4, 8)
	}
	return v, false
}

func digitsOnly(s string, min, max int) bool {
	if len(s) < min || len(s) > max {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
