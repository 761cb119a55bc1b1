package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/internal/docgen"
	"github.com/enrollfsm/enrollfsm/internal/export"
)

// exportCmd writes a flow's machine for other tools: XState, SCXML
// (docs/export.md).
func exportCmd(args []string, stdout io.Writer) error {
	fs := newFlags("export", `usage: enroll export -format FORMAT -flow NAME
       enroll export -format FORMAT -out DIR [-flow NAME]

Writes a flow's machine in a format other tools read (docs/export.md): an
XState v5 machine config (xstate), an ES module for xstate and @xstate/graph,
which Stately Studio and the VS Code Stately editor open (xstate-js), or a
W3C SCXML document (scxml). With -flow alone it goes to standard output;
with -out, every flow (or -flow's) is written to DIR as NAME.xstate.json,
NAME.xstate.mjs or NAME.scxml.

Flags:`, stdout)
	var formats, names []string
	for _, f := range export.Formats() {
		formats = append(formats, string(f))
	}
	for _, f := range docgen.Order() {
		names = append(names, string(f))
	}
	format := fs.String("format", "", "the `format`: "+orList(formats))
	flow := fs.String("flow", "", "one `table`: "+strings.Join(names[:3], ", ")+",\n"+orList(names[3:]))
	out := fs.String("out", "", "write the files into `DIR` (made if missing)")
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("export takes no arguments, got %q", fs.Args())
	}
	switch {
	case *format == "":
		return usagef("-format is required: want %s", orList(formats))
	case !strings.Contains(" "+strings.Join(formats, " ")+" ", " "+*format+" "):
		return usagef("-format %q: want %s", *format, orList(formats))
	case *flow == "" && *out == "":
		return usagef("name a table with -flow, or write every table with -out DIR")
	}
	tables := enrollfsm.Tables()
	order := docgen.Order()
	if *flow != "" {
		if _, ok := tables[enrollfsm.Flow(*flow)]; !ok {
			return usagef("unknown flow %q (auto is full or shortcut, by SDK version): want %s", *flow, orList(names))
		}
		order = []enrollfsm.Flow{enrollfsm.Flow(*flow)}
	}
	f := export.Format(*format)
	if *out != "" {
		if err := os.MkdirAll(*out, 0o755); err != nil {
			return err
		}
	}
	for _, name := range order {
		data, err := export.Export(tables[name], f)
		if err != nil {
			return err
		}
		if *out == "" {
			_, err = stdout.Write(data)
		} else {
			err = os.WriteFile(filepath.Join(*out, export.FileName(string(name), f)), data, 0o644)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
