package scenario

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

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
//
//	rec := scenario.NewRecorder()
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
	x := Exchange{Op: string(c.Request.Op), API: c.Request.API, Params: map[string]string{}}
	for k, v := range c.Request.Params.All() {
		switch {
		case pims.IsSecretParam(k):
			r.mark(v, false)
		case k == "phoneNumber":
			r.mark(v, true)
		}
		x.Params[k] = v
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

// standIns maps every real value to a stand-in: each digit replaced, the
// length and any other character kept, so a valid value stays valid and a
// malformed one malformed. No stand-in equals any real value of the run.
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
	for {
		s.n++
		seed := fmt.Sprintf("%09d", s.n*7919)
		var b strings.Builder
		i := 0
		for _, c := range v {
			if c >= '0' && c <= '9' {
				b.WriteByte(seed[len(seed)-1-i%len(seed)])
				i++
				continue
			}
			b.WriteRune(c)
		}
		out := b.String()
		if !s.real[out] && !s.used[out] {
			s.to[v], s.used[out] = out, true
			return out
		}
	}
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
		params := make(map[string]string, len(x.Params))
		for k, v := range x.Params {
			switch {
			case pims.IsSecretParam(k):
				v = st.of(v)
			case k == "phoneNumber":
				v = phone(v)
			}
			params[k] = v
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
	return json.MarshalIndent(s, "", "  ")
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
