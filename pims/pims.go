// Package pims is the port between the engine and the PIMS facade of the
// mobile SDK: one request in (get or set, an API name, string parameters), one
// message out (SUCCEEDED or FAILED), or a Go error when the bridge itself
// failed.
package pims

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"

	"github.com/enrollfsm/enrollfsm/redact"
)

// Op is the facade operation: pims.get or pims.set.
type Op string

// The two operations of the facade.
const (
	Get Op = "get"
	Set Op = "set"
)

// Request is one call of the facade. Params holds every value as a string,
// as the SDK samples pass them (a phone number keeps its leading zero).
//
// Params holds the real PIN and SMS code: pass them to the SDK and nowhere
// else. Printing a Request (String, fmt verbs, slog, JSON) masks them, and
// masks the phone number.
type Request struct {
	Op     Op
	API    string
	Params Params
}

// secretParams are the parameters whose values never leave the request.
var secretParams = map[string]bool{"pinCode": true, "smsCode": true, "oldPIN": true, "newPIN": true}

// IsSecretParam reports whether the parameter carries a PIN or an SMS code.
func IsSecretParam(name string) bool { return secretParams[name] }

// RedactedParams returns a copy of the parameters fit for logs and
// transcripts: secrets masked, phone numbers masked.
func (r Request) RedactedParams() map[string]string { return r.Params.Redacted() }

func redactParam(k, v string) string {
	switch {
	case secretParams[k]:
		return redact.Mask
	case k == "phoneNumber":
		return redact.Phone(v)
	}
	return v
}

// String renders the request with secrets masked, parameters sorted:
// "set pims.authentication.enrollment{action=enroll pinCode=••••}".
func (r Request) String() string {
	var b strings.Builder
	b.WriteString(string(r.Op))
	b.WriteByte(' ')
	b.WriteString(r.API)
	b.WriteByte('{')
	r.Params.writeTo(&b)
	b.WriteByte('}')
	return b.String()
}

// Format prints String for every verb, so %v and %+v never show a secret.
func (r Request) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(r.String())) }

// GoString prints String.
func (r Request) GoString() string { return r.String() }

// LogValue makes slog print the redacted request.
func (r Request) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("op", string(r.Op)),
		slog.String("api", r.API),
		slog.Any("params", r.RedactedParams()),
	)
}

// MarshalJSON writes the redacted request, so that a host encoding what it
// observes never writes a secret. A bridge that sends requests as JSON
// encodes Op, API and Params itself (see WireJSON).
func (r Request) MarshalJSON() ([]byte, error) {
	return json.Marshal(wireRequest{Op: r.Op, API: r.API, Params: r.RedactedParams()})
}

// WireJSON is the request as the bridge sends it, secrets included:
// {"op": "set", "api": "...", "params": {...}}. Never log it.
func (r Request) WireJSON() ([]byte, error) {
	return json.Marshal(wireRequest{Op: r.Op, API: r.API, Params: r.Params.Map()})
}

type wireRequest struct {
	Op     Op                `json:"op"`
	API    string            `json:"api"`
	Params map[string]string `json:"params"`
}

// Backend is the port to the PIMS facade. The host implements it by bridging
// to the Kotlin or Swift SDK (pims.get / pims.set with a callback), or uses
// the simulator or a scripted test double.
//
// Call performs req once and returns the message the SDK delivered, whatever
// its status: a FAILED message is a reply, not an error. Call returns a
// non-nil error only when no usable message came back:
//
//   - a *pimserr.ProtocolError (DecodeMessage returns one) when a message
//     came back that cannot be read; the run fails with bad_reply;
//   - any other error when none came back (the bridge failed, or ctx ended
//     first); the run is interrupted and the outcome is unknown.
//
// Call must honour ctx: return promptly once it is done. The engine calls a
// Backend from one goroutine at a time for a run, except with WithPrefetch,
// where calls 1, 2 and 3 are made at once. A retry is not always safe: an
// enrollment call whose reply was lost may have enrolled the device, which is
// why the engine checks before sending such a call again.
type Backend interface {
	Call(ctx context.Context, req Request) (Message, error)
}

// BackendFunc adapts a function to Backend.
type BackendFunc func(ctx context.Context, req Request) (Message, error)

// Call calls f.
func (f BackendFunc) Call(ctx context.Context, req Request) (Message, error) { return f(ctx, req) }

var _ Backend = BackendFunc(nil)
