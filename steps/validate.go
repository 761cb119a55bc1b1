package steps

import (
	"strings"

	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/redact"
)

// The local checks of docs/contract.md §4: a value that fails one is refused before any
// call, with a reason, and never echoed. A reason completes "it ...": "must be
// 4 to 8 digits", so that a UI can say "That is not a valid PIN: it must be 4
// to 8 digits."

// NormalizePhone strips spaces, dots and dashes and checks an optional
// leading "+" followed by 6 to 15 digits.
func NormalizePhone(s string) (string, error) {
	s = strings.TrimSpace(s)
	if normalPhone(s) {
		return s, nil // typed as sent: nothing to strip or copy
	}
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range s {
		switch {
		case r == ' ' || r == '.' || r == '-':
		case r == '+' && i == 0:
			b.WriteRune(r)
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			return "", &pimserr.InputError{Field: "phone number", Reason: "may hold only digits, an optional leading +, spaces, dots and dashes"}
		}
	}
	n := strings.TrimPrefix(b.String(), "+")
	if len(n) < 6 || len(n) > 15 {
		return "", &pimserr.InputError{Field: "phone number", Reason: "must have 6 to 15 digits"}
	}
	return b.String(), nil
}

// normalPhone reports whether s is a normalised number already: an optional
// leading "+" and 6 to 15 digits.
func normalPhone(s string) bool {
	return digits(strings.TrimPrefix(s, "+"), 6, 15)
}

// ParseSMSCode checks 4 to 8 digits.
func ParseSMSCode(s string) (redact.Secret, error) {
	if !digits(s, 4, 8) {
		return redact.Secret{}, &pimserr.InputError{Field: "SMS code", Reason: "must be 4 to 8 digits"}
	}
	return redact.NewSecret(s), nil
}

// ParsePIN checks 4 to 8 digits.
func ParsePIN(s string) (redact.Secret, error) {
	if !digits(s, 4, 8) {
		return redact.Secret{}, &pimserr.InputError{Field: "PIN", Reason: "must be 4 to 8 digits"}
	}
	return redact.NewSecret(s), nil
}

// NormalizeVIN upper-cases and checks 17 characters of A–Z and 0–9 without
// I, O and Q (ISO 3779).
func NormalizeVIN(s string) (string, error) {
	v := strings.ToUpper(strings.TrimSpace(s))
	if len(v) != 17 {
		return "", &pimserr.InputError{Field: "VIN", Reason: "must be 17 characters"}
	}
	for _, r := range v {
		switch {
		case r == 'I' || r == 'O' || r == 'Q':
			return "", &pimserr.InputError{Field: "VIN", Reason: "must not contain I, O or Q"}
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		default:
			return "", &pimserr.InputError{Field: "VIN", Reason: "may hold only letters A–Z and digits"}
		}
	}
	return v, nil
}

func digits(s string, min, max int) bool {
	if len(s) < min || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
