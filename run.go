package enrollfsm

import (
	"context"
	"fmt"
	"time"

	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/internal/core"
	"github.com/enrollfsm/enrollfsm/pims"
)

// Advance makes the pending calls through backend, one after the other,
// until the engine waits for the user or the run ends, and returns what is
// then pending. A call's failure is not an error of Advance: it moves the
// engine (to interrupted, to a prompt, to failed). Advance returns an error
// if another Advance is already making a call, and ctx.Err() as soon as ctx
// is done: a call cut short by it leaves the engine at interrupted, resumable
// and savable, and no further call is made. A call ctx ended before it was
// made is not counted, and its retry spends nothing.
//
// The lock is released while a call is in flight, so Cancel, Next and
// Outcome answer at once from other goroutines. With WithPrefetch, the calls
// in Pending.Also are made at the same time as the first call, and Advance
// returns only once each has come back.
func (e *Engine) Advance(ctx context.Context, backend pims.Backend) (Pending, error) {
	aheadCtx, stopAhead := context.WithCancel(ctx)
	defer stopAhead()
	ahead := map[uint64]chan result{}
	// Every prefetched call is delivered, used or not, so that it is
	// counted, logged, and not left running.
	settle := func() {
		for id, ch := range ahead {
			r := <-ch
			e.mu.Lock()
			_ = e.deliverMade(id, r)
			e.mu.Unlock()
			delete(ahead, id)
		}
	}
	defer settle()
	c := e.core()
	for {
		e.mu.Lock()
		var p Pending
		c.Next(&p)
		if p.Kind != PendingCall {
			e.mu.Unlock()
			settle()
			return e.Next(), nil
		}
		if busy := e.inFlight; busy != 0 {
			e.mu.Unlock()
			return p, fmt.Errorf("%w: call %d is being made by another Advance", pimserr.ErrNoCall, busy)
		}
		for _, call := range p.Also {
			if _, started := ahead[call.ID]; !started {
				ch := make(chan result, 1)
				ahead[call.ID] = ch
				go func(call Call) { ch <- e.perform(aheadCtx, backend, call) }(call)
			}
		}
		callCtx, stop := context.WithCancel(ctx)
		e.inFlight = p.Call.ID
		e.stopCall = func() { stop(); stopAhead() }
		e.mu.Unlock()

		var r result
		if ch, started := ahead[p.Call.ID]; started {
			r = <-ch // made ahead of need: wait for it
			delete(ahead, p.Call.ID)
		} else {
			r = e.perform(callCtx, backend, p.Call)
		}
		stop()

		e.mu.Lock()
		e.inFlight, e.stopCall = 0, nil
		derr := e.deliverMade(p.Call.ID, r)
		e.mu.Unlock()
		if derr != nil {
			return e.Next(), derr
		}
		if err := ctx.Err(); err != nil {
			settle()
			return e.Next(), err
		}
	}
}

// result is a call's reply and how long it took; notMade when ctx ended
// before the call reached the backend.
type result struct {
	msg     pims.Message
	err     error
	took    time.Duration
	notMade bool
}

// perform waits the call's backoff, then makes it.
func (e *Engine) perform(ctx context.Context, backend pims.Backend, call Call) result {
	clock := e.core().Clock()
	if call.Delay > 0 {
		if err := clock.Sleep(ctx, call.Delay); err != nil {
			return result{err: err, notMade: true}
		}
	}
	if err := ctx.Err(); err != nil {
		return result{err: err, notMade: true}
	}
	start := clock.Now()
	msg, err := backend.Call(ctx, call.Request)
	return result{msg: msg, err: err, took: clock.Now().Sub(start)}
}

// deliverMade takes the outcome of a call Advance made, and ends the run if
// Cancel asked for it meanwhile.
func (e *Engine) deliverMade(id uint64, r result) error {
	c := e.core()
	var err error
	if r.notMade {
		err = c.NotMade(id, r.err)
	} else {
		err = c.Deliver(id, &r.msg, r.err, r.took)
	}
	if e.cancelPending && e.inFlight == 0 {
		e.cancelPending = false
		if !c.Ended() {
			c.Cancel()
		}
	}
	return err
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
// be called again. When ctx is done Run returns ctx.Err() at once: it never
// asks the user to retry a call that ctx cut short, and the engine rests at
// interrupted or at its prompt, savable.
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
		if err := ctx.Err(); err != nil {
			return Outcome{}, err
		}
		a, err := answerer.Answer(ctx, p)
		if err != nil {
			return Outcome{}, err
		}
		if err := ctx.Err(); err != nil {
			return Outcome{}, err // the answer may be a reaction to ctx ending
		}
		if err := e.Answer(a); err != nil && !core.IsRefusal(err) {
			return Outcome{}, err
		}
	}
}
