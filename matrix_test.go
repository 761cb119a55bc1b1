package enrollfsm_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/enrollment"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/flows"
	"github.com/enrollfsm/enrollfsm/pims"
)

// The error-injection matrix (issue 4): every documented code, an unknown
// code, a bridge error, a malformed reply and a cancelled context, at every
// calling state of every table, checked against docs/contract.md §4. The way to each
// calling state is found by exploring the real engine; the expected effects
// are docs/contract.md §4's rules, written below, not read from the tables.

// move answers whatever is pending: a reply to a call, or an answer.
type move struct {
	reply  pims.Message
	err    error
	answer *enrollfsm.Answer
	label  string
}

func (m move) String() string { return m.label }

// play starts a run and applies moves; ok is false if one does not fit.
func play(flow enrollfsm.Flow, opts []enrollfsm.Option, moves []move) (*enrollfsm.Engine, bool) {
	e, err := enrollfsm.New(flow, opts...)
	if err != nil {
		panic(err)
	}
	for _, m := range moves {
		p := e.Next()
		switch {
		case p.Kind == enrollfsm.PendingCall && m.answer == nil:
			if err := e.Deliver(p.Call.ID, m.reply, m.err); err != nil {
				return e, false
			}
		case p.Kind == enrollfsm.PendingPrompt && m.answer != nil:
			if err := e.Answer(*m.answer); err != nil {
				return e, false
			}
		default:
			return e, false
		}
	}
	return e, true
}

var validValue = map[enrollfsm.Prompt]string{
	enrollfsm.PromptPhoneNumber: "0712345678", enrollfsm.PromptCertificationCode: "2424",
	enrollfsm.PromptEnrollmentCode: "24242424", enrollfsm.PromptPIN: "1234",
	enrollfsm.PromptNewPIN: "4321", enrollfsm.PromptOldPIN: "1234",
}

// choices are the moves worth exploring from what is pending.
func choices(p enrollfsm.Pending) []move {
	if p.Kind == enrollfsm.PendingPrompt {
		var out []move
		if v, ok := validValue[p.Prompt]; ok {
			a := enrollfsm.Value(p.Prompt, v)
			out = append(out, move{answer: &a, label: string(p.Prompt) + "=value"})
		}
		for _, act := range p.Actions {
			if act != enrollfsm.ActionCancel {
				a := enrollfsm.Act(p.Prompt, act)
				out = append(out, move{answer: &a, label: string(p.Prompt) + ":" + string(act)})
			}
		}
		return out
	}
	// Successes first: breadth first, the first way found is the most
	// ordinary one.
	var out []move
	for _, r := range []map[string]any{
		nil,
		{"isDeviceActivated": false}, {"isDeviceActivated": true},
		{"isAccountBlocked": "NotBlocked"}, {"isAccountBlocked": "AccountBlocked"},
		{"phoneNumber": "0612345678"}, {"phoneNumber": nil},
		{"status": "NotEnrolled"}, {"status": "AlreadyEnrolled"},
	} {
		out = append(out, move{reply: pims.Success("t", r), label: fmt.Sprintf("ok%v", r)})
	}
	return append(out,
		move{reply: pims.Failure("t", pimserr.CodeAccessRefused), label: "2308"},
		move{reply: pims.Failure("t", pimserr.CodeForbidden), label: "2317"},
		move{err: errors.New("bridge down"), label: "bridge"})
}

// wayTo explores the engine breadth first and returns, for every calling
// state, a shortest list of moves that enters it. A node is a state with the
// state it was entered from, which tells interrupted apart by its cause.
func wayTo(t *testing.T, flow enrollfsm.Flow, opts []enrollfsm.Option) map[enrollment.State][]move {
	type node struct{ state, from enrollment.State }
	tab := enrollfsm.Tables()[flow]
	found := map[enrollment.State][]move{}
	seen := map[node]bool{}
	queue := [][]move{nil}
	for len(queue) > 0 {
		moves := queue[0]
		queue = queue[1:]
		e, ok := play(flow, opts, moves)
		if !ok {
			continue
		}
		p := e.Next()
		for _, m := range choices(p) {
			next := append(append([]move(nil), moves...), m)
			e2, ok := play(flow, opts, next)
			if !ok {
				continue
			}
			to := e2.State()
			n := node{to, p.State}
			if to == p.State || seen[n] {
				continue
			}
			seen[n] = true
			if st, _ := tab.State(to); st.Kind == flows.Calling && found[to] == nil {
				found[to] = next
			}
			queue = append(queue, next)
		}
	}
	for _, s := range tab.Spec.States {
		if s.Kind == flows.Calling {
			require.Contains(t, found, s.Name, "%s: exploration never entered %s", flow, s.Name)
		}
	}
	return found
}

// rejectedBackTo is docs/contract.md §4's list: a rejected call goes back to the first
// prompt whose answer it carries.
var rejectedBackTo = map[string]enrollfsm.Prompt{
	"4a": enrollfsm.PromptPhoneNumber, "4.1": enrollfsm.PromptCertificationCode,
	"4.2": enrollfsm.PromptCertificationCode, "6": enrollfsm.PromptEnrollmentCode,
	"7": enrollfsm.PromptNewPIN, "B": enrollfsm.PromptNewPIN, "8": enrollfsm.PromptPIN,
	"C": enrollfsm.PromptOldPIN, "D": enrollfsm.PromptCertificationCode,
}

// reads are docs/contract.md §4's reads (1, 2, 3), retried in place.
var reads = map[string]bool{"1": true, "2": true, "3": true}

// resultRead are the steps whose result the engine needs (docs/contract.md §2).
var resultRead = map[string]bool{"1": true, "2": true, "3": true, "6": true}

// enrollmentCalls are 4·1, 7 and 8 (docs/contract.md §4, unknown outcomes).
var enrollmentCalls = map[string]bool{"4.1": true, "7": true, "8": true}

type injected struct {
	name  string
	reply pims.Message
	err   error
	code  pimserr.Code
}

func injections() []injected {
	var out []injected
	for _, c := range append(pimserr.Codes(), 2999) {
		out = append(out, injected{name: c.String(), reply: pims.Failure("t", c), code: c})
	}
	return append(out,
		injected{name: "bridge error", err: errors.New("bridge down")},
		injected{name: "cancelled context", err: context.Canceled},
		injected{name: "reply without status", reply: pims.Message{TransactionID: "t"}},
		injected{name: "unreadable reply", err: &pimserr.ProtocolError{Reason: "not JSON"}},
	)
}

func TestErrorMatrix_EveryCodeAtEveryCallingState(t *testing.T) {
	cases := 0
	var flowNames []enrollfsm.Flow
	for f := range enrollfsm.Tables() {
		flowNames = append(flowNames, f)
	}
	sort.Slice(flowNames, func(i, j int) bool { return flowNames[i] < flowNames[j] })
	for _, flow := range flowNames {
		tab := enrollfsm.Tables()[flow]
		for _, auto := range []bool{false, true} {
			opts := []enrollfsm.Option{enrollfsm.WithAutoRemove(auto), enrollfsm.WithVIN("VR1AB12C3D4567890")}
			for state, way := range wayTo(t, flow, opts) {
				st, _ := tab.State(state)
				for _, inj := range injections() {
					name := fmt.Sprintf("%s/auto=%v/%s/%s", flow, auto, state, inj.name)
					e, ok := play(flow, opts, way)
					require.True(t, ok, name)
					before := e.Counters()
					require.NoError(t, e.Deliver(e.Next().Call.ID, inj.reply, inj.err), name)
					checkEffect(t, name, tab, st.Step.ID, state, e, inj, before, auto, func() enrollment.State {
						e2, _ := play(flow, opts, append(way, move{reply: pims.Success("t", nil)}))
						return e2.State()
					})
					cases++
				}
			}
		}
	}
	t.Logf("%d cases", cases)
	assert.Greater(t, cases, 1000)
}

// checkEffect is docs/contract.md §4's table, applied to one injection.
func checkEffect(t *testing.T, name string, tab *flows.Table, step string, at enrollment.State, e *enrollfsm.Engine,
	inj injected, before enrollfsm.Counters, auto bool, afterSuccess func() enrollment.State) {
	t.Helper()
	p := e.Next()
	out, _ := e.Outcome()
	failed := func(f pimserr.Failure) {
		t.Helper()
		assert.Equal(t, enrollfsm.Failed, out.State, name)
		assert.Equal(t, f, out.Failure, name)
		assert.Error(t, out.Err, name)
	}
	interrupted := func() {
		t.Helper()
		require.Equal(t, enrollfsm.PromptRetry, p.Prompt, name)
		if at == enrollment.VerifyingEnrollment {
			return
		}
		// A retry goes back to the same call, through call 1 when the
		// outcome of an enrollment call is unknown.
		require.NoError(t, e.Answer(enrollfsm.Act(enrollfsm.PromptRetry, enrollfsm.ActionRetry)), name)
		unknown := enrollmentCalls[step] && (inj.err != nil || inj.code == pimserr.CodeTimeout)
		if unknown {
			assert.Equal(t, enrollment.VerifyingEnrollment, e.State(), name)
		} else {
			assert.Equal(t, at, e.State(), name)
		}
	}
	switch {
	case inj.err != nil && errors.Is(inj.err, pimserr.ErrBadReply), inj.err == nil && inj.reply.Status == "":
		failed(pimserr.FailureBadReply)
	case inj.err != nil:
		interrupted()
	case !inj.code.Known():
		failed(pimserr.FailureCode(inj.code))
	default:
		class := inj.code.Class()
		if class == pimserr.ClassSucceededWithWarning && (resultRead[step] || at == enrollment.VerifyingEnrollment) {
			class = pimserr.ClassTransient
		}
		switch class {
		case pimserr.ClassTransient:
			if reads[step] {
				assert.Equal(t, at, e.State(), "%s: a read is retried in place", name)
				assert.Equal(t, enrollfsm.PendingCall, p.Kind, name)
				assert.Positive(t, p.Call.Delay, "%s: with a backoff", name)
			} else {
				interrupted()
			}
		case pimserr.ClassRejected:
			if back, carries := rejectedBackTo[step]; carries {
				assert.Equal(t, back, p.Prompt, name)
				if back.IsPIN() {
					assert.Equal(t, before.WrongPINs+1, e.Counters().WrongPINs, "%s: one wrong PIN counted", name)
				}
				if back.IsCode() {
					assert.Equal(t, before.WrongCodes+1, e.Counters().WrongCodes, "%s: one wrong code counted", name)
				}
			} else {
				failed(pimserr.FailureCode(inj.code))
			}
		case pimserr.ClassBlocked:
			switch {
			case !tab.Enrollment:
				failed(pimserr.FailureCode(inj.code))
			case at == enrollment.RemovingEnrollments, before.Removals >= enrollfsm.DefaultLimits().Removals:
				failed(pimserr.FailureAccountLocked)
			case auto:
				assert.Equal(t, enrollment.RemovingEnrollments, e.State(), name)
			default:
				assert.Equal(t, enrollfsm.PromptConfirmRemoval, p.Prompt, name)
			}
		case pimserr.ClassSucceededWithWarning:
			assert.Equal(t, afterSuccess(), e.State(), "%s: the step counts as done", name)
			if out.State != "" {
				assert.NotEmpty(t, out.Warnings, name)
			}
		default:
			failed(pimserr.FailureCode(inj.code))
		}
	}
}
