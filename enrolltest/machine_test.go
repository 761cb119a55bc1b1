package enrolltest_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/enrolltest"
)

// hostApp is the state machine rapid drives: an app that runs one flow
// after another against the simulator. Its actions are the user's answers,
// faults on the next call, and what the host does (restart from a snapshot,
// leave the app idle, cancel); Check holds the engine to the Oracle's
// verdict after each action.
type hostApp struct {
	flow enrollfsm.Flow
	h    *enrolltest.Harness
	seen map[string]bool // platform and automatic removal of the runs made
}

func (m *hostApp) newRun(t *rapid.T) {
	cfg := enrolltest.FlowConfigGen(m.flow).Draw(t, "config")
	h, err := enrolltest.NewHarness(cfg)
	require.NoError(t, err)
	m.h = h
	m.seen[string(cfg.Platform)] = true
	if cfg.AutoRemove {
		m.seen["autoRemove"] = true
	} else {
		m.seen["confirmRemoval"] = true
	}
}

// Answer: the user answers one to four prompts in a row, rightly, wrongly,
// with a malformed value or with any action.
func (m *hostApp) Answer(t *rapid.T) {
	if m.h.Ended() {
		t.Skip("the run is over")
	}
	n := rapid.IntRange(1, 4).Draw(t, "answers")
	for i := 0; i < n && !m.h.Ended(); i++ {
		_ = m.h.Answer(enrolltest.AnswerGen(m.h.Pending(), m.h.Sim).Draw(t, "answer"))
	}
}

// Fault: the next call meets a documented or unknown code, a bridge error,
// a lost or malformed reply, a cancelled context, or Engine.Cancel.
func (m *hostApp) Fault(t *rapid.T) {
	if m.h.Ended() {
		t.Skip("the run is over")
	}
	m.h.Inject(enrolltest.FaultGen().Draw(t, "fault"))
}

// Host: the app is killed and restored from a snapshot at the prompt, the
// user leaves it idle (a while, or past an SMS code's life), or the host
// cancels.
func (m *hostApp) Host(t *rapid.T) {
	if m.h.Ended() {
		t.Skip("the run is over")
	}
	switch n := rapid.IntRange(0, 99).Draw(t, "host"); {
	case n < 45:
		m.h.Restart()
	case n < 70:
		m.h.Sleep(90 * time.Second)
	case n < 90:
		m.h.Sleep(11 * time.Minute) // past the 10-minute life of a code
	default:
		_ = m.h.Cancel()
	}
}

// NewRun starts the next run once one is over.
func (m *hostApp) NewRun(t *rapid.T) {
	if !m.h.Ended() {
		t.Skip("a run is going on")
	}
	m.newRun(t)
}

func (m *hostApp) Check(t *rapid.T) {
	require.NoError(t, m.h.Err())
	if m.h.Ended() {
		require.NoError(t, m.h.Finish())
	}
}

// TestMachine drives the real engine against the simulator, judged by the
// Oracle, flow by flow, with rapid's state-machine actions.
// Reference: docs/contract.md §2–§5.
func TestMachine(t *testing.T) {
	for _, flow := range enrollfsm.Flows() {
		t.Run(string(flow), func(t *testing.T) {
			seen := map[string]bool{}
			checks := 0
			rapid.Check(t, func(t *rapid.T) {
				checks++
				m := &hostApp{flow: flow, seen: seen}
				m.newRun(t)
				t.Repeat(rapid.StateMachineActions(m))
			})
			if checks >= 50 { // both platforms and both removal modes were drawn
				for _, k := range []string{"android", "ios", "autoRemove", "confirmRemoval"} {
					assert.True(t, seen[k], "no run with %s", k)
				}
			}
		})
	}
}
