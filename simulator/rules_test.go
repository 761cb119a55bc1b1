package simulator_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/pims"
	"github.com/enrollfsm/enrollfsm/simulator"
)

const (
	ph     = "0611223344"
	newPIN = "4321"
)

var (
	sit = simulator.WithSituation
	ios = simulator.WithPlatform(simulator.IOS)
)

// ruleCase: build a simulator, make the setup calls (each must succeed), the
// pre calls (replies ignored: wrong codes, wrong PINs), move the clock, then
// make call and compare its reply.
type ruleCase struct {
	name    string
	opts    []simulator.Option
	setup   []pims.Request
	pre     []pims.Request
	advance time.Duration
	call    pims.Request
	want    pimserr.Code   // 0: SUCCEEDED
	result  map[string]any // the SUCCEEDED result (nil: null)
	check   func(t *testing.T, s *simulator.Simulator)
}

func runRules(t *testing.T, cases []ruleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clk := newClock()
			s := simulator.MustNew(append([]simulator.Option{simulator.WithNow(clk.Now)}, tc.opts...)...)
			ok(t, s, tc.setup...)
			for _, r := range tc.pre {
				do(t, s, r)
			}
			clk.Advance(tc.advance)
			m := do(t, s, tc.call)
			require.Equal(t, tc.want, code(m), "reply %+v", m.Error)
			if tc.want == 0 {
				assert.Equal(t, tc.result, m.Result)
			} else {
				assert.Nil(t, m.Result)
				assert.Equal(t, tc.want.Label(), m.Error.Label)
			}
			if tc.check != nil {
				tc.check(t, s)
			}
		})
	}
}

func repeat(n int, r pims.Request) []pims.Request {
	out := make([]pims.Request, n)
	for i := range out {
		out[i] = r
	}
	return out
}

func TestParameters(t *testing.T) {
	const (
		missing = pimserr.CodeMissingParameter
		invalid = pimserr.CodeInvalidParameter
	)
	lax := simulator.WithStrictParams(false)
	runRules(t, []ruleCase{
		{name: "unknown API", call: req(pims.Get, "pims.authentication.nope"), want: invalid},
		{name: "set on a read API", call: req(pims.Set, simulator.APIAccount, "actionType", "strong", "type", "isDeviceActivated"), want: invalid},
		{name: "set trusted phone", call: req(pims.Set, simulator.APITrustedPhone), want: invalid},
		{name: "get enrollment", call: req(pims.Get, simulator.APIEnrollment, "action", "remove"), want: invalid},
		{name: "get pincode", call: req(pims.Get, simulator.APIPINCode, "action", "update", "oldPIN", "1234", "newPIN", "5678"), want: invalid},
		{name: "get vehicle", call: req(pims.Get, simulator.APIVehicle, "action", "removeProperty", "vin", simulator.DefaultVIN), want: invalid},
		{name: "unknown op", call: req("post", simulator.APIAccount, "actionType", "strong", "type", "isDeviceActivated"), want: invalid},
		{name: "account without type", call: req(pims.Get, simulator.APIAccount, "actionType", "strong"), want: missing},
		{name: "account without actionType", call: req(pims.Get, simulator.APIAccount, "type", "isDeviceActivated"), want: missing},
		{name: "account actionType weak", call: req(pims.Get, simulator.APIAccount, "actionType", "weak", "type", "isDeviceActivated"), want: invalid},
		{name: "account unknown type", call: req(pims.Get, simulator.APIAccount, "actionType", "strong", "type", "isUpgradable"), want: invalid},
		{name: "get smscode without type", call: req(pims.Get, simulator.APISMSCode), want: missing},
		{name: "get smscode unknown type", call: req(pims.Get, simulator.APISMSCode, "type", "login"), want: invalid},
		{name: "set smscode without type or action", call: req(pims.Set, simulator.APISMSCode, "smsCode", "1234"), want: missing},
		{name: "set smscode unknown type", call: req(pims.Set, simulator.APISMSCode, "type", "deletePhoneNumber", "smsCode", "1234"), want: invalid},
		{name: "set smscode unknown action", call: req(pims.Set, simulator.APISMSCode, "action", "login", "smsCode", "1234"), want: invalid},
		{name: "set smscode with type and action", opts: []simulator.Option{sit(simulator.SituationHasPhone)},
			setup: []pims.Request{reqEnrSMS}, call: req(pims.Set, simulator.APISMSCode, "type", "addPhoneNumber", "action", "enrollment", "smsCode", "1234", "phoneNumber", ph), want: invalid},
		{name: "enrollment without action", call: req(pims.Set, simulator.APIEnrollment, "pinCode", "1234"), want: missing},
		{name: "enrollment unknown action", call: req(pims.Set, simulator.APIEnrollment, "action", "unenroll"), want: invalid},
		{name: "pincode unknown action", call: req(pims.Set, simulator.APIPINCode, "action", "forget"), want: invalid},
		{name: "vehicle unknown action", call: req(pims.Set, simulator.APIVehicle, "action", "addProperty", "vin", simulator.DefaultVIN), want: invalid},
		{name: "vehicle without vin", call: req(pims.Set, simulator.APIVehicle, "action", "removeProperty"), want: missing},
		{name: "4a without phone", call: req(pims.Get, simulator.APISMSCode, "type", "phoneNumberCertification"), want: missing},
		{name: "4a phone of 5 digits", call: reqCertSMS("12345"), want: invalid},
		{name: "4a phone of 16 digits", call: reqCertSMS("+3361234567890123"), want: invalid},
		{name: "4a phone with spaces", call: reqCertSMS("06 11 22 33 44"), want: invalid},
		{name: "4a phone plus only", call: reqCertSMS("+"), want: invalid},
		{name: "4a phone empty", call: reqCertSMS(""), want: invalid},
		{name: "4a phone of 6 digits", call: reqCertSMS("061122"), want: 0},
		{name: "4a international phone", call: reqCertSMS("+33611223344"), want: 0},
		{name: "4·1 without pinCode", call: req(pims.Set, simulator.APIEnrollment, "action", "enrollWithPhoneNumber", "smsCode", "1234", "phoneNumber", ph), want: missing},
		{name: "4·1 missing wins over malformed", call: req(pims.Set, simulator.APIEnrollment, "action", "enrollWithPhoneNumber", "smsCode", "1234", "phoneNumber", "x"), want: missing},
		{name: "4·1 PIN of 3 digits", call: reqEnrollWithPhone(ph, "1234", "123"), want: invalid},
		{name: "4·1 PIN of 9 digits", call: reqEnrollWithPhone(ph, "1234", "123456789"), want: invalid},
		{name: "4·1 PIN with a letter", call: reqEnrollWithPhone(ph, "1234", "12a4"), want: invalid},
		{name: "4·2 code of 3 digits", call: reqAddPhone(ph, "123"), want: invalid},
		{name: "4·2 code of 9 digits", call: reqAddPhone(ph, "123456789"), want: invalid},
		{name: "4·2 code with a letter", call: reqAddPhone(ph, "12b4"), want: invalid},
		{name: "4·2 without smsCode", call: req(pims.Set, simulator.APISMSCode, "type", "addPhoneNumber", "phoneNumber", ph), want: missing},
		{name: "6 without smsCode", call: req(pims.Set, simulator.APISMSCode, "action", "enrollment"), want: missing},
		{name: "B without smsCode", call: req(pims.Set, simulator.APIPINCode, "action", "reset", "pinCode", "1234"), want: missing},
		{name: "C bad newPIN", opts: []simulator.Option{sit(simulator.SituationEnrolled)},
			call: req(pims.Set, simulator.APIPINCode, "action", "update", "oldPIN", simulator.DefaultPIN, "newPIN", "12"), want: invalid},
		{name: "C without oldPIN", call: req(pims.Set, simulator.APIPINCode, "action", "update", "newPIN", "1234"), want: missing},
		{name: "B malformed pinCode", call: reqResetPIN("12345678a", "1234"), want: invalid},
		{name: "D bad phone", call: reqModifyPhone("06", "1234"), want: invalid},
		{name: "D without phoneNumber", call: req(pims.Set, simulator.APISMSCode, "type", "modifyPhoneNumber", "smsCode", "1234"), want: missing},
		{name: "VIN of 16 characters", call: req(pims.Set, simulator.APIVehicle, "action", "removeProperty", "vin", "VR1AB12C3D456789"), want: invalid},
		{name: "VIN with an O", call: req(pims.Set, simulator.APIVehicle, "action", "removeProperty", "vin", "VR1AB12C3D456789O"), want: invalid},
		{name: "VIN with an I", call: req(pims.Set, simulator.APIVehicle, "action", "removeProperty", "vin", "VR1AB12C3D456789I"), want: invalid},
		{name: "VIN with a Q", call: req(pims.Set, simulator.APIVehicle, "action", "removeProperty", "vin", "VR1AB12C3D456789Q"), want: invalid},
		{name: "VIN lower case", call: req(pims.Set, simulator.APIVehicle, "action", "removeProperty", "vin", "vr1ab12c3d4567890"), want: invalid},
		{name: "extra parameter, strict", call: req(pims.Get, simulator.APITrustedPhone, "foo", "bar"), want: invalid},
		{name: "extra parameter, lax", opts: []simulator.Option{lax}, call: req(pims.Get, simulator.APITrustedPhone, "foo", "bar"),
			want: 0, result: map[string]any{"phoneNumber": nil}},
		{name: "5 with the tutorial's phoneNumber, strict", opts: []simulator.Option{sit(simulator.SituationHasPhone)},
			call: req(pims.Get, simulator.APISMSCode, "type", "enrollment", "phoneNumber", simulator.DefaultPhone), want: invalid},
		{name: "5 with the tutorial's phoneNumber, lax", opts: []simulator.Option{sit(simulator.SituationHasPhone), lax},
			call: req(pims.Get, simulator.APISMSCode, "type", "enrollment", "phoneNumber", simulator.DefaultPhone), want: 0},
		{name: "enroll with smsCode on Android, strict", opts: []simulator.Option{sit(simulator.SituationPINExists)},
			setup: []pims.Request{reqEnrSMS, reqCheckPIN}, call: reqEnrollIOS(simulator.DefaultPIN, enrCode), want: invalid},
		{name: "enroll with smsCode on Android, lax", opts: []simulator.Option{sit(simulator.SituationPINExists), lax},
			setup: []pims.Request{reqEnrSMS, reqCheckPIN}, call: reqEnrollIOS(simulator.DefaultPIN, enrCode), want: 0},
		{name: "enroll without smsCode on iOS", opts: []simulator.Option{sit(simulator.SituationPINExists), ios},
			setup: []pims.Request{reqEnrSMS, reqCheckPIN}, call: reqEnroll(simulator.DefaultPIN), want: missing},
		{name: "enroll with a malformed smsCode on iOS", opts: []simulator.Option{sit(simulator.SituationPINExists), ios},
			setup: []pims.Request{reqEnrSMS, reqCheckPIN}, call: reqEnrollIOS(simulator.DefaultPIN, "12"), want: invalid},
		{name: "refused parameters change nothing", opts: []simulator.Option{sit(simulator.SituationPINExists)},
			call: reqEnrollWithPhone(ph, "1234", "12"), want: invalid,
			check: func(t *testing.T, s *simulator.Simulator) {
				assert.Equal(t, simulator.Account{Phone: simulator.DefaultPhone, PIN: simulator.DefaultPIN, Blocked: simulator.NotBlocked,
					OtherDevices: 1, Vehicles: []string{simulator.DefaultVIN}}, s.Account())
			}},
	})
}

func TestCertificationSMS(t *testing.T) { // 4a
	runRules(t, []ruleCase{
		{name: "sends a code to the number", call: reqCertSMS(ph), want: 0, check: func(t *testing.T, s *simulator.Simulator) {
			out := s.Outbox()
			require.Len(t, out, 1)
			assert.Equal(t, ph, out[0].To)
			assert.Equal(t, simulator.KindCertification, out[0].Kind)
			assert.Regexp(t, `^[0-9]{6}$`, out[0].Code)
			assert.Equal(t, newClock().Now(), out[0].At)
			c, found := s.LastCode(simulator.KindCertification)
			assert.True(t, found)
			assert.Equal(t, out[0].Code, c)
			_, found = s.LastCode(simulator.KindEnrollment)
			assert.False(t, found)
		}},
		{name: "with a phone registered too", opts: []simulator.Option{sit(simulator.SituationEnrolled)}, call: reqCertSMS(ph), want: 0},
		{name: "replaces the previous code", setup: []pims.Request{reqCertSMS(ph)}, call: reqCertSMS(ph), want: 0,
			check: func(t *testing.T, s *simulator.Simulator) {
				out := s.Outbox()
				require.Len(t, out, 2)
				require.NotEqual(t, out[0].Code, out[1].Code)
				assert.Equal(t, pimserr.CodeAccessRefused, code(do(t, s, reqAddPhone(ph, out[0].Code))))
				assert.Equal(t, pimserr.Code(0), code(do(t, s, reqAddPhone(ph, out[1].Code))))
			}},
		{name: "to another number, the first number's code is gone", setup: []pims.Request{reqCertSMS(ph)}, call: reqCertSMS(newPhone), want: 0,
			check: func(t *testing.T, s *simulator.Simulator) {
				first := s.Outbox()[0].Code
				assert.Equal(t, pimserr.CodeAccessRefused, code(do(t, s, reqAddPhone(ph, first))))
			}},
	})
}

// codeRules are the 2308 cases every call that checks an SMS code shares.
// certify is the setup that sends the right code; call takes the code.
func codeRules(prefix string, opts []simulator.Option, certify []pims.Request, call func(code string) pims.Request) []ruleCase {
	refused := pimserr.CodeAccessRefused
	return []ruleCase{
		{name: prefix + " no code sent", opts: opts, setup: certify[:len(certify)-1], call: call("123456"), want: refused},
		{name: prefix + " wrong code", opts: opts, setup: certify, call: call(wrongCode), want: refused},
		{name: prefix + " three wrong codes burn it", opts: opts, setup: certify, pre: repeat(3, call(wrongCode)), call: call("$right"), want: refused},
		{name: prefix + " expired code", opts: opts, setup: certify, advance: simulator.DefaultCodeTTL + time.Second, call: call("$right"), want: refused},
	}
}

func TestEnrollWithPhoneNumber(t *testing.T) { // 4·1
	enroll := func(c string) pims.Request { return reqEnrollWithPhone(ph, c, newPIN) }
	cases := []ruleCase{
		{name: "enrolls", setup: []pims.Request{reqCertSMS(ph)}, call: enroll(certCode), want: 0,
			check: func(t *testing.T, s *simulator.Simulator) {
				a := s.Account()
				assert.Equal(t, ph, a.Phone)
				assert.Equal(t, newPIN, a.PIN)
				assert.True(t, a.DeviceActivated)
				assert.True(t, s.DeviceActivated())
				assert.Equal(t, pimserr.CodeForbidden, code(do(t, s, enroll(certCode))), "again: a phone is registered")
			}},
		{name: "two wrong codes then the right one", setup: []pims.Request{reqCertSMS(ph)}, pre: repeat(2, enroll(wrongCode)), call: enroll(certCode), want: 0},
		{name: "code valid until its TTL", setup: []pims.Request{reqCertSMS(ph)}, advance: simulator.DefaultCodeTTL, call: enroll(certCode), want: 0},
		{name: "shorter TTL", opts: []simulator.Option{simulator.WithCodeTTL(time.Minute)}, setup: []pims.Request{reqCertSMS(ph)},
			advance: 2 * time.Minute, call: enroll(certCode), want: pimserr.CodeAccessRefused},
		{name: "phone registered", opts: []simulator.Option{sit(simulator.SituationHasPhone)}, setup: []pims.Request{reqCertSMS(ph)},
			call: enroll(certCode), want: pimserr.CodeForbidden},
		{name: "device activated", opts: []simulator.Option{simulator.WithAccount(simulator.Account{DeviceActivated: true})},
			setup: []pims.Request{reqCertSMS(ph)}, call: enroll(certCode), want: pimserr.CodeForbidden},
		{name: "code sent to another number", setup: []pims.Request{reqCertSMS(newPhone)}, call: enroll(certCode), want: pimserr.CodeAccessRefused},
		{name: "account blocked", opts: []simulator.Option{simulator.WithAccount(simulator.Account{Blocked: simulator.AccountBlocked})},
			setup: []pims.Request{reqCertSMS(ph)}, call: enroll(certCode), want: pimserr.CodeForbidden},
		{name: "PIN blocked", opts: []simulator.Option{simulator.WithAccount(simulator.Account{Blocked: simulator.PINBlocked})},
			setup: []pims.Request{reqCertSMS(ph)}, call: enroll(certCode), want: pimserr.CodeForbidden},
		{name: "device limit", opts: []simulator.Option{simulator.WithAccount(simulator.Account{OtherDevices: 5})},
			setup: []pims.Request{reqCertSMS(ph)}, call: enroll(certCode), want: pimserr.CodeAccountBlocked,
			check: func(t *testing.T, s *simulator.Simulator) {
				a := s.Account()
				assert.Equal(t, simulator.AccountBlocked, a.Blocked)
				assert.False(t, a.DeviceActivated)
				assert.Empty(t, a.Phone)
				assert.Empty(t, a.PIN)
			}},
		{name: "under a custom device limit", opts: []simulator.Option{simulator.WithMaxDevices(2), simulator.WithAccount(simulator.Account{OtherDevices: 1})},
			setup: []pims.Request{reqCertSMS(ph)}, call: enroll(certCode), want: 0},
	}
	cases = append(cases, codeRules("", nil, []pims.Request{reqCertSMS(ph)}, enroll)...)
	runRules(t, rightCode(cases, certCode))
}

// rightCode replaces the "$right" placeholder of codeRules by the kind's.
func rightCode(cases []ruleCase, right string) []ruleCase {
	for i := range cases {
		ps := map[string]string{}
		for k, v := range cases[i].call.Params.All() {
			if v == "$right" {
				v = right
			}
			ps[k] = v
		}
		cases[i].call.Params = pims.ParamsFrom(ps)
	}
	return cases
}

func TestAddPhoneNumber(t *testing.T) { // 4·2
	add := func(c string) pims.Request { return reqAddPhone(ph, c) }
	cases := []ruleCase{
		{name: "registers the phone", setup: []pims.Request{reqCertSMS(ph)}, call: add(certCode), want: 0,
			check: func(t *testing.T, s *simulator.Simulator) {
				a := s.Account()
				assert.Equal(t, ph, a.Phone)
				assert.Empty(t, a.PIN)
				assert.False(t, a.DeviceActivated)
				assert.Equal(t, map[string]any{"phoneNumber": ph}, do(t, s, reqPhone).Result)
			}},
		{name: "phone registered", opts: []simulator.Option{sit(simulator.SituationHasPhone)}, setup: []pims.Request{reqCertSMS(ph)},
			call: add(certCode), want: pimserr.CodeForbidden},
		{name: "code sent to another number", setup: []pims.Request{reqCertSMS(newPhone)}, call: add(certCode), want: pimserr.CodeAccessRefused},
	}
	cases = append(cases, codeRules("", nil, []pims.Request{reqCertSMS(ph)}, add)...)
	runRules(t, rightCode(cases, certCode))
}

func TestEnrollmentSMS(t *testing.T) { // 5
	runRules(t, []ruleCase{
		{name: "no phone", call: reqEnrSMS, want: pimserr.CodeInternalState},
		{name: "sends to the trusted phone", opts: []simulator.Option{sit(simulator.SituationHasPhone)}, call: reqEnrSMS, want: 0,
			check: func(t *testing.T, s *simulator.Simulator) {
				out := s.Outbox()
				require.Len(t, out, 1)
				assert.Equal(t, simulator.DefaultPhone, out[0].To)
				assert.Equal(t, simulator.KindEnrollment, out[0].Kind)
				assert.Regexp(t, `^[0-9]{6}$`, out[0].Code)
			}},
		{name: "replaces the previous code", opts: []simulator.Option{sit(simulator.SituationHasPhone)}, setup: []pims.Request{reqEnrSMS},
			call: reqEnrSMS, want: 0, check: func(t *testing.T, s *simulator.Simulator) {
				first := s.Outbox()[0].Code
				assert.Equal(t, pimserr.CodeAccessRefused, code(do(t, s, req(pims.Set, simulator.APISMSCode, "action", "enrollment", "smsCode", first))))
				assert.Equal(t, pimserr.Code(0), code(do(t, s, reqCheckPIN)))
			}},
	})
}

func TestCheckPIN(t *testing.T) { // 6
	check := func(c string) pims.Request {
		return req(pims.Set, simulator.APISMSCode, "action", "enrollment", "smsCode", c)
	}
	hasPhone := []simulator.Option{sit(simulator.SituationHasPhone)}
	cases := []ruleCase{
		{name: "no PIN", opts: hasPhone, setup: []pims.Request{reqEnrSMS}, call: reqCheckPIN, want: 0, result: map[string]any{"status": "NotEnrolled"}},
		{name: "PIN exists", opts: []simulator.Option{sit(simulator.SituationPINExists)}, setup: []pims.Request{reqEnrSMS}, call: reqCheckPIN,
			want: 0, result: map[string]any{"status": "AlreadyEnrolled"}},
		{name: "twice", opts: hasPhone, setup: []pims.Request{reqEnrSMS, reqCheckPIN}, call: reqCheckPIN, want: 0, result: map[string]any{"status": "NotEnrolled"}},
		{name: "account blocked", opts: []simulator.Option{sit(simulator.SituationBlocked)}, setup: []pims.Request{reqEnrSMS}, call: reqCheckPIN, want: pimserr.CodeForbidden},
		{name: "PIN blocked", opts: []simulator.Option{sit(simulator.SituationPINBlocked)}, setup: []pims.Request{reqEnrSMS}, call: reqCheckPIN, want: pimserr.CodeForbidden},
		{name: "device activated", opts: []simulator.Option{sit(simulator.SituationEnrolled)}, setup: []pims.Request{reqEnrSMS}, call: reqCheckPIN, want: pimserr.CodeForbidden},
		{name: "a certification code is not an enrollment code", opts: hasPhone, setup: []pims.Request{reqCertSMS(ph)}, call: check(certCode), want: pimserr.CodeAccessRefused},
	}
	cases = append(cases, codeRules("", hasPhone, []pims.Request{reqEnrSMS}, check)...)
	runRules(t, rightCode(cases, enrCode))
}

func TestEnroll(t *testing.T) { // 7 and 8
	pinExists := []simulator.Option{sit(simulator.SituationPINExists)}
	validate := []pims.Request{reqEnrSMS, reqCheckPIN}
	wrongPIN := reqEnroll("0000")
	runRules(t, []ruleCase{
		{name: "7 registers the PIN", opts: []simulator.Option{sit(simulator.SituationHasPhone)}, setup: validate, call: reqEnroll(newPIN), want: 0,
			check: func(t *testing.T, s *simulator.Simulator) {
				a := s.Account()
				assert.Equal(t, newPIN, a.PIN)
				assert.False(t, a.DeviceActivated, "7 does not activate")
				assert.Equal(t, pimserr.Code(0), code(do(t, s, reqEnroll(newPIN))), "8")
				assert.True(t, s.DeviceActivated())
			}},
		{name: "7 then 8 with another PIN", opts: []simulator.Option{sit(simulator.SituationHasPhone)}, setup: append(validate, reqEnroll(newPIN)),
			call: reqEnroll("9999"), want: pimserr.CodeAccessRefused},
		{name: "8 activates", opts: pinExists, setup: validate, call: reqEnroll(simulator.DefaultPIN), want: 0,
			check: func(t *testing.T, s *simulator.Simulator) {
				assert.True(t, s.DeviceActivated())
				assert.Equal(t, map[string]any{"isDeviceActivated": true}, do(t, s, reqActivated).Result)
				assert.Equal(t, pimserr.CodeForbidden, code(do(t, s, reqEnroll(simulator.DefaultPIN))), "again")
			}},
		{name: "device activated", opts: []simulator.Option{sit(simulator.SituationEnrolled)}, call: reqEnroll(simulator.DefaultPIN), want: pimserr.CodeForbidden},
		{name: "session not validated", opts: pinExists, call: reqEnroll(simulator.DefaultPIN), want: pimserr.CodeInternalState},
		{name: "code sent but not checked", opts: pinExists, setup: []pims.Request{reqEnrSMS}, call: reqEnroll(simulator.DefaultPIN), want: pimserr.CodeInternalState},
		{name: "a new code needs a new check", opts: pinExists, setup: append(validate, reqEnrSMS), call: reqEnroll(simulator.DefaultPIN), want: pimserr.CodeInternalState},
		{name: "wrong PIN", opts: pinExists, setup: validate, call: wrongPIN, want: pimserr.CodeAccessRefused,
			check: func(t *testing.T, s *simulator.Simulator) { assert.Equal(t, simulator.NotBlocked, s.Account().Blocked) }},
		{name: "fourth wrong PIN does not lock", opts: pinExists, setup: validate, pre: repeat(3, wrongPIN), call: wrongPIN, want: pimserr.CodeAccessRefused,
			check: func(t *testing.T, s *simulator.Simulator) { assert.Equal(t, simulator.NotBlocked, s.Account().Blocked) }},
		{name: "fifth wrong PIN is refused and locks", opts: pinExists, setup: validate, pre: repeat(4, wrongPIN), call: wrongPIN, want: pimserr.CodeAccessRefused,
			check: func(t *testing.T, s *simulator.Simulator) {
				assert.Equal(t, simulator.PINBlocked, s.Account().Blocked)
				assert.Equal(t, map[string]any{"isAccountBlocked": simulator.PINBlocked}, do(t, s, reqBlocked).Result)
				assert.Equal(t, pimserr.CodeForbidden, code(do(t, s, wrongPIN)), "a sixth try")
			}},
		{name: "right PIN once locked", opts: pinExists, setup: validate, pre: repeat(5, wrongPIN), call: reqEnroll(simulator.DefaultPIN), want: pimserr.CodeForbidden},
		{name: "custom wrong-PIN limit", opts: append(pinExists, simulator.WithMaxWrongPINs(1)), setup: validate, pre: []pims.Request{wrongPIN}, call: reqEnroll(simulator.DefaultPIN), want: pimserr.CodeForbidden},
		{name: "right PIN resets the count", opts: pinExists, setup: validate, pre: repeat(2, wrongPIN), call: reqEnroll(simulator.DefaultPIN), want: 0,
			check: func(t *testing.T, s *simulator.Simulator) {
				assert.Equal(t, pimserr.CodeAccessRefused, code(do(t, s, reqUpdateWrong)), "one wrong PIN after the reset does not lock")
			}},
		{name: "device limit", opts: []simulator.Option{simulator.WithAccount(simulator.Account{Phone: ph, PIN: simulator.DefaultPIN, OtherDevices: 5})},
			setup: validate, call: reqEnroll(simulator.DefaultPIN), want: pimserr.CodeAccountBlocked,
			check: func(t *testing.T, s *simulator.Simulator) {
				assert.Equal(t, simulator.AccountBlocked, s.Account().Blocked)
				assert.False(t, s.DeviceActivated())
				assert.Equal(t, pimserr.CodeForbidden, code(do(t, s, reqEnroll(simulator.DefaultPIN))), "blocked now")
			}},
		{name: "device limit, wrong PIN first", opts: []simulator.Option{simulator.WithAccount(simulator.Account{Phone: ph, PIN: simulator.DefaultPIN, OtherDevices: 5})},
			setup: validate, call: wrongPIN, want: pimserr.CodeAccessRefused},
		{name: "iOS 7 and 8", opts: []simulator.Option{sit(simulator.SituationHasPhone), ios}, setup: append(validate, reqEnrollIOS(newPIN, enrCode)),
			call: reqEnrollIOS(newPIN, enrCode), want: 0,
			check: func(t *testing.T, s *simulator.Simulator) { assert.True(t, s.DeviceActivated()) }},
		{name: "iOS wrong code", opts: []simulator.Option{sit(simulator.SituationPINExists), ios}, setup: validate,
			call: reqEnrollIOS(simulator.DefaultPIN, wrongCode), want: pimserr.CodeAccessRefused,
			check: func(t *testing.T, s *simulator.Simulator) { assert.False(t, s.DeviceActivated()) }},
	})
}

func TestRemoveEnrollments(t *testing.T) { // A
	cleared := func(phone string) func(t *testing.T, s *simulator.Simulator) {
		return func(t *testing.T, s *simulator.Simulator) {
			assert.Equal(t, simulator.Account{Phone: phone, Blocked: simulator.NotBlocked, Vehicles: []string{simulator.DefaultVIN}}, s.Account())
		}
	}
	cases := []ruleCase{}
	for _, st := range simulator.Situations() {
		phone := simulator.DefaultPhone
		if st == simulator.SituationNew {
			phone = ""
		}
		cases = append(cases, ruleCase{name: "from " + string(st), opts: []simulator.Option{sit(st)}, call: reqRemove, want: 0, check: cleared(phone)})
	}
	cases = append(cases,
		ruleCase{name: "clears the enrollment code and the session", opts: []simulator.Option{sit(simulator.SituationPINExists)},
			setup: []pims.Request{reqEnrSMS, reqCheckPIN}, call: reqRemove, want: 0,
			check: func(t *testing.T, s *simulator.Simulator) {
				assert.Equal(t, pimserr.CodeInternalState, code(do(t, s, reqEnroll(simulator.DefaultPIN))), "session gone")
				assert.Equal(t, pimserr.CodeAccessRefused, code(do(t, s, reqCheckPIN)), "enrollment code gone")
			}},
		ruleCase{name: "clears the certification code", setup: []pims.Request{reqCertSMS(ph)}, call: reqRemove, want: 0,
			check: func(t *testing.T, s *simulator.Simulator) {
				assert.Equal(t, pimserr.CodeAccessRefused, code(do(t, s, reqAddPhone(ph, certCode))))
			}},
		ruleCase{name: "resets the wrong-PIN count", opts: []simulator.Option{sit(simulator.SituationPINExists)},
			setup: []pims.Request{reqEnrSMS, reqCheckPIN}, pre: repeat(2, reqEnroll("0000")), call: reqRemove, want: 0,
			check: func(t *testing.T, s *simulator.Simulator) {
				// Enroll again from scratch; one wrong PIN must not lock.
				ok(t, s, reqEnrSMS, reqCheckPIN, reqEnroll(newPIN))
				assert.Equal(t, pimserr.CodeAccessRefused, code(do(t, s, reqEnroll("0000"))))
			}},
	)
	runRules(t, cases)
}

func TestResetPIN(t *testing.T) { // B
	reset := func(c string) pims.Request { return reqResetPIN(newPIN, c) }
	enrolled := []simulator.Option{sit(simulator.SituationEnrolled)}
	cases := []ruleCase{
		{name: "replaces the PIN, 8 re-enrolls", opts: enrolled, setup: []pims.Request{reqEnrSMS}, call: reset(enrCode), want: 0,
			check: func(t *testing.T, s *simulator.Simulator) {
				a := s.Account()
				assert.Equal(t, newPIN, a.PIN)
				assert.False(t, a.DeviceActivated)
				assert.Equal(t, pimserr.CodeAccessRefused, code(do(t, s, reqEnroll(simulator.DefaultPIN))), "old PIN")
				assert.Equal(t, pimserr.Code(0), code(do(t, s, reqEnroll(newPIN))))
				assert.True(t, s.DeviceActivated())
			}},
		{name: "active enrollment on another device", opts: []simulator.Option{sit(simulator.SituationPINExists)},
			setup: []pims.Request{reqEnrSMS, reqCheckPIN}, call: reset(enrCode), want: 0},
		{name: "resets the wrong-PIN count", opts: []simulator.Option{sit(simulator.SituationPINExists)},
			setup: []pims.Request{reqEnrSMS, reqCheckPIN}, pre: repeat(2, reqEnroll("0000")), call: reset(enrCode), want: 0,
			check: func(t *testing.T, s *simulator.Simulator) {
				assert.Equal(t, pimserr.CodeAccessRefused, code(do(t, s, reqEnroll("0000"))), "not locked")
			}},
		{name: "account blocked", opts: []simulator.Option{sit(simulator.SituationBlocked)}, setup: []pims.Request{reqEnrSMS}, call: reset(enrCode), want: pimserr.CodeForbidden},
		{name: "PIN blocked", opts: []simulator.Option{sit(simulator.SituationPINBlocked)}, setup: []pims.Request{reqEnrSMS}, call: reset(enrCode), want: pimserr.CodeForbidden},
		{name: "no active enrollment", opts: []simulator.Option{simulator.WithAccount(simulator.Account{Phone: ph, PIN: simulator.DefaultPIN})},
			setup: []pims.Request{reqEnrSMS}, call: reset(enrCode), want: pimserr.CodeForbidden},
	}
	cases = append(cases, codeRules("", enrolled, []pims.Request{reqEnrSMS}, reset)...)
	runRules(t, rightCode(cases, enrCode))
}

func TestUpdatePIN(t *testing.T) { // C
	enrolled := []simulator.Option{sit(simulator.SituationEnrolled)}
	runRules(t, []ruleCase{
		{name: "replaces the PIN", opts: enrolled, call: reqUpdatePIN, want: 0,
			check: func(t *testing.T, s *simulator.Simulator) { assert.Equal(t, "5678", s.Account().PIN) }},
		{name: "device not activated", opts: []simulator.Option{sit(simulator.SituationPINExists)}, call: reqUpdatePIN, want: pimserr.CodeForbidden},
		{name: "wrong old PIN", opts: enrolled, call: reqUpdateWrong, want: pimserr.CodeAccessRefused,
			check: func(t *testing.T, s *simulator.Simulator) { assert.Equal(t, simulator.DefaultPIN, s.Account().PIN) }},
		{name: "fifth wrong old PIN is refused and locks", opts: enrolled, pre: repeat(4, reqUpdateWrong), call: reqUpdateWrong, want: pimserr.CodeAccessRefused,
			check: func(t *testing.T, s *simulator.Simulator) {
				assert.Equal(t, simulator.PINBlocked, s.Account().Blocked)
				assert.Equal(t, pimserr.CodeForbidden, code(do(t, s, reqUpdatePIN)), "the right PIN once locked")
			}},
		{name: "right PIN resets the count", opts: enrolled, pre: []pims.Request{reqUpdateWrong, reqUpdateWrong, reqUpdatePIN},
			call: req(pims.Set, simulator.APIPINCode, "action", "update", "oldPIN", "0000", "newPIN", "1111"), want: pimserr.CodeAccessRefused},
		{name: "account blocked", opts: []simulator.Option{simulator.WithAccount(simulator.Account{Phone: ph, PIN: simulator.DefaultPIN, DeviceActivated: true, Blocked: simulator.AccountBlocked})},
			call: reqUpdatePIN, want: pimserr.CodeForbidden},
	})
}

func TestModifyPhoneNumber(t *testing.T) { // D
	modify := func(c string) pims.Request { return reqModifyPhone(newPhone, c) }
	enrolled := []simulator.Option{sit(simulator.SituationEnrolled)}
	cases := []ruleCase{
		{name: "replaces the phone", opts: enrolled, setup: []pims.Request{reqCertSMS(newPhone)}, call: modify(certCode), want: 0,
			check: func(t *testing.T, s *simulator.Simulator) {
				assert.Equal(t, newPhone, s.Account().Phone)
				assert.Equal(t, pimserr.CodeAccessRefused, code(do(t, s, modify(certCode))), "the code is used up")
			}},
		{name: "device not activated", opts: []simulator.Option{sit(simulator.SituationPINExists)}, setup: []pims.Request{reqCertSMS(newPhone)},
			call: modify(certCode), want: pimserr.CodeForbidden},
		{name: "no phone", opts: []simulator.Option{simulator.WithAccount(simulator.Account{PIN: simulator.DefaultPIN, DeviceActivated: true})},
			setup: []pims.Request{reqCertSMS(newPhone)}, call: modify(certCode), want: pimserr.CodeForbidden},
		{name: "code sent to another number", opts: enrolled, setup: []pims.Request{reqCertSMS(ph)}, call: modify(certCode), want: pimserr.CodeAccessRefused},
	}
	cases = append(cases, codeRules("", enrolled, []pims.Request{reqCertSMS(newPhone)}, modify)...)
	runRules(t, rightCode(cases, certCode))
}

func TestRemoveVehicle(t *testing.T) { // E
	two := simulator.WithAccount(simulator.Account{Vehicles: []string{simulator.DefaultVIN, otherVIN}})
	runRules(t, []ruleCase{
		{name: "detaches", call: reqRemoveVIN, want: 0, check: func(t *testing.T, s *simulator.Simulator) {
			assert.Empty(t, s.Account().Vehicles)
			assert.Equal(t, pimserr.CodeInvalidParameter, code(do(t, s, reqRemoveVIN)), "again")
		}},
		{name: "detaches one of two", opts: []simulator.Option{two}, call: req(pims.Set, simulator.APIVehicle, "action", "removeProperty", "vin", otherVIN), want: 0,
			check: func(t *testing.T, s *simulator.Simulator) {
				assert.Equal(t, []string{simulator.DefaultVIN}, s.Account().Vehicles)
			}},
		{name: "not attached", call: req(pims.Set, simulator.APIVehicle, "action", "removeProperty", "vin", otherVIN), want: pimserr.CodeInvalidParameter},
		{name: "no vehicles", opts: []simulator.Option{simulator.WithAccount(simulator.Account{Vehicles: []string{}})}, call: reqRemoveVIN, want: pimserr.CodeInvalidParameter},
		{name: "malformed", call: req(pims.Set, simulator.APIVehicle, "action", "removeProperty", "vin", "VR1"), want: pimserr.CodeInvalidParameter},
	})
}
