package mobile_test

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/mobile"
	"github.com/enrollfsm/enrollfsm/simulator"
)

// Params and actions read one by one are the JSON forms' contents, params
// in name order; out of range gives "".
func TestParamsAndActionsWithoutJSON(t *testing.T) {
	sim := simulator.MustNew()
	a := newApp(t, sim)
	e := start(t, &mobile.Config{Flow: mobile.FlowFull})
	calls := 0
	a.before = func(p *mobile.Pending) {
		calls++
		var want map[string]string
		require.NoError(t, json.Unmarshal([]byte(p.Params), &want))
		got := map[string]string{}
		var keys []string
		for i := range p.ParamCount() {
			got[p.ParamKey(i)] = p.ParamValue(i)
			keys = append(keys, p.ParamKey(i))
		}
		assert.Equal(t, want, got, p.String())
		assert.True(t, sort.StringsAreSorted(keys), keys)
		assert.Empty(t, p.ParamKey(p.ParamCount()))
		assert.Empty(t, p.ParamValue(-1))
		assert.Zero(t, p.ActionCount(), "a call offers no action")
	}
	a.answer = func(p *mobile.Pending) (string, string, bool) {
		var want []string
		require.NoError(t, json.Unmarshal([]byte(p.Actions), &want))
		var got []string
		for i := range p.ActionCount() {
			got = append(got, p.Action(i))
			assert.True(t, p.Offers(p.Action(i)))
		}
		assert.Equal(t, want, got)
		assert.Contains(t, got, mobile.ActionCancel)
		assert.Empty(t, p.Action(-1))
		assert.Zero(t, p.ParamCount(), "a prompt has no params")
		return "", "", false
	}
	out := a.pull(e)
	assert.Equal(t, mobile.StateEnrolled, out.State)
	assert.Equal(t, 9, calls)

	var zero mobile.Pending // new Pending() in Java
	assert.Zero(t, zero.ParamCount())
	assert.Empty(t, zero.Action(0))
}

type transitions struct{ seen []string }

func (l *transitions) Transition(from, to, event string) {
	l.seen = append(l.seen, from+" -"+event+"-> "+to)
}

// The Listener is told of every transition, in order, ending in the
// terminal state.
func TestListenerSeesEveryTransition(t *testing.T) {
	l := &transitions{}
	a := newApp(t, simulator.MustNew(simulator.WithSituation(simulator.SituationEnrolled)))
	out := a.push(start(t, &mobile.Config{Listener: l}))
	assert.Equal(t, mobile.StateEnrolled, out.State)
	require.NotEmpty(t, l.seen)
	assert.Regexp(t, `^start -.+-> checking_enrollment$`, l.seen[0])
	assert.Regexp(t, `-> enrolled$`, l.seen[len(l.seen)-1])
}

// With a snapshot key, a snapshot restores only with the same key.
func TestSnapshotKey(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	sim := simulator.MustNew(simulator.WithSituation(simulator.SituationHasPhone))
	a := newApp(t, sim)
	e := start(t, &mobile.Config{Flow: mobile.FlowFull, SnapshotKey: key})
	p := a.pullUntil(e, mobile.PromptEnrollmentCode)
	require.Equal(t, mobile.PromptEnrollmentCode, p.Prompt)
	saved, err := e.Snapshot()
	require.NoError(t, err)
	assert.Nil(t, e.Settings().SnapshotKey, "Settings never returns the key")

	_, err = (&mobile.Config{SnapshotKey: []byte("another key of 32 bytes, not it!")}).Restore(saved)
	assertError(t, err, mobile.ErrorSnapshot)
	_, err = (&mobile.Config{SnapshotKey: []byte("short")}).Start()
	assertError(t, err, mobile.ErrorConfig)

	tampered := strings.Replace(string(saved), `"wrongPins":0`, `"wrongPins":1`, 1)
	require.NotEqual(t, string(saved), tampered)
	_, err = (&mobile.Config{SnapshotKey: key}).Restore([]byte(tampered))
	assertError(t, err, mobile.ErrorSnapshot)
	other := start(t, &mobile.Config{Flow: mobile.FlowFull})
	newApp(t, simulator.MustNew(simulator.WithSituation(simulator.SituationHasPhone))).pullUntil(other, mobile.PromptEnrollmentCode)
	unsealed, err := other.Snapshot()
	require.NoError(t, err)
	_, err = (&mobile.Config{SnapshotKey: key}).Restore(unsealed)
	assertError(t, err, mobile.ErrorSnapshot)

	restored, err := (&mobile.Config{SnapshotKey: key}).Restore(saved)
	require.NoError(t, err)
	assert.Equal(t, mobile.StateEnrolled, a.pull(restored).State)
}

// The Kotlin layer's enums name every state, event, prompt, action, flow
// and failure the engine has: a new one must be added there too.
func TestKotlinEnumsCoverTheEngine(t *testing.T) {
	src, err := os.ReadFile("kotlin/src/com/enrollfsm/enroll/Enums.kt")
	require.NoError(t, err)
	wire := map[string]map[string]bool{}
	block := regexp.MustCompile(`(?s)public enum class (\w+)\(public val wire: String\) \{(.*?)\n\s*;`)
	entry := regexp.MustCompile(`[A-Z_0-9]+\("([a-z_0-9:]+)"\)`)
	for _, m := range block.FindAllStringSubmatch(string(src), -1) {
		wire[m[1]] = map[string]bool{}
		for _, e := range entry.FindAllStringSubmatch(m[2], -1) {
			wire[m[1]][e[1]] = true
		}
	}
	has := func(enum, name string) {
		t.Helper()
		assert.True(t, wire[enum][name], fmt.Sprintf("enum class %s has no entry for %q", enum, name))
	}
	states, events := map[string]bool{}, map[string]bool{}
	for _, table := range enrollfsm.Tables() {
		for _, s := range table.Def.States() {
			states[string(s)] = true
		}
		for _, r := range table.Def.Rows() {
			e := string(r.Event)
			// retry_<state>, resume_<state> and answers_lost_<call> are one
			// entry each, named by the prefix.
			for _, prefix := range []string{"retry_", "resume_", "answers_lost_"} {
				if strings.HasPrefix(e, prefix) {
					e = prefix
				}
			}
			events[e] = true
		}
	}
	for e := range events {
		has("Event", e)
	}
	assert.Len(t, wire["Event"], len(events), "no event the engine lacks")
	for s := range states {
		has("State", s)
	}
	assert.Len(t, wire["State"], len(states), "no state the engine lacks")
	for _, f := range enrollfsm.Flows() {
		has("EnrollmentFlow", string(f))
	}
	for _, p := range []string{mobile.PromptPhoneNumber, mobile.PromptCertificationCode, mobile.PromptEnrollmentCode,
		mobile.PromptPIN, mobile.PromptNewPIN, mobile.PromptOldPIN, mobile.PromptConfirmRemoval, mobile.PromptRetry} {
		has("Prompt", p)
	}
	for _, a := range []string{mobile.ActionCancel, mobile.ActionResend, mobile.ActionChangePhone,
		mobile.ActionForgotPIN, mobile.ActionRetry, mobile.ActionYes, mobile.ActionNo} {
		has("Action", a)
	}
	for _, f := range []string{"pims", "bad_reply", "too_many_attempts", "account_locked", "not_enrolled",
		"no_phone_number", "internal_error"} {
		has("Failure", f)
	}
	for _, k := range []string{mobile.ErrorPIMS, mobile.ErrorBadReply, mobile.ErrorBridge, mobile.ErrorCancelled,
		mobile.ErrorRunFailed, mobile.ErrorInvalidInput, mobile.ErrorWrongPrompt, mobile.ErrorNotAllowed,
		mobile.ErrorNotWaiting, mobile.ErrorNoCall, mobile.ErrorEnded, mobile.ErrorCodeExpired, mobile.ErrorCodeLocked,
		mobile.ErrorResendLimit, mobile.ErrorShortcutUnsupported, mobile.ErrorConfig, mobile.ErrorAskedAgain,
		mobile.ErrorSnapshot, mobile.ErrorStaleSnapshot, mobile.ErrorReplyLost, mobile.ErrorInternal} {
		has("ErrorKind", k)
	}
	for _, c := range []string{mobile.ClassTransient, mobile.ClassRejected, mobile.ClassBlocked, mobile.ClassFatal,
		mobile.ClassSucceededWithWarning} {
		has("CodeClass", c)
	}
}
