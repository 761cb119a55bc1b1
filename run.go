package enrollfsm

import (
	"context"
	"errors"

	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/pims"
)

// Advance makes the pending calls through backend, one after the other,
// until the engine waits for the user or the run ends, and returns what is
// then pending. A call's failure is not an error of Advance: it moves the
// engine (to interrupted, to a prompt, to failed). Advance returns an error
// only if another Advance is already making a call.
//
// The lock is released while a call is in flight, so Cancel, Next and
// Outcome answer at once from other goroutines.
func (e *Engine) Advance(ctx context.Context, backend pims.Backend) (Pending, error) {
	for {
		e.mu.Lock()
		p := e.pending()
		if p.Kind != PendingCall {
			e.mu.Unlock()
			return p, nil
		}
		if e.inFlight != 0 {
			e.mu.Unlock()
			return p, pimserr.ErrNoCall
		}
		callCtx, stop := context.WithCancel(ctx)
		e.inFlight, e.stopCall = p.Call.ID, stop
		e.mu.Unlock()

		start := e.cfg.clock.Now()
		msg, err := e.perform(callCtx, backend, p.Call)
		took := e.cfg.clock.Now().Sub(start)
		stop()

		e.mu.Lock()
		e.inFlight, e.stopCall = 0, nil
		derr := e.deliver(p.Call.ID, msg, err, took)
		e.mu.Unlock()
		if derr != nil {
			return e.Next(), derr
		}
	}
}

func (e *Engine) perform(ctx context.Context, backend pims.Backend, c Call) (pims.Message, error) {
	if c.Delay > 0 {
		if err := e.cfg.clock.Sleep(ctx, c.Delay); err != nil {
			return pims.Message{}, err
		}
	}
	if err := ctx.Err(); err != nil {
		return pims.Message{}, err
	}
	return backend.Call(ctx, c.Request)
}

// Answerer gives the user's answer to a prompt: a UI, a script, a test.
type Answerer interface {
	Answer(ctx context.Context, p Pending) (Answer, error)
}

// AnswerFunc adapts a function to Answerer.
type AnswerFunc func(ctx context.Context, p Pending) (Answer, error)

// Answer calls f.
func (f AnswerFunc) Answer(ctx context.Context, p Pending) (Answer, error) { return f(ctx, p) }

// Run drives the engine to the end: calls through backend, prompts through
// answerer. An answer the engine refuses (a malformed value, an action not
// offered) is not an error: the prompt is asked again with its Reason. Run
// returns an error when answerer does, or when an answer names another
// prompt than the pending one; the engine is then left waiting, and Run may
// be called again.
func (e *Engine) Run(ctx context.Context, backend pims.Backend, answerer Answerer) (Outcome, error) {
	for {
		p, err := e.Advance(ctx, backend)
		if err != nil {
			return Outcome{}, err
		}
		if p.Kind == PendingNone {
			out, _ := e.Outcome()
			return out, nil
		}
		a, err := answerer.Answer(ctx, p)
		if err != nil {
			return Outcome{}, err
		}
		if err := e.Answer(a); err != nil && !isRefusal(err) && !errors.Is(err, pimserr.ErrNotAllowed) {
			return Outcome{}, err
		}
	}
}
