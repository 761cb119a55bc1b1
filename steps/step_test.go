package steps_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/enrollfsm/enrollfsm/enrollment"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/pims"
	"github.com/enrollfsm/enrollfsm/redact"
	"github.com/enrollfsm/enrollfsm/steps"
)

// enrollment is a run of an enrollment flow with every attempt left.
var inEnrollment = steps.Context{
	Enrollment: true, RemovalsLeft: 1, PINAttemptsLeft: 5, CodeAttemptsLeft: 3, CanResend: true,
	Attempt: 1, MaxReadAttempts: 3, Backoff: 100 * time.Millisecond, Resume: enrollment.EnrollingDevice,
}

// operation is a run of an account operation.
var operation = func() steps.Context { c := inEnrollment; c.Enrollment = false; return c }()

var inputs = steps.Inputs{
	Platform:          steps.Android,
	Phone:             "0612345678",
	CertificationCode: redact.NewSecret("2424"),
	EnrollmentCode:    redact.NewSecret("24242424"),
	PIN:               redact.NewSecret("1234"),
	OldPIN:            redact.NewSecret("7654"),
	VIN:               "VR1AB12C3D4567890",
}

// expect is what a FAILED reply of each class leads to at a step. The
// class of each code is checked against docs/contract.md §4 in package errors; here
// every documented code is run through every step.
type expect struct {
	transient enrollment.Event // 2201, 2202, 2204, 2314
	rejected  enrollment.Event // 2102, 2308
	blocked   enrollment.Event // 2310, 2317
	warning   enrollment.Event // 2316
}

// Reference: docs/contract.md §2 (the calls) and §4 (what a FAILED reply does).
var byStep = []struct {
	step *steps.Step
	ctx  steps.Context
	want expect
}{
	{steps.CheckEnrollment, inEnrollment, expect{enrollment.ReadRetried, enrollment.CallFailed, enrollment.RemovalRequired, enrollment.ReadRetried}},
	{steps.VerifyEnrollment, inEnrollment, expect{enrollment.ReadRetried, enrollment.CallFailed, enrollment.RemovalRequired, enrollment.ReadRetried}},
	{steps.CheckAccount, inEnrollment, expect{enrollment.ReadRetried, enrollment.CallFailed, enrollment.RemovalRequired, enrollment.ReadRetried}},
	{steps.CheckPhone, inEnrollment, expect{enrollment.ReadRetried, enrollment.CallFailed, enrollment.RemovalRequired, enrollment.ReadRetried}},
	{steps.RequestCertificationSMS, inEnrollment, expect{enrollment.CallInterrupted, enrollment.InputRejected, enrollment.RemovalRequired, enrollment.CertificationSMSSent}},
	{steps.EnrollWithPhoneNumber, inEnrollment, expect{enrollment.CallInterrupted, enrollment.InputRejected, enrollment.RemovalRequired, enrollment.DeviceEnrolled}},
	{steps.AddPhoneNumber, inEnrollment, expect{enrollment.CallInterrupted, enrollment.InputRejected, enrollment.RemovalRequired, enrollment.PhoneNumberAdded}},
	{steps.RequestEnrollmentSMS, inEnrollment, expect{enrollment.CallInterrupted, enrollment.CallFailed, enrollment.RemovalRequired, enrollment.EnrollmentSMSSent}},
	// Reference: docs/contract.md §4, "At step 6, whose result the engine needs and does not get, it is transient instead"
	{steps.CheckPIN, inEnrollment, expect{enrollment.CallInterrupted, enrollment.InputRejected, enrollment.RemovalRequired, enrollment.CallInterrupted}},
	{steps.RegisterPIN, inEnrollment, expect{enrollment.CallInterrupted, enrollment.InputRejected, enrollment.RemovalRequired, enrollment.PINRegistered}},
	// Reference: tutorial step 8, "if the error code is 2317 ... step A"
	{steps.EnrollDevice, inEnrollment, expect{enrollment.CallInterrupted, enrollment.InputRejected, enrollment.RemovalRequired, enrollment.DeviceEnrolled}},
	// A blocked removal cannot be cured by removing again: account_locked.
	{steps.RemoveEnrollments, inEnrollment, expect{enrollment.CallInterrupted, enrollment.CallFailed, enrollment.CallFailed, enrollment.EnrollmentsRemoved}},
	{steps.ResetPIN, inEnrollment, expect{enrollment.CallInterrupted, enrollment.InputRejected, enrollment.RemovalRequired, enrollment.PINReset}},
	{steps.RemoveEnrollments, operation, expect{enrollment.CallInterrupted, enrollment.CallFailed, enrollment.CallFailed, enrollment.EnrollmentsRemoved}},
	{steps.ResetPIN, operation, expect{enrollment.CallInterrupted, enrollment.InputRejected, enrollment.CallFailed, enrollment.PINReset}},
	{steps.EnrollDevice, operation, expect{enrollment.CallInterrupted, enrollment.InputRejected, enrollment.CallFailed, enrollment.DeviceEnrolled}},
	{steps.UpdatePIN, operation, expect{enrollment.CallInterrupted, enrollment.InputRejected, enrollment.CallFailed, enrollment.PINUpdated}},
	{steps.ModifyPhoneNumber, operation, expect{enrollment.CallInterrupted, enrollment.InputRejected, enrollment.CallFailed, enrollment.PhoneNumberModified}},
	{steps.RemoveVehicle, operation, expect{enrollment.CallInterrupted, enrollment.CallFailed, enrollment.CallFailed, enrollment.VehicleRemoved}},
}

func TestInterpret_EveryDocumentedCodeAtEveryStep(t *testing.T) {
	for _, tc := range byStep {
		kind := "enrollment"
		if !tc.ctx.Enrollment {
			kind = "operation"
		}
		for _, code := range pimserr.Codes() {
			t.Run(tc.step.Name+"/"+kind+"/"+code.String(), func(t *testing.T) {
				d := tc.step.Interpret(pims.Failure("tx", code), nil, tc.ctx)
				var want enrollment.Event
				switch code {
				case 2201, 2202, 2204, 2314:
					want = tc.want.transient
				case 2102, 2308:
					want = tc.want.rejected
				case 2310, 2317:
					want = tc.want.blocked
				case 2316:
					want = tc.want.warning
				default:
					want = enrollment.CallFailed
				}
				require.Equal(t, want, d.Event)
				if d.Event == enrollment.CallFailed {
					want := pimserr.FailureCode(code)
					if tc.step.NoRemoval && tc.ctx.Enrollment && code.Class() == pimserr.ClassBlocked {
						want = pimserr.FailureAccountLocked
					}
					assert.Equal(t, want, d.Failure)
				}
				doneWithWarning := code == 2316 && want != enrollment.ReadRetried && want != enrollment.CallInterrupted
				if !doneWithWarning {
					assert.Nil(t, d.Warning)
					require.Error(t, d.Err)
					assert.ErrorIs(t, d.Err, pimserr.New(code))
					var se *pimserr.StepError
					require.ErrorAs(t, d.Err, &se)
					assert.Equal(t, tc.step.ID, se.Step)
				} else {
					assert.NoError(t, d.Err)
					assert.ErrorIs(t, d.Warning, pimserr.ErrPostSyncFailed)
				}
			})
		}
	}
}

func TestInterpret_UnknownCodeIsFatal(t *testing.T) {
	for _, tc := range byStep {
		d := tc.step.Interpret(pims.Message{Status: pims.Failed, Error: &pims.ErrorBody{Code: 4242}}, nil, tc.ctx)
		assert.Equal(t, enrollment.CallFailed, d.Event, tc.step.Name)
		assert.Equal(t, pimserr.Failure("pims:4242"), d.Failure, tc.step.Name)
	}
}

func TestInterpret_MalformedRepliesAreBadReplies(t *testing.T) {
	bad := []pims.Message{
		{},
		{Status: "OK"},
		{Status: pims.Failed},
		{Status: pims.Failed, Error: &pims.ErrorBody{Label: "no code"}},
	}
	for _, tc := range byStep {
		for _, m := range bad {
			d := tc.step.Interpret(m, nil, tc.ctx)
			assert.Equal(t, enrollment.CallFailed, d.Event, tc.step.Name)
			assert.Equal(t, pimserr.FailureBadReply, d.Failure, tc.step.Name)
			assert.ErrorIs(t, d.Err, pimserr.ErrBadReply)
		}
		d := tc.step.Interpret(pims.Message{}, &pimserr.ProtocolError{Reason: "not JSON"}, tc.ctx)
		assert.Equal(t, pimserr.FailureBadReply, d.Failure, tc.step.Name)
	}
}

// Reference: docs/contract.md §1. A result that is not an object is a bad
// reply where the step reads it, and ignored where it reads none.
func TestInterpret_NonObjectResultMattersOnlyWhereRead(t *testing.T) {
	for _, tc := range byStep {
		d := tc.step.Interpret(pims.Message{Status: pims.Succeeded, NotObject: true}, nil, tc.ctx)
		if tc.step.ReadsResult() {
			assert.Equal(t, pimserr.FailureBadReply, d.Failure, tc.step.Name)
			continue
		}
		assert.NotEqual(t, enrollment.CallFailed, d.Event, tc.step.Name)
		assert.Empty(t, d.Failure, tc.step.Name)
	}
}

// Reference: docs/contract.md §4, "A bridge error or a cancelled ctx during a call →
// interrupted"; "Unknown outcomes are never re-sent blindly".
func TestInterpret_PortErrorsInterruptAndEnrollmentCallsBecomeUnknown(t *testing.T) {
	for _, tc := range byStep {
		for _, err := range []error{errors.New("bridge down"), context.Canceled, context.DeadlineExceeded} {
			d := tc.step.Interpret(pims.Message{}, err, tc.ctx)
			assert.Equal(t, enrollment.CallInterrupted, d.Event, tc.step.Name)
			assert.Equal(t, tc.step.Enrolls, d.Unknown, tc.step.Name)
			assert.ErrorIs(t, d.Err, err)
		}
	}
	d := steps.EnrollDevice.Interpret(pims.Message{}, errors.New("x"), inEnrollment)
	var be *pimserr.BridgeError
	assert.ErrorAs(t, d.Err, &be)
}

func TestInterpret_TimeoutOfAnEnrollmentCallIsUnknown(t *testing.T) {
	for _, s := range []*steps.Step{steps.EnrollWithPhoneNumber, steps.RegisterPIN, steps.EnrollDevice} {
		assert.True(t, s.Interpret(pims.Failure("t", 2201), nil, inEnrollment).Unknown, s.Name)
		assert.False(t, s.Interpret(pims.Failure("t", 2202), nil, inEnrollment).Unknown, s.Name)
	}
	assert.False(t, steps.AddPhoneNumber.Interpret(pims.Failure("t", 2201), nil, inEnrollment).Unknown)
}

// Reference: docs/contract.md §4, reads "retry at once, up to 2 more attempts with
// backoff; then ... interrupted".
func TestInterpret_ReadsRetryWithDoublingBackoffThenInterrupt(t *testing.T) {
	c := inEnrollment
	var delays []time.Duration
	for c.Attempt = 1; c.Attempt <= 3; c.Attempt++ {
		d := steps.CheckPhone.Interpret(pims.Failure("t", pimserr.CodeNoInternet), nil, c)
		if c.Attempt < 3 {
			require.Equal(t, enrollment.ReadRetried, d.Event)
			delays = append(delays, d.Delay)
		} else {
			require.Equal(t, enrollment.CallInterrupted, d.Event)
		}
	}
	assert.Equal(t, []time.Duration{100 * time.Millisecond, 200 * time.Millisecond}, delays)
}

// Reference: docs/contract.md §4 bounds: 5 wrong PINs per run, then failed/too_many_attempts.
func TestInterpret_LastWrongPINFailsTheRun(t *testing.T) {
	c := inEnrollment
	c.PINAttemptsLeft = 1
	for _, s := range []*steps.Step{steps.EnrollDevice, steps.RegisterPIN, steps.ResetPIN, steps.UpdatePIN} {
		d := s.Interpret(pims.Failure("t", pimserr.CodeAccessRefused), nil, c)
		assert.Equal(t, enrollment.CallFailed, d.Event, s.Name)
		assert.Equal(t, pimserr.FailureTooManyAttempts, d.Failure, s.Name)
		assert.Equal(t, s.Blames, d.Blamed, s.Name)
	}
	c.PINAttemptsLeft = 2
	d := steps.EnrollDevice.Interpret(pims.Failure("t", pimserr.CodeAccessRefused), nil, c)
	assert.Equal(t, enrollment.InputRejected, d.Event)
	assert.Equal(t, enrollment.PromptPIN, d.Blamed)
}

// The last wrong code with no resend left ends the run: the prompt could
// only be cancelled.
func TestInterpret_LastWrongCodeWithoutResendFailsTheRun(t *testing.T) {
	c := inEnrollment
	c.CodeAttemptsLeft = 1
	d := steps.CheckPIN.Interpret(pims.Failure("t", pimserr.CodeAccessRefused), nil, c)
	assert.Equal(t, enrollment.InputRejected, d.Event, "a new code may still be asked")
	c.CanResend = false
	d = steps.CheckPIN.Interpret(pims.Failure("t", pimserr.CodeAccessRefused), nil, c)
	assert.Equal(t, enrollment.CallFailed, d.Event)
	assert.Equal(t, pimserr.FailureTooManyAttempts, d.Failure)
	assert.Equal(t, enrollment.PromptEnrollmentCode, d.Blamed)
}

// Reference: docs/contract.md §3 confirming_removal "skipped when the integrator opted
// into automatic removal"; §4 "1 automatic removal per run (a second
// trigger → failed, account_locked)".
func TestInterpret_BlockedGuards(t *testing.T) {
	c := inEnrollment
	c.AutoRemove = true
	assert.Equal(t, enrollment.RemovalAuthorised, steps.EnrollDevice.Interpret(pims.Failure("t", 2317), nil, c).Event)
	c.RemovalsLeft = 0
	d := steps.EnrollDevice.Interpret(pims.Failure("t", 2317), nil, c)
	assert.Equal(t, enrollment.CallFailed, d.Event)
	assert.Equal(t, pimserr.FailureAccountLocked, d.Failure)
	d = steps.UpdatePIN.Interpret(pims.Failure("t", 2310), nil, operation)
	assert.Equal(t, pimserr.Failure("pims:2310"), d.Failure)
}

func TestInterpret_WarningCountsTheStepAsDone(t *testing.T) {
	d := steps.EnrollDevice.Interpret(pims.Failure("t", 2316), nil, inEnrollment)
	assert.Equal(t, enrollment.DeviceEnrolled, d.Event)
	assert.Nil(t, d.Err)
	var pe *pimserr.Error
	require.ErrorAs(t, d.Warning, &pe)
	assert.Equal(t, pimserr.CodePostSyncFailed, pe.Code)
}

// A 2317 at step 8 right after a step 7 that followed another step 7 with an
// unknown outcome may mean the server took the later 7 as step 8: call 1
// checks before any removal (docs/decisions.md).
func TestInterpret_ForbiddenAfterAResentStep7IsVerifiedFirst(t *testing.T) {
	c := inEnrollment
	c.AfterUnsurePIN = true
	d := steps.EnrollDevice.Interpret(pims.Failure("t", pimserr.CodeForbidden), nil, c)
	assert.Equal(t, enrollment.DeviceMaybeEnrolled, d.Event)
	assert.True(t, d.Unknown)
	assert.ErrorIs(t, d.Err, pimserr.ErrForbidden)
	d = steps.EnrollDevice.Interpret(pims.Failure("t", pimserr.CodeAccountBlocked), nil, c)
	assert.Equal(t, enrollment.RemovalRequired, d.Event, "2310 says the account is blocked, not the device enrolled")
	c.AfterUnsurePIN = false
	d = steps.EnrollDevice.Interpret(pims.Failure("t", pimserr.CodeForbidden), nil, c)
	assert.Equal(t, enrollment.RemovalRequired, d.Event)
}

// Call 3's number is kept in any format, but not one no snapshot could
// hold: over 64 bytes or with control characters it is a bad reply.
func TestCheckPhone_UnprintableNumberIsABadReply(t *testing.T) {
	for _, phone := range []string{strings.Repeat("0", 65), "06\n12", "06\x7f12"} {
		d := steps.CheckPhone.Interpret(pims.Success("t", map[string]any{"phoneNumber": phone}), nil, inEnrollment)
		assert.Equal(t, pimserr.FailureBadReply, d.Failure, "%q", phone)
	}
	d := steps.CheckPhone.Interpret(pims.Success("t", map[string]any{"trustedphoneNumber": "+33 6 12 34 56 78"}), nil, inEnrollment)
	assert.Equal(t, enrollment.PhonePresent, d.Event)
}

// Steps 1 and 2 read their strings in any ASCII case, the documented
// spelling and the booleans of the tutorial's sample alike.
func TestInterpret_ResultStringsInAnyCase(t *testing.T) {
	status := map[any]enrollment.Event{
		"NotBlocked": enrollment.AccountNotBlocked, "notblocked": enrollment.AccountNotBlocked, "FALSE": enrollment.AccountNotBlocked, false: enrollment.AccountNotBlocked,
		"AccountBlocked": enrollment.RemovalRequired, "ACCOUNTBLOCKED": enrollment.RemovalRequired, "True": enrollment.RemovalRequired, true: enrollment.RemovalRequired,
		"pinblocked": enrollment.RemovalRequired,
	}
	for v, want := range status {
		d := steps.CheckAccount.Interpret(pims.Success("t", map[string]any{"isAccountBlocked": v}), nil, inEnrollment)
		assert.Equal(t, want, d.Event, "%v", v)
	}
	// another letter that folds to an ASCII one is a malformed reply: ſ, the Kelvin sign
	for _, v := range []string{"NotBlockedAtAll", "NotBloc\u212Aed", "falſe"} {
		d := steps.CheckAccount.Interpret(pims.Success("t", map[string]any{"isAccountBlocked": v}), nil, inEnrollment)
		assert.Equal(t, enrollment.CallFailed, d.Event, v)
	}
	for v, want := range map[any]enrollment.Event{"TRUE": enrollment.DeviceActivated, "False": enrollment.DeviceNotActivated, "yes": enrollment.CallFailed, "falſe": enrollment.CallFailed} {
		d := steps.CheckEnrollment.Interpret(pims.Success("t", map[string]any{"isDeviceActivated": v}), nil, inEnrollment)
		assert.Equal(t, want, d.Event, "%v", v)
	}
}

// Done decides a reply only where it is the whole of Interpret's decision,
// in every context: a success to a step that reads nothing of it; any other
// reply, or error, is left to Interpret.
func TestDone_IsInterpretWhereItDecides(t *testing.T) {
	replies := []struct {
		msg pims.Message
		err error
	}{
		{pims.Success("t", nil), nil},
		{pims.Success("t", map[string]any{"isDeviceActivated": true, "isAccountBlocked": "NotBlocked", "status": "NotEnrolled"}), nil},
		{pims.Message{TransactionID: "t", Status: pims.Succeeded, NotObject: true}, nil},
		{pims.Failure("t", pimserr.CodePostSyncFailed), nil},
		{pims.Failure("t", pimserr.CodeTimeout), nil},
		{pims.Message{}, errors.New("bridge down")},
		{pims.Success("t", nil), errors.New("a message and an error")},
	}
	decided := 0
	for _, tc := range byStep {
		for _, r := range replies {
			ev, ok := tc.step.Done(&r.msg, r.err)
			if !ok {
				continue
			}
			decided++
			for _, c := range []steps.Context{tc.ctx, operation, {}} {
				assert.Equal(t, steps.Decision{Event: ev}, tc.step.Interpret(r.msg, r.err, c), "step %s, %v", tc.step.ID, r.msg)
			}
		}
	}
	assert.Positive(t, decided, "Done decides the plain successes of steps that read nothing")
	_, ok := steps.RegisterPIN.Done(&replies[0].msg, nil)
	assert.False(t, ok, "step 7 adds a fact to its decisions")
	_, ok = steps.CheckPIN.Done(&replies[0].msg, nil)
	assert.False(t, ok, "step 6 reads its result")
	_, ok = steps.AddPhoneNumber.Done(nil, nil)
	assert.False(t, ok, "no message: Interpret decides")
}

// A step checks a message's form only where it reads a status or an error
// body: that holds only while every SUCCEEDED message passes the check,
// whatever else it carries.
func TestInterpret_ASucceededMessageIsWellFormed(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := pims.Message{
			TransactionID: rapid.String().Draw(t, "transactionId"),
			Status:        pims.Succeeded,
			NotObject:     rapid.Bool().Draw(t, "notObject"),
		}
		if rapid.Bool().Draw(t, "result") {
			m.Result = map[string]any{rapid.String().Draw(t, "key"): rapid.String().Draw(t, "value")}
		}
		if rapid.Bool().Draw(t, "error") {
			m.Error = &pims.ErrorBody{Code: rapid.IntRange(-1, 9999).Draw(t, "code"), Label: rapid.String().Draw(t, "label")}
		}
		assert.NoError(t, m.Check())
	})
}
