package enrolltest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/enrollment"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/flows"
	"github.com/enrollfsm/enrollfsm/fsm"
	"github.com/enrollfsm/enrollfsm/internal/hooks"
	"github.com/enrollfsm/enrollfsm/pims"
)

// Check explores every state a flow can reach, breadth first from start,
// over the real engine: at each call every reply the step reads (each
// result variant, a code of each class, 2316, an unknown code, a bridge
// error, a malformed reply), at each prompt a valid value, a malformed one
// and every action offered, the clock moved past the code lifetime while a
// code is valid, and a save and restore at every waiting state. States are
// told apart by the run state (secrets' values and the run-wide call count
// aside) and what the property checks remember, so the exploration closes
// when every loop spends a bounded counter. Every property of
// docs/contract.md §8 is checked on every edge and, once closed, over the
// whole graph; the first violation stops the setting with the shortest
// input path to it, written as a scenario file.

// OldSDK is an SDK version from before the shortcut: auto runs the full flow
// with it.
const OldSDK = "2.0.0"

// checkVIN is the vehicle remove_vehicle is checked with.
const checkVIN = "1HGCM82633A004352"

// Setting is one configuration a flow is checked in.
type Setting struct {
	Flow       enrollfsm.Flow
	Platform   enrollfsm.Platform // "" is android
	SDKVersion string             // "" is the engine's default, 2.1.0
	AutoRemove bool
}

func (s Setting) platform() enrollfsm.Platform {
	if s.Platform == "" {
		return enrollfsm.Android
	}
	return s.Platform
}

func (s Setting) sdk() string {
	if s.SDKVersion == "" {
		return "2.1.0"
	}
	return s.SDKVersion
}

// String names the setting as enroll check prints it: "full android",
// "auto ios sdk 2.0.0 auto-removal".
func (s Setting) String() string {
	out := string(s.Flow) + " " + string(s.platform())
	if s.Flow == enrollfsm.FlowAuto {
		out += " sdk " + s.sdk()
	}
	if s.AutoRemove {
		out += " auto-removal"
	}
	return out
}

func (s Setting) options() []enrollfsm.Option {
	set := enrollfsm.Settings{Platform: s.platform(), SDKVersion: s.sdk(), AutoRemove: s.AutoRemove}
	if s.Flow == enrollfsm.FlowRemoveVehicle {
		set.VIN = checkVIN
	}
	return set.Options()
}

// Settings returns every setting of flows (every flow when none is given)
// on platforms (both when none is given): automatic removal off and on, and
// for auto an old SDK (OldSDK) and a new one.
func Settings(flowList []enrollfsm.Flow, platforms []enrollfsm.Platform) []Setting {
	if len(flowList) == 0 {
		flowList = enrollfsm.Flows()
	}
	if len(platforms) == 0 {
		platforms = []enrollfsm.Platform{enrollfsm.Android, enrollfsm.IOS}
	}
	var out []Setting
	for _, f := range flowList {
		sdks := []string{""}
		if f == enrollfsm.FlowAuto {
			sdks = []string{OldSDK, "2.1.0"}
		}
		for _, p := range platforms {
			for _, sdk := range sdks {
				for _, auto := range []bool{false, true} {
					out = append(out, Setting{Flow: f, Platform: p, SDKVersion: sdk, AutoRemove: auto})
				}
			}
		}
	}
	return out
}

// CheckOptions tune Check.
type CheckOptions struct {
	// Limits are the engine's bounds (zero: the defaults). Scenarios replay
	// with the defaults, so a counterexample found under other limits
	// replays only as far as they agree.
	Limits enrollfsm.Limits
	// MaxStates stops a setting that has not closed (zero: 200,000): a loop
	// that spends no bounded counter makes the states grow without end.
	MaxStates int
	// Progress, if set, is told of each setting as soon as it is checked.
	Progress func(CheckResult)
}

// CheckResult is the exploration of one setting.
type CheckResult struct {
	Setting Setting
	Flow    enrollfsm.Flow // the table explored (auto resolved)
	States  int
	Edges   int // inputs tried, at every state
	// Closed: every reachable state was explored; false when MaxStates
	// stopped it (or a violation did).
	Closed bool
	// Bound is the most calls made between two waits in any run.
	Bound int
	// Longest is the longest run, in calls and answers, that does not use
	// the user's retry after an interruption (nor a save and restore).
	Longest int
	// Rows is the table's edges, Taken those some reachable state takes.
	Rows, Taken int
	Untaken     []fsm.Row
	// Violation is the first property broken, with its shortest path.
	Violation *Counterexample
	Elapsed   time.Duration
	PeakHeap  uint64 // bytes, sampled from runtime.MemStats.HeapAlloc
}

// String is the line enroll check prints.
func (r CheckResult) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: ", r.Setting)
	if !r.Closed && r.Violation == nil {
		b.WriteString("did not close: ")
	}
	fmt.Fprintf(&b, "%d states, %d edges", r.States, r.Edges)
	if r.Closed {
		calls := "calls"
		if r.Bound == 1 {
			calls = "call"
		}
		fmt.Fprintf(&b, ", at most %d %s between waits, longest run without retry %d", r.Bound, calls, r.Longest)
		if len(r.Untaken) == 0 {
			b.WriteString(", every edge taken")
		} else {
			fmt.Fprintf(&b, ", %d of %d edges taken", r.Taken, r.Rows)
		}
	}
	if r.Violation != nil {
		fmt.Fprintf(&b, ", 1 violation: %v", r.Violation.Err)
	} else {
		b.WriteString(", 0 violations")
	}
	return b.String()
}

// Counterexample is the shortest input path to a violation.
type Counterexample struct {
	Err *PropertyError
	// Steps are the inputs from start, masked: "reply 8: FAILED 2317",
	// "answer pin=••••", "wait 11m0s", "save and restore".
	Steps []string
	// Scenario is a scenario file (docs/contract.md §6) of that run: enroll
	// replay plays it and reports the same property broken. The run is
	// ended after the violation by cancelling at each prompt and a bridge
	// error at each call.
	Scenario []byte
	// Reproduced: the scenario's run, made again from a new engine with a
	// Monitor, broke the property again.
	Reproduced bool
}

// Report is Check over several settings.
type Report struct {
	Results []CheckResult
	// Untaken lists, by table, the edges that no setting of the check took
	// (only tables whose settings all closed): each is a violation of
	// PropertyTable.
	Untaken  map[enrollfsm.Flow][]fsm.Row
	Elapsed  time.Duration
	States   int
	PeakHeap uint64
}

// OK reports whether every setting closed without a violation and every
// edge was taken.
func (r Report) OK() bool {
	for _, x := range r.Results {
		if !x.Closed || x.Violation != nil {
			return false
		}
	}
	return len(r.Untaken) == 0
}

// Check explores every setting in turn. Edges a setting cannot take (those
// of confirm_removal with automatic removal on, for instance) count as taken
// when another setting of the same table takes them. It returns an error
// only for a setting the engine refuses, or when ctx ends.
func Check(ctx context.Context, settings []Setting, opts CheckOptions) (Report, error) {
	start := time.Now()
	rep := Report{Untaken: map[enrollfsm.Flow][]fsm.Row{}}
	taken := map[enrollfsm.Flow]map[fsm.Row]bool{}
	complete := map[enrollfsm.Flow]bool{}
	rows := map[enrollfsm.Flow][]fsm.Row{}
	for _, s := range settings {
		r, took, all, err := checkSetting(ctx, s, opts)
		if err != nil {
			return rep, err
		}
		rep.Results = append(rep.Results, r)
		if opts.Progress != nil {
			opts.Progress(r)
		}
		rep.States += r.States
		rep.PeakHeap = max(rep.PeakHeap, r.PeakHeap)
		if _, seen := complete[r.Flow]; !seen {
			complete[r.Flow] = true
			taken[r.Flow] = map[fsm.Row]bool{}
			rows[r.Flow] = all
		}
		complete[r.Flow] = complete[r.Flow] && r.Closed && r.Violation == nil
		for row := range took {
			taken[r.Flow][row] = true
		}
	}
	for f, ok := range complete {
		if !ok {
			continue
		}
		for _, row := range rows[f] {
			if !taken[f][row] {
				rep.Untaken[f] = append(rep.Untaken[f], row)
			}
		}
	}
	for f := range rep.Untaken {
		if len(rep.Untaken[f]) == 0 {
			delete(rep.Untaken, f)
		}
	}
	rep.Elapsed = time.Since(start)
	return rep, nil
}

// CheckSetting explores one setting.
func CheckSetting(ctx context.Context, s Setting, opts CheckOptions) (CheckResult, error) {
	r, _, _, err := checkSetting(ctx, s, opts)
	return r, err
}

// reply is one reply the world can give to a call.
type reply struct {
	name   string
	raw    []byte // the message's JSON; nil for a bridge error
	bridge string // the bridge error's text
	msg    pims.Message
	err    error
}

const txID = "t1"

func succeeded(name string, result string) reply {
	return decoded(reply{name: name, raw: []byte(`{"transactionId":"` + txID + `","status":"SUCCEEDED","result":` + result + `}`)})
}

func failed(code pimserr.Code) reply {
	label, _ := json.Marshal(code.Label())
	return decoded(reply{name: "FAILED " + code.String(),
		raw: []byte(`{"transactionId":"` + txID + `","status":"FAILED","result":null,"error":{"code":` + code.String() + `,"label":` + string(label) + `}}`)})
}

// decoded reads raw as the scenario runner does, so that a replay gets the
// very same message or protocol error.
func decoded(r reply) reply {
	r.msg, r.err = pims.DecodeMessage(r.raw)
	return r
}

// resultVariants are the successful results of the steps that read one.
var resultVariants = map[string][][2]string{
	"1": {{"isDeviceActivated=true", `{"isDeviceActivated":true}`}, {"isDeviceActivated=false", `{"isDeviceActivated":false}`},
		{`isDeviceActivated="true"`, `{"isDeviceActivated":"true"}`}, {`isDeviceActivated="false"`, `{"isDeviceActivated":"false"}`}},
	"2": {{"NotBlocked", `{"isAccountBlocked":"NotBlocked"}`}, {"AccountBlocked", `{"isAccountBlocked":"AccountBlocked"}`},
		{"PINBlocked", `{"isAccountBlocked":"PINBlocked"}`}, {"isAccountBlocked=false", `{"isAccountBlocked":false}`},
		{"isAccountBlocked=true", `{"isAccountBlocked":true}`}},
	"3": {{"a phone", `{"phoneNumber":"0698765432"}`}, {"a formatted phone", `{"phoneNumber":"+33 6 98 76 54 32"}`},
		{"phoneNumber=null", `{"phoneNumber":null}`}, {`phoneNumber=""`, `{"phoneNumber":""}`}, {"no phoneNumber", `{}`},
		{"trustedPhoneNumber", `{"trustedPhoneNumber":"0698765432"}`}},
	"6": {{"AlreadyEnrolled", `{"status":"AlreadyEnrolled"}`}, {"NotEnrolled", `{"status":"NotEnrolled"}`}},
}

// worldCodes are a code of each class, both blocked codes, 2316 and an
// unknown code.
var worldCodes = []pimserr.Code{
	pimserr.CodeTimeout, pimserr.CodeServerError, pimserr.CodeAccessRefused, pimserr.CodeAccountBlocked,
	pimserr.CodeForbidden, pimserr.CodePostSyncFailed, pimserr.CodeFacadeNotInitialized, 2999,
}

// repliesFor returns every reply Check gives to a call of step id.
func repliesFor(id string) []reply {
	var out []reply
	if variants, ok := resultVariants[id]; ok {
		for _, v := range variants {
			out = append(out, succeeded("SUCCEEDED "+v[0], v[1]))
		}
		// a step that reads a result and gets none: a bad reply
		out = append(out, succeeded("SUCCEEDED without a result", "null"))
	} else {
		out = append(out, succeeded("SUCCEEDED", "null"), succeeded("SUCCEEDED with a result it ignores", `{"extra":true}`))
	}
	for _, c := range worldCodes {
		out = append(out, failed(c))
	}
	out = append(out, reply{name: "a bridge error", bridge: "bridge down", err: errors.New("bridge down")})
	out = append(out, decoded(reply{name: "a malformed reply", raw: []byte(`{"transactionId":"` + txID + `","status":"MAYBE"}`)}))
	return out
}

// The values Check answers with. The secrets differ from each other and from
// every digit run of the phone numbers, so a leak is told apart.
var (
	validValues = map[enrollfsm.Prompt]string{
		enrollfsm.PromptPhoneNumber: "0687654321", enrollfsm.PromptCertificationCode: "415263",
		enrollfsm.PromptEnrollmentCode: "736251", enrollfsm.PromptPIN: "1357", enrollfsm.PromptNewPIN: "1357",
		enrollfsm.PromptOldPIN: "2468",
	}
	malformedValues = map[enrollfsm.Prompt]string{
		enrollfsm.PromptPhoneNumber: "12ab", enrollfsm.PromptCertificationCode: "12", enrollfsm.PromptEnrollmentCode: "12",
		enrollfsm.PromptPIN: "12", enrollfsm.PromptNewPIN: "12", enrollfsm.PromptOldPIN: "12",
	}
)

type moveKind uint8

const (
	moveReply moveKind = iota
	moveValue
	moveMalformed
	moveAction
	moveWait
	moveRestore
)

// move is one input.
type move struct {
	kind   moveKind
	reply  int16 // index in repliesFor(step)
	step   string
	prompt enrollfsm.Prompt
	action enrollfsm.Action
}

// moveID numbers the moves of one exploration, so that a state and an edge
// name their input in two bytes.
type moveID uint16

type node struct {
	parent int32
	via    moveID
	eng    *enrollfsm.Engine // nil once expanded
	mon    monitor
	now    time.Time
	end    bool
	prompt bool
	valid  bool // an SMS code is still valid: a wait can expire it
}

type graphEdge struct {
	from, to int32
	via      moveID
}

type explorer struct {
	ctx     context.Context
	setting Setting
	limits  enrollfsm.Limits
	max     int
	setup   *monitorSetup
	clock   *Clock
	live    *monitor
	alive   *liveness
	opts    []enrollfsm.Option
	nodes   []node
	moveTab []move
	moveIDs map[move]moveID
	index   map[string]int32
	edges   []graphEdge
	tried   int
	taken   map[fsm.Row]bool
	replies map[string][]reply
	key     []byte
	bound   int
	longest int
	peak    uint64
}

func checkSetting(ctx context.Context, s Setting, opts CheckOptions) (CheckResult, map[fsm.Row]bool, []fsm.Row, error) {
	start := time.Now()
	limits := opts.Limits
	if limits == (enrollfsm.Limits{}) {
		limits = enrollfsm.DefaultLimits()
	}
	x := &explorer{
		ctx: ctx, setting: s, limits: limits, max: opts.MaxStates,
		clock: NewClock(Epoch), index: map[string]int32{}, taken: map[fsm.Row]bool{}, replies: map[string][]reply{},
		moveIDs: map[move]moveID{},
	}
	if x.max <= 0 {
		x.max = 200_000
	}
	x.setup = newMonitorSetup(enrollfsm.Settings{Flow: s.Flow, Platform: s.platform(), SDKVersion: s.sdk(), AutoRemove: s.AutoRemove, VIN: x.vin()}, limits)
	res := CheckResult{Setting: s, Flow: x.setup.flow}
	if x.setup.err != nil {
		return res, nil, nil, x.setup.err
	}
	x.alive = newLiveness(x.setup.table, s.platform())
	observer := enrollfsm.Observer{
		Transition: func(t enrollfsm.Transition) {
			x.taken[fsm.Row{Event: t.Event, Src: t.From, Dst: t.To}] = true
			x.live.transition(t)
		},
		Call:   func(r enrollfsm.CallRecord) { x.live.call(r) },
		Answer: func(a enrollfsm.Answer, err error) { x.live.answer(a, err) },
	}
	x.opts = append(s.options(), enrollfsm.WithLimits(limits), enrollfsm.WithClock(x.clock), enrollfsm.WithObserver(observer))
	mon := newMonitor(x.setup)
	x.live = &mon
	e, err := enrollfsm.New(s.Flow, x.opts...)
	if err != nil {
		return res, nil, nil, fmt.Errorf("enrolltest: %s: %w", s, err)
	}
	if e.Flow() != x.setup.flow {
		return res, nil, nil, fmt.Errorf("enrolltest: %s: the engine runs %s, the contract says %s", s, e.Flow(), x.setup.flow)
	}
	rs, _ := hooks.State(e)
	mon.settle(e, rs)
	x.add(-1, move{}, e, mon, rs, x.keyOf(rs, &mon))
	all := x.rows()
	if mon.err != nil {
		res.Violation = x.counterexample(0, nil, mon.err)
	}
	for i := 0; i < len(x.nodes) && res.Violation == nil; i++ {
		if len(x.nodes) >= x.max {
			break
		}
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return res, nil, nil, err
			}
			x.sample()
		}
		res.Violation = x.expand(int32(i))
	}
	res.States, res.Edges, res.Bound = len(x.nodes), x.tried, x.bound
	res.Closed = res.Violation == nil && len(x.nodes) < x.max
	if res.Closed {
		res.Violation = x.whole()
		res.Closed = res.Violation == nil
		res.Longest = x.longest
	}
	res.Rows = len(all)
	for _, row := range all {
		if x.taken[row] {
			res.Taken++
		} else {
			res.Untaken = append(res.Untaken, row)
		}
	}
	x.sample()
	res.PeakHeap = x.peak
	res.Elapsed = time.Since(start)
	return res, x.taken, all, nil
}

func (x *explorer) vin() string {
	if x.setting.Flow == enrollfsm.FlowRemoveVehicle {
		return checkVIN
	}
	return ""
}

// rows returns the edges to take: the table's and the contract's.
func (x *explorer) rows() []fsm.Row {
	seen := map[fsm.Row]bool{}
	var out []fsm.Row
	for _, r := range x.setup.table.Def.Rows() {
		if !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	for e, dst := range x.setup.model.next {
		r := fsm.Row{Event: e.ev, Src: e.src, Dst: dst}
		if !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	sort.Slice(out[len(x.setup.table.Def.Rows()):], func(i, j int) bool {
		a, b := out[len(x.setup.table.Def.Rows())+i], out[len(x.setup.table.Def.Rows())+j]
		return a.Src+enrollment.State(a.Event) < b.Src+enrollment.State(b.Event)
	})
	return out
}

func (x *explorer) sample() {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	x.peak = max(x.peak, ms.HeapAlloc)
}

// add stores a new state, of key k.
func (x *explorer) add(parent int32, via move, e *enrollfsm.Engine, mon monitor, rs hooks.RunState, k []byte) int32 {
	st, _ := x.setup.table.State(enrollment.State(rs.State))
	x.nodes = append(x.nodes, node{parent: parent, via: x.id(via), eng: e, mon: mon, now: x.clock.Now(),
		end: rs.Outcome != "", prompt: st != nil && st.Kind == flows.Waiting, valid: x.codeValid(rs)})
	id := int32(len(x.nodes) - 1)
	x.index[string(k)] = id
	if onNewState != nil {
		onNewState(x, id)
	}
	return id
}

// onNewState, set by a test, is told of each new state.
var onNewState func(x *explorer, i int32)

func (x *explorer) keyOf(rs hooks.RunState, mon *monitor) []byte {
	at := x.alive.at(rs)
	x.key = stateKey(x.key[:0], rs, x.limits.CodeTTL, &at)
	if rs.Outcome == "" {
		x.key = mon.key(x.key, &at)
	}
	return x.key
}

// moves lists every input the world can give at node i.
func (x *explorer) moves(n *node) []move {
	p := n.eng.Next()
	var out []move
	switch p.Kind {
	case enrollfsm.PendingCall:
		rs, ok := x.replies[p.Call.Step]
		if !ok {
			rs = repliesFor(p.Call.Step)
			x.replies[p.Call.Step] = rs
		}
		for i := range rs {
			out = append(out, move{kind: moveReply, reply: int16(i), step: p.Call.Step})
		}
	case enrollfsm.PendingPrompt:
		if _, ok := p.Prompt.ValueEvent(); ok {
			out = append(out, move{kind: moveValue, prompt: p.Prompt}, move{kind: moveMalformed, prompt: p.Prompt})
		}
		for _, a := range p.Actions {
			out = append(out, move{kind: moveAction, prompt: p.Prompt, action: a})
		}
		if n.valid {
			out = append(out, move{kind: moveWait})
		}
		// a restore of a restored engine is that engine again
		if x.mv(n.via).kind != moveRestore {
			out = append(out, move{kind: moveRestore})
		}
	}
	return out
}

func (x *explorer) codeValid(rs hooks.RunState) bool {
	for i := range rs.CodeSent {
		if ageClass(rs.CodeSent[i], rs.CodeAge[i], x.limits.CodeTTL) == 'v' {
			return true
		}
	}
	return false
}

// wait is how far a wait input moves the clock: past the code lifetime.
func (x *explorer) wait() time.Duration { return x.limits.CodeTTL + time.Minute }

// expand tries every input at node i.
func (x *explorer) expand(i int32) *Counterexample {
	n := &x.nodes[i]
	if n.eng == nil || n.end {
		return nil
	}
	for _, mv := range x.moves(n) {
		if ce := x.try(i, mv); ce != nil {
			return ce
		}
	}
	x.nodes[i].eng = nil
	return nil
}

// apply gives e one input; it returns the engine that goes on (a restore
// makes a new one).
func (x *explorer) apply(e *enrollfsm.Engine, mv move, mon *monitor) *enrollfsm.Engine {
	switch mv.kind {
	case moveReply:
		p := e.Next()
		r := x.replies[mv.step][mv.reply]
		x.clock.Advance(p.Call.Delay)
		if err := e.Deliver(p.Call.ID, r.msg, r.err); err != nil {
			mon.violate(PropertyTable, "the reply to the pending call %d is refused: %s", p.Call.ID, mon.safe(err))
		}
	case moveValue:
		_ = e.Answer(enrollfsm.Value(mv.prompt, validValues[mv.prompt]))
	case moveMalformed:
		_ = e.Answer(enrollfsm.Value(mv.prompt, malformedValues[mv.prompt]))
	case moveAction:
		_ = e.Answer(enrollfsm.Act(mv.prompt, mv.action))
	case moveWait:
		x.clock.Advance(x.wait())
	case moveRestore:
		data, err := e.Snapshot()
		if err != nil {
			mon.violate(PropertySnapshot, "no snapshot at a waiting state: %s", mon.safe(err))
			return e
		}
		r, err := enrollfsm.Restore(data, x.opts...)
		if err != nil {
			mon.violate(PropertySnapshot, "its own snapshot is refused: %s", mon.safe(err))
			return e
		}
		mon.restored(e, r, data)
		return r
	}
	return e
}

// try gives node i's engine, copied, one input.
func (x *explorer) try(i int32, mv move) *Counterexample {
	parent := &x.nodes[i]
	x.tried++
	x.clock.set(parent.now)
	mon := parent.mon
	x.live = &mon
	e, _ := hooks.Clone(parent.eng).(*enrollfsm.Engine)
	if e == nil {
		return &Counterexample{Err: &PropertyError{Property: PropertyTable, Flow: x.setup.flow, State: parent.mon.cur, Detail: "the engine cannot be copied"}}
	}
	e = x.apply(e, mv, &mon)
	rs, _ := hooks.State(e)
	mon.settle(e, rs)
	if mon.err != nil {
		return x.counterexample(i, []move{mv}, mon.err)
	}
	x.bound = max(x.bound, mon.peak)
	k := x.keyOf(rs, &mon)
	if j, ok := x.index[string(k)]; ok {
		x.edges = append(x.edges, graphEdge{from: i, to: j, via: x.id(mv)})
		return nil
	}
	j := x.add(i, mv, e, mon, rs, k)
	x.edges = append(x.edges, graphEdge{from: i, to: j, via: x.nodes[j].via})
	return nil
}

// id returns mv's number, numbering it if it is new.
func (x *explorer) id(mv move) moveID {
	if id, ok := x.moveIDs[mv]; ok {
		return id
	}
	id := moveID(len(x.moveTab))
	x.moveTab = append(x.moveTab, mv)
	x.moveIDs[mv] = id
	return id
}

// mv returns the move numbered id.
func (x *explorer) mv(id moveID) move { return x.moveTab[id] }

// path returns the inputs from start to node i.
func (x *explorer) path(i int32) []move {
	var out []move
	for ; i > 0; i = x.nodes[i].parent {
		out = append(out, x.mv(x.nodes[i].via))
	}
	for l, r := 0, len(out)-1; l < r; l, r = l+1, r-1 {
		out[l], out[r] = out[r], out[l]
	}
	return out
}

// whole checks the closed graph: a terminal state can be reached from
// every state, and no loop that does not go through the user's retry (nor a
// save and restore) gets the backend to act (a call other than a read
// succeeds) without spending a bounded counter. Loops of refused answers and
// rejected calls wait for the user at each turn, which property 3 allows.
// It measures the longest run, each such loop counted once.
func (x *explorer) whole() *Counterexample {
	n := len(x.nodes)
	back := make([][]int32, n)
	for _, e := range x.edges {
		back[e.to] = append(back[e.to], e.from)
	}
	ends := make([]bool, n)
	var queue []int32
	for i := range x.nodes {
		if x.nodes[i].end {
			ends[i] = true
			queue = append(queue, int32(i))
		}
	}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		for _, u := range back[v] {
			if !ends[u] {
				ends[u] = true
				queue = append(queue, u)
			}
		}
	}
	for i := range x.nodes {
		if !ends[i] {
			return x.counterexample(int32(i), nil, &PropertyError{Property: PropertyEnd, Flow: x.setup.flow, State: x.nodes[i].mon.cur,
				Detail: "no terminal state can be reached from here"})
		}
	}
	g := x.runGraph()
	comp, order := g.components()
	for k, e := range g.edges {
		if comp[e.from] == comp[e.to] && x.acts(x.mv(e.via)) {
			return x.cycle(g, comp, k)
		}
	}
	// longest path over the components, in topological order (Tarjan gives
	// them in reverse)
	dist := make([]int, len(order))
	for i := range dist {
		dist[i] = -1
	}
	dist[comp[0]] = 0
	best := 0
	for c := len(order) - 1; c >= 0; c-- {
		if dist[c] < 0 {
			continue
		}
		best = max(best, dist[c])
		for _, v := range order[c] {
			for _, k := range g.out[v] {
				e := g.edges[k]
				if d := comp[e.to]; d != c {
					dist[d] = max(dist[d], dist[c]+1)
				}
			}
		}
	}
	x.longest = best
	return nil
}

// acts reports whether an input gets the backend to act: a call other than
// a read that succeeds (2316 included), such as an SMS sent.
func (x *explorer) acts(mv move) bool {
	if mv.kind != moveReply || calls[mv.step].read {
		return false
	}
	r := x.replies[mv.step][mv.reply]
	return r.err == nil && (r.msg.Status == pims.Succeeded || (r.msg.Error != nil && r.msg.Error.Code == int(pimserr.CodePostSyncFailed)))
}

// runGraph is the explored graph without the user's retry, saves and
// restores, and inputs that change nothing.
type runGraph struct {
	edges []graphEdge
	out   [][]int
}

func (x *explorer) runGraph() *runGraph {
	g := &runGraph{out: make([][]int, len(x.nodes))}
	for _, e := range x.edges {
		if mv := x.mv(e.via); e.from != e.to && mv.kind != moveRestore && mv.action != enrollfsm.ActionRetry {
			g.out[e.from] = append(g.out[e.from], len(g.edges))
			g.edges = append(g.edges, e)
		}
	}
	return g
}

// components returns each state's strongly connected component (Tarjan),
// and the components' states, in reverse topological order.
func (g *runGraph) components() ([]int, [][]int32) {
	n := len(g.out)
	index, low, comp := make([]int, n), make([]int, n), make([]int, n)
	for i := range index {
		index[i], comp[i] = -1, -1
	}
	var stack []int32
	onStack := make([]bool, n)
	var order [][]int32
	next := 0
	var visit func(v int32)
	visit = func(v int32) {
		index[v], low[v] = next, next
		next++
		stack = append(stack, v)
		onStack[v] = true
		for _, k := range g.out[v] {
			w := g.edges[k].to
			if index[w] < 0 {
				visit(w)
				low[v] = min(low[v], low[w])
			} else if onStack[w] {
				low[v] = min(low[v], index[w])
			}
		}
		if low[v] == index[v] {
			var members []int32
			for {
				w := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				onStack[w] = false
				comp[w] = len(order)
				members = append(members, w)
				if w == v {
					break
				}
			}
			order = append(order, members)
		}
	}
	for v := range g.out {
		if index[v] < 0 {
			visit(int32(v))
		}
	}
	return comp, order
}
