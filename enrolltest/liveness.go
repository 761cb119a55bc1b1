package enrolltest

import (
	"slices"

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
	code    [2]map[fsm.State]bool
	trusted map[fsm.State]bool
	// held: the inputs (hooks.Held* bits) a later call may still send
	// before they are answered again; the same for the values the monitor
	// checks requests against.
	held map[fsm.State]uint8
}

// heldInputs are the inputs a run holds, by hooks.Held* bit: the prompts
// that give each (and that a call's Needs names), and the monitor's source.
var heldInputs = []struct {
	bit     uint8
	prompts []fsm.Prompt
	source  answer
}{
	{hooks.HeldPhone, []fsm.Prompt{fsm.PromptPhoneNumber}, fromPhone},
	{hooks.HeldCertificationCode, []fsm.Prompt{fsm.PromptCertificationCode}, fromCertCode},
	{hooks.HeldEnrollmentCode, []fsm.Prompt{fsm.PromptEnrollmentCode}, fromEnrollCode},
	{hooks.HeldPIN, []fsm.Prompt{fsm.PromptPIN, fsm.PromptNewPIN}, fromPIN},
	{hooks.HeldOldPIN, []fsm.Prompt{fsm.PromptOldPIN}, fromOldPIN},
}

func newLiveness(t *flows.Table, platform steps.Platform) *liveness {
	l := &liveness{held: map[fsm.State]uint8{}}
	for _, h := range heldInputs {
		var kills []fsm.Event
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
		sent := fsm.CertificationSMSSent
		if i == 1 {
			sent = fsm.EnrollmentSMSSent
		}
		l.code[i] = live(t, []fsm.Event{sent}, func(s *flows.State) bool {
			return (s.Kind == flows.Waiting && s.Prompt == p) || (s.Kind == flows.Calling && s.Step.Blames == p)
		})
	}
	l.trusted = live(t, []fsm.Event{fsm.PhonePresent}, func(s *flows.State) bool {
		return s.Kind == flows.Waiting && s.Prompt == fsm.PromptEnrollmentCode
	})
	return l
}

// live returns the states from which a state that reads the value can be
// reached by edges other than kill, which writes it.
func live(t *flows.Table, kills []fsm.Event, reads func(*flows.State) bool) map[fsm.State]bool {
	out := map[fsm.State]bool{}
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
		_, resume := fsm.ResumeTarget(r.Event)
		if r.Src == fsm.Interrupted || r.Dst == fsm.Interrupted || (r.Src == fsm.VerifyingEnrollment && resume) {
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
	add := func(s fsm.State) {
		out.code[0] = out.code[0] || l.code[0][s]
		out.code[1] = out.code[1] || l.code[1][s]
		out.trusted = out.trusted || l.trusted[s]
		out.held |= l.held[s]
	}
	st := fsm.State(r.State)
	add(st)
	switch st {
	case fsm.Interrupted:
		add(fsm.State(r.Resume))
		add(fsm.State(r.VerifyFor))
	case fsm.VerifyingEnrollment:
		add(fsm.State(r.VerifyFor))
	}
	return out
}
