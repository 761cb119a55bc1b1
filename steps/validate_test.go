package steps_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm/enrollment"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/steps"
)

// Reference: docs/contract.md §4, "Checked before any call".
func TestNormalizePhone(t *testing.T) {
	ok := map[string]string{
		"0612345678":        "0612345678",
		"06 12 34 56 78":    "0612345678",
		"06.12.34.56.78":    "0612345678",
		"+33-6-12-34-56-78": "+33612345678",
		" 123456 ":          "123456",
		"123456789012345":   "123456789012345",
	}
	for in, want := range ok {
		got, err := steps.NormalizePhone(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"", "12345", "1234567890123456", "06x2345678", "++33612345678", "33+612345678", "+", "٠٦١٢٣٤٥٦٧٨"} {
		_, err := steps.NormalizePhone(bad)
		require.Error(t, err, bad)
		assert.ErrorIs(t, err, pimserr.ErrInvalidInput)
		if len(bad) > 1 {
			assert.NotContains(t, err.Error(), bad, "the refused value is never echoed")
		}
	}
}

func TestParseSMSCodeAndPIN(t *testing.T) {
	for _, parse := range []func(string) (interface{ Reveal() string }, error){
		func(s string) (interface{ Reveal() string }, error) { return steps.ParseSMSCode(s) },
		func(s string) (interface{ Reveal() string }, error) { return steps.ParsePIN(s) },
	} {
		for _, good := range []string{"0000", "2424", "24242424"} {
			v, err := parse(good)
			require.NoError(t, err)
			assert.Equal(t, good, v.Reveal())
		}
		for _, bad := range []string{"", "123", "123456789", "12a4", " 1234", "１２３４"} {
			_, err := parse(bad)
			var ie *pimserr.InputError
			require.ErrorAs(t, err, &ie, bad)
			if bad != "" {
				assert.NotContains(t, err.Error(), bad)
			}
		}
	}
}

func TestNormalizeVIN(t *testing.T) {
	got, err := steps.NormalizeVIN(" vr1ab12c3d4567890 ")
	require.NoError(t, err)
	assert.Equal(t, "VR1AB12C3D4567890", got)
	for _, bad := range []string{"", "VR1AB12C3D456789", "VR1AB12C3D45678901", "VR1AB12C3D456789O", "VR1AB12C3D456789I", "VQ1AB12C3D4567890", "VR1AB12C3D4567-90", "VR1AB12C3D45678é"} {
		_, err := steps.NormalizeVIN(bad)
		assert.ErrorIs(t, err, pimserr.ErrInvalidInput, bad)
	}
}

// Reference: issue 27, "modify_phone to the current number succeeds
// silently": a number equal to the trusted one, however it is typed, is
// refused before the certification SMS; the enrollment flows, which have no
// trusted number when they ask one, are unchanged.
func TestKeep_RefusesTheTrustedNumberAsTheNewOne(t *testing.T) {
	in := steps.Inputs{Trusted: "0612345678"}
	for _, same := range []string{"0612345678", "06 12 34 56 78", "06.12.34.56.78"} {
		err := in.Keep(enrollment.PromptPhoneNumber, same)
		var ie *pimserr.InputError
		require.ErrorAs(t, err, &ie, same)
		assert.Equal(t, "invalid phone number: must differ from the account's current number", err.Error())
		assert.Empty(t, in.Phone, "a refused value is not kept")
	}
	require.NoError(t, in.Keep(enrollment.PromptPhoneNumber, "07 98 76 54 32"))
	assert.Equal(t, "0798765432", in.Phone)

	none := steps.Inputs{}
	require.NoError(t, none.Keep(enrollment.PromptPhoneNumber, "0612345678"))
}
