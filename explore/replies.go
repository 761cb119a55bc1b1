package explore

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/pims"
	"github.com/enrollfsm/enrollfsm/redact"
	"github.com/enrollfsm/enrollfsm/simulator"
	"github.com/enrollfsm/enrollfsm/steps"
)

// The reply kinds a step of the walk can give; each reply's ID starts with
// one of them.
const (
	replyResult    = "result:"   // a SUCCEEDED message with one result variant
	replyCode      = "code:"     // a FAILED message with a documented code
	replyBridge    = "bridge"    // the bridge failed: no message came back
	replyMalformed = "malformed" // a message came back that cannot be read
	replySimulator = "simulator" // what the built-in simulator answers
)

// variant is one successful result a step reads.
type variant struct {
	Name   string
	Result map[string]any // nil: "result": null
}

// variants lists the results each step reads, as its file in steps/
// documents them. A step that reads no result has one variant, null.
func variants(s *steps.Step) []variant {
	switch s {
	case steps.CheckEnrollment, steps.VerifyEnrollment:
		return []variant{
			{"activated", map[string]any{"isDeviceActivated": true}},
			{"not_activated", map[string]any{"isDeviceActivated": false}},
		}
	case steps.CheckAccount:
		return []variant{
			{"not_blocked", map[string]any{"isAccountBlocked": "NotBlocked"}},
			{"account_blocked", map[string]any{"isAccountBlocked": "AccountBlocked"}},
			{"pin_blocked", map[string]any{"isAccountBlocked": "PINBlocked"}},
		}
	case steps.CheckPhone:
		return []variant{
			{"phone_present", map[string]any{"phoneNumber": simulator.DefaultPhone}},
			{"phone_absent", map[string]any{"phoneNumber": nil}},
		}
	case steps.CheckPIN:
		return []variant{
			{"already_enrolled", map[string]any{"status": "AlreadyEnrolled"}},
			{"not_enrolled", map[string]any{"status": "NotEnrolled"}},
		}
	}
	return []variant{{"ok", nil}}
}

// ReplyOption is one button at a call: a reply the world can give.
type ReplyOption struct {
	ID     string `json:"id"`
	Label  string `json:"label"`
	Detail string `json:"detail,omitempty"`
	Class  string `json:"class"` // result, a code's class, bridge, malformed, simulator
	// Leads is where the reply takes the run: the state, and the events
	// fired on the way ("read_retried", "call_failed: pims:2311", ...).
	Leads string `json:"leads,omitempty"`
}

// replyOptions lists every reply s can get: each result variant, each
// documented code with its label and class (2316 among them), a bridge
// error, a malformed reply, and the simulator's own answer.
func replyOptions(s *steps.Step) []ReplyOption {
	var out []ReplyOption
	for _, v := range variants(s) {
		detail := `"result": null`
		if v.Result != nil {
			detail = `"result": ` + resultJSON(v.Result)
		}
		out = append(out, ReplyOption{ID: replyResult + v.Name, Label: "SUCCEEDED " + v.Name, Detail: detail, Class: "result"})
	}
	for _, c := range pimserr.Codes() {
		out = append(out, ReplyOption{ID: replyCode + c.String(), Label: c.String(), Detail: c.Label(), Class: c.Class().String()})
	}
	out = append(out,
		ReplyOption{ID: replyBridge, Label: "bridge error", Detail: "no message came back", Class: "bridge"},
		ReplyOption{ID: replyMalformed, Label: "malformed reply", Detail: `{"transactionId": …} without a status`, Class: "malformed"},
		ReplyOption{ID: replySimulator, Label: "answer as the simulator would", Detail: "the built-in PIMS server, with the chosen situation", Class: "simulator"},
	)
	return out
}

func resultJSON(m map[string]any) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q: ", k)
		switch v := m[k].(type) {
		case nil:
			b.WriteString("null")
		case string:
			b.WriteString(strconv.Quote(v))
		default:
			fmt.Fprint(&b, v)
		}
	}
	b.WriteByte('}')
	return b.String()
}

// errBadReplyID is a reply the step cannot get.
type errBadReplyID string

// Error names the reply kinds, not the text sent, which may be anything.
func (e errBadReplyID) Error() string {
	return "unknown reply: want result:<variant>, code:<documented code>, bridge, malformed or simulator"
}

// message builds the reply id names for step s. sim answers "simulator".
// The error is the port's: a bridge error, or a *pimserr.ProtocolError.
func message(s *steps.Step, id, txID string, sim func() (pims.Message, error)) (pims.Message, error, error) {
	switch {
	case strings.HasPrefix(id, replyResult):
		name := strings.TrimPrefix(id, replyResult)
		for _, v := range variants(s) {
			if v.Name == name {
				return pims.Success(txID, v.Result), nil, nil
			}
		}
	case strings.HasPrefix(id, replyCode):
		n, err := strconv.Atoi(strings.TrimPrefix(id, replyCode))
		if err == nil && pimserr.Code(n).Known() {
			return pims.Failure(txID, pimserr.Code(n)), nil, nil
		}
	case id == replyBridge:
		return pims.Message{}, errBridge, nil
	case id == replyMalformed:
		_, err := pims.DecodeMessage([]byte(`{"transactionId": "` + txID + `", "result": null}`))
		return pims.Message{}, err, nil
	case id == replySimulator:
		msg, err := sim()
		return msg, err, nil
	}
	return pims.Message{}, nil, errBadReplyID(id)
}

// errBridge is the bridge error a walk delivers: no message came back.
var errBridge = bridgeError("connection to the SDK lost")

type bridgeError string

func (e bridgeError) Error() string { return string(e) }

// Kotlin writes the call as the tutorial does, with secrets masked:
//
//	pims.get("pims.authentication.smscode", mapOf(Pair("type", "enrollment"))) { message -> … }
func Kotlin(r pims.Request) string {
	pairs := make([]string, 0, r.Params.Len())
	for k, v := range r.Params.Sorted() {
		pairs = append(pairs, fmt.Sprintf("Pair(%q, %q)", k, shown(k, v)))
	}
	return fmt.Sprintf("pims.%s(%q, mapOf(%s)) { message -> … }", r.Op, r.API, strings.Join(pairs, ", "))
}

// Swift writes the call as the tutorial does, with secrets masked:
//
//	pims.get(api: "pims.authentication.smscode", parameters: ["type": "enrollment"]) { (message) in … }
func Swift(r pims.Request) string {
	params := "[:]"
	if r.Params.Len() > 0 {
		pairs := make([]string, 0, r.Params.Len())
		for k, v := range r.Params.Sorted() {
			pairs = append(pairs, fmt.Sprintf("%q: %q", k, shown(k, v)))
		}
		params = "[" + strings.Join(pairs, ", ") + "]"
	}
	return fmt.Sprintf("pims.%s(api: %q, parameters: %s) { (message) in … }", r.Op, r.API, params)
}

// shown masks a PIN or an SMS code; the page shows everything else as sent.
func shown(k, v string) string {
	if pims.IsSecretParam(k) {
		return redact.Mask
	}
	return v
}
