package core

import (
	"fmt"

	"github.com/enrollfsm/enrollfsm/account"
	"github.com/enrollfsm/enrollfsm/enrollment"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/flows"
	"github.com/enrollfsm/enrollfsm/flows/full"
	"github.com/enrollfsm/enrollfsm/flows/shortcut"
)

// registry is every flow with a table, as each declares itself
// (flows.About): the enrollments, then the account operations in the
// tutorial's order. auto is a choice among them, not a table. Each is the
// engine's own copy: the tables are package variables a host can reach, and
// nothing it does to one reaches a running engine.
var registry = func() []*flows.Table {
	var out []*flows.Table
	for _, t := range append([]*flows.Table{full.Table, shortcut.Table}, account.Operations...) {
		out = append(out, t.Clone())
	}
	return out
}()

// auto picks, of its enrollment flows (oldest first), the newest the SDK
// version has.
var auto = enrollment.FlowInfo{
	Name:       enrollment.FlowAuto,
	Summary:    fmt.Sprintf("shortcut from SDK %s on, full before", shortcut.Table.MinSDK),
	Enrollment: true,
	Picks:      []enrollment.Flow{enrollment.FlowFull, enrollment.FlowShortcut},
}

func info(t *flows.Table) enrollment.FlowInfo {
	return enrollment.FlowInfo{Name: enrollment.Flow(t.Name), Summary: t.Summary, Enrollment: t.Enrollment, MinSDK: t.MinSDK, NeedsVIN: t.NeedsVIN}
}

// Flows lists every flow name New, a scenario or the command line accepts:
// auto after the flows it picks from.
func Flows() []enrollment.Flow {
	out := make([]enrollment.Flow, 0, len(registry)+1)
	for _, t := range registry {
		out = append(out, enrollment.Flow(t.Name))
		if enrollment.Flow(t.Name) == auto.Picks[len(auto.Picks)-1] {
			out = append(out, auto.Name)
		}
	}
	return out
}

// Describe returns what the registry says of flow f.
func Describe(f enrollment.Flow) (enrollment.FlowInfo, bool) {
	if f == auto.Name {
		return auto, true
	}
	if t, ok := lookup(f); ok {
		return info(t), true
	}
	return enrollment.FlowInfo{}, false
}

// Tables returns the transition table of every flow but auto, by name: a
// copy for the caller, so that nothing it does changes a running engine.
func Tables() map[enrollment.Flow]*flows.Table {
	out := make(map[enrollment.Flow]*flows.Table, len(registry))
	for _, t := range registry {
		out[enrollment.Flow(t.Name)] = t.Clone()
	}
	return out
}

func lookup(f enrollment.Flow) (*flows.Table, bool) {
	for _, t := range registry {
		if enrollment.Flow(t.Name) == f {
			return t, true
		}
	}
	return nil, false
}

// Resolve picks the table of flow under cfg: auto by the SDK version, and
// every flow checked against its minimum SDK and the settings it needs.
func Resolve(flow enrollment.Flow, cfg *Config) (enrollment.Flow, *flows.Table, error) {
	if flow == auto.Name {
		flow = auto.Picks[0]
		for _, p := range auto.Picks {
			if t, ok := lookup(p); ok && sdkAtLeast(cfg, t.MinSDK) {
				flow = p
			}
		}
	}
	t, ok := lookup(flow)
	if !ok {
		return "", nil, fmt.Errorf("%w: unknown flow %q (want one of %v)", pimserr.ErrConfig, clip(string(flow), 32), Flows())
	}
	if !sdkAtLeast(cfg, t.MinSDK) {
		return "", nil, fmt.Errorf("%w: %s flow needs SDK %s or later (SDK %s)", pimserr.ErrSDKTooOld, flow, t.MinSDK, cfg.SDK)
	}
	if t.NeedsVIN && cfg.VIN == "" {
		return "", nil, fmt.Errorf("%w: %s needs a VIN (WithVIN)", pimserr.ErrConfig, flow)
	}
	return flow, t, nil
}

func sdkAtLeast(cfg *Config, min string) bool {
	if min == "" {
		return true
	}
	v, ok := minSDK[min]
	return ok && VersionAtLeast(cfg.SDKVersion, v)
}

// minSDK holds the registry's minimum SDK versions parsed once, since New
// checks one on every run.
var minSDK = func() map[string][3]int {
	out := map[string][3]int{}
	for _, t := range registry {
		if v, err := ParseSDKVersion(t.MinSDK); err == nil && t.MinSDK != "" {
			out[t.MinSDK] = v
		}
	}
	return out
}()
