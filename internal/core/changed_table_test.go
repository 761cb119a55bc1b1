package core

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm/enrollment"
	"github.com/enrollfsm/enrollfsm/flows"
	"github.com/enrollfsm/enrollfsm/flows/full"
	"github.com/enrollfsm/enrollfsm/pims"
)

// playFull runs a new account through the full flow on a core and returns
// where it ended, with its counters.
func playFull(t *testing.T) (enrollment.State, enrollment.Counters) {
	t.Helper()
	replies := []pims.Message{
		pims.Success("t1", map[string]any{"isDeviceActivated": false}),
		pims.Success("t2", map[string]any{"isAccountBlocked": "NotBlocked"}),
		pims.Success("t3", map[string]any{"phoneNumber": nil}),
		pims.Success("t4", nil), pims.Success("t5", nil), pims.Success("t6", nil),
		pims.Success("t7", map[string]any{"status": "NotEnrolled"}),
		pims.Success("t8", nil), pims.Success("t9", nil),
	}
	answers := map[enrollment.Prompt]string{
		enrollment.PromptPhoneNumber: "0612345678", enrollment.PromptCertificationCode: "2424",
		enrollment.PromptEnrollmentCode: "24242424", enrollment.PromptNewPIN: "1234",
	}
	c, err := New(enrollment.FlowFull, Defaults())
	require.NoError(t, err)
	for n := 0; n < 40; n++ {
		var p enrollment.Pending
		c.Next(&p)
		switch p.Kind {
		case enrollment.PendingCall:
			require.Less(t, int(c.Counters().Calls), len(replies), "more calls than replies at %s", p.State)
			require.NoError(t, c.Deliver(p.Call.ID, &replies[c.Counters().Calls], nil, 0))
		case enrollment.PendingPrompt:
			require.NoError(t, c.Answer(enrollment.Answer{Prompt: p.Prompt, Value: answers[p.Prompt]}))
		default:
			return c.State(), c.Counters()
		}
	}
	t.Fatal("the run did not end")
	return "", enrollment.Counters{}
}

// The compiled tables are package variables a host can reach. A table
// whose edges a host reordered or emptied after it was compiled still
// leaves the engine taking the edge the machine took, looked up by its
// event: no panic, and no other edge's effects.
func TestTake_ATableChangedAfterCompileIsLookedUp(t *testing.T) {
	wantEnd, wantCounters := playFull(t)
	require.Equal(t, enrollment.Enrolled, wantEnd)

	states := full.Table.Spec.States
	saved := make([][]flows.Edge, len(states))
	for i := range states {
		saved[i] = states[i].Edges
	}
	defer func() {
		for i := range states {
			states[i].Edges = saved[i]
		}
	}()

	for i := range states { // reversed: each row now names another edge
		rev := append([]flows.Edge(nil), saved[i]...)
		for a, b := 0, len(rev)-1; a < b; a, b = a+1, b-1 {
			rev[a], rev[b] = rev[b], rev[a]
		}
		states[i].Edges = rev
	}
	end, counters := playFull(t)
	assert.Equal(t, wantEnd, end)
	assert.Equal(t, wantCounters, counters)

	for i := range states { // emptied: the machine still moves, with no effect
		states[i].Edges = nil
	}
	assert.NotPanics(t, func() {
		_, err := New(enrollment.FlowFull, Defaults())
		assert.NoError(t, err)
	})
}
