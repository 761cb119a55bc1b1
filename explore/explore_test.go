package explore_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/explore"
	"github.com/enrollfsm/enrollfsm/redact"
	"github.com/enrollfsm/enrollfsm/scenario"
)

// walker drives one walk through the JSON API, as the page's script does.
type walker struct {
	t    *testing.T
	srv  *httptest.Server
	view explore.View
}

func newServer(t *testing.T, opts ...explore.Option) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(explore.New(opts...).Handler())
	t.Cleanup(srv.Close)
	return srv
}

func do(t *testing.T, srv *httptest.Server, method, path, contentType, body string) (int, []byte) {
	t.Helper()
	return doOrigin(t, srv, method, path, contentType, body, "")
}

func doOrigin(t *testing.T, srv *httptest.Server, method, path, contentType, body, origin string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json")
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res.StatusCode, data
}

func start(t *testing.T, srv *httptest.Server, cfg explore.Config) *walker {
	t.Helper()
	body, err := json.Marshal(cfg)
	require.NoError(t, err)
	code, data := do(t, srv, "POST", "/s", "application/json", string(body))
	require.Equal(t, http.StatusCreated, code, "%s", data)
	w := &walker{t: t, srv: srv}
	require.NoError(t, json.Unmarshal(data, &w.view))
	return w
}

func (w *walker) post(path string, body map[string]any) (int, []byte) {
	w.t.Helper()
	data, err := json.Marshal(body)
	require.NoError(w.t, err)
	return do(w.t, w.srv, "POST", "/s/"+w.view.Session+path, "application/json", string(data))
}

// move makes a move that must be accepted, and checks where it leads.
func (w *walker) move(body map[string]any, wantState string) {
	w.t.Helper()
	body["step"] = w.view.Step
	code, data := w.post("/move", body)
	require.Equal(w.t, http.StatusOK, code, "%s", data)
	var v explore.View
	require.NoError(w.t, json.Unmarshal(data, &v))
	require.Equal(w.t, wantState, v.State, "after %v; history: %+v", body, v.History)
	require.Equal(w.t, w.view.Step+1, v.Step)
	w.view = v
}

func (w *walker) reply(id, wantState string) { w.move(map[string]any{"reply": id}, wantState) }

func (w *walker) answer(value, wantState string) {
	w.move(map[string]any{"prompt": w.view.Prompt.Prompt, "value": value}, wantState)
}

func (w *walker) act(action, wantState string) {
	w.move(map[string]any{"prompt": w.view.Prompt.Prompt, "action": action}, wantState)
}

func (w *walker) current() explore.View {
	w.t.Helper()
	code, data := do(w.t, w.srv, "GET", "/s/"+w.view.Session+"/view", "", "")
	require.Equal(w.t, http.StatusOK, code, "%s", data)
	var v explore.View
	require.NoError(w.t, json.Unmarshal(data, &v))
	return v
}

// fullFlow walks a new account through the full flow, with one wrong PIN
// refused by the engine before any call, and one refused by the backend.
func fullFlow(w *walker) {
	w.reply("result:not_activated", "checking_account")
	w.reply("result:not_blocked", "checking_phone")
	w.reply("result:phone_absent", "awaiting_phone_number")
	w.answer("06 12 34 56 78", "requesting_certification_sms")
	w.reply("result:ok", "awaiting_certification_code")
	w.answer("4242", "adding_phone_number")
	w.reply("code:2316", "requesting_enrollment_sms")
	w.reply("result:ok", "awaiting_enrollment_code")
	w.answer("2424", "checking_pin")
	w.reply("result:not_enrolled", "awaiting_new_pin")
	w.answer("12", "awaiting_new_pin") // refused locally
	w.answer("1357", "registering_pin")
	w.reply("result:ok", "enrolling_device")
	w.reply("result:ok", "enrolled")
}

func TestFullFlowWalk(t *testing.T) {
	srv := newServer(t)
	w := start(t, srv, explore.Config{Flow: "full"})
	require.Equal(t, "checking_enrollment", w.view.State)
	require.NotNil(t, w.view.Call)
	assert.Equal(t, "pims.authentication.account", w.view.Call.API)
	assert.Equal(t, map[string]string{"actionType": "strong", "type": "isDeviceActivated"}, w.view.Call.Params)
	assert.Equal(t, `pims.get("pims.authentication.account", mapOf(Pair("actionType", "strong"), Pair("type", "isDeviceActivated"))) { message -> … }`, w.view.Call.Kotlin)
	assert.Equal(t, `pims.get(api: "pims.authentication.account", parameters: ["actionType": "strong", "type": "isDeviceActivated"]) { (message) in … }`, w.view.Call.Swift)

	fullFlow(w)
	v := w.view
	require.NotNil(t, v.Outcome)
	assert.True(t, v.Outcome.OK)
	assert.Equal(t, 9, v.Counters.Calls) // 1, 2, 3, 4a, 4.2, 5, 6, 7, 8
	assert.Len(t, v.Warnings, 1, "the 2316 at step 4.2 is reported")
	assert.Contains(t, v.Warnings[0], "2316")
	assert.Equal(t, "start", v.Path[0])
	assert.Equal(t, "enrolled", v.Path[len(v.Path)-1])
	require.Len(t, v.History, 14)
	assert.NotEmpty(t, v.History[10].Refused, "the short PIN is refused by the engine")
}

func TestStepsShowTheRequestMaskedAndEveryReply(t *testing.T) {
	srv := newServer(t)
	w := start(t, srv, explore.Config{Flow: "full", Platform: "ios", Situation: "pin_exists"})
	w.reply("result:not_activated", "checking_account")
	w.reply("result:not_blocked", "checking_phone")
	w.reply("result:phone_present", "requesting_enrollment_sms")
	w.reply("result:ok", "awaiting_enrollment_code")
	w.answer("8642", "checking_pin")
	assert.Equal(t, map[string]string{"action": "enrollment", "smsCode": redact.Mask}, w.view.Call.Params)
	assert.Equal(t, "set pims.authentication.smscode {action=enrollment, smsCode="+redact.Mask+"}", w.view.Call.Text)
	assert.NotContains(t, w.view.Call.Kotlin+w.view.Call.Swift, "8642")
	ids := map[string]explore.ReplyOption{}
	for _, r := range w.view.Call.Replies {
		ids[r.ID] = r
	}
	for _, id := range []string{"result:already_enrolled", "result:not_enrolled", "code:2316", "code:2317", "code:2308", "bridge", "malformed", "simulator"} {
		assert.Contains(t, ids, id)
	}
	assert.Equal(t, "blocked", ids["code:2317"].Class)
	assert.Equal(t, "inwebo: access refused", ids["code:2308"].Detail)
	assert.Equal(t, "rejected", ids["code:2308"].Class)
	// each button says where it leads, found by making the move on a copy
	assert.Equal(t, "→ awaiting_pin by pin_exists", ids["result:already_enrolled"].Leads)
	assert.Equal(t, "→ awaiting_enrollment_code by input_rejected", ids["code:2308"].Leads)
	assert.Equal(t, "→ confirming_removal by removal_required", ids["code:2317"].Leads)
	assert.Equal(t, "→ interrupted by call_interrupted", ids["code:2316"].Leads, "2316 carries no status: transient at step 6, which is no read")
	assert.Equal(t, "→ failed (bad_reply) by call_failed", ids["malformed"].Leads)
	assert.Equal(t, "→ interrupted by call_interrupted", ids["bridge"].Leads)
	assert.Equal(t, "→ failed (pims:2311) by call_failed", ids["code:2311"].Leads)

	w.reply("result:already_enrolled", "awaiting_pin")
	w.answer("9753", "enrolling_device")
	assert.Equal(t, "set pims.authentication.enrollment {action=enroll, pinCode="+redact.Mask+", smsCode="+redact.Mask+"}", w.view.Call.Text)

	code, page := do(t, srv, "GET", "/s/"+w.view.Session, "", "")
	require.Equal(t, http.StatusOK, code)
	assert.NotContains(t, string(page), "9753", "the page never shows a PIN")
	assert.NotContains(t, string(page), "8642", "nor a code the user typed")
}

// The 2317-then-removal path: step 4.2 finds the account blocked, the user
// confirms the removal, step A removes every enrollment, step 3 again.
func TestBlockedThenRemoval(t *testing.T) {
	srv := newServer(t)
	w := start(t, srv, explore.Config{Flow: "full"})
	w.reply("result:not_activated", "checking_account")
	w.reply("result:not_blocked", "checking_phone")
	w.reply("result:phone_absent", "awaiting_phone_number")
	w.answer("0612345678", "requesting_certification_sms")
	w.reply("result:ok", "awaiting_certification_code")
	w.answer("4242", "adding_phone_number")
	w.reply("code:2317", "confirming_removal")
	assert.Equal(t, []string{"cancel", "yes", "no"}, sorted3(w.view.Prompt.Actions))
	assert.Contains(t, w.view.Prompt.Reason, "2317")
	w.act("yes", "removing_enrollments")
	w.reply("result:ok", "checking_phone")
	assert.Equal(t, 1, w.view.Counters.Removals)
	w.reply("result:phone_present", "requesting_enrollment_sms")
	w.reply("result:ok", "awaiting_enrollment_code")
	w.answer("2424", "checking_pin")
	w.reply("result:already_enrolled", "awaiting_pin")
	w.answer("1234", "enrolling_device")
	w.reply("result:ok", "enrolled")
}

func sorted3(a []string) []string {
	order := map[string]int{"cancel": 0, "yes": 1, "no": 2}
	out := append([]string(nil), a...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if order[out[j]] < order[out[i]] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func TestSimulatorAnswers(t *testing.T) {
	srv := newServer(t)
	w := start(t, srv, explore.Config{Flow: "full", Situation: "has_phone"})
	for w.view.Kind == "call" {
		w.reply("simulator", nextState(t, w))
		if w.view.State == "awaiting_enrollment_code" {
			break
		}
	}
	require.Equal(t, "awaiting_enrollment_code", w.view.State)
	require.Len(t, w.view.SMS, 1, "the simulator texted the code")
	assert.Equal(t, w.view.SMS[0].Code, w.view.Prompt.SimulatedCode)
	w.answer(w.view.SMS[0].Code, "checking_pin")
	w.reply("simulator", "awaiting_new_pin")
	w.answer("2468", "registering_pin")
	w.reply("simulator", "enrolling_device")
	w.reply("simulator", "enrolled")
}

// nextState is where a simulator reply leads on the has_phone account.
func nextState(t *testing.T, w *walker) string {
	switch w.view.State {
	case "checking_enrollment":
		return "checking_account"
	case "checking_account":
		return "checking_phone"
	case "checking_phone":
		return "requesting_enrollment_sms"
	case "requesting_enrollment_sms":
		return "awaiting_enrollment_code"
	}
	t.Fatalf("unexpected state %s", w.view.State)
	return ""
}

func TestStepBackReplaysTheMoves(t *testing.T) {
	srv := newServer(t)
	w := start(t, srv, explore.Config{Flow: "full"})
	var views []explore.View
	views = append(views, w.current())
	w.reply("result:not_activated", "checking_account")
	views = append(views, w.current())
	w.reply("code:2201", "checking_account") // a read retried in place
	views = append(views, w.current())
	w.reply("result:not_blocked", "checking_phone")
	views = append(views, w.current())
	w.reply("result:phone_absent", "awaiting_phone_number")
	views = append(views, w.current())
	w.answer("bad number", "awaiting_phone_number")
	views = append(views, w.current())
	require.NotEmpty(t, w.view.Prompt.Reason)

	for to := len(views) - 1; to >= 0; to-- {
		code, data := w.post("/back", map[string]any{"step": w.view.Step, "to": to})
		require.Equal(t, http.StatusOK, code, "%s", data)
		got := w.current()
		assert.Equal(t, views[to].State, got.State, "back to %d", to)
		assert.Equal(t, views[to].Counters, got.Counters, "back to %d", to)
		assert.Equal(t, views[to].History, got.History, "back to %d", to)
		assert.Equal(t, views[to].Call, got.Call, "back to %d", to)
		assert.Equal(t, views[to].Prompt, got.Prompt, "back to %d", to)
		w.view = got
	}
	// and forward again from the start
	w.reply("result:activated", "enrolled")
}

func TestDownloadedScenarioReplays(t *testing.T) {
	srv := newServer(t)
	cases := map[string]func(w *walker){
		"full enrollment": fullFlow,
		"bad reply at step 2": func(w *walker) {
			w.reply("result:not_activated", "checking_account")
			w.reply("malformed", "failed")
		},
		"bridge error, retry, cancel": func(w *walker) {
			w.reply("bridge", "interrupted")
			w.act("retry", "checking_enrollment")
			w.reply("code:2204", "checking_enrollment")
			w.reply("code:2204", "checking_enrollment")
			w.reply("code:2204", "interrupted")
			w.act("cancel", "cancelled")
		},
	}
	dir := t.TempDir()
	for name, walk := range cases {
		w := start(t, srv, explore.Config{Flow: "full"})
		code, data := do(t, srv, "GET", "/s/"+w.view.Session+"/scenario", "", "")
		require.Equal(t, http.StatusConflict, code, "a run not over cannot be a scenario: %s", data)
		walk(w)
		code, data = do(t, srv, "GET", "/s/"+w.view.Session+"/scenario", "", "")
		require.Equal(t, http.StatusOK, code, "%s", data)
		file := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".json")
		require.NoError(t, os.WriteFile(file, data, 0o644))
		all, err := scenario.Load(file)
		require.NoError(t, err, name)
		var out bytes.Buffer
		assert.Zero(t, scenario.Report(context.Background(), &out, all), "%s: %s", name, out.String())
		assert.Contains(t, out.String(), "1 passed")
		assert.NotContains(t, string(data), "1357", "the PIN is replaced by a stand-in")
	}
}

// Bad requests get a 4xx, change nothing and never panic.
func TestBadRequests(t *testing.T) {
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	srv := newServer(t, explore.WithNow(func() time.Time { return now }))
	w := start(t, srv, explore.Config{Flow: "full"})
	w.reply("result:not_activated", "checking_account")
	w.reply("result:not_blocked", "checking_phone")
	w.reply("result:phone_absent", "awaiting_phone_number")
	atPrompt := w.view.Session
	w2 := start(t, srv, explore.Config{Flow: "full"})
	atCall := w2.view.Session

	type tc struct {
		name, method, path, ctype, body string
		want                            int
		origin                          string
	}
	move := func(id string) string { return "/s/" + id + "/move" }
	cases := []tc{
		{"unknown flow", "POST", "/s", "application/json", `{"flow": "nope"}`, 400, ""},
		{"unknown flow in the query", "GET", "/?flow=nope", "", "", 400, ""},
		{"unknown platform", "POST", "/s", "application/json", `{"platform": "symbian"}`, 400, ""},
		{"shortcut with an old SDK", "POST", "/s", "application/json", `{"flow": "shortcut", "sdkVersion": "2.0.0"}`, 400, ""},
		{"unknown situation", "POST", "/s", "application/json", `{"situation": "haunted"}`, 400, ""},
		{"malformed JSON config", "POST", "/s", "application/json", `{"flow": `, 400, ""},
		{"malformed JSON move", "POST", move(atPrompt), "application/json", `{"step": 3, "prompt": `, 400, ""},
		{"unknown field", "POST", move(atPrompt), "application/json", `{"step": 3, "prompt": "phone_number", "valu": "0612345678"}`, 400, ""},
		{"trailing data", "POST", move(atPrompt), "application/json", `{"step": 3, "prompt": "phone_number", "value": "0612345678"} {}`, 400, ""},
		{"step not a number", "POST", move(atPrompt), "application/json", `{"step": "3", "prompt": "phone_number", "value": "0612345678"}`, 400, ""},
		{"form step not a number", "POST", move(atPrompt), "application/x-www-form-urlencoded", `step=x&prompt=phone_number&value=0612345678`, 400, ""},
		{"answer to a prompt not pending", "POST", move(atPrompt), "application/json", `{"step": 3, "prompt": "pin", "value": "1234"}`, 409, ""},
		{"answer while a call is pending", "POST", move(atCall), "application/json", `{"step": 0, "prompt": "pin", "value": "1234"}`, 409, ""},
		{"reply while a prompt is pending", "POST", move(atPrompt), "application/json", `{"step": 3, "reply": "result:ok"}`, 409, ""},
		{"unknown reply", "POST", move(atCall), "application/json", `{"step": 0, "reply": "result:maybe"}`, 400, ""},
		{"unknown code", "POST", move(atCall), "application/json", `{"step": 0, "reply": "code:9999"}`, 400, ""},
		{"reply with an answer", "POST", move(atCall), "application/json", `{"step": 0, "reply": "result:activated", "prompt": "pin"}`, 400, ""},
		{"value and action", "POST", move(atPrompt), "application/json", `{"step": 3, "prompt": "phone_number", "value": "0612345678", "action": "cancel"}`, 400, ""},
		{"action not offered", "POST", move(atPrompt), "application/json", `{"step": 3, "prompt": "phone_number", "action": "resend"}`, 409, ""},
		{"unknown action", "POST", move(atPrompt), "application/json", `{"step": 3, "prompt": "phone_number", "action": "dance"}`, 400, ""},
		{"empty move", "POST", move(atPrompt), "application/json", `{"step": 3}`, 400, ""},
		{"stale page", "POST", move(atPrompt), "application/json", `{"step": 2, "reply": "result:phone_absent"}`, 409, ""},
		{"stale session", "POST", move("0123456789abcdef0123456789abcdef"), "application/json", `{"step": 0, "reply": "result:ok"}`, 404, ""},
		{"stale session page", "GET", "/s/0123456789abcdef0123456789abcdef", "", "", 404, ""},
		{"back too far", "POST", "/s/" + atPrompt + "/back", "application/json", `{"step": 3, "to": 4}`, 400, ""},
		{"back below the start", "POST", "/s/" + atPrompt + "/back", "application/json", `{"step": 3, "to": -1}`, 400, ""},
		{"scenario before the end", "GET", "/s/" + atPrompt + "/scenario", "", "", 409, ""},
		{"body too large", "POST", move(atPrompt), "application/json", `{"step": 3, "prompt": "phone_number", "value": "` + strings.Repeat("1", 20<<10) + `"}`, 413, ""},
		{"unknown docs page", "GET", "/docs/nope.md", "", "", 404, ""},
		{"a post from another site", "POST", move(atPrompt), "application/json", `{"step": 3, "prompt": "phone_number", "value": "0612345678"}`, 403, "http://evil.example"},
		{"docs outside the folder", "GET", "/docs/..%2fgo.mod", "", "", 404, ""},
		{"a value longer than any answer", "POST", move(atPrompt), "application/json", `{"step": 3, "prompt": "phone_number", "value": "` + strings.Repeat("1", 100) + `"}`, 400, ""},
	}
	before := map[string]explore.View{}
	for _, id := range []string{atPrompt, atCall} {
		w := &walker{t: t, srv: srv, view: explore.View{Session: id}}
		before[id] = w.current()
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, data := doOrigin(t, srv, c.method, c.path, c.ctype, c.body, c.origin)
			assert.Equal(t, c.want, code, "%s", data)
			if c.ctype == "application/json" || c.method == "GET" && strings.HasPrefix(c.path, "/s/") {
				var e struct{ Error string }
				require.NoError(t, json.Unmarshal(data, &e), "%s", data)
				assert.NotEmpty(t, e.Error)
			}
			for id, v := range before {
				w := &walker{t: t, srv: srv, view: explore.View{Session: id}}
				assert.Equal(t, v, w.current(), "session %s changed", id)
			}
		})
	}
	code, _ := do(t, srv, "GET", "/s/"+atPrompt, "", "")
	assert.Equal(t, http.StatusOK, code)

	// An idle session expires: then it is stale.
	now = now.Add(explore.DefaultIdle + time.Minute)
	code, data := do(t, srv, "POST", move(atPrompt), "application/json", `{"step": 3, "prompt": "phone_number", "value": "0612345678"}`)
	assert.Equal(t, http.StatusNotFound, code, "%s", data)
}

// Another site's page cannot start walks here (an image pointing at / would
// push the user's own walks out of the store).
func TestCrossSiteGetStartsNoWalk(t *testing.T) {
	srv := newServer(t)
	req, err := http.NewRequest("GET", srv.URL+"/", nil)
	require.NoError(t, err)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err = client.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode, "a page of the explorer itself starts one")
}

func TestSessionsAreBounded(t *testing.T) {
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	s := explore.New(explore.WithMaxSessions(3), explore.WithNow(func() time.Time { return now }))
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	var ids []string
	for range 5 {
		now = now.Add(time.Second)
		ids = append(ids, start(t, srv, explore.Config{}).view.Session)
	}
	assert.Equal(t, 3, s.Sessions())
	code, _ := do(t, srv, "GET", "/s/"+ids[0]+"/view", "", "")
	assert.Equal(t, http.StatusNotFound, code, "the oldest walk is dropped")
	code, _ = do(t, srv, "GET", "/s/"+ids[4]+"/view", "", "")
	assert.Equal(t, http.StatusOK, code)
}

// The page works without script: forms post and redirect.
func TestFormsWithoutScript(t *testing.T) {
	srv := newServer(t)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Get(srv.URL + "/?flow=update_pin")
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	loc := res.Header.Get("Location")
	require.True(t, strings.HasPrefix(loc, "/s/"))

	res, err = client.PostForm(srv.URL+loc+"/move", url.Values{"step": {"0"}, "reply": {"result:activated"}})
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusSeeOther, res.StatusCode)

	res, err = http.Get(srv.URL + loc)
	require.NoError(t, err)
	page, err := io.ReadAll(res.Body)
	res.Body.Close()
	require.NoError(t, err)
	assert.Contains(t, string(page), `<a id="state" href="/docs/update_pin.md#awaiting_old_pin">awaiting_old_pin</a>`)

	res, err = client.PostForm(srv.URL+loc+"/move", url.Values{"step": {"0"}, "reply": {"result:activated"}})
	require.NoError(t, err)
	page, _ = io.ReadAll(res.Body)
	res.Body.Close()
	assert.Equal(t, http.StatusConflict, res.StatusCode)
	assert.Contains(t, string(page), "this page was out of date")
}

// The first page already shows the first state, its request's API and the
// diagram with that state marked, before any script runs.
func TestFirstPageRenderedOnTheServer(t *testing.T) {
	srv := newServer(t)
	for _, flow := range enrollfsm.Flows() {
		res, err := http.Get(srv.URL + "/?flow=" + string(flow))
		require.NoError(t, err)
		page, err := io.ReadAll(res.Body)
		res.Body.Close()
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, res.StatusCode, "%s: %s", flow, page)
		first := "checking_enrollment"
		api := "pims.authentication.account"
		switch flow {
		case enrollfsm.FlowRemoveEnrollments:
			first, api = "removing_enrollments", "pims.authentication.enrollment"
		case enrollfsm.FlowRemoveVehicle:
			first, api = "removing_vehicle", "pims.subscription.vehicle"
		}
		assert.Contains(t, string(page), `id="state" href="/docs/`, flow)
		assert.Contains(t, string(page), ">"+first+"</a>", flow)
		assert.Contains(t, string(page), `<code id="api">`+api+`</code>`, flow)
		assert.Contains(t, string(page), "<svg", flow)
		assert.Contains(t, string(page), `class="node current" data-state="`+first+`"`, flow)
		assert.Contains(t, string(page), `class="edge out"`, flow)
	}
}

func TestDocsPagesHaveAnAnchorPerState(t *testing.T) {
	srv := newServer(t)
	for flow, table := range enrollfsm.Tables() {
		code, page := do(t, srv, "GET", "/docs/"+string(flow)+".md", "", "")
		require.Equal(t, http.StatusOK, code, string(flow))
		for _, st := range table.States {
			assert.Contains(t, string(page), `<h3 id="`+string(st.Name)+`">`, "%s: %s", flow, st.Name)
		}
		code, _ = do(t, srv, "GET", "/docs/"+string(flow)+".svg", "", "")
		assert.Equal(t, http.StatusOK, code)
	}
}

// Moves posted at once from several tabs: one is applied, the others are
// refused as stale, and the walk is as if one had been posted.
func TestConcurrentMoves(t *testing.T) {
	srv := newServer(t)
	w := start(t, srv, explore.Config{Flow: "full"})
	codes := make(chan int, 8)
	for range 8 {
		go func() {
			code, _ := w.post("/move", map[string]any{"step": 0, "reply": "result:not_activated"})
			codes <- code
		}()
	}
	got := map[int]int{}
	for range 8 {
		got[<-codes]++
	}
	assert.Equal(t, map[int]int{http.StatusOK: 1, http.StatusConflict: 7}, got)
	v := w.current()
	assert.Equal(t, "checking_account", v.State)
	assert.Equal(t, 1, v.Step)
	assert.Equal(t, 1, v.Counters.Calls)
}

// A refused request says why without echoing what was sent, which may be a
// value the user typed.
func TestErrorsDoNotEchoWhatWasSent(t *testing.T) {
	srv := newServer(t)
	w := start(t, srv, explore.Config{Flow: "full"})
	for _, body := range []map[string]any{
		{"step": 0, "reply": "secret-1357"},
		{"step": 0, "prompt": "secret-1357", "value": "1357"},
	} {
		code, data := w.post("/move", body)
		assert.True(t, code == http.StatusBadRequest || code == http.StatusConflict, "%d %s", code, data)
		assert.NotContains(t, string(data), "1357")
	}
	w.reply("result:not_activated", "checking_account")
	w.reply("result:not_blocked", "checking_phone")
	w.reply("result:phone_absent", "awaiting_phone_number")
	for _, body := range []map[string]any{
		{"step": 3, "prompt": "pin", "value": "1357"},
		{"step": 3, "prompt": "phone_number", "action": "secret-1357"},
	} {
		code, data := w.post("/move", body)
		assert.True(t, code == http.StatusBadRequest || code == http.StatusConflict, "%d %s", code, data)
		assert.NotContains(t, string(data), "1357")
	}
}
