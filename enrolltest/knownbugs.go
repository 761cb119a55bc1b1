package enrolltest

import "fmt"

// KnownBug names an engine bug the Checker has found and that was reported:
// a Checker made WithStrict reports it as any violation; by default it is
// kept apart (KnownBugs), so that the kit's users are not stopped by a bug
// they cannot fix.
type KnownBug string

// The known engine bugs.
const (
	// KnownBugResumeAfterRestore: an enrollment call (4·1, 7 or 8) whose
	// outcome was unknown is interrupted again during its verification; the
	// app is restored at interrupted; retry verifies, then resumes the call
	// without the PIN or code the restore dropped: the run fails with
	// internal_error. The re-ask looks at the verification's call only.
	KnownBugResumeAfterRestore KnownBug = "resume-after-restore"
	// KnownBugStep7Resent: step 7 registers the PIN and its reply is lost;
	// call 1 says the device is not enrolled (step 7 does not enroll it), so
	// step 7 is sent again; the server, which has the PIN now, takes it as
	// step 8 and enrolls the device; then step 8 is refused with 2317, which
	// asks the user to remove every enrollment. Call 1 cannot tell whether
	// step 7 acted.
	KnownBugStep7Resent KnownBug = "step7-resent"
)

// WithStrict makes known engine bugs violations like any other.
func WithStrict() CheckerOption { return func(c *Checker) { c.strict = true } }

// KnownBugs returns the known engine bugs the run met, as violations.
func (c *Checker) KnownBugs() []*Violation {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]*Violation(nil), c.knownBugs...)
}

func (c *Checker) known(bug KnownBug, inv Invariant, format string, args ...any) {
	if c.strict {
		c.violate(inv, format, args...)
		return
	}
	c.stats.KnownBugs++
	c.knownBugs = append(c.knownBugs, &Violation{Invariant: inv, Flow: c.flow, State: c.cur, Call: c.lastCall,
		Detail: fmt.Sprintf("known engine bug %s: ", bug) + fmt.Sprintf(format, args...)})
}

// selfBlocked: an enrollment call refused with 2317 because this very run
// has enrolled the device already. A run begins only on a device that is
// not enrolled (call 1), so the engine sent enroll once too often.
func (c *Checker) selfBlocked(id string) {
	if id == "8" && c.step7Unsure {
		c.known(KnownBugStep7Resent, InvariantVerify, "step 8 refused with 2317: the resumed step 7 enrolled the device")
		return
	}
	c.violate(InvariantVerify, "step %s refused with 2317: the device is enrolled already, by this run", id)
}
