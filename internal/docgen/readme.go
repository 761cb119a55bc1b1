package docgen

import (
	"bytes"
	"fmt"
)

// Splice replaces the fenced mermaid block between "<!-- diagram:NAME -->"
// and "<!-- /diagram:NAME -->" in doc by diagram.
func Splice(doc []byte, name, diagram string) ([]byte, error) {
	return SpliceText(doc, "diagram:"+name, "```mermaid\n"+diagram+"```\n")
}

// SpliceText replaces what lies between the lines "<!-- MARKER -->" and
// "<!-- /MARKER -->" in doc by text.
func SpliceText(doc []byte, marker, text string) ([]byte, error) {
	open := []byte("<!-- " + marker + " -->\n")
	end := []byte("<!-- /" + marker + " -->")
	i := bytes.Index(doc, open)
	j := bytes.Index(doc, end)
	if i < 0 || j < i+len(open) {
		return nil, fmt.Errorf("no %s … %s markers", open[:len(open)-1], end)
	}
	var b bytes.Buffer
	b.Write(doc[:i+len(open)])
	b.WriteString(text)
	b.Write(doc[j:])
	return b.Bytes(), nil
}
