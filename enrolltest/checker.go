package enrolltest

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/enrollfsm/enrollfsm"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/flows"
	"github.com/enrollfsm/enrollfsm/pims"
	"github.com/enrollfsm/enrollfsm/simulator"
)

// tables are the engine's tables, copied once: the kit only reads them.
var tables = sync.OnceValue(enrollfsm.Tables)

// Invariant names a property the Checker holds the engine to.
type Invariant string

// The invariants, checked after every transition, call and answer.
const (
	// InvariantTable: every state is in the flow's table, and every
	// transition agrees with the reference model of docs/contract.md §3–§4, including
	// the event a reply or an answer must cause.
	InvariantTable Invariant = "table"
	// InvariantCall: each call is the one docs/contract.md §2 documents for the state:
	// op, API, exactly the parameter keys, values from the answers given.
	InvariantCall Invariant = "call"
	// InvariantBlocked: a 2310 or 2317 reply leads to confirming_removal,
	// removing_enrollments or failed (account_locked) in an enrollment, to
	// failed (pims:<code>) in an account operation.
	InvariantBlocked Invariant = "blocked"
	// InvariantSimulator: enrolled only when the simulator's device is
	// activated; an operation's done agrees with the simulator's account.
	InvariantSimulator Invariant = "simulator"
	// InvariantVerify: no enrollment call (4·1, 7, 8) is sent after one whose
	// outcome is unknown (2201, a bridge error, a cancelled context) before
	// verifying_enrollment has answered; and, with a simulator, none is
	// refused with 2317 because this very run has enrolled the device.
	InvariantVerify Invariant = "verify"
	// InvariantBound: the engine waits for the user or ends within CallBound
	// calls.
	InvariantBound Invariant = "bound"
	// InvariantAnswer: an answer is refused exactly when docs/contract.md §4 says
	// (malformed, locked or expired code, resend limit, action not offered).
	InvariantAnswer Invariant = "answer"
	// InvariantOutcome: the run ends as the model says (state, failure,
	// warnings), and no error string holds a secret.
	InvariantOutcome Invariant = "outcome"
	// InvariantSnapshot: a snapshot holds no secret, and the engine restored
	// from it waits at the same state with the same counters.
	InvariantSnapshot Invariant = "snapshot"
)

// ErrViolation matches every *Violation.
var ErrViolation = errors.New("invariant violated")

// Violation is a broken invariant: which, where, and what was seen. It never
// holds a PIN or an SMS code; requests and answers print masked.
type Violation struct {
	Invariant Invariant
	Flow      enrollfsm.Flow
	State     enrollfsm.State
	// Call is the last call made, masked ("set pims.authentication.enrollment{action=enroll pinCode=••••}"), if any.
	Call   string
	Detail string
	// Recent is the run's last moves, oldest first: replies by step and
	// code ("8:2201"), events ("call_interrupted"), answers masked.
	Recent []string
}

func (v *Violation) Error() string {
	s := fmt.Sprintf("invariant %s violated in %s at %s: %s", v.Invariant, v.Flow, v.State, v.Detail)
	if v.Call != "" {
		s += " (last call: " + v.Call + ")"
	}
	if len(v.Recent) > 0 {
		s += "; recent: " + strings.Join(v.Recent, ", ")
	}
	return s
}

// Is matches ErrViolation.
func (v *Violation) Is(target error) bool { return target == ErrViolation }

// Stats counts what a Checker saw.
type Stats struct {
	Transitions int
	Calls       int
	Answers     int
	Refused     int // answers the engine refused
	Violations  int
	// MaxBurst is the most calls made between two waits; CallBound bounds it.
	MaxBurst int
}

// Checker holds an engine to the invariants while it runs. Install it with
// Observer (or Options) when the engine is made, and on every engine
// restored from its snapshots; Err reports the first violation. A Checker
// follows one run. It is safe for concurrent use.
type Checker struct {
	mu sync.Mutex

	flow       enrollfsm.Flow // resolved
	model      *model
	table      *flows.Table
	settings   enrollfsm.Settings
	limits     enrollfsm.Limits
	sim        *simulator.Simulator
	now        func() time.Time
	bound      int
	boundErr   error
	setupError error

	cur      enrollfsm.State
	entered  enrollfsm.Event // the event that led to cur
	attempt  int
	burst    int
	lastCall string
	expect   *expectation
	blocked  pimserr.Code // a 2310/2317 reply awaiting its transition

	wrongPINs, resends, removals int
	codeWrong                    map[enrollfsm.Prompt]int
	sentAt                       map[enrollfsm.Prompt]time.Time
	warned                       map[string]bool // steps that left a 2316 warning

	resume     enrollfsm.State
	unknown    bool
	verifyFor  enrollfsm.State
	unverified enrollfsm.State // enrollment call whose outcome is unknown, not verified since
	// step7Unsure: a step 7 of this run had an unknown outcome (until a
	// removal); after7Resent: a later step 7 just succeeded, which the server
	// may have taken as step 8.
	step7Unsure, after7Resent bool

	values   map[answer]string
	ahead    map[string]enrollfsm.CallRecord // prefetched calls by step, until used
	sent     map[string]pims.Params          // the last request of each step
	secrets  map[string]bool
	codes    map[string]bool // error codes seen, which may look like a PIN
	phones   map[string]bool // phone numbers seen, as typed and as sent
	restored bool
	// lateCancel: a cancel_requested came with no answer before it
	// (Engine.Cancel at a prompt).
	lateCancel bool
	failure    pimserr.Failure

	recent []string // the last moves, for Violation.Recent
	stats  Stats
	err    error
	all    []*Violation
}

// expectation is the event the next transition must carry, from the reply
// or the answer just seen.
type expectation struct {
	event   enrollfsm.Event
	failure pimserr.Failure
	unknown bool
	warning bool // a 2316 that counts as done
	why     string
}

// CheckerOption configures a Checker.
type CheckerOption func(*Checker)

// WithSimulator lets the Checker compare outcomes with the simulator's
// account (InvariantSimulator) and read the truth it needs.
func WithSimulator(s *simulator.Simulator) CheckerOption {
	return func(c *Checker) { c.sim = s }
}

// WithNow gives the Checker the engine's clock, so that it knows when an SMS
// code has expired. Without it, an expired code's refusal is taken on trust.
func WithNow(now func() time.Time) CheckerOption {
	return func(c *Checker) { c.now = now }
}

// NewChecker returns a checker for a run with these settings (the flow as
// given to New; auto is resolved here from the SDK version) and limits (zero:
// the defaults).
func NewChecker(s enrollfsm.Settings, l enrollfsm.Limits, opts ...CheckerOption) *Checker {
	if s.Platform == "" {
		s.Platform = enrollfsm.Android
	}
	if s.SDKVersion == "" {
		s.SDKVersion = "2.1.0"
	}
	if l == (enrollfsm.Limits{}) {
		l = enrollfsm.DefaultLimits()
	}
	c := &Checker{
		settings: s, limits: l, cur: "start",
		codeWrong: map[enrollfsm.Prompt]int{}, sentAt: map[enrollfsm.Prompt]time.Time{}, warned: map[string]bool{},
		values: map[answer]string{}, sent: map[string]pims.Params{}, secrets: map[string]bool{}, codes: map[string]bool{},
		phones: map[string]bool{}, ahead: map[string]enrollfsm.CallRecord{},
	}
	for _, o := range opts {
		o(c)
	}
	for _, code := range pimserr.Codes() {
		c.codes[code.String()] = true
	}
	c.flow = resolveFlow(s.Flow, s.SDKVersion)
	if s.VIN != "" {
		c.values[fromVIN] = strings.ToUpper(strings.TrimSpace(s.VIN))
	}
	var ok bool
	if c.model, ok = modelFor(c.flow); !ok {
		c.setupError = fmt.Errorf("enrolltest: no model of flow %q", c.flow)
		return c
	}
	if c.table, ok = tables()[c.flow]; !ok {
		c.setupError = fmt.Errorf("enrolltest: the engine has no table %q", c.flow)
		return c
	}
	c.bound, c.boundErr = CallBound(c.table, l)
	return c
}

// Options returns the engine options that match the Checker's settings and
// limits, with its observer: pass them to enrollfsm.New or Restore.
func (c *Checker) Options() []enrollfsm.Option {
	return append(c.settings.Options(), enrollfsm.WithLimits(c.limits), enrollfsm.WithObserver(c.Observer()))
}

// Observer returns the observer to install on the engine.
func (c *Checker) Observer() enrollfsm.Observer {
	return enrollfsm.Observer{Transition: c.transition, Call: c.call, Answer: c.answer}
}

// Bound returns the CallBound the Checker asserts.
func (c *Checker) Bound() int { return c.bound }

// Err returns the first violation (a *Violation), or nil.
func (c *Checker) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.setupError != nil {
		return c.setupError
	}
	return c.err
}

// Stats returns the counts so far.
func (c *Checker) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stats
}

// State returns the state the Checker believes the engine is in.
func (c *Checker) State() enrollfsm.State {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cur
}

// Violations returns the violations seen, the first 16 at most.
func (c *Checker) Violations() []*Violation {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]*Violation(nil), c.all...)
}

func (c *Checker) violate(inv Invariant, format string, args ...any) {
	c.stats.Violations++
	if len(c.all) == 16 {
		return
	}
	v := &Violation{Invariant: inv, Flow: c.flow, State: c.cur, Call: c.lastCall, Detail: fmt.Sprintf(format, args...),
		Recent: append([]string(nil), c.recent...)}
	c.all = append(c.all, v)
	if c.err == nil {
		c.err = v
	}
}

// ready reports whether the Checker can check; a setup error is reported by Err.
func (c *Checker) ready() bool { return c.setupError == nil }

// call checks a call as the engine reports it, before its reply moves the
// machine.
func (c *Checker) call(rec enrollfsm.CallRecord) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.ready() {
		return
	}
	c.stats.Calls++
	if c.model.enrollment && c.stats.Answers == 0 && (rec.Step == "2" || rec.Step == "3") && callOf[c.cur] != rec.Step {
		// WithPrefetch: calls 2 and 3 made with call 1. Each is checked when
		// the machine reaches its state, if it goes the straight way.
		c.ahead[rec.Step] = rec
		return
	}
	c.made(rec)
}

// made checks the call of the current state.
func (c *Checker) made(rec enrollfsm.CallRecord) {
	c.lastCall = rec.Request.String()
	id, ok := callOf[c.cur]
	if !ok {
		c.violate(InvariantTable, "a call (step %s) at a state that makes none", rec.Step)
		return
	}
	spec := calls[id]
	c.burst++
	c.stats.MaxBurst = max(c.stats.MaxBurst, c.burst)
	switch {
	case c.boundErr != nil:
		c.violate(InvariantBound, "%v", c.boundErr)
	case c.burst > c.bound:
		c.violate(InvariantBound, "%d calls without waiting for the user; the bound is %d", c.burst, c.bound)
	}
	if rec.Step != id {
		c.violate(InvariantCall, "step %s reported, %s makes step %s", rec.Step, c.cur, id)
	}
	c.checkRequest(id, spec, rec.Request)
	c.sent[id] = rec.Request.Params
	if spec.enrolls && c.unverified != "" {
		c.violate(InvariantVerify, "step %s sent while the outcome of %s is unknown and unverified", id, c.unverified)
	}
	c.note("%s", replyNote(id, rec))
	if rec.Err == nil && rec.Reply.Error != nil {
		c.codes[strconv.Itoa(rec.Reply.Error.Code)] = true
	}
	exp := c.predict(id, spec, rec)
	resent := c.after7Resent
	c.after7Resent = id == "7" && c.step7Unsure && exp.event == "pin_registered"
	c.expect = &exp
	c.blocked = 0
	if rec.Err == nil && rec.Reply.Status == pims.Failed && rec.Reply.Error != nil {
		if code := pimserr.Code(rec.Reply.Error.Code); code == pimserr.CodeAccountBlocked || code == pimserr.CodeForbidden {
			c.blocked = code
		}
	}
	if spec.enrolls && exp.unknown {
		c.unverified = c.cur
		c.step7Unsure = c.step7Unsure || id == "7"
	}
	// A 2317 because this very run enrolled the device means an enroll was
	// sent once too often (a run begins on a device call 1 found not
	// enrolled) — unless it follows a resent step 7, which the engine then
	// verifies.
	if spec.enrolls && c.blocked == pimserr.CodeForbidden && c.sim != nil && c.sim.DeviceActivated() && !(id == "8" && resent) {
		c.violate(InvariantVerify, "step %s refused with 2317: the device is enrolled already, by this run", id)
	}
}

// checkRequest compares the request with docs/contract.md §2 and the answers given.
func (c *Checker) checkRequest(id string, spec call, got pims.Request) {
	want, missing := spec.request(c.settings.Platform, func(a answer) string { return c.values[a] })
	if missing != "" {
		c.violate(InvariantCall, "step %s needs %s, which no answer gave", id, missing)
		return
	}
	if d := Diff(want, got); d != "" {
		c.violate(InvariantCall, "step %s: %s", id, d)
	}
}

// transition checks a move of the machine and follows it.
func (c *Checker) transition(tr enrollfsm.Transition) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.ready() {
		return
	}
	c.stats.Transitions++
	c.note("%s", tr.Event)
	if tr.From != c.cur {
		c.violate(InvariantTable, "transition %s → %s by %s, but the run was at %s", tr.From, tr.To, tr.Event, c.cur)
	}
	if _, ok := c.table.State(tr.To); !ok {
		c.violate(InvariantTable, "state %s is not in the %s table", tr.To, c.flow)
	}
	dst, ok := c.model.target(tr.From, tr.Event)
	switch {
	case !ok:
		c.violate(InvariantTable, "the model has no %s at %s (the engine went to %s)", tr.Event, tr.From, tr.To)
	case dst != tr.To:
		c.violate(InvariantTable, "%s at %s leads to %s in the model, the engine went to %s", tr.Event, tr.From, dst, tr.To)
	}
	c.checkExpected(tr)
	c.checkBlocked(tr)
	c.follow(tr)
	if isTerminal(tr.To) {
		c.checkSimulator(tr.To)
	}
}

// checkExpected compares the event with the one the last reply or answer
// calls for. Without one, only a host's Cancel explains a transition.
func (c *Checker) checkExpected(tr enrollfsm.Transition) {
	exp := c.expect
	c.expect = nil
	if exp == nil {
		_, waiting := promptOf[tr.From]
		_, calling := callOf[tr.From]
		switch {
		case tr.From == "start" && tr.Event == "begin":
		case waiting && tr.Event == "cancel_requested": // Engine.Cancel at a prompt
			c.lateCancel = true
		case calling && tr.Event == "call_interrupted": // Engine.Cancel during a call
			c.unknown = calls[callOf[tr.From]].enrolls
			if c.unknown {
				c.unverified = tr.From
			}
		case calling && tr.Event == "call_failed":
			c.failure = pimserr.FailureInternal
			c.violate(InvariantCall, "%s failed without making its call (internal_error)", tr.From)
		default:
			c.violate(InvariantTable, "%s → %s by %s without a reply or an answer calling for it", tr.From, tr.To, tr.Event)
		}
		return
	}
	if tr.Event != exp.event {
		c.violate(InvariantTable, "%s: the model expects %s, the engine fired %s (→ %s)", exp.why, exp.event, tr.Event, tr.To)
		return
	}
	if tr.Event == "call_interrupted" {
		c.unknown = exp.unknown
	}
	if exp.warning {
		c.warned[callOf[tr.From]] = true // once per step
	}
	if tr.To == "failed" && exp.failure != "" {
		c.failure = exp.failure
	}
}

// checkBlocked is InvariantBlocked, for the transition after a 2310/2317.
func (c *Checker) checkBlocked(tr enrollfsm.Transition) {
	code := c.blocked
	c.blocked = 0
	if code == 0 {
		return
	}
	switch {
	case c.model.enrollment && (tr.To == "confirming_removal" || tr.To == "removing_enrollments"):
	case c.model.enrollment && tr.To == "failed" && c.failure == pimserr.FailureAccountLocked:
	case tr.Event == "device_maybe_enrolled": // after a resent step 7; the model predicted it

	case !c.model.enrollment && tr.To == "failed" && c.failure == pimserr.FailureCode(code):
	default:
		c.violate(InvariantBlocked, "a %d reply led to %s (failure %q)", code, tr.To, c.failure)
	}
}

// follow updates the model's view of the run after a transition.
func (c *Checker) follow(tr enrollfsm.Transition) {
	from := tr.From
	switch tr.Event {
	case "input_rejected":
		c.count(calls[callOf[from]].blames)
	case "certification_sms_sent":
		c.codeSent("certification_code")
	case "enrollment_sms_sent":
		c.codeSent("enrollment_code")
	case "resend_requested":
		c.resends++
	case "removal_confirmed", "removal_authorised":
		c.removals++
	case "phone_change_requested":
		delete(c.values, fromCertCode)
		c.resends++ // it texts the new number
	case "call_interrupted":
		c.resume = from
		if c.unknown {
			c.verifyFor = from
		}
	case "read_retried":
		c.attempt++
	case "enrollments_removed":
		c.unverified, c.step7Unsure, c.after7Resent = "", false, false // nothing is left after a removal
	case "device_activated":
		c.unverified = ""
	}
	if from == "verifying_enrollment" && strings.HasPrefix(string(tr.Event), "resume_") {
		c.unverified = ""
	}
	if f, ok := c.model.fails[edge{from, tr.Event}]; ok {
		c.failure = f
	}
	var use string // the prefetched call the state entered may use
	if tr.To != from {
		switch {
		case tr.Event == "device_not_activated" && tr.To == "checking_account":
			use = "2"
		case tr.Event == "account_not_blocked" && tr.To == "checking_phone":
			use = "3"
		default:
			clear(c.ahead) // their replies would be stale
		}
		if _, calling := callOf[tr.To]; calling {
			c.attempt = 1
		} else {
			c.burst = 0
		}
	}
	c.cur, c.entered = tr.To, tr.Event
	if rec, ok := c.ahead[use]; ok {
		delete(c.ahead, use)
		c.made(rec)
	}
}

func (c *Checker) count(p enrollfsm.Prompt) {
	switch p {
	case "certification_code", "enrollment_code":
		c.codeWrong[p]++
	case "pin", "new_pin", "old_pin":
		c.wrongPINs++
	}
}

func (c *Checker) codeSent(p enrollfsm.Prompt) {
	c.codeWrong[p] = 0
	if c.now != nil {
		c.sentAt[p] = c.now()
	}
}

// checkSimulator is InvariantSimulator, at the end of a run.
func (c *Checker) checkSimulator(end enrollfsm.State) {
	if c.sim == nil {
		return
	}
	acct := c.sim.Account()
	switch {
	case end == "enrolled" && !acct.DeviceActivated:
		c.violate(InvariantSimulator, "enrolled, but the simulator's device is not activated")
	case end != "done":
	case c.flow == "reset_pin" && !acct.DeviceActivated:
		c.violate(InvariantSimulator, "reset_pin done, but the device is not enrolled again")
	case c.flow == "reset_pin" && acct.PIN != c.sent["B"].Value("pinCode"):
		c.violate(InvariantSimulator, "reset_pin done, but the account's PIN is not the one step B sent")
	case c.flow == "update_pin" && acct.PIN != c.sent["C"].Value("newPIN"):
		c.violate(InvariantSimulator, "update_pin done, but the account's PIN is not the one step C sent")
	case c.flow == "modify_phone" && acct.Phone != c.sent["D"].Value("phoneNumber"):
		c.violate(InvariantSimulator, "modify_phone done, but the account's phone is not the new one")
	case c.flow == "remove_enrollments" && (acct.DeviceActivated || acct.PIN != ""):
		c.violate(InvariantSimulator, "remove_enrollments done, but an enrollment is left")
	case c.flow == "remove_vehicle" && containsString(acct.Vehicles, c.values[fromVIN]):
		c.violate(InvariantSimulator, "remove_vehicle done, but the vehicle is still attached")
	}
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Restored tells the Checker that the engine was saved and restored from
// data: it checks the snapshot holds no secret, and from now on accepts the
// re-asked secrets a restored engine needs.
func (c *Checker) Restored(data []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.ready() {
		return
	}
	c.restored = true
	if c.leaks(string(data)) {
		c.violate(InvariantSnapshot, "the snapshot holds a PIN or an SMS code")
	}
}

// Fail records a violation found outside the observer, by a harness.
func (c *Checker) Fail(inv Invariant, format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.violate(inv, format, args...)
}

// CheckOutcome checks how the run ended against the model: the final state,
// the failure, the warnings, and that the error holds no secret. It returns
// Err.
func (c *Checker) CheckOutcome(out enrollfsm.Outcome) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.ready() {
		return c.setupError
	}
	switch {
	case out.State != c.cur:
		c.violate(InvariantOutcome, "the outcome is %s, the run is at %s", out.State, c.cur)
	case !isTerminal(out.State):
		c.violate(InvariantOutcome, "outcome %q is not a terminal state", out.State)
	case out.State == "failed" && out.Failure != c.failure:
		c.violate(InvariantOutcome, "failure %q, the model says %q", out.Failure, c.failure)
	case out.State == "failed" && !errors.Is(out.Err, pimserr.ErrRunFailed):
		c.violate(InvariantOutcome, "a failed run without a *pimserr.RunError")
	case out.State != "failed" && (out.Failure != "" || out.Err != nil):
		c.violate(InvariantOutcome, "%s with failure %q", out.State, out.Failure)
	case len(out.Warnings) != len(c.warned):
		c.violate(InvariantOutcome, "%d warnings, the model counts %d steps done with 2316", len(out.Warnings), len(c.warned))
	}
	if out.Err != nil && c.leaks(out.Err.Error()) {
		c.violate(InvariantOutcome, "the outcome's error holds a PIN or an SMS code")
	}
	return c.err
}

// leaks reports whether s holds a secret answered in this run, as a whole
// number: not within a longer one, such as a timestamp or a phone number,
// and not one that is also an error code ("pims 2308").
func (c *Checker) leaks(s string) bool {
	for phone := range c.phones {
		s = strings.ReplaceAll(s, phone, "")
	}
	digit := func(i int) bool { return i >= 0 && i < len(s) && s[i] >= '0' && s[i] <= '9' }
	for secret := range c.secrets {
		if c.codes[secret] {
			continue
		}
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

// note keeps a move for Violation.Recent.
func (c *Checker) note(format string, args ...any) {
	if len(c.recent) == 12 {
		c.recent = c.recent[1:]
	}
	c.recent = append(c.recent, fmt.Sprintf(format, args...))
}

// replyNote is how a reply reads in Violation.Recent: "8:2201", "3:ok",
// "7:no reply".
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

// safe is err's text for a Violation, unless it holds a secret.
func (c *Checker) safe(err error) string {
	if c.leaks(err.Error()) {
		return "an error that holds a secret"
	}
	return err.Error()
}

// safeErr is safe, under the lock.
func (c *Checker) safeErr(err error) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.safe(err)
}
