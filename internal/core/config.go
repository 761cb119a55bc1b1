package core

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/enrollfsm/enrollfsm/enrollment"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
)

// Config is a run's configuration: the settings and tools the options of
// package enrollfsm write, and New and Restore read.
type Config struct {
	Platform   enrollment.Platform
	SDK        string
	SDKVersion [3]int // SDK, parsed
	VIN        string
	Limits     enrollment.Limits
	Clock      enrollment.Clock
	Logger     *slog.Logger
	Observers  []enrollment.Observer
	SealKey    Key // WithSnapshotKey
	// Latest is the newest place of the run a host has seen: Restore refuses
	// an older snapshot of that run, and another run's (WithLatest).
	Latest     enrollment.Place
	AutoRemove bool
	Prefetch   bool
	// Set by an option, to refuse one that contradicts a snapshot.
	PlatformSet, SDKSet, AutoRemoveSet, VINSet bool
}

// Key is a snapshot key. It prints as a mask whatever the verb, so that a
// config or an engine printed by reflection never shows it.
type Key []byte

// Format prints a mask for every verb.
func (k Key) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte("[key]")) }

// Defaults is the configuration before any option: Android, SDK 2.1.0, the
// default limits, the system clock.
func Defaults() Config {
	return Config{
		Platform:   enrollment.Android,
		SDK:        "2.1.0",
		SDKVersion: [3]int{2, 1, 0},
		Limits:     DefaultLimits(),
		Clock:      SystemClock{},
	}
}

// DefaultLimits are the bounds of docs/contract.md §4.
func DefaultLimits() enrollment.Limits {
	return enrollment.Limits{
		CodeAttempts: 3,
		Resends:      3,
		PINAttempts:  5,
		Removals:     1,
		ReadAttempts: 3,
		Backoff:      500 * time.Millisecond,
		CodeTTL:      10 * time.Minute,
	}
}

// Bounds far above any use, so that no product of them overflows and a
// read's doubling backoff stays a sane duration.
const (
	maxLimit        = 1000
	maxReadAttempts = 16
)

// CheckLimits refuses limits no run can keep.
func CheckLimits(l enrollment.Limits) error {
	if l.CodeAttempts < 1 || l.Resends < 0 || l.PINAttempts < 1 || l.Removals < 0 ||
		l.ReadAttempts < 1 || l.Backoff < 0 || l.CodeTTL <= 0 {
		return fmt.Errorf("%w: limits must be positive (removals and resends may be 0)", pimserr.ErrConfig)
	}
	if l.CodeAttempts > maxLimit || l.Resends > maxLimit || l.PINAttempts > maxLimit || l.Removals > maxLimit ||
		l.ReadAttempts > maxReadAttempts || l.Backoff > time.Minute || l.CodeTTL > 24*time.Hour {
		return fmt.Errorf("%w: limits at most %d (read attempts %d, backoff 1m, code lifetime 24h)", pimserr.ErrConfig, maxLimit, maxReadAttempts)
	}
	return nil
}

// MaxSDKVersion bounds an SDK version in bytes, so that the snapshot that
// keeps it always restores.
const MaxSDKVersion = 32

// ParseSDKVersion reads "major.minor.patch", with an optional leading "v"
// and pre-release suffix ("-rc.1"); missing parts are 0. A number has no
// leading zero, and the whole is at most MaxSDKVersion bytes of ASCII
// letters, digits, dots and dashes.
func ParseSDKVersion(v string) ([3]int, error) {
	var out [3]int
	bad := func() ([3]int, error) {
		return [3]int{}, fmt.Errorf("%w: SDK version %q (want major.minor.patch, at most %d characters)", pimserr.ErrConfig, clip(v, MaxSDKVersion), MaxSDKVersion)
	}
	if len(v) == 0 || len(v) > MaxSDKVersion {
		return bad()
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '.' || c == '-') {
			return bad()
		}
	}
	core, _, _ := strings.Cut(strings.TrimPrefix(v, "v"), "-")
	// Part by part, not strings.Split: a restore reads one, and should not
	// allocate for it.
	for i, rest, more := 0, core, true; more; i++ {
		var p string
		p, rest, more = strings.Cut(rest, ".")
		if i == len(out) {
			return bad()
		}
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || len(p) > 1 && p[0] == '0' || p[0] == '+' {
			return bad()
		}
		out[i] = n
	}
	return out, nil
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// VersionAtLeast reports whether got is min or later.
func VersionAtLeast(got, min [3]int) bool {
	for i := range got {
		if got[i] != min[i] {
			return got[i] > min[i]
		}
	}
	return true
}

// SystemClock is the wall clock.
type SystemClock struct{}

// Now is time.Now.
func (SystemClock) Now() time.Time { return time.Now() }

// Sleep waits d, or until ctx is done.
func (SystemClock) Sleep(ctx context.Context, d time.Duration) error {
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
