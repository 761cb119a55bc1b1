package steps_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm/enrollment"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/pims"
	"github.com/enrollfsm/enrollfsm/steps"
)

// Reference: docs/contract.md §2, the table of calls with their exact parameters.
func TestRequest_ExactCalls(t *testing.T) {
	ios := inputs
	ios.Platform = steps.IOS
	cases := []struct {
		step   *steps.Step
		in     steps.Inputs
		op     pims.Op
		api    string
		params map[string]string
	}{
		{steps.CheckEnrollment, inputs, pims.Get, "pims.authentication.account", map[string]string{"actionType": "strong", "type": "isDeviceActivated"}},
		{steps.VerifyEnrollment, inputs, pims.Get, "pims.authentication.account", map[string]string{"actionType": "strong", "type": "isDeviceActivated"}},
		{steps.CheckAccount, inputs, pims.Get, "pims.authentication.account", map[string]string{"actionType": "strong", "type": "isAccountBlocked"}},
		{steps.CheckPhone, inputs, pims.Get, "pims.authentication.trustedphonenumber", map[string]string{}},
		{steps.RequestCertificationSMS, inputs, pims.Get, "pims.authentication.smscode", map[string]string{"type": "phoneNumberCertification", "phoneNumber": "0612345678"}},
		{steps.EnrollWithPhoneNumber, inputs, pims.Set, "pims.authentication.enrollment", map[string]string{"action": "enrollWithPhoneNumber", "pinCode": "1234", "smsCode": "2424", "phoneNumber": "0612345678"}},
		{steps.AddPhoneNumber, inputs, pims.Set, "pims.authentication.smscode", map[string]string{"type": "addPhoneNumber", "smsCode": "2424", "phoneNumber": "0612345678"}},
		// Reference: docs/contract.md §7, step 5 sends type only.
		{steps.RequestEnrollmentSMS, inputs, pims.Get, "pims.authentication.smscode", map[string]string{"type": "enrollment"}},
		{steps.CheckPIN, inputs, pims.Set, "pims.authentication.smscode", map[string]string{"action": "enrollment", "smsCode": "24242424"}},
		{steps.RegisterPIN, inputs, pims.Set, "pims.authentication.enrollment", map[string]string{"action": "enroll", "pinCode": "1234"}},
		// Reference: tutorial steps 7 and 8, "the parameter smsCode is only for iOS".
		{steps.RegisterPIN, ios, pims.Set, "pims.authentication.enrollment", map[string]string{"action": "enroll", "pinCode": "1234", "smsCode": "24242424"}},
		{steps.EnrollDevice, inputs, pims.Set, "pims.authentication.enrollment", map[string]string{"action": "enroll", "pinCode": "1234"}},
		{steps.EnrollDevice, ios, pims.Set, "pims.authentication.enrollment", map[string]string{"action": "enroll", "pinCode": "1234", "smsCode": "24242424"}},
		{steps.RemoveEnrollments, inputs, pims.Set, "pims.authentication.enrollment", map[string]string{"action": "remove"}},
		{steps.ResetPIN, inputs, pims.Set, "pims.authentication.pincode", map[string]string{"action": "reset", "pinCode": "1234", "smsCode": "24242424"}},
		{steps.UpdatePIN, inputs, pims.Set, "pims.authentication.pincode", map[string]string{"action": "update", "oldPIN": "7654", "newPIN": "1234"}},
		{steps.ModifyPhoneNumber, inputs, pims.Set, "pims.authentication.smscode", map[string]string{"type": "modifyPhoneNumber", "smsCode": "2424", "phoneNumber": "0612345678"}},
		{steps.RemoveVehicle, inputs, pims.Set, "pims.subscription.vehicle", map[string]string{"action": "removeProperty", "vin": "VR1AB12C3D4567890"}},
	}
	for _, tc := range cases {
		t.Run(tc.step.ID+" "+tc.step.Name+" "+string(tc.in.Platform), func(t *testing.T) {
			req, err := tc.step.Request(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.op, req.Op)
			assert.Equal(t, tc.api, req.API)
			assert.Equal(t, tc.params, req.Params.Map())
		})
	}
}

func TestRequest_MissingInputIsAnErrorWithoutSecrets(t *testing.T) {
	for _, s := range []*steps.Step{steps.RequestCertificationSMS, steps.EnrollWithPhoneNumber, steps.AddPhoneNumber,
		steps.CheckPIN, steps.RegisterPIN, steps.EnrollDevice, steps.ResetPIN, steps.UpdatePIN, steps.ModifyPhoneNumber, steps.RemoveVehicle} {
		_, err := s.Request(steps.Inputs{Platform: steps.Android})
		require.Error(t, err, s.Name)
		var se *pimserr.StepError
		assert.ErrorAs(t, err, &se)
	}
	onlyPIN := steps.Inputs{Platform: steps.IOS, PIN: inputs.PIN}
	_, err := steps.EnrollDevice.Request(onlyPIN)
	assert.Error(t, err, "iOS needs the enrollment code with step 8")
}

func interpret(s *steps.Step, result map[string]any) steps.Decision {
	return s.Interpret(pims.Success("t", result), nil, inEnrollment)
}

// Reference: docs/contract.md §2 "result read" column and §7 decisions.
func TestCheckEnrollment_ReadsTheBooleanOrItsString(t *testing.T) {
	assert.Equal(t, enrollment.DeviceActivated, interpret(steps.CheckEnrollment, map[string]any{"isDeviceActivated": true}).Event)
	assert.Equal(t, enrollment.DeviceNotActivated, interpret(steps.CheckEnrollment, map[string]any{"isDeviceActivated": false}).Event)
	assert.Equal(t, enrollment.DeviceActivated, interpret(steps.CheckEnrollment, map[string]any{"isDeviceActivated": "true"}).Event)
	assert.Equal(t, enrollment.DeviceNotActivated, interpret(steps.CheckEnrollment, map[string]any{"isDeviceActivated": "false"}).Event)
	for _, bad := range []map[string]any{nil, {}, {"isDeviceActivated": "yes"}, {"isDeviceActivated": 1.0}} {
		d := interpret(steps.CheckEnrollment, bad)
		assert.Equal(t, pimserr.FailureBadReply, d.Failure, "%v", bad)
	}
}

func TestVerifyEnrollment_ResumesTheInterruptedCall(t *testing.T) {
	assert.Equal(t, enrollment.DeviceActivated, interpret(steps.VerifyEnrollment, map[string]any{"isDeviceActivated": true}).Event)
	assert.Equal(t, enrollment.ResumeEvent(enrollment.EnrollingDevice), interpret(steps.VerifyEnrollment, map[string]any{"isDeviceActivated": false}).Event)
}

func TestCheckAccount_ThreeStringsAndTheBooleans(t *testing.T) {
	cases := map[any]enrollment.Event{
		"NotBlocked": enrollment.AccountNotBlocked, false: enrollment.AccountNotBlocked,
		"AccountBlocked": enrollment.RemovalRequired, "PINBlocked": enrollment.RemovalRequired, true: enrollment.RemovalRequired,
	}
	for v, want := range cases {
		assert.Equal(t, want, interpret(steps.CheckAccount, map[string]any{"isAccountBlocked": v}).Event, "%v", v)
	}
	for _, bad := range []map[string]any{nil, {}, {"isAccountBlocked": "Frozen"}, {"isAccountBlocked": 2.0}} {
		assert.Equal(t, pimserr.FailureBadReply, interpret(steps.CheckAccount, bad).Failure, "%v", bad)
	}
	locked := inEnrollment
	locked.RemovalsLeft = 0
	d := steps.CheckAccount.Interpret(pims.Success("t", map[string]any{"isAccountBlocked": "PINBlocked"}), nil, locked)
	assert.Equal(t, pimserr.FailureAccountLocked, d.Failure)
}

func TestCheckPhone_EverySpellingAndEmptiness(t *testing.T) {
	d := interpret(steps.CheckPhone, map[string]any{"phoneNumber": "0612345678"})
	assert.Equal(t, enrollment.PhonePresent, d.Event)
	assert.Equal(t, "0612345678", d.Phone)
	assert.Equal(t, enrollment.PhonePresent, interpret(steps.CheckPhone, map[string]any{"trustedPhoneNumber": "0612345678"}).Event)
	for _, none := range []map[string]any{{}, {"phoneNumber": nil}, {"phoneNumber": ""}, {"trustedphoneNumber": nil}} {
		assert.Equal(t, enrollment.PhoneAbsent, interpret(steps.CheckPhone, none).Event, "%v", none)
	}
	assert.Equal(t, pimserr.FailureBadReply, interpret(steps.CheckPhone, nil).Failure)
	assert.Equal(t, pimserr.FailureBadReply, interpret(steps.CheckPhone, map[string]any{"phoneNumber": 612345678.0}).Failure)
}

// Reference: tutorial step 6, AlreadyEnrolled → existing PIN (step 8),
// otherwise a new PIN (step 7).
func TestCheckPIN_AlreadyEnrolled_AsksExistingPIN(t *testing.T) {
	assert.Equal(t, enrollment.PINExists, interpret(steps.CheckPIN, map[string]any{"status": "AlreadyEnrolled"}).Event)
	assert.Equal(t, enrollment.PINMissing, interpret(steps.CheckPIN, map[string]any{"status": "NotEnrolled"}).Event)
	for _, bad := range []map[string]any{nil, {}, {"status": "Enrolled"}, {"status": true}} {
		assert.Equal(t, pimserr.FailureBadReply, interpret(steps.CheckPIN, bad).Failure, "%v", bad)
	}
}

func TestStepsWithoutResult_IgnoreIt(t *testing.T) {
	for s, want := range map[*steps.Step]enrollment.Event{
		steps.RequestCertificationSMS: enrollment.CertificationSMSSent,
		steps.EnrollWithPhoneNumber:   enrollment.DeviceEnrolled,
		steps.AddPhoneNumber:          enrollment.PhoneNumberAdded,
		steps.RequestEnrollmentSMS:    enrollment.EnrollmentSMSSent,
		steps.RegisterPIN:             enrollment.PINRegistered,
		steps.EnrollDevice:            enrollment.DeviceEnrolled,
		steps.RemoveEnrollments:       enrollment.EnrollmentsRemoved,
		steps.ResetPIN:                enrollment.PINReset,
		steps.UpdatePIN:               enrollment.PINUpdated,
		steps.ModifyPhoneNumber:       enrollment.PhoneNumberModified,
		steps.RemoveVehicle:           enrollment.VehicleRemoved,
	} {
		assert.Equal(t, want, interpret(s, nil).Event, s.Name)
		// The tutorial's sample replies of steps 7 and 8 carry a status; it is ignored.
		assert.Equal(t, want, interpret(s, map[string]any{"status": "AlreadyEnrolled"}).Event, s.Name)
	}
}
