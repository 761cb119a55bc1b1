package pims_test

import (
	"encoding/json"
	"errors"
	"testing"

	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/pims"
)

// FuzzDecodeMessage: any bytes decode to a well-formed message or a
// *pimserr.ProtocolError, never a panic. Seeds: testdata/fuzz/FuzzDecodeMessage.
func FuzzDecodeMessage(f *testing.F) {
	for _, s := range []string{
		`{"transactionId": "953cfefb-bc72", "status": "SUCCEEDED", "result": null}`,
		`{"transactionId": "t", "status": "FAILED", "error": {"code": 2317, "label": "x"}}`,
		`{"status": "SUCCEEDED", "result": {"isAccountBlocked": "PINBlocked"}}`,
		`{"status": "FAILED", "error": {"code": "2201"}}`,
		`{"status": 1}`, `[]`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := pims.DecodeMessage(data)
		if err != nil {
			var pe *pimserr.ProtocolError
			if !errors.As(err, &pe) {
				t.Fatalf("error is not a ProtocolError: %T %v", err, err)
			}
			return
		}
		if err := m.Check(); err != nil {
			t.Fatalf("decoded message is not well-formed: %v", err)
		}
		if m.Status == pims.Failed && m.Err() == nil {
			t.Fatal("FAILED without an error")
		}
	})
}

// FuzzParamsJSON: any bytes decode to parameters or an error, never a
// panic; what decodes encodes back to the same parameters (WireJSON's form).
// Seeds: testdata/fuzz/FuzzParamsJSON.
func FuzzParamsJSON(f *testing.F) {
	for _, s := range []string{
		`{"action": "enroll", "pinCode": "1234", "smsCode": "24242424"}`,
		`{}`, `null`, `{"a": "1", "a": "2"}`, `{"pinCode": 1234}`, `["x"]`, `{"\u00e9": "\ud800"}`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var p pims.Params
		if json.Unmarshal(data, &p) != nil {
			return
		}
		wire, err := pims.Request{Params: p}.WireJSON()
		if err != nil {
			t.Fatalf("decoded parameters do not encode: %v", err)
		}
		var back struct{ Params pims.Params }
		if err := json.Unmarshal(wire, &back); err != nil {
			t.Fatalf("the wire form does not decode: %v", err)
		}
		if !back.Params.Equal(p) {
			t.Fatalf("round trip changed the parameters: %d then %d", p.Len(), back.Params.Len())
		}
	})
}
