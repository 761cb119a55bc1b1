package explore_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/explore"
	"github.com/enrollfsm/enrollfsm/scenario"
)

// codeWait is the wait the page offers: past the code's lifetime.
var codeWait = enrollfsm.DefaultLimits().CodeTTL + time.Minute

// toEnrollmentCode walks a new account to the enrollment code prompt.
func toEnrollmentCode(w *walker) {
	w.reply("result:not_activated", "checking_account")
	w.reply("result:not_blocked", "checking_phone")
	w.reply("result:phone_absent", "awaiting_phone_number")
	w.answer("06 12 34 56 78", "requesting_certification_sms")
	w.reply("result:ok", "awaiting_certification_code")
	w.answer("4242", "adding_phone_number")
	w.reply("result:ok", "requesting_enrollment_sms")
	w.reply("result:ok", "awaiting_enrollment_code")
}

// The code expires while the user is away: the engine refuses it, a resend
// brings a new one, and the walk downloads as a scenario with the wait.
func TestWaitExpiresTheCode(t *testing.T) {
	srv := newServer(t)
	w := start(t, srv, explore.Config{Flow: "full"})
	toEnrollmentCode(w)
	require.NotNil(t, w.view.Prompt)
	require.Equal(t, codeWait.String(), w.view.Prompt.Wait, "the page offers the wait at a code prompt")

	w.move(map[string]any{"wait": w.view.Prompt.Wait}, "awaiting_enrollment_code")
	last := w.view.History[len(w.view.History)-1]
	assert.Equal(t, "wait "+codeWait.String(), last.Move)
	assert.Empty(t, last.Refused)

	w.answer("2424", "awaiting_enrollment_code")
	require.NotNil(t, w.view.Prompt)
	assert.Contains(t, w.view.Prompt.Reason, pimserr.ErrCodeExpired.Error())
	assert.Contains(t, w.view.History[len(w.view.History)-1].Refused, pimserr.ErrCodeExpired.Error())
	assert.Zero(t, w.view.Counters.WrongCodes, "an expired code is not a wrong one")
	callsBefore := w.view.Counters.Calls

	w.act("resend", "requesting_enrollment_sms")
	assert.Equal(t, 1, w.view.Counters.Resends)
	w.reply("result:ok", "awaiting_enrollment_code")
	assert.Empty(t, w.view.Prompt.Reason, "a new code is asked for afresh")
	w.answer("2424", "checking_pin")
	w.reply("result:not_enrolled", "awaiting_new_pin")
	w.answer("1357", "registering_pin")
	w.reply("result:ok", "enrolling_device")
	w.reply("result:ok", "enrolled")
	require.NotNil(t, w.view.Outcome)
	assert.True(t, w.view.Outcome.OK)
	assert.Greater(t, w.view.Counters.Calls, callsBefore)

	code, data := do(t, srv, "GET", "/s/"+w.view.Session+"/scenario", "", "")
	require.Equal(t, http.StatusOK, code, "%s", data)
	s, err := scenario.Parse(data)
	require.NoError(t, err, "%s", data)
	var waits []int
	for i, a := range s.Answers {
		if a.Wait != "" {
			waits = append(waits, i)
			assert.Equal(t, codeWait.String(), a.Wait)
		}
	}
	require.Len(t, waits, 1, "%s", data)
	require.Greater(t, len(s.Answers), waits[0]+1)
	next := s.Answers[waits[0]+1]
	assert.Equal(t, string(enrollfsm.PromptEnrollmentCode), next.Prompt, "the wait comes right before the expired code")
	assert.NotNil(t, next.Value)
	res := scenario.Run(context.Background(), s)
	require.NoError(t, res.Err, "%s", data)
	assert.Equal(t, enrollfsm.State("enrolled"), res.Path[len(res.Path)-1])

	// enroll replay's way: loaded from a file and reported
	file := filepath.Join(t.TempDir(), "explored_full.json")
	require.NoError(t, os.WriteFile(file, data, 0o644))
	all, err := scenario.Load(file)
	require.NoError(t, err)
	var out strings.Builder
	assert.Zero(t, scenario.Report(context.Background(), &out, all), "%s", out.String())
	assert.Contains(t, out.String(), "1 passed")
	assert.NotContains(t, string(data), "2424", "the code is replaced by a stand-in")
}

// Stepping back over a wait undoes it; stepping back to after it keeps it.
func TestStepBackOverAWait(t *testing.T) {
	srv := newServer(t)
	w := start(t, srv, explore.Config{Flow: "full"})
	toEnrollmentCode(w)
	atPrompt := w.view.Step
	w.move(map[string]any{"wait": codeWait.String()}, "awaiting_enrollment_code")
	w.answer("2424", "awaiting_enrollment_code")
	refused := w.view.History

	code, data := w.post("/back", map[string]any{"step": w.view.Step, "to": atPrompt + 1})
	require.Equal(t, http.StatusOK, code, "%s", data)
	require.NoError(t, json.Unmarshal(data, &w.view))
	assert.Equal(t, refused[:atPrompt+1], w.view.History)
	w.answer("2424", "awaiting_enrollment_code")
	assert.Equal(t, refused, w.view.History, "after the wait the code is refused again")

	code, data = w.post("/back", map[string]any{"step": w.view.Step, "to": atPrompt})
	require.Equal(t, http.StatusOK, code, "%s", data)
	require.NoError(t, json.Unmarshal(data, &w.view))
	w.answer("2424", "checking_pin")
}

// A wait is a move of its own at a code prompt only; anything else is
// refused and changes nothing.
func TestBadWaits(t *testing.T) {
	srv := newServer(t)
	w := start(t, srv, explore.Config{Flow: "full"})
	try := func(body map[string]any, want int) {
		t.Helper()
		before := w.current()
		body["step"] = before.Step
		code, data := w.post("/move", body)
		require.Equal(t, want, code, "%v: %s", body, data)
		var e map[string]string
		require.NoError(t, json.Unmarshal(data, &e))
		assert.NotEmpty(t, e["error"])
		assert.Equal(t, before, w.current(), "%v changed the walk", body)
	}
	try(map[string]any{"wait": codeWait.String()}, http.StatusConflict) // at a call
	w.reply("result:not_activated", "checking_account")
	w.reply("result:not_blocked", "checking_phone")
	w.reply("result:phone_absent", "awaiting_phone_number")
	try(map[string]any{"wait": codeWait.String()}, http.StatusConflict) // at a prompt without a code
	w.answer("06 12 34 56 78", "requesting_certification_sms")
	w.reply("result:ok", "awaiting_certification_code")
	for _, body := range []map[string]any{
		{"wait": "soon"},
		{"wait": "-11m"},
		{"wait": "0s"},
		{"wait": "1000h"},
		{"wait": "11m", "prompt": "certification_code"},
		{"wait": "11m", "action": "resend"},
	} {
		try(body, http.StatusBadRequest)
	}
	// at the certification code the wait is offered and taken
	require.Equal(t, codeWait.String(), w.view.Prompt.Wait)
	w.move(map[string]any{"wait": codeWait.String()}, "awaiting_certification_code")
	w.answer("4242", "awaiting_certification_code")
	assert.Contains(t, w.view.Prompt.Reason, pimserr.ErrCodeExpired.Error())
}

// Without script the wait is a plain form button that posts and redirects.
func TestWaitFormWithoutScript(t *testing.T) {
	srv := newServer(t)
	w := start(t, srv, explore.Config{Flow: "full"})
	toEnrollmentCode(w)
	loc := "/s/" + w.view.Session
	res, err := http.Get(srv.URL + loc)
	require.NoError(t, err)
	page, err := io.ReadAll(res.Body)
	res.Body.Close()
	require.NoError(t, err)
	assert.Contains(t, string(page), `name="wait" value="`+codeWait.String()+`"`)
	assert.Contains(t, string(page), "wait 11 minutes (the code expires)")

	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err = client.PostForm(srv.URL+loc+"/move", url.Values{"step": {"8"}, "wait": {codeWait.String()}})
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	v := w.current()
	assert.Equal(t, 9, v.Step)
	assert.Equal(t, "wait "+codeWait.String(), v.History[8].Move)

	res, err = http.Get(srv.URL + loc)
	require.NoError(t, err)
	page, err = io.ReadAll(res.Body)
	res.Body.Close()
	require.NoError(t, err)
	assert.Contains(t, string(page), "wait 11m0s")
}
