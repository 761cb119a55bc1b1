package pims_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm/pims"
)

func TestPairs_KeepOrderAndTheLastValueOfAName(t *testing.T) {
	p := pims.Pairs("action", "enroll", "pinCode", "1111", "pinCode", "2222", "lone")
	assert.Equal(t, 3, p.Len())
	var names, values []string
	for k, v := range p.All() {
		names, values = append(names, k), append(values, v)
	}
	assert.Equal(t, []string{"action", "pinCode", "lone"}, names, "declaration order")
	assert.Equal(t, []string{"enroll", "2222", ""}, values, "a name given twice keeps its last value")
	v, ok := p.Get("lone")
	assert.True(t, ok)
	assert.Empty(t, v)
	_, ok = p.Get("smsCode")
	assert.False(t, ok)
	assert.Empty(t, p.Value("smsCode"))
	var sorted []string
	for k := range p.Sorted() {
		sorted = append(sorted, k)
	}
	assert.Equal(t, []string{"action", "lone", "pinCode"}, sorted, "Sorted is by name")

	for range p.All() {
		break // stopping early is allowed
	}
}

func TestParams_ZeroIsEmpty(t *testing.T) {
	var p pims.Params
	assert.Zero(t, p.Len())
	assert.Equal(t, map[string]string{}, p.Map())
	assert.True(t, p.Equal(pims.Pairs()))
	assert.True(t, p.Equal(pims.ParamsFrom(nil)))
	assert.Equal(t, "", p.String())
	b, err := json.Marshal(p)
	require.NoError(t, err)
	assert.JSONEq(t, `{}`, string(b))
	w, err := pims.Request{Op: pims.Get, API: "pims.authentication.trustedphonenumber"}.WireJSON()
	require.NoError(t, err)
	assert.JSONEq(t, `{"op":"get","api":"pims.authentication.trustedphonenumber","params":{}}`, string(w), "no parameters is an empty object, never null")
}

// A Params cannot be changed through what it hands out: Map is a copy.
func TestParams_MapIsACopy(t *testing.T) {
	src := map[string]string{"type": "addPhoneNumber", "smsCode": "2424"}
	p := pims.ParamsFrom(src)
	src["type"] = "changed after"
	m := p.Map()
	m["smsCode"] = "changed by the reader"
	assert.Equal(t, map[string]string{"type": "addPhoneNumber", "smsCode": "2424"}, p.Map())
	assert.Equal(t, []string{"smsCode", "type"}, inOrder(p), "ParamsFrom sorts by name")
}

func inOrder(p pims.Params) []string {
	var out []string
	for k := range p.All() {
		out = append(out, k)
	}
	return out
}

func TestParams_EqualIgnoresOrder(t *testing.T) {
	a := pims.Pairs("action", "enroll", "pinCode", "1234")
	assert.True(t, a.Equal(pims.Pairs("pinCode", "1234", "action", "enroll")))
	assert.False(t, a.Equal(pims.Pairs("action", "enroll", "pinCode", "4321")))
	assert.False(t, a.Equal(pims.Pairs("action", "enroll")))
	assert.False(t, a.Equal(pims.Pairs("action", "enroll", "smsCode", "1234")))
	assert.True(t, maps.Equal(a.Map(), map[string]string{"action": "enroll", "pinCode": "1234"}))
}

// Every encoding of Params masks the PIN, the code and the phone number;
// only Map, All, Get and WireJSON give them.
func TestParams_EveryEncodingMasks(t *testing.T) {
	p := pims.Pairs("action", "enrollWithPhoneNumber", "pinCode", "424242", "smsCode", "7373", "phoneNumber", "0612345678")
	assert.Equal(t, "action=enrollWithPhoneNumber phoneNumber=06••••••78 pinCode=•••• smsCode=••••", p.String())
	var outs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		outs = append(outs, fmt.Sprintf(verb, p))
	}
	b, err := json.Marshal(p)
	require.NoError(t, err)
	outs = append(outs, string(b))
	var text, js bytes.Buffer
	slog.New(slog.NewTextHandler(&text, nil)).Info("call", "params", p)
	slog.New(slog.NewJSONHandler(&js, nil)).Info("call", "params", p)
	outs = append(outs, text.String(), js.String())
	for _, out := range outs {
		assert.NotContains(t, out, "424242")
		assert.NotContains(t, out, "7373")
		assert.NotContains(t, out, "12345678")
		assert.Contains(t, out, "enrollWithPhoneNumber", "the rest is shown")
	}
	// fmt cannot call Format on an unexported field: it walks the value by
	// reflection, and finds a pointer.
	type holder struct {
		params pims.Params
		req    pims.Request
	}
	h := holder{params: p, req: pims.Request{Op: pims.Set, API: "pims.authentication.enrollment", Params: p}}
	text.Reset()
	slog.New(slog.NewTextHandler(&text, nil)).Info("state", "h", h)
	for _, out := range []string{fmt.Sprintf("%v", h), fmt.Sprintf("%+v", h), fmt.Sprintf("%#v", h), fmt.Sprint([]holder{h}), text.String()} {
		assert.NotContains(t, out, "424242")
		assert.NotContains(t, out, "7373")
		assert.NotContains(t, out, "12345678")
	}
	w, err := pims.Request{Op: pims.Set, API: "pims.authentication.enrollment", Params: p}.WireJSON()
	require.NoError(t, err)
	assert.JSONEq(t, `{"op":"set","api":"pims.authentication.enrollment","params":{"action":"enrollWithPhoneNumber","pinCode":"424242","smsCode":"7373","phoneNumber":"0612345678"}}`, string(w))
}

// Reference: docs/contract.md §4, "Secrets": a decoded Params holds what the
// JSON held, so the masked encoding decodes to masks, never to a secret.
func TestParams_DecodeFromAnObjectOfStrings(t *testing.T) {
	var r pims.Request
	require.NoError(t, json.Unmarshal([]byte(`{"op":"set","api":"pims.authentication.enrollment","params":{"pinCode":"1234","action":"enroll"}}`), &r))
	assert.Equal(t, map[string]string{"action": "enroll", "pinCode": "1234"}, r.Params.Map(), "a request's parameters are not dropped")

	masked, err := json.Marshal(pims.Pairs("pinCode", "1234"))
	require.NoError(t, err)
	var back pims.Params
	require.NoError(t, json.Unmarshal(masked, &back))
	assert.NotEqual(t, "1234", back.Value("pinCode"), "the masked encoding holds no secret to decode")

	var none pims.Params
	require.NoError(t, json.Unmarshal([]byte(`null`), &none))
	assert.Zero(t, none.Len())

	var typeErr *json.UnmarshalTypeError
	assert.ErrorAs(t, json.Unmarshal([]byte(`{"pinCode":1234}`), &none), &typeErr, "a number is not a parameter")
	assert.Error(t, json.Unmarshal([]byte(`["pinCode"]`), &none))
}

func TestParams_SortedYieldsByName(t *testing.T) {
	p := pims.Pairs("type", "addPhoneNumber", "smsCode", "2424", "phoneNumber", "0612345678")
	var names, values []string
	for k, v := range p.Sorted() {
		names, values = append(names, k), append(values, v)
	}
	assert.Equal(t, []string{"phoneNumber", "smsCode", "type"}, names)
	assert.Equal(t, []string{"0612345678", "2424", "addPhoneNumber"}, values, "real values, for a bridge")
	var first []string
	for k := range p.Sorted() {
		first = append(first, k)
		break
	}
	assert.Equal(t, []string{"phoneNumber"}, first, "stops when the loop does")
	var declared []string
	for k := range p.All() {
		declared = append(declared, k)
	}
	assert.Equal(t, []string{"type", "smsCode", "phoneNumber"}, declared, "Sorted sorts a copy: All keeps the declared order")
	for range (pims.Params{}).Sorted() {
		t.Fatal("the zero Params yields nothing")
	}
}

// testify's Equal (reflect.DeepEqual) compares every parameter, not only
// the first: the tests that compare requests rely on it.
func TestParams_DeepEqualSeesEveryValue(t *testing.T) {
	a := pims.Request{Op: pims.Set, API: "pims.authentication.enrollment", Params: pims.Pairs("action", "enroll", "pinCode", "1111")}
	b := a
	b.Params = pims.Pairs("action", "enroll", "pinCode", "2222")
	assert.NotEqual(t, a, b)
	b.Params = pims.Pairs("action", "enroll", "pinCode", "1111")
	assert.Equal(t, a, b, "equal values, another list")
	assert.NotEqual(t, pims.Pairs("actionType", "strong", "type", "isDeviceActivated"), pims.Pairs("actionType", "strong", "type", "isAccountBlocked"))

	// more parameters than any call sends: a list of another size
	five := pims.Pairs("a", "1", "b", "2", "c", "3", "d", "4", "e", "5")
	assert.Equal(t, map[string]string{"a": "1", "b": "2", "c": "3", "d": "4", "e": "5"}, five.Map())
	assert.Equal(t, five, pims.ParamsFrom(five.Map()))
	assert.NotEqual(t, five, pims.Pairs("a", "1", "b", "2", "c", "3", "d", "4", "e", "6"))
}
