package docgen

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/enrollfsm/enrollfsm/enrollment"
)

// Notes are the doc comments of the vocabulary and the steps, read from the
// source so that the pages say what each state, event and reply means
// without restating it by hand.
type Notes struct {
	States map[enrollment.State]string
	Events map[enrollment.Event]string
	// Replies maps a step's Name to the reply its doc comment shows
	// (the line starting with "→").
	Replies map[string]string
}

// ReadNotes parses the fsm and steps packages under root, the module's root
// folder.
func ReadNotes(root string) (Notes, error) {
	n := Notes{States: map[enrollment.State]string{}, Events: map[enrollment.Event]string{}, Replies: map[string]string{}}
	err := parseDir(filepath.Join(root, "enrollment"), func(f *ast.File) {
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				doc := vs.Doc
				if doc == nil && len(gd.Specs) == 1 {
					doc = gd.Doc
				}
				typ, _ := vs.Type.(*ast.Ident)
				if doc == nil || typ == nil || len(vs.Names) != 1 || len(vs.Values) != 1 {
					continue
				}
				lit, ok := vs.Values[0].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					continue
				}
				v, err := strconv.Unquote(lit.Value)
				if err != nil {
					continue
				}
				text := sentence(vs.Names[0].Name, doc.Text())
				switch typ.Name {
				case "State":
					n.States[enrollment.State(v)] = text
				case "Event":
					n.Events[enrollment.Event(v)] = text
				}
			}
		}
	})
	if err != nil {
		return n, err
	}
	err = parseDir(filepath.Join(root, "steps"), func(f *ast.File) {
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.VAR || gd.Doc == nil {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				if len(vs.Values) != 1 {
					continue
				}
				name := stepName(vs.Values[0])
				if name == "" {
					continue
				}
				for _, line := range strings.Split(gd.Doc.Text(), "\n") {
					if r, ok := strings.CutPrefix(strings.TrimSpace(line), "→"); ok {
						n.Replies[name] = strings.TrimSpace(r)
					}
				}
			}
		}
	})
	return n, err
}

func parseDir(dir string, each func(*ast.File)) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return err
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		each(f)
	}
	return nil
}

// sentence turns "DeviceActivated: call 1 says ..." or "CheckingPIN makes
// call 6 ..." into "call 1 says ..." or "makes call 6 ...", on one line.
func sentence(ident, doc string) string {
	s := strings.Join(strings.Fields(doc), " ")
	s = strings.TrimPrefix(s, ident)
	s = strings.TrimPrefix(s, ":")
	return strings.TrimSpace(s)
}

// stepName returns the Name field of a &Step{...} literal.
func stepName(e ast.Expr) string {
	u, ok := e.(*ast.UnaryExpr)
	if !ok {
		return ""
	}
	cl, ok := u.X.(*ast.CompositeLit)
	if !ok {
		return ""
	}
	if id, ok := cl.Type.(*ast.Ident); !ok || id.Name != "Step" {
		return ""
	}
	for _, el := range cl.Elts {
		kv, ok := el.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Name" {
			if lit, ok := kv.Value.(*ast.BasicLit); ok {
				s, _ := strconv.Unquote(lit.Value)
				return s
			}
		}
	}
	return ""
}
