package core

import (
	"fmt"

	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"strconv"
	"time"

	"github.com/enrollfsm/enrollfsm/enrollment"
	"github.com/enrollfsm/enrollfsm/flows"
	"github.com/enrollfsm/enrollfsm/steps"
)

// State returns the current state.
func (c *Core) State() enrollment.State {
	if c.table == nil {
		return "" // the zero Core has no state; its Outcome is a failure
	}
	return c.m.Current()
}

// Failure is why the run failed, "" while it goes on or if it did not.
func (c *Core) Failure() pimserr.Failure { return c.run.Failure }

// Warned is how many steps counted as done with a 2316.
func (c *Core) Warned() int { return len(c.run.Warnings) }

// Counters returns the run's counts.
func (c *Core) Counters() enrollment.Counters { return c.run.Counters }

// Flow returns the flow being run; auto is resolved to the flow it picked.
func (c *Core) Flow() enrollment.Flow { return c.flow }

// Table returns the flow's table.
func (c *Core) Table() *flows.Table { return c.table }

// Settings returns the run's settings.
func (c *Core) Settings() enrollment.Settings {
	return enrollment.Settings{Flow: c.flow, Platform: c.in.Platform, SDKVersion: c.cfg.SDK, AutoRemove: c.cfg.AutoRemove, VIN: c.in.VIN}
}

// Run returns a copy of the run state.
func (c *Core) Run() Run { return c.run.Clone() }

// Clone copies the core for a branch of a checker: nothing the copy does
// changes the original. The copy shares the observers, fixed when the core
// was made.
func (c *Core) Clone() *Core { return c.CloneInto(nil) }

// CloneInto is Clone into dst, a core no one uses any more, so that a
// checker that drops most of its branches allocates none for them; a nil
// dst is a new core.
func (c *Core) CloneInto(dst *Core) *Core {
	if dst == nil {
		dst = new(Core)
	}
	*dst = *c
	if n := len(c.typed); n > 0 && n <= len(c.typedHere) && &c.typed[0] == &c.typedHere[0] {
		dst.typed = dst.typedHere[:n] // its own copy: no clone keeps its parent alive
	} else {
		dst.typed = c.typed[:n:n]
	}
	dst.run = c.run.Clone()
	dst.ahead = nil
	for _, a := range c.ahead {
		x := *a
		dst.ahead = append(dst.ahead, &x)
	}
	return dst
}

// Held reports which answers the core holds, by prompt: a checker's state
// key tells runs apart by what they hold, not by the values.
func (c *Core) Held(p enrollment.Prompt) bool { return c.in.Has(p) }

// Clock returns the run's clock.
func (c *Core) Clock() enrollment.Clock {
	if c.cfg.Clock == nil {
		return SystemClock{}
	}
	return c.cfg.Clock
}

// Live says, for a checker's key, which of what a run holds may still
// decide how it goes on: bits LivePhone to LiveOldPIN for the answers (one
// the run will ask again before any call sends it is not), LiveCertCode and
// LiveEnrollCode for each code's wrong answers and age.
type Live uint8

// The bits of Live.
const (
	LivePhone Live = 1 << iota
	LiveCertCode
	LiveEnrollCode
	LivePIN
	LiveOldPIN
	LiveCertSlot
	LiveEnrollSlot
	LiveAll Live = 1<<7 - 1
)

// AppendKey appends what decides how the run goes on, as a checker tells
// states apart: the state, what the run holds and live says may matter
// (answers as held or not, never their values), the counters but the
// run-wide counts of calls and wrong codes, each live code's age as before,
// within the last second of, at or past ttl, the interruption, the
// warnings and the calls made ahead. Two cores with the same key go on the
// same way under the same inputs.
func (c *Core) AppendKey(b []byte, ttl time.Duration, live Live) []byte {
	return c.appendKey(b, ttl, live, false)
}

// AppendSavedKey is AppendKey less what a restore drops on purpose: the PINs
// and codes held, and the calls made ahead.
func (c *Core) AppendSavedKey(b []byte, ttl time.Duration, live Live) []byte {
	return c.appendKey(b, ttl, live, true)
}

func (c *Core) appendKey(b []byte, ttl time.Duration, live Live, saved bool) []byte {
	r := &c.run
	b = append(b, byte(c.m.Index()))
	var held byte
	for i, p := range steps.Held() {
		if live&(1<<i) != 0 && c.in.Has(p) && (!saved || !p.IsSecret()) {
			held |= 1 << i
		}
	}
	// The run-wide counts of calls and of wrong codes are left out: no
	// decision reads them (each code's own count is kept).
	n := r.Counters
	b = append(b, held, byte(n.WrongPINs), byte(n.Resends), byte(n.Removals), byte(r.Attempt))
	// A code's age tells runs apart by whether it expired; at the code's own
	// prompt, also by how near its lifetime it is, where a checker answers
	// just before, at and just after it.
	now := c.Clock().Now().UnixMilli()
	at := c.state().Code
	for slot := flows.CertificationCode; slot < flows.CodeSlots; slot++ {
		if live&(LiveCertSlot<<(slot-flows.CertificationCode)) == 0 {
			b = append(b, 0xff, 0xff)
			continue
		}
		code := r.Codes[slot]
		age := ageClass(code.Sent, now-code.SentAt, ttl)
		if slot != at && age >= 1 && age <= 3 {
			age = 1
		}
		b = append(b, byte(code.Wrong), age)
	}
	// The interruption is read only where the run resumes it (interrupted)
	// or checks it (verifying_enrollment); elsewhere the next interruption
	// writes it anew, so it tells no runs apart.
	// Made is read only by the retry of a call that texts a code.
	st := c.state()
	resumes, verifies := st.Resumes, st.Resumes || st.Verifies
	texts := false
	if x, ok := c.table.State(r.Resume); resumes && ok && x.Step != nil {
		texts = x.Step.Texts
	}
	var f byte
	// Whether the run was restored is left out: it is read only where a call
	// lacks an answer, and the answers held are in the key.
	for i, x := range [...]bool{resumes && r.Unknown, texts && r.Made, verifies && r.Unsure, r.PINMayBeSet, r.AfterUnsurePIN} {
		if x {
			f |= 1 << i
		}
	}
	b = append(b, f)
	if resumes {
		b = append(b, r.Resume...)
	}
	b = append(b, 0)
	if verifies {
		b = append(b, r.VerifyFor...)
	}
	b = append(b, 0)
	// The warnings by number: which step left one changes nothing of how
	// the run goes on (a step's second 2316 adds none, which a checker tries
	// on the run that has it), and their every subset would multiply states.
	b = append(b, byte(len(r.Warnings)), 0)
	// the trusted number by what it decides: none, the number the run
	// registers (a new number equal to it is refused), or another
	b = append(b, trustedClass(c.in.Trusted, c.in.Phone))
	b = append(b, r.Failure...)
	b = append(b, 0)
	for _, a := range c.ahead {
		if a.used || saved {
			continue // dropped, or not saved: a restored run makes it again
		}
		b = append(b, a.step.ID...)
		switch {
		case a.done && a.err != nil:
			b = append(b, 'e')
		case a.done:
			b = append(b, 'd')
			b = append(b, a.msg.Status...)
			if a.msg.Error != nil {
				b = strconv.AppendInt(b, int64(a.msg.Error.Code), 10)
			}
			b = fmt.Appendf(b, "%v", a.msg.Result)
		}
		b = append(b, 0)
	}
	return b
}

// ageClass places a code's age: not sent, well within its lifetime, within
// its last second, at it, past it.
func ageClass(sent bool, age int64, ttl time.Duration) byte {
	t := ttl.Milliseconds()
	switch {
	case !sent:
		return 0
	case age < t-1000:
		return 1
	case age < t:
		return 2
	case age == t:
		return 3
	}
	return 4
}

// trustedClass places the trusted number as a checker's key needs it.
func trustedClass(trusted, phone string) byte {
	switch t, err := steps.NormalizePhone(trusted); {
	case trusted == "":
		return 0
	case err == nil && t == phone:
		return 1
	}
	return 2
}
