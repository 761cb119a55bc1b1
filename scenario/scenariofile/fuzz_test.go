package scenariofile_test

import (
	"errors"
	"testing"

	"github.com/enrollfsm/enrollfsm/scenario/scenariofile"
)

// FuzzParse: any bytes parse or are refused with an *Error matching
// ErrInvalid, never a panic; what parses is written by Marshal, which
// parses again to the same file: the canonical style is a fixed point.
func FuzzParse(f *testing.F) {
	call1 := `{"op":"get","api":"pims.authentication.account","params":{"type":"isDeviceActivated","actionType":"strong"},`
	for _, seed := range []string{
		small,
		`{"name":"x","flow":"full","answers":[],"exchanges":[],"final":"failed","failure":"bad_reply"}`,
		`{"name":"i <&>","flow":"auto","platform":"ios","sdkVersion":"2.0.0","answers":[{"prompt":"retry","action":"retry"},{"wait":"11m"}],"exchanges":[` +
			call1 + `"bridgeError":"offline"},` + call1 + `"reply":"not a message \"\\u00e9\""}],"final":"cancelled","restartAfter":[1]}`,
		`{"name":"v","flow":"remove_vehicle","inputs":{"vin":"VR1AB12C3D4567890"},"autoRemove":true,"answers":[],"exchanges":[],"final":"done","path":["start"],` +
			`"limits":{"codeAttempts":3,"resends":0,"pinAttempts":5,"removals":1,"readAttempts":3,"backoff":"0s","codeTTL":"10m"}}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := scenariofile.Parse(data)
		if err != nil {
			var perr *scenariofile.Error
			if !errors.Is(err, scenariofile.ErrInvalid) || !errors.As(err, &perr) {
				t.Fatalf("untyped error: %v", err)
			}
			return
		}
		out, err := scenariofile.Marshal(s)
		if err != nil {
			t.Fatalf("parsed, but not written: %v", err)
		}
		back, err := scenariofile.Parse(out)
		if err != nil {
			t.Fatalf("written, but not parsed: %v\n%s", err, out)
		}
		again, err := scenariofile.Marshal(back)
		if err != nil || string(again) != string(out) {
			t.Fatalf("not a fixed point (%v):\n%s\n%s", err, out, again)
		}
	})
}
