package pims

import (
	"encoding/json"
	"fmt"
	"iter"
	"log/slog"
	"slices"
	"strings"
)

// param is one string parameter of a request. Unexported: nothing hands
// one out, so none can be printed without its mask.
type param struct {
	name  string
	value string
}

// Params are a request's parameters: string values by name, in the order the
// call declares them. A Params is immutable, so the engine shares one between
// requests (step 8 sends what step 7 sent) and a host may keep it: no holder
// can change another's. The zero Params is empty.
//
// Params hold the real PIN and SMS code: pass them to the SDK and nowhere
// else. Printing them (String, fmt verbs, slog, JSON) masks those, and masks
// the phone number, and fmt over a struct that holds Params in an
// unexported field prints an address; Map, All and Get give the real
// values. Params decode from a JSON object of strings, as a
// map[string]string does (what MarshalJSON wrote decodes to its masks).
type Params struct {
	// list is nil when empty, and never written once built: copies share
	// it. A pointer, so that reflection over a struct that holds Params
	// (fmt on an unexported field) prints an address, as for
	// redact.Secret, not the values, while reflect.DeepEqual (testify's
	// Equal) still compares every parameter.
	list *[]param
	// Params are not comparable with ==, which would compare addresses.
	_ [0]func()
}

// newList returns an empty list with room for n parameters. Up to four
// (every call of the facade sends at most four), the list and its room are
// one allocation, as a slice alone was.
func newList(n int) *[]param {
	if n > 4 {
		l := make([]param, 0, n)
		return &l
	}
	b := new(struct {
		l []param
		a [4]param
	})
	b.l = b.a[:0]
	return &b.l
}

// params is the parameters as a slice: read it, never write to it.
func (p Params) params() []param {
	if p.list == nil {
		return nil
	}
	return *p.list
}

// ParamsFrom returns the parameters of m, sorted by name.
func ParamsFrom(m map[string]string) Params {
	if len(m) == 0 {
		return Params{}
	}
	l := newList(len(m))
	for k, v := range m {
		*l = append(*l, param{name: k, value: v})
	}
	slices.SortFunc(*l, byName)
	return Params{list: l}
}

func byName(a, b param) int { return strings.Compare(a.name, b.name) }

// Pairs returns the parameters of name, value pairs, in order:
// Pairs("action", "enroll", "pinCode", pin). A name given twice keeps its
// last value, as a map would; a lone last name gets an empty value.
func Pairs(kv ...string) Params {
	if len(kv) == 0 {
		return Params{}
	}
	l := newList((len(kv) + 1) / 2)
	for i := 0; i < len(kv); i += 2 {
		p := param{name: kv[i]}
		if i+1 < len(kv) {
			p.value = kv[i+1]
		}
		if j := indexOf(*l, p.name); j >= 0 {
			(*l)[j].value = p.value
			continue
		}
		*l = append(*l, p)
	}
	return Params{list: l}
}

func indexOf(ps []param, name string) int {
	for i := range ps {
		if ps[i].name == name {
			return i
		}
	}
	return -1
}

// Len returns the number of parameters.
func (p Params) Len() int { return len(p.params()) }

// Get returns the value of parameter name.
func (p Params) Get(name string) (string, bool) {
	l := p.params()
	if i := indexOf(l, name); i >= 0 {
		return l[i].value, true
	}
	return "", false
}

// Value returns the value of parameter name, "" if it is absent.
func (p Params) Value(name string) string {
	v, _ := p.Get(name)
	return v
}

// All yields each parameter, in order.
func (p Params) All() iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		for _, q := range p.params() {
			if !yield(q.name, q.value) {
				return
			}
		}
	}
}

// Sorted yields each parameter in order of name: what a transcript or a
// page shows, the same whatever order the call declares them in.
func (p Params) Sorted() iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		for _, q := range p.sorted() {
			if !yield(q.name, q.value) {
				return
			}
		}
	}
}

func (p Params) sorted() []param {
	l := slices.Clone(p.params())
	slices.SortFunc(l, byName)
	return l
}

// Map returns the parameters as a new map, real values included: for a
// bridge that hands the SDK a map.
func (p Params) Map() map[string]string {
	m := make(map[string]string, p.Len())
	for _, q := range p.params() {
		m[q.name] = q.value
	}
	return m
}

// Equal reports whether both hold the same values by name, in any order.
func (p Params) Equal(o Params) bool {
	if p.Len() != o.Len() {
		return false
	}
	for _, q := range p.params() {
		if v, ok := o.Get(q.name); !ok || v != q.value {
			return false
		}
	}
	return true
}

// Redacted returns a copy of the parameters fit for logs and transcripts:
// secrets masked, phone numbers masked.
func (p Params) Redacted() map[string]string {
	out := make(map[string]string, p.Len())
	for _, q := range p.params() {
		out[q.name] = redactParam(q.name, q.value)
	}
	return out
}

// String renders the parameters sorted by name, masked:
// "action=enroll pinCode=••••".
func (p Params) String() string {
	var b strings.Builder
	p.writeTo(&b)
	return b.String()
}

func (p Params) writeTo(b *strings.Builder) {
	for i, q := range p.sorted() {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(q.name)
		b.WriteByte('=')
		b.WriteString(redactParam(q.name, q.value))
	}
}

// Format prints String for every verb, so %v, %+v and %#v never show a secret.
func (p Params) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(p.String())) }

// GoString prints String.
func (p Params) GoString() string { return p.String() }

// LogValue makes slog print the masked parameters.
func (p Params) LogValue() slog.Value { return slog.AnyValue(p.Redacted()) }

// MarshalJSON writes the masked parameters as an object, so that a host
// encoding what it observes never writes a secret; Request.WireJSON writes
// the real ones.
func (p Params) MarshalJSON() ([]byte, error) { return json.Marshal(p.Redacted()) }

// UnmarshalJSON reads a JSON object of strings, as Request.WireJSON writes
// it: the parameters sorted by name, as ParamsFrom gives them. A value that
// is not a string is a *json.UnmarshalTypeError; null is no parameter.
func (p *Params) UnmarshalJSON(data []byte) error {
	var m map[string]string
	if err := json.Unmarshal(data, &m); err != nil {
		return err
	}
	*p = ParamsFrom(m)
	return nil
}
