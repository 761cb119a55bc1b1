package enrolltest_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/enrolltest"
	"github.com/enrollfsm/enrollfsm/fsm"
	"github.com/enrollfsm/enrollfsm/scenario"
	"github.com/enrollfsm/enrollfsm/scenario/scenariofile"
)

// A run written under a host's own limits states them, so that its replay
// runs the engine and judges it under the same limits: with one attempt
// per read, a bridge error at call 1 interrupts the run at once, which the
// default limits would retry.
func TestScenarioTaking_WritesTheHostsLimits(t *testing.T) {
	limits := enrollfsm.Limits{CodeAttempts: 2, Resends: 1, PINAttempts: 2, Removals: 0, ReadAttempts: 1,
		Backoff: 250 * time.Millisecond, CodeTTL: 5 * time.Minute}
	set := enrolltest.Setting{Settings: enrollfsm.Settings{Flow: enrollfsm.FlowFull}, Limits: limits}
	row := fsm.Row{Event: "call_interrupted", Src: "checking_enrollment", Dst: "interrupted"}
	data, err := enrolltest.ScenarioTaking(context.Background(), set, row)
	require.NoError(t, err)

	s, err := scenariofile.Parse(data)
	require.NoError(t, err, "%s", data)
	require.NotNil(t, s.Limits, "%s", data)
	assert.Equal(t, limits, *s.Limits)
	canonical, err := scenariofile.Marshal(s)
	require.NoError(t, err)
	assert.Equal(t, string(canonical), string(data), "written in the canonical style")
	require.Len(t, s.Exchanges, 1, "one attempt of call 1, then cancel:\n%s", data)

	r := scenario.Run(context.Background(), s)
	require.NoError(t, r.Err, "%s", data)

	// The same file without its limits is another run: call 1 is tried again.
	s.Limits = nil
	assert.Error(t, scenario.Run(context.Background(), s).Err)
	assert.True(t, bytes.Contains(data, []byte(`"limits": {"codeAttempts": 2, "resends": 1, "pinAttempts": 2, "removals": 0, "readAttempts": 1, "backoff": "250ms", "codeTTL": "5m0s"}`)), "%s", data)
}
