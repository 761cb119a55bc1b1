// Package docgen writes the documentation of the machines from their tables,
// so that it cannot drift from the code: a page per flow and account
// operation with its pictures (Mermaid, Graphviz DOT and SVG) and every
// transition, the error catalogue, the path enumeration that serves as a
// test plan, and an index. `go generate ./...` runs it; a test regenerates
// it and fails on any difference with docs/.
package docgen

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/flows"
	"github.com/enrollfsm/enrollfsm/internal/export"
)

// HandWritten are the pages of docs/ written by hand that the index
// lists, with what each holds.
var HandWritten = []struct{ File, Title, Holds string }{
	{"contract.md", "Contract", "the behaviour contract: calls, states, errors, bounds, snapshots, the scenario format, the properties of every run"},
	{"architecture.md", "Architecture", "the centre of the engine: effects declared on the edges, the run state, the core and its driver, the flow registry"},
	{"snapshots.md", "Snapshots", "saving and restoring a run, sealing, what a restore refuses, the tampering table"},
	{"decisions.md", "Decisions", "the choices made where the sources disagree or are silent"},
	{"cli.md", "Command line", "the enroll command: its commands, flags and exit codes"},
	{"explorer.md", "Explorer", "enroll explore: walk a flow in a browser, step by step"},
	{"export.md", "Export", "enroll export: every flow as an XState machine or SCXML (copies in export/), for Stately Studio, VS Code and @xstate/graph, checked by XState itself"},
	{"mobile.md", "Mobile", "the engine in an Android or iOS app: building the .aar and .xcframework, Kotlin and Swift examples"},
	{"TESTING.md", "Testing", "the test layers and their commands, the property-test kit for app teams, the soak's figures"},
	{"PERFORMANCE.md", "Performance", "the benchmarks, their method and figures as ratios, and how to reproduce them"},
}

// Order returns the tables documented, in the order of the pages: the
// enrollment flows, then the account operations A to E.
func Order() []enrollfsm.Flow {
	tables := enrollfsm.Tables()
	var out []enrollfsm.Flow
	for _, f := range enrollfsm.Flows() {
		if _, ok := tables[f]; ok {
			out = append(out, f)
		}
	}
	return out
}

// ExportDir is the folder of docs/ that holds every flow's machine as
// `enroll export` writes it.
const ExportDir = "export"

// CheckPage writes docs/check.md for the tables in order: the figures of
// the exhaustive check, which the caller runs (checkdoc.Page), so that
// docgen does not link the test kit.
type CheckPage func(order []enrollfsm.Flow) (string, error)

// Files returns every generated file of docs/ by name, but the SVG
// pictures (see Pictures). root is the module's root folder, whose source
// gives the pages their comments and links; check writes check.md.
func Files(root string, check CheckPage) (map[string][]byte, error) {
	if check == nil {
		return nil, errors.New("docgen: no CheckPage to write check.md with")
	}
	notes, err := ReadNotes(root)
	if err != nil {
		return nil, err
	}
	tables := enrollfsm.Tables()
	order := Order()
	files := map[string][]byte{}
	for _, f := range order {
		t := tables[f]
		page, err := Page(f, t, notes, source(root, t))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		files[string(f)+".md"] = []byte(page)
		files[string(f)+".mmd"] = []byte(CompactMermaid(t))
		files[string(f)+".dot"] = []byte(CompactDOT(t))
	}
	files["errors.md"] = []byte(ErrorsPage(order, tables))
	files["paths.md"] = []byte(PathsPage(order, tables))
	page, err := check(order)
	if err != nil {
		return nil, fmt.Errorf("check.md: %w", err)
	}
	files["check.md"] = []byte(page)
	files["README.md"] = []byte(Index(order, tables))
	for _, f := range order {
		for _, format := range export.Formats() {
			data, err := export.Export(tables[f], format)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", f, err)
			}
			files[path.Join(ExportDir, export.FileName(string(f), format))] = data
		}
	}
	return files, nil
}

// Pictures renders the SVG of every DOT file in files with Graphviz.
func Pictures(files map[string][]byte) (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, name := range sortedNames(files) {
		if base, ok := strings.CutSuffix(name, ".dot"); ok {
			svg, err := RenderSVG(string(files[name]))
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			out[base+".svg"] = svg
		}
	}
	return out, nil
}

// Update rewrites the docs/ folder and the README's generated sections of
// the module at root, check.md with check. Without Graphviz it writes
// everything but the SVG pictures and returns an error matching ErrNoDot.
func Update(root string, check CheckPage) error {
	files, err := Files(root, check)
	if err != nil {
		return err
	}
	readme := filepath.Join(root, "README.md")
	old, err := os.ReadFile(readme)
	if err != nil {
		return err
	}
	doc, err := Readme(old)
	if err != nil {
		return err
	}
	docs := filepath.Join(root, "docs")
	if err := Write(docs, files); err != nil {
		return err
	}
	if err := os.WriteFile(readme, doc, 0o644); err != nil {
		return err
	}
	if _, err := DotVersion(); err != nil {
		return fmt.Errorf("docs/*.svg not regenerated: %w", err)
	}
	svgs, err := Pictures(files)
	if err != nil {
		return err
	}
	return Write(docs, svgs)
}

// Write writes files into dir.
func Write(dir string, files map[string][]byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, name := range sortedNames(files) {
		file := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(file, files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}

func sortedNames(files map[string][]byte) []string {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// source links a page to the file that declares its table, relative to
// docs/: a flow's own package, or the account operations' file.
func source(root string, t *flows.Table) string {
	rel := "account/account.go"
	if t.Enrollment {
		rel = filepath.ToSlash(filepath.Join("flows", t.Name, t.Name+".go"))
	}
	if _, err := os.Stat(filepath.Join(root, rel)); err != nil {
		return ""
	}
	return "../" + rel
}

// Index writes docs/README.md, which lists every page.
func Index(order []enrollfsm.Flow, tables map[enrollfsm.Flow]*flows.Table) string {
	var b strings.Builder
	b.WriteString(Header)
	b.WriteString("# Documentation\n\n")
	b.WriteString("Every page here but those written by hand (listed last) is generated from the transition tables by `go generate ./...` " +
		"([`internal/docgen`](../internal/docgen)); a test regenerates them and fails when one is stale.\n\n")
	b.WriteString("| table | kind | states | transitions | calls | pictures |\n|---|---|---|---|---|---|\n")
	for _, f := range order {
		t := tables[f]
		kind := "account operation"
		if t.Enrollment {
			kind = "enrollment flow"
		}
		var ids []string
		for _, s := range callStates(t) {
			if !contains(ids, s.Step.ID) {
				ids = append(ids, s.Step.ID)
			}
		}
		fmt.Fprintf(&b, "| [`%[1]s`](%[1]s.md) | %[2]s | %[3]d | %[4]d | %[5]s | [svg](%[1]s.svg) · [dot](%[1]s.dot) · [mmd](%[1]s.mmd) |\n",
			f, kind, len(t.Spec.States), len(t.Def.Rows()), strings.Join(ids, ", "))
	}
	b.WriteString("\n")
	b.WriteString("- [Error catalogue](errors.md): every documented code, its label, its class, and its effect at every call.\n")
	b.WriteString("- [Paths](paths.md): a test plan, the shortest path to every state and every simple path to a terminal state, and how they are checked.\n")
	b.WriteString("- [Check](check.md): every reachable state of each table explored by `enroll check`, its figures, and the properties proven.\n")
	for _, h := range HandWritten {
		fmt.Fprintf(&b, "- [%s](%s) (written by hand): %s.\n", h.Title, h.File, h.Holds)
	}
	return b.String()
}

// ReadmeSection is the list of pages spliced into the repository's README.
func ReadmeSection(order []enrollfsm.Flow) string {
	var flowsList, ops []string
	tables := enrollfsm.Tables()
	for _, f := range order {
		link := fmt.Sprintf("[`%[1]s`](docs/%[1]s.md)", f)
		if tables[f].Enrollment {
			flowsList = append(flowsList, link)
		} else {
			ops = append(ops, link)
		}
	}
	var b strings.Builder
	b.WriteString("- [docs/README.md](docs/README.md): the index of the generated pages.\n")
	fmt.Fprintf(&b, "- The enrollment flows, %s, and the account operations, %s: each with its picture "+
		"(SVG, DOT, Mermaid), every state with its call or prompt, and every transition with the codes behind it.\n",
		strings.Join(flowsList, " and "), strings.Join(ops, ", "))
	b.WriteString("- [The error catalogue](docs/errors.md): the 17 codes, their labels and classes, and their effect at every call.\n")
	b.WriteString("- [Paths](docs/paths.md): the test plan, with the shortest path to every state and every simple path to an end; " +
		"`go run ./cmd/enroll paths -flow full` prints it.\n")
	b.WriteString("- [Check](docs/check.md): every reachable state of each table explored, with its figures and the properties proven; " +
		"`go run ./cmd/enroll check` runs it in every setting and writes each counterexample as a scenario.\n")
	b.WriteString("- [Decisions](docs/decisions.md): the choices made where the sources disagree or are silent.\n")
	return b.String()
}

// Readme returns doc (the repository's README) with the full flow's diagram
// and the list of pages regenerated between their markers.
func Readme(doc []byte) ([]byte, error) {
	full, ok := enrollfsm.Tables()[enrollfsm.FlowFull]
	if !ok {
		return nil, fmt.Errorf("no full table")
	}
	doc, err := Splice(doc, "full", CompactMermaid(full))
	if err != nil {
		return nil, err
	}
	return SpliceText(doc, "docs:index", ReadmeSection(Order()))
}
