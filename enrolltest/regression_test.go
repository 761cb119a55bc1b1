package enrolltest_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/enrolltest"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/simulator"
)

// Two engine bugs the kit found, replayed step by step as regressions.

// answerRightly answers n prompts as enrolltest.User would.
func answerRightly(t *testing.T, h *enrolltest.Harness, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		a, err := enrolltest.User{Truth: h.Sim}.Answer(t.Context(), h.Pending())
		require.NoError(t, err)
		require.NoError(t, h.Answer(a), "answer %d", i+1)
	}
}

// Step 7 registers the PIN and its reply is lost; call 1 says the device is
// not enrolled (step 7 does not enroll it), so step 7 is sent again, and the
// server, which has the PIN now, takes it as step 8: the device is enrolled
// and step 8 is refused with 2317. The engine checks call 1 before asking
// to remove every enrollment.
func TestRegression_Step7ResentThen2317IsVerified(t *testing.T) {
	h, err := enrolltest.NewHarness(enrolltest.RunConfig{Setting: enrolltest.Setting{Settings: enrollfsm.Settings{Flow: enrollfsm.FlowFull}}, Situation: simulator.SituationNew})
	require.NoError(t, err)
	answerRightly(t, h, 3) // phone, certification code, enrollment code
	require.Equal(t, enrollfsm.PromptNewPIN, h.Pending().Prompt)
	h.Inject(enrolltest.Fault{Kind: enrolltest.FaultLost}) // step 7 acts, its reply is lost
	answerRightly(t, h, 2)                                 // the new PIN; retry
	require.NoError(t, h.Finish())
	out, _ := h.Engine.Outcome()
	assert.Equal(t, enrollfsm.Enrolled, out.State)
	assert.True(t, h.Sim.DeviceActivated())
	assert.Zero(t, h.Engine.Counters().Removals, "no removal was asked")
	require.NoError(t, h.Err())
}

// A bridge error at step 7, another at its verification; the app is restored
// at interrupted. The retry verifies; the device is not enrolled, and step 7's
// PIN went with the restore, its reply never came: the run goes back to the
// new PIN's prompt, with that PIN counted as wrong (docs/contract.md §4).
// Reference: docs/contract.md §4 "the restore counts that answer as a wrong attempt".
func TestRegression_PINAskedAgainBeforeAResumedCall(t *testing.T) {
	h, err := enrolltest.NewHarness(enrolltest.RunConfig{Setting: enrolltest.Setting{Settings: enrollfsm.Settings{Flow: enrollfsm.FlowFull}}, Situation: simulator.SituationNew})
	require.NoError(t, err)
	answerRightly(t, h, 3)
	h.Inject(enrolltest.Fault{Kind: enrolltest.FaultBridge}) // at step 7
	h.Inject(enrolltest.Fault{Kind: enrolltest.FaultBridge}) // at its verification, call 1
	answerRightly(t, h, 2)                                   // the new PIN; retry
	require.Equal(t, enrollfsm.State("interrupted"), h.Pending().State)
	h.Restart()
	assert.Equal(t, enrollfsm.PromptRetry, h.Pending().Prompt, "call 1 checks first: step 7 may have enrolled the device")
	answerRightly(t, h, 1) // retry: call 1 says not enrolled
	p := h.Pending()
	assert.Equal(t, enrollfsm.PromptNewPIN, p.Prompt, "the PIN of the call the verification resumes")
	assert.ErrorIs(t, p.Reason, pimserr.ErrReplyLost)
	assert.Equal(t, 1, h.Engine.Counters().WrongPINs, "the PIN whose reply never came counts")
	answerRightly(t, h, 1) // the PIN again
	require.NoError(t, h.Finish())
	out, _ := h.Engine.Outcome()
	assert.Equal(t, enrollfsm.Enrolled, out.State)
	require.NoError(t, h.Err())
}
