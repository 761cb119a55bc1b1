package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/enrollfsm/enrollfsm"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/redact"
	"github.com/enrollfsm/enrollfsm/simulator"
)

type demoFlags struct {
	flow, op, platform, sdk, situation, vin, interactive string
	save, resume                                         string
	faults                                               float64
	seed                                                 int64
	autoRemove                                           bool
	latency                                              time.Duration
}

func parseDemo(args []string, stderr io.Writer) (demoFlags, error) {
	var f demoFlags
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.flow, "flow", "auto", "enrollment flow: full, shortcut or auto")
	fs.StringVar(&f.op, "op", "", "run an account operation instead: remove_enrollments, reset_pin, update_pin, modify_phone or remove_vehicle")
	fs.StringVar(&f.platform, "platform", "android", "android or ios")
	fs.StringVar(&f.sdk, "sdk", "2.1.0", "mobile SDK version (the shortcut needs 2.1.0)")
	fs.StringVar(&f.situation, "situation", "", "the account at start: new, has_phone, pin_exists, blocked, pin_blocked or enrolled (default new; enrolled for -op)")
	fs.StringVar(&f.vin, "vin", "VR1AB12C3D4567890", "vehicle for -op remove_vehicle")
	fs.StringVar(&f.interactive, "interactive", "auto", "ask the user (yes), answer by itself (no), or ask only on a terminal (auto)")
	fs.Float64Var(&f.faults, "faults", 0, "share of calls that fail transiently or lose their reply, 0 to 1")
	fs.Int64Var(&f.seed, "seed", 1, "seed of the simulator's codes and faults")
	fs.BoolVar(&f.autoRemove, "auto-remove", false, "remove every enrollment of a blocked account without asking")
	fs.DurationVar(&f.latency, "latency", 0, "simulated network latency per call")
	fs.StringVar(&f.save, "save", "", "at the first SMS code prompt, save the run to `FILE` (and the simulated server to FILE.server) and stop, as a killed app would")
	fs.StringVar(&f.resume, "resume", "", "resume the run saved in `FILE` by -save")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: enroll demo [flags]\n\nRuns one enrollment against the built-in simulator, printing each transition and call.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return f, err
	}
	if fs.NArg() > 0 {
		return f, fmt.Errorf("demo takes no arguments, got %q", fs.Args())
	}
	if f.save != "" && f.resume != "" {
		return f, errors.New("-save and -resume go in two runs")
	}
	if f.faults < 0 || f.faults > 1 {
		return f, errors.New("-faults must be between 0 and 1")
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
	known := false
	for _, s := range simulator.Situations() {
		known = known || string(s) == f.situation
	}
	if !known {
		return f, fmt.Errorf("unknown situation %q", f.situation)
	}
	return f, nil
}

func demo(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	f, err := parseDemo(args, stderr)
	if err != nil {
		return err
	}
	human := f.interactive == "yes" || (f.interactive == "auto" && isTerminal(stdin))

	simOpts := []simulator.Option{
		simulator.WithSMS(func(m simulator.SMS) {
			if human {
				// The simulated phone's screen: the user must read the code to type it.
				fmt.Fprintf(stdout, "    [phone %s] your code is %s\n", redact.Phone(m.To), m.Code)
				return
			}
			fmt.Fprintf(stdout, "    [phone] %s\n", m)
		}),
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
	mode := "answering by itself"
	if human {
		mode = "asking you (answer a prompt, or type one of the actions shown)"
	}
	var (
		sim *simulator.Simulator
		e   *enrollfsm.Engine
	)
	if f.resume != "" {
		sim, e, err = resumeDemo(f.resume, simOpts, stdout)
	} else {
		fmt.Fprintf(stdout, "enroll demo: flow %s on %s, SDK %s, account %s; %s\n", f.flow, f.platform, f.sdk, f.situation, mode)
		sim, e, err = startDemo(f, simOpts, stdout)
	}
	if err != nil {
		return err
	}

	var answerer enrollfsm.Answerer = &bot{sim: sim, out: stdout}
	if human {
		answerer = &person{in: bufio.NewScanner(stdin), out: stdout}
	}
	if f.save != "" {
		answerer = &saver{Answerer: answerer, e: e, sim: sim, file: f.save, out: stdout}
	}
	out, err := e.Run(ctx, sim, answerer)
	if errors.Is(err, errSaved) {
		return nil
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "outcome: %s", out.State)
	if out.Failure != "" {
		fmt.Fprintf(stdout, " (%s: %v)", out.Failure, out.Err)
	}
	for _, w := range out.Warnings {
		fmt.Fprintf(stdout, "\nwarning: %v", w)
	}
	fmt.Fprintln(stdout)
	if !out.OK() {
		return exitError(1)
	}
	return nil
}

func startDemo(f demoFlags, simOpts []simulator.Option, stdout io.Writer) (*simulator.Simulator, *enrollfsm.Engine, error) {
	sim, err := simulator.New(append(simOpts,
		simulator.WithPlatform(f.platform),
		simulator.WithSituation(simulator.Situation(f.situation)),
		simulator.WithSeed(f.seed))...)
	if err != nil {
		return nil, nil, err
	}
	opts := []enrollfsm.Option{
		enrollfsm.WithPlatform(enrollfsm.Platform(f.platform)),
		enrollfsm.WithSDKVersion(f.sdk),
		enrollfsm.WithAutoRemove(f.autoRemove),
		enrollfsm.WithObserver(printer(stdout)),
	}
	if enrollfsm.Flow(f.flow) == enrollfsm.FlowRemoveVehicle {
		opts = append(opts, enrollfsm.WithVIN(f.vin))
	}
	e, err := enrollfsm.New(enrollfsm.Flow(f.flow), opts...)
	if err != nil {
		return nil, nil, err
	}
	if enrollfsm.Flow(f.flow) == enrollfsm.FlowAuto {
		fmt.Fprintf(stdout, "  (auto runs the %s flow with SDK %s)\n", e.Flow(), f.sdk)
	}
	return sim, e, nil
}

// resumeDemo restores the engine from its snapshot and the simulated server
// from its own file, as a restarted app would find its backend.
func resumeDemo(file string, simOpts []simulator.Option, stdout io.Writer) (*simulator.Simulator, *enrollfsm.Engine, error) {
	snap, err := os.ReadFile(file)
	if err != nil {
		return nil, nil, err
	}
	server, err := os.ReadFile(file + ".server")
	if err != nil {
		return nil, nil, err
	}
	sim, err := simulator.Load(server, simOpts...)
	if err != nil {
		return nil, nil, err
	}
	e, err := enrollfsm.Restore(snap, enrollfsm.WithObserver(printer(stdout)))
	if err != nil {
		return nil, nil, err
	}
	set := e.Settings()
	fmt.Fprintf(stdout, "enroll demo: resumed %s on %s at %s from %s\n", set.Flow, set.Platform, e.State(), file)
	return sim, e, nil
}

// errSaved stops a run that -save has saved.
var errSaved = errors.New("saved")

// saver saves the run at the first SMS code prompt, as if the app were
// killed while the user reads the SMS.
type saver struct {
	enrollfsm.Answerer
	e    *enrollfsm.Engine
	sim  *simulator.Simulator
	file string
	out  io.Writer
}

func (s *saver) Answer(ctx context.Context, p enrollfsm.Pending) (enrollfsm.Answer, error) {
	if !p.Prompt.IsCode() {
		return s.Answerer.Answer(ctx, p)
	}
	snap, err := s.e.Snapshot()
	if err != nil {
		return enrollfsm.Answer{}, err
	}
	server, err := s.sim.SaveState()
	if err != nil {
		return enrollfsm.Answer{}, err
	}
	if err := os.WriteFile(s.file, snap, 0o600); err != nil {
		return enrollfsm.Answer{}, err
	}
	if err := os.WriteFile(s.file+".server", server, 0o600); err != nil {
		return enrollfsm.Answer{}, err
	}
	fmt.Fprintf(s.out, "  saved at %s (%d bytes, no PIN or SMS code) to %s; the app is killed here.\n", p.State, len(snap), s.file)
	fmt.Fprintf(s.out, "  go on with: go run ./cmd/enroll demo -resume %s\n", s.file)
	return enrollfsm.Answer{}, errSaved
}

// printer prints each transition and call as it happens; requests print
// with secrets masked.
func printer(w io.Writer) enrollfsm.Observer {
	return enrollfsm.Observer{
		Transition: func(t enrollfsm.Transition) {
			if t.From == t.To {
				fmt.Fprintf(w, "  %s: %s, trying again\n", t.From, t.Event)
				return
			}
			fmt.Fprintf(w, "  %s → %s  [%s]\n", t.From, t.To, t.Event)
		},
		Call: func(c enrollfsm.CallRecord) {
			reply := string(c.Status)
			switch {
			case c.Err != nil:
				reply = "no reply: " + c.Err.Error()
			case c.Code != 0:
				reply = fmt.Sprintf("%s %d %s", c.Status, c.Code, pimserr.Code(c.Code).Label())
			}
			fmt.Fprintf(w, "    step %s: %s → %s\n", c.Step, c.Request, reply)
		},
	}
}

// bot answers as a user who reads the simulated phone and remembers the PIN.
type bot struct {
	sim     *simulator.Simulator
	out     io.Writer
	answers int
}

func (b *bot) Answer(_ context.Context, p enrollfsm.Pending) (enrollfsm.Answer, error) {
	b.answers++
	a := b.choose(p)
	if b.answers > 40 {
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
			pin = "1234"
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

var questions = map[enrollfsm.Prompt]string{
	enrollfsm.PromptPhoneNumber:       "Phone number to register",
	enrollfsm.PromptCertificationCode: "Code texted to the new number",
	enrollfsm.PromptEnrollmentCode:    "Enrollment code texted to your phone",
	enrollfsm.PromptPIN:               "Your PIN",
	enrollfsm.PromptNewPIN:            "Choose a new PIN (4 to 8 digits)",
	enrollfsm.PromptOldPIN:            "Your current PIN",
	enrollfsm.PromptConfirmRemoval:    "Your account is blocked. Remove every enrollment? This signs your other devices out",
	enrollfsm.PromptRetry:             "The call failed. Try again?",
}

// person asks on the terminal.
type person struct {
	in  *bufio.Scanner
	out io.Writer
}

func (h *person) Answer(_ context.Context, p enrollfsm.Pending) (enrollfsm.Answer, error) {
	if p.Reason != nil {
		fmt.Fprintf(h.out, "  ! %v\n", p.Reason)
	}
	acts := make([]string, len(p.Actions))
	for i, a := range p.Actions {
		acts[i] = string(a)
	}
	q := questions[p.Prompt]
	if p.SentTo != "" {
		q += " (sent to " + p.SentTo + ")"
	}
	fmt.Fprintf(h.out, "  ? %s [%s]: ", q, strings.Join(acts, ", "))
	if !h.in.Scan() {
		return enrollfsm.Act(p.Prompt, enrollfsm.ActionCancel), nil
	}
	line := strings.TrimSpace(h.in.Text())
	for _, a := range p.Actions {
		if line == string(a) {
			return enrollfsm.Act(p.Prompt, a), nil
		}
	}
	if _, takesValue := p.Prompt.ValueEvent(); !takesValue {
		return enrollfsm.Act(p.Prompt, enrollfsm.Action(line)), nil
	}
	return enrollfsm.Value(p.Prompt, line), nil
}

// isTerminal is a character device other than the null device: enough to
// tell a person from a pipe or a file without a terminal library.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	if err != nil || info.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	null, err := os.Stat(os.DevNull)
	return err != nil || !os.SameFile(info, null)
}
