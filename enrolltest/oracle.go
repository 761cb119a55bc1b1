package enrolltest

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/enrollfsm/enrollfsm"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/internal/core"
	"github.com/enrollfsm/enrollfsm/pims"
	"github.com/enrollfsm/enrollfsm/simulator"
)

// Oracle is the kit's one judge of a running engine, written apart from it:
// from the contract (contract.go) and the run's setting alone, it predicts
// the one state each reply and each answer leads to, each request, which
// answers are refused and why, the actions each prompt offers, every
// counter, and what a restored engine does, and it reports the first
// difference as a *PropertyError. Its limits and the code lifetime are the
// contract's, or the host's own when the setting gives them; nothing is
// read from the engine but what a host sees: its observer, Next and
// Counters.
//
// Install Observer on the engine (at New and at every Restore), call Settle
// after each Advance, Deliver or Answer, Restoring just before a Restore,
// and Finish once the run is over. The host's own moves are announced:
// Cancelling before Engine.Cancel, NotMade when a call's context ended
// before the call. An Oracle follows one run; it is safe for concurrent use.
type Oracle struct {
	mu    sync.Mutex
	j     *judge
	now   func() time.Time
	sim   *simulator.Simulator
	quiet bool // no notes of recent moves (Check keeps its own path)
	st    state
	// typed are the secrets answered in this run, and phones the numbers,
	// to find a leak.
	typed  []string
	phones []string
	errs   []*PropertyError
	stats  Stats
	recent []string
}

// judge is what an Oracle knows before the run starts.
type judge struct {
	set   Setting
	flow  enrollfsm.Flow // resolved
	plat  enrollfsm.Platform
	lim   enrollfsm.Limits
	m     *model
	bound int
	live  map[string]core.Live
	err   error
}

// state is the model's view of the run, a value: Check copies it with each
// state it explores, so everything a later prediction reads is here.
type state struct {
	cur    enrollfsm.State
	values [numAnswers]string
	// the counters of §4, and the calls
	wrongCodes, wrongPINs, resends, removals, calls int
	codes                                           [2]codeState
	// the interruption: the call to retry, whether its outcome is unknown,
	// the enrollment call to verify, whether the call was made, whether the
	// PIN or code it carried got no reply
	resume, verifyFor    enrollfsm.State
	unknown, made        bool
	unsure               bool
	unverified           enrollfsm.State // an enrollment call with an unknown outcome, not checked since
	pinMayBeSet          bool            // a step 7 had an unknown outcome (until a removal)
	afterUnsurePIN       bool            // the last call was a step 7 that succeeded while pinMayBeSet
	restored             bool
	attempt, burst, peak int
	warned               uint32 // steps done with a 2316, by stepBit
	failure              pimserr.Failure
	last                 enrollfsm.Counters // at the last Settle
	trusted              string             // the account's number, as call 3 read it
	// within one input
	expect     []expectation
	blocked    pimserr.Code
	hostCancel bool // the host's Cancel is under way
	notMade    bool // the next interruption is of a call never made
	ahead      [2]*enrollfsm.CallRecord
}

type codeState struct {
	sent   bool
	sentAt int64 // Unix milliseconds
	wrong  int
}

// expectation is the transition the contract gives for the last reply,
// answer or restore.
type expectation struct {
	ev      enrollfsm.Event
	dst     enrollfsm.State
	failure pimserr.Failure
	unknown bool
	unsure  bool
	warning bool
	blamed  enrollfsm.Prompt // a last refused answer, counted by call_failed
	phone   string           // the trusted number call 3 found
	// why the contract gives it: a fixed phrase, with the reply (step and
	// code) or the answer it follows, put in words only for a violation.
	why    string
	step   string
	code   pimserr.Code
	answer *enrollfsm.Answer
}

// explain is why, in words.
func (e expectation) explain() string {
	var b strings.Builder
	switch {
	case e.answer != nil:
		b.WriteString("the answer " + e.answer.String())
	case e.step != "" && e.code != 0:
		fmt.Fprintf(&b, "the reply %d to step %s", e.code, e.step)
	case e.step != "":
		b.WriteString("the reply to step " + e.step)
	}
	if e.why != "" {
		if b.Len() > 0 {
			b.WriteString(" ")
		}
		b.WriteString(e.why)
	}
	return b.String()
}

// OracleOption configures an Oracle.
type OracleOption func(*Oracle)

// WithSimulator lets the Oracle compare the end of a run with the
// simulator's account, and find a 2317 the run itself caused.
func WithSimulator(s *simulator.Simulator) OracleOption { return func(o *Oracle) { o.sim = s } }

// WithNow gives the Oracle the test's clock, so that it knows when an SMS
// code has expired. Without it, time stands still at Epoch.
func WithNow(now func() time.Time) OracleOption { return func(o *Oracle) { o.now = now } }

// quiet keeps no notes of recent moves.
func quiet() OracleOption { return func(o *Oracle) { o.quiet = true } }

// NewOracle returns the judge of one run with setting s (the flow as given
// to New; auto is resolved here from the SDK version).
func NewOracle(s Setting, opts ...OracleOption) *Oracle {
	o := &Oracle{j: newJudge(s), now: func() time.Time { return Epoch }}
	for _, opt := range opts {
		opt(o)
	}
	o.st.cur = "start"
	o.st.values[fromVIN] = strings.ToUpper(strings.TrimSpace(s.VIN))
	return o
}

var judges sync.Map // Setting → *judge

func newJudge(s Setting) *judge {
	if j, ok := judges.Load(s); ok {
		return j.(*judge)
	}
	j := &judge{set: s, flow: resolveFlow(s.Flow, s.sdk()), plat: s.platform(), lim: s.contractLimits()}
	var ok bool
	if j.m, ok = modelFor(j.flow); !ok {
		j.err = fmt.Errorf("enrolltest: no flow %q in the contract", j.flow)
	} else {
		j.bound, j.err = modelBound(j.m, j.lim)
		j.live = j.m.liveness(j.plat)
	}
	judges.Store(s, j)
	return j
}

// Flow is the flow the contract runs for the setting (auto resolved).
func (o *Oracle) Flow() enrollfsm.Flow { return o.j.flow }

// Limits are the limits the run is judged against.
func (o *Oracle) Limits() enrollfsm.Limits { return o.j.lim }

// Bound is the most calls between two waits the contract allows the flow.
func (o *Oracle) Bound() int { return o.j.bound }

// Observer returns the observer to install on the engine.
func (o *Oracle) Observer() enrollfsm.Observer {
	return enrollfsm.Observer{Transition: o.transition, Call: o.call, Answer: o.answer}
}

// Err returns the first property broken, a setup error, or nil.
func (o *Oracle) Err() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.j.err != nil {
		return o.j.err
	}
	if len(o.errs) > 0 {
		return o.errs[0]
	}
	return nil
}

// Errs returns the properties broken, the first 16 at most.
func (o *Oracle) Errs() []*PropertyError {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.errs)
}

// Stats returns the counts so far.
func (o *Oracle) Stats() Stats {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.stats
}

// State returns the state the contract says the run is in.
func (o *Oracle) State() enrollfsm.State {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.st.cur
}

// Fail records a property broken that a harness found.
func (o *Oracle) Fail(p Property, format string, args ...any) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.violate(p, format, args...)
}

// cloneInto copies the Oracle for a branch of the check into dst, an Oracle
// no one uses any more (nil: a new one).
func (o *Oracle) cloneInto(dst *Oracle) *Oracle {
	if dst == nil {
		dst = new(Oracle)
	}
	*dst = Oracle{j: o.j, now: o.now, sim: o.sim, quiet: o.quiet, st: o.st, typed: o.typed, phones: o.phones}
	dst.st.expect = nil // a settled run expects nothing
	return dst
}

func (o *Oracle) violate(p Property, format string, args ...any) {
	o.stats.Violations++
	if len(o.errs) == 16 {
		return
	}
	e := &PropertyError{Property: p, Flow: o.j.flow, State: o.st.cur, Detail: fmt.Sprintf(format, args...)}
	if len(o.recent) > 0 {
		e.Recent = slices.Clone(o.recent)
	}
	o.errs = append(o.errs, e)
}

func (o *Oracle) note(format string, args ...any) {
	if o.quiet {
		return
	}
	if len(o.recent) == 12 {
		o.recent = o.recent[1:]
	}
	o.recent = append(o.recent, fmt.Sprintf(format, args...))
}

func (o *Oracle) ready() bool { return o.j.err == nil }

// Cancelling announces the host's Engine.Cancel: at a prompt it cancels;
// during a call, the call is interrupted (once its reply, if any, is in)
// and the run cancelled.
func (o *Oracle) Cancelling() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.st.hostCancel = true
}

// NotMade announces that the pending call's context ended before the call
// reached the backend: the run is interrupted, nothing is counted, and its
// retry spends nothing.
func (o *Oracle) NotMade() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.st.notMade = true
}

// call checks a call as the engine reports it, before its reply moves the
// machine.
func (o *Oracle) call(rec enrollfsm.CallRecord) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.ready() {
		return
	}
	o.stats.Calls++
	o.st.calls++
	if o.j.set.Prefetch && o.j.m.enrollment && (rec.Step == "2" || rec.Step == "3") && callOf[o.st.cur] != rec.Step {
		// WithPrefetch: calls 2 and 3 made with call 1. Each is judged when
		// the machine reaches its state by the straight way, else dropped.
		r := rec
		o.st.ahead[aheadIndex(rec.Step)] = &r
		return
	}
	o.made(rec)
}

func aheadIndex(step string) int {
	if step == "3" {
		return 1
	}
	return 0
}

// made checks the call of the current state and predicts where its reply
// leads.
func (o *Oracle) made(rec enrollfsm.CallRecord) {
	st := &o.st
	id, ok := callOf[st.cur]
	if !ok {
		o.violate(PropertyTable, "a call (step %s) at %s, which makes none", rec.Step, st.cur)
		return
	}
	spec := calls[id]
	st.burst++
	st.peak = max(st.peak, st.burst)
	o.stats.MaxBurst = max(o.stats.MaxBurst, st.burst)
	if st.burst > o.j.bound {
		o.violate(PropertyBound, "%d calls without waiting for the user; the contract allows %d", st.burst, o.j.bound)
	}
	if rec.Step != id {
		o.violate(PropertyRequest, "step %s reported, %s makes step %s", rec.Step, st.cur, id)
	}
	value := func(a answer) string { return st.values[a] }
	if !spec.matches(o.j.plat, value, rec.Request) {
		want, missing := spec.request(o.j.plat, value)
		switch {
		case missing != "":
			o.violate(PropertyRequest, "step %s sends %s, which no answer of this engine's life gave", id, missing)
		default:
			if d := Diff(want, rec.Request); d != "" {
				o.violate(PropertyRequest, "step %s: %s", id, d)
			}
		}
	}
	if spec.enrolls && st.unverified != "" {
		o.violate(PropertyVerify, "step %s sent while the outcome of %s is unknown and not checked by call 1", id, st.unverified)
	}
	if !o.quiet {
		o.note("%s", replyNote(id, rec))
	}
	exp := o.predict(id, spec, rec)
	resent := st.afterUnsurePIN
	st.afterUnsurePIN = id == "7" && st.pinMayBeSet && exp.ev == "pin_registered"
	if isSecretPrompt(spec.blames) && exp.ev != "call_interrupted" {
		st.unsure = false // the answer was judged
	}
	st.blocked = 0
	if rec.Err == nil && rec.Reply.Status == pims.Failed && rec.Reply.Error != nil {
		if code := pimserr.Code(rec.Reply.Error.Code); classOf[code] == blocked {
			st.blocked = code
		}
	}
	if spec.enrolls && exp.unknown {
		st.unverified = st.cur
		if id == "7" {
			st.pinMayBeSet = true
		}
	}
	// A 2317 because this very run enrolled the device means an enroll was
	// sent once too often — unless it follows a resent step 7, which the
	// engine then verifies.
	if spec.enrolls && st.blocked == pimserr.CodeForbidden && o.sim != nil && o.sim.DeviceActivated() && !(id == "8" && resent) {
		o.violate(PropertyVerify, "step %s refused with 2317: the device is enrolled already, by this run", id)
	}
	o.expect(exp)
}

func (o *Oracle) expect(e expectation) {
	if e.dst == "" {
		if dst, ok := o.j.m.target(o.st.cur, e.ev); ok {
			e.dst = dst
		}
	}
	o.st.expect = append(o.st.expect, e)
}

// predict is the transition the reply to call id must cause (docs/contract.md §4,
// and the decisions of docs/decisions.md it names).
func (o *Oracle) predict(id string, spec call, rec enrollfsm.CallRecord) expectation {
	e := o.predictReply(id, spec, rec)
	e.step = id
	if rec.Err == nil && rec.Reply.Error != nil {
		e.code = pimserr.Code(rec.Reply.Error.Code)
	}
	return e
}

func (o *Oracle) predictReply(id string, spec call, rec enrollfsm.CallRecord) expectation {
	st, lim := &o.st, &o.j.lim
	bad := expectation{ev: "call_failed", failure: pimserr.FailureBadReply, why: "is malformed"}
	if rec.Err != nil {
		var pe *pimserr.ProtocolError
		if errors.As(rec.Err, &pe) {
			return bad
		}
		return expectation{ev: "call_interrupted", unknown: spec.enrolls, unsure: isSecretPrompt(spec.blames), why: "never came"}
	}
	msg := rec.Reply
	switch {
	case msg.Status == pims.Succeeded:
		return o.success(id, spec, msg.Result)
	case msg.Status != pims.Failed, msg.Error == nil, msg.Error.Code == 0:
		return bad
	}
	code := pimserr.Code(msg.Error.Code)
	cl := classOf[code]
	if cl == warning && (spec.read || id == "6") {
		cl = transient // the engine needs a result that 2316 does not carry
	}
	switch cl {
	case warning:
		e := o.success(id, spec, nil)
		e.warning = e.ev != "call_failed"
		return e
	case transient:
		if spec.read && st.attempt < lim.ReadAttempts {
			return expectation{ev: "read_retried", dst: st.cur}
		}
		lost := code == pimserr.CodeTimeout
		return expectation{ev: "call_interrupted", unknown: spec.enrolls && lost, unsure: isSecretPrompt(spec.blames) && lost}
	case rejected:
		p := spec.blames
		if p == "" {
			return expectation{ev: "call_failed", failure: pimserr.FailureCode(code), why: "at a call without user input"}
		}
		if o.exhausted(p) {
			return expectation{ev: "call_failed", failure: pimserr.FailureTooManyAttempts, blamed: p, why: "to the last attempt"}
		}
		return expectation{ev: "input_rejected"}
	case blocked:
		if id == "8" && code == pimserr.CodeForbidden && st.afterUnsurePIN {
			return expectation{ev: "device_maybe_enrolled", unknown: true, why: "right after a resent step 7, which may have enrolled the device"}
		}
		if o.j.m.enrollment && id == "A" {
			return expectation{ev: "call_failed", failure: pimserr.FailureAccountLocked, why: "at the removal itself"}
		}
		return o.blockedEvent(code)
	}
	return expectation{ev: "call_failed", failure: pimserr.FailureCode(code)}
}

// exhausted reports whether one more wrong answer to p ends the run: the
// last PIN, or the last try of a code when no new one may be sent.
func (o *Oracle) exhausted(p enrollfsm.Prompt) bool {
	st, lim := &o.st, &o.j.lim
	if isPINPrompt(p) {
		return st.wrongPINs+1 >= lim.PINAttempts
	}
	if i := codeIndex(p); i >= 0 {
		return st.codes[i].wrong+1 >= lim.CodeAttempts && st.resends >= lim.Resends
	}
	return false
}

// blockedEvent is what a blocked account leads to: removal in an enrollment
// (automatic or asked, within the removals allowed), failure in an
// operation.
func (o *Oracle) blockedEvent(code pimserr.Code) expectation {
	switch {
	case !o.j.m.enrollment:
		return expectation{ev: "call_failed", failure: pimserr.FailureCode(code), why: "in an account operation"}
	case o.st.removals >= o.j.lim.Removals:
		return expectation{ev: "call_failed", failure: pimserr.FailureAccountLocked, why: "with no removal left"}
	case o.j.set.AutoRemove:
		return expectation{ev: "removal_authorised", why: "with automatic removal"}
	}
	return expectation{ev: "removal_required"}
}

// success reads a SUCCEEDED reply's result as docs/contract.md §2 and §7 describe.
func (o *Oracle) success(id string, spec call, result map[string]any) expectation {
	st := &o.st
	bad := expectation{ev: "call_failed", failure: pimserr.FailureBadReply, why: "has an unreadable result"}
	ok := func(ev enrollfsm.Event) expectation { return expectation{ev: ev} }
	switch id {
	case "1":
		v, readable := boolOf(result, "isDeviceActivated")
		switch {
		case !readable:
			return bad
		case st.cur == "verifying_enrollment" && !v && st.verifyFor == "":
			return bad
		case st.cur == "verifying_enrollment" && !v && st.restored && o.lacks(calls[callOf[st.verifyFor]]):
			return o.lost(st.verifyFor, true)
		case st.cur == "verifying_enrollment" && !v:
			return ok(enrollfsm.Event("resume_" + st.verifyFor))
		case v:
			return ok("device_activated")
		}
		return ok("device_not_activated")
	case "2":
		switch blockStatus(result) {
		case "NotBlocked":
			return ok("account_not_blocked")
		case "AccountBlocked", "PINBlocked":
			return o.blockedEvent(pimserr.CodeAccountBlocked)
		}
		return bad
	case "3":
		if result == nil {
			return bad
		}
		for _, k := range []string{"phoneNumber", "trustedPhoneNumber", "trustedphoneNumber"} {
			switch v := result[k].(type) {
			case nil:
			case string:
				if v != "" {
					if len(v) > 64 || hasControl(v) {
						return bad
					}
					return expectation{ev: "phone_present", phone: v}
				}
			default:
				return bad
			}
		}
		return ok("phone_absent")
	case "6":
		if result == nil {
			return bad
		}
		switch result["status"] {
		case "AlreadyEnrolled":
			return ok("pin_exists")
		case "NotEnrolled":
			return ok("pin_missing")
		}
		return bad
	}
	return ok(spec.done)
}

func hasControl(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 {
			return true
		}
	}
	return !validUTF8(s)
}

// lacks reports whether a restored run lacks a PIN or a code the call sends.
func (o *Oracle) lacks(spec call) bool {
	for _, a := range spec.sends(o.j.plat) {
		if a.secret() && o.st.values[a] == "" {
			return true
		}
	}
	return false
}

// lost is where a restored run goes from the interruption of call c (or
// its verification) when it lacks c's answers: to the prompt a refusal of
// them leads to, counting the answer whose reply never came as wrong, and
// failing if that count was the last allowed (docs/contract.md §4–§5).
func (o *Oracle) lost(c enrollfsm.State, verifying bool) expectation {
	blames := calls[callOf[c]].blames
	e := expectation{ev: enrollfsm.Event("answers_lost_" + string(c)), dst: o.j.m.refusedAt[c], why: "(a restored run lacks the answers of the kept call)"}
	if o.st.unsure && o.exhausted(blames) {
		e = expectation{ev: "attempts_exhausted", dst: "failed", failure: pimserr.FailureTooManyAttempts, why: "(a restored run counts the answer whose reply never came, the last allowed)"}
		if verifying {
			e.ev, e.blamed = "call_failed", blames
		}
	}
	return e
}

// transition checks a move of the machine and follows it.
func (o *Oracle) transition(tr enrollfsm.Transition) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.ready() {
		return
	}
	st := &o.st
	o.stats.Transitions++
	if !o.quiet {
		o.note("%s", tr.Event)
	}
	if tr.From != st.cur {
		o.violate(PropertyTable, "transition %s → %s by %s, but the run was at %s", tr.From, tr.To, tr.Event, st.cur)
	}
	if !o.j.m.states[tr.To] {
		o.violate(PropertyTable, "state %s is not in the contract's %s", tr.To, o.j.flow)
	}
	exp, ok := o.pop()
	switch {
	case !ok:
		exp, ok = o.hostMove(tr)
		if !ok {
			o.violate(PropertyOracle, "%s → %s by %s, with no reply, answer or restore calling for it", tr.From, tr.To, tr.Event)
			exp = expectation{ev: tr.Event, dst: tr.To}
		}
	case tr.Event != exp.ev || tr.To != exp.dst:
		p := PropertyOracle
		if st.blocked != 0 {
			p = PropertyBlocked
		}
		o.violate(p, "%s: the contract gives %s → %s, the engine took %s → %s", exp.explain(), exp.ev, exp.dst, tr.Event, tr.To)
		exp = expectation{ev: tr.Event, dst: tr.To}
	}
	st.blocked = 0
	o.follow(tr, exp)
	if st.restored && tr.From != tr.To {
		o.settleNext()
	}
	if isTerminal(tr.To) {
		o.checkSimulator(tr.To)
	}
}

func (o *Oracle) pop() (expectation, bool) {
	if len(o.st.expect) == 0 {
		return expectation{}, false
	}
	e := o.st.expect[0]
	o.st.expect = o.st.expect[1:]
	return e, true
}

// hostMove explains a transition no reply or answer called for: the
// start, the host's Cancel, or a call whose context ended before it was made.
func (o *Oracle) hostMove(tr enrollfsm.Transition) (expectation, bool) {
	st := &o.st
	_, waiting := promptOf[tr.From]
	_, calling := callOf[tr.From]
	switch {
	case tr.From == "start" && tr.Event == "begin":
		dst, _ := o.j.m.target("start", "begin")
		return expectation{ev: "begin", dst: dst}, tr.To == dst
	case st.hostCancel && waiting && tr.Event == "cancel_requested" && tr.To == "cancelled":
		st.hostCancel = false
		return expectation{ev: tr.Event, dst: tr.To}, true
	case (st.hostCancel || st.notMade) && calling && tr.Event == "call_interrupted" && tr.To == "interrupted":
		spec := calls[callOf[tr.From]]
		e := expectation{ev: tr.Event, dst: tr.To, unknown: spec.enrolls, unsure: isSecretPrompt(spec.blames)}
		if st.notMade && !st.hostCancel {
			e.unknown, e.unsure = false, false
		}
		return e, true
	}
	return expectation{}, false
}

// follow updates the model after a transition, with the changes the
// contract says it makes.
func (o *Oracle) follow(tr enrollfsm.Transition, exp expectation) {
	st := &o.st
	from := tr.From
	ev := string(tr.Event)
	switch {
	case ev == "input_rejected":
		o.count(calls[callOf[from]].blames)
	case ev == "call_failed" && exp.blamed != "":
		o.count(exp.blamed)
	case ev == "certification_sms_sent":
		st.codes[0] = codeState{sent: true, sentAt: o.now().UnixMilli()}
	case ev == "enrollment_sms_sent":
		st.codes[1] = codeState{sent: true, sentAt: o.now().UnixMilli()}
	case ev == "resend_requested":
		st.resends++
	case ev == "phone_change_requested":
		st.resends++ // it texts the new number
		st.values[fromCertCode] = ""
	case ev == "removal_confirmed" || ev == "removal_authorised":
		st.removals++
		st.pinMayBeSet = false // the removal drops the PIN too
	case ev == "enrollments_removed":
		st.unverified, st.pinMayBeSet, st.afterUnsurePIN = "", false, false
	case ev == "call_interrupted":
		st.resume, st.unknown, st.made = from, exp.unknown, !st.notMade
		if isSecretPrompt(calls[callOf[from]].blames) {
			st.unsure = exp.unsure
		}
		if exp.unknown {
			st.verifyFor = from
			if calls[callOf[from]].enrolls {
				st.unverified = from
			}
		}
		st.notMade = false
	case ev == "device_maybe_enrolled":
		st.verifyFor = from
	case ev == "read_retried":
		st.attempt++
	case ev == "phone_present", ev == "phone_absent":
		st.trusted = exp.phone
		if exp.phone != "" && !slices.Contains(o.phones, exp.phone) {
			o.phones = append(slices.Clip(o.phones), exp.phone) // the snapshot keeps it, as it came
		}
	case ev == "phone_number_added":
		st.trusted = st.values[fromPhone]
	case strings.HasPrefix(ev, "retry_"):
		if c := enrollfsm.State(strings.TrimPrefix(ev, "retry_")); calls[callOf[c]].texts && st.made {
			st.resends++ // the interrupted call may have texted a code
		}
	case strings.HasPrefix(ev, "answers_lost_") || ev == "attempts_exhausted":
		c := enrollfsm.State(strings.TrimPrefix(ev, "answers_lost_"))
		if ev == "attempts_exhausted" {
			c = st.resume
		}
		if st.unsure {
			o.count(calls[callOf[c]].blames)
			st.unsure = false
		}
	}
	if from == "verifying_enrollment" && (ev == "device_activated" || strings.HasPrefix(ev, "resume_") || strings.HasPrefix(ev, "answers_lost_")) {
		st.unverified = ""
	}
	if exp.warning {
		st.warned |= stepBit(callOf[from])
	}
	if f, ok := o.j.m.fails[edge{from, tr.Event}]; ok {
		st.failure = f
	} else if tr.To == "failed" && exp.failure != "" {
		st.failure = exp.failure
	}
	var use = -1 // the call made ahead the state entered may use
	if tr.To != from {
		switch {
		case tr.Event == "device_not_activated" && tr.To == "checking_account":
			use = 0
		case tr.Event == "account_not_blocked" && tr.To == "checking_phone":
			use = 1
		default:
			st.ahead = [2]*enrollfsm.CallRecord{} // their replies would be stale
		}
		if _, calling := callOf[tr.To]; calling {
			st.attempt = 1
		} else {
			st.burst, st.attempt = 0, 0
		}
	}
	st.cur = tr.To
	if tr.To == "cancelled" || tr.To == "failed" || tr.To == "enrolled" || tr.To == "done" {
		st.hostCancel = false
	}
	if use >= 0 {
		if rec := st.ahead[use]; rec != nil {
			st.ahead[use] = nil
			o.made(*rec)
		}
	}
}

func (o *Oracle) count(p enrollfsm.Prompt) {
	if i := codeIndex(p); i >= 0 {
		o.st.codes[i].wrong++
		o.st.wrongCodes++
	} else if isPINPrompt(p) {
		o.st.wrongPINs++
	}
}

func isSecretPrompt(p enrollfsm.Prompt) bool { return codeIndex(p) >= 0 || isPINPrompt(p) }

// stepBit is a step's bit in state.warned.
func stepBit(id string) uint32 {
	for i, s := range [...]string{"1", "2", "3", "4a", "4.1", "4.2", "5", "6", "7", "8", "A", "B", "C", "D", "E"} {
		if s == id {
			return 1 << i
		}
	}
	return 1 << 31
}

// answer checks an answer the engine took or refused.
func (o *Oracle) answer(a enrollfsm.Answer, err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.ready() {
		return
	}
	o.stats.Answers++
	if err != nil {
		o.stats.Refused++
	}
	if !o.quiet {
		if err != nil {
			o.note("%s (refused)", a)
		} else {
			o.note("%s", a)
		}
	}
	o.remember(a)
	if err != nil && o.leaks(err.Error()) {
		o.violate(PropertySnapshot, "the refusal of %s holds a PIN or an SMS code", a)
	}
	ev, keep, want := o.judgeAnswer(a)
	switch {
	case err == nil && want != nil:
		o.violate(PropertyOracle, "%s taken at %s; the contract refuses it (%v)", a, o.st.cur, want)
	case err != nil && want == nil:
		o.violate(PropertyOracle, "%s refused at %s (%s); the contract takes it", a, o.st.cur, o.safe(err))
	case err != nil && !errors.Is(err, want):
		o.violate(PropertyOracle, "%s refused at %s with %s; the contract refuses it with %v", a, o.st.cur, o.safe(err), want)
	}
	if err == nil && want == nil {
		if keep != 0 {
			o.st.values[keep] = normalValue(a.Prompt, a.Value)
		}
		o.expect(expectation{ev: ev, answer: &a})
	}
}

// remember keeps what a leak would show: the secrets typed, the phones.
func (o *Oracle) remember(a enrollfsm.Answer) {
	if a.Action != "" {
		return
	}
	if a.Prompt == "phone_number" {
		if n, ok := normalPhone(a.Value); ok && !slices.Contains(o.phones, n) {
			o.phones = append(slices.Clip(o.phones), n, a.Value)
		}
		return
	}
	// a value that is also an error code ("2308") is told apart from no leak
	if isSecretPrompt(a.Prompt) && validDigits(a.Value, 4, 8) && !slices.Contains(o.typed, a.Value) && !isDocumented(a.Value) {
		o.typed = append(slices.Clip(o.typed), a.Value)
	}
}

// judgeAnswer is the contract's verdict on an answer at the current state:
// the event it fires and the answer it keeps, or the error that refuses it
// (a sentinel of package errors).
func (o *Oracle) judgeAnswer(a enrollfsm.Answer) (enrollfsm.Event, answer, error) {
	st, lim := &o.st, &o.j.lim
	prompt, waiting := promptOf[st.cur]
	switch {
	case isTerminal(st.cur):
		return "", 0, pimserr.ErrEnded
	case !waiting:
		return "", 0, pimserr.ErrNotWaiting
	case a.Prompt != prompt:
		return "", 0, pimserr.ErrWrongPrompt
	}
	if a.Action != "" {
		ev, ok := o.actionEvent(a.Action)
		if _, allowed := o.j.m.target(st.cur, ev); !ok || !allowed {
			return "", 0, pimserr.ErrNotAllowed
		}
		if o.spends(ev) && st.resends >= lim.Resends {
			return "", 0, pimserr.ErrResendLimit
		}
		return ev, 0, nil
	}
	ev, ok := valueEvent[prompt]
	if _, allowed := o.j.m.target(st.cur, ev); !ok || !allowed {
		return "", 0, pimserr.ErrNotAllowed
	}
	if i := codeIndex(prompt); i >= 0 {
		code := st.codes[i]
		if code.wrong >= lim.CodeAttempts {
			return "", 0, pimserr.ErrCodeLocked
		}
		if code.sent && o.now().UnixMilli()-code.sentAt > lim.CodeTTL.Milliseconds() {
			return "", 0, pimserr.ErrCodeExpired
		}
	}
	if !validValue(prompt, a.Value) {
		return "", 0, pimserr.ErrInvalidInput
	}
	if prompt == "new_pin" && st.values[fromOldPIN] != "" && st.values[fromOldPIN] == a.Value {
		return "", 0, pimserr.ErrInvalidInput // decision: a new PIN must differ from the old one
	}
	if prompt == "phone_number" && st.trusted != "" {
		if t, ok := normalPhone(st.trusted); ok && t == normalValue(prompt, a.Value) {
			return "", 0, pimserr.ErrInvalidInput // decision: a new number must differ from the account's
		}
	}
	return ev, answerSource[prompt], nil
}

// actionEvent is the event an action fires at the current state: retry
// makes the interrupted call again, or checks call 1 first after an
// enrollment call whose outcome is unknown.
func (o *Oracle) actionEvent(a enrollfsm.Action) (enrollfsm.Event, bool) {
	if a == "retry" {
		if o.st.cur != "interrupted" {
			return "", false
		}
		if o.st.unknown {
			return "verify_requested", true
		}
		return enrollfsm.Event("retry_" + o.st.resume), true
	}
	ev, ok := actionEvent[a]
	return ev, ok
}

// spends reports whether ev texts a new SMS code: a resend, a phone change,
// or the retry of an SMS call that reached the backend.
func (o *Oracle) spends(ev enrollfsm.Event) bool {
	switch {
	case ev == "resend_requested", ev == "phone_change_requested":
		return true
	case strings.HasPrefix(string(ev), "retry_"):
		return calls[callOf[enrollfsm.State(strings.TrimPrefix(string(ev), "retry_"))]].texts && o.st.made
	}
	return false
}

// offered is the actions the current prompt offers.
func (o *Oracle) offered() []enrollfsm.Action {
	var out []enrollfsm.Action
	for _, a := range allActions {
		ev, ok := o.actionEvent(a)
		if !ok {
			continue
		}
		if _, ok := o.j.m.target(o.st.cur, ev); !ok {
			continue
		}
		if o.spends(ev) && o.st.resends >= o.j.lim.Resends {
			continue
		}
		out = append(out, a)
	}
	return out
}

// Settle checks the engine after an input, as a host sees it: what is
// pending and its counters.
func (o *Oracle) Settle(p enrollfsm.Pending, n enrollfsm.Counters) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.ready() {
		return
	}
	st := &o.st
	if len(st.expect) > 0 {
		e := st.expect[0]
		o.violate(PropertyOracle, "%s: the contract gives %s → %s, the engine did not move", e.explain(), e.ev, e.dst)
		st.expect = st.expect[:0]
	}
	if p.State != st.cur {
		o.violate(PropertyOracle, "the engine is at %s, the contract at %s", p.State, st.cur)
	}
	_, waiting := promptOf[st.cur]
	switch {
	case isTerminal(st.cur) && p.Kind != enrollfsm.PendingNone,
		waiting && p.Kind != enrollfsm.PendingPrompt:
		o.violate(PropertyOracle, "%s pending at %s", p.Kind, st.cur)
	case waiting && p.Prompt != promptOf[st.cur]:
		o.violate(PropertyOracle, "%s asks %s, the contract %s", st.cur, p.Prompt, promptOf[st.cur])
	case waiting && !sameActions(p.Actions, o.offered()):
		o.violate(PropertyOracle, "%s offers %v, the contract %v", st.cur, p.Actions, o.offered())
	}
	if p.Reason != nil && o.leaks(p.Reason.Error()) {
		o.violate(PropertySnapshot, "the prompt's reason holds a PIN or an SMS code")
	}
	want := enrollfsm.Counters{WrongCodes: st.wrongCodes, WrongPINs: st.wrongPINs, Resends: st.resends, Removals: st.removals, Calls: st.calls}
	l, last := o.j.lim, st.last
	switch {
	case n.WrongCodes < last.WrongCodes || n.WrongPINs < last.WrongPINs || n.Resends < last.Resends || n.Removals < last.Removals || n.Calls < last.Calls:
		o.violate(PropertyCounters, "a counter went down: %+v, then %+v", last, n)
	case n.WrongPINs > l.PINAttempts || n.Resends > l.Resends || n.Removals > l.Removals:
		o.violate(PropertyCounters, "%+v passes the limits (%d PINs, %d resends, %d removals)", n, l.PINAttempts, l.Resends, l.Removals)
	case n != want:
		o.violate(PropertyCounters, "counters %+v, the contract counts %+v", n, want)
	}
	st.last = n
}

func sameActions(a, b []enrollfsm.Action) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

// Restoring tells the Oracle that the engine is about to be restored from
// data, a snapshot it took: the snapshot must hold no secret, and the
// restored engine goes on as docs/contract.md §5 says — it holds no PIN and
// no code, so it goes back to the prompt of any its next call needs,
// counting an answer whose reply never came.
func (o *Oracle) Restoring(data []byte) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.ready() {
		return
	}
	if at := SecretIn(data, o.typed, o.phones...); data != nil && at != "" {
		o.violate(PropertySnapshot, "the snapshot holds a PIN or an SMS code at %s", at)
	}
	st := &o.st
	if isTerminal(st.cur) {
		return
	}
	for a := range st.values {
		if answer(a).secret() {
			st.values[a] = ""
		}
	}
	st.restored = true
	st.burst = 0
	o.settleNext()
}

// settleNext predicts the move a restored run makes at a prompt whose next
// call lacks an answer the restore lost, if any.
func (o *Oracle) settleNext() {
	st := &o.st
	if len(st.expect) > 0 {
		return
	}
	if _, waiting := promptOf[st.cur]; !waiting {
		return
	}
	if st.cur == "interrupted" {
		if st.unknown || !o.lacks(calls[callOf[st.resume]]) {
			return
		}
		o.expect(o.lost(st.resume, false))
		return
	}
	at, ok := o.j.m.asker(st.cur, o.j.plat)
	if !ok || st.values[answerSource[promptOf[at]]] != "" {
		return
	}
	o.expect(expectation{ev: "answer_lost", dst: at, why: "(a restored run lacks an answer this prompt does not give)"})
}

// Finish checks how the run ended: the final state, the failure, the
// warnings, that the error holds no secret, and that every call made was
// counted. It returns Err.
func (o *Oracle) Finish(out enrollfsm.Outcome, over bool) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.ready() {
		return o.j.err
	}
	st := &o.st
	switch {
	case !over && isTerminal(st.cur):
		o.violate(PropertyOracle, "the run goes on; the contract ended it at %s", st.cur)
	case !over:
	case out.State != st.cur:
		o.violate(PropertyOracle, "the outcome is %s, the contract ended at %s", out.State, st.cur)
	case out.State == "failed" && out.Failure != st.failure:
		o.violate(PropertyOracle, "failure %q, the contract says %q", out.Failure, st.failure)
	case out.State == "failed" && !errors.Is(out.Err, pimserr.ErrRunFailed):
		o.violate(PropertyOracle, "a failed run without a *pimserr.RunError")
	case out.State != "failed" && (out.Failure != "" || out.Err != nil):
		o.violate(PropertyOracle, "%s with failure %q", out.State, out.Failure)
	case len(out.Warnings) != popcount(st.warned):
		o.violate(PropertyOracle, "%d warnings, the contract counts %d steps done with 2316", len(out.Warnings), popcount(st.warned))
	}
	if out.Err != nil && o.leaks(out.Err.Error()) {
		o.violate(PropertySnapshot, "the outcome's error holds a PIN or an SMS code")
	}
	for _, w := range out.Warnings {
		if o.leaks(w.Error()) {
			o.violate(PropertySnapshot, "a warning holds a PIN or an SMS code")
		}
	}
	if len(o.errs) > 0 {
		return o.errs[0]
	}
	return nil
}

func popcount(x uint32) int {
	n := 0
	for ; x != 0; x &= x - 1 {
		n++
	}
	return n
}

// checkSimulator compares the end of the run with the simulator's account.
func (o *Oracle) checkSimulator(end enrollfsm.State) {
	if o.sim == nil {
		return
	}
	acct := o.sim.Account()
	switch {
	case end == "enrolled" && !acct.DeviceActivated:
		o.violate(PropertyOracle, "enrolled, but the simulator's device is not activated")
	case end != "done":
	case o.j.flow == "reset_pin" && !acct.DeviceActivated:
		o.violate(PropertyOracle, "reset_pin done, but the device is not enrolled again")
	case o.j.flow == "remove_enrollments" && (acct.DeviceActivated || acct.PIN != ""):
		o.violate(PropertyOracle, "remove_enrollments done, but an enrollment is left")
	case o.j.flow == "remove_vehicle" && slices.Contains(acct.Vehicles, o.st.values[fromVIN]):
		o.violate(PropertyOracle, "remove_vehicle done, but the vehicle is still attached")
	}
}

// leaks reports whether s holds a secret answered in this run, as a whole
// number: not within a longer one, such as a timestamp or a phone number,
// and not one that is also an error code ("pims 2308").
func (o *Oracle) leaks(s string) bool {
	if len(o.typed) == 0 {
		return false
	}
	for _, phone := range o.phones {
		s = strings.ReplaceAll(s, phone, "")
	}
	digit := func(i int) bool { return i >= 0 && i < len(s) && s[i] >= '0' && s[i] <= '9' }
	for _, secret := range o.typed {
		for from := 0; ; {
			i := strings.Index(s[from:], secret)
			if i < 0 {
				break
			}
			i += from
			if !digit(i-1) && !digit(i+len(secret)) {
				return true
			}
			from = i + 1
		}
	}
	return false
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func isDocumented(s string) bool {
	n := atoi(s)
	_, classed := classOf[pimserr.Code(n)]
	return classed || slices.Contains(DocumentedCodes, pimserr.Code(n)) || n == 2999
}

// safe is err's text, unless it holds a secret.
func (o *Oracle) safe(err error) string {
	if o.leaks(err.Error()) {
		return "an error that holds a secret"
	}
	return err.Error()
}

// replyNote is how a reply reads in PropertyError.Recent: "8:2201",
// "3:ok", "7:no reply".
func replyNote(id string, rec enrollfsm.CallRecord) string {
	switch {
	case rec.Err != nil:
		return id + ":no reply"
	case rec.Reply.Status == pims.Succeeded:
		return id + ":ok"
	case rec.Reply.Error != nil:
		return fmt.Sprintf("%s:%d", id, rec.Reply.Error.Code)
	}
	return id + ":malformed"
}

// key appends the model's state, as Check tells states apart: values as
// held or not (Check types one value per prompt), code ages as the
// engine's key has them; the run-wide counts of calls and wrong codes, the
// calls since the last wait (Check measures them on the graph) and the
// trusted number (only shown) aside.
func (o *Oracle) key(b []byte, live core.Live) []byte {
	st := &o.st
	b = append(b, st.cur...)
	b = append(b, 0)
	var held uint16
	for a, v := range st.values {
		if v != "" && (a == int(fromVIN) || a >= int(fromPhone) && live&(1<<(a-int(fromPhone))) != 0) {
			held |= 1 << a
		}
	}
	now := o.now().UnixMilli()
	b = append(b, byte(held), byte(held>>8), byte(st.wrongPINs), byte(st.resends), byte(st.removals))
	at := codeIndex(promptOf[st.cur])
	for i, c := range st.codes {
		if live&(core.LiveCertSlot<<i) == 0 {
			b = append(b, 0xff, 0xff)
			continue
		}
		age := ageClass(c.sent, now-c.sentAt, o.j.lim.CodeTTL)
		if i != at && age >= 1 && age <= 3 {
			age = 1 // fine only at the code's own prompt, as the engine's key
		}
		b = append(b, byte(c.wrong), age)
	}
	// the interruption only where it is read, as the engine's key has it
	resumes := st.cur == "interrupted"
	verifies := resumes || st.cur == "verifying_enrollment"
	texts := resumes && calls[callOf[st.resume]].texts
	flags := [...]bool{resumes && st.unknown, texts && st.made, verifies && st.unsure, st.pinMayBeSet, st.afterUnsurePIN}
	var f uint16
	for i, x := range flags {
		if x {
			f |= 1 << i
		}
	}
	b = append(b, byte(f), byte(f>>8), byte(st.attempt))
	if resumes {
		b = append(b, st.resume...)
	}
	b = append(b, 0)
	if verifies {
		b = append(b, st.verifyFor...)
	}
	b = append(b, 0)
	b = append(b, st.unverified...)
	b = append(b, 0, byte(popcount(st.warned)))
	// the trusted number by what it decides, as the engine's key has it
	switch t, ok := normalPhone(st.trusted); {
	case st.trusted == "":
		b = append(b, 0)
	case ok && t == st.values[fromPhone]:
		b = append(b, 1)
	default:
		b = append(b, 2)
	}
	b = append(b, st.failure...)
	return append(b, 0)
}

// ageClass places a code's age: not sent, well within its lifetime, within
// the last second of it, at it, after it.
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
