package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/enrolltest"
)

// check explores every reachable state of the flows and settings asked for
// (enrolltest.Check), prints one line per flow and setting, and writes each
// counterexample as a scenario file.
func check(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("check", `usage: enroll check [-flow NAME] [-platform android|ios] [-limits LIST] [-out DIR]

Explores every state each flow can reach, in every setting (both platforms;
for full and shortcut also automatic removal, and prefetch with sealed
snapshots; auto is proven to pick full or shortcut by the SDK version), with
every reply at every call and every answer at every prompt, and checks the
properties of docs/contract.md §8 in each. With -limits, the engine runs
with the host's own limits and is judged against them: a team proves the
configuration it ships. Prints one line per flow and setting; a violation is
written as the scenario the contract expects, which "enroll replay FILE"
replays: it fails until the engine is fixed. Exits 1 on a violation, a flow
that did not close, or an edge no setting takes (with -platform or -limits,
such an edge is said but not failed: the other platform, or the contract's
limits, may take it). docs/check.md says what is explored and what is
abstracted.`, stdout)
	names := make([]string, 0, len(enrollfsm.Flows()))
	for _, f := range enrollfsm.Flows() {
		names = append(names, string(f))
	}
	flow := fs.String("flow", "", "one `flow`: "+strings.Join(names[:4], ", ")+",\n"+strings.Join(names[4:], ", ")+" (default: all)")
	platform := fs.String("platform", "", "one `platform`: android or ios (default: both)")
	out := fs.String("out", ".", "the `folder` counterexample scenarios are written to")
	limitsFlag := fs.String("limits", "", "the host's own `limits`, as pins=3,codes=3,resends=5 (names: codes, resends,\npins, removals, reads, backoff, ttl; a name left out keeps the contract's value)")
	maxStates := fs.Int("max-states", 200_000, "stop a setting that has not closed after this many `states`")
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("check takes no arguments, got %q", fs.Args())
	}
	// A folder that does not exist is said now, not after minutes of
	// exploring, when a counterexample must be written.
	if info, err := os.Stat(*out); err != nil || !info.IsDir() {
		return usagef("-out %s: not a folder (it must exist)", shellWord(*out))
	}
	var flowList []enrollfsm.Flow
	if *flow != "" {
		known := false
		for _, f := range enrollfsm.Flows() {
			known = known || string(f) == *flow
		}
		if !known {
			return usagef("unknown flow %q: want one of %s", *flow, strings.Join(names, ", "))
		}
		flowList = []enrollfsm.Flow{enrollfsm.Flow(*flow)}
	}
	var platforms []enrollfsm.Platform
	switch *platform {
	case "":
	case "android", "ios":
		platforms = []enrollfsm.Platform{enrollfsm.Platform(*platform)}
	default:
		return usagef("unknown platform %q: want android or ios", *platform)
	}
	if *maxStates < 1 {
		return usagef("-max-states must be at least 1")
	}
	var limits enrollfsm.Limits
	if *limitsFlag != "" {
		l, err := enrolltest.ParseLimits(*limitsFlag)
		if err == nil {
			_, err = enrollfsm.New(enrollfsm.FlowFull, enrollfsm.WithLimits(l))
		}
		if err != nil {
			return usagef("-limits: %v", err)
		}
		limits = l
	}
	// The exploration keeps many small copies of the engine alive: a
	// larger heap between collections halves the time spent collecting.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	var writeErr error
	progress := func(r enrolltest.CheckResult) {
		fmt.Fprintln(stdout, r)
		if r.Closed && r.Taken < r.Rows {
			fmt.Fprintf(stdout, "  (%s not taken in this setting: not a failure unless no setting takes %s, said at the end)\n",
				count(r.Rows-r.Taken, "edge"), map[bool]string{true: "it", false: "them"}[r.Rows-r.Taken == 1])
		}
		if r.Violation == nil {
			return
		}
		for _, s := range r.Violation.Steps {
			fmt.Fprintln(stdout, "    "+s)
		}
		if r.Violation.Scenario == nil {
			fmt.Fprintln(stdout, "  no scenario: "+r.Violation.Why)
			return
		}
		name := filepath.Join(*out, "counterexample-"+strings.ReplaceAll(r.Setting.String(), " ", "-")+".json")
		if err := os.WriteFile(name, r.Violation.Scenario, 0o644); err != nil {
			writeErr = err
			return
		}
		fmt.Fprintf(stdout, "  scenario written to %s: enroll replay %s\n", name, name)
	}
	rep, err := enrolltest.Check(ctx, enrolltest.Settings(flowList, platforms, limits), enrolltest.CheckOptions{MaxStates: *maxStates, Progress: progress})
	if err != nil {
		return err
	}
	if writeErr != nil {
		return writeErr
	}
	// On one platform, an edge only the other takes (a code asked again
	// before call 8 on iOS, say) is not a failure, nor under a host's
	// limits one they rule out (read_retried with reads=1): say it, and go
	// on. Every edge is taken on both platforms under the contract's.
	var why []string
	if *platform != "" {
		why = append(why, "on "+*platform+" alone")
	}
	if *limitsFlag != "" {
		why = append(why, "under these limits")
	}
	untaken := 0
	for _, f := range enrollfsm.Flows() {
		for _, row := range rep.Untaken[f] {
			untaken++
			if len(why) > 0 {
				fmt.Fprintf(stdout, "%s: no setting takes %s from %s to %s %s (not a failure: without -platform and -limits, one must)\n",
					f, row.Event, row.Src, row.Dst, strings.Join(why, " and "))
			} else {
				fmt.Fprintf(stdout, "%s: no setting takes %s from %s to %s\n", f, row.Event, row.Src, row.Dst)
			}
		}
	}
	ok := rep.OK()
	if len(why) > 0 && untaken > 0 {
		ok = true
		for _, r := range rep.Results {
			ok = ok && r.Closed && r.Violation == nil
		}
		ok = ok && len(rep.SDKs) == 0
	}
	if untaken == 0 && ok {
		fmt.Fprintln(stdout, "every edge of each table checked here is taken in some setting")
	}
	fmt.Fprintf(stdout, "%d settings, %d states in %.1fs, %.1f CPU-seconds (%.0f states per CPU-second), peak heap %d MiB\n",
		len(rep.Results), rep.States, rep.Elapsed.Seconds(), rep.CPU.Seconds(), rep.StatesPerCPUSecond(), rep.PeakHeap>>20)
	if !ok {
		return exitError(1)
	}
	return nil
}
