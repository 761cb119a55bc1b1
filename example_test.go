package enrollfsm_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/enrolltest"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/pims"
	"github.com/enrollfsm/enrollfsm/simulator"
)

// A full enrollment of a new account against the simulator: the user reads
// each code on the simulated phone and chooses a PIN.
func Example() {
	sim := simulator.MustNew(simulator.WithSituation(simulator.SituationNew))
	e, err := enrollfsm.New(enrollfsm.FlowFull, enrollfsm.WithObserver(enrollfsm.Observer{
		Transition: func(t enrollfsm.Transition) { fmt.Println(t.To) },
	}))
	if err != nil {
		panic(err)
	}
	user := enrollfsm.AnswerFunc(func(_ context.Context, p enrollfsm.Pending) (enrollfsm.Answer, error) {
		switch p.Prompt {
		case enrollfsm.PromptPhoneNumber:
			return enrollfsm.Value(p.Prompt, "06 12 34 56 78"), nil
		case enrollfsm.PromptCertificationCode:
			code, _ := sim.LastCode(simulator.KindCertification)
			return enrollfsm.Value(p.Prompt, code), nil
		case enrollfsm.PromptEnrollmentCode:
			code, _ := sim.LastCode(simulator.KindEnrollment)
			return enrollfsm.Value(p.Prompt, code), nil
		case enrollfsm.PromptNewPIN, enrollfsm.PromptPIN:
			return enrollfsm.Value(p.Prompt, "4321"), nil
		}
		return enrollfsm.Act(p.Prompt, enrollfsm.ActionCancel), nil
	})
	out, err := e.Run(context.Background(), sim, user)
	if err != nil {
		panic(err)
	}
	fmt.Println(out.OK(), sim.DeviceActivated())
	// Output:
	// checking_enrollment
	// checking_account
	// checking_phone
	// awaiting_phone_number
	// requesting_certification_sms
	// awaiting_certification_code
	// adding_phone_number
	// requesting_enrollment_sms
	// awaiting_enrollment_code
	// checking_pin
	// awaiting_new_pin
	// registering_pin
	// enrolling_device
	// enrolled
	// true true
}

// A host whose SDK answers through callbacks drives the engine without
// blocking: it takes the pending call, makes it its own way, and delivers
// the reply later.
func ExampleEngine_Deliver() {
	sdk := enrolltest.NewScript(enrolltest.Exchange{
		Request: pims.Request{Op: pims.Get, API: "pims.authentication.account",
			Params: pims.Pairs("actionType", "strong", "type", "isDeviceActivated")},
		Reply: pims.Success("953cfefb-bc72", map[string]any{"isDeviceActivated": true}),
	})
	e, _ := enrollfsm.New(enrollfsm.FlowAuto)
	for p := e.Next(); p.Kind == enrollfsm.PendingCall; p = e.Next() {
		fmt.Println("call:", p.Call.Request)
		msg, err := sdk.Call(context.Background(), p.Call.Request) // in an app: pims.get(...) { message -> ... }
		if err := e.Deliver(p.Call.ID, msg, err); err != nil {
			panic(err)
		}
	}
	out, _ := e.Outcome()
	fmt.Println(out.State)
	// Output:
	// call: get pims.authentication.account{actionType=strong type=isDeviceActivated}
	// enrolled
}

// A refused answer says why, and the same prompt stays pending.
func ExampleEngine_Answer() {
	sim := simulator.MustNew(simulator.WithSituation(simulator.SituationNew))
	e, _ := enrollfsm.New(enrollfsm.FlowShortcut)
	p, _ := e.Advance(context.Background(), sim)
	fmt.Println(p.Prompt)
	err := e.Answer(enrollfsm.Value(enrollfsm.PromptPhoneNumber, "12-34"))
	fmt.Println(err)
	fmt.Println(e.Next().Prompt)
	// Output:
	// phone_number
	// invalid phone number: must have 6 to 15 digits
	// phone_number
}

// A host keeps the run's place beside its snapshot key, as text, before
// each snapshot it stores, and gives it to Restore: the latest snapshot
// restores, an older copy of it does not.
func ExampleWithLatest() {
	ctx := context.Background()
	key := []byte("32 random bytes from a keystore!")
	sim := simulator.MustNew(simulator.WithSituation(simulator.SituationHasPhone))
	e, _ := enrollfsm.New(enrollfsm.FlowFull, enrollfsm.WithSnapshotKey(key))
	p, _ := e.Advance(ctx, sim)
	older, _ := e.Snapshot()

	// The user asks for a new code: the run goes on, and is saved again.
	_ = e.Answer(enrollfsm.Act(p.Prompt, enrollfsm.ActionResend))
	_, _ = e.Advance(ctx, sim)
	saved, _ := e.Snapshot()
	kept, _ := e.Place().MarshalText() // beside the key, then the snapshot

	var latest enrollfsm.Place
	_ = latest.UnmarshalText(kept)
	_, err := enrollfsm.Restore(older, enrollfsm.WithSnapshotKey(key), enrollfsm.WithLatest(latest))
	fmt.Println(errors.Is(err, pimserr.ErrStaleSnapshot))
	r, err := enrollfsm.Restore(saved, enrollfsm.WithSnapshotKey(key), enrollfsm.WithLatest(latest))
	fmt.Println(r.State(), err)
	// Output:
	// true
	// awaiting_enrollment_code <nil>
}
