package enrolltest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/enrollfsm/enrollfsm"
)

// The contract's local checks (docs/contract.md §4), written again: a
// phone number is an optional leading + and 6 to 15 digits (spaces, dots
// and dashes stripped); a code or a PIN 4 to 8 digits.

func validValue(p enrollfsm.Prompt, v string) bool {
	switch {
	case p == "phone_number":
		_, ok := normalPhone(v)
		return ok
	case codeIndex(p) >= 0, isPINPrompt(p):
		return validDigits(v, 4, 8)
	}
	return false
}

// normalValue is the value as a request sends it.
func normalValue(p enrollfsm.Prompt, v string) string {
	if p == "phone_number" {
		n, _ := normalPhone(v)
		return n
	}
	return v
}

func normalPhone(v string) (string, bool) {
	v = strings.TrimSpace(v)
	var b strings.Builder
	for i, r := range v {
		switch {
		case r == ' ' || r == '.' || r == '-':
		case r == '+' && i == 0:
			b.WriteRune(r)
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			return "", false
		}
	}
	n := b.String()
	digits := len(strings.TrimPrefix(n, "+"))
	return n, digits >= 6 && digits <= 15
}

func validDigits(v string, min, max int) bool {
	if len(v) < min || len(v) > max {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return false
		}
	}
	return true
}

func validUTF8(s string) bool { return utf8.ValidString(s) }

// lowerASCII is v in lower case when it is all ASCII, "" otherwise: a
// spelling in any ASCII case, never another alphabet's letter that
// lower-cases to an ASCII one (decision 80).
func lowerASCII(v string) string {
	for i := 0; i < len(v); i++ {
		if v[i] >= utf8.RuneSelf {
			return ""
		}
	}
	return strings.ToLower(v)
}

func boolOf(result map[string]any, key string) (bool, bool) {
	switch v := result[key].(type) {
	case bool:
		return v, true
	case string:
		switch lowerASCII(v) {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	}
	return false, false
}

// blockStatus: the three names in any ASCII case, and the booleans
// (docs/contract.md §7).
func blockStatus(result map[string]any) string {
	switch v := result["isAccountBlocked"].(type) {
	case bool:
		if v {
			return "AccountBlocked"
		}
		return "NotBlocked"
	case string:
		switch lowerASCII(v) {
		case "notblocked", "false":
			return "NotBlocked"
		case "accountblocked", "true":
			return "AccountBlocked"
		case "pinblocked":
			return "PINBlocked"
		}
	}
	return ""
}

// modelBound is the most calls a run of the contract's flow can make before
// it waits for the user or ends, under limits: the longest chain of calling
// states without a prompt, each read counted ReadAttempts times, each
// automatic removal (which starts a chain again from step 3) at most
// Removals times, and the verification of a 2317 after a resent step 7 at
// most once. A loop of calls with no prompt is an error: it would run
// without end.
func modelBound(m *model, limits enrollfsm.Limits) (int, error) {
	out := map[enrollfsm.State][]edge{}
	for e := range m.next {
		out[e.src] = append(out[e.src], e)
	}
	g := callGraph{
		name:     "the contract's " + string(m.flow),
		removal:  "removal_authorised",
		maybe:    "device_maybe_enrolled",
		attempts: limits.ReadAttempts,
		call: func(s enrollfsm.State) (bool, bool) {
			id, calling := callOf[s]
			return calling, calling && calls[id].read
		},
		out: func(s enrollfsm.State, visit func(ev enrollfsm.Event, dst enrollfsm.State)) {
			for _, e := range out[s] {
				visit(e.ev, m.next[e])
			}
		},
	}
	for s := range m.states {
		g.states = append(g.states, s)
	}
	return g.longest(limits.Removals)
}

// Bound returns the most calls a run of flow can make between two waits
// under limits (zero: the contract's), from the contract alone.
func Bound(flow enrollfsm.Flow, limits enrollfsm.Limits) (int, error) {
	m, ok := modelFor(flow)
	if !ok {
		return 0, fmt.Errorf("enrolltest: no flow %q in the contract", flow)
	}
	if limits == (enrollfsm.Limits{}) {
		limits = ContractLimits()
	}
	return modelBound(m, limits)
}

// SecretIn returns the JSON path of a string of data that holds a secret,
// or "". The phone numbers of the run, which a snapshot keeps, a snapshot's
// run id (random letters and digits under "run") and its seal (a MAC in
// base64url under "seal") may hold a secret's digits: only one equal to a
// secret counts.
func SecretIn(data []byte, secrets []string, phones ...string) string {
	if !mayHoldAny(data, secrets) {
		if !json.Valid(data) {
			return "(not JSON)"
		}
		return ""
	}
	var doc any
	if json.Unmarshal(data, &doc) != nil {
		return "(not JSON)"
	}
	if m, ok := doc.(map[string]any); ok {
		for _, k := range []string{"run", "seal"} {
			if v, ok := m[k].(string); ok {
				phones = append(slices.Clip(phones), v)
			}
		}
	}
	var walk func(v any, at string) string
	walk = func(v any, at string) string {
		switch x := v.(type) {
		case string:
			for _, s := range secrets {
				if x == s || (!slices.Contains(phones, x) && strings.Contains(x, s)) {
					return at
				}
			}
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				if found := walk(k, at+"/key"); found != "" {
					return found
				}
				if found := walk(x[k], at+"/"+k); found != "" {
					return found
				}
			}
		case []any:
			for i, v := range x {
				if found := walk(v, at+"/"+strconv.Itoa(i)); found != "" {
					return found
				}
			}
		}
		return ""
	}
	return walk(doc, "")
}

// mayHoldAny reports whether a JSON string of data could hold one of the
// secrets once decoded. Without a \u escape, a decoded string is the text
// between its quotes with the other escapes turned into quotes, slashes
// and control characters: a secret with none of those is then in the
// decoded string only if it is in data.
func mayHoldAny(data []byte, secrets []string) bool {
	if bytes.Contains(data, []byte(`\u`)) {
		return true
	}
	for _, s := range secrets {
		if s == "" || (strings.ContainsAny(s, "\"\\/\b\f\n\r\t") || bytes.Contains(data, []byte(s))) {
			return true
		}
	}
	return false
}
