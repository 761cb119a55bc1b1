package enrolltest

import (
	"slices"

	"github.com/enrollfsm/enrollfsm/enrollment"
	"github.com/enrollfsm/enrollfsm/flows"
	"github.com/enrollfsm/enrollfsm/fsm"
	"github.com/enrollfsm/enrollfsm/internal/hooks"
	"github.com/enrollfsm/enrollfsm/steps"
)

// liveness says, for each state of a table, whether the engine may still
// read a part of the run state before writing it again: the wrong-answer
// count and age of each SMS code (read at its prompt and by the calls that
// send it; written when a new code is texted), and the trusted phone (shown
// at the enrollment code prompt; written by step 3). Check leaves a dead
// part out of a state's key: two runs that differ only there go on alike.
// This keeps the certification code's count, for instance, from
// multiplying every state after the phone was added.
type liveness struct {
	code    [2]map[enrollment.State]bool
	trusted map[enrollment.State]bool
	// held: the inputs (hooks.Held* bits) a later call may still send
	// before they are answered again; the same for the values the monitor
	// checks requests against.
	held map[enrollment.State]uint8
}

// heldInputs are the inputs a run holds, by hooks.Held* bit: the prompts
// that give each (and that a call's Needs names), and the monitor's source.
var heldInputs = []struct {
	bit     uint8
	prompts []enrollment.Prompt
	source  answer
}{
	{hooks.HeldPhone, []enrollment.Prompt{enrollment.PromptPhoneNumber}, fromPhone},
	{hooks.HeldCertificationCode, []enrollment.Prompt{enrollment.PromptCertificationCode}, fromCertCode},
	{hooks.HeldEnrollmentCode, []enrollment.Prompt{enrollment.PromptEnrollmentCode}, fromEnrollCode},
	{hooks.HeldPIN, []enrollment.Prompt{enrollment.PromptPIN, enrollment.PromptNewPIN}, fromPIN},
	{hooks.HeldOldPIN, []enrollment.Prompt{enrollment.PromptOldPIN}, fromOldPIN},
}

func newLiveness(t *flows.Table, platform steps.Platform) *liveness {
	l := &liveness{held: map[enrollment.State]uint8{}}
	for _, h := range heldInputs {
		var kills []enrollment.Event
		for _, p := range h.prompts {
			ev, _ := p.ValueEvent()
			kills = append(kills, ev)
		}
		for s := range live(t, kills, func(s *flows.State) bool {
			if s.Kind != flows.Calling {
				return false
			}
			for _, need := range s.Step.Needs(platform) {
				if slices.Contains(h.prompts, need) {
					return true
				}
			}
			return false
		}) {
			l.held[s] |= h.bit
		}
	}
	for i, p := range codePrompts {
		sent := enrollment.CertificationSMSSent
		if i == 1 {
			sent = enrollment.EnrollmentSMSSent
		}
		l.code[i] = live(t, []enrollment.Event{sent}, func(s *flows.State) bool {
			return (s.Kind == flows.Waiting && s.Prompt == p) || (s.Kind == flows.Calling && s.Step.Blames == p)
		})
	}
	l.trusted = live(t, []enrollment.Event{enrollment.PhonePresent}, func(s *flows.State) bool {
		return s.Kind == flows.Waiting && s.Prompt == enrollment.PromptEnrollmentCode
	})
	return l
}

// live returns the states from which a state that reads the value can be
// reached by edges other than kill, which writes it.
func live(t *flows.Table, kills []enrollment.Event, reads func(*flows.State) bool) map[enrollment.State]bool {
	out := map[enrollment.State]bool{}
	for _, s := range t.States {
		if reads(&s) {
			out[s.Name] = true
		}
	}
	// interrupted leads back only to the call it interrupted (through
	// verifying_enrollment for an unknown outcome), and verifying_enrollment
	// resumes only that call, not every call the table lists: those states
	// take the liveness of that call (at), and their edges are left out.
	var rows []fsm.Row
	for _, r := range t.Def.Rows() {
		_, resume := enrollment.ResumeTarget(r.Event)
		if r.Src == enrollment.Interrupted || r.Dst == enrollment.Interrupted || (r.Src == enrollment.VerifyingEnrollment && resume) {
			continue
		}
		rows = append(rows, r)
	}
	for changed := true; changed; {
		changed = false
		for _, r := range rows {
			if !slices.Contains(kills, r.Event) && out[r.Dst] && !out[r.Src] {
				out[r.Src], changed = true, true
			}
		}
	}
	return out
}

// liveAt is what is live at one state of a run.
type liveAt struct {
	code    [2]bool
	trusted bool
	held    uint8
}

// at returns what is live in run state r: at interrupted and
// verifying_enrollment, what the call they lead back to reads.
func (l *liveness) at(r hooks.RunState) liveAt {
	var out liveAt
	add := func(s enrollment.State) {
		out.code[0] = out.code[0] || l.code[0][s]
		out.code[1] = out.code[1] || l.code[1][s]
		out.trusted = out.trusted || l.trusted[s]
		out.held |= l.held[s]
	}
	st := enrollment.State(r.State)
	add(st)
	switch st {
	case enrollment.Interrupted:
		add(enrollment.State(r.Resume))
		add(enrollment.State(r.VerifyFor))
	case enrollment.VerifyingEnrollment:
		add(enrollment.State(r.VerifyFor))
	}
	return out
}
