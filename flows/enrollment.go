package flows

import (
	"github.com/enrollfsm/enrollfsm/enrollment"
	"github.com/enrollfsm/enrollfsm/steps"
)

// The blocks below are declared once and composed by the flows and account
// operations, in the tutorial's order.

var cancel = On(enrollment.CancelRequested, enrollment.Cancelled)

// EnrollmentCalls are the edges every call of an enrollment has: it can be
// interrupted, fail, or find the account blocked (2310, 2317), which leads to
// removing every enrollment, after consent unless removal is automatic.
var EnrollmentCalls = []Edge{
	On(enrollment.CallInterrupted, enrollment.Interrupted).Does(KeepInterruption),
	On(enrollment.CallFailed, enrollment.Failed).Does(CountLastAnswer),
	On(enrollment.RemovalRequired, enrollment.ConfirmingRemoval).Does(KeepCause),
	On(enrollment.RemovalAuthorised, enrollment.RemovingEnrollments).Does(SpendRemoval),
}

// OperationCalls are the edges every call of an account operation has: a
// blocked account there is a failure.
var OperationCalls = []Edge{
	On(enrollment.CallInterrupted, enrollment.Interrupted).Does(KeepInterruption),
	On(enrollment.CallFailed, enrollment.Failed).Does(CountLastAnswer),
}

// CheckStatus is steps 1, 2, A and 3 of an enrollment.
func CheckStatus() []State {
	return []State{
		// 1 — check enrollment status
		Call(enrollment.CheckingEnrollment, steps.CheckEnrollment,
			On(enrollment.DeviceActivated, enrollment.Enrolled),
			On(enrollment.DeviceNotActivated, enrollment.CheckingAccount)),
		// 2 — check account status (blocked: removal, from EnrollmentCalls)
		Call(enrollment.CheckingAccount, steps.CheckAccount,
			On(enrollment.AccountNotBlocked, enrollment.CheckingPhone)),
		// A — remove all enrollments; it signs other devices out, so ask
		Wait(enrollment.ConfirmingRemoval, enrollment.PromptConfirmRemoval,
			On(enrollment.RemovalConfirmed, enrollment.RemovingEnrollments).Does(SpendRemoval),
			On(enrollment.RemovalDeclined, enrollment.Cancelled),
			cancel),
		Call(enrollment.RemovingEnrollments, steps.RemoveEnrollments,
			On(enrollment.EnrollmentsRemoved, enrollment.CheckingPhone)),
		// 3 — check phone number
		Call(enrollment.CheckingPhone, steps.CheckPhone,
			On(enrollment.PhonePresent, enrollment.RequestingEnrollmentSMS).Does(KeepTrustedPhone),
			On(enrollment.PhoneAbsent, enrollment.AwaitingPhoneNumber).Does(KeepTrustedPhone)),
	}
}

// CertifyPhone asks for a phone number and certifies it by SMS (step 4a);
// the code then leads to next.
func CertifyPhone(next enrollment.State) []State {
	return []State{
		Wait(enrollment.AwaitingPhoneNumber, enrollment.PromptPhoneNumber,
			On(enrollment.PhoneNumberGiven, enrollment.RequestingCertificationSMS),
			cancel),
		// 4a — request certification SMS
		Call(enrollment.RequestingCertificationSMS, steps.RequestCertificationSMS,
			On(enrollment.CertificationSMSSent, enrollment.AwaitingCertificationCode).Does(StartCode(CertificationCode)),
			Rejected(enrollment.AwaitingPhoneNumber)),
		Wait(enrollment.AwaitingCertificationCode, enrollment.PromptCertificationCode,
			On(enrollment.CertificationCodeGiven, next),
			On(enrollment.ResendRequested, enrollment.RequestingCertificationSMS).Does(SpendResend),
			// a new number gets a new SMS: it spends a resend too
			On(enrollment.PhoneChangeRequested, enrollment.AwaitingPhoneNumber).Does(SpendResend, ForgetCode(CertificationCode)),
			cancel).AsksCode(CertificationCode, NewPhone),
	}
}

// EnrollWithCode is steps 5 to 8 of an enrollment, with a forgotten PIN
// reset by step B.
func EnrollWithCode() []State {
	return []State{
		// 5 — request enrollment SMS
		Call(enrollment.RequestingEnrollmentSMS, steps.RequestEnrollmentSMS,
			On(enrollment.EnrollmentSMSSent, enrollment.AwaitingEnrollmentCode).Does(StartCode(EnrollmentCode))),
		Wait(enrollment.AwaitingEnrollmentCode, enrollment.PromptEnrollmentCode,
			On(enrollment.EnrollmentCodeGiven, enrollment.CheckingPIN),
			On(enrollment.ResendRequested, enrollment.RequestingEnrollmentSMS).Does(SpendResend),
			cancel).AsksCode(EnrollmentCode, TrustedPhone),
		// 6 — check PIN code
		Call(enrollment.CheckingPIN, steps.CheckPIN,
			On(enrollment.PINExists, enrollment.AwaitingPIN),
			On(enrollment.PINMissing, enrollment.AwaitingNewPIN),
			Rejected(enrollment.AwaitingEnrollmentCode)),
		Wait(enrollment.AwaitingPIN, enrollment.PromptPIN,
			On(enrollment.PINGiven, enrollment.EnrollingDevice),
			On(enrollment.PINForgotten, enrollment.AwaitingResetPIN),
			cancel),
		// 7 — register new PIN
		Wait(enrollment.AwaitingNewPIN, enrollment.PromptNewPIN,
			On(enrollment.NewPINGiven, enrollment.RegisteringPIN),
			cancel),
		Call(enrollment.RegisteringPIN, steps.RegisterPIN,
			On(enrollment.PINRegistered, enrollment.EnrollingDevice),
			Rejected(enrollment.AwaitingNewPIN)),
		// 8 — enroll device, validating the PIN (2317: removal, unless a
		// resent step 7 may have enrolled the device: call 1 checks first)
		Call(enrollment.EnrollingDevice, steps.EnrollDevice,
			On(enrollment.DeviceEnrolled, enrollment.Enrolled),
			Rejected(enrollment.AwaitingPIN),
			On(enrollment.DeviceMaybeEnrolled, enrollment.VerifyingEnrollment).Does(AwaitVerification)),
		// B — reset a forgotten PIN with the step-6 code, then step 8
		Wait(enrollment.AwaitingResetPIN, enrollment.PromptNewPIN,
			On(enrollment.NewPINGiven, enrollment.ResettingPIN),
			cancel),
		Call(enrollment.ResettingPIN, steps.ResetPIN,
			On(enrollment.PINReset, enrollment.EnrollingDevice),
			Rejected(enrollment.AwaitingResetPIN)),
	}
}

// Interruption is the interrupted state; Compile adds a retry_<state> edge to
// every calling state, and verify_requested where a call may enroll.
func Interruption() []State {
	s := Wait(enrollment.Interrupted, enrollment.PromptRetry, cancel)
	s.Resumes = true
	return []State{s}
}

// Verification checks call 1 before an enrollment call whose outcome is
// unknown is sent again; Compile adds a resume_<state> edge to each.
func Verification(success enrollment.State) []State {
	s := Call(enrollment.VerifyingEnrollment, steps.VerifyEnrollment, On(enrollment.DeviceActivated, success))
	s.Verifies = true
	return []State{s}
}

// Ends is the terminal states.
func Ends(success enrollment.State) []State {
	return []State{End(success), End(enrollment.Failed), End(enrollment.Cancelled)}
}

// Enrollment compiles an enrollment flow from its blocks: calls have the
// edges of EnrollmentCalls, and the interruption, the verification and the
// terminal states close the table.
func Enrollment(about About, blocks ...[]State) *Table {
	return MustCompile(Spec{
		About:       about,
		Enrollment:  true,
		Success:     enrollment.Enrolled,
		OnEveryCall: EnrollmentCalls,
		States:      Join(append(blocks, Interruption(), Verification(enrollment.Enrolled), Ends(enrollment.Enrolled))...),
	})
}

// Join concatenates blocks.
func Join(blocks ...[]State) []State {
	var out []State
	for _, b := range blocks {
		out = append(out, b...)
	}
	return out
}
