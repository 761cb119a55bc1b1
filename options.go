package enrollfsm

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/steps"
)

// Limits bound a run (docs/contract.md §4). Every run ends or waits for the user after
// a bounded number of calls.
type Limits struct {
	// CodeAttempts: wrong answers per SMS code; then only resend is accepted.
	CodeAttempts int
	// Resends: new SMS codes per run.
	Resends int
	// PINAttempts: wrong PINs per run; the last one fails the run with
	// too_many_attempts.
	PINAttempts int
	// Removals: removals of every enrollment per run; one more trigger fails
	// the run with account_locked.
	Removals int
	// ReadAttempts: attempts of a read (calls 1, 2, 3) before the run is
	// interrupted.
	ReadAttempts int
	// Backoff: the wait before a read's second attempt; it doubles after.
	Backoff time.Duration
	// CodeTTL: how long an SMS code stays valid.
	CodeTTL time.Duration
}

// DefaultLimits returns the bounds of docs/contract.md §4.
func DefaultLimits() Limits {
	return Limits{
		CodeAttempts: 3,
		Resends:      3,
		PINAttempts:  5,
		Removals:     1,
		ReadAttempts: 3,
		Backoff:      500 * time.Millisecond,
		CodeTTL:      10 * time.Minute,
	}
}

func (l Limits) check() error {
	if l.CodeAttempts < 1 || l.Resends < 0 || l.PINAttempts < 1 || l.Removals < 0 ||
		l.ReadAttempts < 1 || l.Backoff < 0 || l.CodeTTL <= 0 {
		return fmt.Errorf("%w: limits must be positive (removals and resends may be 0)", pimserr.ErrConfig)
	}
	// Bounds far above any use, so that no product of them overflows and
	// a read's doubling backoff stays a sane duration.
	if l.CodeAttempts > maxLimit || l.Resends > maxLimit || l.PINAttempts > maxLimit || l.Removals > maxLimit ||
		l.ReadAttempts > maxReadAttempts || l.Backoff > time.Minute || l.CodeTTL > 24*time.Hour {
		return fmt.Errorf("%w: limits at most %d (read attempts %d, backoff 1m, code lifetime 24h)", pimserr.ErrConfig, maxLimit, maxReadAttempts)
	}
	return nil
}

const (
	maxLimit        = 1000
	maxReadAttempts = 16
)

// Clock is the engine's only source of time: when an SMS was sent, and the
// backoff between read attempts. Tests and the replay runner inject one.
type Clock interface {
	Now() time.Time
	// Sleep waits d, or until ctx is done.
	Sleep(ctx context.Context, d time.Duration) error
}

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

func (systemClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Option configures an Engine.
type Option func(*config) error

type config struct {
	platform   steps.Platform
	sdk        string
	sdkVersion [3]int // sdk, parsed
	vin        string
	limits     Limits
	clock      Clock
	logger     *slog.Logger
	observers  []Observer
	sealKey    []byte // WithSnapshotKey
	autoRemove bool
	prefetch   bool
	// set by an option, to refuse one that contradicts a snapshot
	platformSet, sdkSet, autoRemoveSet, vinSet bool
}

func defaults() config {
	return config{
		platform:   steps.Android,
		sdk:        "2.1.0",
		sdkVersion: [3]int{2, 1, 0},
		limits:     DefaultLimits(),
		clock:      systemClock{},
	}
}

// WithPlatform sets the mobile OS; iOS sends the SMS code with calls 7 and
// 8. The default is Android.
func WithPlatform(p Platform) Option {
	return func(c *config) error {
		if p != Android && p != IOS {
			return fmt.Errorf("%w: platform %q (want android or ios)", pimserr.ErrConfig, p)
		}
		c.platform, c.platformSet = p, true
		return nil
	}
}

// WithSDKVersion sets the mobile SDK's version ("2.1.0" by default); flow
// auto picks the shortcut from 2.1.0 on.
func WithSDKVersion(v string) Option {
	return func(c *config) error {
		parsed, err := parseVersion(v)
		if err != nil {
			return err
		}
		c.sdk, c.sdkVersion, c.sdkSet = v, parsed, true
		return nil
	}
}

// WithAutoRemove skips the confirm_removal prompt: a blocked account has
// every enrollment removed at once. Only for apps that asked for consent
// beforehand, since the user's other devices are signed out.
func WithAutoRemove(on bool) Option {
	return func(c *config) error { c.autoRemove, c.autoRemoveSet = on, true; return nil }
}

// WithVIN gives the vehicle for the remove_vehicle operation. It is checked
// (17 characters, no I, O or Q) and upper-cased.
func WithVIN(vin string) Option {
	return func(c *config) error {
		v, err := steps.NormalizeVIN(vin)
		if err != nil {
			return err
		}
		c.vin, c.vinSet = v, true
		return nil
	}
}

// WithPrefetch asks for the read-only calls 1, 2 and 3 at once at the start
// of an enrollment, so that a new enrollment waits for one round trip
// instead of three before its first prompt. The machine still passes through
// checking_enrollment, checking_account and checking_phone, reading each
// reply in turn; a reply is used only on that straight path, and dropped
// otherwise. The cost: two calls wasted when the device is enrolled already,
// and a Backend called from several goroutines at once by Advance. Turn it
// on where round trips are slow (mobile networks) and the backend is safe for
// concurrent use. Account operations ignore it.
func WithPrefetch(on bool) Option {
	return func(c *config) error { c.prefetch = on; return nil }
}

// WithLimits replaces the default bounds.
func WithLimits(l Limits) Option {
	return func(c *config) error {
		if err := l.check(); err != nil {
			return err
		}
		c.limits = l
		return nil
	}
}

// WithClock replaces the system clock.
func WithClock(clk Clock) Option {
	return func(c *config) error {
		if clk == nil {
			return fmt.Errorf("%w: nil clock", pimserr.ErrConfig)
		}
		c.clock = clk
		return nil
	}
}

// WithSnapshotKey seals snapshots with HMAC-SHA256 under key, and makes
// Restore refuse a snapshot whose seal is missing or does not match: no
// counter can be lowered, and no state, flow or setting changed, by editing
// a saved file. Keep the key where the platform keeps secrets (the Android
// Keystore, the iOS Keychain), never beside the snapshot. The key must be at
// least 16 bytes; 32 random bytes are a good choice.
func WithSnapshotKey(key []byte) Option {
	return func(c *config) error {
		if len(key) < minKeyLen {
			return fmt.Errorf("%w: a snapshot key of %d bytes (want at least %d)", pimserr.ErrConfig, len(key), minKeyLen)
		}
		c.sealKey = bytes.Clone(key)
		return nil
	}
}

const minKeyLen = 16

// WithLogger logs one record per transition and per call, at debug level for
// transitions and info for calls. PINs and SMS codes never appear; phone
// numbers are masked.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error { c.logger = l; return nil }
}

// WithObserver reports transitions, calls and answers as they happen. Each
// WithObserver adds one; they are called in order.
func WithObserver(o Observer) Option {
	return func(c *config) error { c.observers = append(c.observers, o); return nil }
}

// parseVersion reads "major.minor.patch"; missing parts are 0 and a
// pre-release suffix is ignored.
func parseVersion(v string) ([3]int, error) {
	var out [3]int
	core, _, _ := strings.Cut(strings.TrimPrefix(strings.TrimSpace(v), "v"), "-")
	parts := strings.Split(core, ".")
	if core == "" || len(parts) > 3 {
		return out, fmt.Errorf("%w: SDK version %q (want major.minor.patch)", pimserr.ErrConfig, v)
	}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return out, fmt.Errorf("%w: SDK version %q (want major.minor.patch)", pimserr.ErrConfig, v)
		}
		out[i] = n
	}
	return out, nil
}

func versionAtLeast(got, min [3]int) bool {
	for i := range got {
		if got[i] != min[i] {
			return got[i] > min[i]
		}
	}
	return true
}
