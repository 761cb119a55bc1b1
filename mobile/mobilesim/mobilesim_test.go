package mobilesim_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm/mobile"
	"github.com/enrollfsm/enrollfsm/mobile/mobilesim"
)

func TestEnrollsThroughTheBoundAPI(t *testing.T) {
	sim, err := mobilesim.NewSimulator(mobilesim.SituationHasPhone, mobile.PlatformIOS)
	require.NoError(t, err)
	e, err := (&mobile.Config{Flow: mobile.FlowFull, Platform: mobile.PlatformIOS}).Start()
	require.NoError(t, err)
	for range 20 {
		p, err := e.Advance(sim)
		require.NoError(t, err)
		if p.Kind == mobile.PendingNone {
			break
		}
		switch p.Prompt {
		case mobile.PromptEnrollmentCode:
			require.NoError(t, e.Answer(p.Prompt, sim.LastCode(mobilesim.KindEnrollment)))
		case mobile.PromptNewPIN:
			require.NoError(t, e.Answer(p.Prompt, "2468"))
		default:
			t.Fatalf("unexpected prompt %s", p.Prompt)
		}
	}
	require.NotNil(t, e.Outcome())
	assert.Equal(t, mobile.StateEnrolled, e.Outcome().State)
	assert.True(t, sim.DeviceActivated())
}

func TestInjectedCodeAndPullStyle(t *testing.T) {
	sim, err := mobilesim.NewSimulator(mobilesim.SituationEnrolled, mobile.PlatformAndroid)
	require.NoError(t, err)
	sim.InjectNext(2312)
	e, err := (&mobile.Config{}).Start()
	require.NoError(t, err)
	p := e.Next()
	msg, err := sim.Call(p.Request())
	require.NoError(t, err)
	require.NoError(t, e.Deliver(p.CallID, msg))
	out := e.Outcome()
	require.NotNil(t, out)
	assert.Equal(t, "pims:2312", out.Failure)
}

func TestMisuseIsAnError(t *testing.T) {
	_, err := mobilesim.NewSimulator("nowhere", mobile.PlatformAndroid)
	assert.ErrorContains(t, err, "unknown situation")
	_, err = mobilesim.NewSimulator(mobilesim.SituationNew, "symbian")
	assert.ErrorContains(t, err, "platform")

	var zero mobilesim.Simulator
	_, err = zero.Call(`{}`)
	assert.Error(t, err)
	assert.Empty(t, zero.LastCode(mobilesim.KindEnrollment))
	assert.False(t, zero.DeviceActivated())

	sim, err := mobilesim.NewSimulator(mobilesim.SituationNew, mobile.PlatformAndroid)
	require.NoError(t, err)
	_, err = sim.Call(`not json`)
	assert.ErrorContains(t, err, "request")
}
