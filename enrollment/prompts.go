package enrollment

// Prompt is what a waiting state asks the user.
type Prompt string

// The prompts. A value prompt takes a typed value; the others take actions.
const (
	PromptPhoneNumber       Prompt = "phone_number"
	PromptCertificationCode Prompt = "certification_code"
	PromptEnrollmentCode    Prompt = "enrollment_code"
	PromptPIN               Prompt = "pin"
	PromptNewPIN            Prompt = "new_pin"
	PromptOldPIN            Prompt = "old_pin"
	// PromptConfirmRemoval takes ActionYes or ActionNo.
	PromptConfirmRemoval Prompt = "confirm_removal"
	// PromptRetry takes ActionRetry (or ActionCancel).
	PromptRetry Prompt = "retry"
)

// ValueEvent returns the event a value answer to p fires, and false for
// prompts that take no value.
func (p Prompt) ValueEvent() (Event, bool) {
	switch p {
	case PromptPhoneNumber:
		return PhoneNumberGiven, true
	case PromptCertificationCode:
		return CertificationCodeGiven, true
	case PromptEnrollmentCode:
		return EnrollmentCodeGiven, true
	case PromptPIN:
		return PINGiven, true
	case PromptNewPIN:
		return NewPINGiven, true
	case PromptOldPIN:
		return OldPINGiven, true
	}
	return "", false
}

// IsCode reports whether p asks for an SMS code.
func (p Prompt) IsCode() bool { return p == PromptCertificationCode || p == PromptEnrollmentCode }

// IsSecret reports whether p asks for a PIN or an SMS code, which the engine
// keeps in memory only.
func (p Prompt) IsSecret() bool { return p.IsCode() || p.IsPIN() }

// IsPIN reports whether p asks for a PIN.
func (p Prompt) IsPIN() bool { return p == PromptPIN || p == PromptNewPIN || p == PromptOldPIN }

// Action is an answer other than a value.
type Action string

// The actions. Which ones a prompt offers follows from its state's edges.
const (
	ActionCancel      Action = "cancel"
	ActionResend      Action = "resend"
	ActionChangePhone Action = "change_phone"
	ActionForgotPIN   Action = "forgot_pin"
	ActionRetry       Action = "retry"
	ActionYes         Action = "yes"
	ActionNo          Action = "no"
)

// Actions lists every action.
func Actions() []Action {
	return []Action{ActionCancel, ActionResend, ActionChangePhone, ActionForgotPIN, ActionRetry, ActionYes, ActionNo}
}

// Event returns the event an action fires, and false for ActionRetry (the
// engine picks a RetryEvent or VerifyRequested) and for unknown actions.
func (a Action) Event() (Event, bool) {
	switch a {
	case ActionCancel:
		return CancelRequested, true
	case ActionResend:
		return ResendRequested, true
	case ActionChangePhone:
		return PhoneChangeRequested, true
	case ActionForgotPIN:
		return PINForgotten, true
	case ActionYes:
		return RemovalConfirmed, true
	case ActionNo:
		return RemovalDeclined, true
	}
	return "", false
}
