package enrollfsm

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"unsafe"

	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/flows"
	"github.com/enrollfsm/enrollfsm/fsm"
	"github.com/enrollfsm/enrollfsm/internal/hooks"
)

// The hooks of the state-space checker (enrolltest.Check): copying an
// engine, and its run state. They live in an internal package so that the
// public API does not grow.
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
		return e.runState(), true
	}
}

// engineFields are the fields clone and runState know by name; any other
// is copied and printed generically, so a field added later is neither
// shared between copies nor ignored.
var engineFields = map[string]bool{
	"mu": true, "cfg": true, "flow": true, "table": true, "m": true, "in": true,
	"callID": true, "call": true, "attempt": true, "inFlight": true, "stopCall": true, "cancelAt": true,
	"resume": true, "unknown": true, "verifyFor": true, "step7Unknown": true, "afterResend": true,
	"counters": true, "codes": true, "trusted": true, "reason": true,
	"outcome": true, "warnings": true, "ahead": true,
}

// otherFields are the indexes of Engine's fields not in engineFields.
var otherFields = func() []int {
	var out []int
	t := reflect.TypeOf(Engine{})
	for i := 0; i < t.NumField(); i++ {
		if !engineFields[t.Field(i).Name] {
			out = append(out, i)
		}
	}
	return out
}()

// clone copies e wholesale under its lock, then gives the copy its own
// machine and its own slices and maps.
func (e *Engine) clone() *Engine {
	e.mu.Lock()
	defer e.mu.Unlock()
	c := new(Engine)
	// reflect copies the struct without vet's lock-copy warning; the copy's
	// mutex is reset just below.
	reflect.ValueOf(c).Elem().Set(reflect.ValueOf(e).Elem())
	c.mu = sync.Mutex{}
	if m, err := e.m.Definition().NewMachineAt(e.m.Current()); err == nil {
		c.m = m
	}
	c.warnings = slices.Clone(e.warnings)
	c.outcome.Warnings = slices.Clone(e.outcome.Warnings)
	c.cfg.observers = slices.Clone(e.cfg.observers)
	c.ahead = nil
	for _, a := range e.ahead {
		cp := *a
		c.ahead = append(c.ahead, &cp)
	}
	c.inFlight, c.stopCall, c.cancelAt = 0, nil, false
	v := reflect.ValueOf(c).Elem()
	for _, i := range otherFields {
		f := v.Field(i)
		f = reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem()
		switch f.Kind() {
		case reflect.Map:
			if !f.IsNil() {
				m := reflect.MakeMapWithSize(f.Type(), f.Len())
				for it := f.MapRange(); it.Next(); {
					m.SetMapIndex(it.Key(), it.Value())
				}
				f.Set(m)
			}
		case reflect.Slice:
			if !f.IsNil() {
				s := reflect.MakeSlice(f.Type(), f.Len(), f.Len())
				reflect.Copy(s, f)
				f.Set(s)
			}
		}
	}
	return c
}

// runState is the engine's state as the checker compares it.
func (e *Engine) runState() hooks.RunState {
	e.mu.Lock()
	defer e.mu.Unlock()
	cur := e.m.Current()
	r := hooks.RunState{
		State:        string(cur),
		Counters:     [4]int{e.counters.WrongCodes, e.counters.WrongPINs, e.counters.Resends, e.counters.Removals},
		Trusted:      e.trusted,
		Step7Unknown: e.step7Unknown,
		AfterResend:  e.afterResend,
		Outcome:      string(e.outcome.State),
		Failure:      string(e.outcome.Failure),
	}
	if st, ok := e.table.State(cur); ok && st.Kind == flows.Calling {
		r.Attempt = e.attempt
	}
	// The interruption is read only at interrupted, and the call to resume
	// also by verifying_enrollment; elsewhere they are left over, and the
	// next interruption overwrites them.
	switch cur {
	case fsm.Interrupted:
		r.Resume, r.Unknown, r.VerifyFor = string(e.resume), e.unknown, string(e.verifyFor)
	case fsm.VerifyingEnrollment:
		r.VerifyFor = string(e.verifyFor)
	}
	now := e.cfg.clock.Now()
	for i, c := range e.codes {
		r.CodeWrong[i] = c.wrong
		if !c.sentAt.IsZero() {
			r.CodeSent[i], r.CodeAge[i] = true, now.Sub(c.sentAt)
		}
	}
	for _, h := range [...]struct {
		bit  uint8
		held bool
	}{
		{hooks.HeldPhone, e.in.Phone != ""},
		{hooks.HeldCertificationCode, !e.in.CertificationCode.IsZero()},
		{hooks.HeldEnrollmentCode, !e.in.EnrollmentCode.IsZero()},
		{hooks.HeldPIN, !e.in.PIN.IsZero()},
		{hooks.HeldOldPIN, !e.in.OldPIN.IsZero()},
	} {
		if h.held {
			r.Held |= h.bit
		}
	}
	for _, w := range e.warnings {
		r.Warnings = append(r.Warnings, warningKey(w))
	}
	if len(otherFields) > 0 {
		var other []string
		v := reflect.ValueOf(e).Elem()
		for _, i := range otherFields {
			other = append(other, fmt.Sprintf("%s=%v", v.Type().Field(i).Name, v.Field(i)))
		}
		r.Other = strings.Join(other, " ")
	}
	return r
}

// warningKey names a 2316 warning as a snapshot keeps it: step and code.
func warningKey(w error) string {
	var se *pimserr.StepError
	var pe *pimserr.Error
	if errors.As(w, &se) && errors.As(w, &pe) {
		return se.Step + ":" + pe.Code.String()
	}
	return w.Error()
}
