package docgen_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/enrollment"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/flows"
	"github.com/enrollfsm/enrollfsm/internal/docgen"
)

// firstAttempt returns the cause whose codes lead state s of flow to ev on a
// first attempt.
func firstAttempt(t *testing.T, flow enrollfsm.Flow, s enrollment.State, ev enrollment.Event) docgen.Cause {
	t.Helper()
	tab := enrollfsm.Tables()[flow]
	st, ok := tab.State(s)
	require.True(t, ok)
	for _, c := range docgen.Causes(tab, st) {
		if c.Event == ev && c.When == "" && len(c.Codes) > 0 {
			return c
		}
	}
	t.Fatalf("%s %s: no code leads to %s", flow, s, ev)
	return docgen.Cause{}
}

// Reference: docs/contract.md §4, "2316 … At step 6, whose result the engine needs and
// does not get, it is handled as transient instead"; docs/decisions.md 7.
func TestCauses_PostSyncIsTransientWhereTheResultIsNeeded(t *testing.T) {
	assert.Contains(t, firstAttempt(t, enrollfsm.FlowFull, enrollment.CheckingEnrollment, enrollment.ReadRetried).Codes, pimserr.CodePostSyncFailed)
	assert.Contains(t, firstAttempt(t, enrollfsm.FlowFull, enrollment.CheckingPIN, enrollment.CallInterrupted).Codes, pimserr.CodePostSyncFailed)
	done := firstAttempt(t, enrollfsm.FlowFull, enrollment.EnrollingDevice, enrollment.DeviceEnrolled)
	assert.Equal(t, []pimserr.Code{pimserr.CodePostSyncFailed}, done.Codes)
	assert.True(t, done.Warning)
}

// Reference: docs/contract.md §4, "blocked: in an enrollment flow → confirming_removal;
// in an account operation → failed, failure pims:<code>".
func TestCauses_BlockedRemovesInAnEnrollmentAndFailsAnOperation(t *testing.T) {
	blocked := []pimserr.Code{pimserr.CodeAccountBlocked, pimserr.CodeForbidden}
	assert.Equal(t, blocked, firstAttempt(t, enrollfsm.FlowFull, enrollment.EnrollingDevice, enrollment.RemovalRequired).Codes)
	failed := firstAttempt(t, enrollfsm.FlowResetPIN, enrollment.EnrollingDevice, enrollment.CallFailed)
	assert.Subset(t, failed.Codes, blocked)
	assert.Equal(t, "pims:<code>", failed.Failure)
}

// Every code has exactly one effect at every call on a first attempt, so
// the pages miss none and list none twice.
func TestCauses_EveryCodeOnceAtEveryCall(t *testing.T) {
	for _, flow := range docgen.Order() {
		tab := enrollfsm.Tables()[flow]
		for i := range tab.Spec.States {
			s := &tab.Spec.States[i]
			if s.Kind != flows.Calling {
				continue
			}
			seen := map[pimserr.Code]int{}
			other := 0
			for _, c := range docgen.Causes(tab, s) {
				if c.When != "" {
					continue
				}
				for _, code := range c.Codes {
					seen[code]++
				}
				if c.Other {
					other++
				}
				_, edge := tab.Def.Target(s.Name, c.Event)
				assert.True(t, edge, "%s %s: %s has no edge", flow, s.Name, c.Event)
			}
			for _, code := range pimserr.Codes() {
				assert.Equal(t, 1, seen[code], "%s %s: code %s", flow, s.Name, code)
			}
			assert.Equal(t, 1, other, "%s %s: undocumented codes", flow, s.Name)
		}
	}
}
