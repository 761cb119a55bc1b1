package pims_test

import (
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
