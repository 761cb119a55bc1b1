package scenario_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm/scenario"
)

func TestWait_ExpiresACode(t *testing.T) {
	all, err := scenario.Load("../testdata/scenarios/full_wait_expires_the_enrollment_code.json")
	require.NoError(t, err)
	s := all[0]
	require.NoError(t, scenario.Run(context.Background(), s).Err)

	// Without the wait the code is still valid: the engine checks it (step 6)
	// where the file expects a new SMS (step 5).
	s.Answers = s.Answers[1:]
	err = scenario.Run(context.Background(), s).Err
	require.Error(t, err)
	assert.Contains(t, err.Error(), "unexpected request")
}

func TestRestartAfter_ZeroAndAfterAWait(t *testing.T) {
	all, err := scenario.Load("../testdata/scenarios/restart_at_first_prompt_and_after_a_wait.json")
	require.NoError(t, err)
	s := all[0]
	require.Equal(t, []int{0, 1}, s.RestartAfter)
	r := scenario.Run(context.Background(), s)
	require.NoError(t, r.Err)
	// a restore re-enters no state: the path is the run's own
	assert.Equal(t, s.Path, stateNames(r))
}

func TestParse_WaitEntries(t *testing.T) {
	for _, bad := range []string{
		`{"wait": "soon"}`,
		`{"wait": "-1m"}`,
		`{"wait": "0s"}`,
		`{"wait": "11m", "prompt": "pin"}`,
		`{"wait": "11m", "action": "cancel"}`,
	} {
		_, err := scenario.Parse([]byte(`{"name":"x","flow":"full","answers":[` + bad + `],"exchanges":[],"final":"cancelled"}`))
		assert.ErrorIs(t, err, scenario.ErrInvalid, bad)
	}
	_, err := scenario.Parse([]byte(`{"name":"x","flow":"full","answers":[{"wait":"11m"}],"restartAfter":[0,1],"exchanges":[],"final":"cancelled"}`))
	assert.NoError(t, err)
	_, err = scenario.Parse([]byte(`{"name":"x","flow":"full","answers":[],"restartAfter":[-1],"exchanges":[],"final":"cancelled"}`))
	assert.ErrorIs(t, err, scenario.ErrInvalid)
}

func stateNames(r scenario.Result) []string {
	out := make([]string, len(r.Path))
	for i, st := range r.Path {
		out[i] = string(st)
	}
	return out
}
