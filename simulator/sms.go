package simulator

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/enrollfsm/enrollfsm/redact"
)

// SMS is a text the server sent. Code is the real code, for tests to type it
// in; every way of printing an SMS masks the code and the phone number.
type SMS struct {
	To   string    // the number it went to
	Code string    // the code it carries
	Kind string    // KindCertification or KindEnrollment
	At   time.Time // when it was sent, by the simulator's clock
}

// String masks the code and the number: "SMS to 06••••••78: enrollment code ••••".
func (m SMS) String() string {
	return "SMS to " + redact.Phone(m.To) + ": " + m.Kind + " code " + redact.Mask
}

// Format prints String for every verb, so %v, %+v and %#v never show the code.
func (m SMS) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(m.String())) }

// LogValue makes slog print the masked SMS.
func (m SMS) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("to", redact.Phone(m.To)),
		slog.String("kind", m.Kind),
		slog.String("code", redact.Mask),
		slog.Time("at", m.At),
	)
}

// MarshalJSON writes the SMS with its code and number masked; the Code
// field and LastCode give the real code to a test.
func (m SMS) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		To   string    `json:"to"`
		Code string    `json:"code"`
		Kind string    `json:"kind"`
		At   time.Time `json:"at"`
	}{redact.Phone(m.To), redact.Mask, m.Kind, m.At})
}
