package redact_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/enrollfsm/enrollfsm/redact"
)

func TestSecret_NeverPrintsItsValue(t *testing.T) {
	s := redact.NewSecret("987654")
	holder := struct {
		Public string
		pin    redact.Secret
		PIN    redact.Secret
	}{"x", s, s}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		assert.NotContains(t, fmt.Sprintf(verb, s), "987654", verb)
		assert.NotContains(t, fmt.Sprintf(verb, holder), "987654", verb)
		assert.NotContains(t, fmt.Sprintf(verb, &holder), "987654", verb)
	}
	js, err := json.Marshal(holder)
	assert.NoError(t, err)
	assert.NotContains(t, string(js), "987654")
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "pin", s, "holder", holder)
	slog.New(slog.NewTextHandler(&buf, nil)).Info("x", "pin", s, "holder", holder)
	assert.NotContains(t, buf.String(), "987654")
	assert.Equal(t, "987654", s.Reveal())
	assert.True(t, s.Equal(redact.NewSecret("987654")))
	assert.True(t, redact.NewSecret("").IsZero())
}

func TestPhone(t *testing.T) {
	for in, want := range map[string]string{
		"0612345678":      "06••••••78",
		"+33612345678":    "+33•••••••78",
		" 06 12.34-56 78": "06••••••78",
		"1234":            "••••",
		"":                "",
		// Short numbers show at most their last two digits.
		"123456":    "••••56",
		"12345":     "•••••",
		"061234567": "•••••••67",
		"+336123":   "+••••23",
		"+33":       "+••",
	} {
		assert.Equal(t, want, redact.Phone(in), in)
	}
}

// Whatever its length, a masked number hides at least four digits and shows
// at most four: its prefix and its last two.
func TestPhone_HidesMostDigits(t *testing.T) {
	for n := 0; n <= 16; n++ {
		number := strings.Repeat("7", n)
		masked := redact.Phone(number)
		hidden := strings.Count(masked, "•")
		shown := strings.Count(masked, "7")
		assert.Equal(t, n, hidden+shown, number)
		assert.LessOrEqual(t, shown, 4, number)
		if n > 0 {
			assert.GreaterOrEqual(t, hidden, min(n, 4), number)
			assert.LessOrEqual(t, shown, n/2, "more digits hidden than shown: %s", number)
		}
	}
}

// A separator changes nothing of a number's mask, at any length.
func TestPhone_DigitsAloneAsWithSeparators(t *testing.T) {
	for _, n := range []string{"", "1", "1234", "12345", "123456", "123456789", "0612345678", "33612345678", "123456789012345", strings.Repeat("7", 64), strings.Repeat("7", 65)} {
		for _, plus := range []string{"", "+"} {
			separated := redact.Phone(plus + n + " ")
			if len(n) > 0 {
				separated = redact.Phone(plus + n[:1] + "-" + n[1:])
			}
			assert.Equal(t, separated, redact.Phone(plus+n), plus+n)
		}
	}
}
