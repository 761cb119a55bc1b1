package simulator

import (
	"fmt"

	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/pims"
)

// The facade APIs the server knows.
const (
	APIAccount      = "pims.authentication.account"
	APITrustedPhone = "pims.authentication.trustedphonenumber"
	APISMSCode      = "pims.authentication.smscode"
	APIEnrollment   = "pims.authentication.enrollment"
	APIPINCode      = "pims.authentication.pincode"
	APIVehicle      = "pims.subscription.vehicle"
)

// route is one call of the tutorial: the (op, API) pair, the parameter that
// tells it from its siblings (key=value), and the other parameters it needs.
type route struct {
	op       pims.Op
	api      string
	key      string // discriminating parameter; "" for an API with a single call
	value    string
	required []string // besides key
	iOSOnly  []string // required on iOS, unexpected on Android
	handle   func(s *Simulator, p map[string]string) (map[string]any, pimserr.Code)
}

var routes = []route{
	{op: pims.Get, api: APIAccount, key: "type", value: "isDeviceActivated", required: []string{"actionType"}, handle: (*Simulator).isDeviceActivated},
	{op: pims.Get, api: APIAccount, key: "type", value: "isAccountBlocked", required: []string{"actionType"}, handle: (*Simulator).isAccountBlocked},
	{op: pims.Get, api: APITrustedPhone, handle: (*Simulator).trustedPhone},
	{op: pims.Get, api: APISMSCode, key: "type", value: KindCertification, required: []string{"phoneNumber"}, handle: (*Simulator).sendCertificationCode},
	{op: pims.Get, api: APISMSCode, key: "type", value: KindEnrollment, handle: (*Simulator).sendEnrollmentCode},
	{op: pims.Set, api: APIEnrollment, key: "action", value: "enrollWithPhoneNumber", required: []string{"pinCode", "smsCode", "phoneNumber"}, handle: (*Simulator).enrollWithPhoneNumber},
	{op: pims.Set, api: APIEnrollment, key: "action", value: "enroll", required: []string{"pinCode"}, iOSOnly: []string{"smsCode"}, handle: (*Simulator).enroll},
	{op: pims.Set, api: APIEnrollment, key: "action", value: "remove", handle: (*Simulator).removeEnrollments},
	{op: pims.Set, api: APISMSCode, key: "type", value: "addPhoneNumber", required: []string{"smsCode", "phoneNumber"}, handle: (*Simulator).addPhoneNumber},
	{op: pims.Set, api: APISMSCode, key: "type", value: "modifyPhoneNumber", required: []string{"smsCode", "phoneNumber"}, handle: (*Simulator).modifyPhoneNumber},
	{op: pims.Set, api: APISMSCode, key: "action", value: "enrollment", required: []string{"smsCode"}, handle: (*Simulator).checkEnrollmentCode},
	{op: pims.Set, api: APIPINCode, key: "action", value: "reset", required: []string{"pinCode", "smsCode"}, handle: (*Simulator).resetPIN},
	{op: pims.Set, api: APIPINCode, key: "action", value: "update", required: []string{"oldPIN", "newPIN"}, handle: (*Simulator).updatePIN},
	{op: pims.Set, api: APIVehicle, key: "action", value: "removeProperty", required: []string{"vin"}, handle: (*Simulator).removeVehicle},
}

// formats checks the values of the parameters that carry one; a value that
// fails is answered 2102.
var formats = map[string]func(string) bool{
	"actionType":  func(v string) bool { return v == "strong" },
	"phoneNumber": validPhone,
	"smsCode":     func(v string) bool { return digits(v, 4, 8) },
	"pinCode":     func(v string) bool { return digits(v, 4, 8) },
	"oldPIN":      func(v string) bool { return digits(v, 4, 8) },
	"newPIN":      func(v string) bool { return digits(v, 4, 8) },
	"vin":         validVIN,
}

// reply is the server's own answer to req: parameter checks, then the call's
// rules. Called with s.mu held.
func (s *Simulator) reply(txID string, req pims.Request) pims.Message {
	rt, code := s.match(req)
	params := req.Params.Map()
	if code == 0 {
		code = s.checkParams(rt, params)
	}
	if code != 0 {
		return pims.Failure(txID, code)
	}
	result, code := rt.handle(s, params)
	if code != 0 {
		return pims.Failure(txID, code)
	}
	return pims.Success(txID, result)
}

// match finds the call: an unknown API or operation, or an unknown value of
// the discriminating parameter, is 2102; no discriminating parameter, 2101.
func (s *Simulator) match(req pims.Request) (route, pimserr.Code) {
	var candidates []route
	for _, rt := range routes {
		if rt.op == req.Op && rt.api == req.API {
			candidates = append(candidates, rt)
		}
	}
	if len(candidates) == 0 {
		return route{}, pimserr.CodeInvalidParameter
	}
	// Keys in table order: set smscode is told apart by type or by action.
	var keys []string
	for _, rt := range candidates {
		if rt.key == "" {
			return rt, 0
		}
		if !contains(keys, rt.key) {
			keys = append(keys, rt.key)
		}
	}
	for _, k := range keys {
		v, ok := req.Params.Get(k)
		if !ok {
			continue
		}
		for _, rt := range candidates {
			if rt.key == k && rt.value == v {
				return rt, 0
			}
		}
		return route{}, pimserr.CodeInvalidParameter
	}
	return route{}, pimserr.CodeMissingParameter
}

// checkParams: a missing parameter is 2101; then a malformed value, or an
// unexpected parameter when strict, is 2102.
func (s *Simulator) checkParams(rt route, p map[string]string) pimserr.Code {
	required := rt.required
	if s.platform == IOS {
		required = append(required[:len(required):len(required)], rt.iOSOnly...)
	}
	for _, k := range required {
		if _, ok := p[k]; !ok {
			return pimserr.CodeMissingParameter
		}
	}
	for _, k := range required {
		if ok := formats[k]; ok != nil && !ok(p[k]) {
			return pimserr.CodeInvalidParameter
		}
	}
	if s.strict {
		for k := range p {
			if k != rt.key && !contains(required, k) {
				return pimserr.CodeInvalidParameter
			}
		}
	}
	return 0
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// validPhone: an optional leading "+" and 6 to 15 digits.
func validPhone(v string) bool {
	if len(v) > 0 && v[0] == '+' {
		v = v[1:]
	}
	return digits(v, 6, 15)
}

// validVIN: 17 characters of A–Z and 0–9 without I, O and Q (ISO 3779).
func validVIN(v string) bool {
	if len(v) != 17 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == 'I' || c == 'O' || c == 'Q':
			return false
		case c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		default:
			return false
		}
	}
	return true
}

func digits(s string, min, max int) bool {
	if len(s) < min || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// newCode draws a 6-digit code.
func (s *Simulator) newCode() string { return fmt.Sprintf("%06d", s.rng.IntN(1_000_000)) }

func (s *Simulator) send(to, kind string) *smsCode {
	c := &smsCode{code: s.newCode(), phone: to, issued: s.now()}
	s.outbox = append(s.outbox, SMS{To: to, Code: c.code, Kind: kind, At: c.issued})
	return c
}

// checkCode applies the SMS code rules: none issued, expired or burnt is
// 2308; a wrong code is 2308 and counts, and the last allowed wrong answer
// burns the code (it is dropped).
func (s *Simulator) checkCode(slot **smsCode, given string) pimserr.Code {
	c := *slot
	if c == nil {
		return pimserr.CodeAccessRefused
	}
	if s.now().After(c.issued.Add(s.codeTTL)) {
		*slot = nil
		return pimserr.CodeAccessRefused
	}
	if given != c.code {
		c.wrong++
		if c.wrong >= maxWrongCodes {
			*slot = nil
		}
		return pimserr.CodeAccessRefused
	}
	return 0
}

// checkCertification applies the code rules to a certification code, which
// must have been sent to phone; a code sent to another number is 2308 and
// does not count.
func (s *Simulator) checkCertification(phone, given string) pimserr.Code {
	if s.certCode == nil || s.certCode.phone != phone {
		return pimserr.CodeAccessRefused
	}
	return s.checkCode(&s.certCode, given)
}

func (s *Simulator) blocked() bool { return s.acct.Blocked != NotBlocked }

// deviceLimitReached: activating this device would exceed the limit.
func (s *Simulator) deviceLimitReached() bool { return s.acct.OtherDevices+1 > s.maxDevices }

// activate enrolls this device; the enrollment session and its code are used up.
func (s *Simulator) activate() {
	s.acct.DeviceActivated = true
	s.validated = false
	s.enrCode = nil
}

// wrongPIN counts a wrong PIN, answered 2308; the one that reaches the
// limit also locks the account, so the next call on it is answered 2317.
func (s *Simulator) wrongPIN() pimserr.Code {
	s.wrongPINs++
	if s.wrongPINs >= s.maxWrongPINs {
		s.acct.Blocked = PINBlocked
	}
	return pimserr.CodeAccessRefused
}

// 1: get account {actionType=strong, type=isDeviceActivated}.
func (s *Simulator) isDeviceActivated(map[string]string) (map[string]any, pimserr.Code) {
	return map[string]any{"isDeviceActivated": s.acct.DeviceActivated}, 0
}

// 2: get account {actionType=strong, type=isAccountBlocked}.
func (s *Simulator) isAccountBlocked(map[string]string) (map[string]any, pimserr.Code) {
	return map[string]any{"isAccountBlocked": s.acct.Blocked}, 0
}

// 3: get trustedphonenumber {}.
func (s *Simulator) trustedPhone(map[string]string) (map[string]any, pimserr.Code) {
	if s.acct.Phone == "" {
		return map[string]any{"phoneNumber": nil}, 0
	}
	return map[string]any{"phoneNumber": s.acct.Phone}, 0
}

// 4a: get smscode {type=phoneNumberCertification, phoneNumber}.
func (s *Simulator) sendCertificationCode(p map[string]string) (map[string]any, pimserr.Code) {
	s.certCode = s.send(p["phoneNumber"], KindCertification)
	return nil, 0
}

// 4·1: set enrollment {action=enrollWithPhoneNumber, pinCode, smsCode, phoneNumber}.
func (s *Simulator) enrollWithPhoneNumber(p map[string]string) (map[string]any, pimserr.Code) {
	// An activated device is forbidden too: the label of 2317 names it.
	if s.acct.Phone != "" || s.acct.DeviceActivated {
		return nil, pimserr.CodeForbidden
	}
	if code := s.checkCertification(p["phoneNumber"], p["smsCode"]); code != 0 {
		return nil, code
	}
	if s.blocked() {
		return nil, pimserr.CodeForbidden
	}
	if s.deviceLimitReached() {
		s.acct.Blocked = AccountBlocked
		return nil, pimserr.CodeAccountBlocked
	}
	s.certCode = nil
	s.acct.Phone = p["phoneNumber"]
	s.acct.PIN = p["pinCode"]
	s.wrongPINs = 0
	s.activate()
	return nil, 0
}

// 4·2: set smscode {type=addPhoneNumber, smsCode, phoneNumber}.
func (s *Simulator) addPhoneNumber(p map[string]string) (map[string]any, pimserr.Code) {
	if s.acct.Phone != "" {
		return nil, pimserr.CodeForbidden
	}
	if code := s.checkCertification(p["phoneNumber"], p["smsCode"]); code != 0 {
		return nil, code
	}
	s.certCode = nil
	s.acct.Phone = p["phoneNumber"]
	return nil, 0
}

// 5: get smscode {type=enrollment}. A new code starts a new session: call 6
// must validate it again.
func (s *Simulator) sendEnrollmentCode(map[string]string) (map[string]any, pimserr.Code) {
	if s.acct.Phone == "" {
		return nil, pimserr.CodeInternalState
	}
	s.enrCode = s.send(s.acct.Phone, KindEnrollment)
	s.validated = false
	return nil, 0
}

// 6: set smscode {action=enrollment, smsCode}.
func (s *Simulator) checkEnrollmentCode(p map[string]string) (map[string]any, pimserr.Code) {
	if code := s.checkCode(&s.enrCode, p["smsCode"]); code != 0 {
		return nil, code
	}
	if s.blocked() || s.acct.DeviceActivated {
		return nil, pimserr.CodeForbidden
	}
	s.validated = true
	if s.acct.PIN != "" {
		return map[string]any{"status": "AlreadyEnrolled"}, 0
	}
	return map[string]any{"status": "NotEnrolled"}, 0
}

// 7 and 8: set enrollment {action=enroll, pinCode} (+ smsCode on iOS). With
// no PIN on the account it registers one (7); with one it checks it and
// activates the device (8).
func (s *Simulator) enroll(p map[string]string) (map[string]any, pimserr.Code) {
	if s.acct.DeviceActivated {
		return nil, pimserr.CodeForbidden
	}
	if !s.validated {
		return nil, pimserr.CodeInternalState
	}
	if s.platform == IOS && (s.enrCode == nil || p["smsCode"] != s.enrCode.code) {
		return nil, pimserr.CodeAccessRefused
	}
	if s.blocked() {
		return nil, pimserr.CodeForbidden
	}
	if s.acct.PIN == "" {
		s.acct.PIN = p["pinCode"]
		s.wrongPINs = 0
		return nil, 0
	}
	if p["pinCode"] != s.acct.PIN {
		return nil, s.wrongPIN()
	}
	s.wrongPINs = 0
	if s.deviceLimitReached() {
		s.acct.Blocked = AccountBlocked
		return nil, pimserr.CodeAccountBlocked
	}
	s.activate()
	return nil, 0
}

// A: set enrollment {action=remove}. Everything but the phone and the
// vehicles is cleared.
func (s *Simulator) removeEnrollments(map[string]string) (map[string]any, pimserr.Code) {
	s.acct.DeviceActivated = false
	s.acct.OtherDevices = 0
	s.acct.PIN = ""
	s.acct.Blocked = NotBlocked
	s.wrongPINs = 0
	s.certCode, s.enrCode, s.validated = nil, nil, false
	return nil, 0
}

// B: set pincode {action=reset, pinCode, smsCode}. The device is deactivated
// and the session validated, so call 8 re-enrolls it with the new PIN.
func (s *Simulator) resetPIN(p map[string]string) (map[string]any, pimserr.Code) {
	if s.blocked() || (!s.acct.DeviceActivated && s.acct.OtherDevices == 0) {
		return nil, pimserr.CodeForbidden
	}
	if code := s.checkCode(&s.enrCode, p["smsCode"]); code != 0 {
		return nil, code
	}
	s.acct.PIN = p["pinCode"]
	s.wrongPINs = 0
	s.acct.DeviceActivated = false
	s.validated = true
	return nil, 0
}

// C: set pincode {action=update, oldPIN, newPIN}. A locked account is
// refused too, or the lock would not hold.
func (s *Simulator) updatePIN(p map[string]string) (map[string]any, pimserr.Code) {
	if !s.acct.DeviceActivated || s.blocked() {
		return nil, pimserr.CodeForbidden
	}
	if p["oldPIN"] != s.acct.PIN {
		return nil, s.wrongPIN()
	}
	s.acct.PIN = p["newPIN"]
	s.wrongPINs = 0
	return nil, 0
}

// D: set smscode {type=modifyPhoneNumber, smsCode, phoneNumber}.
func (s *Simulator) modifyPhoneNumber(p map[string]string) (map[string]any, pimserr.Code) {
	if !s.acct.DeviceActivated || s.acct.Phone == "" {
		return nil, pimserr.CodeForbidden
	}
	if code := s.checkCertification(p["phoneNumber"], p["smsCode"]); code != 0 {
		return nil, code
	}
	s.certCode = nil
	s.acct.Phone = p["phoneNumber"]
	return nil, 0
}

// E: set subscription.vehicle {action=removeProperty, vin}.
func (s *Simulator) removeVehicle(p map[string]string) (map[string]any, pimserr.Code) {
	for i, v := range s.acct.Vehicles {
		if v == p["vin"] {
			s.acct.Vehicles = append(s.acct.Vehicles[:i:i], s.acct.Vehicles[i+1:]...)
			return nil, 0
		}
	}
	return nil, pimserr.CodeInvalidParameter
}
