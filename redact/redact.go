// Package redact keeps PINs and SMS codes out of logs, errors, transcripts and
// snapshots, and masks phone numbers.
package redact

import (
	"fmt"
	"log/slog"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Mask is what a secret prints as, whatever the verb or encoder.
const Mask = "••••"

// Secret holds a PIN or an SMS code. Every way of printing or encoding it
// (String, GoString, fmt verbs, JSON, text, slog) yields Mask; only Reveal
// gives the value. The value sits behind a pointer so that even reflection
// over a struct that embeds a Secret prints an address, not the digits.
type Secret struct {
	p *string
}

// NewSecret wraps v. The empty string gives the zero Secret.
func NewSecret(v string) Secret {
	if v == "" {
		return Secret{}
	}
	return Secret{p: &v}
}

// Reveal returns the value, for building the one request that carries it.
func (s Secret) Reveal() string {
	if s.p == nil {
		return ""
	}
	return *s.p
}

// IsZero reports whether the secret holds no value.
func (s Secret) IsZero() bool { return s.p == nil }

// Equal reports whether both hold the same value.
func (s Secret) Equal(o Secret) bool { return s.Reveal() == o.Reveal() }

func (s Secret) String() string   { return Mask }
func (s Secret) GoString() string { return "redact.Secret(" + Mask + ")" }

// Format prints Mask for every verb.
func (s Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(Mask)) }

// MarshalJSON encodes the mask, never the value.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + Mask + `"`), nil }

// MarshalText encodes the mask, never the value.
func (s Secret) MarshalText() ([]byte, error) { return []byte(Mask), nil }

// LogValue makes slog print the mask.
func (s Secret) LogValue() slog.Value { return slog.StringValue(Mask) }

var (
	_ fmt.Stringer   = Secret{}
	_ fmt.GoStringer = Secret{}
	_ fmt.Formatter  = Secret{}
	_ slog.LogValuer = Secret{}
)

// Phone masks a phone number for logs. At most the last two digits and the
// prefix (the first two digits, the country code of a "+" number) stay; the
// others become bullets, one per digit ("0612345678" → "06••••••78"). So
// that a short number does not show most of itself, the last two digits
// stay only when at least four others are masked, and the prefix only when
// at least six are ("123456" → "••••56", "1234" → "••••"). A leading "+"
// is kept; spaces, dots and dashes are dropped.
func Phone(number string) string {
	number = strings.TrimSpace(number)
	plus := strings.HasPrefix(number, "+")
	if plus {
		number = number[1:]
	}
	n := 0 // digits, that is runes other than spaces, dots and dashes
	for _, r := range number {
		if r != ' ' && r != '.' && r != '-' {
			n++
		}
	}
	head, tail := 0, 0
	if n >= 6 {
		tail = 2
	}
	if n >= 10 {
		head = 2
	}
	// One allocation: the kept runes take at most len(number) bytes, each
	// bullet three.
	var b strings.Builder
	b.Grow(1 + len(number) + 2*(n-head-tail))
	if plus {
		b.WriteByte('+')
	}
	i := 0
	for _, r := range number {
		if r == ' ' || r == '.' || r == '-' {
			continue
		}
		if i < head || i >= n-tail {
			b.WriteRune(r)
		} else {
			b.WriteString("•")
		}
		i++
	}
	return b.String()
}

// Digits masks, in text that came from outside (a backend's label, a
// bridge's error), every run of four digits or more, of any script, but a
// run equal to keep (the reply's own error code): a PIN or an SMS code the
// backend echoes is such a run, whatever else the text says.
func Digits(text, keep string) string {
	if !hasRun(text, keep) {
		return text
	}
	var b strings.Builder
	b.Grow(len(text))
	for i := 0; i < len(text); {
		j := runEnd(text, i)
		switch {
		case j == i:
			_, n := utf8.DecodeRuneInString(text[i:])
			b.WriteString(text[i : i+n])
			j = i + n
		case isLongRun(text[i:j]) && text[i:j] != keep:
			b.WriteString(Mask)
		default:
			b.WriteString(text[i:j])
		}
		i = j
	}
	return b.String()
}

// hasRun reports whether text holds a run Digits masks.
func hasRun(text, keep string) bool {
	for i := 0; i < len(text); {
		j := runEnd(text, i)
		if j == i {
			_, n := utf8.DecodeRuneInString(text[i:])
			i += n
			continue
		}
		if isLongRun(text[i:j]) && text[i:j] != keep {
			return true
		}
		i = j
	}
	return false
}

// runEnd returns the end of the run of digits that starts at i, i if none.
func runEnd(text string, i int) int {
	for i < len(text) {
		r, n := utf8.DecodeRuneInString(text[i:])
		if !unicode.IsDigit(r) {
			break
		}
		i += n
	}
	return i
}

func isLongRun(run string) bool { return utf8.RuneCountInString(run) >= 4 }
