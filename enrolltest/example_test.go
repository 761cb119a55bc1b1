package enrolltest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"pgregory.net/rapid"

	"github.com/enrollfsm/enrollfsm/enrolltest"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/pims"
)

// This file shows how an app team property-tests its OWN host code with the
// kit. The host code here is the half of an Android/iOS bridge that turns
// the SDK's callback dictionary (a map from Kotlin or Swift) into a
// pims.Message. The kit's runs go through it: the Oracle holds the engine to
// the contract, and the bridge is held to one more property of its own: it
// decodes each dictionary exactly as the reference pims.DecodeMessage
// decodes the same reply.

// messageFromDictionary is the host code under test. SDKs hand numbers over
// as float64 (through JSON) or int, and some send the error code as a
// string.
func messageFromDictionary(d map[string]any) (pims.Message, error) {
	var m pims.Message
	m.TransactionID, _ = d["transactionId"].(string)
	status, _ := d["status"].(string)
	m.Status = pims.Status(status)
	m.Result, _ = d["result"].(map[string]any)
	if e, ok := d["error"].(map[string]any); ok {
		m.Error = &pims.ErrorBody{}
		m.Error.Label, _ = e["label"].(string)
		switch c := e["code"].(type) {
		case float64:
			m.Error.Code = int(c)
		case int:
			m.Error.Code = c
		case string:
			m.Error.Code, _ = strconv.Atoi(c)
		}
	}
	if err := m.Check(); err != nil { // a *pimserr.ProtocolError: the run fails with bad_reply
		return pims.Message{}, err
	}
	return m, nil
}

// sdk plays the mobile SDK in front of a backend (the kit's simulator): it
// hands each reply over as a dictionary, with the error code as a string on
// every other call, as some SDK versions do.
type sdk struct {
	backend pims.Backend
	calls   atomic.Int64 // WithPrefetch calls a backend from several goroutines
}

func (s *sdk) call(ctx context.Context, req pims.Request) (map[string]any, []byte, error) {
	msg, err := s.backend.Call(ctx, req)
	if err != nil {
		return nil, nil, err
	}
	raw, _ := json.Marshal(msg)
	var d map[string]any
	_ = json.Unmarshal(raw, &d)
	if e, ok := d["error"].(map[string]any); ok && s.calls.Add(1)%2 == 0 {
		e["code"] = fmt.Sprint(e["code"])
	}
	raw, _ = json.Marshal(d)
	return d, raw, nil
}

// bridge is the host's pims.Backend. It counts the replies it decodes
// otherwise than the reference does; a test wants none.
type bridge struct {
	sdk    *sdk
	decode func(map[string]any) (pims.Message, error)
	wrong  *atomic.Int64
}

func (b bridge) Call(ctx context.Context, req pims.Request) (pims.Message, error) {
	d, raw, err := b.sdk.call(ctx, req)
	if err != nil {
		return pims.Message{}, err
	}
	got, gotErr := b.decode(d)
	want, wantErr := pims.DecodeMessage(raw)
	if (gotErr == nil) != (wantErr == nil) || (gotErr == nil && !sameMessage(got, want)) {
		b.wrong.Add(1)
	}
	return got, gotErr
}

func sameMessage(a, b pims.Message) bool {
	return a.TransactionID == b.TransactionID && a.Status == b.Status &&
		reflect.DeepEqual(a.Error, b.Error) && reflect.DeepEqual(a.Result, b.Result)
}

// hostRunner puts the bridge between the engine and the simulator; faults
// are made behind the SDK, so the bridge meets malformed replies too.
func hostRunner(decode func(map[string]any) (pims.Message, error), wrong *atomic.Int64) enrolltest.Runner {
	return enrolltest.Runner{Wrap: func(backend pims.Backend) pims.Backend {
		return bridge{sdk: &sdk{backend: backend}, decode: decode, wrong: wrong}
	}}
}

// Soak the host's bridge: 300 seeded random runs of every flow through it.
func Example_hostBridge() {
	var wrong atomic.Int64
	rep := hostRunner(messageFromDictionary, &wrong).Soak(300, 1)
	fmt.Printf("%d runs, %d violations, %d replies decoded wrongly\n", rep.Runs, rep.Violations, wrong.Load())
	// Output:
	// 300 runs, 0 violations, 0 replies decoded wrongly
}

// TestHostBridge is the same property under rapid, which shrinks a failure
// to a short run and keeps it under testdata/rapid/.
func TestHostBridge(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var wrong atomic.Int64
		hostRunner(messageFromDictionary, &wrong).Run(t)
		if n := wrong.Load(); n > 0 {
			t.Fatalf("%d replies decoded otherwise than pims.DecodeMessage", n)
		}
	})
}

// TestHostBridge_CatchesAStringCode: a bridge that reads the code only as a
// number turns "2317" into a FAILED reply without a code; the property
// finds it.
func TestHostBridge_CatchesAStringCode(t *testing.T) {
	numbersOnly := func(d map[string]any) (pims.Message, error) {
		if e, ok := d["error"].(map[string]any); ok {
			if _, isString := e["code"].(string); isString {
				e["code"] = nil
			}
		}
		return messageFromDictionary(d)
	}
	var wrong atomic.Int64
	rep := hostRunner(numbersOnly, &wrong).Soak(300, 1)
	assert.Positive(t, wrong.Load(), "the buggy bridge is caught")
	assert.Zero(t, rep.Violations, "the engine itself still holds to the spec: it fails the run with bad_reply")
	assert.Positive(t, rep.Outcomes["failed:"+string(pimserr.FailureBadReply)])
}
