package enrolltest

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/enrollment"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/flows"
	"github.com/enrollfsm/enrollfsm/internal/hooks"
	"github.com/enrollfsm/enrollfsm/pims"
	"github.com/enrollfsm/enrollfsm/steps"
)

// Property is one of the properties every run must have (docs/contract.md
// §8), by its number there.
type Property int

// The properties. Check proves them over every reachable state; a Monitor
// checks, along one run, those a single run can break.
const (
	// PropertyRequest: every request is exactly the one docs/contract.md §2 gives for
	// its step and platform, with the values the user gave.
	PropertyRequest Property = iota + 1
	// PropertyBound: the calls between two waits are bounded (by CallBound).
	PropertyBound
	// PropertyEnd: a terminal state can be reached from every state, every
	// cycle waits for the user, and apart from the user's own retry every
	// loop spends a bounded counter (a run never comes back to a state with
	// the same counters).
	PropertyEnd
	// PropertyVerify: an enrollment call (4·1, 7, 8) whose outcome is
	// unknown is never sent again before call 1 has been checked.
	PropertyVerify
	// PropertyBlocked: a 2317 or 2310 leads, in an enrollment, to
	// confirming_removal, removing_enrollments or failed (account_locked), and
	// in an account operation to failed (pims:<code>).
	PropertyBlocked
	// PropertyCounters: no counter goes down, and none passes its limit.
	PropertyCounters
	// PropertySnapshot: a snapshot holds no PIN and no SMS code, and restores
	// to an engine in the same run state (but for the secrets it re-asks).
	PropertySnapshot
	// PropertyTable: every transition is an edge of the flow's table and of
	// the contract, the engine never fails internally, and (Check) every edge
	// is taken from some reachable state.
	PropertyTable
)

var propertyNames = [...]string{"", "request", "bound", "end", "verify", "blocked", "counters", "snapshot", "table"}

func (p Property) String() string {
	if p > 0 && int(p) < len(propertyNames) {
		return propertyNames[p]
	}
	return "Property(" + strconv.Itoa(int(p)) + ")"
}

// PropertyError is a property a run broke: which, in which flow, at which
// state, and what was seen. It never holds a PIN or an SMS code.
type PropertyError struct {
	Property Property
	Flow     enrollfsm.Flow
	State    enrollfsm.State
	Detail   string
}

func (e *PropertyError) Error() string {
	return fmt.Sprintf("property %d (%s) violated in %s at %s: %s", int(e.Property), e.Property, e.Flow, e.State, e.Detail)
}

// Is matches ErrViolation.
func (e *PropertyError) Is(target error) bool { return target == ErrViolation }

// monitorSetup is what a monitor knows of the run before it starts.
type monitorSetup struct {
	flow     enrollfsm.Flow // resolved
	table    *flows.Table
	model    *model
	platform enrollfsm.Platform
	limits   enrollfsm.Limits
	bound    int
	vin      string
	err      error
}

func newMonitorSetup(s enrollfsm.Settings, l enrollfsm.Limits) *monitorSetup {
	if s.Platform == "" {
		s.Platform = enrollfsm.Android
	}
	if l == (enrollfsm.Limits{}) {
		l = enrollfsm.DefaultLimits()
	}
	ms := &monitorSetup{flow: resolveFlow(s.Flow, s.SDKVersion), platform: s.Platform, limits: l}
	if s.VIN != "" {
		ms.vin, _ = steps.NormalizeVIN(s.VIN)
	}
	var ok bool
	if ms.model, ok = modelFor(ms.flow); !ok {
		ms.err = fmt.Errorf("enrolltest: no model of flow %q", ms.flow)
		return ms
	}
	if ms.table, ok = tables()[ms.flow]; !ok {
		ms.err = fmt.Errorf("enrolltest: the engine has no table %q", ms.flow)
		return ms
	}
	ms.bound, ms.err = CallBound(ms.table, l)
	return ms
}

// monitor follows one run through the engine's observer. It is a value:
// the explorer copies it with each state, so everything it keeps that a
// later check reads is part of key.
type monitor struct {
	setup  *monitorSetup
	cur    enrollfsm.State
	values [fromVIN + 1]string // by answer source; "" until given
	// unverified: an enrollment call whose outcome is unknown, not checked
	// by call 1 since.
	unverified enrollfsm.State
	// step7Unsure: a step 7 had an unknown outcome; after7Resent: a later
	// step 7 just succeeded, so a 2317 to the next step 8 may be verified.
	step7Unsure, after7Resent bool
	burst                     int // calls since the last wait
	peak                      int // the most calls between two waits so far (not in key)

	// within one input
	blocked    pimserr.Code // a 2310/2317 reply whose transition is next
	mayVerify  bool         // that reply follows a resent step 7
	blockedEnd pimserr.Code // a blocked reply that ended the run: failure checked by settle
	retried    bool         // the user's retry was taken
	acted      int          // calls other than reads that succeeded (Monitor only)

	counters enrollfsm.Counters // at the last settle
	err      *PropertyError
}

func newMonitor(setup *monitorSetup) monitor {
	m := monitor{setup: setup, cur: enrollment.Start}
	m.values[fromVIN] = setup.vin
	return m
}

func (m *monitor) violate(p Property, format string, args ...any) {
	if m.err == nil {
		m.err = &PropertyError{Property: p, Flow: m.setup.flow, State: m.cur, Detail: fmt.Sprintf(format, args...)}
	}
}

// key is what the monitor keeps that decides its later checks; with l, a
// value no later call can send unless it is answered again is left out.
func (m *monitor) key(b []byte, l *liveAt) []byte {
	given := 0
	for _, h := range heldInputs {
		if m.values[h.source] != "" && (l == nil || l.held&h.bit != 0) {
			given |= int(h.bit)
		}
	}
	b = append(b, '|')
	b = append(b, m.unverified...)
	b = strconv.AppendBool(b, m.step7Unsure)
	b = strconv.AppendBool(b, m.after7Resent)
	b = strconv.AppendInt(b, int64(m.burst), 10)
	b = append(b, '/')
	return strconv.AppendInt(b, int64(given), 10)
}

func (m *monitor) call(rec enrollfsm.CallRecord) {
	if m.err != nil {
		return
	}
	id, ok := callOf[m.cur]
	if !ok {
		m.violate(PropertyTable, "a call (step %s) at a state that makes none", rec.Step)
		return
	}
	spec := calls[id]
	m.burst++
	m.peak = max(m.peak, m.burst)
	if m.burst > m.setup.bound {
		m.violate(PropertyBound, "%d calls without waiting for the user; the table allows %d", m.burst, m.setup.bound)
	}
	if rec.Step != id {
		m.violate(PropertyRequest, "step %s reported, %s makes step %s", rec.Step, m.cur, id)
	}
	m.checkRequest(id, spec, rec.Request)
	if spec.enrolls && m.unverified != "" {
		m.violate(PropertyVerify, "step %s sent while the outcome of step %s is unknown and call 1 has not checked it", id, callOf[m.unverified])
	}
	resent := m.after7Resent
	m.after7Resent = false
	m.blocked, m.mayVerify = 0, false
	var code pimserr.Code
	if rec.Err == nil && rec.Reply.Status == pims.Failed && rec.Reply.Error != nil {
		code = pimserr.Code(rec.Reply.Error.Code)
	}
	if code == pimserr.CodeAccountBlocked || code == pimserr.CodeForbidden {
		m.blocked, m.mayVerify = code, resent && id == "8"
	}
	if !spec.read && rec.Err == nil && (rec.Reply.Status == pims.Succeeded || code == pimserr.CodePostSyncFailed) {
		m.acted++
	}
	var perr *pimserr.ProtocolError
	lost := rec.Err != nil && !errors.As(rec.Err, &perr)
	if spec.enrolls && (lost || code == pimserr.CodeTimeout) {
		m.unverified = m.cur
		m.step7Unsure = m.step7Unsure || id == "7"
	}
}

// sameRequest is checkRequest's quick path: true when got is the request
// docs/contract.md §2 gives, without building it.
func (m *monitor) sameRequest(spec call, got pims.Request) bool {
	if got.Op != spec.op || got.API != spec.api {
		return false
	}
	n := len(spec.fixed) + len(spec.answers)
	ios := spec.iosCode && m.setup.platform == enrollfsm.IOS
	if ios {
		if _, dup := spec.answers["smsCode"]; !dup {
			n++
		}
		if got.Params.Value("smsCode") != m.values[fromEnrollCode] || m.values[fromEnrollCode] == "" {
			return false
		}
	}
	if got.Params.Len() != n {
		return false
	}
	for k, v := range spec.fixed {
		if got.Params.Value(k) != v {
			return false
		}
	}
	for k, from := range spec.answers {
		if v := m.values[from]; v == "" || got.Params.Value(k) != v {
			return false
		}
	}
	return true
}

// checkRequest compares a request with docs/contract.md §2 and the answers given.
func (m *monitor) checkRequest(id string, spec call, got pims.Request) {
	if m.sameRequest(spec, got) {
		return
	}
	want, missing := spec.request(m.setup.platform, func(a answer) string { return m.values[a] })
	if missing != "" {
		m.violate(PropertyRequest, "step %s sends %s, which no answer gave", id, missing)
		return
	}
	if d := Diff(want, got); d != "" {
		m.violate(PropertyRequest, "step %s: %s", id, d)
	}
}

func (m *monitor) transition(tr enrollfsm.Transition) {
	if m.err != nil {
		return
	}
	if tr.From != m.cur {
		m.violate(PropertyTable, "a transition from %s, but the run was at %s", tr.From, m.cur)
	}
	if dst, ok := m.setup.table.Def.Target(tr.From, tr.Event); !ok || dst != tr.To {
		m.violate(PropertyTable, "%s at %s to %s is not an edge of the %s table", tr.Event, tr.From, tr.To, m.setup.flow)
	}
	switch dst, ok := m.setup.model.target(tr.From, tr.Event); {
	case !ok:
		m.violate(PropertyTable, "the contract has no %s at %s (the engine went to %s)", tr.Event, tr.From, tr.To)
	case dst != tr.To:
		m.violate(PropertyTable, "%s at %s leads to %s in the contract, the engine went to %s", tr.Event, tr.From, dst, tr.To)
	}
	if code := m.blocked; code != 0 {
		m.blocked = 0
		inEnrollment := m.setup.model.enrollment
		switch {
		case inEnrollment && (tr.To == enrollment.ConfirmingRemoval || tr.To == enrollment.RemovingEnrollments):
		case tr.To == enrollment.Failed:
			m.blockedEnd = code
		case tr.Event == enrollment.DeviceMaybeEnrolled && m.mayVerify:
		default:
			m.violate(PropertyBlocked, "a %d reply led to %s by %s", code, tr.To, tr.Event)
		}
	}
	switch {
	case tr.Event == enrollment.EnrollmentsRemoved:
		m.unverified, m.step7Unsure = "", false // nothing is enrolled after a removal
	case tr.Event == enrollment.DeviceActivated, tr.Event == enrollment.DeviceNotActivated:
		m.unverified = ""
	case tr.From == enrollment.VerifyingEnrollment && strings.HasPrefix(string(tr.Event), "resume_"):
		m.unverified = ""
	case tr.From == enrollment.RegisteringPIN && tr.Event == enrollment.PINRegistered && m.step7Unsure:
		m.after7Resent = true
	}
	if st, ok := m.setup.table.State(tr.To); !ok || st.Kind != flows.Calling {
		m.burst = 0
	}
	m.cur = tr.To
}

func (m *monitor) answer(a enrollfsm.Answer, err error) {
	if m.err != nil || err != nil {
		return
	}
	if a.Action == enrollfsm.ActionRetry {
		m.retried = true
	}
	if a.Action != "" {
		return
	}
	from, ok := answerSource[a.Prompt]
	if !ok {
		return
	}
	v := a.Value
	if a.Prompt == enrollfsm.PromptPhoneNumber {
		v, _ = steps.NormalizePhone(v)
	}
	m.values[from] = v
}

// settle checks what one input (a reply, an answer, a wait, a restore) left:
// counters and outcome.
func (m *monitor) settle(e *enrollfsm.Engine, rs hooks.RunState) {
	if m.err != nil {
		return
	}
	c := e.Counters()
	prev := m.counters
	m.counters = c
	for _, x := range []struct {
		name      string
		was, now  int
		limit     int
		unlimited bool
	}{
		{"wrong codes", prev.WrongCodes, c.WrongCodes, 0, true},
		{"wrong PINs", prev.WrongPINs, c.WrongPINs, m.setup.limits.PINAttempts, false},
		{"resends", prev.Resends, c.Resends, m.setup.limits.Resends, false},
		{"removals", prev.Removals, c.Removals, m.setup.limits.Removals, false},
		{"calls", prev.Calls, c.Calls, 0, true},
	} {
		switch {
		case x.now < x.was:
			m.violate(PropertyCounters, "%s went down from %d to %d", x.name, x.was, x.now)
		case !x.unlimited && x.now > x.limit:
			m.violate(PropertyCounters, "%s at %d, past the limit %d", x.name, x.now, x.limit)
		}
	}
	for i, n := range rs.CodeWrong {
		if n > m.setup.limits.CodeAttempts {
			m.violate(PropertyCounters, "%d wrong answers to the %s, past the limit %d", n, codePrompts[i], m.setup.limits.CodeAttempts)
		}
	}
	out, ended := e.Outcome()
	if code := m.blockedEnd; code != 0 {
		m.blockedEnd = 0
		want := pimserr.FailureCode(code)
		if m.setup.model.enrollment {
			want = pimserr.FailureAccountLocked
		}
		if out.Failure != want {
			m.violate(PropertyBlocked, "a %d reply failed the run with %q, not %q", code, out.Failure, want)
		}
	}
	if ended && out.Failure == pimserr.FailureInternal {
		m.violate(PropertyTable, "the engine failed internally: %s", m.safe(out.Err))
	}
	if ended && out.State != m.cur {
		m.violate(PropertyTable, "the run ended %s, but its last transition went to %s", out.State, m.cur)
	}
}

var codePrompts = [2]enrollfsm.Prompt{enrollfsm.PromptCertificationCode, enrollfsm.PromptEnrollmentCode}

// secrets returns the PINs and SMS codes given so far.
func (m *monitor) secrets() []string {
	var out []string
	for _, from := range []answer{fromCertCode, fromEnrollCode, fromPIN, fromOldPIN} {
		if v := m.values[from]; v != "" {
			out = append(out, v)
		}
	}
	return out
}

// safe is err's text, unless it holds a secret.
func (m *monitor) safe(err error) string {
	if err == nil {
		return "no error"
	}
	s := err.Error()
	for _, secret := range m.secrets() {
		if strings.Contains(s, secret) {
			return "an error that holds a secret"
		}
	}
	return s
}

// restored checks a save and restore: the snapshot holds no secret, and the
// restored engine is in the run state of the saved one, but for the secrets
// it must ask again.
func (m *monitor) restored(saved, restored *enrollfsm.Engine, data []byte) {
	if m.err != nil {
		return
	}
	a, _ := hooks.State(saved)
	b, _ := hooks.State(restored)
	if at := SecretIn(data, m.secrets(), m.values[fromPhone], a.Trusted); at != "" {
		m.violate(PropertySnapshot, "the snapshot holds a PIN or an SMS code at %s", at)
		return
	}
	a.Held &^= hooks.HeldSecrets
	b.Held &^= hooks.HeldSecrets
	ttl := m.setup.limits.CodeTTL
	if ka, kb := stateKey(nil, a, ttl, nil), stateKey(nil, b, ttl, nil); string(ka) != string(kb) || a.Counters != b.Counters {
		m.violate(PropertySnapshot, "the restored engine differs from the saved one: %s", stateDiff(a, b, ttl))
	}
}

// SecretIn returns the JSON path of a string of data that holds a secret, or
// "". The phone numbers of the run, which a snapshot keeps, may hold a
// secret's digits: only one equal to a secret counts.
func SecretIn(data []byte, secrets []string, phones ...string) string {
	var doc any
	if json.Unmarshal(data, &doc) != nil {
		return "(not JSON)"
	}
	var walk func(v any, at string) string
	walk = func(v any, at string) string {
		switch x := v.(type) {
		case string:
			for _, s := range secrets {
				if x == s || (!slices.Contains(phones, x) && strings.Contains(x, s)) {
					return at
				}
			}
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				if found := walk(k, at+"/key"); found != "" {
					return found
				}
				if found := walk(x[k], at+"/"+k); found != "" {
					return found
				}
			}
		case []any:
			for i, v := range x {
				if found := walk(v, at+"/"+strconv.Itoa(i)); found != "" {
					return found
				}
			}
		}
		return ""
	}
	if at := walk(doc, ""); at != "" {
		return at
	}
	return ""
}

// ageClass is what the engine can tell of a code's age: never sent, still
// valid, or expired.
func ageClass(sent bool, age, ttl time.Duration) byte {
	switch {
	case !sent:
		return '-'
	case age > ttl:
		return 'x'
	}
	return 'v'
}

// stateKey encodes a run state compactly; code ages are reduced to their
// class, which is all the engine reads of them.
func stateKey(b []byte, r hooks.RunState, ttl time.Duration, l *liveAt) []byte {
	if r.Outcome != "" {
		// nothing follows an end: its counters and inputs tell nothing apart
		b = append(b, "end "...)
		b = append(b, r.Outcome...)
		return append(append(b, ' '), r.Failure...)
	}
	b = append(b, r.State...)
	// The run-wide count of wrong codes decides nothing (each code has its
	// own count); settle checks that it never goes down.
	for _, n := range r.Counters[1:] {
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(n), 10)
	}
	for i := range r.CodeWrong {
		if l != nil && !l.code[i] {
			b = append(b, ",_"...)
			continue
		}
		b = append(b, ',', ageClass(r.CodeSent[i], r.CodeAge[i], ttl))
		b = strconv.AppendInt(b, int64(r.CodeWrong[i]), 10)
	}
	held := r.Held
	if l != nil {
		held &= l.held
	}
	b = append(b, ',', '0'+held, ',')
	if l == nil || l.trusted {
		b = append(b, r.Trusted...)
	}
	b = append(b, ',', '0'+byte(r.Attempt), ',')
	b = append(b, r.Resume...)
	b = append(b, ',')
	b = append(b, r.VerifyFor...)
	for _, f := range []bool{r.Unknown, r.Step7Unknown, r.AfterResend} {
		if f {
			b = append(b, 'T')
		} else {
			b = append(b, 'F')
		}
	}
	// No decision reads the 2316 warnings (they are reported with the
	// outcome), so Check leaves them out (l != nil): kept, their orders and
	// subsets would multiply the states some thirtyfold. Each state's own
	// warnings are still compared by its save and restore.
	if l == nil {
		for _, w := range r.Warnings {
			b = append(b, ';')
			b = append(b, w...)
		}
	}
	b = append(b, ',')
	b = append(b, r.Outcome...)
	b = append(b, ',')
	b = append(b, r.Failure...)
	if r.Other != "" {
		b = append(b, ',')
		b = append(b, r.Other...)
	}
	return b
}

// stateDiff names the parts of two run states that differ.
func stateDiff(a, b hooks.RunState, ttl time.Duration) string {
	var d []string
	add := func(name string, x, y any) {
		if fmt.Sprint(x) != fmt.Sprint(y) {
			d = append(d, fmt.Sprintf("%s %v, restored %v", name, x, y))
		}
	}
	add("state", a.State, b.State)
	add("counters", a.Counters, b.Counters)
	add("wrong codes", a.CodeWrong, b.CodeWrong)
	for i := range a.CodeSent {
		add(string(codePrompts[i])+" age", string(ageClass(a.CodeSent[i], a.CodeAge[i], ttl)), string(ageClass(b.CodeSent[i], b.CodeAge[i], ttl)))
	}
	add("phone held", a.Held, b.Held)
	add("trusted phone held", a.Trusted != "", b.Trusted != "")
	add("resume", a.Resume, b.Resume)
	add("unknown", a.Unknown, b.Unknown)
	add("verifyFor", a.VerifyFor, b.VerifyFor)
	add("step 7 unknown", a.Step7Unknown, b.Step7Unknown)
	add("afterResend", a.AfterResend, b.AfterResend)
	add("warnings", a.Warnings, b.Warnings)
	add("outcome", a.Outcome+a.Failure, b.Outcome+b.Failure)
	add("other fields", a.Other, b.Other)
	if len(d) == 0 {
		return "the trusted phone"
	}
	return strings.Join(d, "; ")
}

// Monitor checks, along one run, the properties of docs/contract.md §8 that
// a single run can break: the requests, the calls between waits, a loop
// back to the same state that spends no counter, unknown outcomes, blocked
// replies, counters, snapshots and the table's edges. Install Observer on
// the engine (at New and at every Restore), call Settle after each Advance,
// Deliver or Answer, and Restored after a restore; Err returns the first
// *PropertyError. The scenario runner uses one for every replay. A Monitor
// follows one run, made without WithPrefetch (a call made ahead of its
// state would look out of place); it is safe for concurrent use.
type Monitor struct {
	mu sync.Mutex
	m  monitor
	// seen: the states waited at since the user's last retry, with how many
	// times the backend had acted then.
	seen map[string]int
	last string
}

// NewMonitor returns a monitor for a run with these settings (the flow as
// given to New: auto is resolved from the SDK version) and limits (zero: the
// defaults).
func NewMonitor(s enrollfsm.Settings, l enrollfsm.Limits) *Monitor {
	return &Monitor{m: newMonitor(newMonitorSetup(s, l)), seen: map[string]int{}}
}

// Observer returns the observer to install on the engine.
func (mo *Monitor) Observer() enrollfsm.Observer {
	lock := func() func() { mo.mu.Lock(); return mo.mu.Unlock }
	return enrollfsm.Observer{
		Transition: func(t enrollfsm.Transition) { defer lock()(); mo.m.transition(t) },
		Call:       func(r enrollfsm.CallRecord) { defer lock()(); mo.m.call(r) },
		Answer:     func(a enrollfsm.Answer, err error) { defer lock()(); mo.m.answer(a, err) },
	}
}

// Settle checks the engine after an input: its counters and outcome, and,
// when it waits, that the run has not come back to a state it was in with
// the same counters, since the user's last retry, after the backend acted
// (a call other than a read succeeded).
func (mo *Monitor) Settle(e *enrollfsm.Engine) {
	mo.mu.Lock()
	defer mo.mu.Unlock()
	if mo.m.setup.err != nil {
		return
	}
	rs, _ := hooks.State(e)
	mo.m.settle(e, rs)
	if mo.m.retried {
		mo.m.retried = false
		clear(mo.seen)
	}
	if e.Next().Kind != enrollfsm.PendingPrompt {
		mo.last = ""
		return
	}
	m := mo.m
	m.burst = 0
	k := string(m.key(stateKey(nil, rs, mo.m.setup.limits.CodeTTL, nil), nil))
	if k == mo.last {
		return
	}
	if acted, ok := mo.seen[k]; ok && acted < mo.m.acted {
		mo.m.violate(PropertyEnd, "the run is back at %s with the same counters and inputs, and the backend acted in between: a loop that spends no bounded counter", rs.State)
	}
	mo.seen[k], mo.last = mo.m.acted, k
}

// Restored checks a restore: restored was made by enrollfsm.Restore from
// data, saved by saved.Snapshot.
func (mo *Monitor) Restored(saved, restored *enrollfsm.Engine, data []byte) {
	mo.mu.Lock()
	defer mo.mu.Unlock()
	if mo.m.setup.err != nil {
		return
	}
	mo.m.restored(saved, restored, data)
	clear(mo.seen)
	mo.last = ""
}

// Err returns the first property broken (a *PropertyError), a setup error
// (an unknown flow), or nil.
func (mo *Monitor) Err() error {
	mo.mu.Lock()
	defer mo.mu.Unlock()
	if mo.m.setup.err != nil {
		return mo.m.setup.err
	}
	if mo.m.err != nil {
		return mo.m.err
	}
	return nil
}
