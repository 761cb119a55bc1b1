package scenario_test

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/enrollfsm/enrollfsm/scenario"
)

// FuzzParse: any bytes load as a checked scenario or are refused with
// ErrInvalid; a loaded one replays without a panic (pass or fail).
// Seeds: testdata/fuzz/FuzzParse and two files of the suite.
func FuzzParse(f *testing.F) {
	for _, file := range []string{"full_new_account_ios.json", "restart_full_ios_at_pin_reasks_enrollment_code.json"} {
		data, err := os.ReadFile("../testdata/scenarios/" + file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"name":"x","flow":"full","answers":[],"exchanges":[],"final":"failed"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := scenario.Parse(data)
		if err != nil {
			if !errors.Is(err, scenario.ErrInvalid) {
				t.Fatalf("untyped error: %v", err)
			}
			return
		}
		_ = scenario.Run(context.Background(), s)
	})
}
