package explore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/enrollment"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/flows"
	"github.com/enrollfsm/enrollfsm/pims"
	"github.com/enrollfsm/enrollfsm/scenario/scenariofile"
	"github.com/enrollfsm/enrollfsm/simulator"
)

// tables are the engine's tables, copied once: the explorer only reads them.
var tables = sync.OnceValue(enrollfsm.Tables)

// Config is how a walk starts: the engine's settings and the account's
// situation, which only the simulator's answers depend on.
type Config struct {
	Flow       string `json:"flow"`
	Platform   string `json:"platform"`
	SDKVersion string `json:"sdkVersion"`
	AutoRemove bool   `json:"autoRemove"`
	Situation  string `json:"situation"`
	VIN        string `json:"vin,omitempty"`
}

// withDefaults fills what the form or the JSON left out.
func (c Config) withDefaults() Config {
	if c.Flow == "" {
		c.Flow = string(enrollfsm.FlowFull)
	}
	if c.Platform == "" {
		c.Platform = string(enrollfsm.Android)
	}
	if c.SDKVersion == "" {
		c.SDKVersion = "2.1.0"
	}
	if c.Situation == "" {
		c.Situation = string(simulator.SituationNew)
		if _, inEnrollment := map[string]bool{"full": true, "shortcut": true, "auto": true}[c.Flow]; !inEnrollment {
			c.Situation = string(simulator.SituationEnrolled)
		}
	}
	if info, ok := enrollfsm.Describe(enrollfsm.Flow(c.Flow)); ok && info.NeedsVIN && c.VIN == "" {
		c.VIN = simulator.DefaultVIN
	}
	return c
}

// Input is one move of the walk: a reply delivered to the pending call, an
// answer to the pending prompt, or a wait at a code prompt.
type Input struct {
	Reply  string `json:"reply,omitempty"`
	Prompt string `json:"prompt,omitempty"`
	Action string `json:"action,omitempty"`
	Value  string `json:"value,omitempty"`
	// Wait lets time pass at a code prompt (a Go duration, "11m0s"), so
	// that the code expires; the downloaded scenario gets a wait entry.
	Wait string `json:"wait,omitempty"`
}

// codeWait is the wait the page offers at a code prompt: past the code's
// lifetime, so that the engine refuses the code as expired.
var codeWait = enrollfsm.DefaultLimits().CodeTTL + time.Minute

// maxWait bounds a wait: longer says nothing more, and a clock far ahead
// serves no walk.
const maxWait = 24 * time.Hour

// waitAt is a wait of the walk, placed before the answer numbered Before
// (from 0) in the scenario's answers.
type waitAt struct {
	Before int
	D      time.Duration
}

// answer is the input as the engine takes it.
func (in Input) answer() enrollfsm.Answer {
	if in.Action != "" {
		return enrollfsm.Act(enrollfsm.Prompt(in.Prompt), enrollfsm.Action(in.Action))
	}
	return enrollfsm.Value(enrollfsm.Prompt(in.Prompt), in.Value)
}

// Entry is one line of the history: the move, masked, and where it led.
type Entry struct {
	N     int      `json:"n"`
	Move  string   `json:"move"`
	From  string   `json:"from"`
	To    string   `json:"to"`
	Moves []string `json:"transitions,omitempty"`
	// Refused: the engine refused the answer (it asks the same prompt again).
	Refused string `json:"refused,omitempty"`
}

// run is one engine with the world around it, built from a Config and the
// inputs so far. Stepping back builds a new run from fewer inputs: the
// engine, its clock and the simulator are deterministic, so the same inputs
// lead to the same state, with no engine internals copied.
type run struct {
	cfg     Config
	e       *enrollfsm.Engine
	table   *flows.Table
	clock   *clock
	sim     *simulator.Simulator
	rec     *scenariofile.Recorder
	inputs  []Input
	history []Entry
	moves   []enrollfsm.Transition
	calls   []enrollfsm.CallRecord
	sms     []simulator.SMS
	// answered counts the answers the engine was given (refused ones too),
	// as the recorder lists them; waits are placed among them.
	answered int
	waits    []waitAt
}

// ErrConflict is a move that does not fit what the engine waits for.
var ErrConflict = errors.New("conflict")

// ErrBadInput is a move that names nothing the explorer knows.
var ErrBadInput = errors.New("bad input")

func conflict(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrConflict, fmt.Sprintf(format, args...))
}

func badInput(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrBadInput, fmt.Sprintf(format, args...))
}

// newRun starts a walk. A configuration the engine refuses is ErrBadInput.
func newRun(cfg Config) (*run, error) {
	cfg = cfg.withDefaults()
	r := &run{cfg: cfg, clock: &clock{now: epoch}, rec: scenariofile.NewRecorder()}
	sim, err := simulator.New(
		simulator.WithPlatform(cfg.Platform),
		simulator.WithSituation(simulator.Situation(cfg.Situation)),
		simulator.WithNow(r.clock.Now),
		simulator.WithSMS(func(m simulator.SMS) { r.sms = append(r.sms, m) }),
	)
	if err != nil {
		return nil, badInput("%v", err)
	}
	r.sim = sim
	rec := r.rec.Observer()
	obs := enrollfsm.Observer{
		Transition: func(t enrollfsm.Transition) {
			r.moves = append(r.moves, t)
			rec.Transition(t)
		},
		Call: func(c enrollfsm.CallRecord) {
			r.calls = append(r.calls, c)
			rec.Call(c)
		},
		Answer: func(a enrollfsm.Answer, err error) {
			r.answered++
			rec.Answer(a, err)
		},
	}
	set := enrollfsm.Settings{Platform: enrollfsm.Platform(cfg.Platform), SDKVersion: cfg.SDKVersion, AutoRemove: cfg.AutoRemove, VIN: cfg.VIN}
	opts := append(set.Options(), enrollfsm.WithClock(r.clock), enrollfsm.WithObserver(obs))
	e, err := enrollfsm.New(enrollfsm.Flow(cfg.Flow), opts...)
	if err != nil {
		return nil, badInput("%v", err)
	}
	r.e = e
	r.table = tables()[e.Flow()]
	return r, nil
}

// replay builds a run from cfg and inputs, as stepping back does.
func replay(cfg Config, inputs []Input) (*run, error) {
	r, err := newRun(cfg)
	if err != nil {
		return nil, err
	}
	for i, in := range inputs {
		if err := r.apply(in); err != nil {
			return nil, fmt.Errorf("replaying move %d: %w", i+1, err)
		}
	}
	return r, nil
}

// apply makes one move. It changes nothing when it returns an error; an
// answer the engine refuses is a move (the engine records it, and asks
// again), not an error.
func (r *run) apply(in Input) error {
	p := r.e.Next()
	from := p.State
	movesBefore := len(r.moves)
	entry := Entry{N: len(r.history) + 1, From: string(from)}
	switch {
	case in.Wait != "":
		if in.Reply != "" || in.Prompt != "" || in.Action != "" || in.Value != "" {
			return badInput("a wait carries no reply, prompt, action or value")
		}
		d, err := time.ParseDuration(in.Wait)
		if err != nil || d <= 0 || d > maxWait {
			return badInput("a wait is a positive Go duration up to %s, such as %q", maxWait, codeWait.String())
		}
		if p.Kind != enrollfsm.PendingPrompt || !p.Prompt.IsCode() {
			return conflict("no code prompt is pending at %s: waiting only lets a code expire", from)
		}
		r.clock.Advance(d)
		r.waits = append(r.waits, waitAt{Before: r.answered, D: d})
		entry.Move = "wait " + d.String()
	case in.Reply != "":
		if in.Prompt != "" || in.Action != "" || in.Value != "" {
			return badInput("a reply carries no prompt, action or value")
		}
		if p.Kind != enrollfsm.PendingCall {
			return conflict("no call is pending at %s: a reply cannot be delivered", from)
		}
		st, _ := r.table.State(from)
		c := p.Call
		txID := fmt.Sprintf("tx-%d", c.ID)
		msg, callErr, err := message(st.Step, in.Reply, txID, func() (pims.Message, error) {
			return r.sim.Call(context.Background(), c.Request)
		})
		if err != nil {
			return badInput("%v", err)
		}
		// The backoff a retried read waits, on the clock a replay uses too.
		r.clock.Advance(c.Delay)
		if err := r.e.Deliver(c.ID, msg, callErr); err != nil {
			return conflict("the engine refused the reply: %v", err)
		}
		entry.Move = "call " + c.Step + " " + string(c.Request.Op) + " " + c.Request.API + " → " + describeReply(r.calls[len(r.calls)-1])
	case in.Prompt != "":
		if p.Kind != enrollfsm.PendingPrompt {
			return conflict("no prompt is pending at %s: a call is, or the run is over", from)
		}
		if enrollfsm.Prompt(in.Prompt) != p.Prompt {
			// The text a client sent is not echoed: it may be a value.
			return conflict("prompt %s is pending, not the one answered", p.Prompt)
		}
		if in.Action != "" && in.Value != "" {
			return badInput("an answer has a value or an action, not both")
		}
		if in.Action != "" && !slices.Contains(enrollment.Actions(), enrollfsm.Action(in.Action)) {
			return badInput("unknown action (want one of %v)", enrollment.Actions())
		}
		if in.Action != "" && !slices.Contains(p.Actions, enrollfsm.Action(in.Action)) {
			return conflict("%s is not offered at %s (offered: %v)", in.Action, p.Prompt, p.Actions) // a known action
		}
		if in.Action == "" && !takesValue(p.Prompt) {
			return conflict("%s takes no value, only an action (%v)", p.Prompt, p.Actions)
		}
		a := in.answer()
		if err := r.e.Answer(a); err != nil {
			if errors.Is(err, pimserr.ErrWrongPrompt) || errors.Is(err, pimserr.ErrNotWaiting) || errors.Is(err, pimserr.ErrEnded) {
				return conflict("%v", err)
			}
			entry.Refused = err.Error()
		}
		entry.Move = a.String()
	default:
		return badInput("a move needs a reply or an answer")
	}
	for _, t := range r.moves[movesBefore:] {
		entry.Moves = append(entry.Moves, fmt.Sprintf("%s → %s (%s)", t.From, t.To, t.Event))
	}
	entry.To = string(r.e.State())
	r.inputs = append(r.inputs, in)
	r.history = append(r.history, entry)
	return nil
}

func takesValue(p enrollfsm.Prompt) bool {
	_, ok := p.ValueEvent()
	return ok
}

// describeReply prints a call's reply for the history, without secrets.
func describeReply(c enrollfsm.CallRecord) string {
	switch {
	case c.Err != nil:
		return c.Err.Error()
	case c.Code != 0:
		return fmt.Sprintf("%s %d %s", c.Status, c.Code, pimserr.Code(c.Code).Label())
	case c.Reply.Result != nil:
		return string(c.Status) + " " + resultJSON(c.Reply.Result)
	}
	return string(c.Status)
}

// transcript is the walk as a scenario file: the run must be over.
func (r *run) transcript() ([]byte, error) {
	if _, over := r.e.Outcome(); !over {
		return nil, conflict("the run is not over: a scenario ends in enrolled, done, failed or cancelled")
	}
	name := fmt.Sprintf("explored: %s, %s", r.e.Flow(), strings.Join(pathOf(r.history), " "))
	data, err := r.rec.Transcript(r.e, truncate(name, 200))
	if err != nil || len(r.waits) == 0 {
		return data, err
	}
	return withWaits(data, r.waits)
}

// withWaits places the walk's waits among a transcript's answers, where
// they were made: the recorder sees answers, not the clock.
func withWaits(data []byte, waits []waitAt) ([]byte, error) {
	s, err := scenariofile.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("transcript: %w", err)
	}
	answers := make([]scenariofile.Answer, 0, len(s.Answers)+len(waits))
	w := 0
	for i := 0; i <= len(s.Answers); i++ {
		for ; w < len(waits) && waits[w].Before == i; w++ {
			answers = append(answers, scenariofile.Answer{Wait: waits[w].D.String()})
		}
		if i < len(s.Answers) {
			answers = append(answers, s.Answers[i])
		}
	}
	s.Answers = answers
	return scenariofile.Marshal(s)
}

func pathOf(h []Entry) []string {
	var out []string
	for _, e := range h {
		if e.To != e.From {
			out = append(out, e.To)
		}
	}
	if len(out) > 6 {
		out = append(out[:3], append([]string{"…"}, out[len(out)-2:]...)...)
	}
	return out
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
