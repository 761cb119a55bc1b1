package explore

import (
	"html"
	"regexp"
	"strings"
)

// The generated pages are plain Markdown (headings, tables, lists, code
// fences, inline code and links); markdownHTML renders that subset, enough
// for the explorer's links to land on a state's row. Headings get GitHub's
// anchors, so docs/full.md#checking_pin works here as on GitHub.

var (
	mdCode = regexp.MustCompile("`([^`]*)`")
	mdLink = regexp.MustCompile(`!?\[([^\]]*)\]\(([^)\s]*)\)`)
	mdBold = regexp.MustCompile(`\*\*([^*]+)\*\*`)
	mdEm   = regexp.MustCompile(`\*([^*\s][^*]*)\*`)
)

// anchor is GitHub's heading anchor: lower case, punctuation but - and _
// dropped, spaces as dashes.
func anchor(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		case r > 127 && r != '—' && r != '–':
			b.WriteRune(r)
		}
	}
	return b.String()
}

// inline renders code spans, links, bold and emphasis of one escaped line.
func inline(s string) string {
	var codes []string
	s = mdCode.ReplaceAllStringFunc(s, func(m string) string {
		codes = append(codes, "<code>"+html.EscapeString(m[1:len(m)-1])+"</code>")
		return "\x00" + string(rune('A'+len(codes)-1)) + "\x00"
	})
	s = html.EscapeString(s)
	s = mdLink.ReplaceAllStringFunc(s, func(m string) string {
		sm := mdLink.FindStringSubmatch(m)
		href := sm[2]
		if strings.HasPrefix(m, "!") {
			return `<img alt="` + sm[1] + `" src="` + href + `">`
		}
		if strings.HasPrefix(href, "../") {
			return sm[1] // a source file of the repository: not served here
		}
		return `<a href="` + href + `">` + sm[1] + `</a>`
	})
	s = mdBold.ReplaceAllString(s, "<strong>$1</strong>")
	s = mdEm.ReplaceAllString(s, "<em>$1</em>")
	for i, c := range codes {
		s = strings.Replace(s, "\x00"+string(rune('A'+i))+"\x00", c, 1)
	}
	return s
}

// markdownHTML renders a generated page.
func markdownHTML(md string) string {
	var b strings.Builder
	lines := strings.Split(md, "\n")
	inTable, inList, inFence := false, false, false
	closeBlocks := func() {
		if inTable {
			b.WriteString("</tbody></table>\n")
			inTable = false
		}
		if inList {
			b.WriteString("</ul>\n")
			inList = false
		}
	}
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		switch {
		case strings.HasPrefix(line, "```"):
			closeBlocks()
			if inFence {
				b.WriteString("</code></pre>\n")
			} else {
				b.WriteString("<pre><code>")
			}
			inFence = !inFence
		case inFence:
			b.WriteString(html.EscapeString(line) + "\n")
		case strings.HasPrefix(line, "<!--"):
		case strings.HasPrefix(line, "#"):
			closeBlocks()
			level := len(line) - len(strings.TrimLeft(line, "#"))
			text := strings.TrimSpace(line[level:])
			h := string(rune('0' + min(level, 6)))
			b.WriteString("<h" + h + ` id="` + html.EscapeString(anchor(strings.ReplaceAll(text, "`", ""))) + `">` + inline(text) + "</h" + h + ">\n")
		case strings.HasPrefix(line, "|"):
			cells := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
			if !inTable {
				closeBlocks()
				b.WriteString("<table><thead><tr>")
				for _, c := range cells {
					b.WriteString("<th>" + inline(strings.TrimSpace(c)) + "</th>")
				}
				b.WriteString("</tr></thead><tbody>\n")
				inTable = true
				if i+1 < len(lines) && strings.HasPrefix(lines[i+1], "|---") {
					i++
				}
				continue
			}
			b.WriteString("<tr>")
			for _, c := range cells {
				b.WriteString("<td>" + inline(strings.TrimSpace(c)) + "</td>")
			}
			b.WriteString("</tr>\n")
		case strings.HasPrefix(line, "- "):
			if !inList {
				closeBlocks()
				b.WriteString("<ul>\n")
				inList = true
			}
			b.WriteString("<li>" + inline(line[2:]) + "</li>\n")
		case strings.TrimSpace(line) == "":
			closeBlocks()
		default:
			closeBlocks()
			b.WriteString("<p>" + inline(line) + "</p>\n")
		}
	}
	closeBlocks()
	return b.String()
}
