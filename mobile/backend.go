package mobile

import (
	"context"

	"github.com/enrollfsm/enrollfsm/pims"
)

// Backend is the PIMS facade as the app bridges it, for Advance. Call gets
// the request as a JSON object, {"op":"get"|"set","api":"...","params":{...}}
// (params are strings, PIN and SMS code included: give them to the SDK and
// nowhere else), makes it with pims.get or pims.set, waits for the callback,
// and returns the message dictionary as UTF-8 JSON:
// {"transactionId":"...","status":"SUCCEEDED"|"FAILED","result":{...},"error":{"code":2308,"label":"..."}}.
// A FAILED message is a reply, not an error. Call throws (returns an error)
// only when no message came back; the run is then interrupted.
//
// Call runs on a thread of Go's and may block it. If the run is cancelled
// meanwhile, the engine stops waiting at once and ignores what Call returns.
type Backend interface {
	Call(request string) ([]byte, error)
}

// hostBackend adapts a Backend to the engine's port.
type hostBackend struct{ host Backend }

type reply struct {
	msg []byte
	err error
}

func (b hostBackend) Call(ctx context.Context, req pims.Request) (pims.Message, error) {
	body, err := req.WireJSON()
	if err != nil {
		return pims.Message{}, err
	}
	// The host cannot see ctx: wait for it or for ctx, whichever ends first,
	// so that Cancel never waits on a stuck bridge.
	done := make(chan reply, 1)
	go func() {
		msg, err := b.host.Call(string(body))
		done <- reply{msg, err}
	}()
	select {
	case <-ctx.Done():
		return pims.Message{}, ctx.Err()
	case r := <-done:
		if r.err != nil {
			return pims.Message{}, r.err
		}
		return pims.DecodeMessage(r.msg)
	}
}
