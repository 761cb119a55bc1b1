package scenario_test

import (
	"context"
	"errors"
	"testing"

	"github.com/enrollfsm/enrollfsm/scenario"
)

// The fuzzer minimises every new input it finds before going on, running it
// once per byte or so: with a 2 KB scenario file and a replay near a
// millisecond under coverage, that stalled it for a minute at a time (0
// executions a second, no input slower than 1 ms). Seeds are therefore a few
// hundred bytes, and parsing and replay are fuzzed apart.

// FuzzParse: any bytes load as a checked scenario or are refused with
// ErrInvalid, never a panic. Seeds: testdata/fuzz/FuzzParse and small
// scenarios.
func FuzzParse(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := scenario.Parse(data); err != nil && !errors.Is(err, scenario.ErrInvalid) {
			t.Fatalf("untyped error: %v", err)
		}
	})
}

// FuzzReplay: a scenario that parses replays to a pass or a fail, never a
// panic or a hang. Seeds: testdata/fuzz/FuzzReplay and small scenarios.
func FuzzReplay(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := scenario.Parse(data)
		if err != nil {
			return
		}
		_ = scenario.Run(context.Background(), s)
	})
}

func addSeeds(f *testing.F) {
	call1 := `{"op":"get","api":"pims.authentication.account","params":{"actionType":"strong","type":"isDeviceActivated"},`
	for _, seed := range []string{
		`{"name":"x","flow":"full","answers":[],"exchanges":[],"final":"failed"}`,
		`{"name":"e","flow":"full","answers":[],"exchanges":[` + call1 + `"reply":{"status":"SUCCEEDED","result":{"isDeviceActivated":true}}}],"final":"enrolled"}`,
		`{"name":"i","flow":"auto","platform":"ios","sdkVersion":"2.0.0","answers":[{"prompt":"retry","action":"retry"},{"wait":"11m"}],"exchanges":[` +
			call1 + `"bridgeError":"offline"},` + call1 + `"reply":{"status":"FAILED","error":{"code":2317}}}],"final":"cancelled","restartAfter":[1]}`,
		`{"name":"v","flow":"remove_vehicle","inputs":{"vin":"VR1AB12C3D4567890"},"autoRemove":true,"answers":[],"exchanges":[],"final":"done","path":["start"]}`,
	} {
		f.Add([]byte(seed))
	}
}
