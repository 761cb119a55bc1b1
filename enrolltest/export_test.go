package enrolltest

import (
	"context"

	"github.com/enrollfsm/enrollfsm/internal/core"
)

// CheckPlanted explores s with the engine's configuration changed by plant
// and the Oracle's left as s says: a bug planted for a test to catch.
func CheckPlanted(ctx context.Context, s Setting, plant func(*core.Config)) (CheckResult, error) {
	r, _, _, err := checkSetting(ctx, s, CheckOptions{plant: plant})
	return r, err
}
