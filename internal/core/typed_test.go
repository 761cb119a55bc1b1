package core

import (
	"io"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm/enrollment"
	"github.com/enrollfsm/enrollfsm/redact"
)

// A clone keeps the secrets typed so far in its own memory, and neither
// sees what the other types next.
func TestClone_TypedSecretsAreItsOwn(t *testing.T) {
	c := &Core{}
	c.cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	c.in.PIN = redact.NewSecret("1234")
	c.remember(enrollment.PromptPIN)
	cp := c.Clone()
	require.Len(t, cp.typed, 1)
	assert.Same(t, &cp.typedHere[0], &cp.typed[0], "the clone's secrets are in the clone")

	c.in.PIN = redact.NewSecret("5678")
	c.remember(enrollment.PromptPIN)
	cp.in.PIN = redact.NewSecret("9999")
	cp.remember(enrollment.PromptPIN)
	assert.Equal(t, []string{"1234", "5678"}, reveal(c.typed))
	assert.Equal(t, []string{"1234", "9999"}, reveal(cp.typed))

	// past the first four, the secrets are shared up to the clone's length
	// and each appends in memory of its own
	for _, pin := range []string{"1001", "1002", "1003"} {
		c.in.PIN = redact.NewSecret(pin)
		c.remember(enrollment.PromptPIN)
	}
	cp = c.Clone()
	cp.in.PIN = redact.NewSecret("9999")
	cp.remember(enrollment.PromptPIN)
	c.in.PIN = redact.NewSecret("7777")
	c.remember(enrollment.PromptPIN)
	assert.Equal(t, []string{"1234", "5678", "1001", "1002", "1003", "7777"}, reveal(c.typed))
	assert.Equal(t, []string{"1234", "5678", "1001", "1002", "1003", "9999"}, reveal(cp.typed))
}

// Without a logger or an observer no record is built, so nothing is
// remembered.
func TestRemember_NothingWhenNoOneWatches(t *testing.T) {
	c := &Core{}
	c.in.PIN = redact.NewSecret("1234")
	c.remember(enrollment.PromptPIN)
	assert.Empty(t, c.typed)
}

func reveal(s []redact.Secret) []string {
	var out []string
	for _, x := range s {
		out = append(out, x.Reveal())
	}
	return out
}
