package enrolltest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/enrollment"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/fsm"
	"github.com/enrollfsm/enrollfsm/internal/core"
	"github.com/enrollfsm/enrollfsm/pims"
)

// Check explores every state a flow can reach, breadth first from start,
// over the engine's real core, and judges every move with the Oracle: at
// each call every reply a host can meet (each result variant, every
// documented code and an unknown one, a bridge error, a malformed reply,
// a call its context ended before it was made, the host's Cancel), at each
// prompt a valid value, a malformed one, an answer to another prompt and
// every action whether offered or not, the clock moved to just before, at
// and just after each live code's lifetime, and a save and restore at every
// waiting state — sealed in sealed settings, with an older snapshot of the
// run and an edited one refused. States are told apart by the engine's
// state and the Oracle's (secrets' values, the call count and the clock
// within a code's lifetime aside), so the exploration closes when every loop
// spends a bounded counter. The first property broken stops the setting
// with the shortest input path to it, written as the scenario the contract
// expects.

// OldSDK is an SDK version from before the shortcut: auto runs the full flow
// with it.
const OldSDK = "2.0.9"

// checkVIN is the vehicle remove_vehicle is checked with.
const checkVIN = "1HGCM82633A004352"

// Settings returns the settings Check explores by default, under limits
// (zero: the engine's defaults, judged against the contract's): each
// enrollment flow on the first platform (Android) with automatic removal
// off and on, and with prefetch and sealed snapshots, and on the others
// (iOS, whose calls 7 and 8 send the code) plain; each account operation on both platforms, plain and
// sealed. auto is not explored again: it runs full or shortcut, which
// CheckSDKs proves it picks. flowList narrows the flows (auto is taken as
// both), platforms the platforms.
func Settings(flowList []enrollfsm.Flow, platforms []enrollfsm.Platform, limits enrollfsm.Limits) []Setting {
	if len(flowList) == 0 {
		for _, f := range enrollfsm.Flows() {
			if f != enrollfsm.FlowAuto {
				flowList = append(flowList, f)
			}
		}
	}
	if len(platforms) == 0 {
		platforms = []enrollfsm.Platform{enrollfsm.Android, enrollfsm.IOS}
	}
	var out []Setting
	seen := map[enrollfsm.Flow]bool{}
	for _, f := range flowList {
		picks := []enrollfsm.Flow{f}
		if info, _ := enrollfsm.Describe(f); len(info.Picks) > 0 {
			picks = info.Picks
		}
		for _, p := range picks {
			if !seen[p] {
				seen[p] = true
				out = append(out, flowSettings(p, platforms, limits)...)
			}
		}
	}
	return out
}

func flowSettings(f enrollfsm.Flow, platforms []enrollfsm.Platform, limits enrollfsm.Limits) []Setting {
	info, _ := enrollfsm.Describe(f)
	var out []Setting
	for i, p := range platforms {
		base := Setting{Settings: enrollfsm.Settings{Flow: f, Platform: p}, Limits: limits}
		if info.NeedsVIN {
			base.VIN = checkVIN
		}
		sealed := base
		sealed.Sealed = true
		switch {
		case !info.Enrollment:
			out = append(out, base, sealed)
		case i == 0:
			auto := base
			auto.AutoRemove = true
			sealed.Prefetch = true
			out = append(out, base, auto, sealed)
		default:
			out = append(out, base)
		}
	}
	return out
}

// CheckOptions tune Check.
type CheckOptions struct {
	// MaxStates stops a setting that has not closed (zero: 400,000): a loop
	// that spends no bounded counter makes the states grow without end.
	MaxStates int
	// Workers are the settings checked at once (zero: one per CPU).
	Workers int
	// Progress, if set, is told of each setting as soon as it is checked,
	// from one goroutine at a time.
	Progress func(CheckResult)
	// keep keeps each state's Oracle once expanded, for a test to look at.
	keep bool
	// plant changes the engine's configuration, not the Oracle's: a test
	// plants a bug and watches the check catch it.
	plant func(*core.Config)
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
	// Bound is the most calls made between two waits in any run;
	// ContractBound is the contract's.
	Bound, ContractBound int
	// Longest is the longest run, in calls and answers, that does not use
	// the user's retry after an interruption (nor a save and restore).
	Longest int
	// Rows is the table's edges and the contract's, Taken those some
	// reachable state takes.
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
		fmt.Fprintf(&b, ", at most %d %s between waits (the contract allows %d), longest run without retry %d",
			r.Bound, plural(r.Bound, "call"), r.ContractBound, r.Longest)
		if len(r.Untaken) == 0 {
			b.WriteString(", every edge taken")
		} else {
			fmt.Fprintf(&b, ", %d of %d edges taken here", r.Taken, r.Rows)
		}
	}
	if r.Violation != nil {
		fmt.Fprintf(&b, ", 1 violation: %v", r.Violation.Err)
	} else {
		b.WriteString(", 0 violations")
	}
	return b.String()
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// Report is Check over several settings.
type Report struct {
	Results []CheckResult
	// SDKs are the properties broken where a flow meets the SDK version
	// (CheckSDKs).
	SDKs []*PropertyError
	// Untaken lists, by table, the edges that no setting of the check took
	// (only tables whose settings all closed): each is a violation of
	// PropertyTable.
	Untaken map[enrollfsm.Flow][]fsm.Row
	Elapsed time.Duration
	// CPU is the processor time the check took, user and system.
	CPU      time.Duration
	States   int
	PeakHeap uint64
}

// OK reports whether every setting closed without a violation, every edge
// was taken and every SDK boundary holds.
func (r Report) OK() bool {
	for _, x := range r.Results {
		if !x.Closed || x.Violation != nil {
			return false
		}
	}
	return len(r.Untaken) == 0 && len(r.SDKs) == 0
}

// StatesPerCPUSecond is the check's throughput.
func (r Report) StatesPerCPUSecond() float64 {
	if r.CPU <= 0 {
		return 0
	}
	return float64(r.States) / r.CPU.Seconds()
}

// Check explores every setting, Workers at a time, and checks the SDK
// boundary of every flow. Edges a setting cannot take (those of
// confirm_removal with automatic removal on, for instance) count as taken
// when another setting of the same table takes them. It returns an error
// only for a setting the engine refuses, or when ctx ends.
func Check(ctx context.Context, settings []Setting, opts CheckOptions) (Report, error) {
	start, cpu0 := time.Now(), cpuTime()
	// The exploration keeps many small copies of the engine alive: a larger
	// heap between collections halves the time spent collecting.
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(400))
	}
	rep := Report{Untaken: map[enrollfsm.Flow][]fsm.Row{}, SDKs: CheckSDKs()}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	type done struct {
		i     int
		r     CheckResult
		taken map[fsm.Row]bool
		rows  []fsm.Row
		err   error
	}
	jobs := make(chan int)
	results := make(chan done)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				r, taken, rows, err := checkSetting(ctx, settings[i], opts)
				results <- done{i, r, taken, rows, err}
			}
		}()
	}
	go func() {
		defer close(jobs)
		for i := range settings {
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()
	all := make([]done, len(settings))
	var firstErr error
	for d := range results {
		all[d.i] = d
		if d.err != nil && firstErr == nil {
			firstErr = d.err
		}
		if d.err == nil && opts.Progress != nil {
			opts.Progress(d.r)
		}
	}
	if firstErr != nil {
		return rep, firstErr
	}
	if err := ctx.Err(); err != nil {
		return rep, err
	}
	taken := map[enrollfsm.Flow]map[fsm.Row]bool{}
	complete := map[enrollfsm.Flow]bool{}
	rows := map[enrollfsm.Flow][]fsm.Row{}
	for _, d := range all {
		r := d.r
		rep.Results = append(rep.Results, r)
		rep.States += r.States
		rep.PeakHeap = max(rep.PeakHeap, r.PeakHeap)
		if _, seen := complete[r.Flow]; !seen {
			complete[r.Flow] = true
			taken[r.Flow] = map[fsm.Row]bool{}
			rows[r.Flow] = d.rows
		}
		complete[r.Flow] = complete[r.Flow] && r.Closed && r.Violation == nil
		for row := range d.taken {
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
	rep.Elapsed, rep.CPU = time.Since(start), cpuTime()-cpu0
	return rep, nil
}

// cpuTime is the process's user and system time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// SDKs are the versions CheckSDKs tries: before the shortcut, its first, a
// patch of the one before, and a far later one.
var SDKs = []string{"2.0.0", OldSDK, "2.1.0", "2.1.1", "10.0.0"}

// CheckSDKs checks where each flow meets the SDK version (docs/contract.md
// §3): auto runs the shortcut from 2.1.0 on and full before; the shortcut is
// refused before 2.1.0 (ErrSDKTooOld); every other flow runs on every
// version.
func CheckSDKs() []*PropertyError {
	var out []*PropertyError
	for _, f := range enrollfsm.Flows() {
		for _, sdk := range SDKs {
			set := Setting{Settings: enrollfsm.Settings{Flow: f, SDKVersion: sdk}}
			if info, _ := enrollfsm.Describe(f); info.NeedsVIN {
				set.VIN = checkVIN
			}
			want := resolveFlow(f, sdk)
			e, err := enrollfsm.New(f, set.Options()...)
			bad := func(format string, args ...any) {
				out = append(out, &PropertyError{Property: PropertyOracle, Flow: f, State: "start", Detail: "SDK " + sdk + ": " + fmt.Sprintf(format, args...)})
			}
			refused := f == "shortcut" && !versionAtLeast(sdk, ShortcutSDK)
			switch {
			case refused && !errors.Is(err, pimserr.ErrSDKTooOld):
				bad("the shortcut needs SDK 2.1.0; New gives %v", err)
			case refused:
			case err != nil:
				bad("New refuses the flow: %v", err)
			case e.Flow() != want:
				bad("the engine runs %s, the contract %s", e.Flow(), want)
			}
		}
	}
	return out
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
	// representative: the reply is tried at every expansion, not only at
	// the first ones of its state (everyCodeAt)
	representative bool
}

// everyCodeAt is how many expansions of each calling state try every
// documented code; the later ones try one code per way the contract
// handles codes: each is handled by its class alone, and the first
// expansions prove each code's class at every call.
const everyCodeAt = 4

// representatives are the codes tried at every expansion: one of each
// class, and 2201 and 2317, which the contract names on their own. 2316 is
// tried at the first expansions only: a warning changes nothing of how the
// run goes on but the warnings it ends with, and the warnings of every
// subset of steps would multiply the states.
var representatives = map[pimserr.Code]bool{2001: true, 2102: true, 2201: true, 2202: true, 2308: true, 2310: true, 2317: true, 2999: true}

const txID = "t1"

// code is the reply's error code, 0 for a success or no message.
func (r reply) code() pimserr.Code {
	if r.err != nil || r.msg.Error == nil {
		return 0
	}
	return pimserr.Code(r.msg.Error.Code)
}

func succeeded(name string, result string) reply {
	return decoded(reply{name: name, raw: []byte(`{"transactionId":"` + txID + `","status":"SUCCEEDED","result":` + result + `}`)})
}

func failedWith(code pimserr.Code, label string) reply {
	return decoded(reply{name: "FAILED " + code.String(),
		raw: []byte(`{"transactionId":"` + txID + `","status":"FAILED","result":null,"error":{"code":` + code.String() + `,"label":"` + label + `"}}`)})
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

// echoed is every secret Check types, as a backend that quotes them would.
var echoed = "415263 736251 1357 2468"

// repliesFor returns every reply Check gives to a call of step id: every
// documented code and an unknown one, each result variant, a result or a
// label that echoes the secrets, a bridge error that quotes them, and a
// malformed reply.
func repliesFor(id string) []reply {
	var out []reply
	if variants, ok := resultVariants[id]; ok {
		for _, v := range variants {
			out = append(out, succeeded("SUCCEEDED "+v[0], v[1]))
		}
		out = append(out, succeeded("SUCCEEDED without a result", "null"))
	} else {
		out = append(out, succeeded("SUCCEEDED", "null"),
			succeeded("SUCCEEDED with a result that echoes the secrets", `{"smsCode":"415263","pinCode":"1357","note":"`+echoed+`"}`))
	}
	for i := range out {
		out[i].representative = true
	}
	for _, c := range append(append([]pimserr.Code(nil), DocumentedCodes...), 2999) {
		r := failedWith(c, c.Label())
		r.representative = representatives[c]
		out = append(out, r)
	}
	echo := failedWith(pimserr.CodeAccessRefused, "refused "+echoed)
	echo.name += ", its label quoting the secrets"
	echo.representative = true
	bridge := reply{name: "a bridge error", bridge: "bridge down after " + echoed, err: errors.New("bridge down after " + echoed), representative: true}
	malformed := decoded(reply{name: "a malformed reply", raw: []byte(`{"transactionId":"` + txID + `","status":"MAYBE"}`)})
	malformed.representative = true
	return append(out, echo, bridge, malformed)
}

// The values Check answers with. The secrets differ from each other and
// from every digit run of the phone numbers, so a leak is told apart.
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
	moveReply      moveKind = iota
	moveAhead               // a reply to a call made ahead (WithPrefetch), before its turn
	moveNotMade             // the call's context ended before it was made
	moveAbort               // the host's Cancel during the call
	moveValue               // a valid value
	moveMalformed           // a malformed value
	moveSamePIN             // a new PIN equal to the old one
	moveOther               // an answer to another prompt
	moveAction              // an action, offered or not
	moveHostCancel          // the host's Cancel at the prompt
	moveWait                // the clock moves to a code's lifetime, ± a second
	moveRestore             // a save and restore
)

// move is one input.
type move struct {
	kind   moveKind
	reply  int16 // index in repliesFor(step)
	step   string
	prompt enrollfsm.Prompt
	action enrollfsm.Action
	code   int8  // with moveWait: the code
	offset int16 // with moveWait: milliseconds from the lifetime
}

// moveID numbers the moves of one exploration, so that an edge names its
// input in two bytes.
type moveID uint16

type node struct {
	parent int32
	via    moveID
	core   *core.Core // nil once expanded
	orc    *Oracle
	now    time.Time
	snap   []byte // the last snapshot on the path here, for the rollback check
	end    bool
	prompt bool
	// plain: a scenario file can state the path here (no move of a host
	// that a scenario cannot express)
	plain bool
}

type graphEdge struct {
	from, to int32
	via      moveID
}

type explorer struct {
	ctx     context.Context
	setting Setting
	judge   *judge
	max     int
	cfg     core.Config
	clock   *Clock
	orc     *Oracle // the Oracle of the branch being tried
	// A branch that ends in a state already explored is dropped: its core
	// and Oracle are the next branch's.
	spareCore *core.Core
	spareOrc  *Oracle
	nodes     []node
	moveTab   []move
	moveIDs   map[move]moveID
	index     map[string]int32
	edges     []graphEdge
	tried     int
	taken     map[fsm.Row]bool
	replies   map[string][]reply
	rows      []fsm.Row
	key       []byte
	bound     int
	longest   int
	peak      uint64
	// foreign is a snapshot of another run, which a restore with this run's
	// place must refuse.
	foreign []byte
	keep    bool
	// seen counts the expansions of each calling state.
	seen map[enrollfsm.State]int
	// moveBuf holds the moves of the node being expanded.
	moveBuf []move
	// from and via are the state and the move being tried; want, if set, is
	// an edge to find (ScenarioTaking), found where a plain path takes it.
	from  int32
	via   move
	want  *fsm.Row
	found *Counterexample
	// unstatable says why the violation being written is out of a
	// scenario file's reach (a snapshot edited or older than the latest).
	unstatable string
}

func checkSetting(ctx context.Context, s Setting, opts CheckOptions) (CheckResult, map[fsm.Row]bool, []fsm.Row, error) {
	return (&explorer{}).check(ctx, s, opts)
}

func (x *explorer) scenarioTaking(ctx context.Context, s Setting) ([]byte, error) {
	res, _, _, err := x.check(ctx, s, CheckOptions{})
	switch {
	case err != nil:
		return nil, err
	case x.found != nil && x.found.Scenario != nil:
		return x.found.Scenario, nil
	case x.found != nil:
		return nil, errors.New("enrolltest: " + x.found.Why)
	case res.Violation != nil:
		return nil, res.Violation.Err
	}
	return nil, fmt.Errorf("enrolltest: %s: no path a scenario can state takes %s --%s--> %s", s, x.want.Src, x.want.Event, x.want.Dst)
}

func (x *explorer) check(ctx context.Context, s Setting, opts CheckOptions) (CheckResult, map[fsm.Row]bool, []fsm.Row, error) {
	start := time.Now()
	x.ctx, x.setting, x.max, x.judge, x.keep = ctx, s, opts.MaxStates, newJudge(s), opts.keep
	x.clock, x.index, x.taken, x.replies, x.moveIDs = NewClock(Epoch), map[string]int32{}, map[fsm.Row]bool{}, map[string][]reply{}, map[move]moveID{}
	x.seen = map[enrollfsm.State]int{}
	if x.max <= 0 {
		x.max = 400_000
	}
	res := CheckResult{Setting: s, Flow: x.judge.flow, ContractBound: x.judge.bound}
	if x.judge.err != nil {
		return res, nil, nil, x.judge.err
	}
	x.cfg = core.Defaults()
	for _, o := range s.Options() {
		if err := o(&x.cfg); err != nil {
			return res, nil, nil, fmt.Errorf("enrolltest: %s: %w", s, err)
		}
	}
	if opts.plant != nil {
		opts.plant(&x.cfg)
	}
	x.cfg.Clock = x.clock
	x.cfg.Observers = []enrollfsm.Observer{{
		Transition: func(t enrollfsm.Transition) {
			row := fsm.Row{Event: t.Event, Src: t.From, Dst: t.To}
			x.taken[row] = true
			if x.want != nil && *x.want == row && x.found == nil && x.from >= 0 && x.nodes[x.from].plain && x.via.plain() {
				x.found = x.counterexample(x.from, []move{x.via}, &PropertyError{Property: PropertyTable, Flow: x.judge.flow, Detail: fmt.Sprintf("none: a path that takes %s --%s--> %s", row.Src, row.Event, row.Dst)})
			}
			x.orc.transition(t)
		},
		Call:   func(r enrollfsm.CallRecord) { x.orc.call(r) },
		Answer: func(a enrollfsm.Answer, err error) { x.orc.answer(a, err) },
	}}
	o := NewOracle(s, WithNow(x.clock.Now), quiet())
	x.orc = o
	c, err := core.New(s.Flow, x.cfg)
	if err != nil {
		return res, nil, nil, fmt.Errorf("enrolltest: %s: %w", s, err)
	}
	if c.Flow() != x.judge.flow {
		return res, nil, nil, fmt.Errorf("enrolltest: %s: the engine runs %s, the contract says %s", s, c.Flow(), x.judge.flow)
	}
	x.foreign = x.foreignSnapshot()
	x.rows = x.tableRows(c)
	x.settle(c, o)
	x.from = -1
	x.add(-1, move{}, c, o, nil, x.keyOf(c, o))
	if err := o.firstErr(); err != nil {
		res.Violation = x.counterexample(0, nil, err)
	}
	for i := 0; i < len(x.nodes) && res.Violation == nil && x.found == nil; i++ {
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
	res.States, res.Edges = len(x.nodes), x.tried
	res.Closed = res.Violation == nil && len(x.nodes) < x.max
	if res.Closed {
		res.Violation = x.whole()
		res.Closed = res.Violation == nil
		res.Longest = x.longest
	}
	res.Bound = x.bound
	res.Rows = len(x.rows)
	for _, row := range x.rows {
		if x.taken[row] {
			res.Taken++
		} else {
			res.Untaken = append(res.Untaken, row)
		}
	}
	x.sample()
	res.PeakHeap = x.peak
	res.Elapsed = time.Since(start)
	return res, x.taken, x.rows, nil
}

// firstErr is the first property broken, or nil.
func (o *Oracle) firstErr() *PropertyError {
	if len(o.errs) == 0 {
		return nil
	}
	return o.errs[0]
}

// foreignSnapshot is a snapshot of another run of the same setting, at its
// first prompt, if it has one.
func (x *explorer) foreignSnapshot() []byte {
	cfg := x.cfg
	cfg.Observers = nil
	c, err := core.New(x.setting.Flow, cfg)
	if err != nil {
		return nil
	}
	for range 8 {
		var p enrollfsm.Pending
		c.Next(&p)
		if p.Kind != enrollfsm.PendingCall {
			break
		}
		r := repliesFor(p.Call.Step)[0]
		_ = c.Deliver(p.Call.ID, &r.msg, r.err, 0)
	}
	data, _ := c.Snapshot()
	return data
}

// tableRows returns the edges to take: the engine table's and the
// contract's.
func (x *explorer) tableRows(c *core.Core) []fsm.Row {
	seen := map[fsm.Row]bool{}
	var out []fsm.Row
	for _, r := range c.Table().Def.Rows() {
		if !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	n := len(out)
	for e, dst := range x.judge.m.next {
		r := fsm.Row{Event: e.ev, Src: e.src, Dst: dst}
		if !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	sort.Slice(out[n:], func(i, j int) bool {
		a, b := out[n+i], out[n+j]
		return a.Src+enrollment.State(a.Event) < b.Src+enrollment.State(b.Event)
	})
	return out
}

func (x *explorer) sample() {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	x.peak = max(x.peak, ms.HeapAlloc)
}

// settle lets the Oracle judge the core as a host sees it, and the
// warnings it holds, which a host sees only at the end.
func (x *explorer) settle(c *core.Core, o *Oracle) {
	var p enrollfsm.Pending
	c.Next(&p)
	o.Settle(p, c.Counters())
	if got, want := c.Warned(), popcount(o.st.warned); got != want {
		o.violate(PropertyOracle, "%d warnings held, the contract counts %d steps done with 2316", got, want)
	}
	if out, over := c.Outcome(); over {
		o.Finish(out, over)
	}
}

// add stores a new state, of key k.
func (x *explorer) add(parent int32, via move, c *core.Core, o *Oracle, snap []byte, k []byte) int32 {
	_, waiting := promptOf[o.st.cur]
	plain := parent < 0 || x.nodes[parent].plain && via.plain()
	x.nodes = append(x.nodes, node{parent: parent, via: x.id(via), core: c, orc: o, now: x.clock.Now(), snap: snap,
		end: c.Ended(), prompt: waiting, plain: plain})
	id := int32(len(x.nodes) - 1)
	x.index[string(k)] = id
	return id
}

func (x *explorer) keyOf(c *core.Core, o *Oracle) []byte {
	if c.Ended() {
		// an end has no future: it is its state, failure and warnings,
		// which Finish has checked
		x.key = append(x.key[:0], "end "...)
		x.key = append(x.key, c.State()...)
		x.key = append(x.key, c.Failure()...)
		return append(x.key, byte(c.Warned()))
	}
	live := x.judge.liveAt(&o.st)
	x.key = c.AppendKey(x.key[:0], x.judge.lim.CodeTTL, live)
	x.key = append(x.key, 0xff)
	x.key = o.key(x.key, live)
	return x.key
}

// moves lists every input the world can give at node n.
func (x *explorer) moves(n *node) []move {
	var p enrollfsm.Pending
	n.core.Next(&p)
	// One buffer for every node: expand is done with a node's moves
	// before it asks the next node's.
	out := x.moveBuf[:0]
	defer func() { x.moveBuf = out[:0] }()
	switch p.Kind {
	case enrollfsm.PendingCall:
		// A path warns (2316) at one step at most, as often as that step
		// runs: the warnings of several steps are independent, and their
		// every subset would multiply the states.
		warned := n.orc.st.warned
		// Every documented code at the first expansions of each calling
		// state; after that, one code of each way a code is handled.
		every := x.seen[p.State] < everyCodeAt
		x.seen[p.State]++
		for i, r := range x.repliesOf(p.Call.Step) {
			if r.code() == pimserr.CodePostSyncFailed && warned != 0 && warned != stepBit(p.Call.Step) {
				continue
			}
			// a step's second 2316 is tried wherever its first left a warning
			again := r.code() == pimserr.CodePostSyncFailed && warned == stepBit(p.Call.Step)
			if !every && !r.representative && !again {
				continue
			}
			out = append(out, move{kind: moveReply, reply: int16(i), step: p.Call.Step})
		}
		for _, a := range p.Also {
			for i := range x.repliesOf(a.Step) {
				out = append(out, move{kind: moveAhead, reply: int16(i), step: a.Step})
			}
		}
		if !p.Call.Ahead {
			out = append(out, move{kind: moveNotMade}, move{kind: moveAbort})
		}
	case enrollfsm.PendingPrompt:
		if _, ok := valueEvent[p.Prompt]; ok {
			out = append(out, move{kind: moveValue, prompt: p.Prompt}, move{kind: moveMalformed, prompt: p.Prompt})
			if p.Prompt == enrollfsm.PromptNewPIN && n.orc.st.values[fromOldPIN] != "" {
				out = append(out, move{kind: moveSamePIN, prompt: p.Prompt})
			}
		}
		out = append(out, move{kind: moveOther, prompt: p.Prompt}, move{kind: moveHostCancel})
		for _, a := range allActions {
			out = append(out, move{kind: moveAction, prompt: p.Prompt, action: a})
		}
		// at a code's prompt: to just before, at and just after its lifetime
		if i := codeIndex(p.Prompt); i >= 0 && n.orc.st.codes[i].sent {
			now := x.clock.Now().UnixMilli()
			at := n.orc.st.codes[i].sentAt + x.judge.lim.CodeTTL.Milliseconds()
			for _, off := range []int16{-1000, 0, 1000} {
				if at+int64(off) > now {
					out = append(out, move{kind: moveWait, code: int8(i), offset: off})
				}
			}
		}
		if x.mv(n.via).kind != moveRestore {
			out = append(out, move{kind: moveRestore})
		}
	}
	return out
}

func (x *explorer) repliesOf(step string) []reply {
	rs, ok := x.replies[step]
	if !ok {
		rs = repliesFor(step)
		x.replies[step] = rs
	}
	return rs
}

// expand tries every input at node i.
func (x *explorer) expand(i int32) *Counterexample {
	n := &x.nodes[i]
	if n.core == nil || n.end {
		return nil
	}
	for _, mv := range x.moves(n) {
		if ce := x.try(i, mv); ce != nil {
			return ce
		}
		if x.found != nil {
			return nil
		}
	}
	x.nodes[i].core = nil
	if !x.keep {
		x.nodes[i].orc = nil
	}
	return nil
}

// apply gives c one input, judged by o; it returns the core that goes on
// (a restore makes a new one) and the last snapshot on the path.
func (x *explorer) apply(c *core.Core, o *Oracle, mv move, snap []byte) (*core.Core, []byte) {
	switch mv.kind {
	case moveReply, moveAhead:
		var p enrollfsm.Pending
		c.Next(&p)
		r := x.replies[mv.step][mv.reply]
		id := p.Call.ID
		if mv.kind == moveAhead {
			for _, a := range p.Also {
				if a.Step == mv.step {
					id = a.ID
				}
			}
		}
		x.clock.Advance(p.Call.Delay)
		if err := c.Deliver(id, &r.msg, r.err, 0); err != nil {
			o.violate(PropertyOracle, "the reply to the pending call %d is refused: %s", id, o.safe(err))
		}
	case moveNotMade:
		var p enrollfsm.Pending
		c.Next(&p)
		o.NotMade()
		_ = c.NotMade(p.Call.ID, context.Canceled)
	case moveAbort, moveHostCancel:
		o.Cancelling()
		c.Cancel()
	case moveValue, moveMalformed, moveSamePIN, moveOther, moveAction:
		a, _ := answerOf(mv)
		_ = c.Answer(a)
	case moveWait:
		code := o.st.codes[mv.code]
		to := code.sentAt + x.judge.lim.CodeTTL.Milliseconds() + int64(mv.offset)
		x.clock.Advance(time.Duration(to-x.clock.Now().UnixMilli()) * time.Millisecond)
	case moveRestore:
		return x.restore(c, o, snap)
	}
	return c, snap
}

// restore saves c and restores a new core from the snapshot, with the
// place the host kept: then an older snapshot of the run, another run's,
// and in a sealed setting an edited one, must be refused.
func (x *explorer) restore(c *core.Core, o *Oracle, older []byte) (*core.Core, []byte) {
	// Saved twice, as a host that saves at every prompt would: the first
	// is then an older snapshot of the run, at every waiting state, not
	// only where a path happens to have restored before.
	earlier, err := c.Snapshot()
	if err != nil {
		o.violate(PropertySnapshot, "no snapshot at a waiting state: %s", o.safe(err))
		return c, older
	}
	data, err := c.Snapshot()
	if err != nil {
		o.violate(PropertySnapshot, "no second snapshot at a waiting state: %s", o.safe(err))
		return c, older
	}
	cfg := x.cfg
	cfg.Latest = c.Place()
	o.Restoring(data)
	r, err := core.Restore(data, cfg)
	if err != nil {
		o.violate(PropertySnapshot, "its own snapshot is refused: %s", o.safe(err))
		return c, older
	}
	check := func(what string, snap []byte, want error) {
		if snap == nil {
			return
		}
		cfg := x.cfg
		cfg.Observers, cfg.Latest = nil, c.Place()
		if _, err := core.Restore(snap, cfg); !errors.Is(err, want) {
			o.violate(PropertySnapshot, "%s restores (%v)", what, err)
			if x.unstatable == "" {
				x.unstatable = what + ", which a scenario file cannot state: a Go test must hold it (TestRestore_* in the enrollfsm package)"
			}
		}
	}
	check("a snapshot saved before the latest one", earlier, pimserr.ErrStaleSnapshot)
	check("an older snapshot of the run", older, pimserr.ErrStaleSnapshot)
	check("a snapshot of another run", x.foreign, pimserr.ErrStaleSnapshot)
	if x.setting.Sealed {
		check("a sealed snapshot without its seal", unsealed(data), pimserr.ErrSnapshot)
		check("a sealed snapshot with a counter changed", edited(data), pimserr.ErrSnapshot)
	}
	x.sameAfterRestore(c, r, o)
	return r, data
}

// sameAfterRestore compares a restored core that did not go back with the
// one saved: it goes on the same way, but for the answers it lost.
func (x *explorer) sameAfterRestore(saved, restored *core.Core, o *Oracle) {
	if restored.State() != saved.State() {
		return
	}
	a := saved.AppendSavedKey(nil, x.judge.lim.CodeTTL, core.LiveAll)
	b := restored.AppendSavedKey(nil, x.judge.lim.CodeTTL, core.LiveAll)
	if string(a) != string(b) {
		o.violate(PropertySnapshot, "the restored engine does not hold what the saved one held (but its secrets)")
	}
}

// unsealed is data without its seal.
func unsealed(data []byte) []byte {
	i := strings.Index(string(data), `,"seal":`)
	if i < 0 {
		return nil
	}
	return append(append([]byte(nil), data[:i]...), '}')
}

// edited is data with the count of calls changed, its seal kept.
func edited(data []byte) []byte {
	s := string(data)
	i := strings.Index(s, `"calls":`)
	if i < 0 {
		return nil
	}
	j := i + len(`"calls":`)
	return []byte(s[:j] + "9" + s[j:])
}

// answerOf is the answer a move gives, if it gives one.
func answerOf(mv move) (enrollfsm.Answer, bool) {
	switch mv.kind {
	case moveValue:
		return enrollfsm.Value(mv.prompt, validValues[mv.prompt]), true
	case moveMalformed:
		return enrollfsm.Value(mv.prompt, malformedValues[mv.prompt]), true
	case moveSamePIN:
		return enrollfsm.Value(mv.prompt, validValues[enrollfsm.PromptOldPIN]), true
	case moveOther:
		other := enrollfsm.PromptPIN
		if mv.prompt == other {
			other = enrollfsm.PromptOldPIN
		}
		return enrollfsm.Value(other, validValues[other]), true
	case moveAction:
		return enrollfsm.Act(mv.prompt, mv.action), true
	}
	return enrollfsm.Answer{}, false
}

// refused tries an answer the engine refuses without copying anything: the
// Oracle judges the refusal, and the state stays as it was.
func (x *explorer) refused(i int32, mv move) (bool, *Counterexample) {
	a, ok := answerOf(mv)
	if !ok {
		return false, nil
	}
	parent := &x.nodes[i]
	err := parent.core.Refusal(a)
	if err == nil {
		return false, nil
	}
	o := parent.orc.cloneInto(x.spareOrc)
	x.spareOrc = nil
	o.answer(a, err)
	if e := o.firstErr(); e != nil {
		return true, x.counterexample(i, []move{mv}, e)
	}
	x.edges = append(x.edges, graphEdge{from: i, to: i, via: x.id(mv)})
	x.spareOrc = o
	return true, nil
}

// try gives node i's core, copied, one input.
func (x *explorer) try(i int32, mv move) *Counterexample {
	parent := &x.nodes[i]
	x.tried++
	x.from, x.via = i, mv
	x.clock.set(parent.now)
	if done, ce := x.refused(i, mv); done {
		return ce
	}
	x.clock.set(parent.now)
	o := parent.orc.cloneInto(x.spareOrc)
	x.orc = o
	c, snap := x.apply(parent.core.CloneInto(x.spareCore), o, mv, parent.snap)
	x.spareCore, x.spareOrc = nil, nil
	x.settle(c, o)
	if err := o.firstErr(); err != nil {
		return x.counterexample(i, []move{mv}, err)
	}
	k := x.keyOf(c, o)
	if j, ok := x.index[string(k)]; ok {
		x.edges = append(x.edges, graphEdge{from: i, to: j, via: x.id(mv)})
		x.spareCore, x.spareOrc = c, o
		return nil
	}
	j := x.add(i, mv, c, o, snap, k)
	x.edges = append(x.edges, graphEdge{from: i, to: j, via: x.nodes[j].via})
	return nil
}

// plain reports whether a scenario file can state the move.
func (mv move) plain() bool {
	switch mv.kind {
	case moveAhead, moveNotMade, moveAbort, moveOther:
		return false
	}
	return true
}

// ScenarioTaking explores s until a path a scenario file can state takes
// row, and returns that run as the contract expects it (Counterexample's
// scenario), ended by cancelling: a scenario to cover an edge.
func ScenarioTaking(ctx context.Context, s Setting, row fsm.Row) ([]byte, error) {
	x := &explorer{want: &row}
	return x.scenarioTaking(ctx, s)
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
// every state, and no loop that does not go through the user's retry (nor
// a save and restore) gets the backend to act (a call other than a read
// succeeds) without spending a bounded counter. It measures the longest
// run, each such loop counted once.
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
			return x.counterexample(int32(i), nil, &PropertyError{Property: PropertyEnd, Flow: x.judge.flow,
				Detail: "no terminal state can be reached from here"})
		}
	}
	if ce := x.callBound(); ce != nil {
		return ce
	}
	g := x.runGraph()
	comp, order := g.components()
	for k, e := range g.edges {
		if comp[e.from] == comp[e.to] && x.acts(x.mv(e.via)) {
			return x.cycle(g, comp, k)
		}
	}
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

// callBound measures the most calls any run makes between two waits: the
// longest chain of edges that leave calling states (a read retried is a
// state of its own, by its attempt). A loop of calls would run without
// end; the contract's bound must hold.
func (x *explorer) callBound() *Counterexample {
	out := make([][]int32, len(x.nodes))
	for _, e := range x.edges {
		if n := &x.nodes[e.from]; !n.prompt && !n.end && e.from != e.to {
			out[e.from] = append(out[e.from], e.to)
		}
	}
	const (
		unseen = iota
		open
		closed
	)
	mark := make([]uint8, len(x.nodes))
	longest := make([]int32, len(x.nodes))
	var loop int32 = -1
	var walk func(v int32)
	walk = func(v int32) {
		mark[v] = open
		best := int32(0)
		for _, w := range out[v] {
			switch mark[w] {
			case open:
				loop = v
			case unseen:
				walk(w)
			}
			best = max(best, longest[w])
		}
		if n := &x.nodes[v]; !n.prompt && !n.end {
			best++
		}
		longest[v], mark[v] = best, closed
	}
	for v := range x.nodes {
		if mark[v] == unseen {
			walk(int32(v))
		}
		x.bound = max(x.bound, int(longest[v]))
	}
	switch {
	case loop >= 0:
		return x.counterexample(loop, nil, &PropertyError{Property: PropertyEnd, Flow: x.judge.flow, Detail: "a loop of calls with no prompt"})
	case x.bound > x.judge.bound:
		return x.counterexample(0, nil, &PropertyError{Property: PropertyBound, Flow: x.judge.flow,
			Detail: fmt.Sprintf("a run makes %d calls between two waits; the contract allows %d", x.bound, x.judge.bound)})
	}
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
// restores, waits, and inputs that change nothing.
type runGraph struct {
	edges []graphEdge
	out   [][]int
}

func (x *explorer) runGraph() *runGraph {
	kept := func(e graphEdge) bool {
		mv := x.mv(e.via)
		return e.from != e.to && mv.kind != moveRestore && mv.kind != moveWait && mv.action != enrollfsm.ActionRetry
	}
	// Counted first, so that every state's edges are a window of one
	// array: the full table has some 800,000 edges.
	start := make([]int, len(x.nodes)+1)
	for _, e := range x.edges {
		if kept(e) {
			start[e.from+1]++
		}
	}
	for v := 1; v < len(start); v++ {
		start[v] += start[v-1]
	}
	flat := make([]int, start[len(x.nodes)])
	g := &runGraph{out: make([][]int, len(x.nodes)), edges: make([]graphEdge, 0, len(flat))}
	for v := range g.out {
		g.out[v] = flat[start[v]:start[v]:start[v+1]]
	}
	for _, e := range x.edges {
		if kept(e) {
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
