package enrolltest

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/enrollfsm/enrollfsm"
)

// set moves the clock to t, forward or back: the explorer gives each state
// the time it was reached at.
func (c *Clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// cycle returns a counterexample for the edge k of g, inside a strongly
// connected component, that gets the backend to act: the path goes to a
// waiting state of the loop, then once around it, so that a replay sees the
// run come back to the same state.
func (x *explorer) cycle(g *runGraph, comp []int, k int) *Counterexample {
	e := g.edges[k]
	act := x.mv(e.via)
	// shortest way back from e.to to e.from inside the component
	prev := map[int32]int{e.to: -1}
	queue := []int32{e.to}
	for len(queue) > 0 && e.from != e.to {
		v := queue[0]
		queue = queue[1:]
		if v == e.from {
			break
		}
		for _, j := range g.out[v] {
			w := g.edges[j].to
			if _, seen := prev[w]; !seen && comp[w] == comp[e.from] {
				prev[w] = j
				queue = append(queue, w)
			}
		}
	}
	loop := []int{k}
	var tail []int
	for v := e.from; v != e.to; {
		j, ok := prev[v]
		if !ok || j < 0 {
			break
		}
		tail = append(tail, j)
		v = g.edges[j].from
	}
	for i := len(tail) - 1; i >= 0; i-- {
		loop = append(loop, tail[i])
	}
	start := 0
	for i, j := range loop {
		if x.nodes[g.edges[j].from].prompt {
			start = i
			break
		}
	}
	loop = append(loop[start:], loop[:start]...)
	first := g.edges[loop[0]].from
	moves := make([]move, len(loop))
	for i, j := range loop {
		moves[i] = x.mv(g.edges[j].via)
	}
	return x.counterexample(first, moves, &PropertyError{Property: PropertyEnd, Flow: x.setup.flow, State: x.nodes[first].mon.cur,
		Detail: "a loop that gets the backend to act again (" + x.replies[act.step][act.reply].name + " to step " + act.step +
			") without spending a bounded counter or the user's retry"})
}

// The scenario file format (docs/contract.md §6), for writing only: this
// package cannot import package scenario, which imports it.
type (
	scenarioFile struct {
		Name         string             `json:"name"`
		Flow         string             `json:"flow"`
		Platform     string             `json:"platform,omitempty"`
		SDKVersion   string             `json:"sdkVersion,omitempty"`
		Inputs       map[string]string  `json:"inputs,omitempty"`
		AutoRemove   bool               `json:"autoRemove,omitempty"`
		Answers      []scenarioAnswer   `json:"answers"`
		Exchanges    []scenarioExchange `json:"exchanges"`
		Final        string             `json:"final"`
		Failure      string             `json:"failure,omitempty"`
		Path         []string           `json:"path,omitempty"`
		RestartAfter []int              `json:"restartAfter,omitempty"`
	}
	scenarioAnswer struct {
		Prompt string  `json:"prompt,omitempty"`
		Value  *string `json:"value,omitempty"`
		Action string  `json:"action,omitempty"`
		Wait   string  `json:"wait,omitempty"`
	}
	scenarioExchange struct {
		Op          string            `json:"op"`
		API         string            `json:"api"`
		Params      map[string]string `json:"params"`
		Reply       json.RawMessage   `json:"reply,omitempty"`
		BridgeError string            `json:"bridgeError,omitempty"`
	}
)

// counterexample makes the run of node i's path and then extra again, from
// a new engine with a Monitor, as the scenario runner will, and writes it as
// a scenario; the run is then ended by cancelling.
func (x *explorer) counterexample(i int32, extra []move, perr *PropertyError) *Counterexample {
	moves := append(x.path(i), extra...)
	ce := &Counterexample{Err: perr}
	s := x.setting
	sc := scenarioFile{
		Name: "counterexample: " + s.String() + ": property " + perr.Property.String(),
		Flow: string(s.Flow), AutoRemove: s.AutoRemove, Answers: []scenarioAnswer{}, Exchanges: []scenarioExchange{},
	}
	if s.platform() != enrollfsm.Android {
		sc.Platform = string(s.platform())
	}
	if s.SDKVersion != "" {
		sc.SDKVersion = s.SDKVersion
	}
	if vin := x.vin(); vin != "" {
		sc.Inputs = map[string]string{"vin": vin}
	}
	clock := NewClock(Epoch)
	mon := NewMonitor(enrollfsm.Settings{Flow: s.Flow, Platform: s.platform(), SDKVersion: s.sdk(), AutoRemove: s.AutoRemove, VIN: x.vin()}, x.limits)
	sc.Path = []string{"start"}
	track := enrollfsm.Observer{Transition: func(t enrollfsm.Transition) {
		if t.From != t.To {
			sc.Path = append(sc.Path, string(t.To))
		}
	}}
	opts := append(s.options(), enrollfsm.WithLimits(x.limits), enrollfsm.WithClock(clock),
		enrollfsm.WithObserver(mon.Observer()), enrollfsm.WithObserver(track))
	e, err := enrollfsm.New(s.Flow, opts...)
	if err != nil {
		return ce
	}
	mon.Settle(e)
	exchange := func(p enrollfsm.Pending, r reply) {
		ex := scenarioExchange{Op: string(p.Call.Request.Op), API: p.Call.Request.API, Params: p.Call.Request.Params.Map()}
		if r.raw == nil {
			ex.BridgeError = r.bridge
		} else {
			ex.Reply = r.raw
		}
		sc.Exchanges = append(sc.Exchanges, ex)
		clock.Advance(p.Call.Delay)
		_ = e.Deliver(p.Call.ID, r.msg, r.err)
	}
	answer := func(a enrollfsm.Answer, note string) {
		entry := scenarioAnswer{Prompt: string(a.Prompt), Action: string(a.Action)}
		if a.Action == "" {
			v := a.Value
			entry.Value = &v
		}
		sc.Answers = append(sc.Answers, entry)
		ce.Steps = append(ce.Steps, "answer "+a.String()+note)
		_ = e.Answer(a)
	}
	for _, mv := range moves {
		p := e.Next()
		switch mv.kind {
		case moveReply:
			if p.Kind != enrollfsm.PendingCall {
				return ce
			}
			r := x.replies[mv.step][mv.reply]
			ce.Steps = append(ce.Steps, "reply "+p.Call.Step+": "+r.name)
			exchange(p, r)
		case moveValue:
			answer(enrollfsm.Value(p.Prompt, validValues[p.Prompt]), "")
		case moveMalformed:
			answer(enrollfsm.Value(p.Prompt, malformedValues[p.Prompt]), " (malformed)")
		case moveAction:
			answer(enrollfsm.Act(p.Prompt, mv.action), "")
		case moveWait:
			sc.Answers = append(sc.Answers, scenarioAnswer{Wait: x.wait().String()})
			ce.Steps = append(ce.Steps, "wait "+x.wait().String())
			clock.Advance(x.wait())
		case moveRestore:
			sc.RestartAfter = append(sc.RestartAfter, len(sc.Answers))
			ce.Steps = append(ce.Steps, "save and restore")
			data, err := e.Snapshot()
			if err != nil {
				return ce
			}
			r, err := enrollfsm.Restore(data, opts...)
			if err != nil {
				return ce
			}
			mon.Restored(e, r, data)
			e = r
		}
		mon.Settle(e)
	}
	var pe *PropertyError
	ce.Reproduced = errors.As(mon.Err(), &pe) && pe.Property == perr.Property
	// End the run: a bridge error at each call, cancel at each prompt.
	for k := 0; k < 64; k++ {
		p := e.Next()
		if p.Kind == enrollfsm.PendingNone {
			break
		}
		if p.Kind == enrollfsm.PendingCall {
			exchange(p, reply{name: "a bridge error", bridge: "bridge down", err: errors.New("bridge down")})
		} else {
			entry := scenarioAnswer{Prompt: string(p.Prompt), Action: string(enrollfsm.ActionCancel)}
			sc.Answers = append(sc.Answers, entry)
			_ = e.Answer(enrollfsm.Act(p.Prompt, enrollfsm.ActionCancel))
		}
	}
	out, ended := e.Outcome()
	sc.Final = string(enrollfsm.Cancelled)
	if ended {
		sc.Final, sc.Failure = string(out.State), string(out.Failure)
	}
	ce.Scenario, _ = json.MarshalIndent(sc, "", "  ")
	ce.Scenario = append(ce.Scenario, '\n')
	return ce
}
