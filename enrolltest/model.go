package enrolltest

import (
	"fmt"
	"strings"

	"github.com/enrollfsm/enrollfsm"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/pims"
)

// The reference model: docs/contract.md §2–§4 and docs/decisions.md written a second
// time, compactly, without packages flows and steps. The Checker compares
// every move of the engine with it, so a mistake in either shows as a
// disagreement.

// answer names where a parameter's value comes from.
type answer int

const (
	fromPhone answer = iota + 1
	fromCertCode
	fromEnrollCode
	fromPIN // the latest pin or new_pin answer: one PIN is held at a time
	fromOldPIN
	fromVIN // given at start
)

// call is one row of docs/contract.md §2, with its class of rejection from §4. calls
// holds them by the tutorial's numbering, as CallRecord.Step has it.
type call struct {
	op      pims.Op
	api     string
	fixed   map[string]string
	answers map[string]answer
	iosCode bool // iOS adds smsCode, the enrollment code
	read    bool // retried in place on a transient failure
	enrolls bool // may enroll the device: an unknown outcome is verified first
	blames  enrollfsm.Prompt
	done    enrollfsm.Event // the event of a success with nothing to read
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

const (
	apiAccount  = "pims.authentication.account"
	apiPhone    = "pims.authentication.trustedphonenumber"
	apiSMS      = "pims.authentication.smscode"
	apiEnroll   = "pims.authentication.enrollment"
	apiPINCode  = "pims.authentication.pincode"
	apiVehicles = "pims.subscription.vehicle"
)

var calls = map[string]call{
	"1":   {op: pims.Get, api: apiAccount, fixed: kv("actionType", "strong", "type", "isDeviceActivated"), read: true},
	"2":   {op: pims.Get, api: apiAccount, fixed: kv("actionType", "strong", "type", "isAccountBlocked"), read: true},
	"3":   {op: pims.Get, api: apiPhone, read: true},
	"4a":  {op: pims.Get, api: apiSMS, fixed: kv("type", "phoneNumberCertification"), answers: map[string]answer{"phoneNumber": fromPhone}, blames: "phone_number", done: "certification_sms_sent"},
	"4.1": {op: pims.Set, api: apiEnroll, fixed: kv("action", "enrollWithPhoneNumber"), answers: map[string]answer{"pinCode": fromPIN, "smsCode": fromCertCode, "phoneNumber": fromPhone}, enrolls: true, blames: "certification_code", done: "device_enrolled"},
	"4.2": {op: pims.Set, api: apiSMS, fixed: kv("type", "addPhoneNumber"), answers: map[string]answer{"smsCode": fromCertCode, "phoneNumber": fromPhone}, blames: "certification_code", done: "phone_number_added"},
	"5":   {op: pims.Get, api: apiSMS, fixed: kv("type", "enrollment"), done: "enrollment_sms_sent"},
	"6":   {op: pims.Set, api: apiSMS, fixed: kv("action", "enrollment"), answers: map[string]answer{"smsCode": fromEnrollCode}, blames: "enrollment_code"},
	"7":   {op: pims.Set, api: apiEnroll, fixed: kv("action", "enroll"), answers: map[string]answer{"pinCode": fromPIN}, iosCode: true, enrolls: true, blames: "new_pin", done: "pin_registered"},
	"8":   {op: pims.Set, api: apiEnroll, fixed: kv("action", "enroll"), answers: map[string]answer{"pinCode": fromPIN}, iosCode: true, enrolls: true, blames: "pin", done: "device_enrolled"},
	"A":   {op: pims.Set, api: apiEnroll, fixed: kv("action", "remove"), done: "enrollments_removed"},
	"B":   {op: pims.Set, api: apiPINCode, fixed: kv("action", "reset"), answers: map[string]answer{"pinCode": fromPIN, "smsCode": fromEnrollCode}, blames: "new_pin", done: "pin_reset"},
	"C":   {op: pims.Set, api: apiPINCode, fixed: kv("action", "update"), answers: map[string]answer{"oldPIN": fromOldPIN, "newPIN": fromPIN}, blames: "old_pin", done: "pin_updated"},
	"D":   {op: pims.Set, api: apiSMS, fixed: kv("type", "modifyPhoneNumber"), answers: map[string]answer{"smsCode": fromCertCode, "phoneNumber": fromPhone}, blames: "certification_code", done: "phone_number_modified"},
	"E":   {op: pims.Set, api: apiVehicles, fixed: kv("action", "removeProperty"), answers: map[string]answer{"vin": fromVIN}, done: "vehicle_removed"},
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

// The declared edges, "source event destination", one per line, read from
// docs/contract.md §3 and §4. The generic families (every call, every prompt, retries)
// are added by rules in newModel.
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
		states: map[enrollfsm.State]bool{}, fails: map[edge]pimserr.Failure{}}
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
	// docs/contract.md §3–§4: every call can be interrupted or fail; in an enrollment a
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
	}
	for _, s := range callStates {
		add("interrupted", enrollfsm.Event("retry_"+s), s)
	}
	if len(enrolling) > 0 {
		// verifying_enrollment is a call of its own: its generic edges came above.
		add("interrupted", "verify_requested", "verifying_enrollment")
		for _, s := range enrolling {
			add("verifying_enrollment", enrollfsm.Event("resume_"+s), s)
		}
	}
	for s := range m.states {
		if _, ok := promptOf[s]; ok {
			add(s, "cancel_requested", "cancelled")
		}
	}
	return m
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

// resolveFlow picks full or shortcut for auto from the SDK version (docs/contract.md
// §3: the shortcut from 2.1.0 on), independently of the engine.
func resolveFlow(f enrollfsm.Flow, sdk string) enrollfsm.Flow {
	if f != "auto" {
		return f
	}
	if sdk == "" || versionAtLeast(sdk, 2, 1) {
		return "shortcut"
	}
	return "full"
}

func versionAtLeast(v string, major, minor int) bool {
	var maj, min int
	v = strings.TrimPrefix(strings.TrimSpace(v), "v")
	if _, err := fmt.Sscanf(v, "%d.%d", &maj, &min); err != nil {
		if _, err := fmt.Sscanf(v, "%d", &maj); err != nil {
			return false
		}
	}
	return maj > major || (maj == major && min >= minor)
}
