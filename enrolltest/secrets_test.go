package enrolltest_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/enrollfsm/enrollfsm/enrolltest"
)

// SecretIn finds a secret however JSON writes it, and says where.
func TestSecretIn(t *testing.T) {
	secrets := []string{"1357", "415263"}
	phones := []string{"0613572468"}
	for _, c := range []struct{ doc, at string }{
		{`{"state":"awaiting_pin","pin":"1357"}`, "/pin"},
		{`{"a":["x","code 415263 sent"]}`, "/a/1"},
		{`{"a":"\u0031357"}`, "/a"},
		{`{"\u0034\u00315263":1}`, "/key"},
		{`{"phone":"0613572468"}`, ""},
		{`{"phone":"1357"}`, "/phone"},
		{`{"run":"xK1357_q9","seq":3}`, ""}, // a random run id may hold a secret's digits
		{`{"run":"1357"}`, "/run"},
		{`{"a":{"run":"xK1357_q9"}}`, "/a/run"},
		{`{"seal":"Qz1357-w_8"}`, ""}, // a seal's base64 may hold a secret's digits
		{`{"seal":"415263"}`, "/seal"},
		{`{"run":"xK1357_q9","seal":"Qz1357-w_8","pin":"1357"}`, "/pin"},
		{`{"state":"awaiting_pin","n":1357}`, ""},
		{`{"state":"awaiting_pin"}`, ""},
		{`{"state":`, "(not JSON)"},
		{`{"state":"1357`, "(not JSON)"},
	} {
		assert.Equal(t, c.at, enrolltest.SecretIn([]byte(c.doc), secrets, phones...), c.doc)
	}
}
