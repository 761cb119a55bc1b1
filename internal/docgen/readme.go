package docgen

import (
	"bytes"
	"fmt"
)

// Splice replaces the fenced mermaid block between "<!-- diagram:NAME -->"
// and "<!-- /diagram:NAME -->" in doc by diagram.
func Splice(doc []byte, name, diagram string) ([]byte, error) {
	open := []byte("<!-- diagram:" + name + " -->\n")
	end := []byte("<!-- /diagram:" + name + " -->")
	i := bytes.Index(doc, open)
	j := bytes.Index(doc, end)
	if i < 0 || j < i {
		return nil, fmt.Errorf("no %s … %s markers", open[:len(open)-1], end)
	}
	var b bytes.Buffer
	b.Write(doc[:i+len(open)])
	b.WriteString("```mermaid\n")
	b.WriteString(diagram)
	b.WriteString("```\n")
	b.Write(doc[j:])
	return b.Bytes(), nil
}
