package pims

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"strconv"

	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/redact"
)

// Status is the status of a facade message.
type Status string

// The two statuses the facade documents.
const (
	Succeeded Status = "SUCCEEDED"
	Failed    Status = "FAILED"
)

// Message is the facade's reply dictionary:
//
//	{"transactionId": "953cfefb-bc72", "status": "FAILED",
//	 "result": null, "error": {"code": 2317, "label": "..."}}
//
// Result holds the decoded JSON object, or nil for null or absent.
// NotObject is set when the result was present but not an object (a string,
// a number, an array): a step that reads no result accepts it, a step that
// reads one refuses the reply as malformed.
type Message struct {
	TransactionID string         `json:"transactionId"`
	Status        Status         `json:"status"`
	Result        map[string]any `json:"result"`
	Error         *ErrorBody     `json:"error,omitempty"`
	NotObject     bool           `json:"-"`
}

// ErrorBody is the error of a FAILED message.
type ErrorBody struct {
	Code  int    `json:"code"`
	Label string `json:"label"`
}

// Success returns a SUCCEEDED message with the given result.
func Success(txID string, result map[string]any) Message {
	return Message{TransactionID: txID, Status: Succeeded, Result: result}
}

// Failure returns a FAILED message carrying code and its documented label.
func Failure(txID string, code pimserr.Code) Message {
	return Message{TransactionID: txID, Status: Failed, Error: &ErrorBody{Code: int(code), Label: code.Label()}}
}

// PhoneKeys are the result keys that hold a phone number: call 3's sample
// writes phoneNumber, its text trustedphoneNumber, and bridges send
// trustedPhoneNumber too.
var PhoneKeys = []string{"phoneNumber", "trustedPhoneNumber", "trustedphoneNumber"}

// Redacted returns m with the phone numbers of its result masked (call 3
// returns the account's trusted number), fit for logs and transcripts.
func (m Message) Redacted() Message {
	if m.Result == nil {
		return m
	}
	out := make(map[string]any, len(m.Result))
	for k, v := range m.Result {
		if s, ok := v.(string); ok && slices.Contains(PhoneKeys, k) {
			v = redact.Phone(s)
		}
		out[k] = v
	}
	m.Result = out
	return m
}

// Check reports whether m is a well-formed message: a known status, and a
// non-zero error code when FAILED. The error is a *pimserr.ProtocolError.
func (m Message) Check() error {
	switch m.Status {
	case Succeeded:
		return nil
	case Failed:
		if m.Error == nil {
			return &pimserr.ProtocolError{Reason: "FAILED without an error"}
		}
		if m.Error.Code == 0 {
			return &pimserr.ProtocolError{Reason: "FAILED without an error code"}
		}
		return nil
	case "":
		return &pimserr.ProtocolError{Reason: "no status"}
	default:
		return &pimserr.ProtocolError{Reason: "unknown status " + strconv.Quote(truncate(string(m.Status), 32))}
	}
}

// Err returns the *pimserr.Error of a FAILED message, nil otherwise.
func (m Message) Err() *pimserr.Error {
	if m.Status != Failed || m.Error == nil {
		return nil
	}
	return &pimserr.Error{Code: pimserr.Code(m.Error.Code), Label: m.Error.Label, TransactionID: m.TransactionID}
}

// wireMessage accepts what bridges send in practice: a code as a number or a
// numeric string.
type wireMessage struct {
	TransactionID json.RawMessage `json:"transactionId"`
	Status        json.RawMessage `json:"status"`
	Result        json.RawMessage `json:"result"`
	Error         json.RawMessage `json:"error"`
}

// DecodeMessage parses a facade message from JSON. Anything that is not a
// well-formed message gives a *pimserr.ProtocolError that keeps the raw bytes.
func DecodeMessage(data []byte) (Message, error) {
	fail := func(reason string) (Message, error) {
		return Message{}, &pimserr.ProtocolError{Reason: reason, Raw: bytes.Clone(data)}
	}
	var w wireMessage
	if err := json.Unmarshal(data, &w); err != nil {
		return fail("not a JSON object")
	}
	if key, dup := duplicateKey(data); dup {
		return fail("key " + strconv.Quote(truncate(key, 32)) + " appears twice in an object")
	}
	var m Message
	if !isNull(w.TransactionID) {
		if err := json.Unmarshal(w.TransactionID, &m.TransactionID); err != nil {
			return fail("transactionId is not a string")
		}
	}
	if isNull(w.Status) {
		return fail("no status")
	}
	var status string
	if err := json.Unmarshal(w.Status, &status); err != nil {
		return fail("status is not a string")
	}
	m.Status = Status(status)
	if !isNull(w.Result) {
		if err := json.Unmarshal(w.Result, &m.Result); err != nil {
			if !json.Valid(w.Result) {
				return fail("result is not JSON")
			}
			m.Result, m.NotObject = nil, true
		}
	}
	if !isNull(w.Error) {
		body, err := decodeErrorBody(w.Error)
		if err != nil {
			return fail(err.Error())
		}
		m.Error = body
	}
	if err := m.Check(); err != nil {
		pe := err.(*pimserr.ProtocolError)
		pe.Raw = bytes.Clone(data)
		return Message{}, pe
	}
	return m, nil
}

type reasonError string

func (e reasonError) Error() string { return string(e) }

func decodeErrorBody(raw json.RawMessage) (*ErrorBody, error) {
	var w struct {
		Code  json.RawMessage `json:"code"`
		Label json.RawMessage `json:"label"`
	}
	if err := json.Unmarshal(raw, &w); err != nil {
		return nil, reasonError("error is not an object")
	}
	body := &ErrorBody{}
	if !isNull(w.Label) {
		if err := json.Unmarshal(w.Label, &body.Label); err != nil {
			return nil, reasonError("error label is not a string")
		}
	}
	if isNull(w.Code) {
		return body, nil
	}
	code, ok := intOf(w.Code)
	if !ok {
		return nil, reasonError("error code is not an integer")
	}
	body.Code = code
	return body, nil
}

func intOf(raw json.RawMessage) (int, bool) {
	var f float64
	if err := json.Unmarshal(raw, &f); err == nil {
		return floatToInt(f)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		n, err := strconv.Atoi(s)
		return n, err == nil
	}
	return 0, false
}

func floatToInt(f float64) (int, bool) {
	if f != math.Trunc(f) || f < math.MinInt32 || f > math.MaxInt32 {
		return 0, false
	}
	return int(f), true
}

func isNull(raw json.RawMessage) bool {
	return len(raw) == 0 || string(bytes.TrimSpace(raw)) == "null"
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// WithoutSecrets returns m with every result value whose key names a PIN or
// an SMS code masked, at any depth (a backend may echo the code it texted,
// under data.smsCode or sms_code), and true if any was; m itself, and false,
// otherwise.
func (m Message) WithoutSecrets() (Message, bool) {
	out, found := withoutSecretKeys(m.Result)
	if !found {
		return m, false
	}
	m.Result = out.(map[string]any)
	return m, true
}

// withoutSecretKeys returns v with the values under a secret key masked,
// copying only what changes.
func withoutSecretKeys(v any) (any, bool) {
	switch x := v.(type) {
	case map[string]any:
		var out map[string]any
		for k, e := range x {
			masked, changed := e, false
			if isSecretKey(k) {
				masked, changed = redact.Mask, e != redact.Mask
			} else {
				masked, changed = withoutSecretKeys(e)
			}
			if changed {
				if out == nil {
					out = make(map[string]any, len(x))
					for k2, e2 := range x {
						out[k2] = e2
					}
				}
				out[k] = masked
			}
		}
		if out == nil {
			return v, false
		}
		return out, true
	case []any:
		var out []any
		for i, e := range x {
			if masked, changed := withoutSecretKeys(e); changed {
				if out == nil {
					out = append([]any(nil), x...)
				}
				out[i] = masked
			}
		}
		if out == nil {
			return v, false
		}
		return out, true
	}
	return v, false
}

// isSecretKey reports whether a result key names a PIN or an SMS code, in
// any case and with or without separators: the request's own names, and
// the words a backend may use (sms_code, PIN-code).
func isSecretKey(k string) bool {
	if len(k) > 24 {
		return false
	}
	var b [24]byte
	n := 0
	for i := 0; i < len(k); i++ {
		c := k[i]
		switch {
		case c == '_' || c == '-' || c == '.' || c == ' ':
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		b[n] = c
		n++
	}
	switch string(b[:n]) {
	case "pincode", "smscode", "oldpin", "newpin", "pin", "code", "otp", "oldpincode", "newpincode", "otpcode":
		return true
	}
	return false
}

// duplicateKey finds a key that appears twice in one object of a JSON
// document, at any depth: encoding/json would keep the last, so that
// {"status":"FAILED","status":"SUCCEEDED"} would read as a success.
func duplicateKey(data []byte) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	type object struct {
		keys   map[string]bool
		expect bool // the next token is a key
	}
	var stack []*object
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", false // malformed: json.Unmarshal has said so
		}
		var top *object
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				if top != nil && !top.expect {
					top.expect = true
				}
				stack = append(stack, &object{keys: map[string]bool{}, expect: true})
			case '[':
				if top != nil && !top.expect {
					top.expect = true
				}
				stack = append(stack, nil)
			case '}', ']':
				stack = stack[:len(stack)-1]
			}
		case string:
			if top != nil && top.expect {
				if top.keys[t] {
					return t, true
				}
				top.keys[t] = true
				top.expect = false
				continue
			}
			if top != nil {
				top.expect = true
			}
		default:
			if top != nil {
				top.expect = true
			}
		}
		if len(stack) == 0 {
			return "", false
		}
	}
}
