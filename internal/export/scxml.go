package export

import (
	"fmt"
	"strings"

	"github.com/enrollfsm/enrollfsm/flows"
)

// scxml writes the machine as a W3C SCXML document with the ECMAScript data
// model: the context is its datamodel, a guard a cond, the actions that
// change the context <assign>s, and every other action a <log> whose label
// is the action's name and whose expr says what it does.
func (m *machine) scxml() []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	fmt.Fprintf(&b, "<!-- The %s flow as SCXML. Generated from its table by\n", m.id)
	fmt.Fprintf(&b, "     `enroll export -format scxml -flow %s` (go generate ./...): do not edit.\n", m.id)
	b.WriteString("     docs/export.md says what the conds and the logged actions mean. -->\n")
	fmt.Fprintf(&b, `<scxml xmlns="http://www.w3.org/2005/07/scxml" version="1.0" name=%s initial=%s datamodel="ecmascript">`+"\n",
		attr(m.id), attr(string(m.initial)))
	b.WriteString("  <datamodel>\n")
	for _, id := range []string{ctxInterrupted, ctxVerified} {
		fmt.Fprintf(&b, "    <data id=%s expr=\"null\"/>\n", attr(id))
	}
	fmt.Fprintf(&b, "    <data id=%s expr=\"false\"/>\n", attr(ctxRestored))
	b.WriteString("  </datamodel>\n")
	for _, n := range m.states {
		tag := "state"
		if n.kind == flows.Terminal {
			tag = "final"
		}
		fmt.Fprintf(&b, "  <%s id=%s>\n", tag, attr(string(n.name)))
		if len(n.entry) > 0 {
			b.WriteString("    <onentry>\n")
			for _, a := range n.entry {
				writeAction(&b, "      ", a)
			}
			b.WriteString("    </onentry>\n")
		}
		for _, tr := range n.on {
			fmt.Fprintf(&b, "    <transition event=%s target=%s", attr(string(tr.event)), attr(string(tr.target)))
			if tr.guard != nil {
				fmt.Fprintf(&b, " cond=%s", attr(cond(*tr.guard)))
			}
			if len(tr.actions) == 0 {
				b.WriteString("/>\n")
				continue
			}
			b.WriteString(">\n")
			for _, a := range tr.actions {
				writeAction(&b, "      ", a)
			}
			b.WriteString("    </transition>\n")
		}
		fmt.Fprintf(&b, "  </%s>\n", tag)
	}
	b.WriteString("</scxml>\n")
	return []byte(b.String())
}

// cond is a guard as an ECMAScript expression over the datamodel.
func cond(g named) string {
	switch g.typ {
	case guardInterruptedIs:
		return ctxInterrupted + " === " + jsString(g.params[0].value.(string))
	case guardVerifiedIs:
		return ctxVerified + " === " + jsString(g.params[0].value.(string))
	case guardMayHaveEnrolled:
		calls := g.params[0].value.([]string)
		quoted := make([]string, len(calls))
		for i, c := range calls {
			quoted[i] = jsString(c)
		}
		return "[" + strings.Join(quoted, ", ") + "].indexOf(" + ctxInterrupted + ") >= 0"
	case guardRestoredAt:
		held := ctxInterrupted
		if g.params[1].value.(string) == "verified" {
			held = ctxVerified
		}
		return ctxRestored + " && " + held + " === " + jsString(g.params[0].value.(string))
	case guardRestored:
		return ctxRestored
	}
	panic("export: no cond for guard " + g.typ)
}

func writeAction(b *strings.Builder, indent string, a named) {
	assign := func(loc, expr string) {
		fmt.Fprintf(b, "%s<assign location=%s expr=%s/>\n", indent, attr(loc), attr(expr))
	}
	switch a.typ {
	case actKeepInterruption:
		call := a.params[0].value.(string)
		assign(ctxInterrupted, jsString(call))
		if a.params[1].value.(bool) {
			assign(ctxVerified, jsString(call))
		}
	case actAwaitVerification:
		assign(ctxVerified, jsString(a.params[0].value.(string)))
	case actForgetInterruption:
		assign(ctxInterrupted, "null")
		assign(ctxVerified, "null")
	default:
		var said []string
		for _, p := range a.params {
			v := p.value
			if list, ok := v.([]string); ok {
				v = strings.Join(list, " ")
			}
			said = append(said, fmt.Sprintf("%s=%v", p.key, v))
		}
		fmt.Fprintf(b, "%s<log label=%s expr=%s/>\n", indent, attr(a.typ), attr(jsString(strings.Join(said, ", "))))
	}
}

// jsString quotes s for ECMAScript; the names it quotes hold no quote or
// backslash, but a step's name might one day.
func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// attr quotes s as an XML attribute value.
func attr(s string) string {
	return `"` + strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "\n", "&#10;", "\t", "&#9;", "\r", "&#13;").Replace(s) + `"`
}
