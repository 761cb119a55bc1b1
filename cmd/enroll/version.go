package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"
)

// release is the project's version, the VERSION file's (a test keeps them
// equal); contractVersion the version of the behaviour contract
// (docs/contract.md) the engine implements.
const (
	release         = "0.1.0"
	contractVersion = 3
)

// version prints the release, the module's version and commit as the Go
// build recorded them, the contract's version and the Go version.
func version(args []string, stdout io.Writer) error {
	fs := newFlags("version", `usage: enroll version

Prints the release of enrollfsm this command belongs to, the module version
and commit it was built from, the version of the behaviour contract
(docs/contract.md) it implements, and the Go version.`, stdout)
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("version takes no arguments, got %q", fs.Args())
	}
	fmt.Fprintf(stdout, "enroll %s\n", release)
	fmt.Fprintf(stdout, "module %s\n", moduleVersion(debug.ReadBuildInfo()))
	fmt.Fprintf(stdout, "behaviour contract version %d\n", contractVersion)
	fmt.Fprintf(stdout, "built with %s\n", runtime.Version())
	return nil
}

// moduleVersion says which module version and commit the build recorded:
// "github.com/enrollfsm/enrollfsm v0.1.0", or "(devel), commit 8fa6291
// (modified)" for a build from a checkout.
func moduleVersion(info *debug.BuildInfo, ok bool) string {
	if !ok || info == nil {
		return "unknown (built without module information)"
	}
	path, v := info.Main.Path, info.Main.Version
	if path == "" {
		path = "github.com/enrollfsm/enrollfsm"
	}
	if v == "" {
		v = "(devel)"
	}
	s := path + " " + v
	var rev, modified string
	for _, kv := range info.Settings {
		switch kv.Key {
		case "vcs.revision":
			rev = kv.Value
		case "vcs.modified":
			modified = kv.Value
		}
	}
	if rev != "" && !strings.Contains(v, rev[:min(12, len(rev))]) {
		s += ", commit " + rev[:min(12, len(rev))]
		if modified == "true" {
			s += " (modified)"
		}
	}
	return s
}
