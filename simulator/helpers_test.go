package simulator_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/pims"
	"github.com/enrollfsm/enrollfsm/simulator"
)

// Placeholders in request parameters, replaced by the code the user would
// read on their phone, or a wrong one.
const (
	certCode  = "$cert"
	enrCode   = "$enr"
	wrongCode = "$wrong"
	otherVIN  = "VF3AB12C3D4567890"
	newPhone  = "0699887766"
)

func req(op pims.Op, api string, kv ...string) pims.Request {
	return pims.Request{Op: op, API: api, Params: pims.Pairs(kv...)}
}

// The calls of docs/contract.md §2, as the engine sends them.
var (
	reqActivated   = req(pims.Get, simulator.APIAccount, "actionType", "strong", "type", "isDeviceActivated")
	reqBlocked     = req(pims.Get, simulator.APIAccount, "actionType", "strong", "type", "isAccountBlocked")
	reqPhone       = req(pims.Get, simulator.APITrustedPhone)
	reqEnrSMS      = req(pims.Get, simulator.APISMSCode, "type", "enrollment")
	reqCheckPIN    = req(pims.Set, simulator.APISMSCode, "action", "enrollment", "smsCode", enrCode)
	reqRemove      = req(pims.Set, simulator.APIEnrollment, "action", "remove")
	reqRemoveVIN   = req(pims.Set, simulator.APIVehicle, "action", "removeProperty", "vin", simulator.DefaultVIN)
	reqUpdatePIN   = req(pims.Set, simulator.APIPINCode, "action", "update", "oldPIN", simulator.DefaultPIN, "newPIN", "5678")
	reqUpdateWrong = req(pims.Set, simulator.APIPINCode, "action", "update", "oldPIN", "0000", "newPIN", "5678")
)

func reqCertSMS(phone string) pims.Request {
	return req(pims.Get, simulator.APISMSCode, "type", "phoneNumberCertification", "phoneNumber", phone)
}

func reqEnrollWithPhone(phone, code, pin string) pims.Request {
	return req(pims.Set, simulator.APIEnrollment, "action", "enrollWithPhoneNumber", "pinCode", pin, "smsCode", code, "phoneNumber", phone)
}

func reqAddPhone(phone, code string) pims.Request {
	return req(pims.Set, simulator.APISMSCode, "type", "addPhoneNumber", "smsCode", code, "phoneNumber", phone)
}

func reqModifyPhone(phone, code string) pims.Request {
	return req(pims.Set, simulator.APISMSCode, "type", "modifyPhoneNumber", "smsCode", code, "phoneNumber", phone)
}

func reqEnroll(pin string) pims.Request {
	return req(pims.Set, simulator.APIEnrollment, "action", "enroll", "pinCode", pin)
}

func reqEnrollIOS(pin, code string) pims.Request {
	return req(pims.Set, simulator.APIEnrollment, "action", "enroll", "pinCode", pin, "smsCode", code)
}

func reqResetPIN(pin, code string) pims.Request {
	return req(pims.Set, simulator.APIPINCode, "action", "reset", "pinCode", pin, "smsCode", code)
}

// fill replaces the placeholders by the codes last sent.
func fill(s *simulator.Simulator, r pims.Request) pims.Request {
	var kv []string
	for k, v := range r.Params.All() {
		switch v {
		case certCode:
			v, _ = s.LastCode(simulator.KindCertification)
		case enrCode:
			v, _ = s.LastCode(simulator.KindEnrollment)
		case wrongCode:
			v = "99999999" // 8 digits: never a 6-digit code
		}
		kv = append(kv, k, v)
	}
	return pims.Request{Op: r.Op, API: r.API, Params: pims.Pairs(kv...)}
}

// do sends r (placeholders filled) and requires a reply, not a Go error.
func do(t *testing.T, s *simulator.Simulator, r pims.Request) pims.Message {
	t.Helper()
	msg, err := s.Call(context.Background(), fill(s, r))
	require.NoError(t, err, "call %v", r)
	require.NoError(t, msg.Check(), "call %v", r)
	return msg
}

// code is the error code of a reply, 0 when it succeeded.
func code(m pims.Message) pimserr.Code {
	if m.Status == pims.Succeeded {
		return 0
	}
	return pimserr.Code(m.Error.Code)
}

// ok sends every request and requires each to succeed.
func ok(t *testing.T, s *simulator.Simulator, rs ...pims.Request) {
	t.Helper()
	for _, r := range rs {
		m := do(t, s, r)
		require.Equal(t, pims.Succeeded, m.Status, "setup call %v: %+v", r, m.Error)
	}
}

// fakeClock is a settable clock for code expiry.
type fakeClock struct{ t time.Time }

func newClock() *fakeClock                   { return &fakeClock{t: time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)} }
func (c *fakeClock) Now() time.Time          { return c.t }
func (c *fakeClock) Advance(d time.Duration) { c.t = c.t.Add(d) }
