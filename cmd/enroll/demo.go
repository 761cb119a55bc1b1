package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/enrollfsm/enrollfsm"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/pims"
	"github.com/enrollfsm/enrollfsm/redact"
	"github.com/enrollfsm/enrollfsm/simulator"
)

type demoFlags struct {
	flow, op, platform, sdk, situation, vin, interactive string
	save, resume                                         string
	faults                                               float64
	seed                                                 int64
	autoRemove, prefetch                                 bool
	latency                                              time.Duration
}

// The values the demo's flags accept.
var (
	demoFlows, demoOps = flowsByKind()
	demoPlatforms      = []string{string(enrollfsm.Android), string(enrollfsm.IOS)}
	interactiveModes   = []string{"auto", "yes", "no"}
	// A version's numbers have no leading zero (semantic versioning): 02.1.0
	// would compare as 2.1.0 and be printed as typed.
	sdkVersion = regexp.MustCompile(`^(0|[1-9][0-9]{0,3})\.(0|[1-9][0-9]{0,3})\.(0|[1-9][0-9]{0,3})$`)
)

// Operations without an SMS code prompt: -save would find nothing to save.
var opsWithoutCode = []string{string(enrollfsm.FlowRemoveEnrollments), string(enrollfsm.FlowUpdatePIN), string(enrollfsm.FlowRemoveVehicle)}

// maxLatency keeps a mistyped -latency (1h for 1s) from hanging the demo.
const maxLatency = time.Minute

func situationNames() []string {
	var out []string
	for _, s := range simulator.Situations() {
		out = append(out, string(s))
	}
	return out
}

// oneOf refuses a value outside valid, naming the valid ones.
func oneOf(flag, value string, valid []string) error {
	if slices.Contains(valid, value) {
		return nil
	}
	return usagef("-%s %q: want %s", flag, value, orList(valid))
}

// orList writes "a, b or c".
func orList(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

func parseDemo(args []string, stdout io.Writer) (demoFlags, error) {
	var f demoFlags
	fs := newFlags("demo", `usage: enroll demo [flags]

Runs one enrollment (or, with -op, one account operation) against the
built-in simulator, printing each transition and call. On a terminal it asks
you for the phone number, the codes texted to the simulated phone and the
PIN; otherwise it answers by itself. Ctrl-C stops it (exit 130).

`+glossary+`
Flags:`, stdout)
	auto, _ := enrollfsm.Describe(enrollfsm.FlowAuto)
	fs.StringVar(&f.flow, "flow", "auto", "enrollment `flow`: "+orList(demoFlows)+"\n(auto: "+auto.Summary+")")
	fs.StringVar(&f.op, "op", "", "run an account `operation` instead: "+strings.Join(demoOps[:2], ", ")+",\n"+orList(demoOps[2:]))
	fs.StringVar(&f.platform, "platform", "android", "the phone's `OS`: "+orList(demoPlatforms))
	fs.StringVar(&f.sdk, "sdk", "2.1.0", "mobile SDK `version`, MAJOR.MINOR.PATCH;\nthe shortcut needs 2.1.0")
	fs.StringVar(&f.situation, "situation", "", "the `account` at start: "+strings.Join(situationNames()[:3], ", ")+",\n"+orList(situationNames()[3:])+" (default new; enrolled with -op)")
	fs.StringVar(&f.vin, "vin", simulator.DefaultVIN, "the vehicle, with -op remove_vehicle")
	fs.StringVar(&f.interactive, "interactive", "auto", "ask you (yes), answer by itself (no),\nor ask only on a terminal (auto)")
	fs.Float64Var(&f.faults, "faults", 0, "share of calls that fail transiently or lose their reply, 0 to 1")
	fs.Int64Var(&f.seed, "seed", 1, "seed of the simulator's codes and faults")
	fs.BoolVar(&f.autoRemove, "auto-remove", false, "remove every enrollment of a blocked account without asking")
	fs.BoolVar(&f.prefetch, "prefetch", false, "make calls 1, 2 and 3 at once: one round trip instead of three")
	fs.DurationVar(&f.latency, "latency", 0, "simulated network latency: each call waits between `L`/2 and L,\nL up to 1m (e.g. 300ms)")
	fs.StringVar(&f.save, "save", "", "save the run to `FILE` (the simulated server to FILE.server) at the\nfirst SMS code prompt or at Ctrl-C, and stop, as a killed app would")
	fs.StringVar(&f.resume, "resume", "", "resume the run saved in `FILE` by -save, once: a run that has\nended or gone on since, or an earlier run, is refused")
	if err := fs.parse(args); err != nil {
		return f, err
	}
	if fs.NArg() > 0 {
		return f, usagef("demo takes no arguments, got %q", fs.Args())
	}
	set := fs.given()
	if err := checkDemo(f, set); err != nil {
		return f, err
	}
	if f.op != "" {
		f.flow = f.op
		if f.situation == "" {
			f.situation = string(simulator.SituationEnrolled)
		}
	}
	if f.situation == "" {
		f.situation = string(simulator.SituationNew)
	}
	return f, nil
}

// checkDemo refuses a value the demo cannot use and flags that contradict
// each other, rather than ignoring one.
func checkDemo(f demoFlags, set map[string]bool) error {
	checks := []error{
		oneOf("flow", f.flow, demoFlows),
		oneOf("platform", f.platform, demoPlatforms),
		oneOf("interactive", f.interactive, interactiveModes),
	}
	if set["op"] {
		checks = append(checks, oneOf("op", f.op, demoOps))
	}
	if f.situation != "" {
		checks = append(checks, oneOf("situation", f.situation, situationNames()))
	}
	for _, err := range checks {
		if err != nil {
			return err
		}
	}
	switch {
	case !sdkVersion.MatchString(f.sdk):
		return usagef("-sdk %q: want a version MAJOR.MINOR.PATCH without leading zeros, such as 2.1.0", f.sdk)
	case math.IsNaN(f.faults) || f.faults < 0 || f.faults > 1:
		return usagef("-faults %v: want a share between 0 and 1, such as 0.3", f.faults)
	case f.latency < 0 || f.latency > maxLatency:
		return usagef("-latency %v: want a duration from 0 to %v, such as 300ms", f.latency, maxLatency)
	case set["save"] && f.save == "", set["resume"] && f.resume == "":
		return usagef("-save and -resume need a file name")
	case f.save != "" && f.resume != "":
		return usagef("-save and -resume go in two runs: save in one, resume in the next")
	}
	if f.resume != "" {
		// The run's settings and the account come from the saved files.
		for _, name := range []string{"flow", "op", "platform", "sdk", "situation", "vin", "auto-remove", "seed", "prefetch"} {
			if set[name] {
				return usagef("-%s cannot change a saved run: -resume takes the settings from %s", name, f.resume)
			}
		}
		return nil
	}
	if f.op != "" {
		for _, name := range []string{"flow", "auto-remove", "prefetch", "sdk"} {
			if set[name] {
				return usagef("-%s is for enrollments, not for -op %s", name, f.op)
			}
		}
		if f.save != "" && slices.Contains(opsWithoutCode, f.op) {
			return usagef("-save stops at an SMS code prompt, and -op %s has none", f.op)
		}
	}
	if set["vin"] && !needsVIN(f.op) {
		var ops []string
		for _, fl := range enrollfsm.Flows() {
			if needsVIN(string(fl)) {
				ops = append(ops, string(fl))
			}
		}
		return usagef("-vin is for -op %s", strings.Join(ops, ", -op "))
	}
	return nil
}

func demo(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (ret error) {
	f, err := parseDemo(args, stdout)
	if err != nil {
		return err
	}
	human := f.interactive == "yes" || (f.interactive == "auto" && isTerminal(stdin))

	// Nothing is printed before every setting is known to work: the
	// engine's first transition waits here until the header is out.
	out := &heldWriter{w: stdout}
	var sim *simulator.Simulator
	simOpts := []simulator.Option{
		simulator.WithSMS(func(m simulator.SMS) {
			if human {
				// The simulated phone's screen: the user must read the code to type it.
				fmt.Fprintf(out, "    [phone %s] your %s code is %s\n", redact.Phone(m.To), smsKind(m.Kind), m.Code)
				return
			}
			fmt.Fprintf(out, "    [phone %s] a text arrives with the %s code; the demo reads it\n", redact.Phone(m.To), smsKind(m.Kind))
		}),
		// The server locks the PIN where the engine stops counting: every try
		// the demo offers is a try the server checks.
		simulator.WithMaxWrongPINs(enrollfsm.DefaultLimits().PINAttempts),
	}
	if f.faults > 0 {
		simOpts = append(simOpts, simulator.WithFaults(simulator.Faults{
			Rate:   f.faults,
			Codes:  []pimserr.Code{pimserr.CodeTimeout, pimserr.CodeNoInternet, pimserr.CodeServerError, pimserr.CodeNoService},
			Bridge: true, Lost: true,
		}))
	}
	if f.latency > 0 {
		simOpts = append(simOpts, simulator.WithLatency(f.latency/2, f.latency))
	}
	var (
		e      *enrollfsm.Engine
		header string
		width  int // of the call lines: a person reads them on an 80-column terminal
	)
	if human {
		width = 80
	}
	if f.resume != "" {
		sim, e, header, err = resumeDemo(f.resume, simOpts, printer(out, width))
	} else {
		sim, e, header, err = startDemo(f, simOpts, printer(out, width))
	}
	if err != nil {
		return err
	}
	fmt.Fprint(stdout, header)
	if human {
		fmt.Fprintln(stdout, "Answer each prompt, or type one of the actions in brackets; Ctrl-C stops.")
		if sms := sim.Outbox(); f.resume != "" && len(sms) > 0 && e.Next().Prompt.IsCode() {
			// The phone kept the text while the app was killed.
			m := sms[len(sms)-1]
			fmt.Fprintf(stdout, "    [phone %s] your %s code is %s (texted earlier)\n", redact.Phone(m.To), smsKind(m.Kind), m.Code)
		}
	}
	out.release()

	self := &bot{sim: sim, out: stdout}
	var answerer enrollfsm.Answerer = self
	if human {
		answerer = &person{in: newLineReader(stdin), out: stdout, sim: sim, confirm: true}
	}
	save := func(p enrollfsm.Pending) error { return saveRun(e, sim, f.save, p.State, stdout) }
	if f.save != "" {
		answerer = &saver{Answerer: answerer, save: save}
	}
	backend := &roundTrips{Backend: sim}
	start := time.Now()
	outcome, err := e.Run(ctx, backend, answerer)
	if f.resume != "" {
		// The resumed run has moved on, or ended: its saved file is behind.
		p := demoPlace{Place: e.Place()}
		if o, ended := e.Outcome(); ended {
			p.Ended = o.State
		}
		if perr := writePlace(p); perr != nil {
			fmt.Fprintf(stderr, "enroll demo: %v: %s could be resumed again\n", perr, f.resume)
			if err == nil {
				defer func() { ret = exitError(2) }()
			}
		}
	}
	switch {
	case err != nil && ctx.Err() != nil:
		fmt.Fprintf(stdout, "stopped by Ctrl-C at %s.\n", e.State())
		if f.save != "" {
			if err := saveRun(e, sim, f.save, e.State(), stdout); err != nil {
				fmt.Fprintf(stderr, "enroll demo: nothing saved: %v\n", err)
			}
		}
		return exitError(130)
	case errors.Is(err, errSaved):
		return nil
	case err != nil:
		return err
	}
	calls, trips := backend.counts()
	if f.latency > 0 {
		// Without latency, calls made together do not overlap in time.
		fmt.Fprintf(stdout, "%s in %s, %v\n", count(calls, "call"), count(trips, "round trip"), time.Since(start).Round(time.Millisecond))
	} else {
		fmt.Fprintln(stdout, count(calls, "call"))
	}
	for _, line := range strings.Split(describeOutcome(outcome, self, e, sim), "\n") {
		if human {
			fmt.Fprint(stdout, wrap(line, "", "  ", 80))
		} else {
			fmt.Fprintln(stdout, line)
		}
	}
	for _, w := range outcome.Warnings {
		fmt.Fprintf(stdout, "warning: %v\n", w)
	}
	if f.save != "" {
		fmt.Fprintf(stderr, "enroll demo: nothing saved to %s: the run ended at %s without asking for an SMS code\n", f.save, outcome.State)
		return exitError(1)
	}
	if !outcome.OK() {
		return exitError(1)
	}
	return nil
}

// count writes "1 call", "2 calls".
func count(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func smsKind(kind string) string {
	if kind == simulator.KindCertification {
		return "certification"
	}
	return "enrollment"
}

// startDemo builds the simulator and the engine from the flags; a value
// either refuses is a usage error. It returns the header to print.
func startDemo(f demoFlags, simOpts []simulator.Option, watch enrollfsm.Observer) (*simulator.Simulator, *enrollfsm.Engine, string, error) {
	sim, err := simulator.New(append(simOpts,
		simulator.WithPlatform(f.platform),
		simulator.WithSituation(simulator.Situation(f.situation)),
		simulator.WithSeed(f.seed))...)
	if err != nil {
		return nil, nil, "", &usageError{err: err}
	}
	opts := []enrollfsm.Option{
		enrollfsm.WithPlatform(enrollfsm.Platform(f.platform)),
		enrollfsm.WithSDKVersion(f.sdk),
		enrollfsm.WithAutoRemove(f.autoRemove),
		enrollfsm.WithPrefetch(f.prefetch),
		enrollfsm.WithObserver(watch),
	}
	if needsVIN(f.flow) {
		opts = append(opts, enrollfsm.WithVIN(f.vin))
	}
	if f.save != "" {
		key, err := demoKey()
		if err != nil {
			return nil, nil, "", err
		}
		opts = append(opts, enrollfsm.WithSnapshotKey(key))
	}
	e, err := enrollfsm.New(enrollfsm.Flow(f.flow), opts...)
	if err != nil {
		return nil, nil, "", &usageError{err: err}
	}
	flow := string(e.Flow())
	if enrollfsm.Flow(f.flow) == enrollfsm.FlowAuto {
		flow = fmt.Sprintf("auto (%s with SDK %s)", e.Flow(), f.sdk)
	} else if f.op == "" {
		flow += " with SDK " + f.sdk
	}
	header := fmt.Sprintf("enroll demo: %s on %s, account %s\n", flow, f.platform, f.situation)
	if f.prefetch {
		header += "  prefetch: calls 1, 2 and 3 go out together"
		if f.latency == 0 {
			header += " (see it with -latency 300ms)"
		}
		header += "\n"
	}
	return sim, e, header, nil
}

// resumeDemo restores the engine from its snapshot and the simulated server
// from its own file, as a restarted app would find its backend.
func resumeDemo(file string, simOpts []simulator.Option, watch enrollfsm.Observer) (*simulator.Simulator, *enrollfsm.Engine, string, error) {
	snap, err := os.ReadFile(file)
	if err != nil {
		return nil, nil, "", err
	}
	server, err := os.ReadFile(file + ".server")
	if err != nil {
		return nil, nil, "", fmt.Errorf("%w (-save writes it beside %s)", err, file)
	}
	sim, err := simulator.Load(server, simOpts...)
	if err != nil {
		return nil, nil, "", fmt.Errorf("%s.server: %w", file, err)
	}
	key, err := demoKey()
	if err != nil {
		return nil, nil, "", err
	}
	path, err := placePath()
	if err != nil {
		return nil, nil, "", fmt.Errorf("the run's place: %w", err)
	}
	// Without the place, the seal is still checked, so that an edited file
	// or another key is said as such; the file is refused after.
	latest, placeErr := readPlace(path)
	e, err := enrollfsm.Restore(snap, enrollfsm.WithSnapshotKey(key), enrollfsm.WithLatest(latest.Place), enrollfsm.WithObserver(watch))
	newRun := fmt.Sprintf("Start a new run: %s demo -save %s", invocation, shellWord(file))
	switch {
	case errors.Is(err, pimserr.ErrStaleSnapshot):
		// The seal matched: the run named in the file is the engine's.
		var saved struct {
			Run string `json:"run"`
		}
		_ = json.Unmarshal(snap, &saved)
		return nil, nil, "", staleRun(file, saved.Run, latest, newRun)
	case err != nil:
		return nil, nil, "", fmt.Errorf("%s: %w", file, err)
	case errors.Is(placeErr, fs.ErrNotExist):
		return nil, nil, "", fmt.Errorf("cannot resume %s: the demo keeps the place of the latest run it saved in %s, and it is missing (removed, or the run was saved by another user), so this file cannot be told from an older copy. %s", file, path, newRun)
	case placeErr != nil:
		return nil, nil, "", fmt.Errorf("cannot resume %s: %s, where the demo keeps the place of the latest run it saved, cannot be read (%v), so this file cannot be told from an older copy. %s", file, path, placeErr, newRun)
	case latest.Ended != "":
		// Its place did not move since the save: no call was made.
		return nil, nil, "", staleRun(file, latest.Run, latest, newRun)
	}
	set := e.Settings()
	header := fmt.Sprintf("enroll demo: resumed %s on %s at %s\n", set.Flow, set.Platform, e.State())
	return sim, e, header, nil
}

// staleRun says why a saved file of run, behind the latest place, cannot go on.
func staleRun(file, run string, latest demoPlace, newRun string) error {
	switch {
	case run != latest.Run:
		return fmt.Errorf("the run saved in %s is not the latest run saved: another run has been saved since, and only the latest one can go on. %s", file, newRun)
	case latest.Ended != "":
		return fmt.Errorf("the run saved in %s has ended (%s): a run that has ended cannot go on. %s", file, latest.Ended, newRun)
	default:
		return fmt.Errorf("the run saved in %s has gone on since it was saved (it was resumed, or this is an older copy): resuming it would give back the tries it spent. %s", file, newRun)
	}
}

// heldWriter holds what is written until release, then writes through.
type heldWriter struct {
	mu   sync.Mutex
	w    io.Writer
	held bytes.Buffer
	open bool
}

func (h *heldWriter) Write(p []byte) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.open {
		return h.held.Write(p)
	}
	return h.w.Write(p)
}

func (h *heldWriter) release() {
	h.mu.Lock()
	defer h.mu.Unlock()
	_, _ = h.held.WriteTo(h.w)
	h.open = true
}

// roundTrips counts the calls and the round trips they took: a call made
// while another is in flight (a prefetched one) costs no round trip.
type roundTrips struct {
	pims.Backend
	mu              sync.Mutex
	inFlight, calls int
	trips           int
}

func (r *roundTrips) Call(ctx context.Context, req pims.Request) (pims.Message, error) {
	r.mu.Lock()
	r.calls++
	if r.inFlight == 0 {
		r.trips++
	}
	r.inFlight++
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		r.inFlight--
		r.mu.Unlock()
	}()
	return r.Backend.Call(ctx, req)
}

func (r *roundTrips) counts() (calls, trips int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls, r.trips
}

// errSaved stops a run that -save has saved.
var errSaved = errors.New("saved")

// saver saves the run at the first SMS code prompt, as if the app were
// killed while the user reads the SMS.
type saver struct {
	enrollfsm.Answerer
	save func(enrollfsm.Pending) error
}

func (s *saver) Answer(ctx context.Context, p enrollfsm.Pending) (enrollfsm.Answer, error) {
	if !p.Prompt.IsCode() {
		return s.Answerer.Answer(ctx, p)
	}
	if err := s.save(p); err != nil {
		return enrollfsm.Answer{}, err
	}
	return enrollfsm.Answer{}, errSaved
}

// saveRun writes the engine's snapshot to file and the simulated server to
// file.server.
func saveRun(e *enrollfsm.Engine, sim *simulator.Simulator, file string, at enrollfsm.State, w io.Writer) error {
	snap, err := e.Snapshot()
	if err != nil {
		return err
	}
	server, err := sim.SaveState()
	if err != nil {
		return err
	}
	// Both files are written aside first, so that a folder that cannot take
	// them fails before anything changes. Then the place, then the server,
	// then the run, each whole or not at all: a second Ctrl-C mid-save
	// leaves no half file, no run without its server, and never a saved run
	// ahead of the place kept, which would let the older copy resume.
	serverTmp, err := writeAside(file+".server", server)
	if err != nil {
		return err
	}
	defer os.Remove(serverTmp)
	snapTmp, err := writeAside(file, snap)
	if err != nil {
		return err
	}
	defer os.Remove(snapTmp)
	if err := writePlace(demoPlace{Place: e.Place()}); err != nil {
		return err
	}
	if err := os.Rename(serverTmp, file+".server"); err != nil {
		return err
	}
	if err := os.Rename(snapTmp, file); err != nil {
		return err
	}
	fmt.Fprintf(w, "saved at %s to %s\n(%d bytes, sealed, no PIN or SMS code), as if the app were killed here. Go on with:\n", at, file, len(snap))
	fmt.Fprintf(w, "  %s demo -resume %s\n", invocation, shellWord(file))
	return nil
}

// printer prints each transition and call as it happens; requests print
// with secrets masked. A call's line is wrapped at width columns, if not 0.
// The first answer from inWebo is followed by a line that says what PIMS
// and inWebo are.
func printer(w io.Writer, width int) enrollfsm.Observer {
	var told sync.Once
	return enrollfsm.Observer{
		Transition: func(t enrollfsm.Transition) {
			if t.From == t.To {
				fmt.Fprintf(w, "  %s: %s, trying again\n", t.From, t.Event)
				return
			}
			if line := fmt.Sprintf("  %s → %s  [%s]", t.From, t.To, t.Event); width == 0 || utf8.RuneCountInString(line) <= width {
				fmt.Fprintln(w, line)
			} else {
				fmt.Fprintf(w, "  %s → %s\n      [%s]\n", t.From, t.To, t.Event)
			}
		},
		Call: func(c enrollfsm.CallRecord) {
			reply := string(c.Status)
			switch {
			case errors.Is(c.Err, context.Canceled):
				reply = "stopped"
				fmt.Fprintln(w) // after the ^C the terminal echoed
			case c.Err != nil:
				reply = "no reply: " + c.Err.Error()
			case c.Code != 0:
				reply = fmt.Sprintf("%s %d %s", c.Status, c.Code, pimserr.Code(c.Code).Label())
			}
			line := fmt.Sprintf("step %s: %s → %s", c.Step, c.Request, reply)
			if width == 0 {
				fmt.Fprintf(w, "    %s\n", line)
			} else {
				fmt.Fprint(w, wrap(line, "    ", "        ", width))
			}
			if strings.HasPrefix(pimserr.Code(c.Code).Label(), "inwebo:") {
				told.Do(func() {
					fmt.Fprint(w, wrap("("+inWeboNote+")", "        ", "         ", max(width, 80)))
				})
			}
		},
	}
}

// describeOutcome says how the run ended, each cause once, and what the
// server decided about the PIN if it locked it.
func describeOutcome(o enrollfsm.Outcome, self *bot, e *enrollfsm.Engine, sim *simulator.Simulator) string {
	s := "outcome: " + string(o.State)
	locked := sim.Account().Blocked == simulator.PINBlocked
	switch {
	case o.State == enrollfsm.Failed:
		s += ": " + failureText(o, e.Counters(), locked)
		if locked && o.Failure == pimserr.FailureTooManyAttempts {
			s += "\nThe server has locked the PIN as well: "
			if info, _ := enrollfsm.Describe(e.Flow()); info.Enrollment {
				s += "the next enrollment of this device will offer to remove every enrollment of the account, which unlocks it."
			} else {
				s += "it refuses the PIN operations (2317) until every enrollment of the account is removed (-op remove_enrollments), which unlocks it."
			}
		}
	case o.State == enrollfsm.Cancelled:
		if self.gaveUp != "" {
			s += ": the demo gave up, " + self.gaveUp
		}
	}
	return s
}

// failureText says why a run failed, in words, then the backend's answer if
// one caused it. locked: the server has locked the account's PIN.
func failureText(o enrollfsm.Outcome, n enrollfsm.Counters, locked bool) string {
	var why string
	pinAttempts := enrollfsm.DefaultLimits().PINAttempts
	switch o.Failure {
	case pimserr.FailureNotEnrolled:
		why = "this device is not enrolled, so the operation cannot run (not_enrolled)"
	case pimserr.FailureNoPhoneNumber:
		why = "the account has no trusted phone number to change (no_phone_number)"
	case pimserr.FailureTooManyAttempts:
		why = "too many wrong answers (too_many_attempts)"
		if n.WrongPINs >= pinAttempts {
			why = fmt.Sprintf("that was wrong PIN number %d, the most one run allows (too_many_attempts)", n.WrongPINs)
		}
	case pimserr.FailureAccountLocked:
		why = "the account is blocked again after its enrollments were removed (account_locked)"
	case pimserr.FailureBadReply:
		why = "a reply of the server could not be read (bad_reply)"
	default:
		why = string(o.Failure)
	}
	var step *pimserr.StepError
	if errors.As(o.Err, &step) {
		if code, isCode := o.Failure.Code(); isCode {
			why = "the server refused"
			if code == pimserr.CodeForbidden && locked {
				// The server decided before the engine's own count ran out.
				why = "the server has locked the PIN after too many wrong tries, so it refused the call"
			}
		}
		why += ": " + step.Error()
	}
	return why
}

// bot answers as a user who reads the simulated phone and remembers the PIN.
type bot struct {
	sim     *simulator.Simulator
	out     io.Writer
	answers int
	retries int    // retries in a row
	gaveUp  string // why the bot cancelled, if it gave up
}

// The bot gives up after this many retries in a row, or answers in all.
const (
	botRetries = 5
	botAnswers = 40
)

func (b *bot) Answer(ctx context.Context, p enrollfsm.Pending) (enrollfsm.Answer, error) {
	if err := ctx.Err(); err != nil {
		return enrollfsm.Answer{}, err
	}
	b.answers++
	a := b.choose(p)
	if a.Action == enrollfsm.ActionRetry {
		b.retries++
	} else {
		b.retries = 0
	}
	switch {
	case b.retries > botRetries:
		b.gaveUp = fmt.Sprintf("the call failed %d times in a row", b.retries)
	case b.answers > botAnswers:
		b.gaveUp = fmt.Sprintf("after %d answers", botAnswers)
	}
	if b.gaveUp != "" {
		a = enrollfsm.Act(p.Prompt, enrollfsm.ActionCancel)
	}
	fmt.Fprintf(b.out, "  ? %s ← %s\n", p.Prompt, a)
	return a, nil
}

func (b *bot) choose(p enrollfsm.Pending) enrollfsm.Answer {
	if errors.Is(p.Reason, pimserr.ErrCodeLocked) || errors.Is(p.Reason, pimserr.ErrCodeExpired) {
		return enrollfsm.Act(p.Prompt, enrollfsm.ActionResend)
	}
	pin := b.sim.Account().PIN
	switch p.Prompt {
	case enrollfsm.PromptPhoneNumber:
		if b.sim.Account().Phone == simulator.DefaultPhone {
			return enrollfsm.Value(p.Prompt, "07 98 76 54 32")
		}
		return enrollfsm.Value(p.Prompt, "06 12 34 56 78")
	case enrollfsm.PromptCertificationCode, enrollfsm.PromptEnrollmentCode:
		kind := simulator.KindEnrollment
		if p.Prompt == enrollfsm.PromptCertificationCode {
			kind = simulator.KindCertification
		}
		code, ok := b.sim.LastCode(kind)
		if !ok && slices.Contains(p.Actions, enrollfsm.ActionResend) {
			return enrollfsm.Act(p.Prompt, enrollfsm.ActionResend)
		}
		return enrollfsm.Value(p.Prompt, code)
	case enrollfsm.PromptPIN, enrollfsm.PromptOldPIN:
		if pin == "" {
			pin = simulator.DefaultPIN
		}
		return enrollfsm.Value(p.Prompt, pin)
	case enrollfsm.PromptNewPIN:
		if pin == "4321" {
			return enrollfsm.Value(p.Prompt, "8765")
		}
		return enrollfsm.Value(p.Prompt, "4321")
	case enrollfsm.PromptConfirmRemoval:
		return enrollfsm.Act(p.Prompt, enrollfsm.ActionYes)
	case enrollfsm.PromptRetry:
		return enrollfsm.Act(p.Prompt, enrollfsm.ActionRetry)
	}
	return enrollfsm.Act(p.Prompt, enrollfsm.ActionCancel)
}

// flowsByKind splits the registry's flows into enrollments and account
// operations, in its order.
func flowsByKind() (enrollments, operations []string) {
	for _, f := range enrollfsm.Flows() {
		if info, _ := enrollfsm.Describe(f); info.Enrollment {
			enrollments = append(enrollments, string(f))
		} else {
			operations = append(operations, string(f))
		}
	}
	return enrollments, operations
}

// writeAtomic writes data to a temporary file beside name, then renames it.
func writeAtomic(name string, data []byte) error {
	tmp, err := writeAside(name, data)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, name); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// writeAside writes data to a new temporary file beside name (0600, as
// CreateTemp makes it) and returns its name, for a rename to name.
func writeAside(name string, data []byte) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(name), filepath.Base(name)+".*.tmp")
	if err != nil {
		return "", err
	}
	_, werr := f.Write(data)
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// needsVIN reports whether the registry says flow runs on a vehicle.
func needsVIN(flow string) bool {
	info, ok := enrollfsm.Describe(enrollfsm.Flow(flow))
	return ok && info.NeedsVIN
}
