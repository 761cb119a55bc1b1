package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/internal/docgen"
)

// paths prints the path enumeration of docs/paths.md: the shortest path to
// every state and every simple path from start to a terminal state, for one
// table or for all of them.
func paths(args []string, stdout io.Writer) error {
	fs := newFlags("paths", `usage: enroll paths [-flow NAME] [-json]

Prints the shortest path to every state and every simple path from start to
a terminal state (docs/paths.md).`, stdout)
	names := make([]string, 0, len(docgen.Order()))
	for _, f := range docgen.Order() {
		names = append(names, string(f))
	}
	flow := fs.String("flow", "", "one `table`: "+strings.Join(names[:3], ", ")+",\n"+strings.Join(names[3:], ", ")+" (default: all)")
	asJSON := fs.Bool("json", false, "print a JSON array, one object per table, with the edges enumerated")
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("paths takes no arguments, got %q", fs.Args())
	}
	tables := enrollfsm.Tables()
	order := docgen.Order()
	if *flow != "" {
		if _, ok := tables[enrollfsm.Flow(*flow)]; !ok {
			return usagef("unknown flow %q (auto is full or shortcut, by SDK version): want one of %s", *flow, strings.Join(names, ", "))
		}
		order = []enrollfsm.Flow{enrollfsm.Flow(*flow)}
	}
	if *asJSON {
		out := make([]docgen.PathsJSON, len(order))
		for i, f := range order {
			out[i] = docgen.Enumerate(tables[f]).JSON(string(f))
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	for i, f := range order {
		if i > 0 {
			if _, err := fmt.Fprintln(stdout); err != nil {
				return err
			}
		}
		if err := docgen.WritePaths(stdout, string(f), docgen.Enumerate(tables[f])); err != nil {
			return err
		}
	}
	return nil
}
