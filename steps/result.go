package steps

import (
	pimserr "github.com/enrollfsm/enrollfsm/errors"
)

func badResult(reason string) error { return &pimserr.ProtocolError{Reason: reason} }

// boolResult reads a boolean the SDK may send as true/false or "true"/"false".
func boolResult(result map[string]any, key string) (bool, error) {
	if result == nil {
		return false, badResult("no result, expected " + key)
	}
	switch v := result[key].(type) {
	case bool:
		return v, nil
	case string:
		switch {
		case asciiFold(v, "true"):
			return true, nil
		case asciiFold(v, "false"):
			return false, nil
		}
	case nil:
		return false, badResult("result has no " + key)
	}
	return false, badResult(key + " is neither true nor false")
}

// stringResult reads a string field; absent or null gives ok=false.
func stringResult(result map[string]any, key string) (s string, ok bool, err error) {
	v, present := result[key]
	if !present || v == nil {
		return "", false, nil
	}
	s, isString := v.(string)
	if !isString {
		return "", false, badResult(key + " is not a string")
	}
	return s, true, nil
}

// asciiFold reports whether s is lower in any ASCII case; lower is in lower
// case. It copies nothing, as a reply read on every run should, and unlike
// strings.EqualFold it takes no other letter for an ASCII one (ſ for s, the
// Kelvin sign for k): such a reply is malformed.
func asciiFold(s, lower string) bool {
	if len(s) != len(lower) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}
