package enrolltest_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm/enrolltest"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
)

func TestParseLimits(t *testing.T) {
	l, err := enrolltest.ParseLimits("pins=3, codes=2,resends=5,ttl=90s")
	require.NoError(t, err)
	want := enrolltest.ContractLimits()
	want.PINAttempts, want.CodeAttempts, want.Resends, want.CodeTTL = 3, 2, 5, 90*time.Second
	assert.Equal(t, want, l)

	all := enrolltest.FormatLimits(want)
	back, err := enrolltest.ParseLimits(all)
	require.NoError(t, err)
	assert.Equal(t, want, back, all)

	for _, bad := range []string{"", " ", "pins", "pins=", "=3", "pins=3,pins=4", "tries=3", "pins=-1", "pins=x",
		"ttl=10", "backoff=-1s", "pins=3,", "pins=1001"} {
		_, err := enrolltest.ParseLimits(bad)
		assert.ErrorIs(t, err, pimserr.ErrConfig, "%q", bad)
	}
}

// Whatever the text, ParseLimits gives limits or an ErrConfig; what it
// gives, FormatLimits writes back to the same limits.
func FuzzParseLimits(f *testing.F) {
	for _, s := range []string{"pins=3,codes=3,resends=5", "ttl=10m,backoff=500ms", "removals=0", "reads=1,pins=1000", "pins=3,pins=3", "ttl=1h1m1s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l, err := enrolltest.ParseLimits(s)
		if err != nil {
			if !errors.Is(err, pimserr.ErrConfig) {
				t.Fatalf("%q: %v is not ErrConfig", s, err)
			}
			return
		}
		back, err := enrolltest.ParseLimits(enrolltest.FormatLimits(l))
		if err != nil || back != l {
			t.Fatalf("%q: %+v wrote %q, read back %+v, %v", s, l, enrolltest.FormatLimits(l), back, err)
		}
	})
}
