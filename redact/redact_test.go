package redact_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
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
	assert.Equal(t, "06••••••78", redact.Phone("0612345678"))
	assert.Equal(t, "+33•••••••78", redact.Phone("+33612345678"))
	assert.Equal(t, "06••••••78", redact.Phone(" 06 12.34-56 78"))
	assert.Equal(t, "••••", redact.Phone("1234"))
	assert.Equal(t, "", redact.Phone(""))
}
