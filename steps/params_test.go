package steps_test

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm/enrollment"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/pims"
	"github.com/enrollfsm/enrollfsm/redact"
	"github.com/enrollfsm/enrollfsm/steps"
)

// shared reports whether two Params hold one list.
func shared(a, b pims.Params) bool {
	return reflect.ValueOf(a).Field(0).UnsafePointer() == reflect.ValueOf(b).Field(0).UnsafePointer()
}

// A call that sends only constants shares its parameters between its
// requests; a call that carries an answer builds its own each time.
func TestRequest_ConstantParametersShared_AnswersNever(t *testing.T) {
	for _, s := range []*steps.Step{steps.CheckEnrollment, steps.CheckAccount, steps.CheckPhone, steps.RequestEnrollmentSMS, steps.RemoveEnrollments} {
		a, err := s.Request(inputs)
		require.NoError(t, err)
		b, err := s.Request(inputs)
		require.NoError(t, err)
		assert.True(t, shared(a.Params, b.Params), s.Name)
	}
	for _, s := range []*steps.Step{steps.RequestCertificationSMS, steps.AddPhoneNumber, steps.CheckPIN, steps.RegisterPIN, steps.EnrollDevice, steps.EnrollWithPhoneNumber} {
		a, err := s.Request(inputs)
		require.NoError(t, err)
		b, err := s.Request(inputs)
		require.NoError(t, err)
		assert.False(t, shared(a.Params, b.Params), s.Name)
		assert.Equal(t, a.Params, b.Params, s.Name)
	}
}

// On iOS, steps 7 and 8 need the enrollment code before the PIN: the order
// in which a restored engine asks them again.
func TestNeeds_IOSAddsTheEnrollmentCodeFirst(t *testing.T) {
	assert.Equal(t, []enrollment.Prompt{enrollment.PromptNewPIN}, steps.RegisterPIN.Needs(steps.Android))
	assert.Equal(t, []enrollment.Prompt{enrollment.PromptEnrollmentCode, enrollment.PromptNewPIN}, steps.RegisterPIN.Needs(steps.IOS))
	assert.Equal(t, []enrollment.Prompt{enrollment.PromptPIN}, steps.EnrollDevice.Needs(steps.Android))
	assert.Equal(t, []enrollment.Prompt{enrollment.PromptEnrollmentCode, enrollment.PromptPIN}, steps.EnrollDevice.Needs(steps.IOS))
}

// A number typed in its normal form is kept as it is.
func TestNormalizePhone_NormalFormKept(t *testing.T) {
	for _, in := range []string{"0612345678", "+33612345678", "123456"} {
		got, err := steps.NormalizePhone(in)
		require.NoError(t, err)
		assert.Equal(t, in, got)
	}
}

// Step 8 sends the parameters step 7 sent when the PIN (and on iOS the code) are
// the same, and builds its own otherwise; either way its parameters are
// Request's.
func TestRequestAfter_SharesOnlyAnIdenticalCall(t *testing.T) {
	for _, platform := range []steps.Platform{steps.Android, steps.IOS} {
		in := inputs
		in.Platform = platform
		seven, err := steps.RegisterPIN.Request(in)
		require.NoError(t, err)
		eight, err := steps.EnrollDevice.RequestAfter(&seven, &in)
		require.NoError(t, err)
		want, err := steps.EnrollDevice.Request(in)
		require.NoError(t, err)
		assert.Equal(t, want, eight, platform)
		assert.True(t, shared(seven.Params, eight.Params), "%s: the same call with the same PIN", platform)

		other := in
		other.PIN = redact.NewSecret("9876")
		eight, err = steps.EnrollDevice.RequestAfter(&seven, &other)
		require.NoError(t, err)
		assert.Equal(t, "9876", eight.Params.Value("pinCode"), platform)
		assert.False(t, shared(seven.Params, eight.Params), platform)

		pin, err := steps.CheckPIN.Request(in)
		require.NoError(t, err)
		eight, err = steps.EnrollDevice.RequestAfter(&pin, &in)
		require.NoError(t, err)
		assert.Equal(t, want, eight, "%s: after another call", platform)
		assert.False(t, shared(pin.Params, eight.Params), platform)
	}
	onlyPIN := steps.Inputs{Platform: steps.IOS, PIN: inputs.PIN}
	seven, err := steps.RegisterPIN.Request(inputs)
	require.NoError(t, err)
	_, err = steps.EnrollDevice.RequestAfter(&seven, &onlyPIN)
	assert.Error(t, err, "an input missing is still refused")

	// nil is no previous request, or no inputs: never a panic
	want, err := steps.EnrollDevice.Request(inputs)
	require.NoError(t, err)
	got, err := steps.EnrollDevice.RequestAfter(nil, &inputs)
	require.NoError(t, err)
	assert.Equal(t, want, got)
	_, err = steps.EnrollDevice.RequestAfter(&seven, nil)
	var serr *pimserr.StepError
	assert.ErrorAs(t, err, &serr, "no inputs: the PIN is missing")
}

// Constant is the request of the calls that send only constants, the one
// Request builds from any inputs; a call that sends an answer has none.
func TestConstant_IsRequestWhateverTheInputs(t *testing.T) {
	all := []*steps.Step{steps.CheckEnrollment, steps.VerifyEnrollment, steps.CheckAccount, steps.CheckPhone, steps.RequestCertificationSMS,
		steps.EnrollWithPhoneNumber, steps.AddPhoneNumber, steps.RequestEnrollmentSMS, steps.CheckPIN, steps.RegisterPIN, steps.EnrollDevice,
		steps.RemoveEnrollments, steps.ResetPIN, steps.UpdatePIN, steps.ModifyPhoneNumber, steps.RemoveVehicle}
	var constant []string
	for _, s := range all {
		req, ok := s.Constant()
		if !ok {
			continue
		}
		constant = append(constant, s.ID)
		for _, in := range []steps.Inputs{inputs, {}, {Platform: steps.IOS}} {
			want, err := s.Request(in)
			require.NoError(t, err, s.ID)
			assert.Equal(t, want, req, s.ID)
		}
	}
	assert.Equal(t, []string{"1", "1", "2", "3", "5", "A"}, constant, "steps 1 and the verification (call 1 again), 2, 3, 5 and A")
}
