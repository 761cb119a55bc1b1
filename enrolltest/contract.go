package enrolltest

import (
	"fmt"
	"strings"
	"time"

	"github.com/enrollfsm/enrollfsm"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/internal/core"
	"github.com/enrollfsm/enrollfsm/pims"
)

// The contract (docs/contract.md §2–§5), written a second time, here, from
// the contract's text: without packages flows or steps, without the
// engine's defaults, and of the engine's core only the bit layout of the
// state key Check shares with it (core.Live: which answers are live), never
// a state, an edge, a limit or a decision. The Oracle predicts every move of
// an engine from it, so a mistake in either shows as a disagreement.

// ContractLimits are the bounds of docs/contract.md §4, as the kit's own
// constants: an engine that runs with its defaults is judged against these.
func ContractLimits() enrollfsm.Limits {
	return enrollfsm.Limits{
		CodeAttempts: 3,
		Resends:      3,
		PINAttempts:  5,
		Removals:     1,
		ReadAttempts: 3,
		Backoff:      500 * time.Millisecond,
		CodeTTL:      10 * time.Minute,
	}
}

// ShortcutSDK is the first SDK version with the shortcut (§3): auto runs it
// from there on, full before.
var ShortcutSDK = [3]int{2, 1, 0}

// class is docs/contract.md §4's grouping of codes.
type class int

const (
	fatal class = iota // the default: unknown codes too
	transient
	rejected
	blocked
	warning
)

var classOf = map[pimserr.Code]class{
	2201: transient, 2202: transient, 2204: transient, 2314: transient,
	2308: rejected, 2102: rejected,
	2317: blocked, 2310: blocked,
	2316: warning,
}

// DocumentedCodes are every code the catalogue of §4 names.
var DocumentedCodes = []pimserr.Code{2001, 2006, 2101, 2102, 2201, 2202, 2204, 2308, 2309, 2310, 2311, 2312, 2313, 2314, 2316, 2317, 2344}

// answer names where a parameter's value comes from.
type answer int

const (
	fromPhone answer = iota + 1
	fromCertCode
	fromEnrollCode
	fromPIN // the latest pin or new_pin answer: one PIN is held at a time
	fromOldPIN
	fromVIN // given at start
	numAnswers
)

// secret reports whether a is a PIN or an SMS code, which a snapshot never
// keeps.
func (a answer) secret() bool { return a >= fromCertCode && a <= fromOldPIN }

// answerSource is where the value of each prompt goes.
var answerSource = map[enrollfsm.Prompt]answer{
	"phone_number": fromPhone, "certification_code": fromCertCode, "enrollment_code": fromEnrollCode,
	"pin": fromPIN, "new_pin": fromPIN, "old_pin": fromOldPIN,
}

// call is one row of docs/contract.md §2, with its class of rejection from
// §4. calls holds them by the tutorial's numbering, as CallRecord.Step has it.
type call struct {
	op    pims.Op
	api   string
	fixed map[string]string
	// answers maps each parameter to the answer it sends, in the order the
	// flow asks them (needs).
	answers map[string]answer
	needs   []answer
	iosCode bool // iOS adds smsCode, the enrollment code, first
	read    bool // retried in place on a transient failure
	enrolls bool // may enroll the device: an unknown outcome is verified first
	texts   bool // texts an SMS code: an interrupted one may have
	blames  enrollfsm.Prompt
	done    enrollfsm.Event // the event of a success with nothing to read
}

// sends returns the answers the call sends on platform p, in the order the
// flow asks them.
func (spec call) sends(p enrollfsm.Platform) []answer {
	if spec.iosCode && p == enrollfsm.IOS {
		return append([]answer{fromEnrollCode}, spec.needs...)
	}
	return spec.needs
}

// sendsSecret reports whether the call carries a PIN or a code on p.
func (spec call) sendsSecret(p enrollfsm.Platform) bool {
	for _, a := range spec.sends(p) {
		if a.secret() {
			return true
		}
	}
	return false
}

// request is the request docs/contract.md §2 gives for the call on
// platform p, its answers read through value; missing names a parameter no
// answer gave ("" when none is missing).
func (spec call) request(p enrollfsm.Platform, value func(answer) string) (want pims.Request, missing string) {
	params := map[string]string{}
	for k, v := range spec.fixed {
		params[k] = v
	}
	want = pims.Request{Op: spec.op, API: spec.api}
	answers := spec.answers
	if spec.iosCode && p == enrollfsm.IOS {
		answers = map[string]answer{"smsCode": fromEnrollCode}
		for k, v := range spec.answers {
			answers[k] = v
		}
	}
	for param, from := range answers {
		v := value(from)
		if v == "" {
			want.Params = pims.ParamsFrom(params)
			return want, param
		}
		params[param] = v
	}
	want.Params = pims.ParamsFrom(params)
	return want, ""
}

// matches reports, without building the request, whether got is exactly
// the request the call makes on platform p with these answers: Check's hot
// path, which explains a difference with request and Diff.
func (spec call) matches(p enrollfsm.Platform, value func(answer) string, got pims.Request) bool {
	n := len(spec.fixed) + len(spec.answers)
	iosCode := spec.iosCode && p == enrollfsm.IOS
	if iosCode {
		n++
	}
	if got.Op != spec.op || got.API != spec.api || got.Params.Len() != n {
		return false
	}
	for k, v := range spec.fixed {
		if x, ok := got.Params.Get(k); !ok || x != v {
			return false
		}
	}
	for k, a := range spec.answers {
		if x, ok := got.Params.Get(k); !ok || x == "" || x != value(a) {
			return false
		}
	}
	if iosCode {
		if x, ok := got.Params.Get("smsCode"); !ok || x == "" || x != value(fromEnrollCode) {
			return false
		}
	}
	return true
}

const (
	apiAccount  = "pims.authentication.account"
	apiPhone    = "pims.authentication.trustedphonenumber"
	apiSMS      = "pims.authentication.smscode"
	apiEnroll   = "pims.authentication.enrollment"
	apiPINCode  = "pims.authentication.pincode"
	apiVehicles = "pims.subscription.vehicle"
)

var calls = map[string]call{
	"1":  {op: pims.Get, api: apiAccount, fixed: kv("actionType", "strong", "type", "isDeviceActivated"), read: true},
	"2":  {op: pims.Get, api: apiAccount, fixed: kv("actionType", "strong", "type", "isAccountBlocked"), read: true},
	"3":  {op: pims.Get, api: apiPhone, read: true},
	"4a": {op: pims.Get, api: apiSMS, fixed: kv("type", "phoneNumberCertification"), answers: map[string]answer{"phoneNumber": fromPhone}, needs: []answer{fromPhone}, texts: true, blames: "phone_number", done: "certification_sms_sent"},
	"4.1": {op: pims.Set, api: apiEnroll, fixed: kv("action", "enrollWithPhoneNumber"), answers: map[string]answer{"pinCode": fromPIN, "smsCode": fromCertCode, "phoneNumber": fromPhone},
		needs: []answer{fromPhone, fromCertCode, fromPIN}, enrolls: true, blames: "certification_code", done: "device_enrolled"},
	"4.2": {op: pims.Set, api: apiSMS, fixed: kv("type", "addPhoneNumber"), answers: map[string]answer{"smsCode": fromCertCode, "phoneNumber": fromPhone}, needs: []answer{fromPhone, fromCertCode}, blames: "certification_code", done: "phone_number_added"},
	"5":   {op: pims.Get, api: apiSMS, fixed: kv("type", "enrollment"), texts: true, done: "enrollment_sms_sent"},
	"6":   {op: pims.Set, api: apiSMS, fixed: kv("action", "enrollment"), answers: map[string]answer{"smsCode": fromEnrollCode}, needs: []answer{fromEnrollCode}, blames: "enrollment_code"},
	"7":   {op: pims.Set, api: apiEnroll, fixed: kv("action", "enroll"), answers: map[string]answer{"pinCode": fromPIN}, needs: []answer{fromPIN}, iosCode: true, enrolls: true, blames: "new_pin", done: "pin_registered"},
	"8":   {op: pims.Set, api: apiEnroll, fixed: kv("action", "enroll"), answers: map[string]answer{"pinCode": fromPIN}, needs: []answer{fromPIN}, iosCode: true, enrolls: true, blames: "pin", done: "device_enrolled"},
	"A":   {op: pims.Set, api: apiEnroll, fixed: kv("action", "remove"), done: "enrollments_removed"},
	"B":   {op: pims.Set, api: apiPINCode, fixed: kv("action", "reset"), answers: map[string]answer{"pinCode": fromPIN, "smsCode": fromEnrollCode}, needs: []answer{fromEnrollCode, fromPIN}, blames: "new_pin", done: "pin_reset"},
	"C":   {op: pims.Set, api: apiPINCode, fixed: kv("action", "update"), answers: map[string]answer{"oldPIN": fromOldPIN, "newPIN": fromPIN}, needs: []answer{fromOldPIN, fromPIN}, blames: "old_pin", done: "pin_updated"},
	"D":   {op: pims.Set, api: apiSMS, fixed: kv("type", "modifyPhoneNumber"), answers: map[string]answer{"smsCode": fromCertCode, "phoneNumber": fromPhone}, needs: []answer{fromCertCode, fromPhone}, blames: "certification_code", done: "phone_number_modified"},
	"E":   {op: pims.Set, api: apiVehicles, fixed: kv("action", "removeProperty"), answers: map[string]answer{"vin": fromVIN}, needs: []answer{fromVIN}, done: "vehicle_removed"},
}

func kv(pairs ...string) map[string]string {
	m := map[string]string{}
	for i := 0; i+1 < len(pairs); i += 2 {
		m[pairs[i]] = pairs[i+1]
	}
	return m
}

// callOf is the call each calling state makes (docs/contract.md §3).
var callOf = map[enrollfsm.State]string{
	"checking_enrollment": "1", "verifying_enrollment": "1", "checking_account": "2",
	"checking_phone": "3", "removing_enrollments": "A", "requesting_certification_sms": "4a",
	"enrolling_with_phone_number": "4.1", "adding_phone_number": "4.2",
	"requesting_enrollment_sms": "5", "checking_pin": "6", "registering_pin": "7",
	"enrolling_device": "8", "resetting_pin": "B", "updating_pin": "C",
	"modifying_phone_number": "D", "removing_vehicle": "E",
}

// promptOf is the prompt each waiting state asks.
var promptOf = map[enrollfsm.State]enrollfsm.Prompt{
	"confirming_removal": "confirm_removal", "awaiting_phone_number": "phone_number",
	"awaiting_certification_code": "certification_code", "awaiting_enrollment_code": "enrollment_code",
	"awaiting_pin": "pin", "awaiting_new_pin": "new_pin", "awaiting_reset_pin": "new_pin",
	"awaiting_shortcut_pin": "new_pin", "awaiting_old_pin": "old_pin", "interrupted": "retry",
}

// codeIndex is the code a prompt asks: 0 the certification code, 1 the
// enrollment code, -1 none.
func codeIndex(p enrollfsm.Prompt) int {
	switch p {
	case "certification_code":
		return 0
	case "enrollment_code":
		return 1
	}
	return -1
}

func isPINPrompt(p enrollfsm.Prompt) bool { return p == "pin" || p == "new_pin" || p == "old_pin" }

func isTerminal(s enrollfsm.State) bool {
	return s == "enrolled" || s == "done" || s == "failed" || s == "cancelled"
}

// valueEvent and actionEvent: what an answer fires (docs/contract.md §3).
var valueEvent = map[enrollfsm.Prompt]enrollfsm.Event{
	"phone_number": "phone_number_given", "certification_code": "certification_code_given",
	"enrollment_code": "enrollment_code_given", "pin": "pin_given", "new_pin": "new_pin_given",
	"old_pin": "old_pin_given",
}

var actionEvent = map[enrollfsm.Action]enrollfsm.Event{
	"cancel": "cancel_requested", "resend": "resend_requested", "change_phone": "phone_change_requested",
	"forgot_pin": "pin_forgotten", "yes": "removal_confirmed", "no": "removal_declined",
}

// allActions are every action a user can try, offered or not.
var allActions = []enrollfsm.Action{"cancel", "resend", "change_phone", "forgot_pin", "retry", "yes", "no"}

// The declared edges, "source event destination", one per line, read from
// docs/contract.md §3 and §4. The generic families (every call, every
// prompt, retries, the moves of a restored run) are added by rules in
// newModel.
const (
	enrollStart = `
start begin checking_enrollment
checking_enrollment device_activated enrolled
checking_enrollment device_not_activated checking_account
checking_account account_not_blocked checking_phone
confirming_removal removal_confirmed removing_enrollments
confirming_removal removal_declined cancelled
removing_enrollments enrollments_removed checking_phone
checking_phone phone_present requesting_enrollment_sms
checking_phone phone_absent awaiting_phone_number`

	certify = `
awaiting_phone_number phone_number_given requesting_certification_sms
requesting_certification_sms certification_sms_sent awaiting_certification_code
requesting_certification_sms input_rejected awaiting_phone_number
awaiting_certification_code resend_requested requesting_certification_sms
awaiting_certification_code phone_change_requested awaiting_phone_number`

	// Steps 5–8 and B; forgot_pin is offered in both flows (decision 10).
	withCode = `
requesting_enrollment_sms enrollment_sms_sent awaiting_enrollment_code
awaiting_enrollment_code enrollment_code_given checking_pin
awaiting_enrollment_code resend_requested requesting_enrollment_sms
checking_pin pin_exists awaiting_pin
checking_pin pin_missing awaiting_new_pin
checking_pin input_rejected awaiting_enrollment_code
awaiting_pin pin_given enrolling_device
awaiting_pin pin_forgotten awaiting_reset_pin
awaiting_new_pin new_pin_given registering_pin
registering_pin pin_registered enrolling_device
registering_pin input_rejected awaiting_new_pin
enrolling_device device_enrolled enrolled
enrolling_device input_rejected awaiting_pin
enrolling_device device_maybe_enrolled verifying_enrollment
awaiting_reset_pin new_pin_given resetting_pin
resetting_pin pin_reset enrolling_device
resetting_pin input_rejected awaiting_reset_pin
verifying_enrollment device_activated enrolled`

	fullOnly = `
awaiting_certification_code certification_code_given adding_phone_number
adding_phone_number phone_number_added requesting_enrollment_sms
adding_phone_number input_rejected awaiting_certification_code`

	shortcutOnly = `
awaiting_certification_code certification_code_given awaiting_shortcut_pin
awaiting_shortcut_pin new_pin_given enrolling_with_phone_number
enrolling_with_phone_number device_enrolled enrolled
enrolling_with_phone_number input_rejected awaiting_certification_code`

	removeEnrollments = `
start begin removing_enrollments
removing_enrollments enrollments_removed done`

	// reset_pin has an awaiting_pin state for a refused step 8 (decision 11).
	resetPIN = `
start begin checking_enrollment
checking_enrollment device_activated requesting_enrollment_sms
checking_enrollment device_not_activated failed
requesting_enrollment_sms enrollment_sms_sent awaiting_enrollment_code
awaiting_enrollment_code enrollment_code_given awaiting_new_pin
awaiting_enrollment_code resend_requested requesting_enrollment_sms
awaiting_new_pin new_pin_given resetting_pin
resetting_pin pin_reset enrolling_device
resetting_pin input_rejected awaiting_new_pin
enrolling_device device_enrolled done
enrolling_device input_rejected awaiting_pin
awaiting_pin pin_given enrolling_device
verifying_enrollment device_activated done`

	updatePIN = `
start begin checking_enrollment
checking_enrollment device_activated awaiting_old_pin
checking_enrollment device_not_activated failed
awaiting_old_pin old_pin_given awaiting_new_pin
awaiting_new_pin new_pin_given updating_pin
updating_pin pin_updated done
updating_pin input_rejected awaiting_old_pin`

	modifyPhone = `
start begin checking_enrollment
checking_enrollment device_activated checking_phone
checking_enrollment device_not_activated failed
checking_phone phone_present awaiting_phone_number
checking_phone phone_absent failed
awaiting_certification_code certification_code_given modifying_phone_number
modifying_phone_number phone_number_modified done
modifying_phone_number input_rejected awaiting_certification_code`

	removeVehicle = `
start begin removing_vehicle
removing_vehicle vehicle_removed done`
)

// edge is a (source, event) pair.
type edge struct {
	src enrollfsm.State
	ev  enrollfsm.Event
}

// model is one flow's reference table.
type model struct {
	flow       enrollfsm.Flow
	enrollment bool // a blocked account leads to removal, not failure
	next       map[edge]enrollfsm.State
	states     map[enrollfsm.State]bool
	// fails names the failure of an edge to failed other than call_failed.
	fails map[edge]pimserr.Failure
	// refusedAt is where a refusal of each calling state's answer leads.
	refusedAt map[enrollfsm.State]enrollfsm.State
	// askedAt is the one waiting state that asks each secret, when one does.
	askedAt map[answer]enrollfsm.State
}

var models = map[enrollfsm.Flow]*model{
	"full":               newModel("full", true, enrollStart, certify, withCode, fullOnly),
	"shortcut":           newModel("shortcut", true, enrollStart, certify, withCode, shortcutOnly),
	"remove_enrollments": newModel("remove_enrollments", false, removeEnrollments),
	"reset_pin":          newModel("reset_pin", false, resetPIN),
	"update_pin":         newModel("update_pin", false, updatePIN),
	"modify_phone":       newModel("modify_phone", false, modifyPhone, certify),
	"remove_vehicle":     newModel("remove_vehicle", false, removeVehicle),
}

func newModel(flow enrollfsm.Flow, inEnrollment bool, blocks ...string) *model {
	m := &model{flow: flow, enrollment: inEnrollment, next: map[edge]enrollfsm.State{},
		states: map[enrollfsm.State]bool{}, fails: map[edge]pimserr.Failure{},
		refusedAt: map[enrollfsm.State]enrollfsm.State{}, askedAt: map[answer]enrollfsm.State{}}
	add := func(src enrollfsm.State, ev enrollfsm.Event, dst enrollfsm.State) {
		if old, dup := m.next[edge{src, ev}]; dup && old != dst {
			panic(fmt.Sprintf("enrolltest model %s: %s at %s goes to %s and %s", flow, ev, src, old, dst))
		}
		m.next[edge{src, ev}] = dst
		m.states[src], m.states[dst] = true, true
	}
	for _, b := range blocks {
		for _, line := range strings.Split(strings.TrimSpace(b), "\n") {
			f := strings.Fields(line)
			add(enrollfsm.State(f[0]), enrollfsm.Event(f[1]), enrollfsm.State(f[2]))
		}
	}
	m.fails[edge{"checking_enrollment", "device_not_activated"}] = pimserr.FailureNotEnrolled
	m.fails[edge{"checking_phone", "phone_absent"}] = pimserr.FailureNoPhoneNumber
	for e := range m.fails {
		if m.next[e] != "failed" {
			delete(m.fails, e)
		}
	}
	// §3–§4: every call can be interrupted or fail; in an enrollment a
	// blocked account leads to removal, except at the removal itself
	// (decision 8); a read is retried in place; every prompt can be
	// cancelled; interrupted retries any call, through verifying_enrollment
	// for an enrollment call whose outcome is unknown.
	var callStates, enrolling []enrollfsm.State
	for s := range m.states {
		id, ok := callOf[s]
		if !ok {
			continue
		}
		callStates = append(callStates, s)
		add(s, "call_interrupted", "interrupted")
		add(s, "call_failed", "failed")
		if m.enrollment && id != "A" {
			add(s, "removal_required", "confirming_removal")
			add(s, "removal_authorised", "removing_enrollments")
		}
		if calls[id].read {
			add(s, "read_retried", s)
		}
		if calls[id].enrolls {
			enrolling = append(enrolling, s)
		}
		if dst, ok := m.next[edge{s, "input_rejected"}]; ok {
			m.refusedAt[s] = dst
		}
	}
	for _, s := range callStates {
		add("interrupted", enrollfsm.Event("retry_"+s), s)
	}
	if len(enrolling) > 0 {
		add("interrupted", "verify_requested", "verifying_enrollment")
		for _, s := range enrolling {
			add("verifying_enrollment", enrollfsm.Event("resume_"+s), s)
		}
	}
	for s := range m.states {
		if p, ok := promptOf[s]; ok {
			add(s, "cancel_requested", "cancelled")
			if a, ok := answerSource[p]; ok && a != fromPIN {
				m.askedAt[a] = s
			}
		}
	}
	// §5: a restored run holds no PIN and no code. From interrupted, a call
	// whose answers it lost goes to where their refusal leads (and from
	// verifying_enrollment, for a call that may enroll); the count of an
	// answer whose reply never came can fail the run; and a prompt whose
	// next call needs a code or PIN it does not give goes to the prompt
	// that does.
	lost := false
	for _, s := range callStates {
		spec := calls[callOf[s]]
		if !spec.sendsSecret(enrollfsm.Android) && !spec.sendsSecret(enrollfsm.IOS) {
			continue
		}
		dst := m.refusedAt[s]
		add("interrupted", enrollfsm.Event("answers_lost_"+s), dst)
		if spec.enrolls {
			add("verifying_enrollment", enrollfsm.Event("answers_lost_"+s), dst)
		}
		lost = true
	}
	if lost {
		add("interrupted", "attempts_exhausted", "failed")
		m.fails[edge{"interrupted", "attempts_exhausted"}] = pimserr.FailureTooManyAttempts
	}
	for s := range m.states {
		if dst, ok := m.asker(s, enrollfsm.IOS); ok {
			add(s, "answer_lost", dst)
		}
	}
	return m
}

// valueTarget is where a value answer at waiting state s leads.
func (m *model) valueTarget(s enrollfsm.State) (enrollfsm.State, bool) {
	ev, ok := valueEvent[promptOf[s]]
	if !ok {
		return "", false
	}
	dst, ok := m.next[edge{s, ev}]
	return dst, ok
}

// asker is, for waiting state s, the state that asks the first PIN or code
// the call its value leads to sends on platform p, other than s's own
// answer: where a restored run goes when it lacks it.
func (m *model) asker(s enrollfsm.State, p enrollfsm.Platform) (enrollfsm.State, bool) {
	dst, ok := m.valueTarget(s)
	if !ok {
		return "", false
	}
	id, calling := callOf[dst]
	if !calling {
		return "", false
	}
	own := answerSource[promptOf[s]]
	for _, a := range calls[id].sends(p) {
		if a.secret() && a != own {
			at, ok := m.askedAt[a]
			return at, ok
		}
	}
	return "", false
}

// target returns where ev leads from src.
func (m *model) target(src enrollfsm.State, ev enrollfsm.Event) (enrollfsm.State, bool) {
	dst, ok := m.next[edge{src, ev}]
	return dst, ok
}

// modelFor returns the model of a resolved flow.
func modelFor(f enrollfsm.Flow) (*model, bool) {
	m, ok := models[f]
	return m, ok
}

// resolveFlow picks full or shortcut for auto from the SDK version
// (docs/contract.md §3: the shortcut from 2.1.0 on), independently of the
// engine.
func resolveFlow(f enrollfsm.Flow, sdk string) enrollfsm.Flow {
	if f != "auto" {
		return f
	}
	if sdk == "" || versionAtLeast(sdk, ShortcutSDK) {
		return "shortcut"
	}
	return "full"
}

func versionAtLeast(v string, min [3]int) bool {
	var got [3]int
	core, _, _ := strings.Cut(strings.TrimPrefix(strings.TrimSpace(v), "v"), "-")
	for i, part := range strings.SplitN(core, ".", 3) {
		if _, err := fmt.Sscanf(part, "%d", &got[i]); err != nil {
			return false
		}
	}
	for i := range got {
		if got[i] != min[i] {
			return got[i] > min[i]
		}
	}
	return true
}

// liveness says, at each state of the model, which answers held and which
// codes' counts may still decide how the run goes on: an answer some call
// may send before a prompt asks it again (or a phone change forgets it), a
// code whose prompt, or a call whose refusal counts against it, may come
// before a new one is texted. interrupted and verifying_enrollment go on by
// the call they keep, so each is a node per kept call (liveKey). Check
// leaves the rest out of its keys.
func (m *model) liveness(p enrollfsm.Platform) map[string]core.Live {
	bit := func(a answer) core.Live { return 1 << int(a-fromPhone) }
	gen := func(s enrollfsm.State) core.Live {
		var l core.Live
		if id, ok := callOf[s]; ok {
			for _, a := range calls[id].sends(p) {
				if a >= fromPhone && a <= fromOldPIN {
					l |= bit(a)
				}
			}
			if i := codeIndex(calls[id].blames); i >= 0 {
				l |= core.LiveCertSlot << i
			}
		}
		if i := codeIndex(promptOf[s]); i >= 0 {
			l |= core.LiveCertSlot << i
		}
		return l
	}
	kill := func(src enrollfsm.State, ev enrollfsm.Event) core.Live {
		var l core.Live
		if a, ok := answerSource[promptOf[src]]; ok && valueEvent[promptOf[src]] == ev {
			l |= bit(a)
		}
		switch ev {
		case "phone_change_requested":
			l |= bit(fromCertCode)
		case "certification_sms_sent":
			l |= core.LiveCertSlot
		case "enrollment_sms_sent":
			l |= core.LiveEnrollSlot
		}
		return l
	}
	// The graph with interrupted and verifying_enrollment split by the call
	// they keep: an edge from node u to node v that kills some items.
	type arc struct {
		u, v string
		kill core.Live
	}
	var arcs []arc
	nodes := map[string]enrollfsm.State{}
	node := func(s enrollfsm.State, kept string) string {
		n := liveKey(s, kept)
		nodes[n] = s
		return n
	}
	for e, dst := range m.next {
		if e.src == "interrupted" || e.src == "verifying_enrollment" {
			continue // below, per kept call
		}
		k := kill(e.src, e.ev)
		from := node(e.src, "")
		switch {
		case dst == "interrupted":
			arcs = append(arcs, arc{from, node(dst, string(e.src)), k})
		case dst == "verifying_enrollment":
			arcs = append(arcs, arc{from, node(dst, string(e.src)), k})
		default:
			arcs = append(arcs, arc{from, node(dst, ""), k})
		}
	}
	// interrupted@c, for every call c (and for the verification of each
	// enrollment call v, interrupted@verifying_enrollment@v)
	kept := func(via string) []string {
		var out []string
		for e := range m.next {
			if e.src == "interrupted" && strings.HasPrefix(string(e.ev), "retry_") {
				out = append(out, strings.TrimPrefix(string(e.ev), "retry_"))
			}
		}
		return out
	}
	for _, c := range kept("") {
		in := node("interrupted", c)
		target := c
		if c == "verifying_enrollment" {
			continue
		}
		for e, dst := range m.next {
			if e.src != "interrupted" {
				continue
			}
			ev := string(e.ev)
			switch {
			case ev == "retry_"+target:
				arcs = append(arcs, arc{in, node(dst, ""), 0})
			case ev == "answers_lost_"+target:
				arcs = append(arcs, arc{in, node(dst, ""), 0})
			case ev == "verify_requested" && calls[callOf[enrollfsm.State(target)]].enrolls:
				arcs = append(arcs, arc{in, node(dst, target), 0})
			case ev == "cancel_requested", ev == "attempts_exhausted":
				arcs = append(arcs, arc{in, node(dst, ""), 0})
			}
		}
	}
	for e, dst := range m.next {
		if e.src != "verifying_enrollment" {
			continue
		}
		for _, v := range kept("") {
			if !calls[callOf[enrollfsm.State(v)]].enrolls {
				continue
			}
			from := node("verifying_enrollment", v)
			ev := string(e.ev)
			switch {
			case ev == "resume_"+v, ev == "answers_lost_"+v:
				arcs = append(arcs, arc{from, node(dst, ""), 0})
			case strings.HasPrefix(ev, "resume_"), strings.HasPrefix(ev, "answers_lost_"):
			case dst == "interrupted":
				// the verification interrupted: its retry verifies v again
				in := node("interrupted", "verifying_enrollment@"+v)
				arcs = append(arcs, arc{from, in, 0})
				for e2, d2 := range m.next {
					switch {
					case e2.src == "interrupted" && e2.ev == "retry_verifying_enrollment":
						arcs = append(arcs, arc{in, node(d2, v), 0})
					case e2.src == "interrupted" && (e2.ev == "cancel_requested" || e2.ev == "attempts_exhausted"):
						arcs = append(arcs, arc{in, node(d2, ""), 0})
					}
				}
			default:
				arcs = append(arcs, arc{from, node(dst, ""), 0})
			}
		}
	}
	live := map[string]core.Live{}
	for n, s := range nodes {
		live[n] = gen(s)
		if s == "verifying_enrollment" {
			live[n] = 0 // call 1 sends nothing
		}
	}
	for changed := true; changed; {
		changed = false
		for _, a := range arcs {
			if add := live[a.v] &^ a.kill &^ live[a.u]; add != 0 {
				live[a.u] |= add
				changed = true
			}
		}
	}
	return live
}

// liveKey names a node of liveness: a state, and for interrupted and
// verifying_enrollment the call they keep.
func liveKey(s enrollfsm.State, kept string) string {
	if (s == "interrupted" || s == "verifying_enrollment") && kept != "" {
		return string(s) + "@" + kept
	}
	return string(s)
}

// liveAt is liveness at the model's state st.
func (j *judge) liveAt(st *state) core.Live {
	switch st.cur {
	case "interrupted":
		kept := string(st.resume)
		if st.resume == "verifying_enrollment" {
			kept += "@" + string(st.verifyFor)
		}
		if l, ok := j.live[liveKey(st.cur, kept)]; ok {
			return l
		}
		return core.LiveAll
	case "verifying_enrollment":
		if l, ok := j.live[liveKey(st.cur, string(st.verifyFor))]; ok {
			return l
		}
		return core.LiveAll
	}
	if l, ok := j.live[string(st.cur)]; ok {
		return l
	}
	return core.LiveAll
}
