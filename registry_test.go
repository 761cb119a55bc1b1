package enrollfsm_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/enrollment"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/flows"
	"github.com/enrollfsm/enrollfsm/flows/full"
)

// One registry: every flow New accepts is listed and described, and every
// table is one of them.
func TestRegistry_FlowsTablesAndDescriptionsAgree(t *testing.T) {
	tables := enrollfsm.Tables()
	for _, f := range enrollfsm.Flows() {
		info, ok := enrollfsm.Describe(f)
		require.True(t, ok, f)
		assert.Equal(t, f, info.Name)
		assert.NotEmpty(t, info.Summary, f)
		if f != enrollfsm.FlowAuto {
			assert.Contains(t, tables, f)
			assert.Equal(t, info.Enrollment, tables[f].Enrollment, f)
		}
	}
	assert.Len(t, tables, len(enrollfsm.Flows())-1, "every flow but auto has a table")
	for _, f := range enrollfsm.Flows() {
		info, _ := enrollfsm.Describe(f)
		opts := []enrollfsm.Option{enrollfsm.WithVIN("VR1AB12C3D4567890")}
		if info.MinSDK != "" {
			opts = append(opts, enrollfsm.WithSDKVersion(info.MinSDK))
		}
		_, err := enrollfsm.New(f, opts...)
		assert.NoError(t, err, "%s runs from its minimum SDK %q on", f, info.MinSDK)
	}
	_, err := enrollfsm.New("sideways")
	require.ErrorIs(t, err, pimserr.ErrConfig)
	assert.ErrorContains(t, err, "remove_vehicle", "the refusal names the flows")
}

// What Tables hands out is the caller's: changing it changes no engine.
func TestTables_AreCopies(t *testing.T) {
	tab := enrollfsm.Tables()[enrollfsm.FlowFull]
	for i := range tab.Spec.States {
		tab.Spec.States[i].Edges = nil
	}
	e, err := enrollfsm.New(enrollfsm.FlowFull)
	require.NoError(t, err)
	assert.Equal(t, "1", e.Next().Call.Step)
	assert.NotEmpty(t, enrollfsm.Tables()[enrollfsm.FlowFull].Spec.States[1].Edges)
}

// The compiled tables are package variables a host can reach: one whose
// edges a host reordered or emptied changes no engine, which runs on its
// own copies. A whole run takes the same transitions to the same end, and
// counts the same.
func TestTables_TheExportedTablesReachNoEngine(t *testing.T) {
	run := func() ([]enrollment.Event, enrollfsm.Counters) {
		return sequence(t, fullRun), playEngine(t, fullRun).Counters()
	}
	want, wantCounts := run()
	states := full.Table.Spec.States
	saved := make([][]flows.Edge, len(states))
	for i := range states {
		saved[i] = states[i].Edges
	}
	defer func() {
		for i := range states {
			states[i].Edges = saved[i]
		}
	}()
	for i := range states {
		states[i].Edges = slices.Clone(saved[i])
		slices.Reverse(states[i].Edges)
	}
	seq, counts := run()
	assert.Equal(t, want, seq, "reordered")
	assert.Equal(t, wantCounts, counts, "reordered")
	for i := range states {
		states[i].Edges = nil
	}
	seq, counts = run()
	assert.Equal(t, want, seq, "emptied")
	assert.Equal(t, wantCounts, counts, "emptied")
}

// The engine knows no state or event of any flow: the tables say where each
// reply and answer leads and what the edge changes. It names only the
// events every machine shares (begin, the interruption and its retry,
// cancel, failure) and the failed state, and no prompt: which answer a
// prompt gives is for steps.Inputs to say. The core is read too.
func TestEngine_NamesNoStateOrEventOfAFlow(t *testing.T) {
	shared := map[string]bool{
		"Begin": true, "CallInterrupted": true, "CancelRequested": true, "CallFailed": true,
		"VerifyRequested": true, "RetryEvent": true, "Failed": true,
		// the public vocabulary, re-exported in types.go
		"Enrolled": true, "Done": true, "Cancelled": true,
		// what every run has, whatever its flow
		"PendingCall": true, "PendingPrompt": true, "PendingNone": true, "Android": true, "IOS": true,
		"AnswerLost": true, "AttemptsExhausted": true, "ActionRetry": true,
	}
	vocabulary := map[string]bool{}
	fset := token.NewFileSet()
	for _, dir := range []string{"enrollment"} {
		pkgs, err := parser.ParseDir(fset, dir, func(fi os.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
		require.NoError(t, err)
		for _, p := range pkgs {
			for _, f := range p.Files {
				for _, d := range f.Decls {
					if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.CONST {
						for _, spec := range g.Specs {
							for _, n := range spec.(*ast.ValueSpec).Names {
								vocabulary[n.Name] = true
							}
						}
					}
				}
			}
		}
	}
	require.True(t, vocabulary["CheckingPIN"], "the vocabulary was read")
	var files []string
	for _, dir := range []string{".", "internal/core"} {
		entries, err := os.ReadDir(dir)
		require.NoError(t, err)
		for _, fi := range entries {
			name := fi.Name()
			// types.go re-exports the vocabulary; registry.go is the one
			// place that lists the flows.
			if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") || name == "types.go" || name == "registry.go" {
				continue
			}
			files = append(files, filepath.Join(dir, name))
		}
	}
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, 0)
		require.NoError(t, err)
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if x, ok := sel.X.(*ast.Ident); ok && x.Name == "enrollment" && vocabulary[sel.Sel.Name] && !shared[sel.Sel.Name] {
				t.Errorf("%s: names enrollment.%s", fset.Position(sel.Pos()), sel.Sel.Name)
			}
			return true
		})
	}
}

// Settings.Options gives a new engine the settings it was built from.
func TestSettings_OptionsRoundTrip(t *testing.T) {
	want := enrollfsm.Settings{Flow: enrollfsm.FlowRemoveVehicle, Platform: enrollfsm.IOS, SDKVersion: "2.0.0", AutoRemove: true, VIN: "VR1AB12C3D4567890"}
	e, err := enrollfsm.New(want.Flow, want.Options()...)
	require.NoError(t, err)
	assert.Equal(t, want, e.Settings())
	_, err = enrollfsm.New(enrollfsm.FlowFull, enrollfsm.Settings{Platform: "symbian"}.Options()...)
	assert.ErrorIs(t, err, pimserr.ErrConfig)
}
