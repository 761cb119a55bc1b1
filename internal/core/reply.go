package core

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/enrollfsm/enrollfsm/enrollment"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/flows"
	"github.com/enrollfsm/enrollfsm/pims"
	"github.com/enrollfsm/enrollfsm/redact"
	"github.com/enrollfsm/enrollfsm/steps"
)

// A call's reply is taken here: matched to its call, the secrets an error
// may carry masked, counted and recorded; then the step's interpretation
// (interpret) decides where it leads.

// Deliver takes the reply to call id; took is how long it took.
func (c *Core) Deliver(id uint64, msg *pims.Message, callErr error, took time.Duration) error {
	st := c.state()
	if st.Kind != flows.Calling || id != c.call.ID {
		if a := c.aheadCall(id); a != nil {
			clean, cleanErr := c.scrub(msg, callErr)
			a.msg, a.err = *clean, cleanErr
			a.done = true
			c.record(&a.call, a.state, a.step, &a.msg, a.err, took)
			return nil
		}
		return fmt.Errorf("%w: %d", pimserr.ErrNoCall, id)
	}
	clean, cleanErr := c.scrub(msg, callErr)
	c.record(&c.call, st.Name, st.Step, clean, cleanErr, took)
	c.interpret(st, clean, cleanErr)
	return nil
}

// NotMade takes the news that call id never reached the backend (the host's
// context ended first): nothing happened, so nothing is counted, and the run
// is interrupted.
func (c *Core) NotMade(id uint64, cause error) error {
	st := c.state()
	if st.Kind != flows.Calling || id != c.call.ID {
		if a := c.aheadCall(id); a != nil {
			a.msg, a.err, a.done = pims.Message{}, cause, true
			return nil
		}
		return fmt.Errorf("%w: %d", pimserr.ErrNoCall, id)
	}
	d := steps.Decision{Event: enrollment.CallInterrupted, NotMade: true,
		Err: &pimserr.StepError{Step: st.Step.ID, Op: string(st.Step.Op), API: st.Step.API, Err: cause}}
	c.take(d.Event, &d)
	return nil
}

// scrub returns the reply with the secrets a backend may echo in what an
// error can carry masked: digits in an unknown status, in the error's label
// and in the bridge's error. No step reads a result's value under a
// secret's key, so the result is masked for a record (shown), when someone
// watches, and for the error of a malformed reply (interpret), not on every
// reply.
func (c *Core) scrub(msg *pims.Message, callErr error) (*pims.Message, error) {
	if msg.Status != pims.Succeeded && msg.Status != pims.Failed {
		// an unknown status is quoted by the error that refuses it
		if status := redact.Digits(string(msg.Status), ""); status != string(msg.Status) {
			out := *msg
			out.Status = pims.Status(status)
			msg = &out
		}
	}
	if msg.Error != nil {
		keep := strconv.Itoa(msg.Error.Code)
		if label := redact.Digits(msg.Error.Label, keep); label != msg.Error.Label {
			out := *msg
			out.Error = &pims.ErrorBody{Code: msg.Error.Code, Label: label}
			msg = &out
		}
	}
	if callErr != nil {
		callErr = scrubErr(callErr)
	}
	return msg, callErr
}

// scrubErr returns err with the digits of its text masked, keeping what
// errors.Is and errors.As find: a malformed reply keeps its raw bytes,
// masked too.
func scrubErr(err error) error {
	var perr *pimserr.ProtocolError
	if errors.As(err, &perr) {
		return &pimserr.ProtocolError{Reason: redact.Digits(perr.Reason, ""), Raw: []byte(redact.Digits(string(perr.Raw), ""))}
	}
	text := err.Error()
	if clean := redact.Digits(text, ""); clean != text {
		return &maskedError{text: clean, err: err}
	}
	return err
}

// maskedError prints its cause's text with digits masked; errors.Is and
// errors.As still see the cause (a cancelled context, the host's own type).
type maskedError struct {
	text string
	err  error
}

func (e *maskedError) Error() string { return e.text }
func (e *maskedError) Unwrap() error { return e.err }

// record counts, logs and reports a call whose reply came back.
func (c *Core) record(call *enrollment.Call, state enrollment.State, s *steps.Step, msg *pims.Message, callErr error, took time.Duration) {
	c.run.Counters.Calls++
	c.run.Seq++
	if !c.observed() {
		return
	}
	rec := enrollment.CallRecord{ID: call.ID, State: state, Step: s.ID, Request: call.Request, Err: callErr, Duration: took}
	if callErr == nil {
		shown := c.shown(msg)
		rec.Status, rec.TransactionID, rec.Reply = shown.Status, shown.TransactionID, shown
		if msg.Error != nil {
			rec.Code = msg.Error.Code
		}
	}
	c.logCall(rec)
	for _, o := range c.cfg.Observers {
		if o.Call != nil {
			o.Call(rec)
		}
	}
}
