package enrollfsm

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/enrollfsm/enrollfsm/account"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/flows"
	"github.com/enrollfsm/enrollfsm/flows/full"
	"github.com/enrollfsm/enrollfsm/flows/shortcut"
	"github.com/enrollfsm/enrollfsm/fsm"
	"github.com/enrollfsm/enrollfsm/pims"
	"github.com/enrollfsm/enrollfsm/redact"
	"github.com/enrollfsm/enrollfsm/steps"
)

// shortcutSince is the first SDK version with enrollWithPhoneNumber.
var shortcutSince = [3]int{2, 1, 0}

// Engine drives one run of a flow. Its core is synchronous and makes no
// call itself: Next says what is pending, Deliver hands it a call's reply,
// Answer the user's answer. Advance and Run are a convenience loop that
// makes the calls through a pims.Backend.
//
// An Engine is safe for concurrent use; calls are serialised, and a backend
// call in flight does not hold the lock, so Cancel can interrupt it.
type Engine struct {
	mu    sync.Mutex
	cfg   config
	flow  Flow
	table *flows.Table
	m     *fsm.Machine
	in    steps.Inputs

	// the pending call
	callID   uint64
	call     Call
	attempt  int
	inFlight uint64 // id of the call being made by Advance, 0 if none
	stopCall context.CancelFunc
	cancelAt bool // Cancel was asked during a call

	// the interruption: the call to retry, whether its outcome is unknown,
	// and the enrollment call to resume once call 1 says the device is not
	// enrolled (kept while the verification itself is interrupted)
	resume    fsm.State
	unknown   bool
	verifyFor fsm.State
	// step7Unknown: a step 7 of this run had an unknown outcome, so the
	// server may hold the PIN and take a later step 7 as step 8;
	// afterResend: such a later step 7 just succeeded.
	step7Unknown bool
	afterResend  bool

	counters Counters
	codes    [2]codeState // the current certification and enrollment codes
	trusted  string       // the phone call 3 found
	reason   error        // why the prompt is asked again

	outcome  Outcome
	warnings []error
	ahead    []*aheadCall // WithPrefetch
}

// codeState is what the engine knows of the current SMS code of a prompt.
type codeState struct {
	wrong  int       // wrong answers to it
	sent   bool      // the code was texted
	sentAt time.Time // when
}

// code returns the state of prompt p's code; p must be a code prompt.
func (e *Engine) code(p fsm.Prompt) *codeState {
	if p == PromptCertificationCode {
		return &e.codes[0]
	}
	return &e.codes[1]
}

// New returns an engine for flow that has begun: its first call is pending.
func New(flow Flow, opts ...Option) (*Engine, error) {
	// One allocation holds the engine and its machine (the pair fits the
	// engine's own size class), and the options write into the engine
	// itself: a config of their own would escape to the heap.
	em := &struct {
		e Engine
		m fsm.Machine
	}{e: Engine{cfg: defaults()}}
	e := &em.e
	for _, o := range opts {
		if err := o(&e.cfg); err != nil {
			return nil, err
		}
	}
	resolved, table, err := resolve(flow, e.cfg)
	if err != nil {
		return nil, err
	}
	em.m = *table.Def.NewMachine()
	e.flow, e.table, e.m = resolved, table, &em.m
	e.in = steps.Inputs{Platform: e.cfg.platform, VIN: e.cfg.vin}
	e.fire(fsm.Begin)
	e.prefetch()
	return e, nil
}

func resolve(flow Flow, cfg config) (Flow, *flows.Table, error) {
	canShortcut := versionAtLeast(cfg.sdkVersion, shortcutSince)
	switch flow {
	case FlowFull:
		return flow, full.Table, nil
	case FlowShortcut:
		if !canShortcut {
			return "", nil, fmt.Errorf("%w (SDK %s)", pimserr.ErrShortcutUnsupported, cfg.sdk)
		}
		return flow, shortcut.Table, nil
	case FlowAuto:
		if canShortcut {
			return FlowShortcut, shortcut.Table, nil
		}
		return FlowFull, full.Table, nil
	case FlowRemoveVehicle:
		if cfg.vin == "" {
			return "", nil, fmt.Errorf("%w: remove_vehicle needs a VIN (WithVIN)", pimserr.ErrConfig)
		}
	}
	if t, ok := account.Tables[string(flow)]; ok {
		return flow, t, nil
	}
	return "", nil, fmt.Errorf("%w: unknown flow %q", pimserr.ErrConfig, flow)
}

// Tables returns the transition table of every flow but auto, by name. The
// tables are shared by every engine: read them, never modify them.
func Tables() map[Flow]*flows.Table {
	out := map[Flow]*flows.Table{FlowFull: full.Table, FlowShortcut: shortcut.Table}
	for name, t := range account.Tables {
		out[Flow(name)] = t
	}
	return out
}

// Settings are a run's own settings, fixed at New (or by the snapshot at
// Restore).
type Settings struct {
	Flow       Flow
	Platform   Platform
	SDKVersion string
	AutoRemove bool
	VIN        string
}

// Settings returns the run's settings.
func (e *Engine) Settings() Settings {
	return Settings{Flow: e.flow, Platform: e.cfg.platform, SDKVersion: e.cfg.sdk, AutoRemove: e.cfg.autoRemove, VIN: e.cfg.vin}
}

// Flow returns the flow being run; auto is resolved to full or shortcut.
func (e *Engine) Flow() Flow { return e.flow }

// State returns the current state.
func (e *Engine) State() State {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.m.Current()
}

// Counters returns the run's counts.
func (e *Engine) Counters() Counters {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.counters
}

// Outcome returns how the run ended, and false while it goes on.
func (e *Engine) Outcome() (Outcome, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.outcome, e.outcome.State != ""
}

// Next returns what the engine needs next.
func (e *Engine) Next() Pending {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.pending()
}

func (e *Engine) pending() Pending {
	cur := e.m.Current()
	st := e.table.At(e.m)
	switch st.Kind {
	case flows.Calling:
		return Pending{Kind: PendingCall, State: cur, Call: e.call, Also: e.aheadCalls()}
	case flows.Waiting:
		if lost, ok := e.reask(st); ok {
			return Pending{Kind: PendingPrompt, State: cur, Prompt: lost, Actions: []Action{ActionCancel},
				Reason: &pimserr.PromptError{Prompt: string(lost), Err: pimserr.ErrAskedAgain, AttemptsLeft: -1, ResendsLeft: -1}}
		}
		p := Pending{Kind: PendingPrompt, State: cur, Prompt: st.Prompt, Actions: e.offered(cur), Reason: e.promptError(st.Prompt, cur)}
		switch st.Prompt {
		case PromptCertificationCode:
			p.SentTo = redact.Phone(e.in.Phone)
		case PromptEnrollmentCode:
			p.SentTo = redact.Phone(e.trusted)
		}
		return p
	}
	return Pending{Kind: PendingNone, State: cur}
}

// offered returns the table's actions at a waiting state, less resend and
// change_phone once no new SMS may be sent (a phone change texts a new
// number, so it spends a resend).
func (e *Engine) offered(s fsm.State) []Action {
	all := e.table.Actions(s)
	if e.counters.Resends < e.cfg.limits.Resends {
		return all
	}
	out := make([]Action, 0, len(all))
	for _, a := range all {
		if a != ActionResend && a != ActionChangePhone {
			out = append(out, a)
		}
	}
	return out
}

// promptError is the Reason of prompt p at state s: the cause of the ask
// again, and what the user has left. Nil on a first ask.
func (e *Engine) promptError(p fsm.Prompt, s fsm.State) error {
	if e.reason == nil {
		return nil
	}
	pe := &pimserr.PromptError{Prompt: string(p), Err: e.reason, AttemptsLeft: -1, ResendsLeft: -1}
	switch {
	case p.IsCode():
		pe.AttemptsLeft = max(0, e.cfg.limits.CodeAttempts-e.code(p).wrong)
	case p.IsPIN():
		pe.AttemptsLeft = max(0, e.cfg.limits.PINAttempts-e.counters.WrongPINs)
	}
	for _, a := range e.table.Actions(s) {
		if a == ActionResend || a == ActionChangePhone {
			pe.ResendsLeft = max(0, e.cfg.limits.Resends-e.counters.Resends)
			break
		}
	}
	return pe
}

// reask returns the answer a waiting state must ask again before its own
// prompt: a restored engine keeps no secret, so the call that the state leads
// to may lack one. In a run that was never restored it finds nothing.
func (e *Engine) reask(st *flows.State) (fsm.Prompt, bool) {
	next := e.nextCall(st)
	if next == nil {
		return "", false
	}
	for _, p := range next.Needs(e.in.Platform) {
		if fills(st.Prompt, p) {
			continue
		}
		if !e.in.Has(p) {
			return p, true
		}
	}
	return "", false
}

// nextCall is the step the state leads to: its value's destination, or the
// call a retry makes.
func (e *Engine) nextCall(st *flows.State) *steps.Step {
	var dst fsm.State
	if st.Name == fsm.Interrupted {
		dst = e.resume
		if e.unknown || e.resume == fsm.VerifyingEnrollment {
			// the verification needs nothing, the call it resumes may
			dst = e.verifyFor
		}
	} else if ev, ok := st.Prompt.ValueEvent(); ok {
		dst, _ = e.table.Def.Target(st.Name, ev)
	}
	next, ok := e.table.State(dst)
	if !ok || next.Kind != flows.Calling {
		return nil
	}
	return next.Step
}

// fills reports whether answering prompt gives the input need names.
func fills(prompt, need fsm.Prompt) bool {
	if prompt == need {
		return true
	}
	pin := func(p fsm.Prompt) bool { return p == PromptPIN || p == PromptNewPIN }
	return pin(prompt) && pin(need)
}

// Deliver hands the engine the reply to the pending call id: the message,
// or the port's error when no message came back. A reply to any other call
// is refused with ErrNoCall and changes nothing.
func (e *Engine) Deliver(id uint64, msg pims.Message, callErr error) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.inFlight != 0 {
		return fmt.Errorf("%w: call %d is being made by Advance", pimserr.ErrNoCall, e.inFlight)
	}
	return e.deliver(id, msg, callErr, 0)
}

func (e *Engine) deliver(id uint64, msg pims.Message, callErr error, took time.Duration) error {
	st, _ := e.table.State(e.m.Current())
	if st.Kind != flows.Calling || id != e.call.ID {
		if a := e.aheadCall(id); a != nil {
			a.msg, a.err, a.done = msg, callErr, true
			e.record(a.call, a.state, a.step, msg, callErr, took)
			return nil
		}
		return fmt.Errorf("%w: %d", pimserr.ErrNoCall, id)
	}
	e.record(e.call, st.Name, st.Step, msg, callErr, took)
	e.interpret(st, msg, callErr)
	return nil
}

// warned reports whether step already left a 2316 warning: a step that
// loops (a resent code, a retried call) reports it once.
func (e *Engine) warned(step string) bool {
	for _, w := range e.warnings {
		var se *pimserr.StepError
		if errors.As(w, &se) && se.Step == step {
			return true
		}
	}
	return false
}

// record counts, logs and reports a call whose reply came back.
func (e *Engine) record(c Call, state fsm.State, s *steps.Step, msg pims.Message, callErr error, took time.Duration) {
	e.counters.Calls++
	rec := CallRecord{ID: c.ID, State: state, Step: s.ID, Request: c.Request, Err: callErr, Duration: took}
	if callErr == nil {
		rec.Status, rec.TransactionID, rec.Reply = msg.Status, msg.TransactionID, msg
		if msg.Error != nil {
			rec.Code = msg.Error.Code
		}
	}
	e.logCall(rec)
	for _, o := range e.cfg.observers {
		if o.Call != nil {
			o.Call(rec)
		}
	}
}

// interpret reads the reply to the calling state's call and moves on.
func (e *Engine) interpret(st *flows.State, msg pims.Message, callErr error) {
	c := e.stepContext(st.Step)
	c.AfterResend = e.afterResend
	d := st.Step.Interpret(msg, callErr, c)
	e.afterResend = e.step7Unknown && d.Event == fsm.PINRegistered
	if d.Warning != nil && !e.warned(st.Step.ID) {
		e.warnings = append(e.warnings, d.Warning)
	}
	switch d.Event {
	case fsm.RemovalRequired:
		e.reason = d.Err
	case fsm.InputRejected, fsm.CallFailed:
		e.count(d.Blamed)
		e.reason = d.Err
	case fsm.CallInterrupted:
		e.resume, e.unknown, e.reason = st.Name, d.Unknown, d.Err
		if d.Unknown {
			e.verifyFor = st.Name
			e.step7Unknown = e.step7Unknown || st.Name == fsm.RegisteringPIN
		}
	case fsm.DeviceMaybeEnrolled:
		e.verifyFor = st.Name
	case fsm.ReadRetried:
		e.attempt++
		e.prepare(st.Step, d.Delay)
	case fsm.PhonePresent:
		e.trusted = d.Phone
	case fsm.CertificationSMSSent:
		e.codeSent(PromptCertificationCode)
	case fsm.EnrollmentSMSSent:
		e.codeSent(PromptEnrollmentCode)
	}
	e.failWith(d.Failure, d.Err)
	e.fire(d.Event)
	if e.cancelAt {
		e.cancelAt = false
		e.cancel()
	}
}

func (e *Engine) stepContext(s *steps.Step) steps.Context {
	c := steps.Context{
		Enrollment:       e.table.Enrollment,
		AutoRemove:       e.cfg.autoRemove,
		RemovalsLeft:     e.cfg.limits.Removals - e.counters.Removals,
		PINAttemptsLeft:  e.cfg.limits.PINAttempts - e.counters.WrongPINs,
		CanResend:        e.counters.Resends < e.cfg.limits.Resends,
		Attempt:          e.attempt,
		MaxReadAttempts:  e.cfg.limits.ReadAttempts,
		Backoff:          e.cfg.limits.Backoff,
		Resume:           e.verifyFor,
		CodeAttemptsLeft: e.cfg.limits.CodeAttempts,
	}
	if s.Blames.IsCode() {
		c.CodeAttemptsLeft -= e.code(s.Blames).wrong
	}
	return c
}

func (e *Engine) count(p fsm.Prompt) {
	switch {
	case p.IsCode():
		e.counters.WrongCodes++
		e.code(p).wrong++
	case p.IsPIN():
		e.counters.WrongPINs++
	}
}

func (e *Engine) codeSent(p fsm.Prompt) {
	*e.code(p) = codeState{sent: true, sentAt: e.cfg.clock.Now()}
}

// failWith records why the run fails, for an edge to the failed state.
func (e *Engine) failWith(f pimserr.Failure, cause error) {
	if f == "" {
		return
	}
	e.outcome.Failure = f
	e.outcome.Err = &pimserr.RunError{Failure: f, Err: cause}
}

// fire moves the machine and runs the entry actions of the new state. The
// tables are checked by tests, so an event they do not allow is a bug; it is
// still turned into a failed run, never a panic.
func (e *Engine) fire(ev fsm.Event) {
	from := e.m.Current()
	to, err := e.m.Fire(ev)
	if err != nil {
		e.failWith(pimserr.FailureInternal, err)
		e.m = mustAt(e.table, fsm.Failed)
		to = fsm.Failed
		ev = fsm.CallFailed
	}
	if f, ok := e.table.EdgeFailure(fsm.Row{Event: ev, Src: from, Dst: to}); ok {
		e.failWith(f, nil)
	}
	e.logTransition(from, to, ev)
	for _, o := range e.cfg.observers {
		if o.Transition != nil {
			o.Transition(Transition{From: from, To: to, Event: ev})
		}
	}
	if from == to {
		return
	}
	e.enter(ev, to)
}

func mustAt(t *flows.Table, s fsm.State) *fsm.Machine {
	m, err := t.Def.NewMachineAt(s)
	if err != nil {
		// every table declares the failed state: flows.Ends
		panic(err)
	}
	return m
}

func (e *Engine) enter(ev fsm.Event, s fsm.State) {
	switch ev {
	case fsm.RemovalConfirmed, fsm.RemovalAuthorised:
		e.counters.Removals++
		e.step7Unknown = false // the removal clears the server's PIN
	case fsm.PhoneChangeRequested:
		e.in.CertificationCode = redact.Secret{}
	}
	st, _ := e.table.State(s)
	ahead := e.takeAhead(ev, s)
	switch st.Kind {
	case flows.Calling:
		e.attempt = 1
		if ahead == nil {
			e.prepare(st.Step, 0)
			return
		}
		e.call = ahead.call
		if ahead.done {
			e.interpret(st, ahead.msg, ahead.err)
		}
	case flows.Waiting:
		if ev != fsm.InputRejected && ev != fsm.CallInterrupted && ev != fsm.RemovalRequired {
			e.reason = nil
		}
	case flows.Terminal:
		e.end(s)
	}
}

// prepare makes the step's call pending. A missing input is an engine bug,
// never expected: it fails the run rather than sending a wrong request.
func (e *Engine) prepare(s *steps.Step, delay time.Duration) {
	// e.call is still the previous call: step 8 shares step 7's parameters.
	req, err := s.RequestAfter(e.call.Request, e.in)
	if err != nil {
		e.failWith(pimserr.FailureInternal, err)
		e.fire(fsm.CallFailed)
		return
	}
	e.callID++
	e.call = Call{ID: e.callID, Step: s.ID, Request: req, Delay: delay}
}

func (e *Engine) end(s fsm.State) {
	e.outcome.State = s
	e.outcome.Warnings = e.warnings
	if s != fsm.Failed {
		e.outcome.Failure, e.outcome.Err = "", nil
	} else if e.outcome.Err == nil {
		e.failWith(pimserr.FailureInternal, errors.New("failed without a recorded failure"))
	}
	// Secrets are not needed once the run is over.
	e.in = steps.Inputs{Platform: e.in.Platform, VIN: e.in.VIN}
	e.call = Call{}
	e.reason = nil
}

// Answer gives the user's answer to the pending prompt. A refused answer
// returns a typed error and changes nothing but the prompt's Reason:
// ErrWrongPrompt (another prompt is pending), ErrNotAllowed, an
// *pimserr.InputError (the value is malformed; nothing was sent),
// ErrCodeExpired or ErrCodeLocked (only resend is accepted), ErrResendLimit,
// ErrNotWaiting and ErrEnded.
func (e *Engine) Answer(a Answer) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	cur := e.m.Current()
	st, _ := e.table.State(cur)
	switch {
	case st.Kind == flows.Terminal:
		return pimserr.ErrEnded
	case st.Kind != flows.Waiting:
		return fmt.Errorf("%w: %s makes a call", pimserr.ErrNotWaiting, cur)
	}
	if lost, ok := e.reask(st); ok {
		if a.Prompt == lost && a.Action == ActionCancel {
			e.notifyAnswer(a, nil)
			e.fire(fsm.CancelRequested)
			return nil
		}
		err := e.answerAgain(lost, a)
		e.notifyAnswer(a, err)
		return err
	}
	if a.Prompt != st.Prompt {
		return fmt.Errorf("%w: %s is pending, not %s", pimserr.ErrWrongPrompt, st.Prompt, a.Prompt)
	}
	ev, err := e.answerEvent(st, a)
	e.notifyAnswer(a, err)
	if err != nil {
		if isRefusal(err) || errors.Is(err, pimserr.ErrNotAllowed) {
			e.reason = err
		}
		return err
	}
	if ev == fsm.ResendRequested || ev == fsm.PhoneChangeRequested {
		e.counters.Resends++
	}
	e.fire(ev)
	return nil
}

// answerAgain takes a secret asked again after a restore. It is not checked
// for expiry: if the backend refuses it, the flow goes back to the prompt
// that can ask for a new code.
func (e *Engine) answerAgain(lost fsm.Prompt, a Answer) error {
	switch {
	case a.Prompt != lost:
		return fmt.Errorf("%w: %s is asked again, not %s", pimserr.ErrWrongPrompt, lost, a.Prompt)
	case a.Action != "":
		return fmt.Errorf("%w: %s at %s", pimserr.ErrNotAllowed, a.Action, lost)
	}
	return e.keep(lost, a.Value)
}

func isRefusal(err error) bool {
	return errors.Is(err, pimserr.ErrInvalidInput) || errors.Is(err, pimserr.ErrCodeExpired) ||
		errors.Is(err, pimserr.ErrCodeLocked) || errors.Is(err, pimserr.ErrResendLimit)
}

// answerEvent checks the answer and stores its value; it changes nothing
// when it returns an error.
func (e *Engine) answerEvent(st *flows.State, a Answer) (fsm.Event, error) {
	if a.Action != "" {
		var ev fsm.Event
		switch a.Action {
		case ActionRetry:
			ev = fsm.RetryEvent(e.resume)
			if e.unknown {
				ev = fsm.VerifyRequested
			}
		default:
			ev, _ = a.Action.Event()
			// a phone change texts the new number: it spends a resend
			spends := ev == fsm.ResendRequested || ev == fsm.PhoneChangeRequested
			if spends && e.m.Can(ev) && e.counters.Resends >= e.cfg.limits.Resends {
				return "", pimserr.ErrResendLimit
			}
		}
		if ev == "" || !e.m.Can(ev) {
			return "", fmt.Errorf("%w: %s at %s", pimserr.ErrNotAllowed, a.Action, st.Prompt)
		}
		return ev, nil
	}
	ev, ok := st.Prompt.ValueEvent()
	if !ok || !e.m.Can(ev) {
		return "", fmt.Errorf("%w: a value at %s", pimserr.ErrNotAllowed, st.Prompt)
	}
	return ev, e.store(st.Prompt, a.Value)
}

// store checks that a code may still be answered, then keeps the value.
func (e *Engine) store(p fsm.Prompt, v string) error {
	if p.IsCode() {
		c := e.code(p)
		if c.wrong >= e.cfg.limits.CodeAttempts {
			return pimserr.ErrCodeLocked
		}
		if c.sent && e.cfg.clock.Now().Sub(c.sentAt) > e.cfg.limits.CodeTTL {
			return pimserr.ErrCodeExpired
		}
	}
	return e.keep(p, v)
}

// keep validates a value and keeps it in memory.
func (e *Engine) keep(p fsm.Prompt, v string) error {
	switch p {
	case PromptPhoneNumber:
		n, err := steps.NormalizePhone(v)
		if err != nil {
			return err
		}
		e.in.Phone = n
	case PromptCertificationCode, PromptEnrollmentCode:
		code, err := steps.ParseSMSCode(v)
		if err != nil {
			return err
		}
		if p == PromptCertificationCode {
			e.in.CertificationCode = code
		} else {
			e.in.EnrollmentCode = code
		}
	case PromptPIN, PromptNewPIN:
		pin, err := steps.ParsePIN(v)
		if err != nil {
			return err
		}
		// Only update_pin asks an old PIN; a new one equal to it changes nothing.
		if p == PromptNewPIN && !e.in.OldPIN.IsZero() && pin.Equal(e.in.OldPIN) {
			return &pimserr.InputError{Field: "new PIN", Reason: "must differ from the current PIN"}
		}
		e.in.PIN = pin
	case PromptOldPIN:
		pin, err := steps.ParsePIN(v)
		if err != nil {
			return err
		}
		e.in.OldPIN = pin
	}
	return nil
}

// Cancel stops the run. At a prompt it answers cancel. During a call it
// cancels the call's context; the run passes through interrupted and ends
// cancelled. A call the host makes itself (Next/Deliver) is abandoned: its
// reply will be refused. Cancelling an ended run returns ErrEnded.
func (e *Engine) Cancel() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.outcome.State != "" {
		return pimserr.ErrEnded
	}
	if e.inFlight != 0 {
		// The reply, whatever it is, is delivered first; then the run ends.
		e.cancelAt = true
		e.stopCall()
		return nil
	}
	e.cancel()
	return nil
}

// cancel ends a run that is not over: at a prompt by answering cancel, in a
// calling state by interrupting the call first (the table's only way out).
func (e *Engine) cancel() {
	st, _ := e.table.State(e.m.Current())
	switch st.Kind {
	case flows.Calling:
		e.resume, e.unknown = st.Name, st.Step.Enrolls
		e.reason = context.Canceled
		e.fire(fsm.CallInterrupted)
		e.fire(fsm.CancelRequested)
	case flows.Waiting:
		e.fire(fsm.CancelRequested)
	}
}

func (e *Engine) notifyAnswer(a Answer, err error) {
	for _, o := range e.cfg.observers {
		if o.Answer != nil {
			o.Answer(a, err)
		}
	}
}

func (e *Engine) logTransition(from, to fsm.State, ev fsm.Event) {
	if e.cfg.logger == nil {
		return
	}
	e.cfg.logger.LogAttrs(context.Background(), slog.LevelDebug, "transition",
		slog.String("flow", string(e.flow)),
		slog.String("from", string(from)),
		slog.String("to", string(to)),
		slog.String("event", string(ev)))
}

func (e *Engine) logCall(r CallRecord) {
	if e.cfg.logger == nil {
		return
	}
	attrs := []slog.Attr{
		slog.String("flow", string(e.flow)),
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
	e.cfg.logger.LogAttrs(context.Background(), slog.LevelInfo, "call", attrs...)
}
