package enrolltest_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/enrolltest"
	"github.com/enrollfsm/enrollfsm/internal/core"
	"github.com/enrollfsm/enrollfsm/scenario"
)

// Check judges the engine by the contract, not by the engine's own view of
// it: an engine configured apart from the Oracle is caught, and the
// counterexample is the run the contract expects, which the engine as it
// should be passes.
func TestCheck_CatchesAnEngineThatDepartsFromTheContract(t *testing.T) {
	for _, c := range []struct {
		name  string
		flow  enrollfsm.Flow
		plant func(*core.Config)
		prop  enrolltest.Property
	}{
		{"a sixth wrong PIN allowed", enrollfsm.FlowUpdatePIN, func(c *core.Config) { c.Limits.PINAttempts = 6 }, enrolltest.PropertyOracle},
		{"a fourth wrong code allowed", enrollfsm.FlowModifyPhone, func(c *core.Config) { c.Limits.CodeAttempts = 4 }, enrolltest.PropertyOracle},
		{"a code that lives a minute more", enrollfsm.FlowModifyPhone, func(c *core.Config) { c.Limits.CodeTTL = 11 * time.Minute }, enrolltest.PropertyOracle},
		{"a code that lives a minute less", enrollfsm.FlowModifyPhone, func(c *core.Config) { c.Limits.CodeTTL = 9 * time.Minute }, enrolltest.PropertyOracle},
		{"a fourth resend", enrollfsm.FlowModifyPhone, func(c *core.Config) { c.Limits.Resends = 4 }, enrolltest.PropertyOracle},
		{"one read attempt fewer", enrollfsm.FlowResetPIN, func(c *core.Config) { c.Limits.ReadAttempts = 2 }, enrolltest.PropertyOracle},
		{"automatic removal though the host asked for consent", enrollfsm.FlowFull, func(c *core.Config) { c.AutoRemove = true }, enrolltest.PropertyBlocked},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := enrolltest.Setting{Settings: enrollfsm.Settings{Flow: c.flow, Platform: enrollfsm.Android}}
			r, err := enrolltest.CheckPlanted(context.Background(), s, c.plant)
			require.NoError(t, err)
			require.NotNil(t, r.Violation, "the planted engine passed: %s", r)
			assert.Equal(t, c.prop, r.Violation.Err.Property, r.Violation.Err.Error())
			require.NotNil(t, r.Violation.Scenario, r.Violation.Why)
			sc, err := scenario.Parse(r.Violation.Scenario)
			require.NoError(t, err, "%s", r.Violation.Scenario)
			res := scenario.Run(context.Background(), sc)
			assert.NoError(t, res.Err, "the engine as it should be passes the counterexample:\n%s", r.Violation.Scenario)

			plain, err := enrolltest.CheckSetting(context.Background(), s, enrolltest.CheckOptions{})
			require.NoError(t, err)
			assert.Nil(t, plain.Violation, "nothing planted, nothing found")
		})
	}
}

// The bound the Oracle holds the engine to (Bound, from the kit's own model
// of the contract) and the one derived from the engine's tables (CallBound)
// agree, for the contract's limits and others.
func TestBound_AgreesWithTheTables(t *testing.T) {
	for _, limits := range []enrollfsm.Limits{
		enrolltest.ContractLimits(),
		{CodeAttempts: 1, Resends: 0, PINAttempts: 1, Removals: 0, ReadAttempts: 1, CodeTTL: time.Minute},
		{CodeAttempts: 5, Resends: 5, PINAttempts: 3, Removals: 2, ReadAttempts: 4, Backoff: time.Second, CodeTTL: time.Hour},
	} {
		for flow, table := range enrollfsm.Tables() {
			want, err := enrolltest.CallBound(table, limits)
			require.NoError(t, err, flow)
			got, err := enrolltest.Bound(flow, limits)
			require.NoError(t, err, flow)
			assert.Equal(t, want, got, "%s under %s", flow, enrolltest.FormatLimits(limits))
		}
	}
}
