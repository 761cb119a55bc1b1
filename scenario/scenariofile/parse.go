package scenariofile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/enrollment"
	"github.com/enrollfsm/enrollfsm/internal/jsonkeys"
)

// MaxSize bounds a scenario file; the largest of the suite is a few KiB.
const MaxSize = 1 << 20

// ErrInvalid matches every error of Parse, and of Marshal about a scenario
// it will not write.
var ErrInvalid = errors.New("invalid scenario")

// Error is a scenario refused: where, and why. It matches ErrInvalid, and
// its cause when there is one (a *json.SyntaxError, a duplicate key).
type Error struct {
	// Name is the scenario's name, once read.
	Name string
	// Key is the key at fault: "final", "answers", "limits.codeTTL"; ""
	// for the file as a whole.
	Key string
	// Index is the entry of answers, exchanges or restartAfter at fault,
	// from 1; 0 otherwise.
	Index  int
	Reason string
	Err    error
}

func (e *Error) Error() string {
	if e.Name != "" {
		return ErrInvalid.Error() + ": " + e.Name + ": " + e.Reason
	}
	return ErrInvalid.Error() + ": " + e.Reason
}

func (e *Error) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrInvalid, e.Err}
	}
	return []error{ErrInvalid}
}

// keys are the file's keys, in the order Marshal writes them.
var keys = []string{"name", "flow", "platform", "sdkVersion", "inputs", "autoRemove", "limits",
	"restartAfter", "answers", "exchanges", "final", "failure", "path"}

var (
	answerKeys   = []string{"prompt", "value", "action", "wait"}
	exchangeKeys = []string{"op", "api", "params", "reply", "bridgeError"}
	limitKeys    = []string{"codeAttempts", "resends", "pinAttempts", "removals", "readAttempts", "backoff", "codeTTL"}
)

// Parse decodes and checks one scenario. It refuses, with an *Error: a key
// the format does not have (the case of a key counts, so a misspelt key
// cannot silently weaken a check), a key given twice in one object at any
// depth and in any case (whose last value would silently win), a null or a
// value of the wrong type, data after the scenario, and a scenario that
// cannot be replayed as written (an unknown flow, prompt action or final
// state, an answer with both a value and an action...).
func Parse(data []byte) (*Scenario, error) {
	if len(data) > MaxSize {
		return nil, &Error{Reason: fmt.Sprintf("%d bytes, over the %d a scenario may have", len(data), MaxSize)}
	}
	if err := jsonkeys.Unique(data); errors.Is(err, jsonkeys.ErrDuplicate) {
		return nil, &Error{Reason: err.Error(), Err: err}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var top map[string]json.RawMessage
	if err := dec.Decode(&top); err != nil {
		return nil, &Error{Reason: err.Error(), Err: err}
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &Error{Reason: "trailing data after the scenario object"}
	}
	if top == nil {
		return nil, &Error{Reason: "the file is null, not a scenario object"}
	}
	s := &Scenario{}
	var name string
	if raw, ok := top["name"]; ok {
		// The name first, so that every later error names the scenario.
		if err := decode(raw, &name); err != nil {
			return nil, &Error{Key: "name", Reason: "name: " + err.Error(), Err: err}
		}
	}
	fail := func(key string, index int, err error) error {
		reason := key + ": " + err.Error()
		if index > 0 {
			reason = fmt.Sprintf("%s %d: %v", entry(key), index, err)
		}
		return &Error{Name: name, Key: key, Index: index, Reason: reason, Err: err}
	}
	for _, k := range sortedKeys(top) {
		if !slices.Contains(keys, k) {
			return nil, fail(k, 0, errors.New("not a key of the format"))
		}
	}
	for _, k := range keys {
		raw, ok := top[k]
		if !ok {
			continue
		}
		var err error
		index := 0
		switch k {
		case "name":
			s.Name = name
		case "flow":
			err = decode(raw, &s.Flow)
		case "platform":
			err = decode(raw, &s.Platform)
		case "sdkVersion":
			err = decode(raw, &s.SDKVersion)
		case "inputs":
			s.Inputs, err = decodeMap[string](raw)
		case "autoRemove":
			err = decode(raw, &s.AutoRemove)
		case "limits":
			s.Limits, err = decodeLimits(raw)
		case "restartAfter":
			s.RestartAfter, index, err = decodeList(raw, decode[int])
		case "answers":
			s.Answers, index, err = decodeList(raw, decodeAnswer)
		case "exchanges":
			s.Exchanges, index, err = decodeList(raw, decodeExchange)
		case "final":
			err = decode(raw, &s.Final)
		case "failure":
			err = decode(raw, &s.Failure)
		case "path":
			s.Path, index, err = decodeList(raw, decode[string])
		}
		if err != nil {
			return nil, fail(k, index, err)
		}
	}
	if err := s.check(); err != nil {
		return nil, err
	}
	return s, nil
}

// entry names one entry of a list key in an error: "answer 3".
func entry(key string) string {
	switch key {
	case "answers":
		return "answer"
	case "exchanges":
		return "exchange"
	case "path":
		return "path entry"
	}
	return key + " entry"
}

func sortedKeys[T any](m map[string]T) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

var errNull = errors.New("null: give a value or leave the key out")

// decode reads one value of the format, refusing null.
func decode[T any](raw json.RawMessage, v *T) error {
	if isNull(raw) {
		return errNull
	}
	return json.Unmarshal(raw, v)
}

// decodeList reads an array, each element with one; it returns the number
// of the element at fault, from 1.
func decodeList[T any](raw json.RawMessage, one func(json.RawMessage, *T) error) ([]T, int, error) {
	var items []json.RawMessage
	if err := decode(raw, &items); err != nil {
		return nil, 0, err
	}
	out := make([]T, len(items))
	for i, item := range items {
		if err := one(item, &out[i]); err != nil {
			return nil, i + 1, err
		}
	}
	return out, 0, nil
}

func decodeMap[T any](raw json.RawMessage) (map[string]T, error) {
	var items map[string]json.RawMessage
	if err := decode(raw, &items); err != nil {
		return nil, err
	}
	out := make(map[string]T, len(items))
	for _, k := range sortedKeys(items) {
		var v T
		if err := decode(items[k], &v); err != nil {
			return nil, fmt.Errorf("%q: %w", k, err)
		}
		out[k] = v
	}
	return out, nil
}

// object reads an object whose keys must be among known, exactly.
func object(raw json.RawMessage, known []string) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := decode(raw, &m); err != nil {
		return nil, err
	}
	for _, k := range sortedKeys(m) {
		if !slices.Contains(known, k) {
			return nil, fmt.Errorf("%q is not a key of the format (%s)", k, strings.Join(known, ", "))
		}
	}
	return m, nil
}

func decodeAnswer(raw json.RawMessage, a *Answer) error {
	return decodeFields(raw, answerKeys, func(k string, v json.RawMessage) error {
		switch k {
		case "prompt":
			return decode(v, &a.Prompt)
		case "value":
			a.Value = new(string)
			return decode(v, a.Value)
		case "action":
			return decode(v, &a.Action)
		case "wait":
			return decode(v, &a.Wait)
		}
		return nil
	})
}

// decodeFields decodes raw, an object of known keys only, giving set each key
// present, in the order of known.
func decodeFields(raw json.RawMessage, known []string, set func(k string, v json.RawMessage) error) error {
	m, err := object(raw, known)
	if err != nil {
		return err
	}
	for _, k := range known {
		if v, ok := m[k]; ok {
			if err := set(k, v); err != nil {
				return fmt.Errorf("%s: %w", k, err)
			}
		}
	}
	return nil
}

func decodeExchange(raw json.RawMessage, x *Exchange) error {
	return decodeFields(raw, exchangeKeys, func(k string, v json.RawMessage) error {
		switch k {
		case "op":
			return decode(v, &x.Op)
		case "api":
			return decode(v, &x.API)
		case "params":
			return decode(v, &x.Params)
		case "reply":
			// Any JSON, null included: the engine reads what it can.
			x.Reply = slices.Clone(v)
		case "bridgeError":
			return decode(v, &x.BridgeError)
		}
		return nil
	})
}

// UnmarshalJSON reads an object of strings, keeping its order.
func (p *Params) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return errors.New("want an object of strings")
	}
	out := Params{}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return err
		}
		v, err := dec.Token()
		if err != nil {
			return err
		}
		value, ok := v.(string)
		if !ok {
			return fmt.Errorf("%q is not a string", k)
		}
		name := k.(string)
		if _, dup := out.Get(name); dup {
			return fmt.Errorf("%q given twice", name)
		}
		out = append(out, Param{Name: name, Value: value})
	}
	if _, err := dec.Token(); err != nil {
		return err
	}
	*p = out
	return nil
}

// MarshalJSON writes an object of strings, in order.
func (p Params) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	writeParams(&b, p)
	return b.Bytes(), nil
}

func decodeLimits(raw json.RawMessage) (*enrollfsm.Limits, error) {
	m, err := object(raw, limitKeys)
	if err != nil {
		return nil, err
	}
	l := &enrollfsm.Limits{}
	counts := map[string]*int{"codeAttempts": &l.CodeAttempts, "resends": &l.Resends, "pinAttempts": &l.PINAttempts,
		"removals": &l.Removals, "readAttempts": &l.ReadAttempts}
	durations := map[string]*time.Duration{"backoff": &l.Backoff, "codeTTL": &l.CodeTTL}
	for _, k := range limitKeys {
		v, ok := m[k]
		if !ok {
			return nil, fmt.Errorf("%s missing: the host's limits are given whole (%s)", k, strings.Join(limitKeys, ", "))
		}
		if n, ok := counts[k]; ok {
			if err := decode(v, n); err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			if *n < 0 {
				return nil, fmt.Errorf("%s: %d is negative", k, *n)
			}
			continue
		}
		var text string
		if err := decode(v, &text); err != nil {
			return nil, fmt.Errorf("%s: %w (want a Go duration, \"10m\")", k, err)
		}
		d, err := time.ParseDuration(text)
		if err != nil || d < 0 {
			return nil, fmt.Errorf("%s: %s is not a Go duration of 0 or more (\"10m\")", k, strconv.Quote(text))
		}
		*durations[k] = d
	}
	return l, nil
}

var actions = func() map[string]bool {
	m := map[string]bool{}
	for _, a := range enrollment.Actions() {
		m[string(a)] = true
	}
	return m
}()

// check refuses a scenario that cannot be replayed as written.
func (s *Scenario) check() error {
	bad := func(key string, index int, format string, args ...any) error {
		return &Error{Name: s.Name, Key: key, Index: index, Reason: fmt.Sprintf(format, args...)}
	}
	if strings.TrimSpace(s.Name) == "" {
		return &Error{Key: "name", Reason: "no name"}
	}
	if !slices.Contains(enrollfsm.Flows(), enrollfsm.Flow(s.Flow)) {
		return bad("flow", 0, "unknown flow %q", s.Flow)
	}
	if s.Platform != "" && s.Platform != string(enrollfsm.Android) && s.Platform != string(enrollfsm.IOS) {
		return bad("platform", 0, "unknown platform %q", s.Platform)
	}
	for k := range s.Inputs {
		if k != "vin" {
			return bad("inputs", 0, "unknown input %q (only vin is given at start)", k)
		}
	}
	for i, a := range s.Answers {
		if a.Wait != "" {
			if d, ok := a.WaitFor(); !ok || d <= 0 || a.Prompt != "" || a.Value != nil || a.Action != "" {
				return bad("answers", i+1, "answer %d: a wait is a positive Go duration (\"11m\") and nothing else", i+1)
			}
			continue
		}
		if a.Prompt == "" {
			return bad("answers", i+1, "answer %d names no prompt", i+1)
		}
		if (a.Value == nil) == (a.Action == "") {
			return bad("answers", i+1, "answer %d needs a value or an action, not both", i+1)
		}
		if a.Action != "" && !actions[a.Action] {
			return bad("answers", i+1, "answer %d has unknown action %q", i+1, a.Action)
		}
	}
	for i, x := range s.Exchanges {
		if x.Op != "get" && x.Op != "set" {
			return bad("exchanges", i+1, "exchange %d has op %q (want get or set)", i+1, x.Op)
		}
		if x.API == "" {
			return bad("exchanges", i+1, "exchange %d names no api", i+1)
		}
		if (len(x.Reply) == 0) == (x.BridgeError == "") {
			return bad("exchanges", i+1, "exchange %d needs a reply or a bridgeError, not both", i+1)
		}
		if len(x.Reply) > 0 && !json.Valid(x.Reply) {
			return bad("exchanges", i+1, "exchange %d has a reply that is not JSON", i+1)
		}
		seen := map[string]bool{}
		for _, p := range x.Params {
			if seen[p.Name] {
				return bad("exchanges", i+1, "exchange %d gives parameter %q twice", i+1, p.Name)
			}
			seen[p.Name] = true
		}
	}
	switch enrollfsm.State(s.Final) {
	case enrollfsm.Enrolled, enrollfsm.Done, enrollfsm.Cancelled:
		if s.Failure != "" {
			return bad("failure", 0, "failure given for final %s", s.Final)
		}
	case enrollfsm.Failed:
		if s.Failure == "" {
			return bad("failure", 0, "final failed needs a failure")
		}
	default:
		return bad("final", 0, "final %q is not a terminal state", s.Final)
	}
	for i, n := range s.RestartAfter {
		if n < 0 || n > len(s.Answers) {
			return bad("restartAfter", i+1, "restartAfter %d is not an answer number", n)
		}
	}
	return nil
}
