package explore

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/docs"
	"github.com/enrollfsm/enrollfsm/scenario"
)

// secret is every PIN and SMS code the walks type.
const secret = "86420975"

// drawInput draws a move the page offers at p: a reply button at a call;
// at a prompt, a well-formed value, a malformed one, an offered action, or
// at a code prompt the wait that lets the code expire.
// Results and good values are drawn more often than the rest, so that walks
// go deep as well as fail.
func drawInput(rng *rand.Rand, r *run, p enrollfsm.Pending) Input {
	if p.Kind == enrollfsm.PendingCall {
		st, _ := r.table.State(p.State)
		opts := replyOptions(st.Step)
		if rng.IntN(8) > 0 {
			opts = opts[:len(variants(st.Step))]
		}
		return Input{Reply: opts[rng.IntN(len(opts))].ID}
	}
	prompt := string(p.Prompt)
	if p.Prompt.IsCode() && rng.IntN(12) == 0 {
		return Input{Wait: codeWait.String()}
	}
	if takesValue(p.Prompt) && rng.IntN(10) < 7 {
		switch {
		case rng.IntN(7) == 0:
			return Input{Prompt: prompt, Value: "12"}
		case p.Prompt == enrollfsm.PromptPhoneNumber:
			return Input{Prompt: prompt, Value: "06 12 34 56 78"}
		default:
			return Input{Prompt: prompt, Value: secret}
		}
	}
	if len(p.Actions) == 0 {
		return Input{Prompt: prompt, Value: secret}
	}
	return Input{Prompt: prompt, Action: string(p.Actions[rng.IntN(len(p.Actions))])}
}

// Any walk the page allows, stepping back on the way, ends (if it ends) in
// a scenario that the replay runner passes, and stepping back to a move
// gives the state the walk was in after it. 1000 walks, each from its own
// seed (the failure names it).
func TestRandomWalksReplay(t *testing.T) {
	pick := func(rng *rand.Rand, from ...string) string { return from[rng.IntN(len(from))] }
	ended, waited := 0, 0
	svg, err := fs.ReadFile(docs.Files, "full.svg")
	require.NoError(t, err)
	for seed := uint64(1); seed <= 1000; seed++ {
		rng := rand.New(rand.NewPCG(seed, 0))
		cfg := Config{
			Flow:       pick(rng, "full", "full", "shortcut", "shortcut", "reset_pin", "update_pin", "modify_phone", "remove_enrollments", "remove_vehicle"),
			Platform:   pick(rng, "android", "ios"),
			AutoRemove: rng.IntN(2) == 0,
			Situation:  pick(rng, "", "new", "pin_exists", "blocked", "enrolled"),
		}
		r, err := newRun(cfg)
		require.NoError(t, err, "seed %d", seed)
		var states []string
		for range 80 {
			p := r.e.Next()
			if p.Kind == enrollfsm.PendingNone {
				break
			}
			states = append(states, string(p.State))
			require.NoError(t, r.apply(drawInput(rng, r, p)), "seed %d", seed)
			if seed%25 == 0 {
				// what the page and the API show never holds a typed secret
				v := r.view("x", svg)
				data, err := json.Marshal(v)
				require.NoError(t, err)
				var html bytes.Buffer
				require.NoError(t, page.Execute(&html, v))
				require.False(t, strings.Contains(string(data)+html.String(), secret), "seed %d: a typed secret is shown at %s", seed, v.State)
			}
			if len(r.inputs) > 1 && rng.IntN(10) == 0 {
				to := rng.IntN(len(r.inputs))
				back, err := replay(r.cfg, r.inputs[:to])
				require.NoError(t, err, "seed %d", seed)
				require.Equal(t, states[to], string(back.e.State()), "seed %d: back to %d", seed, to)
				require.Equal(t, append([]Entry{}, r.history[:to]...), append([]Entry{}, back.history...), "seed %d", seed)
				r, states = back, states[:to]
			}
		}
		if _, over := r.e.Outcome(); !over {
			_, err := r.transcript()
			require.ErrorIs(t, err, ErrConflict, "seed %d", seed)
			continue
		}
		ended++
		if len(r.waits) > 0 {
			waited++
		}
		data, err := r.transcript()
		require.NoError(t, err, "seed %d", seed)
		s, err := scenario.Parse(data)
		require.NoError(t, err, "seed %d: %s", seed, data)
		res := scenario.Run(context.Background(), s)
		require.NoError(t, res.Err, "seed %d: %s", seed, data)
	}
	require.Greater(t, ended, 750, "most walks end")
	require.Greater(t, waited, 10, "some let a code expire on the way")
	t.Logf("%d walks ended, %d of them with a wait", ended, waited)
}
