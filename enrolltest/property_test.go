package enrolltest_test

import (
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"pgregory.net/rapid"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/enrolltest"
)

// TestRandomRun is the kit in one line: random runs of every flow against
// the simulator, every move judged by the Oracle.
func TestRandomRun(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) { enrolltest.Runner{}.Run(t) })
}

// TestSoak is TestRandomRun with its figures logged. By default it makes
// rapid's 100 runs; the soak of docs/TESTING.md makes 10,000:
//
//	go test ./enrolltest -run TestSoak -rapid.checks=10000 -v
func TestSoak(t *testing.T) {
	var sum enrolltest.SoakReport
	start := time.Now()
	rapid.Check(t, func(t *rapid.T) { sum.Add(enrolltest.Runner{}.Run(t)) })
	sum.Elapsed = time.Since(start)
	t.Log(sum.String())
	t.Log(sum.Outcomes)
	assert.Positive(t, sum.Succeeded, "some runs enroll or finish their operation")
	assert.Positive(t, sum.Calls)
}

// TestSeededSoak is the same without rapid, from a seeded math/rand: what
// Runner.Soak gives a benchmark or a long job. Every seed is one run; 300 by
// default, ENROLLTEST_SOAK=10000 for the soak of docs/TESTING.md.
func TestSeededSoak(t *testing.T) {
	runs := 300
	if n, err := strconv.Atoi(os.Getenv("ENROLLTEST_SOAK")); err == nil && n > 0 {
		runs = n
	}
	rep := enrolltest.Runner{}.Soak(runs, 1)
	t.Log(rep.String())
	t.Log(rep.Outcomes)
	assert.NoError(t, rep.First, "seed %d", rep.FirstSeed)
	assert.Equal(t, runs, rep.Runs)
	assert.Positive(t, rep.Succeeded)
}

// TestSeededRun_IsDeterministic: a seed names a run, so a failure found by a
// soak is replayed by its seed alone.
func TestSeededRun_IsDeterministic(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		a, errA := enrolltest.Runner{}.Seeded(seed)
		b, errB := enrolltest.Runner{}.Seeded(seed)
		assert.Equal(t, errA, errB)
		assert.Equal(t, a.Config.String(), b.Config.String())
		assert.Equal(t, a.Stats, b.Stats, "seed %d", seed)
		assert.Equal(t, a.Outcome.State, b.Outcome.State)
	}
}

func BenchmarkSeededRun(b *testing.B) {
	// the same 256 seeds over and over, so that the mix of flows does not
	// depend on b.N
	for i := 0; i < b.N; i++ {
		if _, err := (enrolltest.Runner{}).Seeded(uint64(i % 256)); err != nil {
			b.Fatal(err)
		}
	}
}

// TestRunner_OneFlow: a Runner with a Flow draws only that flow.
func TestRunner_OneFlow(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		rep := enrolltest.Runner{Flow: enrollfsm.FlowUpdatePIN}.Run(t)
		assert.Equal(t, enrollfsm.FlowUpdatePIN, rep.Config.Flow)
	})
}
