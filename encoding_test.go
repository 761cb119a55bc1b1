package enrollfsm_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/enrolltest"
	"github.com/enrollfsm/enrollfsm/pims"
	"github.com/enrollfsm/enrollfsm/simulator"
)

// Reference: docs/contract.md §4, secrets in every encoding. Every value a
// host observes is printed, logged and JSON-encoded, and none may show the
// PIN 2468, the SMS code 97531 or the full phone number.
func TestObservedValues_NoSecretInAnyEncoding(t *testing.T) {
	var calls []enrollfsm.CallRecord
	var answers []enrollfsm.Answer
	e, err := enrollfsm.New(enrollfsm.FlowFull, enrollfsm.WithPlatform(enrollfsm.IOS),
		enrollfsm.WithObserver(enrollfsm.Observer{
			Call:   func(r enrollfsm.CallRecord) { calls = append(calls, r) },
			Answer: func(a enrollfsm.Answer, _ error) { answers = append(answers, a) },
		}))
	require.NoError(t, err)
	advance(t, e, enrolltest.NewScript(toEnrollmentCode()...))
	require.NoError(t, e.Answer(enrollfsm.Value(enrollfsm.PromptEnrollmentCode, "97531")))
	advance(t, e, enrolltest.NewScript(enrolltest.Exchange{Request: call6("97531"), Reply: pims.Success("t5", map[string]any{"status": "AlreadyEnrolled"})}))
	require.NoError(t, e.Answer(enrollfsm.Value(enrollfsm.PromptPIN, "2468")))
	pending := e.Next()
	require.Equal(t, "2468", pending.Call.Request.Params.Value("pinCode"), "the bridge gets the real PIN")
	// a refused answer is observed too
	require.Error(t, e.Answer(enrollfsm.Value(enrollfsm.PromptPIN, "2468")))

	sms := simulator.SMS{To: "0612345678", Code: "97531", Kind: simulator.KindEnrollment}
	observed := []any{pending, pending.Call, pending.Call.Request, answers, calls, sms,
		enrollfsm.Value(enrollfsm.PromptPhoneNumber, "0612345678")}
	for _, v := range observed {
		var logs bytes.Buffer
		slog.New(slog.NewJSONHandler(&logs, nil)).Info("observed", "v", v)
		slog.New(slog.NewTextHandler(&logs, nil)).Info("observed", "v", v)
		js, err := json.Marshal(v)
		require.NoError(t, err)
		for _, out := range []string{fmt.Sprintf("%v %+v %#v %s", v, v, v, v), string(js), logs.String()} {
			assert.NotContains(t, out, "2468", "%T", v)
			assert.NotContains(t, out, "97531", "%T", v)
			assert.NotContains(t, out, "0612345678", "%T", v)
		}
	}
	wire, err := pending.Call.Request.WireJSON()
	require.NoError(t, err)
	assert.Contains(t, string(wire), `"pinCode":"2468"`, "the wire form carries it")
}
