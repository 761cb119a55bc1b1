package flows

import (
	"github.com/enrollfsm/enrollfsm/fsm"
	"github.com/enrollfsm/enrollfsm/steps"
)

// The blocks below are declared once and composed by the flows and account
// operations, in the tutorial's order.

var cancel = On(fsm.CancelRequested, fsm.Cancelled)

// EnrollmentCalls are the edges every call of an enrollment has: it can be
// interrupted, fail, or find the account blocked (2310, 2317), which leads to
// removing every enrollment, after consent unless removal is automatic.
var EnrollmentCalls = []Edge{
	On(fsm.CallInterrupted, fsm.Interrupted).Does(KeepInterruption),
	On(fsm.CallFailed, fsm.Failed).Does(CountLastAnswer),
	On(fsm.RemovalRequired, fsm.ConfirmingRemoval).Does(KeepCause),
	On(fsm.RemovalAuthorised, fsm.RemovingEnrollments).Does(SpendRemoval),
}

// OperationCalls are the edges every call of an account operation has: a
// blocked account there is a failure.
var OperationCalls = []Edge{
	On(fsm.CallInterrupted, fsm.Interrupted).Does(KeepInterruption),
	On(fsm.CallFailed, fsm.Failed).Does(CountLastAnswer),
}

// CheckStatus is steps 1, 2, A and 3 of an enrollment.
func CheckStatus() []State {
	return []State{
		// 1 — check enrollment status
		Call(fsm.CheckingEnrollment, steps.CheckEnrollment,
			On(fsm.DeviceActivated, fsm.Enrolled),
			On(fsm.DeviceNotActivated, fsm.CheckingAccount)),
		// 2 — check account status (blocked: removal, from EnrollmentCalls)
		Call(fsm.CheckingAccount, steps.CheckAccount,
			On(fsm.AccountNotBlocked, fsm.CheckingPhone)),
		// A — remove all enrollments; it signs other devices out, so ask
		Wait(fsm.ConfirmingRemoval, fsm.PromptConfirmRemoval,
			On(fsm.RemovalConfirmed, fsm.RemovingEnrollments).Does(SpendRemoval),
			On(fsm.RemovalDeclined, fsm.Cancelled),
			cancel),
		Call(fsm.RemovingEnrollments, steps.RemoveEnrollments,
			On(fsm.EnrollmentsRemoved, fsm.CheckingPhone)),
		// 3 — check phone number
		Call(fsm.CheckingPhone, steps.CheckPhone,
			On(fsm.PhonePresent, fsm.RequestingEnrollmentSMS).Does(KeepTrustedPhone),
			On(fsm.PhoneAbsent, fsm.AwaitingPhoneNumber)),
	}
}

// CertifyPhone asks for a phone number and certifies it by SMS (step 4a);
// the code then leads to next.
func CertifyPhone(next fsm.State) []State {
	return []State{
		Wait(fsm.AwaitingPhoneNumber, fsm.PromptPhoneNumber,
			On(fsm.PhoneNumberGiven, fsm.RequestingCertificationSMS),
			cancel),
		// 4a — request certification SMS
		Call(fsm.RequestingCertificationSMS, steps.RequestCertificationSMS,
			On(fsm.CertificationSMSSent, fsm.AwaitingCertificationCode).Does(StartCode(fsm.PromptCertificationCode)),
			Rejected(fsm.AwaitingPhoneNumber)),
		Wait(fsm.AwaitingCertificationCode, fsm.PromptCertificationCode,
			On(fsm.CertificationCodeGiven, next),
			On(fsm.ResendRequested, fsm.RequestingCertificationSMS).Does(SpendResend),
			// a new number gets a new SMS: it spends a resend too
			On(fsm.PhoneChangeRequested, fsm.AwaitingPhoneNumber).Does(SpendResend, ForgetCode(fsm.PromptCertificationCode)),
			cancel),
	}
}

// EnrollWithCode is steps 5 to 8 of an enrollment, with a forgotten PIN
// reset by step B.
func EnrollWithCode() []State {
	return []State{
		// 5 — request enrollment SMS
		Call(fsm.RequestingEnrollmentSMS, steps.RequestEnrollmentSMS,
			On(fsm.EnrollmentSMSSent, fsm.AwaitingEnrollmentCode).Does(StartCode(fsm.PromptEnrollmentCode))),
		Wait(fsm.AwaitingEnrollmentCode, fsm.PromptEnrollmentCode,
			On(fsm.EnrollmentCodeGiven, fsm.CheckingPIN),
			On(fsm.ResendRequested, fsm.RequestingEnrollmentSMS).Does(SpendResend),
			cancel),
		// 6 — check PIN code
		Call(fsm.CheckingPIN, steps.CheckPIN,
			On(fsm.PINExists, fsm.AwaitingPIN),
			On(fsm.PINMissing, fsm.AwaitingNewPIN),
			Rejected(fsm.AwaitingEnrollmentCode)),
		Wait(fsm.AwaitingPIN, fsm.PromptPIN,
			On(fsm.PINGiven, fsm.EnrollingDevice),
			On(fsm.PINForgotten, fsm.AwaitingResetPIN),
			cancel),
		// 7 — register new PIN
		Wait(fsm.AwaitingNewPIN, fsm.PromptNewPIN,
			On(fsm.NewPINGiven, fsm.RegisteringPIN),
			cancel),
		Call(fsm.RegisteringPIN, steps.RegisterPIN,
			On(fsm.PINRegistered, fsm.EnrollingDevice),
			Rejected(fsm.AwaitingNewPIN)),
		// 8 — enroll device, validating the PIN (2317: removal, unless a
		// resent step 7 may have enrolled the device: call 1 checks first)
		Call(fsm.EnrollingDevice, steps.EnrollDevice,
			On(fsm.DeviceEnrolled, fsm.Enrolled),
			Rejected(fsm.AwaitingPIN),
			On(fsm.DeviceMaybeEnrolled, fsm.VerifyingEnrollment).Does(AwaitVerification)),
		// B — reset a forgotten PIN with the step-6 code, then step 8
		Wait(fsm.AwaitingResetPIN, fsm.PromptNewPIN,
			On(fsm.NewPINGiven, fsm.ResettingPIN),
			cancel),
		Call(fsm.ResettingPIN, steps.ResetPIN,
			On(fsm.PINReset, fsm.EnrollingDevice),
			Rejected(fsm.AwaitingResetPIN)),
	}
}

// Interruption is the interrupted state; Compile adds a retry_<state> edge to
// every calling state, and verify_requested where a call may enroll.
func Interruption() []State {
	s := Wait(fsm.Interrupted, fsm.PromptRetry, cancel)
	s.Resumes = true
	return []State{s}
}

// Verification checks call 1 before an enrollment call whose outcome is
// unknown is sent again; Compile adds a resume_<state> edge to each.
func Verification(success fsm.State) []State {
	s := Call(fsm.VerifyingEnrollment, steps.VerifyEnrollment, On(fsm.DeviceActivated, success))
	s.Verifies = true
	return []State{s}
}

// Ends is the terminal states.
func Ends(success fsm.State) []State {
	return []State{End(success), End(fsm.Failed), End(fsm.Cancelled)}
}

// Enrollment compiles an enrollment flow from its blocks: calls have the
// edges of EnrollmentCalls, and the interruption, the verification and the
// terminal states close the table.
func Enrollment(about About, blocks ...[]State) *Table {
	return MustCompile(Spec{
		About:       about,
		Enrollment:  true,
		Success:     fsm.Enrolled,
		OnEveryCall: EnrollmentCalls,
		States:      Join(append(blocks, Interruption(), Verification(fsm.Enrolled), Ends(fsm.Enrolled))...),
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
