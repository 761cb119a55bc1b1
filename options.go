package enrollfsm

import (
	"bytes"
	"fmt"
	"log/slog"

	"github.com/enrollfsm/enrollfsm/enrollment"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/internal/core"
	"github.com/enrollfsm/enrollfsm/steps"
)

// Option configures an Engine, at New or Restore.
type Option func(*config) error

// config is what the options write: the core's configuration.
type config = core.Config

// DefaultLimits returns the bounds of docs/contract.md §4.
func DefaultLimits() Limits { return core.DefaultLimits() }

// WithPlatform sets the mobile OS; iOS sends the SMS code with calls 7 and
// 8. The default is Android.
func WithPlatform(p Platform) Option {
	return func(c *config) error {
		if p != Android && p != IOS {
			return fmt.Errorf("%w: platform %q (want android or ios)", pimserr.ErrConfig, clip(string(p), 16))
		}
		c.Platform, c.PlatformSet = p, true
		return nil
	}
}

// WithSDKVersion sets the mobile SDK's version ("2.1.0" by default): major,
// minor and patch without leading zeros, an optional "v" and pre-release
// suffix ("2.1.0-rc.1"), at most 32 characters. Flow auto picks the shortcut
// from 2.1.0 on.
func WithSDKVersion(v string) Option {
	return func(c *config) error {
		parsed, err := core.ParseSDKVersion(v)
		if err != nil {
			return err
		}
		c.SDK, c.SDKVersion, c.SDKSet = v, parsed, true
		return nil
	}
}

// WithAutoRemove skips the confirm_removal prompt: a blocked account has
// every enrollment removed at once. Only for apps that asked for consent
// beforehand, since the user's other devices are signed out.
func WithAutoRemove(on bool) Option {
	return func(c *config) error { c.AutoRemove, c.AutoRemoveSet = on, true; return nil }
}

// WithVIN gives the vehicle for the remove_vehicle operation. It is checked
// (17 characters, no I, O or Q) and upper-cased.
func WithVIN(vin string) Option {
	return func(c *config) error {
		v, err := steps.NormalizeVIN(vin)
		if err != nil {
			return err
		}
		c.VIN, c.VINSet = v, true
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
	return func(c *config) error { c.Prefetch = on; return nil }
}

// WithLimits replaces the default bounds.
func WithLimits(l Limits) Option {
	return func(c *config) error {
		if err := core.CheckLimits(l); err != nil {
			return err
		}
		c.Limits = l
		return nil
	}
}

// WithClock replaces the system clock.
func WithClock(clk Clock) Option {
	return func(c *config) error {
		if clk == nil {
			return fmt.Errorf("%w: nil clock", pimserr.ErrConfig)
		}
		c.Clock = clk
		return nil
	}
}

// WithSnapshotKey seals snapshots with HMAC-SHA256 under key, and makes
// Restore refuse a snapshot whose seal is missing or does not match: no
// counter can be lowered, and no state, flow or setting changed, by editing
// a saved file. Keep the key where the platform keeps secrets (the Android
// Keystore, the iOS Keychain), never beside the snapshot. The key must be at
// least 16 bytes; 32 random bytes are a good choice. A seal does not say a
// snapshot is the latest: see WithLatest.
func WithSnapshotKey(key []byte) Option {
	return func(c *config) error {
		if len(key) < minKeyLen {
			return fmt.Errorf("%w: a snapshot key of %d bytes (want at least %d)", pimserr.ErrConfig, len(key), minKeyLen)
		}
		c.SealKey = core.Key(bytes.Clone(key))
		return nil
	}
}

const minKeyLen = 16

// WithLatest gives Restore the latest Place the host saw of its current run
// (Engine.Place, kept beside the snapshot key after every Snapshot and when
// the run ends): Restore then refuses, with ErrStaleSnapshot, a snapshot of
// another run or an older one of this run, so that no saved file can be
// restored twice to win back attempts the run has spent. The zero Place
// checks nothing. New ignores it.
func WithLatest(p Place) Option {
	return func(c *config) error {
		if !p.IsZero() && !enrollment.RunIDOK(p.Run) {
			return fmt.Errorf("%w: a place's run is 1 to 32 URL-safe base64 characters", pimserr.ErrConfig)
		}
		c.Latest = p
		return nil
	}
}

// WithLogger logs one record per transition and per call, at debug level for
// transitions and info for calls. PINs and SMS codes never appear; phone
// numbers are masked.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error { c.Logger = l; return nil }
}

// WithObserver reports transitions, calls and answers as they happen. Each
// WithObserver adds one; they are called in order.
func WithObserver(o Observer) Option {
	return func(c *config) error { c.Observers = append(c.Observers, o); return nil }
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
