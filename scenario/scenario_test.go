package scenario_test

import (
	"context"
	"flag"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/flows"
	"github.com/enrollfsm/enrollfsm/fsm"
	"github.com/enrollfsm/enrollfsm/scenario"
)

var dir = flag.String("scenarios", "../testdata/scenarios", "folder of scenario files to replay")

// TestReplay replays every scenario of testdata/scenarios, as
// `go run ./cmd/enroll replay testdata/scenarios` does.
func TestReplay(t *testing.T) {
	all, err := scenario.Load(*dir)
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(all), 30, "the conformance suite has at least 30 scenarios")
	for _, s := range all {
		t.Run(s.File, func(t *testing.T) {
			r := scenario.Run(context.Background(), s)
			require.NoError(t, r.Err)
		})
	}
}

// TestReplay_TransitionCoverage fails when an edge of any table is not taken
// by a scenario, and prints covered/total per table.
func TestReplay_TransitionCoverage(t *testing.T) {
	all, err := scenario.Load(*dir)
	require.NoError(t, err)
	taken := map[enrollfsm.Flow]map[fsm.Row]bool{}
	for _, s := range all {
		r := scenario.Run(context.Background(), s)
		if r.Err != nil {
			continue
		}
		if taken[r.Flow] == nil {
			taken[r.Flow] = map[fsm.Row]bool{}
		}
		for _, tr := range r.Transitions {
			taken[r.Flow][fsm.Row{Event: tr.Event, Src: tr.From, Dst: tr.To}] = true
		}
	}
	var flows []enrollfsm.Flow
	for f := range enrollfsm.Tables() {
		flows = append(flows, f)
	}
	sort.Slice(flows, func(i, j int) bool { return flows[i] < flows[j] })
	for _, flow := range flows {
		rows := enrollfsm.Tables()[flow].Def.Rows()
		var missing []string
		for _, r := range rows {
			if !taken[flow][r] {
				missing = append(missing, fmt.Sprintf("%s --%s--> %s", r.Src, r.Event, r.Dst))
			}
		}
		sort.Strings(missing)
		t.Logf("%s: %d/%d transitions covered by scenarios", flow, len(rows)-len(missing), len(rows))
		if len(missing) > 0 {
			t.Errorf("%s: %d transitions no scenario takes:\n  %s", flow, len(missing), strings.Join(missing, "\n  "))
		}
	}
}

// TestReplay_NoCallThePathDoesNotRequire: on every scenario, the engine
// makes exactly one call per entry into a calling state, plus one per read
// retried in place, and nothing else.
func TestReplay_NoCallThePathDoesNotRequire(t *testing.T) {
	all, err := scenario.Load(*dir)
	require.NoError(t, err)
	for _, s := range all {
		r := scenario.Run(context.Background(), s)
		require.NoError(t, r.Err, s.File)
		tab := enrollfsm.Tables()[r.Flow]
		required := 0
		for _, tr := range r.Transitions {
			if st, _ := tab.State(tr.To); st.Kind == flows.Calling {
				required++ // an entry, or a read retried in place
			}
		}
		assert.Equal(t, required, len(s.Exchanges), "%s: calls made vs calls its path requires", s.File)
	}
}
