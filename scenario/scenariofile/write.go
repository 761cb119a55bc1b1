package scenariofile

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/enrollfsm/enrollfsm"
)

// Marshal writes s in the canonical style of testdata/scenarios: the keys
// in a fixed order (the order of docs/contract.md §6, with limits and
// restartAfter before the answers), two spaces of indent, one answer and
// one exchange per line, every other value on its key's line, and a final
// newline. A reply keeps its keys, numbers and strings as given, spaced as
// the rest. Marshal refuses, with an *Error, a scenario that Parse would
// refuse, so what it writes parses back to s; a file in this style
// round-trips byte for byte.
func Marshal(s *Scenario) ([]byte, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteByte('{')
	sep := "\n  "
	key := func(k string) {
		b.WriteString(sep)
		sep = ",\n  "
		writeString(&b, k)
		b.WriteString(": ")
	}
	key("name")
	writeString(&b, s.Name)
	key("flow")
	writeString(&b, s.Flow)
	if s.Platform != "" {
		key("platform")
		writeString(&b, s.Platform)
	}
	if s.SDKVersion != "" {
		key("sdkVersion")
		writeString(&b, s.SDKVersion)
	}
	if len(s.Inputs) > 0 {
		key("inputs")
		b.WriteByte('{')
		for i, k := range sortedKeys(s.Inputs) {
			if i > 0 {
				b.WriteString(", ")
			}
			writeString(&b, k)
			b.WriteString(": ")
			writeString(&b, s.Inputs[k])
		}
		b.WriteByte('}')
	}
	if s.AutoRemove {
		key("autoRemove")
		b.WriteString("true")
	}
	if s.Limits != nil {
		key("limits")
		writeLimits(&b, *s.Limits)
	}
	if len(s.RestartAfter) > 0 {
		key("restartAfter")
		b.WriteByte('[')
		for i, n := range s.RestartAfter {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(strconv.Itoa(n))
		}
		b.WriteByte(']')
	}
	key("answers")
	writeLines(&b, len(s.Answers), func(i int) { writeAnswer(&b, s.Answers[i]) })
	key("exchanges")
	writeLines(&b, len(s.Exchanges), func(i int) { writeExchange(&b, s.Exchanges[i]) })
	key("final")
	writeString(&b, s.Final)
	if s.Failure != "" {
		key("failure")
		writeString(&b, s.Failure)
	}
	if s.Path != nil {
		key("path")
		b.WriteByte('[')
		for i, st := range s.Path {
			if i > 0 {
				b.WriteString(", ")
			}
			writeString(&b, st)
		}
		b.WriteByte(']')
	}
	b.WriteString("\n}\n")
	return b.Bytes(), nil
}

// writeLines writes a list one entry per line, or [] when empty.
func writeLines(b *bytes.Buffer, n int, one func(int)) {
	if n == 0 {
		b.WriteString("[]")
		return
	}
	b.WriteByte('[')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n    ")
		one(i)
	}
	b.WriteString("\n  ]")
}

// fields writes the members of one line's object, skipping empty ones.
type fields struct {
	b     *bytes.Buffer
	first bool
}

func (f *fields) key(k string) {
	if !f.first {
		f.b.WriteString(", ")
	}
	f.first = false
	writeString(f.b, k)
	f.b.WriteString(": ")
}

func (f *fields) str(k, v string) {
	if v != "" {
		f.key(k)
		writeString(f.b, v)
	}
}

func writeAnswer(b *bytes.Buffer, a Answer) {
	b.WriteByte('{')
	f := fields{b: b, first: true}
	f.str("prompt", a.Prompt)
	if a.Value != nil {
		f.key("value")
		writeString(b, *a.Value)
	}
	f.str("action", a.Action)
	f.str("wait", a.Wait)
	b.WriteByte('}')
}

func writeExchange(b *bytes.Buffer, x Exchange) {
	b.WriteByte('{')
	f := fields{b: b, first: true}
	f.str("op", x.Op)
	f.str("api", x.API)
	f.key("params")
	writeParams(b, x.Params)
	if len(x.Reply) > 0 {
		f.key("reply")
		writeSpaced(b, x.Reply)
	}
	f.str("bridgeError", x.BridgeError)
	b.WriteByte('}')
}

func writeParams(b *bytes.Buffer, p Params) {
	b.WriteByte('{')
	for i, q := range p {
		if i > 0 {
			b.WriteString(", ")
		}
		writeString(b, q.Name)
		b.WriteString(": ")
		writeString(b, q.Value)
	}
	b.WriteByte('}')
}

func writeLimits(b *bytes.Buffer, l enrollfsm.Limits) {
	b.WriteByte('{')
	f := fields{b: b, first: true}
	for _, c := range []struct {
		k string
		n int
	}{{"codeAttempts", l.CodeAttempts}, {"resends", l.Resends}, {"pinAttempts", l.PINAttempts},
		{"removals", l.Removals}, {"readAttempts", l.ReadAttempts}} {
		f.key(c.k)
		b.WriteString(strconv.Itoa(c.n))
	}
	f.key("backoff")
	writeString(b, l.Backoff.String())
	f.key("codeTTL")
	writeString(b, l.CodeTTL.String())
	b.WriteByte('}')
}

// writeString writes v as a JSON string, leaving <, > and & as they are.
func writeString(b *bytes.Buffer, v string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)       // a string always encodes
	b.Truncate(b.Len() - 1) // Encode's newline
}

// writeSpaced writes valid JSON on one line, as the files space it: ", "
// after a comma, ": " after a colon, no other space outside strings.
// Strings and numbers are copied byte for byte, escapes included.
func writeSpaced(b *bytes.Buffer, raw []byte) {
	inString, escaped := false, false
	for _, c := range raw {
		if inString {
			b.WriteByte(c)
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case ' ', '\t', '\n', '\r':
		case '"':
			inString = true
			b.WriteByte(c)
		case ',':
			b.WriteString(", ")
		case ':':
			b.WriteString(": ")
		default:
			b.WriteByte(c)
		}
	}
}
