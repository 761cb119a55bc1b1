package export_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/enrollment"
	"github.com/enrollfsm/enrollfsm/flows"
	"github.com/enrollfsm/enrollfsm/fsm"
	"github.com/enrollfsm/enrollfsm/internal/export"
)

// guarded reports whether the edge of ev needs the interruption the run
// remembers: the retries, the resumes and the verification request.
func guarded(ev enrollment.Event) bool {
	_, retry := enrollment.RetryTarget(ev)
	_, resume := enrollment.ResumeTarget(ev)
	_, lost := enrollment.AnswersLostCall(ev)
	return retry || resume || lost || ev == enrollment.VerifyRequested || ev == enrollment.AnswerLost || ev == enrollment.AttemptsExhausted
}

type xTransition struct {
	Target      string `json:"target"`
	Description string `json:"description"`
	Reenter     bool   `json:"reenter"`
	Guard       *struct {
		Type   string         `json:"type"`
		Params map[string]any `json:"params"`
	} `json:"guard"`
	Actions []struct {
		Type   string         `json:"type"`
		Params map[string]any `json:"params"`
	} `json:"actions"`
}

type xConfig struct {
	ID          string         `json:"id"`
	Description string         `json:"description"`
	Initial     string         `json:"initial"`
	Context     map[string]any `json:"context"`
	States      map[string]struct {
		Type        string `json:"type"`
		Description string `json:"description"`
		Entry       []struct {
			Type   string         `json:"type"`
			Params map[string]any `json:"params"`
		} `json:"entry"`
		On map[string]xTransition `json:"on"`
	} `json:"states"`
}

// The XState config has every state and every transition of the table, a
// guard on exactly the edges that need the interruption, and the actions
// that keep it on exactly the edges whose effects keep it.
func TestXState_HoldsTheTable(t *testing.T) {
	for name, tab := range enrollfsm.Tables() {
		data, err := export.Export(tab, export.XState)
		require.NoError(t, err)
		var cfg xConfig
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		require.NoError(t, dec.Decode(&cfg), name)
		assert.Equal(t, string(name), cfg.ID)
		assert.Equal(t, string(enrollment.Start), cfg.Initial)
		assert.Equal(t, map[string]any{"interruptedCall": nil, "verifiedCall": nil, "restored": false}, cfg.Context)
		require.Len(t, cfg.States, len(tab.Spec.States), name)
		rows := 0
		for _, st := range tab.Spec.States {
			x, ok := cfg.States[string(st.Name)]
			require.True(t, ok, "%s: state %s", name, st.Name)
			assert.Equal(t, st.Kind == flows.Terminal, x.Type == "final", "%s: %s", name, st.Name)
			switch st.Kind {
			case flows.Calling:
				require.Len(t, x.Entry, 1)
				assert.Equal(t, "call", x.Entry[0].Type)
				assert.Equal(t, st.Step.API, x.Entry[0].Params["api"])
			case flows.Waiting:
				require.Len(t, x.Entry, 1)
				assert.Equal(t, "ask", x.Entry[0].Type)
				assert.Equal(t, string(st.Prompt), x.Entry[0].Params["prompt"])
			}
			assert.Len(t, x.On, len(st.Edges), "%s: %s", name, st.Name)
			for _, e := range st.Edges {
				rows++
				tr, ok := x.On[string(e.Event)]
				require.True(t, ok, "%s: %s -%s->", name, st.Name, e.Event)
				assert.Equal(t, string(e.Dst), tr.Target)
				assert.Equal(t, e.Dst == st.Name, tr.Reenter, "a self-loop makes its call again")
				assert.Equal(t, guarded(e.Event), tr.Guard != nil, "%s: %s -%s->", name, st.Name, e.Event)
				var types []string
				for _, a := range tr.Actions {
					types = append(types, a.Type)
				}
				assert.Equal(t, flows.Has(e.Effects, flows.InterruptionKept), contains(types, "keepInterruption"), "%s: %s -%s->", name, st.Name, e.Event)
				_, fails := tab.EdgeFailure(fsm.Row{Event: e.Event, Src: st.Name, Dst: e.Dst})
				assert.Equal(t, fails, contains(types, "recordFailure"))
			}
		}
		assert.Equal(t, len(tab.Def.Rows()), rows, name)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// The SCXML document is well-formed XML in the SCXML namespace, with every
// state, every transition (a cond where the XState config has a guard),
// and no target that is not a state.
func TestSCXML_HoldsTheTable(t *testing.T) {
	for name, tab := range enrollfsm.Tables() {
		data, err := export.Export(tab, export.SCXML)
		require.NoError(t, err)
		type tr struct{ event, target, cond string }
		states := map[string][]tr{}
		finals := map[string]bool{}
		var cur, initial, ns string
		dec := xml.NewDecoder(bytes.NewReader(data))
		for {
			tok, err := dec.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			require.NoError(t, err, name)
			el, ok := tok.(xml.StartElement)
			if !ok {
				continue
			}
			a := map[string]string{}
			for _, at := range el.Attr {
				a[at.Name.Local] = at.Value
			}
			switch el.Name.Local {
			case "scxml":
				initial, ns = a["initial"], el.Name.Space
				assert.Equal(t, "ecmascript", a["datamodel"])
			case "state", "final":
				cur = a["id"]
				_, dup := states[cur]
				require.False(t, dup, "%s: state %s twice", name, cur)
				states[cur] = nil
				finals[cur] = el.Name.Local == "final"
			case "transition":
				states[cur] = append(states[cur], tr{a["event"], a["target"], a["cond"]})
			}
		}
		assert.Equal(t, "http://www.w3.org/2005/07/scxml", ns)
		assert.Equal(t, string(enrollment.Start), initial)
		require.Len(t, states, len(tab.Spec.States), name)
		for _, st := range tab.Spec.States {
			got, ok := states[string(st.Name)]
			require.True(t, ok, "%s: %s", name, st.Name)
			assert.Equal(t, st.Kind == flows.Terminal, finals[string(st.Name)])
			require.Len(t, got, len(st.Edges), "%s: %s", name, st.Name)
			for i, e := range st.Edges {
				assert.Equal(t, string(e.Event), got[i].event)
				assert.Equal(t, string(e.Dst), got[i].target)
				assert.Equal(t, guarded(e.Event), got[i].cond != "", "%s: %s -%s->", name, st.Name, e.Event)
				if c, ok := enrollment.RetryTarget(e.Event); ok {
					assert.Equal(t, fmt.Sprintf("interruptedCall === '%s'", c), got[i].cond)
				}
			}
		}
	}
}

// Every kind of effect has an action: a kind added to flows without one
// fails here, as Export would.
func TestExport_EveryEffectHasAnAction(t *testing.T) {
	for k := flows.EffectKind(1); ; k++ {
		if (flows.Effect{Kind: k}).Label(nil) == "?" {
			require.Greater(t, int(k), 5, "the effects start at 1")
			break
		}
		tab := flows.MustCompile(flows.Spec{
			About: flows.About{Name: "one"},
			States: []flows.State{
				flows.Begin(enrollment.Done),
				flows.End(enrollment.Done),
			},
		})
		tab.Spec.States[0].Edges[0] = tab.Spec.States[0].Edges[0].Does(flows.Effect{Kind: k, Code: flows.EnrollmentCode})
		_, err := export.Export(tab, export.XState)
		assert.NoError(t, err, "effect %s", (flows.Effect{Kind: k}).Label(nil))
	}
}

func TestExport_UnknownFormat(t *testing.T) {
	_, err := export.Export(enrollfsm.Tables()[enrollfsm.FlowFull], "yaml")
	var ef *export.ErrFormat
	require.ErrorAs(t, err, &ef)
	assert.Contains(t, err.Error(), `unknown format "yaml": want xstate, xstate-js, scxml`)
	assert.Equal(t, "full.xstate.mjs", export.FileName("full", export.XStateJS))
}

// The module is the JSON config handed to xstate's setup(), with an
// implementation for every guard and action it names.
func TestXStateJS_ImplementsWhatItNames(t *testing.T) {
	for name, tab := range enrollfsm.Tables() {
		js, err := export.Export(tab, export.XStateJS)
		require.NoError(t, err)
		cfg, err := export.Export(tab, export.XState)
		require.NoError(t, err)
		src := string(js)
		assert.Contains(t, src, "import { assign, setup } from 'xstate';")
		assert.Contains(t, src, "}).createMachine("+strings.TrimSuffix(string(cfg), "\n")+");\n", name)
		var c xConfig
		require.NoError(t, json.Unmarshal(cfg, &c))
		for _, st := range c.States {
			for _, a := range st.Entry {
				assert.Contains(t, src, "\n    "+a.Type+": ", name)
			}
			for _, tr := range st.On {
				if tr.Guard != nil {
					assert.Contains(t, src, "\n    "+tr.Guard.Type+": ({ context }, params) => ", name)
				}
				for _, a := range tr.Actions {
					assert.Contains(t, src, "\n    "+a.Type+": ", name)
				}
			}
		}
	}
}

// Any text round-trips through an SCXML attribute: the decoder reads back
// what the encoder quoted, and no raw whitespace but spaces is left for a
// conforming parser to normalise into spaces.
func TestSCXML_AttributesRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.StringMatching(`[ -~\n\t\r]{0,20}`).Draw(t, "s")
		q := export.Attr(s)
		assert.False(t, strings.ContainsAny(q[1:len(q)-1], "\t\n\r<\""), q)
		var v struct {
			A string `xml:"a,attr"`
		}
		require.NoError(t, xml.Unmarshal([]byte("<x a="+q+"/>"), &v))
		assert.Equal(t, s, v.A)
	})
}
