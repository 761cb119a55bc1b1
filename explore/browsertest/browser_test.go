package browsertest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm/explore"
	"github.com/enrollfsm/enrollfsm/scenario"
)

// The flags every chromium run gets: headless, no sandbox (CI runs as
// root), and nothing that reaches the network on its own.
var chromiumFlags = []string{
	"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
	"--disable-background-networking", "--disable-component-update", "--disable-sync",
}

// screenshot is where the README's picture of the explorer is written.
const screenshot = "../../docs/explorer.png"

// chromium returns Debian's chromium, skipping the test when it is missing,
// but failing it on CI, which must run it (.ci/run installs it).
func chromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/chromium", "chromium"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed: CI must run the browser test (.ci/run installs it with apt-get install chromium)")
	}
	t.Skip("chromium is not installed (apt-get install chromium): the explorer is not tested in a browser")
	return ""
}

func serve(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(explore.New().Handler())
	t.Cleanup(srv.Close)
	return srv
}

// browser starts chromium with a fresh profile and returns a tab.
func browser(t *testing.T, exe string) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(exe), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1400, 1000)}
	for _, f := range chromiumFlags {
		opts = append(opts, chromedp.Flag(strings.TrimPrefix(f, "--"), true))
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(cancel)
	require.NoError(t, chromedp.Do(ctx), "start chromium")
	// A bound on the walk, not on the first call, which owns the browser.
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(cancelTimeout)
	return ctx
}

// A plain dump of the first page, before any script, shows the first
// state's name, its request's API and the diagram.
func TestDumpDOMOfTheFirstPage(t *testing.T) {
	exe := chromium(t)
	srv := serve(t)
	args := append(append([]string{}, chromiumFlags...), "--user-data-dir="+t.TempDir(), "--dump-dom", srv.URL+"/")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "%s", stderr.String())
	dom := string(out)
	assert.Contains(t, dom, ">checking_enrollment</a>")
	assert.Contains(t, dom, "pims.authentication.account")
	assert.Contains(t, dom, "<svg")
	assert.Contains(t, dom, `class="node current" data-state="checking_enrollment"`)
}

// move is one click of a walk and what the page must show after it.
type move struct {
	reply  string // a reply button at a call
	value  string // a value typed at a prompt
	action string // an action button at a prompt
	back   bool   // step back, keeping the first keep moves
	keep   int

	state   string // the state then shown and highlighted
	request string // the request then shown, if the state makes a call
	calls   int    // the counters then shown
	removes int
	wrongs  int // wrong PINs
}

// walk clicks through moves, checking the page after each.
// step is the number of moves the page has made before the first.
func walk(t *testing.T, ctx context.Context, step int, moves []move, shot func(i int) bool) {
	t.Helper()
	for i, m := range moves {
		if m.reply != "" {
			// the button says where it leads before it is clicked
			leads, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector('button[data-reply=%q] .leads').textContent`, m.reply)))
			require.NoError(t, err, "move %d", i+1)
			assert.True(t, strings.HasPrefix(leads, "→ "+m.state+" "), "move %d: %s leads %q", i+1, m.reply, leads)
		}
		var act chromedp.Action[chromedp.Void]
		switch {
		case m.reply != "":
			act = chromedp.Click(chromedp.CSS(fmt.Sprintf(`button[data-reply=%q]`, m.reply)))
			step++
		case m.action != "":
			act = chromedp.Click(chromedp.CSS(fmt.Sprintf(`#prompt button[data-action=%q]`, m.action)))
			step++
		case m.back:
			act = chromedp.Click(chromedp.CSS(fmt.Sprintf(`button[data-back="%d"]`, m.keep)))
			step = m.keep
		default:
			act = chromedp.Steps(chromedp.SetValue(chromedp.CSS(`#value`), m.value), chromedp.Click(chromedp.CSS(`#give`)))
			step++
		}
		moveCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
		err := chromedp.Do(moveCtx, act, chromedp.WaitReady(chromedp.CSS(fmt.Sprintf(`#app[data-step="%d"]`, step))))
		cancel()
		if err != nil {
			shown, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("app").dataset.step + " " + document.getElementById("state").textContent + ": " + document.getElementById("error").textContent`))
			t.Fatalf("move %d %+v: %v; the page shows move %s", i+1, m, err, shown)
		}

		text := func(expr string) string {
			t.Helper()
			v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
			require.NoError(t, err, "move %d: %s", i+1, expr)
			return v
		}
		state := text(`document.getElementById("state").textContent`)
		current := text(`document.querySelector("g.node.current").dataset.state`)
		marked, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf(`(() => { const out = [...document.querySelectorAll("g.edge.out")];
			return out.length > 0 && out.every(e => [%q, "any_call", "any_prompt"].includes(e.dataset.src)); })()`, m.state)))
		require.NoError(t, err)
		request := text(`(document.getElementById("request") || {textContent: ""}).textContent`)
		calls := text(`document.getElementById("c-calls").textContent`)
		removals := text(`document.getElementById("c-removals").textContent`)
		wrongPINs := text(`document.getElementById("c-wrongPins").textContent`)
		errText := text(`document.getElementById("error").textContent`)
		require.Empty(t, errText, "move %d: the page shows an error", i+1)
		require.Equal(t, m.state, state, "move %d: the state shown", i+1)
		assert.Equal(t, m.state, current, "move %d: the state highlighted", i+1)
		isEnd := m.state == "enrolled" || m.state == "failed" || m.state == "cancelled"
		assert.Equal(t, !isEnd, marked, "move %d: the edges marked leave %s", i+1, m.state)
		assert.Equal(t, m.request, request, "move %d: the request shown", i+1)
		if request != "" {
			wrapsBetweenParameters(t, ctx)
		}
		assert.Equal(t, fmt.Sprint(m.calls), calls, "move %d: calls", i+1)
		assert.Equal(t, fmt.Sprint(m.removes), removals, "move %d: removals", i+1)
		assert.Equal(t, fmt.Sprint(m.wrongs), wrongPINs, "move %d: wrong PINs", i+1)
		if shot != nil && shot(i) {
			png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(screenshot, png, 0o644))
			t.Logf("wrote %s (%d bytes)", filepath.Clean(screenshot), len(png))
		}
	}
}

// The requests of the full flow, as the page must show them (a code or a
// PIN masked).
const (
	reqStep1  = "get pims.authentication.account {actionType=strong, type=isDeviceActivated}"
	reqStep2  = "get pims.authentication.account {actionType=strong, type=isAccountBlocked}"
	reqStep3  = "get pims.authentication.trustedphonenumber {}"
	reqStep4a = "get pims.authentication.smscode {phoneNumber=0612345678, type=phoneNumberCertification}"
	reqStep42 = "set pims.authentication.smscode {phoneNumber=0612345678, smsCode=••••, type=addPhoneNumber}"
	reqStep5  = "get pims.authentication.smscode {type=enrollment}"
	reqStep6  = "set pims.authentication.smscode {action=enrollment, smsCode=••••}"
	reqStep7  = "set pims.authentication.enrollment {action=enroll, pinCode=••••}"
	reqStep8  = reqStep7
	reqStepA  = "set pims.authentication.enrollment {action=remove}"
)

func TestFullEnrollmentInTheBrowser(t *testing.T) {
	exe := chromium(t)
	srv := serve(t)
	ctx := browser(t, exe)
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/?flow=full&platform=android")))
	state, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#state`)))
	require.NoError(t, err)
	require.Equal(t, "checking_enrollment", state)

	moves := []move{
		{reply: "result:not_activated", state: "checking_account", request: reqStep2, calls: 1},
		{reply: "code:2201", state: "checking_account", request: reqStep2, calls: 2}, // read retried in place
		{reply: "result:not_blocked", state: "checking_phone", request: reqStep3, calls: 3},
		{reply: "result:phone_absent", state: "awaiting_phone_number", calls: 4},
		{value: "06 12", state: "awaiting_phone_number", calls: 4}, // refused by the engine, nothing sent
		{value: "0612345678", state: "requesting_certification_sms", request: reqStep4a, calls: 4},
		{reply: "result:ok", state: "awaiting_certification_code", calls: 5},
		{value: "4242", state: "adding_phone_number", request: reqStep42, calls: 5},
		{reply: "result:ok", state: "requesting_enrollment_sms", request: reqStep5, calls: 6},
		{reply: "result:ok", state: "awaiting_enrollment_code", calls: 7},
		{value: "2424", state: "checking_pin", request: reqStep6, calls: 7},
		{reply: "result:not_enrolled", state: "awaiting_new_pin", calls: 8},
		{value: "1357", state: "registering_pin", request: reqStep7, calls: 8},
		{reply: "result:ok", state: "enrolling_device", request: reqStep8, calls: 9},
		{back: true, keep: 13, state: "registering_pin", request: reqStep7, calls: 8}, // step back, then on again
		{reply: "result:ok", state: "enrolling_device", request: reqStep8, calls: 9},
		{reply: "result:ok", state: "enrolled", calls: 10},
	}
	walk(t, ctx, 0, moves, func(i int) bool { return moves[i].state == "checking_pin" })

	outcome, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#outcome-state`)))
	require.NoError(t, err)
	assert.Equal(t, "enrolled", outcome)
	href, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(`#download`), "href"))
	require.NoError(t, err)
	require.True(t, href.Exists, "the path can be downloaded once the run is over")
	replays(t, srv.URL+href.Value)

	// The state's link lands on its row in the generated page.
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#state`)), chromedp.WaitReady(chromedp.CSS(`body.doc`))))
	target, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const h = document.querySelector(":target");
		if (!h) return "no target";
		const top = h.getBoundingClientRect().top;
		return h.id + (top >= 0 && top < innerHeight ? " in view" : " out of view at " + top);
	})()`))
	require.NoError(t, err)
	assert.Equal(t, "enrolled in view", target)
}

func TestBlockedThenRemovalInTheBrowser(t *testing.T) {
	exe := chromium(t)
	srv := serve(t)
	ctx := browser(t, exe)
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/?flow=full&situation=pin_exists")))
	moves := []move{
		{reply: "result:not_activated", state: "checking_account", request: reqStep2, calls: 1},
		{reply: "result:not_blocked", state: "checking_phone", request: reqStep3, calls: 2},
		{reply: "result:phone_present", state: "requesting_enrollment_sms", request: reqStep5, calls: 3},
		{reply: "result:ok", state: "awaiting_enrollment_code", calls: 4},
		{value: "2424", state: "checking_pin", request: reqStep6, calls: 4},
		{reply: "result:already_enrolled", state: "awaiting_pin", calls: 5},
		{value: "1234", state: "enrolling_device", request: reqStep8, calls: 5},
		{reply: "code:2317", state: "confirming_removal", calls: 6},
		{action: "yes", state: "removing_enrollments", request: reqStepA, calls: 6, removes: 1},
		{reply: "result:ok", state: "checking_phone", request: reqStep3, calls: 7, removes: 1},
		{reply: "simulator", state: "requesting_enrollment_sms", request: reqStep5, calls: 8, removes: 1},
		{reply: "simulator", state: "awaiting_enrollment_code", calls: 9, removes: 1},
	}
	walk(t, ctx, 0, moves, nil)
	// The simulator texted a code: type it, as the user would.
	code, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#sms li:last-child code`)))
	require.NoError(t, err)
	require.NotEmpty(t, code)
	moves = []move{
		{value: code, state: "checking_pin", request: reqStep6, calls: 9, removes: 1},
		{reply: "simulator", state: "awaiting_pin", calls: 10, removes: 1},
		{value: "1234", state: "enrolling_device", request: reqStep8, calls: 10, removes: 1},
		{reply: "simulator", state: "enrolled", calls: 11, removes: 1},
	}
	walk(t, ctx, 12, moves, nil)

	href, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(`#download`), "href"))
	require.NoError(t, err)
	require.True(t, href.Exists)
	replays(t, srv.URL+href.Value)
}

// replays downloads the walk as a scenario and replays it as `enroll
// replay` does.
func replays(t *testing.T, url string) {
	t.Helper()
	res, err := http.Get(url)
	require.NoError(t, err)
	data, err := io.ReadAll(res.Body)
	res.Body.Close()
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode, "%s", data)
	file := filepath.Join(t.TempDir(), "walk.json")
	require.NoError(t, os.WriteFile(file, data, 0o644))
	all, err := scenario.Load(file)
	require.NoError(t, err)
	var out bytes.Buffer
	assert.Zero(t, scenario.Report(context.Background(), &out, all), out.String())
}

// wrapsBetweenParameters checks that the request shown breaks its lines
// only at a space (between the API and its parameters, or after a comma),
// never inside a word ("isDevic eActivated"); it returns how many times it
// broke.
func wrapsBetweenParameters(t *testing.T, ctx context.Context) int {
	t.Helper()
	type lines struct {
		Text   string
		Breaks []int
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[lines](`(() => {
		const node = document.getElementById("request").firstChild;
		const text = node.textContent, r = document.createRange(), breaks = [];
		let lastTop = null;
		for (let i = 0; i < text.length; i++) {
			if (text[i] === " ") continue;
			r.setStart(node, i); r.setEnd(node, i + 1);
			const rects = r.getClientRects();
			if (!rects.length) continue;
			if (lastTop !== null && rects[0].top > lastTop + 2) breaks.push(i);
			lastTop = rects[0].top;
		}
		return {text, breaks};
	})()`))
	require.NoError(t, err)
	for _, i := range got.Breaks {
		assert.Equal(t, byte(' '), got.Text[i-1], "the request breaks inside a word: %q | %q", got.Text[:i], got.Text[i:])
	}
	return len(got.Breaks)
}

// shots, when EXPLORE_SCREENSHOTS names a folder, saves a screenshot of
// each point of a walk there, for a person to look at.
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("EXPLORE_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644))
}

// Reference: issue 27, "the explorer's back from a stale tab (one that
// still shows move 18 while another stepped back to 17) is accepted and
// wipes the walk"; "the explorer's error paragraph sits inside the flex
// row, so an error shrinks the diagram to a thumbnail"; "the request text
// wraps mid-word".
func TestStaleBackInTheBrowser(t *testing.T) {
	exe := chromium(t)
	srv := serve(t)
	tabA := browser(t, exe)
	require.NoError(t, chromedp.Do(tabA, chromedp.Navigate(srv.URL+"/?flow=full")))
	assert.Positive(t, wrapsBetweenParameters(t, tabA), "call 1's request is wider than the panel: it wraps")
	walk(t, tabA, 0, []move{
		{reply: "result:not_activated", state: "checking_account", request: reqStep2, calls: 1},
		{reply: "result:not_blocked", state: "checking_phone", request: reqStep3, calls: 2},
		{reply: "result:phone_absent", state: "awaiting_phone_number", calls: 3},
	}, nil)
	walkURL, err := chromedp.Run(tabA, chromedp.Location())
	require.NoError(t, err)

	// A second tab opens the same walk, at move 3.
	tabB, cancelB := chromedp.NewContext(tabA)
	defer cancelB()
	require.NoError(t, chromedp.Do(tabB, chromedp.Navigate(walkURL), chromedp.WaitReady(chromedp.CSS(`#app[data-step="3"]`))))
	diagramBefore, err := chromedp.Run(tabB, chromedp.Evaluate[float64](`document.querySelector(".diagram").getBoundingClientRect().width`))
	require.NoError(t, err)
	shot(t, tabB, "1-second-tab-at-move-3")

	// The first tab steps back to move 2.
	walk(t, tabA, 3, []move{{back: true, keep: 2, state: "checking_phone", request: reqStep3, calls: 2}}, nil)
	shot(t, tabA, "2-first-tab-back-to-move-2")

	// The second tab, stale, steps back to the start: refused, said above
	// the columns, and the walk is unchanged.
	require.NoError(t, chromedp.Do(tabB, chromedp.Click(chromedp.CSS(`button[data-back="0"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#error`))))
	type page struct {
		Error      string
		Step       string
		ErrorBelow float64
		AppTop     float64
		Diagram    float64
		Reload     string
	}
	shown, err := chromedp.Run(tabB, chromedp.Evaluate[page](`({
		error: document.getElementById("error").textContent,
		step: document.getElementById("app").dataset.step,
		errorBelow: document.getElementById("error").getBoundingClientRect().bottom,
		appTop: document.getElementById("app").getBoundingClientRect().top,
		diagram: document.querySelector(".diagram").getBoundingClientRect().width,
		reload: (document.getElementById("reload") || {textContent: ""}).textContent,
	})`))
	require.NoError(t, err)
	assert.Contains(t, shown.Error, "409: this page is out of date: it shows move 3, but the walk is at move 2 (it was moved in another tab or window); nothing was changed.")
	assert.Equal(t, "Show the walk as it is now.", shown.Reload)
	assert.Equal(t, "3", shown.Step, "the stale page is not redrawn behind the user's back")
	assert.LessOrEqual(t, shown.ErrorBelow, shown.AppTop, "the error sits above the two columns")
	assert.InDelta(t, diagramBefore, shown.Diagram, 1, "the diagram keeps its width")
	shot(t, tabB, "3-second-tab-stale-back-refused")

	res, err := http.Get(walkURL + "/view")
	require.NoError(t, err)
	view, _ := io.ReadAll(res.Body)
	res.Body.Close()
	assert.Contains(t, string(view), `"step": 2,`, "the walk is where the first tab left it")
	assert.Contains(t, string(view), `"state": "checking_phone"`)

	// Its link shows the walk as it is now, and moves go on from there.
	require.NoError(t, chromedp.Do(tabB, chromedp.Click(chromedp.CSS(`#reload`)), chromedp.WaitReady(chromedp.CSS(`#app[data-step="2"]`))))
	shot(t, tabB, "4-second-tab-reloaded")
	walk(t, tabB, 2, []move{{reply: "result:phone_absent", state: "awaiting_phone_number", calls: 3}}, nil)
}
