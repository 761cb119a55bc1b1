// Package enrolltest helps test code that embeds the engine: a manual clock,
// a scripted backend that checks every request, and the property test kit
// the project's own tests use: an Oracle, written from the contract apart
// from the engine, that predicts every move of a running engine (installed
// as its Observer); Check, which explores every reachable state under it;
// rapid generators of answers, faults and runs; a Harness for one run
// against the simulator; and a Runner that drives random runs from a
// *rapid.T or a seed. See docs/TESTING.md.
package enrolltest

import (
	"context"
	"sync"
	"time"
)

// Clock is a clock that moves only when told: Sleep advances it at once, so
// backoffs and code expiry take no wall time. It is safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// Epoch is the default start of a Clock.
var Epoch = time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)

// NewClock returns a clock at t, or at Epoch if t is zero.
func NewClock(t time.Time) *Clock {
	if t.IsZero() {
		t = Epoch
	}
	return &Clock{now: t}
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Sleep advances the clock by d, unless ctx is done.
func (c *Clock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.Advance(d)
	return nil
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
