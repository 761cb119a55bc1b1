// Package core is one run's machine, synchronous and alone: Next says what
// is pending, Deliver takes a call's reply, Answer the user's answer. It
// makes no call, holds no lock, starts no goroutine and takes no context, as
// raft's RawNode sits under its Node; package enrollfsm's Engine drives it.
// It knows no state, event or prompt of any flow: the table says where each
// reply and answer leads, and the edge taken says what changes
// (flows.Effect). The test kit builds cores directly, to branch from any
// state.
package core

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/enrollfsm/enrollfsm/enrollment"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/flows"
	"github.com/enrollfsm/enrollfsm/fsm"
	"github.com/enrollfsm/enrollfsm/pims"
	"github.com/enrollfsm/enrollfsm/redact"
	"github.com/enrollfsm/enrollfsm/steps"
)

// Core is one run. The zero Core is a run that failed before it began.
type Core struct {
	cfg   Config
	flow  enrollment.Flow
	table *flows.Table
	m     fsm.Machine
	run   Run
	// in holds the answers (the phone being registered, and the codes and
	// PINs in memory only) and the settings requests are built from.
	in steps.Inputs
	// call is the pending call, at a calling state; ahead the calls asked
	// for ahead of need (WithPrefetch).
	call  enrollment.Call
	ahead []*aheadCall
	// reason is why the pending prompt is asked (again); failErr why the
	// run failed.
	reason  error
	failErr error
	// restored: Restore made the core, so it may lack an answer a call
	// needs; a run never restored holds every one it asked.
	restored bool
	// typed are the secrets typed in this engine's life, in memory only:
	// a record masks any value that holds one. Shared by clones, which
	// append past their own length only.
	typed []redact.Secret
	// typedHere holds the first secrets typed, so that a run that types
	// no more than a full flow's answers allocates nothing for typed.
	typedHere [4]redact.Secret
	// mask is the last number masked for Pending.SentTo, and its mask:
	// both code prompts of a run usually show the same number.
	mask struct{ number, masked string }
}

// New returns the core of a run of flow that has begun: its first call is
// pending.
func New(flow enrollment.Flow, cfg Config) (*Core, error) {
	c := &Core{cfg: cfg}
	if err := c.Begin(flow); err != nil {
		return nil, err
	}
	return c, nil
}

// Config is the core's own configuration, for options to write in place
// before Begin takes it.
func (c *Core) Config() *Config { return &c.cfg }

// Begin makes c, a zero Core but for its Config, the core of a run of flow
// that has begun. Its fields are set one by one: copying a whole Core over
// c would cost a write barrier per pointer while the collector runs.
func (c *Core) Begin(flow enrollment.Flow) error {
	resolved, table, err := Resolve(flow, &c.cfg)
	if err != nil {
		return err
	}
	c.flow, c.table, c.m = resolved, table, *table.Def.NewMachine()
	c.in.Platform, c.in.VIN = c.cfg.Platform, c.cfg.VIN
	c.run.NextCall = 1
	c.take(enrollment.Begin, nil)
	c.prefetch()
	return nil
}

// state is the declaration of the current state. A core New or Restore did
// not make has none: it is over (see Outcome).
func (c *Core) state() *flows.State {
	if c.table == nil {
		return &notStarted
	}
	return c.table.At(&c.m)
}

// notStarted is the state of a core New or Restore did not make: no call,
// no prompt, an end.
var notStarted = flows.State{Kind: flows.Terminal}

// ErrNotStarted is why the run of a core New or Restore did not make failed.
var ErrNotStarted = &pimserr.RunError{Failure: pimserr.FailureInternal,
	Err: fmt.Errorf("%w: the Engine was not made by New or Restore", pimserr.ErrConfig)}

// Next fills p, a zero Pending, with what is pending.
func (c *Core) Next(p *enrollment.Pending) {
	st := c.state()
	p.State = st.Name
	switch st.Kind {
	case flows.Calling:
		p.Kind, p.Call, p.Also = enrollment.PendingCall, c.call, c.aheadCalls()
	case flows.Waiting:
		p.Kind = enrollment.PendingPrompt
		p.Prompt, p.Actions, p.Reason = st.Prompt, c.offered(st), c.promptError(st)
		switch st.SentTo {
		case flows.NewPhone:
			p.SentTo = c.masked(c.in.Phone)
		case flows.TrustedPhone:
			p.SentTo = c.masked(c.in.Trusted)
		}
	default:
		p.Kind = enrollment.PendingNone
	}
}

// masked returns number masked as redact.Phone masks it.
func (c *Core) masked(number string) string {
	if c.mask.number != number || c.mask.masked == "" {
		c.mask.number, c.mask.masked = number, redact.Phone(number)
	}
	return c.mask.masked
}

// offered returns the actions at a waiting state, less those that spend a
// new SMS once none is left.
func (c *Core) offered(st *flows.State) []enrollment.Action {
	all := c.table.ActionsAt(&c.m)
	if c.resendsLeft() > 0 {
		return all
	}
	out := make([]enrollment.Action, 0, len(all))
	for _, a := range all {
		if !c.spendsResend(st, a) {
			out = append(out, a)
		}
	}
	return out
}

func (c *Core) resendsLeft() int { return c.cfg.Limits.Resends - c.run.Counters.Resends }

// actionEvent is the event action a fires at st: retry picks the call to
// make again, or call 1 first when the call's outcome is unknown.
func (c *Core) actionEvent(st *flows.State, a enrollment.Action) (enrollment.Event, bool) {
	if a == enrollment.ActionRetry {
		if !st.Resumes {
			return "", false
		}
		if c.run.Unknown {
			return enrollment.VerifyRequested, true
		}
		return enrollment.RetryEvent(c.run.Resume), true
	}
	return a.Event()
}

// spendsResend reports whether action a at st takes an edge that spends a
// new SMS.
func (c *Core) spendsResend(st *flows.State, a enrollment.Action) bool {
	ev, ok := c.actionEvent(st, a)
	if !ok {
		return false
	}
	edge, ok := st.Edge(ev)
	return ok && c.spends(edge)
}

func (c *Core) spends(edge *flows.Edge) bool {
	return flows.Has(edge.Effects, flows.ResendSpent) || c.run.Made && flows.Has(edge.Effects, flows.ResendSpentIfMade)
}

// promptError is the Reason of the prompt at st: the cause of the ask again,
// and what the user has left. Nil on a first ask.
func (c *Core) promptError(st *flows.State) error {
	if c.reason == nil {
		return nil
	}
	p := st.Prompt
	pe := &pimserr.PromptError{Prompt: string(p), Err: c.reason, AttemptsLeft: -1, ResendsLeft: -1}
	switch {
	case st.Code != flows.NoCode:
		pe.AttemptsLeft = max(0, c.cfg.Limits.CodeAttempts-c.run.Codes[st.Code].Wrong)
	case p.IsPIN():
		pe.AttemptsLeft = max(0, c.cfg.Limits.PINAttempts-c.run.Counters.WrongPINs)
	}
	for _, a := range c.table.ActionsAt(&c.m) {
		if c.spendsResend(st, a) {
			pe.ResendsLeft = max(0, c.resendsLeft())
			break
		}
	}
	return pe
}

// interpret asks the calling state's step what its reply means, keeps the
// facts of the decision, and takes the edge of its event.
func (c *Core) interpret(st *flows.State, msg *pims.Message, callErr error) {
	var d steps.Decision
	if ev, ok := st.Step.Done(msg, callErr); ok {
		d.Event = ev // a bare success: no context to build
	} else {
		d = st.Step.Interpret(*msg, callErr, c.stepContext(st.Step))
		if d.Failure == pimserr.FailureBadReply {
			// Its error may quote what the step read: read the reply again
			// with every value under a secret's key masked. No step reads
			// such a key, so only the error's text can change.
			if masked, changed := msg.WithoutSecrets(); changed {
				d = st.Step.Interpret(masked, callErr, c.stepContext(st.Step))
			}
		}
	}
	if c.restored && st.Verifies {
		if x, ok := enrollment.ResumeTarget(d.Event); ok {
			if xs, ok := c.table.State(x); ok && c.lacks(xs.Step, "") != "" {
				d = c.lost(xs, true)
			}
		}
	}
	if st.Step.Blames.IsSecret() && d.Event != enrollment.CallInterrupted {
		c.run.Unsure = false // the answer was judged
	}
	c.run.PINMayBeSet = c.run.PINMayBeSet || d.PINMayBeSet
	c.run.AfterUnsurePIN = d.AfterUnsurePIN
	if d.Warning != nil && !c.warned(st.Step.ID) {
		c.run.Warnings = append(c.run.Warnings, Warning{Step: st.Step.ID, Code: pimserr.CodePostSyncFailed})
	}
	c.fail(d.Failure, d.Err)
	c.take(d.Event, &d)
}

func (c *Core) warned(step string) bool {
	for _, w := range c.run.Warnings {
		if w.Step == step {
			return true
		}
	}
	return false
}

func (c *Core) stepContext(s *steps.Step) steps.Context {
	l, n := &c.cfg.Limits, &c.run.Counters
	return steps.Context{
		Enrollment:       c.table.Enrollment,
		AutoRemove:       c.cfg.AutoRemove,
		RemovalsLeft:     l.Removals - n.Removals,
		PINAttemptsLeft:  l.PINAttempts - n.WrongPINs,
		CanResend:        n.Resends < l.Resends,
		Attempt:          c.run.Attempt,
		MaxReadAttempts:  l.ReadAttempts,
		Backoff:          l.Backoff,
		Resume:           c.run.VerifyFor,
		CodeAttemptsLeft: l.CodeAttempts - c.run.Codes[c.table.CodeSlotOf(s.Blames)].Wrong,
		PINMayBeSet:      c.run.PINMayBeSet,
		AfterUnsurePIN:   c.run.AfterUnsurePIN,
	}
}

// fail records why the run fails, for an edge to the failed state.
func (c *Core) fail(f pimserr.Failure, cause error) {
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
func (c *Core) take(ev enrollment.Event, d *steps.Decision) {
	src := c.state()
	row, err := c.m.Move(ev)
	if err != nil {
		c.fail(pimserr.FailureInternal, err)
		if m, err := c.table.Def.NewMachineAt(enrollment.Failed); err == nil {
			c.m = *m
		}
		c.observe(src.Name, enrollment.Failed, enrollment.CallFailed)
		c.end(enrollment.Failed)
		return
	}
	dst := c.state()
	// The registry's tables are compiled and the engine's alone, so a
	// state's edges are in the order of its rows.
	edge := &src.Edges[row]
	c.fail(edge.Failure, nil)
	c.apply(src, edge, d)
	if c.observed() {
		c.observe(src.Name, dst.Name, ev)
	}
	if dst != src {
		c.enter(edge, dst)
	}
}

// apply makes the changes an edge declares.
func (c *Core) apply(src *flows.State, edge *flows.Edge, d *steps.Decision) {
	if d == nil {
		d = &noDecision
	}
	r := &c.run
	for _, ef := range edge.Effects {
		switch ef.Kind {
		case flows.WrongAnswerCounted, flows.LastWrongAnswerCounted:
			c.countWrong(d.Blamed)
			c.reason = d.Err
		case flows.UnsureAnswerCounted:
			if r.Unsure {
				c.countWrong(d.Blamed)
				r.Unsure = false
				r.Seq++
			}
			c.reason = d.Err
		case flows.CauseKept:
			c.reason = d.Err
		case flows.CodeSent:
			r.Codes[ef.Code] = Code{Sent: true, SentAt: c.cfg.Clock.Now().UnixMilli()}
		case flows.CodeForgotten:
			c.in.Forget(c.table.CodePrompt(ef.Code))
		case flows.ResendSpent:
			r.Counters.Resends++
		case flows.ResendSpentIfMade:
			if r.Made {
				r.Counters.Resends++
			}
		case flows.TrustedPhoneKept:
			c.in.Trusted = d.Phone
		case flows.PhoneTrusted:
			c.in.Trusted = c.in.Phone
		case flows.RemovalSpent:
			r.Counters.Removals++
			r.PINMayBeSet = false // removing every enrollment drops the PIN too
		case flows.InterruptionKept:
			r.Resume, r.Unknown, r.Made, c.reason = src.Name, d.Unknown, !d.NotMade, d.Err
			if src.Step.Blames.IsSecret() {
				r.Unsure = d.Unsure
			}
			if d.Unknown {
				r.VerifyFor = src.Name
			}
		case flows.VerificationAwaited:
			r.VerifyFor = src.Name
		case flows.ReadRetry:
			r.Attempt++
			c.prepare(src.Step, d.Delay)
		}
	}
}

// countWrong counts a wrong answer to prompt p: to its code and the run's
// wrong codes, or to the run's wrong PINs.
func (c *Core) countWrong(p enrollment.Prompt) {
	switch {
	case p.IsCode():
		c.run.Counters.WrongCodes++
		c.run.Codes[c.table.CodeSlotOf(p)].Wrong++
	case p.IsPIN():
		c.run.Counters.WrongPINs++
	}
}

// noDecision is the decision behind an answer: none.
var noDecision steps.Decision

// enter runs what entering state st by edge does: a call is made pending, a
// prompt loses the reason of an earlier ask, an end ends the run.
func (c *Core) enter(edge *flows.Edge, st *flows.State) {
	ev := enrollment.Event("")
	if edge != nil {
		ev = edge.Event
	}
	var ahead *aheadCall
	if len(c.ahead) > 0 { // only a run with prefetch asks calls ahead
		ahead = c.takeAhead(ev, st.Name)
	}
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
		if c.restored {
			c.settle() // a run never restored holds every answer it asked
		}
	case flows.Terminal:
		c.end(st.Name)
	}
}

// prepare makes the step's call pending. A missing input is an engine bug,
// never expected: it fails the run rather than sending a wrong request.
func (c *Core) prepare(s *steps.Step, delay time.Duration) {
	// c.call is still the previous call: step 8 shares step 7's parameters.
	// A call that sends only constants needs no inputs looked at.
	req, constant := s.Constant()
	var err error
	if !constant {
		req, err = s.RequestAfter(&c.call.Request, &c.in)
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

func (c *Core) newCallID() uint64 {
	c.run.NextCall++
	return c.run.NextCall - 1
}

func (c *Core) end(s enrollment.State) {
	c.run.Attempt = 0
	if s != enrollment.Failed {
		c.run.Failure, c.failErr = "", nil
	} else if c.run.Failure == "" {
		c.fail(pimserr.FailureInternal, errors.New("failed without a recorded failure"))
	}
	// Answers are not needed once the run is over; secrets never outlive it.
	c.in = steps.Inputs{Platform: c.in.Platform, VIN: c.in.VIN, Phone: c.in.Phone, Trusted: c.in.Trusted}
	c.call = enrollment.Call{}
	c.reason = nil
}

// Ended reports whether the run is over.
func (c *Core) Ended() bool { return c.state().Kind == flows.Terminal }

// Outcome returns how the run ended, and false while it goes on.
func (c *Core) Outcome() (enrollment.Outcome, bool) {
	if !c.Ended() {
		return enrollment.Outcome{}, false
	}
	if c.table == nil {
		return enrollment.Outcome{State: enrollment.Failed, Failure: pimserr.FailureInternal, Err: ErrNotStarted}, true
	}
	o := enrollment.Outcome{State: c.m.Current(), Warnings: c.warnings()}
	if o.State == enrollment.Failed {
		o.Failure, o.Err = c.run.Failure, c.failErr
		if o.Err == nil {
			o.Err = &pimserr.RunError{Failure: o.Failure}
		}
	}
	return o, true
}

// warnings are the run's 2316 warnings as errors, each naming its step's
// call as the table declares it, so that they read the same after a
// restore.
func (c *Core) warnings() []error {
	if len(c.run.Warnings) == 0 {
		return nil
	}
	out := make([]error, 0, len(c.run.Warnings))
	for _, w := range c.run.Warnings {
		e := &pimserr.StepError{Step: w.Step, Err: pimserr.New(w.Code)}
		if s := c.table.Step(w.Step); s != nil {
			e.Op, e.API = string(s.Op), s.API
		}
		out = append(out, e)
	}
	return out
}

// Answer takes the user's answer to the pending prompt.
func (c *Core) Answer(a enrollment.Answer) error {
	st := c.state()
	if err := c.waits(st, a); err != nil {
		return err
	}
	ev, err := c.answerEvent(st, a, &c.in)
	c.notifyAnswer(a, err)
	if err != nil {
		if IsRefusal(err) {
			c.reason = err
		}
		return err
	}
	if a.Action == "" && st.Prompt.IsSecret() {
		c.remember(st.Prompt)
	}
	c.take(ev, nil)
	return nil
}

// maxTyped bounds the secrets a run remembers having been typed: more
// than any limits allow (wrong PINs, codes and resends together).
const maxTyped = 64

// remember keeps the secret just typed at p, in memory only, so that a
// backend that echoes it later, even once another took its place, never
// gets it shown (withoutHeld).
func (c *Core) remember(p enrollment.Prompt) {
	if !c.observed() {
		return // only a record reads typed, and no one can watch later
	}
	s := c.in.Secret(p)
	if s.IsZero() {
		return
	}
	if len(c.typed) == maxTyped {
		c.typed = append(c.typed[:0:0], c.typed[1:]...)
	}
	if c.typed == nil {
		c.typed = c.typedHere[:0]
	}
	c.typed = append(c.typed, s)
}

// waits refuses an answer when the run does not wait for it.
func (c *Core) waits(st *flows.State, a enrollment.Answer) error {
	switch st.Kind {
	case flows.Terminal:
		return pimserr.ErrEnded
	case flows.Waiting:
	default:
		return fmt.Errorf("%w: %s makes a call", pimserr.ErrNotWaiting, st.Name)
	}
	if a.Prompt != st.Prompt {
		return fmt.Errorf("%w: %s is pending, not %s", pimserr.ErrWrongPrompt, st.Prompt, clip(string(a.Prompt), 32))
	}
	return nil
}

// Refusal returns the error Answer would refuse a with, and nil if it would
// take it; it changes nothing and tells no observer. A checker tries
// answers with it without copying the core.
func (c *Core) Refusal(a enrollment.Answer) error {
	st := c.state()
	if err := c.waits(st, a); err != nil {
		return err
	}
	in := c.in
	_, err := c.answerEvent(st, a, &in)
	return err
}

// IsRefusal reports whether err is an answer the engine refused and asks
// again: a malformed value, an expired or locked code, no resend left, an
// action not offered.
func IsRefusal(err error) bool {
	return errors.Is(err, pimserr.ErrInvalidInput) || errors.Is(err, pimserr.ErrCodeExpired) ||
		errors.Is(err, pimserr.ErrCodeLocked) || errors.Is(err, pimserr.ErrResendLimit) ||
		errors.Is(err, pimserr.ErrNotAllowed)
}

// answerEvent checks the answer and keeps its value; it changes nothing
// when it returns an error.
func (c *Core) answerEvent(st *flows.State, a enrollment.Answer, in *steps.Inputs) (enrollment.Event, error) {
	if a.Action != "" {
		ev, ok := c.actionEvent(st, a.Action)
		edge, allowed := st.Edge(ev)
		if !ok || !allowed {
			return "", fmt.Errorf("%w: %s at %s", pimserr.ErrNotAllowed, clip(string(a.Action), 32), st.Prompt)
		}
		if c.spends(edge) && c.resendsLeft() <= 0 {
			return "", pimserr.ErrResendLimit
		}
		return ev, nil
	}
	ev, ok := st.Prompt.ValueEvent()
	if _, allowed := st.Edge(ev); !ok || !allowed {
		return "", fmt.Errorf("%w: a value at %s", pimserr.ErrNotAllowed, st.Prompt)
	}
	if st.Code != flows.NoCode {
		code := &c.run.Codes[st.Code]
		if code.Wrong >= c.cfg.Limits.CodeAttempts {
			return "", pimserr.ErrCodeLocked
		}
		// written so that no SMS time, however far back, overflows
		if code.Sent && code.SentAt < c.cfg.Clock.Now().UnixMilli()-c.cfg.Limits.CodeTTL.Milliseconds() {
			return "", pimserr.ErrCodeExpired
		}
	}
	return ev, in.Keep(st.Prompt, a.Value)
}

// Cancel ends a run that is not over: at a prompt by answering cancel, in a
// calling state by interrupting the call first (the table's only way out).
func (c *Core) Cancel() {
	st := c.state()
	switch st.Kind {
	case flows.Calling:
		c.take(enrollment.CallInterrupted, &steps.Decision{Err: context.Canceled, Unknown: st.Step.Enrolls, Unsure: st.Step.Blames.IsSecret()})
		c.take(enrollment.CancelRequested, nil)
	case flows.Waiting:
		c.take(enrollment.CancelRequested, nil)
	}
}
