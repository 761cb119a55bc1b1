package explore

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestAnchorsAreGitHubs(t *testing.T) {
	for heading, want := range map[string]string{
		"6. Scenario files":                 "6-scenario-files",
		"checking_pin":                      "checking_pin",
		"full — enrollment flow":            "full--enrollment-flow",
		"Why the engine runs on the server": "why-the-engine-runs-on-the-server",
	} {
		assert.Equal(t, want, anchor(heading), heading)
	}
}

func TestMarkdownHTML(t *testing.T) {
	got := markdownHTML("### `checking_pin`\n\n| event | next |\n|---|---|\n| `pin_exists` | [`awaiting_pin`](#awaiting_pin) |\n\n- a <b>list</b> with **bold**\n\n```\nx < y\n```\n[source](../flows/full/full.go)\n")
	assert.Contains(t, got, `<h3 id="checking_pin"><code>checking_pin</code></h3>`)
	assert.Contains(t, got, `<tr><td><code>pin_exists</code></td><td><a href="#awaiting_pin"><code>awaiting_pin</code></a></td></tr>`)
	assert.Contains(t, got, `<li>a &lt;b&gt;list&lt;/b&gt; with <strong>bold</strong></li>`, "HTML in the text is escaped")
	assert.Contains(t, got, "<pre><code>x &lt; y\n</code></pre>")
	assert.Contains(t, got, "<p>source</p>", "a link to a source file, not served here, is text")
}
