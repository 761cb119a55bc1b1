package simulator

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A library refuses a bad option with an error, never a panic.
func TestNew_RefusesBadOptionsWithoutPanic(t *testing.T) {
	bad := map[string][]Option{
		"platform windows":  {WithPlatform("windows")},
		"platform IOS":      {WithPlatform("IOS")},
		"unknown situation": {WithSituation("nowhere")},
		"zero devices":      {WithMaxDevices(0)},
		"zero wrong PINs":   {WithMaxWrongPINs(0)},
		"nil clock":         {WithNow(nil)},
		"nil sleep":         {WithSleep(nil)},
		"unknown block":     {WithAccount(Account{Blocked: "Frozen"})},
		"negative devices":  {WithAccount(Account{OtherDevices: -1})},
	}
	for name, opts := range bad {
		t.Run(name, func(t *testing.T) {
			var s *Simulator
			var err error
			require.NotPanics(t, func() { s, err = New(opts...) })
			assert.ErrorIs(t, err, ErrOption)
			assert.Nil(t, s)
		})
	}
	s, err := New(WithPlatform(IOS), WithSituation(SituationBlocked), WithLatency(time.Millisecond, 0))
	require.NoError(t, err)
	assert.NotNil(t, s)
	assert.Panics(t, func() { MustNew(WithPlatform("windows")) })
}
