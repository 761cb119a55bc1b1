package scenario_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/scenario"
	"github.com/enrollfsm/enrollfsm/simulator"
)

// typist types the given values, one per value prompt, then cancels: "sms"
// stands for the code the simulated phone shows, "pin" for the account's PIN.
type typist struct {
	sim    *simulator.Simulator
	values []string
	typed  []string
}

func (u *typist) Answer(_ context.Context, p enrollfsm.Pending) (enrollfsm.Answer, error) {
	_, takesValue := p.Prompt.ValueEvent()
	switch {
	case p.Prompt == enrollfsm.PromptConfirmRemoval:
		return enrollfsm.Act(p.Prompt, enrollfsm.ActionYes), nil
	case !takesValue || len(u.values) == 0:
		return enrollfsm.Act(p.Prompt, enrollfsm.ActionCancel), nil
	}
	v := u.values[0]
	u.values = u.values[1:]
	switch {
	case v == "sms" && p.Prompt.IsCode():
		kind := simulator.KindEnrollment
		if p.Prompt == enrollfsm.PromptCertificationCode {
			kind = simulator.KindCertification
		}
		v, _ = u.sim.LastCode(kind)
	case v == "pin" && p.Prompt.IsPIN():
		v = u.sim.Account().PIN
	}
	u.typed = append(u.typed, v)
	return enrollfsm.Value(p.Prompt, v), nil
}

// transcriptOf runs flow against the simulator with the account in sit,
// typing values, and returns the transcript and what was typed.
func transcriptOf(t *testing.T, flow enrollfsm.Flow, sit simulator.Situation, values ...string) ([]byte, []string) {
	t.Helper()
	sim := simulator.MustNew(simulator.WithSituation(sit))
	rec := scenario.NewRecorder()
	e, err := enrollfsm.New(flow, enrollfsm.WithObserver(rec.Observer()), enrollfsm.WithLimits(fastLimits()))
	require.NoError(t, err)
	u := &typist{sim: sim, values: values}
	_, err = e.Run(context.Background(), sim, u)
	require.NoError(t, err)
	data, err := rec.Transcript(e, "typed")
	require.NoError(t, err)
	return data, u.typed
}

// checkTranscript: the transcript replays, and no value typed with a digit
// of any script is in it.
func checkTranscript(t *testing.T, data []byte, typed []string) {
	t.Helper()
	s, err := scenario.Parse(data)
	require.NoError(t, err, "%s", data)
	require.NoError(t, scenario.Run(context.Background(), s).Err, "the transcript does not replay:\n%s", data)
	var written []string
	for _, a := range s.Answers {
		if a.Value != nil {
			written = append(written, *a.Value)
		}
	}
	for _, x := range s.Exchanges {
		for _, p := range x.Params {
			written = append(written, p.Value)
		}
		var reply struct{ Result map[string]any }
		_ = json.Unmarshal(x.Reply, &reply)
		for _, v := range reply.Result {
			if s, ok := v.(string); ok {
				written = append(written, s)
			}
		}
	}
	for _, v := range typed {
		if strings.IndexFunc(v, unicode.IsNumber) >= 0 {
			assert.NotContains(t, written, v, "a typed value is in the transcript:\n%s", data)
		}
	}
}

// Reference: issue 23, "the recorder hangs": a typed answer without an
// ASCII digit ("", "abcd") looped for ever in the stand-ins.
func TestRecorder_AnswersWithoutADigitDoNotHang(t *testing.T) {
	for _, values := range [][]string{
		{""},
		{"abcd"},
		{"abcd", "", "  ", "+"},
	} {
		data, typed := transcriptOf(t, enrollfsm.FlowFull, simulator.SituationNew, values...)
		checkTranscript(t, data, typed)
	}
}

// Reference: issue 23, "a PIN typed in Arabic-Indic digits is kept by the
// recorder": every script's digits are replaced, by digits of the same
// script, so the answer is still refused on replay for the same reason.
func TestRecorder_MasksDigitsOfEveryScript(t *testing.T) {
	for _, v := range []string{"٨٦٤٢", "۸۶۴۲", "८६४२", "８６４２", "𝟖𝟔𝟒𝟐", "8٦4٢", "²³⁴⁵", "①②③④"} {
		data, typed := transcriptOf(t, enrollfsm.FlowUpdatePIN, simulator.SituationEnrolled, v, v, "pin", v)
		require.Equal(t, []string{v, v, simulator.DefaultPIN, v}, typed)
		checkTranscript(t, data, typed)
		assert.NotContains(t, string(data), v)
	}
}

// Ten one-digit values use up every one-digit stand-in: the eleventh still
// gets one, repeating a value rather than searching for ever.
func TestRecorder_StandInsWhenEveryShapeIsTaken(t *testing.T) {
	values := []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "pin"}
	data, _ := transcriptOf(t, enrollfsm.FlowUpdatePIN, simulator.SituationEnrolled, values...)
	s, err := scenario.Parse(data)
	require.NoError(t, err)
	require.Len(t, s.Answers, 12)
	for i, a := range s.Answers[:10] {
		assert.NotEqual(t, values[i], *a.Value, "a value is never its own stand-in")
	}
}

// FuzzTranscript: whatever the user types, Transcript comes back, the
// transcript replays, and no value typed with a digit of any script is in
// it. sel picks the flow and the account; "sms" and "pin" type the real
// code or PIN, so that runs get past the prompts. At most five values: with
// more, ten one-digit values could use up the one-digit stand-ins (see
// TestRecorder_StandInsWhenEveryShapeIsTaken). Seeds:
// testdata/fuzz/FuzzTranscript.
func FuzzTranscript(f *testing.F) {
	f.Add(uint8(0), "", "abcd", "٨٦٤٢", "sms", "pin")
	f.Add(uint8(3), "٨٦٤٢", "pin", "8642", "", "")
	f.Fuzz(func(t *testing.T, sel uint8, a, b, c, d, e string) {
		setups := []struct {
			flow enrollfsm.Flow
			sit  simulator.Situation
		}{
			{enrollfsm.FlowFull, simulator.SituationNew},
			{enrollfsm.FlowFull, simulator.SituationPINExists},
			{enrollfsm.FlowShortcut, simulator.SituationNew},
			{enrollfsm.FlowUpdatePIN, simulator.SituationEnrolled},
			{enrollfsm.FlowResetPIN, simulator.SituationEnrolled},
			{enrollfsm.FlowModifyPhone, simulator.SituationEnrolled},
		}
		setup := setups[int(sel)%len(setups)]
		data, typed := transcriptOf(t, setup.flow, setup.sit, a, b, c, d, e)
		checkTranscript(t, data, typed)
	})
}
