package enrolltest

import (
	"errors"
	"fmt"
	"time"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/scenario/scenariofile"
)

// set moves the clock to t, forward or back: the explorer gives each state
// the time it was reached at.
func (c *Clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// Counterexample is the shortest input path to a violation.
type Counterexample struct {
	Err *PropertyError
	// Steps are the inputs from start, masked: "reply 8: FAILED 2317",
	// "answer pin=••••", "wait to 10m0s after the certification code",
	// "save and restore".
	Steps []string
	// Scenario is a scenario file (docs/contract.md §6) of that run as the
	// contract expects it: the Oracle's requests, path and end, the run then
	// ended by cancelling at each prompt and a bridge error at each call. It
	// fails on the engine that broke the property and passes once it is
	// fixed. Nil when the path holds a move no scenario can express; Why says
	// which.
	Scenario []byte
	Why      string
}

// cycle returns a counterexample for the edge k of g, inside a strongly
// connected component, that gets the backend to act: the path goes to a
// waiting state of the loop, then once around it, so that a replay sees the
// run come back to the same state.
func (x *explorer) cycle(g *runGraph, comp []int, k int) *Counterexample {
	e := g.edges[k]
	act := x.mv(e.via)
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
	return x.counterexample(first, moves, &PropertyError{Property: PropertyEnd, Flow: x.judge.flow,
		Detail: "a loop that gets the backend to act again (" + x.replies[act.step][act.reply].name + " to step " + act.step +
			") without spending a bounded counter or the user's retry"})
}

// counterexample writes the path to node i, then extra, as the run the
// contract expects: an Oracle alone plays it, making the requests it
// predicts and taking the transitions it gives, so the scenario holds no
// trace of the engine that broke the property.
func (x *explorer) counterexample(i int32, extra []move, perr *PropertyError) *Counterexample {
	moves := append(x.path(i), extra...)
	if perr.State == "" && i >= 0 && int(i) < len(x.nodes) && x.nodes[i].orc != nil {
		perr.State = x.nodes[i].orc.st.cur
	}
	ce := &Counterexample{Err: perr}
	sc, steps, why := x.expected(moves)
	ce.Steps = steps
	if x.unstatable != "" {
		why = x.unstatable
	}
	if why != "" {
		ce.Why = why
		return ce
	}
	sc.Name = "regression: " + x.setting.String() + ": property " + perr.Property.String()
	data, err := scenariofile.Marshal(&sc)
	if err != nil {
		ce.Why = "the scenario could not be written: " + err.Error()
		return ce
	}
	ce.Scenario = data
	return ce
}

// expected plays moves on an Oracle alone.
func (x *explorer) expected(moves []move) (scenariofile.Scenario, []string, string) {
	s := x.setting
	sc := scenariofile.Scenario{Flow: string(s.Flow), AutoRemove: s.AutoRemove, Answers: []scenariofile.Answer{}, Exchanges: []scenariofile.Exchange{}}
	if s.platform() != enrollfsm.Android {
		sc.Platform = string(s.platform())
	}
	if s.SDKVersion != "" {
		sc.SDKVersion = s.SDKVersion
	}
	if s.VIN != "" {
		sc.Inputs = map[string]string{"vin": s.VIN}
	}
	if s.Limits != (enrollfsm.Limits{}) {
		// The host's own limits: the run was judged against them, and the
		// replay applies them to the engine and to its Oracle.
		l := s.Limits
		sc.Limits = &l
	}
	var steps []string
	clock := NewClock(Epoch)
	o := NewOracle(s, WithNow(clock.Now), quiet())
	sc.Path = []string{"start"}
	take := func() {
		for range 64 {
			e, ok := o.pop()
			if !ok {
				return
			}
			o.st.expect = append([]expectation{e}, o.st.expect...)
			tr := enrollfsm.Transition{From: o.st.cur, To: e.dst, Event: e.ev}
			o.transition(tr)
			if tr.From != tr.To {
				sc.Path = append(sc.Path, string(tr.To))
			}
		}
	}
	o.transition(enrollfsm.Transition{From: "start", To: x.judge.m.next[edge{"start", "begin"}], Event: "begin"})
	sc.Path = append(sc.Path, string(o.st.cur))
	exchange := func(r reply) {
		id := callOf[o.st.cur]
		want, _ := calls[id].request(o.j.plat, func(a answer) string { return o.st.values[a] })
		ex := scenariofile.Exchange{Op: string(want.Op), API: want.API, Params: scenariofile.Params{}}
		for k, v := range want.Params.All() {
			ex.Params = append(ex.Params, scenariofile.Param{Name: k, Value: v})
		}
		if r.raw == nil {
			ex.BridgeError = r.bridge
		} else {
			ex.Reply = r.raw
		}
		sc.Exchanges = append(sc.Exchanges, ex)
		if o.st.attempt > 1 {
			clock.Advance(o.j.lim.Backoff << (o.st.attempt - 2))
		}
		o.call(enrollfsm.CallRecord{Step: id, State: o.st.cur, Request: want, Reply: r.msg, Err: r.err})
		take()
	}
	answer := func(a enrollfsm.Answer, note string) {
		entry := scenariofile.Answer{Prompt: string(a.Prompt), Action: string(a.Action)}
		if a.Action == "" {
			v := a.Value
			entry.Value = &v
		}
		sc.Answers = append(sc.Answers, entry)
		steps = append(steps, "answer "+a.String()+note)
		_, _, want := o.judgeAnswer(a)
		o.answer(a, want)
		take()
	}
	for _, mv := range moves {
		prompt := promptOf[o.st.cur]
		switch mv.kind {
		case moveReply:
			if _, calling := callOf[o.st.cur]; !calling {
				return sc, steps, fmt.Sprintf("the contract waits at %s where the engine made a call", o.st.cur)
			}
			r := x.replies[mv.step][mv.reply]
			steps = append(steps, "reply "+callOf[o.st.cur]+": "+r.name)
			exchange(r)
		case moveValue:
			answer(enrollfsm.Value(prompt, validValues[prompt]), "")
		case moveMalformed:
			answer(enrollfsm.Value(prompt, malformedValues[prompt]), " (malformed)")
		case moveSamePIN:
			answer(enrollfsm.Value(prompt, validValues[enrollfsm.PromptOldPIN]), " (the old PIN)")
		case moveAction:
			answer(enrollfsm.Act(prompt, mv.action), "")
		case moveHostCancel:
			answer(enrollfsm.Act(prompt, enrollfsm.ActionCancel), " (the host's Cancel)")
		case moveWait:
			code := o.st.codes[mv.code]
			to := time.UnixMilli(code.sentAt).Add(o.j.lim.CodeTTL + time.Duration(mv.offset)*time.Millisecond)
			d := to.Sub(clock.Now())
			sc.Answers = append(sc.Answers, scenariofile.Answer{Wait: d.String()})
			steps = append(steps, "wait "+d.String())
			clock.Advance(d)
		case moveRestore:
			sc.RestartAfter = append(sc.RestartAfter, len(sc.Answers))
			steps = append(steps, "save and restore")
			o.Restoring(nil)
			take()
		case moveAhead:
			steps = append(steps, "reply "+mv.step+" ahead of its turn")
			return sc, steps, "a reply to a call made ahead of its turn (prefetch), which a scenario file cannot order"
		case moveNotMade:
			steps = append(steps, "the call's context ends before it is made")
			return sc, steps, "a call whose context ended before it was made, which a scenario file cannot state"
		case moveAbort:
			steps = append(steps, "the host's Cancel during the call")
			return sc, steps, "the host's Cancel during a call, which a scenario file cannot state"
		case moveOther:
			steps = append(steps, "an answer to another prompt")
			return sc, steps, "an answer to a prompt not pending, which a scenario file cannot state"
		}
	}
	// End the run: a bridge error at each call, cancel at each prompt.
	for range 64 {
		if isTerminal(o.st.cur) {
			break
		}
		if _, calling := callOf[o.st.cur]; calling {
			exchange(reply{name: "a bridge error", bridge: "bridge down", err: errors.New("bridge down")})
			continue
		}
		prompt := promptOf[o.st.cur]
		sc.Answers = append(sc.Answers, scenariofile.Answer{Prompt: string(prompt), Action: "cancel"})
		o.answer(enrollfsm.Act(prompt, "cancel"), nil)
		take()
	}
	sc.Final, sc.Failure = string(o.st.cur), string(o.st.failure)
	if len(o.errs) > 0 {
		return sc, steps, "the contract cannot play the path: " + o.errs[0].Detail
	}
	return sc, steps, ""
}
