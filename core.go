package enrollfsm

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/enrollfsm/enrollfsm/enrollment"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/flows"
	"github.com/enrollfsm/enrollfsm/fsm"
	"github.com/enrollfsm/enrollfsm/pims"
	"github.com/enrollfsm/enrollfsm/redact"
	"github.com/enrollfsm/enrollfsm/steps"
)

// core is one run's machine, synchronous and alone: next says what is
// pending, deliver takes a call's reply, answer the user's answer. It makes
// no call, holds no lock, starts no goroutine and takes no context, as
// raft's RawNode sits under its Node; Engine drives it. It knows no state or
// event of any flow: the table says where each reply and answer leads, and
// the edge taken says what changes (flows.Effect).
type core struct {
	cfg   config
	flow  Flow
	table *flows.Table
	m     *fsm.Machine
	run   runState
	// secrets are the codes and PINs answered, in memory only.
	secrets secrets
	// call is the pending call, at a calling state; ahead the calls asked
	// for ahead of need (WithPrefetch).
	call  Call
	ahead []*aheadCall
	// reason is why the pending prompt is asked (again); failErr why the
	// run failed; warnErrs the 2316 replies behind run.Warnings.
	reason   error
	failErr  error
	warnErrs []error
	// restored: Restore made the core, so it may lack a secret a call
	// needs; a run never restored holds every one it asked.
	restored bool
	// mask is the last number masked for Pending.SentTo, and its mask:
	// both code prompts of a run usually show the same number, and masking
	// it again was 0.04x of a full run.
	mask struct{ number, masked string }
}

// begin leaves the initial state for the first call.
func (c *core) begin() {
	c.take(enrollment.Begin, nil)
	c.prefetch()
}

// state is the declaration of the current state. An engine New or Restore
// did not make has none: it is over (see outcome).
func (c *core) state() *flows.State {
	if c.m == nil {
		return &notStarted
	}
	return c.table.At(c.m)
}

// notStarted is the state of an engine New or Restore did not make: no call,
// no prompt, an end.
var notStarted = flows.State{Kind: flows.Terminal}

// errNotStarted is why such an engine's run failed.
var errNotStarted = &pimserr.RunError{Failure: pimserr.FailureInternal,
	Err: fmt.Errorf("%w: the Engine was not made by New or Restore", pimserr.ErrConfig)}

// next fills p, a zero Pending, with what is pending.
func (c *core) next(p *Pending) {
	st := c.state()
	p.State = st.Name
	switch st.Kind {
	case flows.Calling:
		p.Kind, p.Call, p.Also = PendingCall, c.call, c.aheadCalls()
	case flows.Waiting:
		p.Kind = PendingPrompt
		if lost, ok := c.reask(st); ok {
			p.Prompt, p.Actions = lost, onlyCancel
			p.Reason = &pimserr.PromptError{Prompt: string(lost), Err: pimserr.ErrAskedAgain, AttemptsLeft: -1, ResendsLeft: -1}
			return
		}
		p.Prompt, p.Actions, p.Reason = st.Prompt, c.offered(st), c.promptError(st)
		switch st.Prompt {
		case PromptCertificationCode:
			p.SentTo = c.masked(c.run.Phone)
		case PromptEnrollmentCode:
			p.SentTo = c.masked(c.run.Trusted)
		}
	default:
		p.Kind = PendingNone
	}
}

// masked returns number masked as redact.Phone masks it.
func (c *core) masked(number string) string {
	if c.mask.number != number || c.mask.masked == "" {
		c.mask.number, c.mask.masked = number, redact.Phone(number)
	}
	return c.mask.masked
}

// onlyCancel is what a prompt asked again after a restore offers.
var onlyCancel = []Action{ActionCancel}

// offered returns the actions at a waiting state, less those that spend a
// new SMS once none is left.
func (c *core) offered(st *flows.State) []Action {
	all := c.table.ActionsAt(c.m)
	if c.resendsLeft() > 0 {
		return all
	}
	out := make([]Action, 0, len(all))
	for _, a := range all {
		if !c.spendsResend(st, a) {
			out = append(out, a)
		}
	}
	return out
}

func (c *core) resendsLeft() int { return c.cfg.limits.Resends - c.run.Counters.Resends }

// spendsResend reports whether action a at st takes an edge that spends a
// new SMS.
func (c *core) spendsResend(st *flows.State, a Action) bool {
	ev, ok := a.Event()
	if !ok {
		return false
	}
	edge, ok := st.Edge(ev)
	return ok && flows.Has(edge.Effects, flows.ResendSpent)
}

// promptError is the Reason of the prompt at st: the cause of the ask again,
// and what the user has left. Nil on a first ask.
func (c *core) promptError(st *flows.State) error {
	if c.reason == nil {
		return nil
	}
	p := st.Prompt
	pe := &pimserr.PromptError{Prompt: string(p), Err: c.reason, AttemptsLeft: -1, ResendsLeft: -1}
	switch {
	case p.IsCode():
		pe.AttemptsLeft = max(0, c.cfg.limits.CodeAttempts-c.run.code(p).Wrong)
	case p.IsPIN():
		pe.AttemptsLeft = max(0, c.cfg.limits.PINAttempts-c.run.Counters.WrongPINs)
	}
	for _, a := range c.table.ActionsAt(c.m) {
		if c.spendsResend(st, a) {
			pe.ResendsLeft = max(0, c.resendsLeft())
			break
		}
	}
	return pe
}

// reask returns the answer a waiting state must ask again before its own
// prompt: a restored run keeps no secret, so the call the state leads to may
// lack one. A run never restored lacks none, and skips the search.
func (c *core) reask(st *flows.State) (enrollment.Prompt, bool) {
	if !c.restored {
		return "", false
	}
	next := c.nextCall(st)
	if next == nil {
		return "", false
	}
	in := c.inputs()
	for _, p := range next.Needs(c.cfg.platform) {
		if !steps.Fills(st.Prompt, p) && !in.Has(p) {
			return p, true
		}
	}
	return "", false
}

// nextCall is the step the state leads to: its value's destination, or the
// call a retry makes.
func (c *core) nextCall(st *flows.State) *steps.Step {
	var dst enrollment.State
	if st.Resumes {
		dst = c.run.Resume
		if v, ok := c.table.State(dst); c.run.Unknown || ok && v.Verifies {
			// the check needs nothing; the call it resumes may
			dst = c.run.VerifyFor
		}
	} else if ev, ok := st.Prompt.ValueEvent(); ok {
		dst, _ = c.table.Def.Target(st.Name, ev)
	}
	next, ok := c.table.State(dst)
	if !ok || next.Kind != flows.Calling {
		return nil
	}
	return next.Step
}

// inputs are the answers and settings a request is built from.
func (c *core) inputs() steps.Inputs {
	s := &c.secrets
	return steps.Inputs{Platform: c.cfg.platform, VIN: c.cfg.vin, Phone: c.run.Phone, Trusted: c.run.Trusted,
		CertificationCode: s.cert, EnrollmentCode: s.enroll, PIN: s.pin, OldPIN: s.oldPIN}
}

// deliver takes the reply to call id; took is how long it took.
func (c *core) deliver(id uint64, msg *pims.Message, callErr error, took time.Duration) error {
	st := c.state()
	if st.Kind != flows.Calling || id != c.call.ID {
		if a := c.aheadCall(id); a != nil {
			a.msg, a.err, a.done = *msg, callErr, true
			c.record(&a.call, a.state, a.step, msg, callErr, took)
			return nil
		}
		return fmt.Errorf("%w: %d", pimserr.ErrNoCall, id)
	}
	c.record(&c.call, st.Name, st.Step, msg, callErr, took)
	c.interpret(st, msg, callErr)
	return nil
}

// interpret asks the calling state's step what its reply means, keeps the
// facts of the decision, and takes the edge of its event.
func (c *core) interpret(st *flows.State, msg *pims.Message, callErr error) {
	var d steps.Decision
	if ev, ok := st.Step.Done(msg, callErr); ok {
		d.Event = ev // a bare success: no context to build
	} else {
		d = st.Step.Interpret(*msg, callErr, c.stepContext(st.Step))
	}
	c.run.PINMayBeSet = c.run.PINMayBeSet || d.PINMayBeSet
	c.run.AfterUnsurePIN = d.AfterUnsurePIN
	if d.Warning != nil && !c.run.warned(st.Step.ID) {
		c.run.Warnings = append(c.run.Warnings, warning{Step: st.Step.ID, Code: pimserr.CodePostSyncFailed})
		c.warnErrs = append(c.warnErrs, d.Warning)
	}
	c.fail(d.Failure, d.Err)
	c.take(d.Event, &d)
}

func (c *core) stepContext(s *steps.Step) steps.Context {
	l, n := &c.cfg.limits, &c.run.Counters
	ctx := steps.Context{
		Enrollment:       c.table.Enrollment,
		AutoRemove:       c.cfg.autoRemove,
		RemovalsLeft:     l.Removals - n.Removals,
		PINAttemptsLeft:  l.PINAttempts - n.WrongPINs,
		CanResend:        n.Resends < l.Resends,
		Attempt:          c.run.Attempt,
		MaxReadAttempts:  l.ReadAttempts,
		Backoff:          l.Backoff,
		Resume:           c.run.VerifyFor,
		CodeAttemptsLeft: l.CodeAttempts,
		PINMayBeSet:      c.run.PINMayBeSet,
		AfterUnsurePIN:   c.run.AfterUnsurePIN,
	}
	if code := c.run.code(s.Blames); code != nil {
		ctx.CodeAttemptsLeft -= code.Wrong
	}
	return ctx
}

// fail records why the run fails, for an edge to the failed state.
func (c *core) fail(f pimserr.Failure, cause error) {
	if f == "" {
		return
	}
	c.run.Failure = f
	c.failErr = &pimserr.RunError{Failure: f, Err: cause}
}

// take moves the machine by ev, applies the effects of the edge taken with
// the decision that chose it (nil for an answer), and enters the new
// state. The tables are checked by tests, so an event they do not allow is
// a bug; it still fails the run, never panics.
func (c *core) take(ev enrollment.Event, d *steps.Decision) {
	src := c.state()
	if _, err := c.m.Fire(ev); err != nil {
		c.fail(pimserr.FailureInternal, err)
		if c.m, err = c.table.Def.NewMachineAt(enrollment.Failed); err != nil {
			c.m = c.table.Def.NewMachine() // every table declares failed: unreachable
		}
		c.observe(src.Name, enrollment.Failed, enrollment.CallFailed)
		c.end(enrollment.Failed)
		return
	}
	dst := c.state()
	edge, _ := src.Edge(ev)
	if edge != nil {
		c.fail(edge.Failure, nil)
		c.apply(src, edge, d)
	}
	c.observe(src.Name, dst.Name, ev)
	if dst != src {
		c.enter(edge, dst)
	}
}

// apply makes the changes an edge declares.
func (c *core) apply(src *flows.State, edge *flows.Edge, d *steps.Decision) {
	if d == nil {
		d = &noDecision
	}
	for _, ef := range edge.Effects {
		switch ef.Kind {
		case flows.WrongAnswerCounted, flows.LastWrongAnswerCounted:
			switch p := d.Blamed; {
			case p.IsCode():
				c.run.Counters.WrongCodes++
				c.run.code(p).Wrong++
			case p.IsPIN():
				c.run.Counters.WrongPINs++
			}
			c.reason = d.Err
		case flows.CauseKept:
			c.reason = d.Err
		case flows.CodeSent:
			*c.run.code(ef.Prompt) = codeState{Sent: true, SentAt: c.cfg.clock.Now().UnixMilli()}
		case flows.CodeForgotten:
			in := c.inputs()
			in.Forget(ef.Prompt)
			c.secrets = secretsOf(in)
		case flows.ResendSpent:
			c.run.Counters.Resends++
		case flows.TrustedPhoneKept:
			c.run.Trusted = d.Phone
		case flows.PhoneTrusted:
			c.run.Trusted = c.run.Phone
		case flows.RemovalSpent:
			c.run.Counters.Removals++
			c.run.PINMayBeSet = false // removing every enrollment drops the PIN too
		case flows.InterruptionKept:
			c.run.Resume, c.run.Unknown, c.reason = src.Name, d.Unknown, d.Err
			if d.Unknown {
				c.run.VerifyFor = src.Name
			}
		case flows.VerificationAwaited:
			c.run.VerifyFor = src.Name
		case flows.ReadRetry:
			c.run.Attempt++
			c.prepare(src.Step, d.Delay)
		}
	}
}

// noDecision is the decision behind an answer: none.
var noDecision steps.Decision

// enter runs what entering state st by edge does: a call is made pending, a
// prompt loses the reason of an earlier ask, an end ends the run.
func (c *core) enter(edge *flows.Edge, st *flows.State) {
	ev := enrollment.Event("")
	if edge != nil {
		ev = edge.Event
	}
	ahead := c.takeAhead(ev, st.Name)
	switch st.Kind {
	case flows.Calling:
		c.run.Attempt = 1
		if ahead == nil {
			c.prepare(st.Step, 0)
			return
		}
		c.call = ahead.call
		if ahead.done {
			c.interpret(st, &ahead.msg, ahead.err)
		}
	case flows.Waiting:
		c.run.Attempt = 0
		if edge == nil || !flows.SetsReason(edge.Effects) {
			c.reason = nil
		}
	case flows.Terminal:
		c.end(st.Name)
	}
}

// prepare makes the step's call pending. A missing input is an engine bug,
// never expected: it fails the run rather than sending a wrong request.
func (c *core) prepare(s *steps.Step, delay time.Duration) {
	// c.call is still the previous call: step 8 shares step 7's parameters.
	// A call that sends only constants needs no inputs gathered: skipping
	// them is 0.02-0.03x of a run (RequestAfter would give the same request).
	req, constant := s.Constant()
	var err error
	if !constant {
		in := c.inputs()
		req, err = s.RequestAfter(&c.call.Request, &in)
	}
	if err != nil {
		c.fail(pimserr.FailureInternal, err)
		c.take(enrollment.CallFailed, nil)
		return
	}
	// Field by field: a composite literal was 0.015x of a full run.
	// TestPrepare_WritesEveryFieldOfCall fails when Call gains a field.
	c.call.ID, c.call.Step, c.call.Request, c.call.Delay, c.call.Ahead = c.newCallID(), s.ID, req, delay, false
}

func (c *core) newCallID() uint64 {
	c.run.NextCall++
	return c.run.NextCall - 1
}

func (c *core) end(s enrollment.State) {
	c.run.Attempt = 0
	if s != enrollment.Failed {
		c.run.Failure, c.failErr = "", nil
	} else if c.run.Failure == "" {
		c.fail(pimserr.FailureInternal, errors.New("failed without a recorded failure"))
	}
	// Secrets are not needed once the run is over.
	c.secrets = secrets{}
	c.call = Call{}
	c.reason = nil
}

func (c *core) ended() bool { return c.state().Kind == flows.Terminal }

func (c *core) outcome() (Outcome, bool) {
	if !c.ended() {
		return Outcome{}, false
	}
	if c.m == nil {
		return Outcome{State: enrollment.Failed, Failure: pimserr.FailureInternal, Err: errNotStarted}, true
	}
	o := Outcome{State: c.m.Current(), Warnings: c.warnErrs}
	if o.State == enrollment.Failed {
		o.Failure, o.Err = c.run.Failure, c.failErr
	}
	return o, true
}

// answer takes the user's answer to the pending prompt.
func (c *core) answer(a Answer) error {
	st := c.state()
	switch st.Kind {
	case flows.Terminal:
		return pimserr.ErrEnded
	case flows.Waiting:
	default:
		return fmt.Errorf("%w: %s makes a call", pimserr.ErrNotWaiting, st.Name)
	}
	if lost, ok := c.reask(st); ok {
		if a.Prompt == lost && a.Action == ActionCancel {
			c.notifyAnswer(a, nil)
			c.take(enrollment.CancelRequested, nil)
			return nil
		}
		err := c.answerAgain(lost, a)
		c.notifyAnswer(a, err)
		return err
	}
	if a.Prompt != st.Prompt {
		return fmt.Errorf("%w: %s is pending, not %s", pimserr.ErrWrongPrompt, st.Prompt, a.Prompt)
	}
	ev, err := c.answerEvent(st, a)
	c.notifyAnswer(a, err)
	if err != nil {
		if isRefusal(err) || errors.Is(err, pimserr.ErrNotAllowed) {
			c.reason = err
		}
		return err
	}
	c.take(ev, nil)
	return nil
}

// answerAgain takes a secret asked again after a restore. It is not checked
// for expiry: if the backend refuses it, the flow goes back to the prompt
// that can ask for a new code.
func (c *core) answerAgain(lost enrollment.Prompt, a Answer) error {
	switch {
	case a.Prompt != lost:
		return fmt.Errorf("%w: %s is asked again, not %s", pimserr.ErrWrongPrompt, lost, a.Prompt)
	case a.Action != "":
		return fmt.Errorf("%w: %s at %s", pimserr.ErrNotAllowed, a.Action, lost)
	}
	return c.keep(lost, a.Value)
}

func isRefusal(err error) bool {
	return errors.Is(err, pimserr.ErrInvalidInput) || errors.Is(err, pimserr.ErrCodeExpired) ||
		errors.Is(err, pimserr.ErrCodeLocked) || errors.Is(err, pimserr.ErrResendLimit)
}

// answerEvent checks the answer and keeps its value; it changes nothing
// when it returns an error.
func (c *core) answerEvent(st *flows.State, a Answer) (enrollment.Event, error) {
	if a.Action != "" {
		ev, _ := a.Action.Event()
		if a.Action == ActionRetry {
			ev = enrollment.RetryEvent(c.run.Resume)
			if c.run.Unknown {
				ev = enrollment.VerifyRequested
			}
		}
		edge, ok := st.Edge(ev)
		if ev == "" || !ok {
			return "", fmt.Errorf("%w: %s at %s", pimserr.ErrNotAllowed, a.Action, st.Prompt)
		}
		if flows.Has(edge.Effects, flows.ResendSpent) && c.resendsLeft() <= 0 {
			return "", pimserr.ErrResendLimit
		}
		return ev, nil
	}
	ev, ok := st.Prompt.ValueEvent()
	if _, allowed := st.Edge(ev); !ok || !allowed {
		return "", fmt.Errorf("%w: a value at %s", pimserr.ErrNotAllowed, st.Prompt)
	}
	if code := c.run.code(st.Prompt); code != nil {
		if code.Wrong >= c.cfg.limits.CodeAttempts {
			return "", pimserr.ErrCodeLocked
		}
		// written so that no SMS time, however far back, overflows
		if code.Sent && code.SentAt < c.cfg.clock.Now().UnixMilli()-c.cfg.limits.CodeTTL.Milliseconds() {
			return "", pimserr.ErrCodeExpired
		}
	}
	return ev, c.keep(st.Prompt, a.Value)
}

// keep validates a value and keeps it in memory.
func (c *core) keep(p enrollment.Prompt, v string) error {
	in := c.inputs()
	if err := in.Keep(p, v); err != nil {
		return err
	}
	c.secrets, c.run.Phone = secretsOf(in), in.Phone
	return nil
}

// cancel ends a run that is not over: at a prompt by answering cancel, in a
// calling state by interrupting the call first (the table's only way out).
func (c *core) cancel() {
	st := c.state()
	switch st.Kind {
	case flows.Calling:
		c.take(enrollment.CallInterrupted, &steps.Decision{Err: context.Canceled, Unknown: st.Step.Enrolls})
		c.take(enrollment.CancelRequested, nil)
	case flows.Waiting:
		c.take(enrollment.CancelRequested, nil)
	}
}

// record counts, logs and reports a call whose reply came back.
func (c *core) record(call *Call, state enrollment.State, s *steps.Step, msg *pims.Message, callErr error, took time.Duration) {
	c.run.Counters.Calls++
	if !c.observed() {
		return
	}
	rec := CallRecord{ID: call.ID, State: state, Step: s.ID, Request: call.Request, Err: callErr, Duration: took}
	if callErr == nil {
		rec.Status, rec.TransactionID, rec.Reply = msg.Status, msg.TransactionID, *msg
		if msg.Error != nil {
			rec.Code = msg.Error.Code
		}
	}
	c.logCall(rec)
	for _, o := range c.cfg.observers {
		if o.Call != nil {
			o.Call(rec)
		}
	}
}

// observed reports whether a logger or an observer watches the run: if
// none does, no record of a call or a transition is built.
func (c *core) observed() bool { return c.cfg.logger != nil || len(c.cfg.observers) > 0 }

func (c *core) observe(from, to enrollment.State, ev enrollment.Event) {
	if l := c.cfg.logger; l != nil {
		l.LogAttrs(context.Background(), slog.LevelDebug, "transition",
			slog.String("flow", string(c.flow)),
			slog.String("from", string(from)),
			slog.String("to", string(to)),
			slog.String("event", string(ev)))
	}
	for _, o := range c.cfg.observers {
		if o.Transition != nil {
			o.Transition(Transition{From: from, To: to, Event: ev})
		}
	}
}

func (c *core) notifyAnswer(a Answer, err error) {
	for _, o := range c.cfg.observers {
		if o.Answer != nil {
			o.Answer(a, err)
		}
	}
}

func (c *core) logCall(r CallRecord) {
	if c.cfg.logger == nil {
		return
	}
	attrs := []slog.Attr{
		slog.String("flow", string(c.flow)),
		slog.String("state", string(r.State)),
		slog.String("step", r.Step),
		slog.Any("request", r.Request),
		slog.Duration("duration", r.Duration),
	}
	if r.Err != nil {
		attrs = append(attrs, slog.String("error", r.Err.Error()))
	} else {
		attrs = append(attrs, slog.String("status", string(r.Status)), slog.String("transactionId", r.TransactionID))
		if r.Code != 0 {
			attrs = append(attrs, slog.Int("code", r.Code))
		}
	}
	c.cfg.logger.LogAttrs(context.Background(), slog.LevelInfo, "call", attrs...)
}

// secrets are the codes and PINs a run holds in memory and never saves.
type secrets struct{ cert, enroll, pin, oldPIN redact.Secret }

func secretsOf(in steps.Inputs) secrets {
	return secrets{cert: in.CertificationCode, enroll: in.EnrollmentCode, pin: in.PIN, oldPIN: in.OldPIN}
}
