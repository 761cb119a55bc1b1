package enrollfsm_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/enrolltest"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/pims"
)

var sealKey = []byte("0123456789abcdef0123456789abcdef")

// atPINPrompt is an engine at awaiting_pin after one wrong PIN, its clock
// at enrolltest.Epoch.
func atPINPrompt(t *testing.T, opts ...enrollfsm.Option) (*enrollfsm.Engine, *enrolltest.Clock) {
	t.Helper()
	clock := enrolltest.NewClock(enrolltest.Epoch)
	e, err := enrollfsm.New(enrollfsm.FlowFull, append([]enrollfsm.Option{enrollfsm.WithClock(clock)}, opts...)...)
	require.NoError(t, err)
	advance(t, e, enrolltest.NewScript(toEnrollmentCode()...))
	require.NoError(t, e.Answer(enrollfsm.Value(enrollfsm.PromptEnrollmentCode, "2424")))
	advance(t, e, enrolltest.NewScript(enrolltest.Exchange{Request: call6("2424"), Reply: pims.Success("t5", map[string]any{"status": "AlreadyEnrolled"})}))
	require.NoError(t, e.Answer(enrollfsm.Value(enrollfsm.PromptPIN, "0000")))
	p := advance(t, e, enrolltest.NewScript(enrolltest.Exchange{Request: call8("0000"), Reply: pims.Failure("t6", pimserr.CodeAccessRefused)}))
	require.Equal(t, enrollfsm.PromptPIN, p.Prompt)
	require.Equal(t, 1, e.Counters().WrongPINs)
	return e, clock
}

// tamper is one edit of a saved snapshot, as docs/snapshots.md lists them,
// and whether a restore without a key still accepts it. With a key every
// edit is refused.
type tamper struct {
	name       string
	edit       func(t *testing.T, data []byte) []byte
	unsealedOK bool
}

func editJSON(f func(m map[string]any)) func(*testing.T, []byte) []byte {
	return func(t *testing.T, data []byte) []byte {
		var m map[string]any
		d := json.NewDecoder(bytes.NewReader(data))
		d.UseNumber()
		require.NoError(t, d.Decode(&m))
		delete(m, "seal")
		f(m)
		out, err := json.Marshal(m)
		require.NoError(t, err)
		return out
	}
}

func counters(m map[string]any) map[string]any { return m["counters"].(map[string]any) }

// replace edits the raw text, for what a map cannot express.
func replace(old, new string) func(*testing.T, []byte) []byte {
	return func(t *testing.T, data []byte) []byte {
		require.Contains(t, string(data), old)
		return []byte(strings.Replace(string(data), old, new, 1))
	}
}

var tampers = []tamper{
	{"lower the wrong-PIN count", editJSON(func(m map[string]any) { counters(m)["wrongPins"] = 0 }), true},
	{"wrong PINs at the limit", editJSON(func(m map[string]any) { counters(m)["wrongPins"] = 5 }), false},
	{"wrong PINs near MaxInt64", editJSON(func(m map[string]any) { counters(m)["wrongPins"] = int64(math.MaxInt64) }), false},
	{"wrong PINs null", editJSON(func(m map[string]any) { counters(m)["wrongPins"] = nil }), false},
	{"no counters", editJSON(func(m map[string]any) { delete(m, "counters") }), false},
	{"removals above the limit", editJSON(func(m map[string]any) { counters(m)["removals"] = 2 }), false},
	{"resends above the limit", editJSON(func(m map[string]any) { counters(m)["resends"] = 4 }), false},
	{"calls near MaxInt64", editJSON(func(m map[string]any) { counters(m)["calls"] = int64(math.MaxInt64) }), false},
	{"next call at MaxUint64", editJSON(func(m map[string]any) { m["nextCall"] = uint64(math.MaxUint64) }), false},
	{"next call 0", editJSON(func(m map[string]any) { m["nextCall"] = 0 }), false},
	{"state awaiting_pin to awaiting_new_pin", editJSON(func(m map[string]any) { m["state"] = "awaiting_new_pin" }), true},
	{"platform android to ios", editJSON(func(m map[string]any) { m["platform"] = "ios" }), true},
	{"SDK 2.1.0 to 2.0.0", editJSON(func(m map[string]any) { m["sdk"] = "2.0.0" }), true},
	{"SMS time in the future", editJSON(func(m map[string]any) {
		m["enrollCode"].(map[string]any)["sentAt"] = enrolltest.Epoch.Add(time.Hour).UnixMilli()
	}), false},
	{"SMS time removed", editJSON(func(m map[string]any) { delete(m["enrollCode"].(map[string]any), "sentAt") }), false},
	{"SMS time at MinInt64", editJSON(func(m map[string]any) { m["enrollCode"].(map[string]any)["sentAt"] = int64(math.MinInt64) }), false},
	{"SMS time moved later", editJSON(func(m map[string]any) {
		m["enrollCode"].(map[string]any)["sentAt"] = enrolltest.Epoch.Add(20 * time.Second).UnixMilli()
	}), true},
	{"duplicate counters key", replace(`"counters":{`, `"counters":{"wrongPins":0},"counters":{`), false},
	{"case-folded key", replace(`"counters":`, `"Counters":`), false},
	{"unknown key", replace(`"counters":`, `"pin":"1234","counters":`), false},
	{"a million warnings", func(t *testing.T, data []byte) []byte {
		w := strings.Repeat(`{"step":"8","code":2316},`, 1_000_000)
		return []byte(strings.Replace(string(data), `"counters":`, `"warnings":[`+w[:len(w)-1]+`],"counters":`, 1))
	}, false},
	{"seal removed", editJSON(func(map[string]any) {}), true},
}

// Reference: docs/snapshots.md, the tampering table.
func TestRestore_Tampering(t *testing.T) {
	for _, sealed := range []bool{false, true} {
		var opts []enrollfsm.Option
		if sealed {
			opts = append(opts, enrollfsm.WithSnapshotKey(sealKey))
		}
		e, clock := atPINPrompt(t, opts...)
		clock.Advance(30 * time.Second) // so that a moved SMS time is a change
		good, err := e.Snapshot()
		require.NoError(t, err)
		_, err = enrollfsm.Restore(good, append(opts, enrollfsm.WithClock(clock))...)
		require.NoError(t, err, "the untouched snapshot restores")
		for _, tc := range tampers {
			t.Run(fmt.Sprintf("sealed=%v/%s", sealed, tc.name), func(t *testing.T) {
				data := tc.edit(t, good)
				var r *enrollfsm.Engine
				var err error
				require.NotPanics(t, func() { r, err = enrollfsm.Restore(data, append(opts, enrollfsm.WithClock(clock))...) })
				if !sealed && tc.unsealedOK {
					assert.NoError(t, err, "without a key the checks cannot see this edit")
					return
				}
				assert.ErrorIs(t, err, pimserr.ErrSnapshot)
				assert.Nil(t, r)
			})
		}
	}
}

// The attack of the hardening issue: save at the PIN prompt, lower the
// count, restore, again and again. Sealed, the second restore is refused.
func TestRestore_SealedSnapshotStopsTheWrongPINReset(t *testing.T) {
	e, clock := atPINPrompt(t, enrollfsm.WithSnapshotKey(sealKey))
	data, err := e.Snapshot()
	require.NoError(t, err)
	assert.Contains(t, string(data), `"seal":"`)
	assert.LessOrEqual(t, len(data), 512)
	lowered := editJSON(func(m map[string]any) { counters(m)["wrongPins"] = 0 })(t, data)
	_, err = enrollfsm.Restore(lowered, enrollfsm.WithSnapshotKey(sealKey), enrollfsm.WithClock(clock))
	require.ErrorIs(t, err, pimserr.ErrSnapshot)

	other := []byte("another key, as long as the first")
	_, err = enrollfsm.Restore(data, enrollfsm.WithSnapshotKey(other), enrollfsm.WithClock(clock))
	assert.ErrorContains(t, err, "seal does not match")

	r, err := enrollfsm.Restore(data, enrollfsm.WithSnapshotKey(sealKey), enrollfsm.WithClock(clock))
	require.NoError(t, err)
	assert.Equal(t, 1, r.Counters().WrongPINs)
}

// A seal of any other length or alphabet than the one written is refused
// as a wrong seal, never read past its end.
func TestRestore_AMalformedSealIsRefused(t *testing.T) {
	e, clock := atPINPrompt(t, enrollfsm.WithSnapshotKey(sealKey))
	data, err := e.Snapshot()
	require.NoError(t, err)
	m := regexp.MustCompile(`"seal":"([^"]*)"`).FindSubmatch(data)
	require.NotNil(t, m)
	good := string(m[1])
	require.Len(t, good, 43, "a SHA-256 MAC in unpadded base64url")
	for name, seal := range map[string]string{
		"empty":            "",
		"one short":        good[:42],
		"one long":         good + "A",
		"padded":           good + "=",
		"a hundred long":   strings.Repeat(good, 3)[:100],
		"not base64url":    good[:42] + "!",
		"standard base64":  strings.NewReplacer("-", "+", "_", "/").Replace(good[:42]) + "+",
		"another MAC":      strings.Repeat("A", 43),
		"last bits not 0s": good[:42] + lastBits(good[42]),
	} {
		t.Run(name, func(t *testing.T) {
			edited := []byte(strings.Replace(string(data), `"seal":"`+good+`"`, `"seal":"`+seal+`"`, 1))
			_, err := enrollfsm.Restore(edited, enrollfsm.WithSnapshotKey(sealKey), enrollfsm.WithClock(clock))
			require.ErrorIs(t, err, pimserr.ErrSnapshot)
		})
	}
	_, err = enrollfsm.Restore(data, enrollfsm.WithSnapshotKey(sealKey), enrollfsm.WithClock(clock))
	assert.NoError(t, err, "the seal as written")
}

// lastBits is c with one of the two bits base64 leaves unused after a
// 32-byte MAC flipped: the same MAC, written otherwise.
func lastBits(c byte) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	return string(alphabet[strings.IndexByte(alphabet, c)^1])
}

func TestWithSnapshotKey_RefusesAShortKey(t *testing.T) {
	_, err := enrollfsm.New(enrollfsm.FlowFull, enrollfsm.WithSnapshotKey([]byte("short")))
	assert.ErrorIs(t, err, pimserr.ErrConfig)
	_, err = enrollfsm.New(enrollfsm.FlowFull, enrollfsm.WithSnapshotKey(nil))
	assert.ErrorIs(t, err, pimserr.ErrConfig)
}

// Reference: docs/contract.md §5, "a run can always restore its own
// snapshot, whatever the backend returned".
func TestRestore_OwnSnapshotWithAFormattedTrustedPhone(t *testing.T) {
	for _, phone := range []string{"06 12 34 56 78", "+33 6 12 34 56 78", "06.12.34.56.78", "(0)6-12"} {
		t.Run(phone, func(t *testing.T) {
			e, err := enrollfsm.New(enrollfsm.FlowFull)
			require.NoError(t, err)
			ex := toEnrollmentCode()
			ex[2].Reply = pims.Success("t3", map[string]any{"phoneNumber": phone})
			p := advance(t, e, enrolltest.NewScript(ex...))
			require.Equal(t, enrollfsm.PromptEnrollmentCode, p.Prompt)
			data, err := e.Snapshot()
			require.NoError(t, err)
			r, err := enrollfsm.Restore(data)
			require.NoError(t, err)
			assert.Equal(t, p.SentTo, r.Next().SentTo)
		})
	}
}
