// Package scenariofile is the scenario file of docs/contract.md §6: its
// types, a strict parser, the canonical writer, and the Recorder that
// writes a live run as one. It holds no runner, so the test kit (which
// writes counterexamples as scenarios), package scenario (which replays
// them) and the explorer (which records walks) share one format without
// importing each other.
package scenariofile

import (
	"encoding/json"
	"time"

	"github.com/enrollfsm/enrollfsm"
)

// Scenario is one scenario file: a run of a flow, with the user's answers,
// every exchange with the backend, and the end it must reach. Its JSON
// (MarshalJSON, UnmarshalJSON) is the file, as Marshal writes it and Parse
// reads it.
type Scenario struct {
	Name       string            // "name"
	Flow       string            // "flow"
	Platform   string            // "platform": android (the default) or ios
	SDKVersion string            // "sdkVersion"
	Inputs     map[string]string // "inputs": values given at start (vin)
	AutoRemove bool              // "autoRemove"
	// Limits ("limits") are the host's own (enrollfsm.WithLimits), all
	// seven given; nil runs the engine with its defaults, judged against
	// the contract's.
	Limits *enrollfsm.Limits
	// RestartAfter ("restartAfter") lists answer numbers (from 1; waits
	// count) after which the engine is saved, discarded and restored once
	// it waits again; 0 restores it at the first prompt, before any answer.
	RestartAfter []int
	Answers      []Answer   // "answers"
	Exchanges    []Exchange // "exchanges"
	Final        string     // "final": a terminal state
	Failure      string     // "failure", when final is failed
	Path         []string   // "path" (optional): every state entered from start

	// File is where the scenario was loaded from; not part of the file.
	File string
}

// Answer is one scripted answer: the prompt it expects, and a value or an
// action. An entry with Wait instead (a Go duration, "11m") moves the
// runner's clock forward before the next answer, so that a code can expire.
type Answer struct {
	Prompt string  `json:"prompt,omitempty"`
	Value  *string `json:"value,omitempty"`
	Action string  `json:"action,omitempty"`
	Wait   string  `json:"wait,omitempty"`
}

// WaitFor returns the entry's wait, and false for an answer.
func (a Answer) WaitFor() (time.Duration, bool) {
	if a.Wait == "" {
		return 0, false
	}
	d, err := time.ParseDuration(a.Wait)
	return d, err == nil
}

// Exchange is one expected request and the reply it gets (any JSON: a
// reply that is not a well-formed message is read as an unreadable one),
// or the bridge error the port returns instead.
type Exchange struct {
	Op          string          `json:"op"`
	API         string          `json:"api"`
	Params      Params          `json:"params"`
	Reply       json.RawMessage `json:"reply,omitempty"`
	BridgeError string          `json:"bridgeError,omitempty"`
}

// Param is one parameter of a request.
type Param struct {
	Name  string
	Value string
}

// Params are a request's parameters in the file's order: the order the
// call declares them in, when the engine wrote the file. A replay compares
// them by name, in any order (contract §6: the same keys).
type Params []Param

// Get returns the value of parameter name.
func (p Params) Get(name string) (string, bool) {
	for _, q := range p {
		if q.Name == name {
			return q.Value, true
		}
	}
	return "", false
}

// Map returns the parameters as a new map.
func (p Params) Map() map[string]string {
	m := make(map[string]string, len(p))
	for _, q := range p {
		m[q.Name] = q.Value
	}
	return m
}

// Pairs returns name, value, name, value...: what pims.Pairs takes.
func (p Params) Pairs() []string {
	out := make([]string, 0, 2*len(p))
	for _, q := range p {
		out = append(out, q.Name, q.Value)
	}
	return out
}

// Equal reports whether both hold the same values by name, in any order.
func (p Params) Equal(o Params) bool {
	if len(p) != len(o) {
		return false
	}
	for _, q := range p {
		if v, ok := o.Get(q.Name); !ok || v != q.Value {
			return false
		}
	}
	return true
}

// Options returns the engine options the scenario describes.
func (s *Scenario) Options() []enrollfsm.Option {
	var opts []enrollfsm.Option
	if s.Platform != "" {
		opts = append(opts, enrollfsm.WithPlatform(enrollfsm.Platform(s.Platform)))
	}
	if s.SDKVersion != "" {
		opts = append(opts, enrollfsm.WithSDKVersion(s.SDKVersion))
	}
	if s.AutoRemove {
		opts = append(opts, enrollfsm.WithAutoRemove(true))
	}
	if vin, ok := s.Inputs["vin"]; ok {
		opts = append(opts, enrollfsm.WithVIN(vin))
	}
	if s.Limits != nil {
		opts = append(opts, enrollfsm.WithLimits(*s.Limits))
	}
	return opts
}

// MarshalJSON writes the file, as Marshal does.
func (s Scenario) MarshalJSON() ([]byte, error) { return Marshal(&s) }

// UnmarshalJSON reads the file, as strictly as Parse does.
func (s *Scenario) UnmarshalJSON(data []byte) error {
	p, err := Parse(data)
	if err != nil {
		return err
	}
	*s = *p
	return nil
}
