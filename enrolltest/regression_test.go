package enrolltest_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/enrolltest"
	"github.com/enrollfsm/enrollfsm/simulator"
)

// The engine bugs the kit found, each replayed step by step. They were
// reported; the Checker keeps them apart from violations unless strict.
// When one is fixed, its test fails: delete the KnownBug and the test.

// answerRightly answers n prompts as enrolltest.User would.
func answerRightly(t *testing.T, h *enrolltest.Harness, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		a, err := enrolltest.User{Truth: h.Sim}.Answer(t.Context(), h.Pending())
		require.NoError(t, err)
		require.NoError(t, h.Answer(a), "answer %d", i+1)
	}
}

func TestKnownBug_Step7Resent(t *testing.T) {
	for _, strict := range []bool{false, true} {
		h, err := enrolltest.NewHarness(enrolltest.RunConfig{Flow: enrollfsm.FlowFull, Situation: simulator.SituationNew, Strict: strict})
		require.NoError(t, err)
		answerRightly(t, h, 3) // phone, certification code, enrollment code
		require.Equal(t, enrollfsm.PromptNewPIN, h.Pending().Prompt)
		h.Inject(enrolltest.Fault{Kind: enrolltest.FaultLost}) // step 7 registers the PIN, its reply is lost
		answerRightly(t, h, 2)                                 // the new PIN; retry: 1 says not enrolled, 7 again, 8
		assert.Equal(t, enrollfsm.State("confirming_removal"), h.Pending().State, "8 was refused with 2317")
		if strict {
			require.Error(t, h.Err())
			assert.Contains(t, h.Err().Error(), "the resumed step 7 enrolled the device")
			continue
		}
		require.NoError(t, h.Err())
		bugs := h.Checker.KnownBugs()
		require.Len(t, bugs, 1, "fixed? delete KnownBugStep7Resent and this test")
		assert.Contains(t, bugs[0].Detail, string(enrolltest.KnownBugStep7Resent))
	}
}

func TestKnownBug_ResumeAfterRestore(t *testing.T) {
	h, err := enrolltest.NewHarness(enrolltest.RunConfig{Flow: enrollfsm.FlowFull, Situation: simulator.SituationNew})
	require.NoError(t, err)
	answerRightly(t, h, 3)
	h.Inject(enrolltest.Fault{Kind: enrolltest.FaultBridge}) // at step 7
	h.Inject(enrolltest.Fault{Kind: enrolltest.FaultBridge}) // at its verification, call 1
	answerRightly(t, h, 2)                                   // the new PIN; retry
	require.Equal(t, enrollfsm.State("interrupted"), h.Pending().State)
	h.Restart() // the PIN is dropped; the re-ask looks at call 1 only
	answerRightly(t, h, 1)
	require.NoError(t, h.Finish())
	out, _ := h.Engine.Outcome()
	assert.Equal(t, enrollfsm.Failed, out.State)
	bugs := h.Checker.KnownBugs()
	require.Len(t, bugs, 1, "fixed? delete KnownBugResumeAfterRestore and this test")
	assert.Contains(t, bugs[0].Detail, string(enrolltest.KnownBugResumeAfterRestore))
}
