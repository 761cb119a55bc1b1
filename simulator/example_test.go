package simulator_test

import (
	"context"
	"fmt"

	"github.com/enrollfsm/enrollfsm/pims"
	"github.com/enrollfsm/enrollfsm/simulator"
)

// Steps 1, 2 and 3 of the tutorial against an account that has a trusted
// phone and a PIN, used on another device.
func Example() {
	sim := simulator.MustNew(simulator.WithSituation(simulator.SituationPINExists))
	ctx := context.Background()
	for _, req := range []pims.Request{
		{Op: pims.Get, API: simulator.APIAccount, Params: pims.Pairs("actionType", "strong", "type", "isDeviceActivated")},
		{Op: pims.Get, API: simulator.APIAccount, Params: pims.Pairs("actionType", "strong", "type", "isAccountBlocked")},
		{Op: pims.Get, API: simulator.APITrustedPhone},
	} {
		msg, err := sim.Call(ctx, req)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(msg.TransactionID, msg.Status, msg.Result)
	}
	// Output:
	// sim-000001 SUCCEEDED map[isDeviceActivated:false]
	// sim-000002 SUCCEEDED map[isAccountBlocked:NotBlocked]
	// sim-000003 SUCCEEDED map[phoneNumber:0612345678]
}

// A test types the code the server texted, as the user would.
func ExampleSimulator_LastCode() {
	sim := simulator.MustNew(simulator.WithSituation(simulator.SituationHasPhone))
	ctx := context.Background()
	_, _ = sim.Call(ctx, pims.Request{Op: pims.Get, API: simulator.APISMSCode, Params: pims.Pairs("type", "enrollment")})
	code, _ := sim.LastCode(simulator.KindEnrollment)
	msg, _ := sim.Call(ctx, pims.Request{Op: pims.Set, API: simulator.APISMSCode, Params: pims.Pairs("action", "enrollment", "smsCode", code)})
	fmt.Println(sim.Outbox()[0])
	fmt.Println(msg.Status, msg.Result["status"])
	// Output:
	// SMS to 06••••••78: enrollment code ••••
	// SUCCEEDED NotEnrolled
}
