package enrollfsm

import (
	"github.com/enrollfsm/enrollfsm/enrollment"
)

// The values a host exchanges with an engine, from package enrollment (the
// vocabulary below the engine, as raftpb sits below raft), so that a host
// imports one package.
type (
	State       = enrollment.State
	Event       = enrollment.Event
	Prompt      = enrollment.Prompt
	Action      = enrollment.Action
	Platform    = enrollment.Platform
	Flow        = enrollment.Flow
	PendingKind = enrollment.PendingKind
	Pending     = enrollment.Pending
	Call        = enrollment.Call
	Answer      = enrollment.Answer
	Outcome     = enrollment.Outcome
	Counters    = enrollment.Counters
	Transition  = enrollment.Transition
	CallRecord  = enrollment.CallRecord
	Observer    = enrollment.Observer
	Limits      = enrollment.Limits
	Clock       = enrollment.Clock
	FlowInfo    = enrollment.FlowInfo
	Place       = enrollment.Place
)

// Platforms.
const (
	Android = enrollment.Android
	IOS     = enrollment.IOS
)

// The flows of docs/contract.md §3.
const (
	FlowFull              = enrollment.FlowFull
	FlowShortcut          = enrollment.FlowShortcut
	FlowAuto              = enrollment.FlowAuto
	FlowRemoveEnrollments = enrollment.FlowRemoveEnrollments
	FlowResetPIN          = enrollment.FlowResetPIN
	FlowUpdatePIN         = enrollment.FlowUpdatePIN
	FlowModifyPhone       = enrollment.FlowModifyPhone
	FlowRemoveVehicle     = enrollment.FlowRemoveVehicle
)

// What can be pending.
const (
	PendingCall   = enrollment.PendingCall
	PendingPrompt = enrollment.PendingPrompt
	PendingNone   = enrollment.PendingNone
)

// Prompts.
const (
	PromptPhoneNumber       = enrollment.PromptPhoneNumber
	PromptCertificationCode = enrollment.PromptCertificationCode
	PromptEnrollmentCode    = enrollment.PromptEnrollmentCode
	PromptPIN               = enrollment.PromptPIN
	PromptNewPIN            = enrollment.PromptNewPIN
	PromptOldPIN            = enrollment.PromptOldPIN
	PromptConfirmRemoval    = enrollment.PromptConfirmRemoval
	PromptRetry             = enrollment.PromptRetry
)

// Actions.
const (
	ActionCancel      = enrollment.ActionCancel
	ActionResend      = enrollment.ActionResend
	ActionChangePhone = enrollment.ActionChangePhone
	ActionForgotPIN   = enrollment.ActionForgotPIN
	ActionRetry       = enrollment.ActionRetry
	ActionYes         = enrollment.ActionYes
	ActionNo          = enrollment.ActionNo
)

// Terminal states.
const (
	Enrolled  = enrollment.Enrolled
	Done      = enrollment.Done
	Failed    = enrollment.Failed
	Cancelled = enrollment.Cancelled
)

// Value is a value answer to p.
func Value(p Prompt, v string) Answer { return enrollment.Value(p, v) }

// Act is an action answer at p.
func Act(p Prompt, a Action) Answer { return enrollment.Act(p, a) }

// Settings are a run's own settings, fixed at New (or by the snapshot at
// Restore).
type Settings enrollment.Settings

// Options returns the options that give a new engine these settings (the
// flow aside, which New takes): those left empty keep their defaults.
func (s Settings) Options() []Option {
	opts := []Option{WithAutoRemove(s.AutoRemove)}
	if s.Platform != "" {
		opts = append(opts, WithPlatform(s.Platform))
	}
	if s.SDKVersion != "" {
		opts = append(opts, WithSDKVersion(s.SDKVersion))
	}
	if s.VIN != "" {
		opts = append(opts, WithVIN(s.VIN))
	}
	return opts
}
