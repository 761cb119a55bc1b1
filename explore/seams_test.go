package explore_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm/docs"
	"github.com/enrollfsm/enrollfsm/explore"
)

// Reference: issue 27, "the explorer's back from a stale tab (one that
// still shows move 18 while another stepped back to 17) is accepted and
// wipes the walk": a step back names the move it was made from, and a
// stale one gets 409 and a page that says so, the walk unchanged.
func TestStaleBackIsRefused(t *testing.T) {
	srv := newServer(t)
	w := start(t, srv, explore.Config{Flow: "full"})
	w.reply("result:not_activated", "checking_account")
	w.reply("result:not_blocked", "checking_phone")
	w.reply("result:phone_absent", "awaiting_phone_number")
	staleTab := w.view.Step // 3

	// Another tab steps back to move 2.
	code, data := w.post("/back", map[string]any{"step": staleTab, "to": 2})
	require.Equal(t, http.StatusOK, code, "%s", data)
	before := w.current()
	require.Equal(t, 2, before.Step)

	// The stale tab, still showing move 3, steps back to the start.
	code, data = w.post("/back", map[string]any{"step": staleTab, "to": 0})
	assert.Equal(t, http.StatusConflict, code, "%s", data)
	var e struct {
		Error string
		Stale bool
		Step  int
	}
	require.NoError(t, json.Unmarshal(data, &e))
	assert.True(t, e.Stale)
	assert.Equal(t, 2, e.Step)
	assert.Equal(t, "conflict: this page is out of date: it shows move 3, but the walk is at move 2 (it was moved in another tab or window); nothing was changed", "conflict: "+e.Error)
	assert.Equal(t, before, w.current(), "the walk is unchanged")

	// The same without script: a form post gets a page that says so and
	// links to the walk as it is.
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.PostForm(srv.URL+"/s/"+w.view.Session+"/back", url.Values{"step": {"3"}, "to": {"0"}})
	require.NoError(t, err)
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	assert.Equal(t, http.StatusConflict, res.StatusCode)
	assert.Contains(t, string(page), "<h1>409: this page was out of date</h1>")
	assert.Contains(t, string(page), "It showed move 3, but the walk is at move 2: it was moved in another tab or window. Your click was not applied, and nothing was changed.")
	assert.Contains(t, string(page), `<a id="current" href="/s/`+w.view.Session+`">Open the walk as it is now</a>`)
	assert.Equal(t, before, w.current())

	// A form without the step is refused too: every move carries it.
	res, err = client.PostForm(srv.URL+"/s/"+w.view.Session+"/back", url.Values{"to": {"0"}})
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusBadRequest, res.StatusCode)
	assert.Equal(t, before, w.current())

	// Every back form of the page carries the step the page shows.
	res, err = http.Get(srv.URL + "/s/" + w.view.Session)
	require.NoError(t, err)
	page, _ = io.ReadAll(res.Body)
	res.Body.Close()
	forms := regexp.MustCompile(`(?s)<form [^>]*action="/s/[0-9a-f]+/back".*?</form>`).FindAllString(string(page), -1)
	require.Len(t, forms, 3, "one per history entry and one to the start")
	for _, f := range forms {
		assert.Contains(t, f, `<input type="hidden" name="step" value="2">`)
	}
}

// Reference: issue 27, "the explorer's error paragraph sits inside the
// flex row, so an error shrinks the diagram to a thumbnail": it sits
// above the two columns.
func TestErrorSitsAboveTheColumns(t *testing.T) {
	srv := newServer(t)
	res, err := http.Get(srv.URL + "/?flow=full")
	require.NoError(t, err)
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	html := string(page)
	errAt, mainAt, mainEnd := strings.Index(html, `<p id="error"`), strings.Index(html, `<main id="app"`), strings.Index(html, `</main>`)
	require.True(t, errAt >= 0 && mainAt >= 0 && mainEnd >= 0, html)
	assert.Less(t, errAt, mainAt, "the error paragraph comes before the flex row")
	assert.NotContains(t, html[mainAt:mainEnd], `id="error"`)
}

// Reference: issue 27, "the explorer's docs viewer answers 404 for
// explorer.png and every .dot and .mmd link": every file a served page
// links to is served.
func TestDocsServeEveryLinkedFile(t *testing.T) {
	srv := newServer(t)
	pages, err := docsPages()
	require.NoError(t, err)
	require.NotEmpty(t, pages)
	link := regexp.MustCompile(`(?:href|src)="([^"#:]+)(?:#[^"]*)?"`)
	checked := map[string]bool{}
	for _, p := range pages {
		res, err := http.Get(srv.URL + "/docs/" + p)
		require.NoError(t, err)
		html, _ := io.ReadAll(res.Body)
		res.Body.Close()
		require.Equal(t, http.StatusOK, res.StatusCode, p)
		for _, m := range link.FindAllStringSubmatch(string(html), -1) {
			target := m[1]
			if strings.HasPrefix(target, "/") || checked[target] {
				continue // the explorer's own stylesheet
			}
			checked[target] = true
			res, err := http.Get(srv.URL + "/docs/" + target)
			require.NoError(t, err)
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			assert.Equal(t, http.StatusOK, res.StatusCode, "%s links to %s", p, target)
			assert.NotEmpty(t, body, target)
		}
	}
	for _, f := range []string{"explorer.png", "full.dot", "full.mmd", "full.svg", "cli.md"} {
		assert.True(t, checked[f], "some page links to %s", f)
	}
	res, err := http.Get(srv.URL + "/docs/explorer.png")
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, "image/png", res.Header.Get("Content-Type"))
	res, err = http.Get(srv.URL + "/docs/full.dot")
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, "text/plain; charset=utf-8", res.Header.Get("Content-Type"))
}

func docsPages() ([]string, error) {
	entries, err := docs.Files.ReadDir(".")
	var out []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".md") {
			out = append(out, e.Name())
		}
	}
	return out, err
}

// Reference: issue 23, "duplicate keys are accepted (last wins)": a move
// that names a key twice is refused, whatever its case.
func TestMoveWithADuplicateKeyIsRefused(t *testing.T) {
	srv := newServer(t)
	w := start(t, srv, explore.Config{Flow: "full"})
	w.reply("result:not_activated", "checking_account")
	before := w.current()
	for _, body := range []string{
		`{"step": 1, "reply": "result:blocked", "reply": "result:not_blocked"}`,
		`{"step": 1, "reply": "result:not_blocked", "Reply": "code:2317"}`,
		`{"step": 0, "step": 1, "reply": "result:not_blocked"}`,
	} {
		code, data := do(t, srv, "POST", "/s/"+w.view.Session+"/move", "application/json", body)
		assert.Equal(t, http.StatusBadRequest, code, "%s: %s", body, data)
		assert.Contains(t, string(data), "duplicate key")
		assert.Equal(t, before, w.current())
	}
	code, data := do(t, srv, "POST", "/s/"+w.view.Session+"/back", "application/json", `{"step": 1, "to": 1, "to": 0}`)
	assert.Equal(t, http.StatusBadRequest, code, "%s", data)
	code, data = do(t, srv, "POST", "/s", "application/json", `{"flow": "full", "flow": "update_pin"}`)
	assert.Equal(t, http.StatusBadRequest, code, "%s", data)
}

// Reference: issue 23, "the explorer accepts a DNS-rebinding Host/Origin
// pair": given its address, the server answers only for it.
func TestHostMustBeTheServersOwn(t *testing.T) {
	srv := newServer(t, explore.WithAddr("127.0.0.1:8080"))
	for _, tc := range []struct {
		host, origin string
		want         int
	}{
		{"127.0.0.1:8080", "", http.StatusSeeOther},
		{"localhost:8080", "http://localhost:8080", http.StatusSeeOther},
		{"[::1]:8080", "", http.StatusSeeOther},
		{"evil.example:8080", "", http.StatusForbidden},
		{"evil.example:8080", "http://evil.example:8080", http.StatusForbidden},
		{"127.0.0.1:8080", "http://evil.example:8080", http.StatusForbidden},
		{"127.0.0.1:9999", "", http.StatusForbidden},
		{"127.0.0.1", "", http.StatusForbidden},
	} {
		req, err := http.NewRequest("GET", srv.URL+"/?flow=full", nil)
		require.NoError(t, err)
		req.Host = tc.host
		if tc.origin != "" {
			req.Header.Set("Origin", tc.origin)
		}
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := client.Do(req)
		require.NoError(t, err)
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		assert.Equal(t, tc.want, res.StatusCode, "Host %s Origin %q: %s", tc.host, tc.origin, body)
	}
}

// Reference: issue 23, "the recorder hangs ... in the explorer this freezes
// the download and that walk's page": a walk whose answers have no digit
// ("", "abcd") or digits of another script downloads, and holds none of them.
func TestDownloadAfterAnswersWithoutASCIIDigits(t *testing.T) {
	srv := newServer(t)
	w := start(t, srv, explore.Config{Flow: "full"})
	w.reply("result:not_activated", "checking_account")
	w.reply("result:not_blocked", "checking_phone")
	w.reply("result:phone_absent", "awaiting_phone_number")
	for _, v := range []string{"", "abcd", "٠٦١٢٣٤٥٦٧٨"} {
		w.answer(v, "awaiting_phone_number")
	}
	w.act("cancel", "cancelled")
	code, data := do(t, srv, "GET", "/s/"+w.view.Session+"/scenario", "", "")
	require.Equal(t, http.StatusOK, code, "%s", data)
	assert.Contains(t, string(data), `"value": "abcd"`, "a value without a digit hides nothing")
	assert.NotContains(t, string(data), "٠٦١٢٣٤٥٦٧٨")
}
