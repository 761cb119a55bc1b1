package enrolltest

import (
	"context"
	"errors"
	"fmt"
	"sync"

	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/pims"
	"github.com/enrollfsm/enrollfsm/simulator"
)

// FaultKind is what goes wrong with a call.
type FaultKind int

// The faults a call can meet.
const (
	// FaultNone: the call goes through.
	FaultNone FaultKind = iota
	// FaultCode: a FAILED reply with Fault.Code, documented or not. Through a
	// simulator, 2201 on a set call may act and 2316 acts, as a server would.
	FaultCode
	// FaultBridge: no message comes back and nothing is done.
	FaultBridge
	// FaultLost: the server acts, then the reply is lost.
	FaultLost
	// FaultMalformed: the server acts and a message comes back that is not a
	// well-formed reply (Fault.Variant picks how).
	FaultMalformed
	// FaultCancel: the host's context is cancelled while the call is in
	// flight; the server acts, the reply is lost.
	FaultCancel
	// FaultAbort: the host calls Engine.Cancel while the call is in flight
	// (Faulty.OnAbort); the server sees a cancelled context and does nothing.
	FaultAbort
)

// malformedVariants is the number of ways FaultMalformed garbles a reply.
const malformedVariants = 6

// Fault is a fault for one call.
type Fault struct {
	Kind    FaultKind
	Code    pimserr.Code // with FaultCode
	Variant int          // with FaultMalformed, in [0, 6)
}

func (f Fault) String() string {
	switch f.Kind {
	case FaultNone:
		return "none"
	case FaultCode:
		if !f.Code.Known() {
			return fmt.Sprintf("code %d (unknown)", int(f.Code))
		}
		return "code " + f.Code.String()
	case FaultBridge:
		return "bridge error"
	case FaultLost:
		return "lost reply"
	case FaultMalformed:
		return fmt.Sprintf("malformed reply #%d", f.Variant)
	case FaultCancel:
		return "cancelled context"
	case FaultAbort:
		return "Engine.Cancel during the call"
	}
	return fmt.Sprintf("FaultKind(%d)", int(f.Kind))
}

// GoString is String, so that rapid's logs read well.
func (f Fault) GoString() string { return f.String() }

// Errors Faulty returns for the faults it makes without a simulator.
var (
	ErrBridgeFault = errors.New("enrolltest: bridge error")
	ErrLostReply   = errors.New("enrolltest: reply lost")
)

// Faulty is a backend that makes queued faults happen on the next calls. In
// front of a *simulator.Simulator it injects codes, bridge errors and lost
// replies into it, so that the server behaves as it documents; in front of
// any other backend it makes them itself.
type Faulty struct {
	inner pims.Backend
	sim   *simulator.Simulator

	mu    sync.Mutex
	queue []Fault
	// OnAbort is called for FaultAbort; a harness points it at Engine.Cancel.
	OnAbort func()
}

var _ pims.Backend = (*Faulty)(nil)

// NewFaulty returns a backend that passes calls to inner, faults first.
func NewFaulty(inner pims.Backend) *Faulty {
	f := &Faulty{inner: inner}
	f.sim, _ = inner.(*simulator.Simulator)
	return f
}

// Inject queues a fault for the next call that has none.
func (f *Faulty) Inject(x Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queue = append(f.queue, x)
}

// Pending returns how many faults wait for a call.
func (f *Faulty) Pending() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.queue)
}

func (f *Faulty) next() Fault {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.queue) == 0 {
		return Fault{}
	}
	x := f.queue[0]
	f.queue = f.queue[1:]
	return x
}

// Call makes the call with the next fault.
func (f *Faulty) Call(ctx context.Context, req pims.Request) (pims.Message, error) {
	x := f.next()
	switch x.Kind {
	case FaultCode:
		if f.sim == nil {
			return pims.Failure("enrolltest-fault", x.Code), nil
		}
		f.sim.InjectNext(x.Code)
	case FaultBridge:
		if f.sim == nil {
			return pims.Message{}, ErrBridgeFault
		}
		f.sim.InjectBridgeError()
	case FaultLost:
		if f.sim == nil {
			_, _ = f.inner.Call(ctx, req)
			return pims.Message{}, ErrLostReply
		}
		f.sim.InjectLostReply()
	case FaultMalformed:
		msg, err := f.inner.Call(ctx, req)
		if err != nil {
			return msg, err
		}
		return malformed(x.Variant, msg)
	case FaultCancel:
		_, _ = f.inner.Call(ctx, req)
		return pims.Message{}, fmt.Errorf("enrolltest: %w while the call was in flight", context.Canceled)
	case FaultAbort:
		if f.OnAbort != nil {
			f.OnAbort()
		}
	}
	return f.inner.Call(ctx, req)
}

// malformed garbles a reply. A SUCCEEDED reply keeps its status only when
// its result is made unreadable, so that a refusal is never turned into a
// success the server did not grant.
func malformed(variant int, msg pims.Message) (pims.Message, error) {
	tx := msg.TransactionID
	switch variant % malformedVariants {
	case 0:
		return pims.Message{TransactionID: tx}, nil // no status
	case 1:
		return pims.Message{TransactionID: tx, Status: "PENDING"}, nil
	case 2:
		return pims.Message{TransactionID: tx, Status: pims.Failed}, nil // FAILED without error
	case 3:
		return pims.Message{TransactionID: tx, Status: pims.Failed, Error: &pims.ErrorBody{Label: "?"}}, nil
	case 4:
		// what a host gets from pims.DecodeMessage on garbage
		return pims.DecodeMessage([]byte("<html>502 Bad Gateway</html>"))
	}
	if msg.Status != pims.Succeeded {
		return pims.Message{TransactionID: tx}, nil
	}
	garbled := map[string]any{}
	for _, k := range []string{"isDeviceActivated", "isAccountBlocked", "phoneNumber", "status"} {
		garbled[k] = 42.0 // a number where the steps read a bool or a string
	}
	return pims.Message{TransactionID: tx, Status: pims.Succeeded, Result: garbled}, nil
}
