//go:build ignore

// gen rewrites docs/ and the README's generated sections: go generate ./...
package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/enrollfsm/enrollfsm/internal/docgen"
	"github.com/enrollfsm/enrollfsm/internal/docgen/checkdoc"
)

func main() {
	err := update()
	switch {
	case errors.Is(err, docgen.ErrNoDot):
		fmt.Fprintln(os.Stderr, "docgen: warning:", err)
	case err != nil:
		fmt.Fprintln(os.Stderr, "docgen:", err)
		os.Exit(1)
	}
}

// update finds the module's root above the working folder, and updates it.
func update() error {
	dir, err := os.Getwd()
	if err != nil {
		return err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return docgen.Update(dir, checkdoc.Page)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return errors.New("no go.mod above the working folder")
		}
		dir = parent
	}
}
