package enrolltest

import (
	"strings"

	"github.com/enrollfsm/enrollfsm"
)

// Setting is one configuration of a run, the one settings type of the kit:
// the engine's own settings, the host's limits, and the options that change
// how a run is driven. Check, the Oracle, the Harness and the scenario
// runner all take it.
type Setting struct {
	enrollfsm.Settings
	// Limits are the host's own (WithLimits). Zero: the host sets none, so
	// the engine runs with its defaults and is judged against the
	// contract's (ContractLimits), never against its own.
	Limits enrollfsm.Limits
	// Prefetch is enrollfsm.WithPrefetch.
	Prefetch bool
	// Sealed: snapshots are sealed with a key (enrollfsm.WithSnapshotKey).
	Sealed bool
}

// SealKey is the snapshot key of a sealed setting.
var SealKey = []byte("enrolltest snapshot key, 32 b..")

// contractLimits returns the limits the run is judged against.
func (s Setting) contractLimits() enrollfsm.Limits {
	if s.Limits == (enrollfsm.Limits{}) {
		return ContractLimits()
	}
	return s.Limits
}

func (s Setting) platform() enrollfsm.Platform {
	if s.Platform == "" {
		return enrollfsm.Android
	}
	return s.Platform
}

func (s Setting) sdk() string {
	if s.SDKVersion == "" {
		return "2.1.0"
	}
	return s.SDKVersion
}

// Options returns the options a host with this setting gives New and
// Restore: the settings, the limits only when the host has its own,
// prefetch and the snapshot key.
func (s Setting) Options() []enrollfsm.Option {
	set := s.Settings
	set.Platform, set.SDKVersion = s.platform(), s.sdk()
	opts := set.Options()
	if s.Limits != (enrollfsm.Limits{}) {
		opts = append(opts, enrollfsm.WithLimits(s.Limits))
	}
	if s.Prefetch {
		opts = append(opts, enrollfsm.WithPrefetch(true))
	}
	if s.Sealed {
		opts = append(opts, enrollfsm.WithSnapshotKey(SealKey))
	}
	return opts
}

// String names the setting as enroll check prints it: "full android",
// "auto ios sdk 2.0.0 auto-removal prefetch sealed".
func (s Setting) String() string {
	out := []string{string(s.Flow), string(s.platform())}
	if s.Flow == enrollfsm.FlowAuto || s.SDKVersion != "" && s.SDKVersion != "2.1.0" {
		out = append(out, "sdk "+s.sdk())
	}
	if s.AutoRemove {
		out = append(out, "auto-removal")
	}
	if s.Prefetch {
		out = append(out, "prefetch")
	}
	if s.Sealed {
		out = append(out, "sealed")
	}
	if s.Limits != (enrollfsm.Limits{}) {
		out = append(out, "limits "+FormatLimits(s.Limits))
	}
	return strings.Join(out, " ")
}
