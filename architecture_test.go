package enrollfsm_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// routeRow is one row of the reply's route in docs/architecture.md.
type routeRow struct {
	file, fn, caller string
}

// TestArchitecture_ReplyRoute holds the route of a reply drawn in
// docs/architecture.md against the code: every function is declared in the
// file its row names, every one is called by the function its row says,
// and the counts the page gives are those of its rows.
func TestArchitecture_ReplyRoute(t *testing.T) {
	page, err := os.ReadFile("docs/architecture.md")
	require.NoError(t, err)
	text := string(page)
	start, end := strings.Index(text, "<!-- route -->"), strings.Index(text, "<!-- /route -->")
	require.True(t, start >= 0 && end > start, "the route table is marked in docs/architecture.md")
	var rows []routeRow
	cell := regexp.MustCompile("`([^`]+)`")
	for _, line := range strings.Split(text[start:end], "\n") {
		cols := strings.Split(line, "|")
		if len(cols) != 6 || strings.TrimSpace(cols[1]) == "#" || strings.HasPrefix(strings.TrimSpace(cols[1]), "-") {
			continue
		}
		r := routeRow{}
		for i, dst := range []*string{&r.file, &r.fn, &r.caller} {
			if m := cell.FindStringSubmatch(cols[i+2]); m != nil {
				*dst = m[1]
			}
		}
		require.NotEmpty(t, r.file, "row %q names a file", line)
		require.NotEmpty(t, r.fn, "row %q names a function", line)
		rows = append(rows, r)
	}
	require.NotEmpty(t, rows)

	fset := token.NewFileSet()
	parsed := map[string]*ast.File{}
	for i, r := range rows {
		f, ok := parsed[r.file]
		if !ok {
			f, err = parser.ParseFile(fset, r.file, nil, 0)
			require.NoError(t, err, "row %d", i+1)
			parsed[r.file] = f
		}
		body := declared(f, r.fn)
		if !assert.NotNil(t, body, "row %d: %s is declared in %s", i+1, r.fn, r.file) || r.caller == "" {
			continue
		}
		var from *routeRow
		for j := i - 1; j >= 0; j-- {
			if rows[j].fn == r.caller {
				from = &rows[j]
				break
			}
		}
		if !assert.NotNil(t, from, "row %d: its caller %s is an earlier row", i+1, r.caller) {
			continue
		}
		callerBody := declared(parsed[from.file], from.fn)
		assert.True(t, calls(callerBody, lastName(r.fn)), "row %d: %s calls %s", i+1, r.caller, r.fn)
	}

	// A climb is an entry into a file the route left within the same call
	// from the host; entries are counted across the host's calls too.
	files, climbs, entries := map[string]bool{}, 0, 0
	left, leftEver := map[string]bool{}, map[string]bool{}
	for i, r := range rows {
		if i > 0 && rows[i-1].file != r.file {
			if r.caller == "" { // a new call from the host
				left = map[string]bool{}
			} else {
				left[rows[i-1].file] = true
			}
			leftEver[rows[i-1].file] = true
			if left[r.file] {
				climbs++
			}
			if leftEver[r.file] {
				entries++
			}
		}
		files[r.file] = true
	}
	assert.Equal(t, stated(t, text, `Files\s+crossed:\s+\*\*(\d+)\*\*`), len(files), "the files the page counts")
	assert.Equal(t, stated(t, text, `within\s+one\s+call\s+from\s+the\s+host:\s+\*\*(\d+)\*\*`), climbs, "the climbs the page counts")
	assert.Equal(t, stated(t, text, `Counted\s+as\s+climbs\s+too,\s+those\s+would\s+make\s+\*\*(\d+)\*\*`), entries, "the returns the page counts across calls")
}

// declared finds "Type.Method", "Func" or "Var.field" (a function literal
// under that key of the var's composite value) in f: the node whose body
// the function is.
func declared(f *ast.File, name string) ast.Node {
	recv, fn, dotted := strings.Cut(name, ".")
	if !dotted {
		recv, fn = "", name
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Name.Name == fn && receiver(d) == recv {
				return d.Body
			}
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				vs, ok := spec.(*ast.ValueSpec)
				if !ok || !dotted {
					continue
				}
				for i, n := range vs.Names {
					if n.Name != recv || i >= len(vs.Values) {
						continue
					}
					var found ast.Node
					ast.Inspect(vs.Values[i], func(x ast.Node) bool {
						if kv, ok := x.(*ast.KeyValueExpr); ok {
							if k, ok := kv.Key.(*ast.Ident); ok && k.Name == fn {
								if lit, ok := kv.Value.(*ast.FuncLit); ok {
									found = lit.Body
								}
							}
						}
						return found == nil
					})
					if found != nil {
						return found
					}
				}
			}
		}
	}
	return nil
}

func receiver(d *ast.FuncDecl) string {
	if d.Recv == nil || len(d.Recv.List) == 0 {
		return ""
	}
	t := d.Recv.List[0].Type
	if s, ok := t.(*ast.StarExpr); ok {
		t = s.X
	}
	if id, ok := t.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// calls reports whether body calls a function, method or field named name.
func calls(body ast.Node, name string) bool {
	found := false
	ast.Inspect(body, func(x ast.Node) bool {
		if c, ok := x.(*ast.CallExpr); ok {
			switch f := c.Fun.(type) {
			case *ast.Ident:
				found = found || f.Name == name
			case *ast.SelectorExpr:
				found = found || f.Sel.Name == name
			}
		}
		return !found
	})
	return found
}

func lastName(fn string) string {
	if _, after, ok := strings.Cut(fn, "."); ok {
		return after
	}
	return fn
}

func stated(t *testing.T, text, pattern string) int {
	m := regexp.MustCompile(pattern).FindStringSubmatch(text)
	require.NotNil(t, m, "the page states %s", pattern)
	n, err := strconv.Atoi(m[1])
	require.NoError(t, err)
	return n
}
