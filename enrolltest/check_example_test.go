package enrolltest_test

import (
	"context"
	"fmt"
	"time"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/enrolltest"
)

// A QA team proves the limits it ships: every state update_pin can reach on
// Android, plain and with sealed snapshots, judged against those limits.
func ExampleCheck() {
	limits := enrollfsm.Limits{CodeAttempts: 5, Resends: 2, PINAttempts: 3, Removals: 1, ReadAttempts: 2,
		Backoff: time.Second, CodeTTL: 5 * time.Minute}
	settings := enrolltest.Settings([]enrollfsm.Flow{enrollfsm.FlowUpdatePIN}, []enrollfsm.Platform{enrollfsm.Android}, limits)
	rep, err := enrolltest.Check(context.Background(), settings, enrolltest.CheckOptions{Workers: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range rep.Results {
		fmt.Println(r)
	}
	fmt.Println("ok:", rep.OK())
	// Output:
	// update_pin android limits codes=5,resends=2,pins=3,removals=1,reads=2,backoff=1s,ttl=5m0s: 37 states, 276 edges, at most 2 calls between waits (the contract allows 2), longest run without retry 12, every edge taken, 0 violations
	// update_pin android sealed limits codes=5,resends=2,pins=3,removals=1,reads=2,backoff=1s,ttl=5m0s: 37 states, 276 edges, at most 2 calls between waits (the contract allows 2), longest run without retry 12, every edge taken, 0 violations
	// ok: true
}
