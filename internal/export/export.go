package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/enrollfsm/enrollfsm/flows"
)

// Format is an export format.
type Format string

// The formats.
const (
	// XState is an XState v5 machine config as JSON: guards and actions
	// are named, with params, and implemented by whoever loads it.
	XState Format = "xstate"
	// XStateJS is an ES module: the same config passed to xstate's
	// setup().createMachine(), with the guards and the context's actions
	// implemented, and the host's actions as no-ops to provide.
	XStateJS Format = "xstate-js"
	// SCXML is a W3C SCXML document with the ECMAScript data model.
	SCXML Format = "scxml"
)

// Formats lists every format.
func Formats() []Format { return []Format{XState, XStateJS, SCXML} }

// Ext is the file name extension of f, with its leading dot.
func (f Format) Ext() string {
	switch f {
	case XState:
		return ".xstate.json"
	case XStateJS:
		return ".xstate.mjs"
	case SCXML:
		return ".scxml"
	}
	return ""
}

// FileName is the name of flow's file in format f: "full.xstate.json".
func FileName(flow string, f Format) string { return flow + f.Ext() }

// ErrFormat is returned for a format not in Formats.
type ErrFormat struct{ Format Format }

func (e *ErrFormat) Error() string {
	names := make([]string, 0, 3)
	for _, f := range Formats() {
		names = append(names, string(f))
	}
	return fmt.Sprintf("unknown format %q: want %s", e.Format, strings.Join(names, ", "))
}

// Export writes table t in format f.
func Export(t *flows.Table, f Format) ([]byte, error) {
	m, err := build(t)
	if err != nil {
		return nil, err
	}
	switch f {
	case XState:
		return m.xstateJSON()
	case XStateJS:
		return m.xstateJS()
	case SCXML:
		return m.scxml(), nil
	}
	return nil, &ErrFormat{Format: f}
}

// obj is a JSON object that keeps its keys in order.
type obj []param

func (o obj) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, kv := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(kv.key)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(kv.value)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func (n named) value() obj {
	o := obj{{"type", n.typ}}
	if len(n.params) > 0 {
		o = append(o, param{"params", obj(n.params)})
	}
	return o
}

func values(ns []named) []obj {
	out := make([]obj, len(ns))
	for i, n := range ns {
		out[i] = n.value()
	}
	return out
}

// config is the machine config XState reads, in the table's order.
func (m *machine) config() obj {
	states := obj{}
	for _, n := range m.states {
		st := obj{}
		if n.kind == flows.Terminal {
			st = append(st, param{"type", "final"})
		}
		st = append(st, param{"description", n.description})
		if len(n.entry) > 0 {
			st = append(st, param{"entry", values(n.entry)})
		}
		if len(n.on) > 0 {
			on := obj{}
			for _, tr := range n.on {
				t := obj{{"target", string(tr.target)}}
				if tr.reenter {
					t = append(t, param{"reenter", true})
				}
				if tr.guard != nil {
					t = append(t, param{"guard", tr.guard.value()})
				}
				if len(tr.actions) > 0 {
					t = append(t, param{"actions", values(tr.actions)})
				}
				if tr.description != "" {
					t = append(t, param{"description", tr.description})
				}
				on = append(on, param{string(tr.event), t})
			}
			st = append(st, param{"on", on})
		}
		states = append(states, param{string(n.name), st})
	}
	return obj{
		{"id", m.id},
		{"description", m.description},
		{"initial", string(m.initial)},
		{"context", obj{{ctxInterrupted, nil}, {ctxVerified, nil}, {ctxRestored, false}}},
		{"states", states},
	}
}

func (m *machine) xstateJSON() ([]byte, error) {
	out, err := json.MarshalIndent(m.config(), "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

// jsImpl are the implementations of the guards and of the actions that
// change the context, in the xstate-js module.
var jsImpl = map[string]string{
	guardInterruptedIs:    "({ context }, params) => context." + ctxInterrupted + " === params.call",
	guardMayHaveEnrolled:  "({ context }, params) => params.calls.includes(context." + ctxInterrupted + ")",
	guardVerifiedIs:       "({ context }, params) => context." + ctxVerified + " === params.call",
	guardRestoredAt:       "({ context }, params) => context." + ctxRestored + " && (params.held === 'interrupted' ? context." + ctxInterrupted + " : context." + ctxVerified + ") === params.call",
	guardRestored:         "({ context }, params) => context." + ctxRestored,
	actKeepInterruption:   "assign(({ context }, params) => ({\n      " + ctxInterrupted + ": params.call,\n      " + ctxVerified + ": params.mayHaveEnrolled ? params.call : context." + ctxVerified + ",\n    }))",
	actAwaitVerification:  "assign((_, params) => ({ " + ctxVerified + ": params.call }))",
	actForgetInterruption: "assign({ " + ctxInterrupted + ": null, " + ctxVerified + ": null })",
}

func (m *machine) xstateJS() ([]byte, error) {
	cfg, err := json.MarshalIndent(m.config(), "", "  ")
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "// The %s flow as an XState v5 machine. Generated from its table by\n", m.id)
	fmt.Fprintf(&b, "// `enroll export -format xstate-js -flow %s` (go generate ./...): do not edit.\n", m.id)
	b.WriteString("// docs/export.md: importing it into Stately Studio or VS Code, and what the\n// guards and actions mean.\n")
	b.WriteString("import { assign, setup } from 'xstate';\n\n")
	b.WriteString("export const machine = setup({\n  guards: {\n")
	for _, g := range m.guardTypes() {
		fmt.Fprintf(&b, "    %s: %s,\n", g, jsImpl[g])
	}
	b.WriteString("  },\n  actions: {\n")
	var host []string
	for _, a := range m.actionTypes() {
		if impl, ok := jsImpl[a]; ok {
			fmt.Fprintf(&b, "    %s: %s,\n", a, impl)
		} else {
			host = append(host, a)
		}
	}
	if len(host) > 0 {
		b.WriteString("    // What the engine does on entry and on the edges: the host's to provide.\n")
		for _, a := range host {
			fmt.Fprintf(&b, "    %s: () => {},\n", a)
		}
	}
	b.WriteString("  },\n}).createMachine(")
	b.Write(cfg)
	b.WriteString(");\n")
	return []byte(b.String()), nil
}
