package scenariofile

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/enrollfsm/enrollfsm"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/pims"
	"github.com/enrollfsm/enrollfsm/steps"
)

// Recorder writes a run as a scenario file, a transcript that a support
// engineer can attach to a ticket and replay with `enroll replay`. Every PIN,
// SMS code and phone number is replaced by a stand-in of the same shape,
// the same real value always by the same stand-in, so the replay takes the
// same path without the real values. It covers one engine's life: answers
// asked again after a restore are recorded but are not asked by a replay.
// It needs no runner, so a program that records (the explorer) does not
// link the replay and the test kit.
//
//	rec := scenariofile.NewRecorder()
//	e, _ := enrollfsm.New(flow, enrollfsm.WithObserver(rec.Observer()))
//	... run ...
//	data, err := rec.Transcript(e, "ticket 4711")
type Recorder struct {
	mu        sync.Mutex
	answers   []Answer   // raw values until Transcript
	exchanges []Exchange // raw values until Transcript
	path      []string
	secrets   map[string]bool // the real values to replace
	phones    map[string]bool
}

// NewRecorder returns an empty recorder.
func NewRecorder() *Recorder {
	return &Recorder{path: []string{"start"}, secrets: map[string]bool{}, phones: map[string]bool{}}
}

// Observer returns the observer to give the engine (WithObserver).
func (r *Recorder) Observer() enrollfsm.Observer {
	return enrollfsm.Observer{
		Transition: func(t enrollfsm.Transition) {
			r.mu.Lock()
			defer r.mu.Unlock()
			if t.From != t.To {
				r.path = append(r.path, string(t.To))
			}
		},
		Call: func(c enrollfsm.CallRecord) {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.exchanges = append(r.exchanges, r.exchange(c))
		},
		Answer: func(a enrollfsm.Answer, _ error) {
			r.mu.Lock()
			defer r.mu.Unlock()
			x := Answer{Prompt: string(a.Prompt), Action: string(a.Action)}
			if a.Action == "" {
				v := a.Value
				x.Value = &v
				r.mark(v, a.Prompt == enrollfsm.PromptPhoneNumber)
			}
			r.answers = append(r.answers, x)
		},
	}
}

func (r *Recorder) mark(v string, phone bool) {
	if phone {
		r.phones[v] = true
		if n, err := steps.NormalizePhone(v); err == nil {
			r.phones[n] = true
		}
		return
	}
	r.secrets[v] = true
}

// isPhoneKey: call 3's result names the number phoneNumber or
// trustedPhoneNumber.
func isPhoneKey(k string) bool { return strings.Contains(strings.ToLower(k), "phone") }

func (r *Recorder) exchange(c enrollfsm.CallRecord) Exchange {
	x := Exchange{Op: string(c.Request.Op), API: c.Request.API, Params: Params{}}
	for k, v := range c.Request.Params.All() {
		switch {
		case pims.IsSecretParam(k):
			r.mark(v, false)
		case k == "phoneNumber":
			r.mark(v, true)
		}
		x.Params = append(x.Params, Param{Name: k, Value: v})
	}
	var perr *pimserr.ProtocolError
	switch {
	case c.Err == nil:
		for k, v := range c.Reply.Result {
			if s, ok := v.(string); ok && isPhoneKey(k) && s != "" {
				r.mark(s, true)
			}
		}
		x.Reply, _ = json.Marshal(c.Reply)
	case errors.As(c.Err, &perr):
		// The unreadable reply as a JSON string: the replay reads it as
		// unreadable again.
		x.Reply, _ = json.Marshal(string(perr.Raw))
	default:
		x.BridgeError = c.Err.Error()
	}
	return x
}

// standIns maps every real value to a stand-in: each digit replaced by a
// digit of the same script (ASCII for ASCII, Arabic-Indic for
// Arabic-Indic, ...), any other kind of number (², ①) by a digit of a
// script of the same encoded length, and every other character kept. So a
// valid value stays valid, a malformed one malformed for the same reason,
// and a secret typed in any script's digits leaves the transcript. Distinct
// values get distinct stand-ins, and no stand-in equals a real value of the
// run, as long as the value's digits allow it (a one-digit value has ten);
// past that, a stand-in may repeat one, but never the value it replaces.
// A value without a digit is its own stand-in: it hides nothing.
type standIns struct {
	real map[string]bool
	to   map[string]string
	used map[string]bool
	n    int
}

func (s *standIns) of(v string) string {
	if out, ok := s.to[v]; ok {
		return out
	}
	k := 0
	for _, c := range v {
		if unicode.IsNumber(c) {
			k++
		}
	}
	if k == 0 {
		s.to[v] = v
		return v
	}
	// s.n steps through every combination of the first three digits in
	// 1000 draws (7919 is prime to 10): the search is bounded, and ends
	// with a free stand-in whenever one exists among them.
	tries := 1
	for range min(k, 3) {
		tries *= 10
	}
	var unused, other string
	for range tries {
		s.n++
		out := s.draw(v)
		switch {
		case out == v:
			continue
		case !s.real[out] && !s.used[out]:
			s.to[v], s.used[out] = out, true
			return out
		case unused == "" && !s.used[out]:
			unused = out
		case other == "":
			other = out
		}
	}
	out := cmp.Or(unused, other)
	s.to[v], s.used[out] = out, true
	return out
}

// draw replaces the numbers of v by the digits of the draw s.n.
func (s *standIns) draw(v string) string {
	seed := fmt.Sprintf("%09d", s.n*7919)
	var b strings.Builder
	i := 0
	for _, c := range v {
		if !unicode.IsNumber(c) {
			b.WriteRune(c)
			continue
		}
		b.WriteRune(zeroOf(c) + rune(seed[len(seed)-1-i%len(seed)]-'0'))
		i++
	}
	return b.String()
}

// zeroOf returns the zero of c's script, for a decimal digit: Unicode
// encodes each script's digits as a run 0 to 9, and the runs of
// unicode.Nd are whole runs. Another number gets the zero of a script
// whose digits take as many bytes (no such number is ASCII).
func zeroOf(c rune) rune {
	if c >= '0' && c <= '9' {
		return '0'
	}
	if unicode.IsDigit(c) {
		for _, r := range unicode.Nd.R16 {
			if lo, hi := rune(r.Lo), rune(r.Hi); c >= lo && c <= hi {
				return lo + (c-lo)/10*10
			}
		}
		for _, r := range unicode.Nd.R32 {
			if lo, hi := rune(r.Lo), rune(r.Hi); c >= lo && c <= hi {
				return lo + (c-lo)/10*10
			}
		}
	}
	switch utf8.RuneLen(c) {
	case 2:
		return '\u0660' // Arabic-Indic
	case 3:
		return '\u0966' // Devanagari
	}
	return '\U0001D7CE' // mathematical bold
}

// Transcript returns the run as a scenario file. The run must be over.
func (r *Recorder) Transcript(e *enrollfsm.Engine, name string) ([]byte, error) {
	out, done := e.Outcome()
	if !done {
		return nil, errors.New("transcript: the run is not over")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	st := &standIns{real: map[string]bool{}, to: map[string]string{}, used: map[string]bool{}}
	for v := range r.secrets {
		st.real[v] = true
	}
	for v := range r.phones {
		st.real[v] = true
	}
	phone := func(v string) string {
		if n, err := steps.NormalizePhone(v); err == nil {
			// the same number typed with spaces or without gets one stand-in
			return st.of(n)
		}
		return st.of(v)
	}
	answers := make([]Answer, len(r.answers))
	for i, a := range r.answers {
		if a.Value != nil {
			v := st.of(*a.Value)
			if a.Prompt == string(enrollfsm.PromptPhoneNumber) {
				v = phone(*a.Value)
			}
			a.Value = &v
		}
		answers[i] = a
	}
	exchanges := make([]Exchange, len(r.exchanges))
	for i, x := range r.exchanges {
		params := make(Params, len(x.Params))
		for i, p := range x.Params {
			switch {
			case pims.IsSecretParam(p.Name):
				p.Value = st.of(p.Value)
			case p.Name == "phoneNumber":
				p.Value = phone(p.Value)
			}
			params[i] = p
		}
		x.Params = params
		if x.BridgeError == "" {
			x.Reply = redactReply(x.Reply, phone)
		}
		exchanges[i] = x
	}
	set := e.Settings()
	s := Scenario{
		Name: name, Flow: string(set.Flow), Platform: string(set.Platform), SDKVersion: set.SDKVersion,
		AutoRemove: set.AutoRemove, Answers: answers, Exchanges: exchanges,
		Final: string(out.State), Failure: string(out.Failure), Path: r.path,
	}
	if set.VIN != "" {
		s.Inputs = map[string]string{"vin": set.VIN}
	}
	if s.Answers == nil {
		s.Answers = []Answer{}
	}
	if s.Exchanges == nil {
		s.Exchanges = []Exchange{}
	}
	return Marshal(&s)
}

// redactReply replaces the phone numbers of a reply's result.
func redactReply(raw json.RawMessage, phone func(string) string) json.RawMessage {
	var m pims.Message
	if json.Unmarshal(raw, &m) != nil || m.Result == nil {
		return raw
	}
	result := make(map[string]any, len(m.Result))
	for k, v := range m.Result {
		if s, ok := v.(string); ok && isPhoneKey(k) && s != "" {
			v = phone(s)
		}
		result[k] = v
	}
	m.Result = result
	out, err := json.Marshal(m)
	if err != nil {
		return raw
	}
	return out
}
