package explore

import (
	"context"
	"sync"
	"time"
)

// epoch is where every walk's clock starts: a walk is rebuilt from its
// inputs, so its clock starts at the same time each time.
var epoch = time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)

// clock is a walk's clock: it moves only when the walk waits, or by the
// backoff of a retried read. The explorer's own, so that the explorer
// does not link the test kit.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Sleep moves the clock at once: a walk takes no wall time.
func (c *clock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.Advance(d)
	return nil
}

// Advance moves the clock forward by d.
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
