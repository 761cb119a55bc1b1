// Package enrollfsm drives a connected-car mobile SDK's device enrollment
// (strong authentication, 2FA) and account operations as explicit finite
// state machines, built on github.com/looplab/fsm.
//
// Each step of the vendor's "Device Enrollment & Account Management"
// tutorial is one call of the PIMS facade, made through a port the host
// implements (pims.Backend). The engine decides; it never touches the
// network itself:
//
//	e, err := enrollfsm.New(enrollfsm.FlowAuto, enrollfsm.WithPlatform(enrollfsm.IOS))
//	for {
//		p := e.Next()
//		switch p.Kind {
//		case enrollfsm.PendingCall:   // make p.Call.Request, then e.Deliver(p.Call.ID, msg, err)
//		case enrollfsm.PendingPrompt: // ask the user p.Prompt, then e.Answer(...)
//		case enrollfsm.PendingNone:   // e.Outcome()
//		}
//	}
//
// Hosts that can block a goroutine per call use Advance or Run instead,
// which make the calls through a pims.Backend.
//
// The flows: FlowFull (steps 1–8 through step 4·2), FlowShortcut (step 4·1,
// SDK 2.1.0 and later) and FlowAuto; the account operations FlowRemoveEnrollments
// (A), FlowResetPIN (B), FlowUpdatePIN (C), FlowModifyPhone (D) and
// FlowRemoveVehicle (E). Their tables are in packages flows/full,
// flows/shortcut and account; the calls in package steps; every error in
// package errors (imported as pimserr). PINs and SMS codes never reach a
// log line, an error string or a printed value.
package enrollfsm
