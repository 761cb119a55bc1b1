package pims_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/pims"
)

// Reference: the API reference's sample messages (seed 001).
func TestDecodeMessage_DocumentedShapes(t *testing.T) {
	m, err := pims.DecodeMessage([]byte(`{"transactionId": "953cfefb-bc72", "status": "SUCCEEDED", "result": null}`))
	require.NoError(t, err)
	assert.Equal(t, pims.Succeeded, m.Status)
	assert.Equal(t, "953cfefb-bc72", m.TransactionID)
	assert.Nil(t, m.Result)

	m, err = pims.DecodeMessage([]byte(`{"transactionId": "t", "status": "FAILED", "error": {"code": 2317, "label": "inwebo: forbidden"}}`))
	require.NoError(t, err)
	assert.ErrorIs(t, m.Err(), pimserr.ErrForbidden)
	assert.Equal(t, "t", m.Err().TransactionID)

	m, err = pims.DecodeMessage([]byte(`{"status": "SUCCEEDED", "result": {"isDeviceActivated": false}}`))
	require.NoError(t, err)
	assert.Equal(t, false, m.Result["isDeviceActivated"])
	assert.Nil(t, m.Err())
}

func TestDecodeMessage_CodeAsNumericString(t *testing.T) {
	m, err := pims.DecodeMessage([]byte(`{"status": "FAILED", "error": {"code": "2201", "label": "x"}}`))
	require.NoError(t, err)
	assert.Equal(t, 2201, m.Error.Code)
}

func TestDecodeMessage_MalformedIsAProtocolErrorKeepingTheBytes(t *testing.T) {
	for _, raw := range []string{
		``, `null`, `[]`, `"SUCCEEDED"`, `{}`, `{"status": null}`, `{"status": 1}`,
		`{"status": "DONE"}`, `{"status": "FAILED"}`, `{"status": "FAILED", "error": {}}`,
		`{"status": "FAILED", "error": {"code": 0}}`, `{"status": "FAILED", "error": {"code": 2.5}}`,
		`{"status": "FAILED", "error": {"code": "x"}}`, `{"status": "FAILED", "error": "2317"}`,
		`{"status": "SUCCEEDED", "transactionId": 7}`, `{"status": "FAILED", "error": {"code": 2317, "label": 1}}`,
		`{"status": "FAILED", "error": {"code": 1e20}}`,
	} {
		_, err := pims.DecodeMessage([]byte(raw))
		var pe *pimserr.ProtocolError
		require.ErrorAs(t, err, &pe, raw)
		assert.Equal(t, raw, string(pe.Raw), raw)
		assert.ErrorIs(t, err, pimserr.ErrBadReply)
	}
}

// Reference: docs/contract.md §1, "a SUCCEEDED reply to a call that reads
// no result is accepted whatever its result holds". The step decides.
func TestDecodeMessage_AResultThatIsNotAnObjectIsKept(t *testing.T) {
	for _, raw := range []string{`""`, `"oops"`, `[1]`, `0`, `true`} {
		m, err := pims.DecodeMessage([]byte(`{"status": "SUCCEEDED", "result": ` + raw + `}`))
		require.NoError(t, err, raw)
		assert.True(t, m.NotObject, raw)
		assert.Nil(t, m.Result, raw)
	}
	m, err := pims.DecodeMessage([]byte(`{"status": "SUCCEEDED", "result": {}}`))
	require.NoError(t, err)
	assert.False(t, m.NotObject)
}

func TestRequest_PrintingMasksSecretsAndPhones(t *testing.T) {
	r := pims.Request{Op: pims.Set, API: "pims.authentication.enrollment", Params: pims.Pairs(
		"action", "enrollWithPhoneNumber", "pinCode", "424242", "smsCode", "2424", "phoneNumber", "0612345678",
	)}
	want := "set pims.authentication.enrollment{action=enrollWithPhoneNumber phoneNumber=06••••••78 pinCode=•••• smsCode=••••}"
	assert.Equal(t, want, r.String())
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		out := fmt.Sprintf(verb, r)
		assert.NotContains(t, out, "424242", verb)
		assert.NotContains(t, out, "2424", verb)
		assert.NotContains(t, out, "12345678", verb)
	}
	assert.Equal(t, "424242", r.Params.Value("pinCode"), "the request itself keeps the values")
	assert.Equal(t, "••••", r.RedactedParams()["pinCode"])
}

func TestMessageHelpers(t *testing.T) {
	f := pims.Failure("t9", pimserr.CodeTimeout)
	require.NoError(t, f.Check())
	assert.Equal(t, pimserr.CodeTimeout.Label(), f.Error.Label)
	assert.NoError(t, pims.Success("t", nil).Check())
}

// Every key call 3 may use for the number is masked in a record.
func TestMessage_RedactedMasksEveryPhoneKey(t *testing.T) {
	for _, key := range pims.PhoneKeys {
		m := pims.Success("t", map[string]any{key: "0612345678", "other": "kept"}).Redacted()
		assert.Equal(t, "06••••••78", m.Result[key], key)
		assert.Equal(t, "kept", m.Result["other"])
	}
}

// A key given twice in a reply is refused: encoding/json keeps the last, so
// a FAILED reply would read as a success.
// Reference: docs/contract.md §2 "A reply that is not a well-formed message".
func TestDecodeMessage_RefusesADuplicateKey(t *testing.T) {
	for _, raw := range []string{
		`{"status":"FAILED","status":"SUCCEEDED"}`,
		`{"transactionId":"t1","status":"FAILED","error":{"code":2308,"code":2316,"label":"x"}}`,
		`{"transactionId":"t1","status":"SUCCEEDED","result":{"isDeviceActivated":false,"isDeviceActivated":true}}`,
		`{"transactionId":"t1","status":"SUCCEEDED","result":{"a":[{"k":1,"k":2}]}}`,
	} {
		_, err := pims.DecodeMessage([]byte(raw))
		var perr *pimserr.ProtocolError
		require.ErrorAs(t, err, &perr, raw)
		assert.Contains(t, perr.Reason, "appears twice", raw)
	}
	for _, raw := range []string{
		`{"transactionId":"t1","status":"SUCCEEDED","result":{"a":{"k":1},"b":{"k":1}}}`,
		`{"transactionId":"t1","status":"SUCCEEDED","result":{"list":["k","k"],"k":"k"}}`,
	} {
		_, err := pims.DecodeMessage([]byte(raw))
		assert.NoError(t, err, raw)
	}
}

// A PIN or code key is masked at any depth, in any case, with or without
// separators; the rest of the result, and the message given, are kept.
func TestWithoutSecrets_AnyDepthAnySpelling(t *testing.T) {
	m := pims.Success("t1", map[string]any{
		"status":   "AlreadyEnrolled",
		"sms_code": "415263",
		"data":     map[string]any{"PIN-Code": "1357", "list": []any{map[string]any{"otp": "99887"}, "kept"}},
	})
	out, found := m.WithoutSecrets()
	require.True(t, found)
	assert.Equal(t, map[string]any{
		"status":   "AlreadyEnrolled",
		"sms_code": "••••",
		"data":     map[string]any{"PIN-Code": "••••", "list": []any{map[string]any{"otp": "••••"}, "kept"}},
	}, out.Result)
	assert.Equal(t, "415263", m.Result["sms_code"], "the message given is not changed")

	plain := pims.Success("t1", map[string]any{"status": "NotEnrolled", "data": map[string]any{"n": 1.0}})
	same, found := plain.WithoutSecrets()
	assert.False(t, found)
	assert.Equal(t, plain, same)
}
