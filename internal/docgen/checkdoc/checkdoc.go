// Package checkdoc writes docs/check.md from a run of the exhaustive check
// (enrolltest.Check). It is apart from docgen so that the docs generator
// links the test kit only through the page the go:generate program hands
// it.
package checkdoc

import (
	"context"
	"fmt"
	"strings"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/enrolltest"
	"github.com/enrollfsm/enrollfsm/internal/docgen"
)

// Page writes docs/check.md: the figures of the exhaustive check
// (enroll check, enrolltest.Check) for each table in its default setting
// (Android, automatic removal off, default limits). It fails when the check
// finds a violation or does not close, so a generated page never shows one.
func Page(order []enrollfsm.Flow) (string, error) {
	settings := make([]enrolltest.Setting, 0, len(order))
	for _, s := range enrolltest.Settings(order, []enrollfsm.Platform{enrollfsm.Android}, enrollfsm.Limits{}) {
		if !s.AutoRemove && !s.Prefetch && !s.Sealed {
			settings = append(settings, s)
		}
	}
	rep, err := enrolltest.Check(context.Background(), settings, enrolltest.CheckOptions{})
	if err != nil {
		return "", err
	}
	limits := enrolltest.ContractLimits()
	var b strings.Builder
	b.WriteString(docgen.Header)
	b.WriteString(checkIntro)
	b.WriteString("## Figures\n\n")
	b.WriteString("Each table in its plain setting: Android, automatic removal off, the contract's limits " +
		"(3 wrong answers per code, 3 resends, 5 wrong PINs, 1 removal, 3 attempts per read, codes live 10 minutes). " +
		"`enroll check` prints the same line for every setting it explores, and in its last line the CPU-seconds and " +
		"states per CPU-second of the whole check.\n\n")
	b.WriteString("| table | states | edges | calls between waits, proven | bound derived from the contract | longest run without retry | edges of the table and the contract taken |\n")
	b.WriteString("|---|---|---|---|---|---|---|\n")
	for _, r := range rep.Results {
		if r.Violation != nil || !r.Closed {
			return "", fmt.Errorf("%s", r)
		}
		bound, err := enrolltest.Bound(r.Flow, limits)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "| [`%[1]s`](%[1]s.md) ([picture](%[1]s.svg)) | %[2]d | %[3]d | %[4]d | %[5]d | %[6]d | %[7]d of %[8]d |\n",
			r.Flow, r.States, r.Edges, r.Bound, bound, r.Longest, r.Taken, r.Rows)
	}
	b.WriteString("\nAn edge a setting cannot take (those of `confirm_removal` with automatic removal on, for instance) is taken by " +
		"another setting of the same table: `enroll check` fails when no setting takes one.\n\n")
	b.WriteString("## The properties\n\n")
	b.WriteString("Every move is judged by `enrolltest.Oracle`, written from the [contract](contract.md) and not from the " +
		"engine: its limits, the codes' lifetime, each code's class, the actions each prompt offers and the request of each " +
		"step are the kit's own (`enrolltest.ContractLimits`), or the host's given with `-limits`, never read from the " +
		"engine under test. The first property broken stops the setting.\n\n")
	for _, p := range []struct {
		prop enrolltest.Property
		text string
	}{
		{enrolltest.PropertyRequest, "every request is exactly the one of §2 for its step and platform, with the values the user gave"},
		{enrolltest.PropertyBound, "the calls between two waits stay within the bound derived from the contract's own model of the flow"},
		{enrolltest.PropertyEnd, "a terminal state can be reached from every state; no loop without the user's retry gets the backend to act (a call other than a read succeeds) without spending a bounded counter"},
		{enrolltest.PropertyVerify, "an enrollment call whose outcome is unknown is not sent again before call 1 has checked it"},
		{enrolltest.PropertyBlocked, "2317 and 2310 lead, in an enrollment, to confirming_removal, removing_enrollments or failed (account_locked), in an account operation to failed (pims:code)"},
		{enrolltest.PropertyCounters, "no counter goes down, none passes its limit"},
		{enrolltest.PropertySnapshot, "a snapshot holds no PIN and no SMS code, and restores to the same run state but for the secrets re-asked"},
		{enrolltest.PropertyTable, "every transition is an edge of the table and of the contract, the engine never fails internally, and every edge is taken"},
		{enrolltest.PropertyOracle, "each reply and each answer leads to the one state the contract gives for it, with the counters, the reason and the actions it gives, as the Oracle predicts them; an answer or action the prompt does not take is refused and changes nothing"},
	} {
		fmt.Fprintf(&b, "%d. `%s`: %s.\n", int(p.prop), p.prop, p.text)
	}
	return b.String(), nil
}
