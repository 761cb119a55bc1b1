package core

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/enrollfsm/enrollfsm/enrollment"
	"github.com/enrollfsm/enrollfsm/flows"
)

// State returns the current state.
func (c *Core) State() enrollment.State {
	if c.table == nil {
		return enrollment.Failed
	}
	return c.m.Current()
}

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
// changes the original. Observers are the caller's to replace (SetObservers).
func (c *Core) Clone() *Core {
	cp := *c
	cp.run = c.run.Clone()
	cp.cfg.Observers = slices.Clone(c.cfg.Observers)
	cp.ahead = nil
	for _, a := range c.ahead {
		x := *a
		cp.ahead = append(cp.ahead, &x)
	}
	return &cp
}

// SetObservers replaces the core's observers.
func (c *Core) SetObservers(o ...enrollment.Observer) { c.cfg.Observers = o }

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

// AppendKey appends what decides how the run goes on, as a checker tells
// states apart: the state, what the run holds (answers as held or not,
// never their values), the counters but the call count, each code's age as
// before, within the last second of, at or past ttl, the interruption, the
// warnings and the calls made ahead. Two cores with the same key go on the
// same way under the same inputs.
func (c *Core) AppendKey(b []byte, ttl time.Duration) []byte { return c.appendKey(b, ttl, false) }

// AppendSavedKey is AppendKey less what a restore drops on purpose: the PINs
// and codes held, and that the run was restored.
func (c *Core) AppendSavedKey(b []byte, ttl time.Duration) []byte { return c.appendKey(b, ttl, true) }

func (c *Core) appendKey(b []byte, ttl time.Duration, saved bool) []byte {
	r := &c.run
	b = append(b, byte(c.m.Index()))
	var held byte
	for i, p := range [...]enrollment.Prompt{enrollment.PromptPhoneNumber, enrollment.PromptCertificationCode,
		enrollment.PromptEnrollmentCode, enrollment.PromptPIN, enrollment.PromptOldPIN} {
		if c.in.Has(p) && (!saved || !p.IsSecret()) {
			held |= 1 << i
		}
	}
	n := r.Counters
	b = append(b, held, byte(n.WrongCodes), byte(n.WrongPINs), byte(n.Resends), byte(n.Removals), byte(r.Attempt))
	now := c.Clock().Now().UnixMilli()
	for _, code := range r.Codes[1:] {
		b = append(b, byte(code.Wrong), ageClass(code.Sent, now-code.SentAt, ttl))
	}
	var f byte
	for i, x := range [...]bool{r.Unknown, r.Made, r.Unsure, r.PINMayBeSet, r.AfterUnsurePIN, c.restored && !saved, r.Trusted != ""} {
		if x {
			f |= 1 << i
		}
	}
	b = append(b, f)
	b = append(b, r.Resume...)
	b = append(b, 0)
	b = append(b, r.VerifyFor...)
	b = append(b, 0)
	for _, w := range r.Warnings {
		b = append(b, w.Step...)
		b = append(b, byte(w.Code), byte(w.Code>>8), 0)
	}
	b = append(b, 0)
	b = append(b, r.Failure...)
	b = append(b, 0)
	for _, a := range c.ahead {
		b = append(b, a.step.ID...)
		switch {
		case a.used:
			b = append(b, 'u')
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
