package scenario

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/enrolltest"
	"github.com/enrollfsm/enrollfsm/pims"
	"github.com/enrollfsm/enrollfsm/steps"
)

// exchanges converts the scenario's exchanges for a scripted backend. A
// reply that is not a well-formed message becomes the *pimserr.ProtocolError
// a bridge returns for it.
func exchanges(s *Scenario) []enrolltest.Exchange {
	out := make([]enrolltest.Exchange, len(s.Exchanges))
	for i, x := range s.Exchanges {
		out[i].Request = pims.Request{Op: pims.Op(x.Op), API: x.API, Params: pims.Pairs(x.Params.Pairs()...)}
		if x.BridgeError != "" {
			out[i].Err = errors.New(x.BridgeError)
			continue
		}
		out[i].Reply, out[i].Err = pims.DecodeMessage(x.Reply)
	}
	return out
}

// setting is the run's setting, for the Oracle: the host's limits, when
// the file gives them, are the ones the run is judged against.
func setting(s *Scenario) enrolltest.Setting {
	set := enrolltest.Setting{Settings: enrollfsm.Settings{Flow: enrollfsm.Flow(s.Flow), Platform: enrollfsm.Platform(s.Platform),
		SDKVersion: s.SDKVersion, AutoRemove: s.AutoRemove, VIN: s.Inputs["vin"]}}
	if s.Limits != nil {
		set.Limits = *s.Limits
	}
	return set
}

// Result is the outcome of replaying one scenario.
type Result struct {
	Scenario *Scenario
	Err      error // nil when it passed
	// Flow is the flow run (auto resolved); Path the states entered;
	// Transitions every move, self-loops included.
	Flow        enrollfsm.Flow
	Path        []enrollfsm.State
	Transitions []enrollfsm.Transition

	outcome enrollfsm.Outcome
}

// Run replays s against a scripted backend and a manual clock, and checks
// that every exchange and answer is used, in order, and that the run ends as
// s says. An enrolltest.Oracle judges every move: a property of
// docs/contract.md §8 broken on the way fails the replay at once, with the
// *enrolltest.PropertyError. Each restart keeps the place of its snapshot,
// as a host does, so an older snapshot could not be restored.
func Run(ctx context.Context, s *Scenario) Result {
	r := &Result{Scenario: s}
	r.Err = run(ctx, s, r, enrolltest.NewScript(exchanges(s)...))
	return *r
}

// ErrInputs matches the error of Rerecord when the file's answers and
// replies no longer drive the engine's run to its end: the engine asks a
// prompt other than the next answer's, waits with no answer left, calls
// with no reply left, or ends with some unused.
var ErrInputs = errors.New("the file's inputs no longer suffice")

// Rerecord replays the inputs of s (its settings, answers, waits, restarts,
// and each exchange's reply or bridge error, in order, whatever the
// request) on the engine, and returns s with what the engine determines
// written again: each exchange's op, api and parameters (kept in the
// file's order when only the order differs), the path (when s has one),
// the final state and the failure. It is for a deliberate change of the
// contract; the Oracle still judges every move, so a run that breaks a
// property is refused with the *enrolltest.PropertyError, as inputs that
// no longer suffice are with an error matching ErrInputs.
func Rerecord(ctx context.Context, s *Scenario) (*Scenario, error) {
	r := &Result{Scenario: s}
	b := &replies{exchanges: exchanges(s)}
	if err := run(ctx, s, r, b); err != nil {
		return nil, err
	}
	out := *s
	out.Exchanges = make([]Exchange, len(s.Exchanges))
	for i, x := range s.Exchanges {
		req := b.requests[i]
		x.Op, x.API = string(req.Op), req.API
		params := Params{}
		for k, v := range req.Params.All() {
			params = append(params, Param{Name: k, Value: v})
		}
		if !params.Equal(x.Params) {
			x.Params = params
		}
		out.Exchanges[i] = x
	}
	if s.Path != nil {
		out.Path = make([]string, len(r.Path))
		for i, st := range r.Path {
			out.Path[i] = string(st)
		}
	}
	o := r.outcome
	out.Final, out.Failure = string(o.State), string(o.Failure)
	return &out, nil
}

// backend is the scripted backend of a run: Script checks each request,
// replies takes any.
type backend interface {
	pims.Backend
	Mismatch() error
	Used() int
	Left() int
}

// replies answers the n-th request with the n-th exchange's reply, whatever
// it asks, and keeps the requests.
type replies struct {
	mu        sync.Mutex
	exchanges []enrolltest.Exchange
	requests  []pims.Request
	over      error
}

func (b *replies) Call(_ context.Context, req pims.Request) (pims.Message, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.over != nil {
		return pims.Message{}, b.over
	}
	n := len(b.requests)
	if n >= len(b.exchanges) {
		b.over = fmt.Errorf("%w: call %d (%s %s) has no exchange left to reply", ErrInputs, n+1, req.Op, req.API)
		return pims.Message{}, b.over
	}
	b.requests = append(b.requests, req)
	return b.exchanges[n].Reply, b.exchanges[n].Err
}

func (b *replies) Mismatch() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.over
}

func (b *replies) Used() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.requests)
}

func (b *replies) Left() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.exchanges) - len(b.requests)
}

func run(ctx context.Context, s *Scenario, r *Result, script backend) error {
	_, rerecord := script.(*replies)
	// short says the inputs ran out or do not fit: for a re-recording, an
	// error matching ErrInputs.
	short := func(format string, args ...any) error {
		if rerecord {
			return fmt.Errorf("%w: %s", ErrInputs, fmt.Sprintf(format, args...))
		}
		return fmt.Errorf(format, args...)
	}
	clock := enrolltest.NewClock(enrolltest.Epoch)
	oracle := enrolltest.NewOracle(setting(s), enrolltest.WithNow(clock.Now))
	path := &r.Path
	*path = []enrollfsm.State{enrollfsm.State("start")}
	observer := enrollfsm.Observer{Transition: func(t enrollfsm.Transition) {
		r.Transitions = append(r.Transitions, t)
		if t.From != t.To {
			*path = append(*path, t.To)
		}
	}}
	opts := append(s.Options(), enrollfsm.WithClock(clock), enrollfsm.WithObserver(observer), enrollfsm.WithObserver(oracle.Observer()))
	e, err := enrollfsm.New(enrollfsm.Flow(s.Flow), opts...)
	if err != nil {
		return fmt.Errorf("engine refused the scenario: %w", err)
	}
	r.Flow = e.Flow()
	restart := map[int]bool{}
	for _, n := range s.RestartAfter {
		restart[n] = true
	}
	var secrets, phones []string
	for _, x := range s.Exchanges {
		var reply struct {
			Result map[string]any `json:"result"`
		}
		if json.Unmarshal(x.Reply, &reply) == nil {
			for _, v := range reply.Result {
				if phone, ok := v.(string); ok {
					phones = append(phones, phone)
				}
			}
		}
	}
	// restartDue is the entry number whose restart is due, -1 if none.
	answered, restartDue := 0, -1
	if restart[0] {
		restartDue = 0
	}
	for {
		p, err := e.Advance(ctx, script)
		if err != nil {
			return err
		}
		if m := script.Mismatch(); m != nil {
			return fmt.Errorf("%w (engine in %s)", m, e.State())
		}
		oracle.Settle(p, e.Counters())
		if err := oracle.Err(); err != nil {
			return err
		}
		if restartDue >= 0 {
			if p.Kind == enrollfsm.PendingNone {
				return short("restartAfter %d: the run ended (%s) before waiting again", restartDue, p.State)
			}
			data, err := e.Snapshot()
			if err == nil {
				oracle.Restoring(data)
				e, err = restartEngine(data, append(opts, enrollfsm.WithLatest(e.Place())), secrets, phones)
			}
			if err != nil {
				return fmt.Errorf("restartAfter %d: %w", restartDue, err)
			}
			p = e.Next()
			oracle.Settle(p, e.Counters())
			if err := oracle.Err(); err != nil {
				return err
			}
			restartDue = -1
		}
		if p.Kind == enrollfsm.PendingNone {
			break
		}
		if answered == len(s.Answers) {
			return short("engine waits at prompt %s (state %s) but no answer is left", p.Prompt, p.State)
		}
		a := s.Answers[answered]
		answered++
		if d, ok := a.WaitFor(); ok {
			clock.Advance(d)
			if restart[answered] {
				restartDue = answered
			}
			continue
		}
		if a.Prompt != string(p.Prompt) {
			return short("answer %d expects prompt %s, engine asks %s (state %s)", answered, a.Prompt, p.Prompt, p.State)
		}
		ans := enrollfsm.Act(p.Prompt, enrollfsm.Action(a.Action))
		if a.Value != nil {
			ans = enrollfsm.Value(p.Prompt, *a.Value)
		}
		// A refused answer (a malformed value, an action not offered) leaves
		// the same prompt pending: the next answer must name it again.
		_ = e.Answer(ans)
		if err := oracle.Err(); err != nil {
			return err
		}
		if a.Value != nil && (p.Prompt.IsCode() || p.Prompt.IsPIN()) {
			secrets = append(secrets, *a.Value)
		}
		if a.Value != nil && p.Prompt == enrollfsm.PromptPhoneNumber {
			if n, err := steps.NormalizePhone(*a.Value); err == nil {
				phones = append(phones, n)
			}
		}
		if restart[answered] {
			restartDue = answered
		}
	}
	out, over := e.Outcome()
	if err := oracle.Finish(out, over); err != nil {
		return err
	}
	r.outcome = out
	if rerecord {
		var problems []string
		if left := script.Left(); left > 0 {
			problems = append(problems, fmt.Sprintf("%d exchange(s) not used (from exchange %d: %s %s)", left, script.Used()+1, s.Exchanges[script.Used()].Op, s.Exchanges[script.Used()].API))
		}
		if answered < len(s.Answers) {
			problems = append(problems, fmt.Sprintf("%d answer(s) not used (from answer %d)", len(s.Answers)-answered, answered+1))
		}
		if len(problems) > 0 {
			return short("the run ended (%s) with %s", describe(out), strings.Join(problems, " and "))
		}
		return nil
	}
	var problems []string
	if left := script.Left(); left > 0 {
		problems = append(problems, fmt.Sprintf("%d exchange(s) not used (next: %s %s)", left, s.Exchanges[script.Used()].Op, s.Exchanges[script.Used()].API))
	}
	if answered < len(s.Answers) {
		problems = append(problems, fmt.Sprintf("%d answer(s) not used (next: %s)", len(s.Answers)-answered, s.Answers[answered].Prompt))
	}
	if string(out.State) != s.Final {
		problems = append(problems, fmt.Sprintf("expected final %s, got %s", s.Final, describe(out)))
	} else if string(out.Failure) != s.Failure {
		problems = append(problems, fmt.Sprintf("expected failure %s, got %s", s.Failure, describe(out)))
	}
	if s.Path != nil {
		got := make([]string, len(*path))
		for i, st := range *path {
			got[i] = string(st)
		}
		if !slices.Equal(got, s.Path) {
			problems = append(problems, "path differs: "+pathDiff(s.Path, got))
		}
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// restartEngine checks that a snapshot holds none of the secrets answered so
// far, and restores a new engine from it, as an app killed at a prompt would.
func restartEngine(data []byte, opts []enrollfsm.Option, secrets, phones []string) (*enrollfsm.Engine, error) {
	if leak := enrolltest.SecretIn(data, secrets, phones...); leak != "" {
		return nil, fmt.Errorf("the snapshot holds a secret in %s", leak)
	}
	return enrollfsm.Restore(data, opts...)
}

func describe(o enrollfsm.Outcome) string {
	if o.Failure != "" {
		return fmt.Sprintf("%s (%s: %v)", o.State, o.Failure, o.Err)
	}
	return string(o.State)
}

func pathDiff(want, got []string) string {
	i := 0
	for i < len(want) && i < len(got) && want[i] == got[i] {
		i++
	}
	at := func(p []string) string {
		if i < len(p) {
			return p[i]
		}
		return "(end)"
	}
	return fmt.Sprintf("at position %d expected %s, got %s", i+1, at(want), at(got))
}

// Report replays every scenario, prints "PASS name" or "FAIL name: why" for
// each, then "N passed, M failed", and returns the number failed. Names and
// reasons are printed with Printable: a file cannot draw on the terminal.
func Report(ctx context.Context, w io.Writer, scenarios []*Scenario) int {
	failed := 0
	for _, s := range scenarios {
		r := Run(ctx, s)
		if r.Err != nil {
			failed++
			fmt.Fprintf(w, "FAIL %s: %s\n", Printable(s.Name), Printable(r.Err.Error()))
			continue
		}
		fmt.Fprintf(w, "PASS %s\n", Printable(s.Name))
	}
	fmt.Fprintf(w, "%d passed, %d failed\n", len(scenarios)-failed, failed)
	return failed
}

// Printable returns s with every character a terminal would act on rather
// than show (ESC and the other controls, a line break, a bidirectional
// override, an invalid byte) written as its Go escape: "\x1b[2K" shows as
// \x1b[2K instead of erasing the line.
func Printable(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case strconv.IsPrint(r):
			b.WriteRune(r)
		default:
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		}
	}
	return b.String()
}
