package enrollfsm

import (
	"slices"

	"github.com/enrollfsm/enrollfsm/flows"
	"github.com/enrollfsm/enrollfsm/internal/hooks"
)

// The hooks of the state-space checker (enrolltest.Check): copying an
// engine, and reading its run state. They live in an internal package so
// that the public API does not grow.
func init() {
	hooks.Clone = func(x any) any {
		e, ok := x.(*Engine)
		if !ok || e == nil {
			return nil
		}
		return e.clone()
	}
	hooks.State = func(x any) (hooks.RunState, bool) {
		e, ok := x.(*Engine)
		if !ok || e == nil {
			return hooks.RunState{}, false
		}
		e.mu.Lock()
		defer e.mu.Unlock()
		return e.c.checkState(), true
	}
}

// clone copies the engine for a checker's branch: the run state and the
// secrets are values; the machine, the calls made ahead, the warnings and
// the observers become the copy's own.
func (e *Engine) clone() *Engine {
	e.mu.Lock()
	defer e.mu.Unlock()
	c := &Engine{c: e.c}
	c.c.run = e.c.run.clone()
	if m, err := e.c.table.Def.NewMachineAt(e.c.m.Current()); err == nil {
		c.c.m = m
	}
	c.c.warnErrs = slices.Clone(e.c.warnErrs)
	c.c.cfg.observers = slices.Clone(e.c.cfg.observers)
	c.c.ahead = nil
	for _, a := range e.c.ahead {
		cp := *a
		c.c.ahead = append(c.c.ahead, &cp)
	}
	return c
}

// checkState is the run state as the checker compares it: secrets only as
// held or not, no call count or id, SMS times as ages, and the interruption
// only where the engine reads it (at the state that resumes it and at the
// verification), since elsewhere the next interruption overwrites it.
func (c *core) checkState() hooks.RunState {
	r, st := &c.run, c.state()
	n := r.Counters
	out := hooks.RunState{
		State:        string(c.m.Current()),
		Counters:     [4]int{n.WrongCodes, n.WrongPINs, n.Resends, n.Removals},
		Trusted:      r.Trusted,
		Step7Unknown: r.PINMayBeSet,
		AfterResend:  r.AfterUnsurePIN,
		Failure:      string(r.Failure),
	}
	switch st.Kind {
	case flows.Calling:
		out.Attempt = r.Attempt
	case flows.Terminal:
		out.Outcome = string(c.m.Current())
	}
	switch {
	case st.Resumes:
		out.Resume, out.Unknown, out.VerifyFor = string(r.Resume), r.Unknown, string(r.VerifyFor)
	case st.Verifies:
		out.VerifyFor = string(r.VerifyFor)
	}
	now := c.cfg.clock.Now().UnixMilli()
	for i, p := range []Prompt{PromptCertificationCode, PromptEnrollmentCode} {
		code := r.code(p)
		out.CodeWrong[i] = code.Wrong
		if code.Sent {
			out.CodeSent[i], out.CodeAge[i] = true, msDuration(now-code.SentAt)
		}
	}
	in := c.inputs()
	for _, h := range [...]struct {
		bit  uint8
		held bool
	}{
		{hooks.HeldPhone, in.Phone != ""},
		{hooks.HeldCertificationCode, !in.CertificationCode.IsZero()},
		{hooks.HeldEnrollmentCode, !in.EnrollmentCode.IsZero()},
		{hooks.HeldPIN, !in.PIN.IsZero()},
		{hooks.HeldOldPIN, !in.OldPIN.IsZero()},
	} {
		if h.held {
			out.Held |= h.bit
		}
	}
	for _, w := range r.Warnings {
		out.Warnings = append(out.Warnings, w.Step+":"+w.Code.String())
	}
	return out
}

// checkedFields are the run state's fields checkState reads, each either
// compared or abstracted on purpose (the call count and id, SMS times as
// ages). A test fails when runState has a field not listed here, so that a
// field added later is not silently left out of the checker's comparison.
var checkedFields = []string{
	"Phone", "Trusted", "Counters", "CertCode", "EnrollCode", "Resume", "Unknown",
	"VerifyFor", "PINMayBeSet", "AfterUnsurePIN", "Attempt", "Warnings", "Failure", "NextCall",
}
