package explore

import (
	"errors"
	"fmt"
	"html/template"
	"slices"
	"strings"
	"time"

	"github.com/enrollfsm/enrollfsm"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/pims"
	"github.com/enrollfsm/enrollfsm/redact"
	"github.com/enrollfsm/enrollfsm/simulator"
)

// View is what the page shows of a walk, and what the JSON API returns.
type View struct {
	Session string `json:"session"`
	Config  Config `json:"config"`
	// Flow is the table walked (auto resolved); Step the number of moves
	// made, which a move names to be refused if the page is stale.
	Flow  string `json:"flow"`
	Step  int    `json:"step"`
	State string `json:"state"`
	Kind  string `json:"kind"` // call, prompt or none
	// Docs is the address of the state's row in the generated docs.
	Docs string `json:"docs"`

	Call   *CallView   `json:"call,omitempty"`
	Prompt *PromptView `json:"prompt,omitempty"`

	Edges    []EdgeView          `json:"edges"`
	Counters enrollfsm.Counters  `json:"counters"`
	Warnings []string            `json:"warnings"`
	Outcome  *OutcomeView        `json:"outcome,omitempty"`
	History  []Entry             `json:"history"`
	SMS      []SMSView           `json:"sms"`
	Path     []string            `json:"path"`
	SVG      template.HTML       `json:"-"`
	Options  map[string][]string `json:"-"`
}

// CallView is the pending call: the exact request, secrets masked, the same
// call in the tutorial's Kotlin and Swift, and every reply it can get.
type CallView struct {
	ID      uint64            `json:"id"`
	Step    string            `json:"step"`
	Name    string            `json:"name"`
	Op      string            `json:"op"`
	API     string            `json:"api"`
	Params  map[string]string `json:"params"`
	Text    string            `json:"text"`
	Kotlin  string            `json:"kotlin"`
	Swift   string            `json:"swift"`
	Replies []ReplyOption     `json:"replies"`
}

// PromptView is the pending prompt.
type PromptView struct {
	Prompt     string   `json:"prompt"`
	Reason     string   `json:"reason,omitempty"`
	TakesValue bool     `json:"takesValue"`
	Hint       string   `json:"hint,omitempty"`
	Actions    []string `json:"actions"`
	SentTo     string   `json:"sentTo,omitempty"`
	// SimulatedCode is the code of the simulator's last SMS for this
	// prompt, to type in.
	SimulatedCode string `json:"simulatedCode,omitempty"`
	// AttemptsLeft and ResendsLeft, when the reason says (-1: not counted).
	AttemptsLeft *int `json:"attemptsLeft,omitempty"`
	ResendsLeft  *int `json:"resendsLeft,omitempty"`
	// Wait is the wait offered at a code prompt ("11m0s"), to post as a
	// move; WaitLabel its button.
	Wait      string `json:"wait,omitempty"`
	WaitLabel string `json:"-"`
}

// EdgeView is one edge the current state can take, with its docs row.
type EdgeView struct {
	Event    string `json:"event"`
	Dst      string `json:"dst"`
	Declared bool   `json:"declared"`
	Docs     string `json:"docs"`
}

// OutcomeView is how the run ended.
type OutcomeView struct {
	State   string `json:"state"`
	OK      bool   `json:"ok"`
	Failure string `json:"failure,omitempty"`
	Err     string `json:"error,omitempty"`
}

// SMSView is a text the simulator sent, as the user's phone shows it.
type SMSView struct {
	To   string `json:"to"`
	Kind string `json:"kind"`
	Code string `json:"code"`
}

// docsPage is the generated page of a flow, as the server serves it.
func docsPage(flow enrollfsm.Flow) string { return "/docs/" + string(flow) + ".md" }

func hint(p enrollfsm.Prompt) string {
	switch {
	case p == enrollfsm.PromptPhoneNumber:
		return "an optional + and 6 to 15 digits (spaces, dots, dashes dropped)"
	case p.IsCode():
		return "4 to 8 digits, from the SMS"
	case p.IsPIN():
		return "4 to 8 digits"
	}
	return ""
}

// view builds the page's model of r.
func (r *run) view(id string, svg []byte) View {
	p := r.e.Next()
	flow := r.e.Flow()
	v := View{
		Session: id, Config: r.cfg, Flow: string(flow), Step: len(r.inputs), State: string(p.State),
		Kind: p.Kind.String(), Docs: docsPage(flow) + "#" + string(p.State),
		Counters: r.e.Counters(), History: append([]Entry{}, r.history...), Warnings: []string{}, SMS: []SMSView{},
		Path: []string{"start"},
	}
	if st, ok := r.table.State(p.State); ok {
		for _, e := range st.Edges {
			v.Edges = append(v.Edges, EdgeView{
				Event: string(e.Event), Dst: string(e.Dst), Docs: v.Docs,
				Declared: r.table.Declared(fsmRow(st.Name, e.Event, e.Dst)),
			})
		}
	}
	switch p.Kind {
	case enrollfsm.PendingCall:
		st, _ := r.table.State(p.State)
		req := p.Call.Request
		params := make(map[string]string, req.Params.Len())
		for k, val := range req.Params.All() {
			params[k] = shown(k, val)
		}
		v.Call = &CallView{
			ID: p.Call.ID, Step: p.Call.Step, Name: st.Step.Name, Op: string(req.Op), API: req.API, Params: params,
			Text: requestText(req), Kotlin: Kotlin(req), Swift: Swift(req), Replies: r.preview(replyOptions(st.Step)),
		}
	case enrollfsm.PendingPrompt:
		pv := &PromptView{Prompt: string(p.Prompt), TakesValue: takesValue(p.Prompt), Hint: hint(p.Prompt), SentTo: p.SentTo, Actions: []string{}}
		for _, a := range p.Actions {
			pv.Actions = append(pv.Actions, string(a))
		}
		for _, m := range r.sms {
			if (p.Prompt == enrollfsm.PromptCertificationCode) == (m.Kind == simulator.KindCertification) && p.Prompt.IsCode() {
				pv.SimulatedCode = m.Code
			}
		}
		if p.Prompt.IsCode() {
			pv.Wait = codeWait.String()
			pv.WaitLabel = fmt.Sprintf("wait %d minutes (the code expires)", int(codeWait/time.Minute))
		}
		if p.Reason != nil {
			pv.Reason = p.Reason.Error()
			var pe *pimserr.PromptError
			if errors.As(p.Reason, &pe) {
				pv.AttemptsLeft, pv.ResendsLeft = &pe.AttemptsLeft, &pe.ResendsLeft
			}
		}
		v.Prompt = pv
	case enrollfsm.PendingNone:
		out, _ := r.e.Outcome()
		ov := &OutcomeView{State: string(out.State), OK: out.OK(), Failure: string(out.Failure)}
		if out.Err != nil {
			ov.Err = out.Err.Error()
		}
		v.Outcome = ov
		for _, w := range out.Warnings {
			v.Warnings = append(v.Warnings, w.Error())
		}
	}
	if v.Outcome == nil {
		v.Warnings = append(v.Warnings, r.warnings()...)
	}
	for _, t := range r.moves {
		if t.From != t.To {
			v.Path = append(v.Path, string(t.To))
		}
	}
	for _, m := range r.sms {
		v.SMS = append(v.SMS, SMSView{To: redact.Phone(m.To), Kind: smsKind(m.Kind), Code: m.Code})
	}
	if svg != nil {
		v.SVG = template.HTML(highlight(svg, string(p.State), docsPage(flow), p.Kind == enrollfsm.PendingCall, p.Kind == enrollfsm.PendingPrompt))
	}
	return v
}

// warnings are the 2316 replies so far at steps that counted as done; the
// outcome reports them at the end.
func (r *run) warnings() []string {
	var out []string
	for _, c := range r.calls {
		if pimserr.Code(c.Code) != pimserr.CodePostSyncFailed {
			continue
		}
		if st, ok := r.table.State(c.State); ok && st.Step != nil && !st.Step.ReadsResult() {
			out = append(out, fmt.Sprintf("step %s: %s", c.Step, pimserr.New(pimserr.CodePostSyncFailed).Error()))
		}
	}
	return out
}

func smsKind(k string) string {
	if k == simulator.KindCertification {
		return "certification code"
	}
	return "enrollment code"
}

// requestText prints the request as it goes to the SDK, a PIN or a code
// masked: "set pims.authentication.enrollment {action=enroll, pinCode=••••}".
func requestText(r pims.Request) string {
	parts := make([]string, 0, r.Params.Len())
	for k, v := range r.Params.Sorted() {
		parts = append(parts, k+"="+shown(k, v))
	}
	return string(r.Op) + " " + r.API + " {" + strings.Join(parts, ", ") + "}"
}

// preview says where each reply leads, by making it on a copy of the walk:
// a new engine given the same moves, then the reply. The walk is
// deterministic, so the copy is where the walk would go.
func (r *run) preview(opts []ReplyOption) []ReplyOption {
	for i, o := range opts {
		c, err := replay(r.cfg, append(slices.Clip(r.inputs), Input{Reply: o.ID}))
		if err != nil {
			continue
		}
		var events []string
		for _, t := range c.moves[len(r.moves):] {
			events = append(events, string(t.Event))
		}
		lead := "→ " + string(c.e.State())
		if out, over := c.e.Outcome(); over && out.Failure != "" {
			lead += " (" + string(out.Failure) + ")"
		}
		if len(events) > 0 {
			lead += " by " + strings.Join(events, ", ")
		}
		opts[i].Leads = lead
	}
	return opts
}
