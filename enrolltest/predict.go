package enrolltest

import (
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/enrollfsm/enrollfsm"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/pims"
)

// class is docs/contract.md §4's grouping of codes, written again here.
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

func isCodePrompt(p enrollfsm.Prompt) bool {
	return p == "certification_code" || p == "enrollment_code"
}

func isPINPrompt(p enrollfsm.Prompt) bool { return p == "pin" || p == "new_pin" || p == "old_pin" }

// predict is the event the reply to call id must cause (docs/contract.md §4 and
// docs/decisions.md 7, 8, 9, 13, 14, 16 and 17).
func (c *Checker) predict(id string, spec call, rec enrollfsm.CallRecord) expectation {
	why := "reply to step " + id
	bad := expectation{event: "call_failed", failure: pimserr.FailureBadReply, why: why + " is malformed"}
	if rec.Err != nil {
		var pe *pimserr.ProtocolError
		if errors.As(rec.Err, &pe) {
			return bad
		}
		return expectation{event: "call_interrupted", unknown: spec.enrolls, why: "no reply to step " + id}
	}
	msg := rec.Reply
	switch {
	case msg.Status == pims.Succeeded:
		return c.success(id, spec, msg.Result, why)
	case msg.Status != pims.Failed, msg.Error == nil, msg.Error.Code == 0:
		return bad
	}
	code := pimserr.Code(msg.Error.Code)
	why += " " + code.String()
	cl := classOf[code]
	if cl == warning && (spec.read || id == "6") {
		cl = transient // the engine needs a result that 2316 does not carry
	}
	switch cl {
	case warning:
		e := c.success(id, spec, nil, why)
		e.warning = e.event != "call_failed"
		return e
	case transient:
		if spec.read && c.attempt < c.limits.ReadAttempts {
			return expectation{event: "read_retried", why: why}
		}
		return expectation{event: "call_interrupted", unknown: spec.enrolls && code == pimserr.CodeTimeout, why: why}
	case rejected:
		p := spec.blames
		switch {
		case p == "":
			return expectation{event: "call_failed", failure: pimserr.FailureCode(code), why: why + " at a call without user input"}
		case isPINPrompt(p) && c.wrongPINs+1 >= c.limits.PINAttempts,
			isCodePrompt(p) && c.codeWrong[p]+1 >= c.limits.CodeAttempts && c.resends >= c.limits.Resends:
			return expectation{event: "call_failed", failure: pimserr.FailureTooManyAttempts, why: why + ", the last attempt"}
		}
		return expectation{event: "input_rejected", why: why}
	case blocked:
		if id == "8" && code == pimserr.CodeForbidden && c.after7Resent {
			return expectation{event: "device_maybe_enrolled", unknown: true, why: why + " right after a resent step 7, which may have enrolled the device"}
		}
		if c.model.enrollment && id == "A" {
			return expectation{event: "call_failed", failure: pimserr.FailureAccountLocked, why: why + " at the removal itself"}
		}
		return c.blockedEvent(code, why)
	}
	return expectation{event: "call_failed", failure: pimserr.FailureCode(code), why: why}
}

// blockedEvent is what a blocked account leads to: removal in an enrollment
// (automatic or asked, within Limits.Removals), failure in an operation.
func (c *Checker) blockedEvent(code pimserr.Code, why string) expectation {
	switch {
	case !c.model.enrollment:
		return expectation{event: "call_failed", failure: pimserr.FailureCode(code), why: why + " in an account operation"}
	case c.removals >= c.limits.Removals:
		return expectation{event: "call_failed", failure: pimserr.FailureAccountLocked, why: why + " with no removal left"}
	case c.settings.AutoRemove:
		return expectation{event: "removal_authorised", why: why + " with automatic removal"}
	}
	return expectation{event: "removal_required", why: why}
}

// success reads a SUCCEEDED reply's result as docs/contract.md §2 and §7 describe.
func (c *Checker) success(id string, spec call, result map[string]any, why string) expectation {
	bad := expectation{event: "call_failed", failure: pimserr.FailureBadReply, why: why + ": result unreadable"}
	ok := func(ev enrollfsm.Event) expectation { return expectation{event: ev, why: why} }
	switch id {
	case "1":
		v, readable := boolOf(result, "isDeviceActivated")
		switch {
		case !readable:
			return bad
		case c.cur == "verifying_enrollment" && !v && c.verifyFor == "":
			return bad
		case c.cur == "verifying_enrollment" && !v:
			return ok(enrollfsm.Event("resume_" + c.verifyFor))
		case v:
			return ok("device_activated")
		}
		return ok("device_not_activated")
	case "2":
		switch blockStatus(result) {
		case "NotBlocked":
			return ok("account_not_blocked")
		case "AccountBlocked", "PINBlocked":
			return c.blockedEvent(pimserr.CodeAccountBlocked, why+": account blocked")
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
					return ok("phone_present")
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

// lowerASCII is v in lower case when it is all ASCII, "" otherwise: a
// spelling in any ASCII case, never another alphabet's letter that lower-cases
// to an ASCII one (decision 80).
func lowerASCII(v string) string {
	for i := 0; i < len(v); i++ {
		if v[i] >= utf8.RuneSelf {
			return ""
		}
	}
	return strings.ToLower(v)
}

func boolOf(result map[string]any, key string) (bool, bool) {
	switch v := result[key].(type) {
	case bool:
		return v, true
	case string:
		switch lowerASCII(v) {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	}
	return false, false
}

// blockStatus: the three names in any ASCII case, and the booleans (docs/contract.md §7).
func blockStatus(result map[string]any) string {
	switch v := result["isAccountBlocked"].(type) {
	case bool:
		if v {
			return "AccountBlocked"
		}
		return "NotBlocked"
	case string:
		switch lowerASCII(v) {
		case "notblocked", "false":
			return "NotBlocked"
		case "accountblocked", "true":
			return "AccountBlocked"
		case "pinblocked":
			return "PINBlocked"
		}
	}
	return ""
}
