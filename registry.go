package enrollfsm

import (
	"fmt"

	"github.com/enrollfsm/enrollfsm/account"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/flows"
	"github.com/enrollfsm/enrollfsm/flows/full"
	"github.com/enrollfsm/enrollfsm/flows/shortcut"
)

// registry is every flow, as each declares itself (flows.About): the
// enrollments, then the account operations in the tutorial's order. Flow
// resolution, Flows, Describe and Tables read it; auto is a choice between
// two of them, not a table.
var registry = append([]*flows.Table{full.Table, shortcut.Table}, account.Operations...)

// auto picks the shortcut from the SDK version that has it on, full before.
var auto = FlowInfo{
	Name:       FlowAuto,
	Summary:    fmt.Sprintf("shortcut from SDK %s on, full before", shortcut.Table.MinSDK),
	Enrollment: true,
}

// FlowInfo is what the registry says of a flow.
type FlowInfo struct {
	Name    Flow
	Summary string
	// Enrollment: an enrollment flow; otherwise an account operation.
	Enrollment bool
	// MinSDK is the oldest SDK version the flow runs on, "" for any.
	MinSDK string
	// NeedsVIN: New needs WithVIN.
	NeedsVIN bool
}

func info(t *flows.Table) FlowInfo {
	return FlowInfo{Name: Flow(t.Name), Summary: t.Summary, Enrollment: t.Enrollment, MinSDK: t.MinSDK, NeedsVIN: t.NeedsVIN}
}

// Flows lists every flow name New, a scenario or the command line accepts.
func Flows() []Flow {
	out := make([]Flow, 0, len(registry)+1)
	for _, t := range registry {
		out = append(out, Flow(t.Name))
		if t == shortcut.Table {
			out = append(out, FlowAuto)
		}
	}
	return out
}

// Describe returns what the registry says of flow f.
func Describe(f Flow) (FlowInfo, bool) {
	if f == FlowAuto {
		return auto, true
	}
	if t, ok := lookup(f); ok {
		return info(t), true
	}
	return FlowInfo{}, false
}

// Tables returns the transition table of every flow but auto, by name: a
// copy for the caller, so that nothing it does changes a running engine.
func Tables() map[Flow]*flows.Table {
	out := make(map[Flow]*flows.Table, len(registry))
	for _, t := range registry {
		out[Flow(t.Name)] = t.Clone()
	}
	return out
}

func lookup(f Flow) (*flows.Table, bool) {
	for _, t := range registry {
		if Flow(t.Name) == f {
			return t, true
		}
	}
	return nil, false
}

// resolve picks the table of flow under cfg: auto by the SDK version, and
// every flow checked against its minimum SDK and the settings it needs.
func resolve(flow Flow, cfg *config) (Flow, *flows.Table, error) {
	if flow == FlowAuto {
		flow = FlowFull
		if sdkAtLeast(cfg, shortcut.Table.MinSDK) {
			flow = FlowShortcut
		}
	}
	t, ok := lookup(flow)
	if !ok {
		return "", nil, fmt.Errorf("%w: unknown flow %q (want one of %v)", pimserr.ErrConfig, flow, Flows())
	}
	if !sdkAtLeast(cfg, t.MinSDK) {
		if flow == FlowShortcut {
			return "", nil, fmt.Errorf("%w (SDK %s)", pimserr.ErrShortcutUnsupported, cfg.sdk)
		}
		return "", nil, fmt.Errorf("%w: %s needs SDK %s or later (SDK %s)", pimserr.ErrConfig, flow, t.MinSDK, cfg.sdk)
	}
	if t.NeedsVIN && cfg.vin == "" {
		return "", nil, fmt.Errorf("%w: %s needs a VIN (WithVIN)", pimserr.ErrConfig, flow)
	}
	return flow, t, nil
}

func sdkAtLeast(cfg *config, min string) bool {
	if min == "" {
		return true
	}
	v, ok := minSDK[min]
	return ok && versionAtLeast(cfg.sdkVersion, v)
}

// minSDK holds the registry's minimum SDK versions parsed once, since New
// checks one on every run.
var minSDK = func() map[string][3]int {
	out := map[string][3]int{}
	for _, t := range registry {
		if v, err := parseVersion(t.MinSDK); err == nil && t.MinSDK != "" {
			out[t.MinSDK] = v
		}
	}
	return out
}()
