package scenariofile_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/scenario/scenariofile"
)

const small = `{"name":"x","flow":"full","answers":[{"prompt":"pin","value":"1234"}],"exchanges":[` +
	`{"op":"get","api":"pims.authentication.account","params":{"type":"isDeviceActivated","actionType":"strong"},"reply":{"status":"SUCCEEDED","result":{"isDeviceActivated":true}}}],"final":"enrolled"}`

func TestParse_RefusesWhatTheFormatDoesNotHave(t *testing.T) {
	for _, c := range []struct{ doc, key, reason string }{
		{`{"name":"x","flow":"full","answers":[],"exchanges":[],"final":"cancelled","Final":"enrolled"}`, "", "duplicate key"},
		{`{"name":"x","Flow":"full","answers":[],"exchanges":[],"final":"cancelled"}`, "Flow", "not a key of the format"},
		{`{"name":"x","flow":"full","answers":[],"exchanges":[],"final":"cancelled","finale":"x"}`, "finale", "not a key of the format"},
		{`{"name":"x","flow":null,"answers":[],"exchanges":[],"final":"cancelled"}`, "flow", "null"},
		{`{"name":"x","flow":"full","answers":[{"prompt":"pin","Value":"1"}],"exchanges":[],"final":"cancelled"}`, "answers", `answer 1: "Value" is not a key`},
		{`{"name":"x","flow":"full","answers":[{"prompt":"pin","value":null}],"exchanges":[],"final":"cancelled"}`, "answers", "answer 1: value: null"},
		{`{"name":"x","flow":"full","answers":[],"exchanges":[{"op":"get","api":"a","params":{"type":1},"bridgeError":"x"}],"final":"cancelled"}`, "exchanges", `exchange 1: params: "type" is not a string`},
		{`{"name":"x","flow":"full","answers":[],"exchanges":[],"final":"cancelled","path":["start",null]}`, "path", "path entry 2: null"},
		{`{"name":"x","flow":"full","answers":[],"exchanges":[],"final":"cancelled","restartAfter":[1.5]}`, "restartAfter", "restartAfter entry 1"},
		{`{"name":"x","flow":"full","answers":[],"exchanges":[],"final":"cancelled","inputs":{"vin":null}}`, "inputs", `inputs: "vin": null`},
		{`{"name":"x","flow":"full","answers":[],"exchanges":[],"final":"cancelled"} {}`, "", "trailing data"},
		{`{"name":"x","flow":"full","answers":[],"exchanges":[],"final":"cancelled"}}`, "", "trailing data"},
		{`null`, "", "null"},
		{`{"name":"x","flow":"full","answers":[],"exchanges":[],"final":"enrolled","failure":"bad_reply"}`, "failure", "failure given"},
		{`{"name":"x","flow":"full","answers":[],"exchanges":[],"final":"cancelled","limits":{"codeAttempts":3}}`, "limits", "resends missing"},
		{`{"name":"x","flow":"full","answers":[],"exchanges":[],"final":"cancelled","limits":{"codeAttempts":3,"resends":3,"pinAttempts":5,"removals":1,"readAttempts":3,"backoff":"1s","codeTTL":"10 minutes"}}`, "limits", "codeTTL"},
		{`{"name":"x","flow":"full","answers":[],"exchanges":[],"final":"cancelled","limits":{"codeAttempts":-1,"resends":3,"pinAttempts":5,"removals":1,"readAttempts":3,"backoff":"1s","codeTTL":"10m"}}`, "limits", "negative"},
		{`{"name":"x","flow":"full","answers":[],"exchanges":[],"final":"cancelled","limits":{"codeAttempts":3,"resends":3,"pinAttempts":5,"removals":1,"readAttempts":3,"backoff":1000,"codeTTL":"10m"}}`, "limits", "backoff"},
		{`{"name":"x","flow":"full","answers":[],"exchanges":[],"final":"cancelled","limits":{"codeAttempts":3,"resends":3,"pinAttempts":5,"removals":1,"readAttempts":3,"backoff":"1s","codeTTL":"10m","ttl":"1m"}}`, "limits", `"ttl" is not a key`},
	} {
		_, err := scenariofile.Parse([]byte(c.doc))
		require.ErrorIs(t, err, scenariofile.ErrInvalid, c.doc)
		var perr *scenariofile.Error
		require.True(t, errors.As(err, &perr), c.doc)
		assert.Equal(t, c.key, perr.Key, c.doc)
		assert.Contains(t, err.Error(), c.reason, c.doc)
	}
}

func TestParse_NamesTheEntryAtFault(t *testing.T) {
	_, err := scenariofile.Parse([]byte(`{"name":"n","flow":"full","answers":[{"prompt":"pin","value":"1"},{"prompt":"pin"}],"exchanges":[],"final":"cancelled"}`))
	var perr *scenariofile.Error
	require.ErrorAs(t, err, &perr)
	assert.Equal(t, scenariofile.Error{Name: "n", Key: "answers", Index: 2, Reason: "answer 2 needs a value or an action, not both"}, *perr)
	assert.Equal(t, "invalid scenario: n: answer 2 needs a value or an action, not both", err.Error())

	var syntax *json.SyntaxError
	_, err = scenariofile.Parse([]byte(`{"name":`))
	require.ErrorIs(t, err, scenariofile.ErrInvalid)
	_, err = scenariofile.Parse([]byte(`{"name":x}`))
	assert.ErrorAs(t, err, &syntax)
}

func TestParse_KeepsTheOrderOfParams(t *testing.T) {
	s, err := scenariofile.Parse([]byte(small))
	require.NoError(t, err)
	assert.Equal(t, scenariofile.Params{{"type", "isDeviceActivated"}, {"actionType", "strong"}}, s.Exchanges[0].Params)
	assert.True(t, s.Exchanges[0].Params.Equal(scenariofile.Params{{"actionType", "strong"}, {"type", "isDeviceActivated"}}))
	assert.False(t, s.Exchanges[0].Params.Equal(scenariofile.Params{{"actionType", "strong"}}))
	out, err := scenariofile.Marshal(s)
	require.NoError(t, err)
	assert.Contains(t, string(out), `"params": {"type": "isDeviceActivated", "actionType": "strong"}`)
}

// A scenario with the host's limits is written with all seven, and reads
// back the same.
func TestMarshal_Limits(t *testing.T) {
	s, err := scenariofile.Parse([]byte(small))
	require.NoError(t, err)
	s.Limits = &enrollfsm.Limits{CodeAttempts: 2, Resends: 5, PINAttempts: 3, Removals: 0, ReadAttempts: 4, Backoff: 250 * time.Millisecond, CodeTTL: 90 * time.Second}
	out, err := scenariofile.Marshal(s)
	require.NoError(t, err)
	assert.Contains(t, string(out), "\n  \"limits\": {\"codeAttempts\": 2, \"resends\": 5, \"pinAttempts\": 3, \"removals\": 0, \"readAttempts\": 4, \"backoff\": \"250ms\", \"codeTTL\": \"1m30s\"},\n  \"answers\": [\n")
	back, err := scenariofile.Parse(out)
	require.NoError(t, err)
	assert.Equal(t, s.Limits, back.Limits)
	again, err := scenariofile.Marshal(back)
	require.NoError(t, err)
	assert.Equal(t, string(out), string(again))

	// Options carries them: limits the engine refuses are refused by New.
	_, err = enrollfsm.New(enrollfsm.FlowFull, back.Options()...)
	require.NoError(t, err)
	back.Limits.CodeAttempts = 0
	_, err = enrollfsm.New(enrollfsm.FlowFull, back.Options()...)
	assert.ErrorIs(t, err, pimserr.ErrConfig)
}

// Marshal writes nothing Parse would refuse.
func TestMarshal_RefusesAnInvalidScenario(t *testing.T) {
	s, err := scenariofile.Parse([]byte(small))
	require.NoError(t, err)
	s.Final = "awaiting_pin"
	_, err = scenariofile.Marshal(s)
	assert.ErrorIs(t, err, scenariofile.ErrInvalid)
	s.Final = "enrolled"
	s.Exchanges[0].Reply = json.RawMessage(`{"status":`)
	_, err = scenariofile.Marshal(s)
	assert.ErrorIs(t, err, scenariofile.ErrInvalid)
}

// The JSON of a Scenario is its file: encoding/json goes through Marshal
// and Parse, strict.
func TestScenario_JSON(t *testing.T) {
	var s scenariofile.Scenario
	require.NoError(t, json.Unmarshal([]byte(small), &s))
	assert.Equal(t, "x", s.Name)
	out, err := json.Marshal(s)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(out), `{"name":"x","flow":"full","answers":[{"prompt":"pin","value":"1234"}]`), string(out))
	assert.ErrorIs(t, json.Unmarshal([]byte(strings.Replace(small, `"final"`, `"Final"`, 1)), &s), scenariofile.ErrInvalid)
}

// A reply is spaced as the files are, its strings copied byte for byte:
// an escaped quote does not end one, and spaces, commas and colons inside
// stay as they are.
func TestMarshal_SpacesAReplyButNotItsStrings(t *testing.T) {
	s, err := scenariofile.Parse([]byte(strings.Replace(small, `{"status":"SUCCEEDED","result":{"isDeviceActivated":true}}`,
		"{ \"status\" :\"FAILED\",\n\"error\":{\"code\":2301,\"label\":\"a \\\",b:c  \\u00e9\\\\\"}, \"n\": [1.50e3,-0]}", 1)))
	require.NoError(t, err)
	out, err := scenariofile.Marshal(s)
	require.NoError(t, err)
	assert.Contains(t, string(out), `"reply": {"status": "FAILED", "error": {"code": 2301, "label": "a \",b:c  \u00e9\\"}, "n": [1.50e3, -0]}}`)
}
