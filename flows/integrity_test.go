package flows_test

import (
	"context"
	"errors"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm/account"
	"github.com/enrollfsm/enrollfsm/enrollment"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/flows"
	"github.com/enrollfsm/enrollfsm/flows/full"
	"github.com/enrollfsm/enrollfsm/flows/shortcut"
	"github.com/enrollfsm/enrollfsm/pims"
	"github.com/enrollfsm/enrollfsm/steps"
)

// Table integrity: the properties every table must have, checked on all of
// them. STYLE §6.

// tables is every table, by name.
var tables = func() map[string]*flows.Table {
	out := map[string]*flows.Table{full.Table.Name: full.Table, shortcut.Table.Name: shortcut.Table}
	for _, t := range account.Operations {
		out[t.Name] = t
	}
	return out
}()

func sortedFlows() []string {
	var names []string
	for f := range tables {
		names = append(names, f)
	}
	sort.Strings(names)
	return names
}

func TestTables_EveryStateReachableFromStart(t *testing.T) {
	for _, name := range sortedFlows() {
		tab := tables[name]
		t.Run(string(name), func(t *testing.T) {
			seen := map[enrollment.State]bool{enrollment.Start: true}
			queue := []enrollment.State{enrollment.Start}
			for len(queue) > 0 {
				s := queue[0]
				queue = queue[1:]
				for _, ev := range tab.Def.EventsFrom(s) {
					dst, _ := tab.Def.Target(s, ev)
					if !seen[dst] {
						seen[dst] = true
						queue = append(queue, dst)
					}
				}
			}
			for _, s := range tab.Spec.States {
				assert.True(t, seen[s.Name], "state %s is not reachable from start", s.Name)
			}
		})
	}
}

func TestTables_ExitsMatchKinds(t *testing.T) {
	for _, name := range sortedFlows() {
		tab := tables[name]
		t.Run(string(name), func(t *testing.T) {
			for _, s := range tab.Spec.States {
				out := tab.Def.EventsFrom(s.Name)
				if s.Kind == flows.Terminal {
					assert.Empty(t, out, "terminal state %s has exits", s.Name)
					continue
				}
				var leaves bool
				for _, ev := range out {
					dst, _ := tab.Def.Target(s.Name, ev)
					leaves = leaves || dst != s.Name
				}
				assert.True(t, leaves, "state %s has no exit", s.Name)
			}
			for _, end := range []enrollment.State{tab.Success, enrollment.Failed, enrollment.Cancelled} {
				st, ok := tab.State(end)
				require.True(t, ok, "no terminal state %s", end)
				assert.Equal(t, flows.Terminal, st.Kind)
			}
		})
	}
}

// Every waiting state can be cancelled, takes a value when its prompt does,
// and has no edge but its answers and the moves of a restored run, which
// holds no PIN or code.
func TestTables_WaitingStatesOfferCancelAndTheirValue(t *testing.T) {
	for _, name := range sortedFlows() {
		tab := tables[name]
		t.Run(string(name), func(t *testing.T) {
			for _, s := range tab.Spec.States {
				if s.Kind != flows.Waiting {
					continue
				}
				_, ok := tab.Def.Target(s.Name, enrollment.CancelRequested)
				assert.True(t, ok, "%s cannot be cancelled", s.Name)
				if ev, takes := s.Prompt.ValueEvent(); takes {
					_, ok := tab.Def.Target(s.Name, ev)
					assert.True(t, ok, "%s asks %s but has no %s edge", s.Name, s.Prompt, ev)
				}
				for _, ev := range tab.Def.EventsFrom(s.Name) {
					assert.True(t, answerable(s, ev), "%s: event %s is not the answer to any action or value", s.Name, ev)
				}
			}
		})
	}
}

func answerable(s flows.State, ev enrollment.Event) bool {
	if v, ok := s.Prompt.ValueEvent(); ok && v == ev {
		return true
	}
	for _, a := range enrollment.Actions() {
		if x, ok := a.Event(); ok && x == ev {
			return true
		}
	}
	if ev == enrollment.AnswerLost {
		return true
	}
	_, retry := enrollment.RetryTarget(ev)
	_, lost := enrollment.AnswersLostCall(ev)
	return s.Name == enrollment.Interrupted && (retry || lost || ev == enrollment.VerifyRequested || ev == enrollment.AttemptsExhausted)
}

// A rejection goes back to the prompt whose answer the call carries (docs/contract.md
// §4, "rejected").
func TestTables_RejectionReturnsToTheBlamedPrompt(t *testing.T) {
	for _, name := range sortedFlows() {
		tab := tables[name]
		t.Run(string(name), func(t *testing.T) {
			for _, s := range tab.Spec.States {
				if s.Kind != flows.Calling {
					continue
				}
				dst, ok := tab.Def.Target(s.Name, enrollment.InputRejected)
				if s.Step.Blames == "" {
					assert.False(t, ok, "%s rejects input but its call carries none", s.Name)
					continue
				}
				require.True(t, ok, "%s carries %s but has no input_rejected edge", s.Name, s.Step.Blames)
				back, _ := tab.State(dst)
				assert.Equal(t, s.Step.Blames, back.Prompt, "%s: a rejection goes to %s", s.Name, dst)
			}
		})
	}
}

// Every event an interpreter can return is allowed from every state that
// runs that step: the interpreters are fed every documented code, an
// unknown code, every result shape, malformed replies and port errors,
// under every combination of guards.
func TestTables_EveryInterpretedEventIsAllowed(t *testing.T) {
	for _, name := range sortedFlows() {
		tab := tables[name]
		t.Run(string(name), func(t *testing.T) {
			var enrolling []enrollment.State
			for _, s := range tab.Spec.States {
				if s.Kind == flows.Calling && s.Step.Enrolls {
					enrolling = append(enrolling, s.Name)
				}
			}
			for _, s := range tab.Spec.States {
				if s.Kind != flows.Calling {
					continue
				}
				resumes := []enrollment.State{""}
				if s.Name == enrollment.VerifyingEnrollment {
					resumes = enrolling
				}
				// The engine marks a call as following a resent step 7 only
				// where step 7 leads.
				afterStep7, _ := tab.Def.Target(enrollment.RegisteringPIN, enrollment.PINRegistered)
				refused := map[enrollment.Event]string{}
				seen := 0
				for _, c := range guardContexts(tab.Enrollment, resumes, s.Name == afterStep7) {
					for _, r := range replyCorpus() {
						d := s.Step.Interpret(r.msg, r.err, c)
						if _, ok := tab.Def.Target(s.Name, d.Event); !ok {
							refused[d.Event] = r.name
						}
						seen++
					}
				}
				require.NotZero(t, seen)
				for ev, why := range refused {
					t.Errorf("%s: %s gives %s, which the table does not allow", s.Name, why, ev)
				}
			}
		})
	}
}

type reply struct {
	name string
	msg  pims.Message
	err  error
}

func replyCorpus() []reply {
	results := []map[string]any{
		nil, {},
		{"isDeviceActivated": true}, {"isDeviceActivated": false}, {"isDeviceActivated": "maybe"},
		{"isAccountBlocked": "NotBlocked"}, {"isAccountBlocked": "AccountBlocked"},
		{"isAccountBlocked": "PINBlocked"}, {"isAccountBlocked": true}, {"isAccountBlocked": 3.0},
		{"phoneNumber": "0612345678"}, {"phoneNumber": nil}, {"trustedphoneNumber": nil}, {"phoneNumber": 612345678.0},
		{"status": "AlreadyEnrolled"}, {"status": "NotEnrolled"}, {"status": "Other"},
	}
	var out []reply
	for _, r := range results {
		out = append(out, reply{name: "SUCCEEDED", msg: pims.Success("t", r)})
	}
	for _, c := range append(pimserr.Codes(), 9999) {
		out = append(out, reply{name: "FAILED " + c.String(), msg: pims.Failure("t", c)})
	}
	out = append(out,
		reply{name: "no status", msg: pims.Message{}},
		reply{name: "unknown status", msg: pims.Message{Status: "DONE"}},
		reply{name: "FAILED without code", msg: pims.Message{Status: pims.Failed}},
		reply{name: "bridge error", err: errors.New("bridge down")},
		reply{name: "cancelled", err: context.Canceled},
		reply{name: "protocol error", err: &pimserr.ProtocolError{Reason: "x"}},
	)
	return out
}

func guardContexts(inEnrollment bool, resumes []enrollment.State, afterResend bool) []steps.Context {
	var out []steps.Context
	for _, auto := range []bool{false, true} {
		for _, removals := range []int{0, 1} {
			for _, pins := range []int{1, 5} {
				for _, codes := range []int{1, 3} {
					for _, resend := range []bool{false, true} {
						for _, attempt := range []int{1, 3} {
							for _, resume := range resumes {
								out = append(out, steps.Context{
									Enrollment: inEnrollment, AutoRemove: auto, RemovalsLeft: removals,
									PINAttemptsLeft: pins, CodeAttemptsLeft: codes, CanResend: resend,
									Attempt: attempt, MaxReadAttempts: 3, Resume: resume,
								})
							}
						}
					}
				}
			}
		}
	}
	if afterResend {
		for _, c := range out {
			c.AfterUnsurePIN = true
			out = append(out, c)
		}
	}
	return out
}

// What an edge changes in the run is declared on it: every edge of an event
// the engine gives an effect to carries that effect, so a table cannot leave
// one out by mistake.
func TestTables_EffectsBesideTheirCauses(t *testing.T) {
	want := map[enrollment.Event]flows.EffectKind{
		enrollment.InputRejected:        flows.WrongAnswerCounted,
		enrollment.CallFailed:           flows.LastWrongAnswerCounted,
		enrollment.CertificationSMSSent: flows.CodeSent,
		enrollment.EnrollmentSMSSent:    flows.CodeSent,
		enrollment.ResendRequested:      flows.ResendSpent,
		enrollment.PhoneChangeRequested: flows.ResendSpent,
		enrollment.CallInterrupted:      flows.InterruptionKept,
		enrollment.ReadRetried:          flows.ReadRetry,
		enrollment.RemovalConfirmed:     flows.RemovalSpent,
		enrollment.RemovalAuthorised:    flows.RemovalSpent,
		enrollment.RemovalRequired:      flows.CauseKept,
		enrollment.DeviceMaybeEnrolled:  flows.VerificationAwaited,
		enrollment.PhonePresent:         flows.TrustedPhoneKept,
		enrollment.PhoneNumberAdded:     flows.PhoneTrusted,
	}
	for _, name := range sortedFlows() {
		for _, s := range tables[name].Spec.States {
			for _, e := range s.Edges {
				if k, ok := want[e.Event]; ok {
					assert.True(t, flows.Has(e.Effects, k), "%s: %s --%s--> %s has no effect %d", name, s.Name, e.Event, e.Dst, k)
				}
				for _, ef := range e.Effects {
					assert.NotEqual(t, "?", ef.Label(&s), "%s: %s --%s--> an effect without a label", name, s.Name, e.Event)
				}
			}
		}
	}
}
